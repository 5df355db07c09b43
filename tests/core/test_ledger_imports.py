"""A ledger whose import reads rows of another shape than its form — an exported file, with
names where the form takes ids — keeps the generated import page and the list's 导入 button:
``import_schema`` loads the rows, ``import_row`` writes them, the columns are labelled as the
export labels them."""

from __future__ import annotations

import marshmallow as ma

from core.records.fields import describe
from core.records.ledger import Ledger, ledgers_imports
from core.validation import Schema, optional_text, required_text


class VisitSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    elder_id = describe(ma.fields.Integer(required=True, load_only=True), label="Elder")
    elder = describe(ma.fields.String(dump_only=True), label="Elder's name")
    notes = describe(optional_text(200), label="Notes", export=False)


class VisitRowSchema(Schema):
    given = describe(optional_text(20), label="Given by")
    notes = optional_text(200)
    elder = required_text(50)
    community = ma.fields.String(load_default=None)  # the export's first column, ignored


class Visit:
    __tablename__ = "demo_visit"


def ledger(**more) -> Ledger:
    return Ledger(
        module="demo",
        name="visit",
        plural="visits",
        model=Visit,
        schema=VisitSchema,
        title="Visits",
        label="Visit",
        view="demo.view",
        edit="demo.edit",
        **more,
    )


def test_without_an_import_schema_the_form_is_the_import():
    spec = ledger().import_spec()
    assert [c.key for c in spec.columns] == ["elder_id", "notes"]
    assert spec.schema is VisitSchema


def test_an_import_of_exported_rows_takes_the_exports_labels_and_its_own_writer(app):
    written = []

    def import_visit(session, community, data, user=None):
        written.append(data)

    visits = ledger(import_schema=VisitRowSchema, import_row=import_visit)
    (spec,) = ledgers_imports([visits])
    assert spec.name == "demo.visits" and spec.permission == "demo.edit"
    assert spec.schema is VisitRowSchema
    with app.test_request_context():
        labels = [str(c.label) for c in spec.columns]
    assert labels[1:] == ["Elder's name", "Notes", "Given by"]  # as the export has them
    assert labels[0] in ("社区", "Community")
    spec.write_row(None, None, {"elder": "李秀英"})
    assert written == [{"elder": "李秀英"}]
