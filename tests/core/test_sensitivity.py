"""S3 values in a record's history: sealed at rest, withheld from the audit log, opened only for
a reader who may see them — and never readable from a copy of either table."""

from __future__ import annotations

import json
from types import SimpleNamespace

import marshmallow as ma
import sqlalchemy as sa

from core.db import db
from core.models import AuditLog
from core.records.fields import S3, describe
from core.records.history import RecordChange, record_change, shown_changes
from core.records.sensitivity import WITHHELD, read_changes, seal, unseal

A1 = "110105001001"
FINDING = "负有直接责任：张建国"


class CaseSchema(ma.Schema):
    place = describe(ma.fields.String(), label="Place")
    liability = describe(ma.fields.String(), label="Liability", sensitivity=S3)


class Case(SimpleNamespace):
    __tablename__ = "test_case"


def _write_change(app, world) -> None:
    with app.test_request_context():
        node = world.node(A1)
        record_change(
            db.session,
            Case(id=7, node_id=node.id),
            object_type="test.case",
            action="update",
            changes={"place": ["仓库", "车间"], "liability": [FINDING, "新的认定"]},
            summary="changed",
            schema=CaseSchema(),
        )
        db.session.commit()


def test_history_seals_s3_values_and_the_audit_log_withholds_them(app, world):
    _write_change(app, world)
    with app.test_request_context():
        change = db.session.scalar(sa.select(RecordChange).where(RecordChange.object_id == 7))
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_id == "7"))
        stored_history = json.dumps(change.changes, ensure_ascii=False)
        assert FINDING not in stored_history and "新的认定" not in stored_history
        assert change.changes["place"] == ["仓库", "车间"]  # S1 stays readable
        assert entry.details["liability"] == [WITHHELD, WITHHELD]
        assert FINDING not in json.dumps(entry.details, ensure_ascii=False)

        assert read_changes(change.changes, unmasked=False)["liability"] == [WITHHELD, WITHHELD]
        assert read_changes(change.changes, unmasked=True)["liability"] == [FINDING, "新的认定"]
        shown = {c.field: c for c in shown_changes(CaseSchema(), change, unmasked=True)}
        assert (shown["liability"].old, shown["liability"].new) == (FINDING, "新的认定")
        hidden = {c.field: c for c in shown_changes(CaseSchema(), change)}
        assert FINDING not in hidden["liability"].old


def test_a_sealed_value_from_another_secret_reads_as_withheld(app):
    with app.test_request_context():
        sealed = seal(FINDING)
        assert unseal(sealed) == FINDING
        original = app.secret_key
        app.secret_key = "another secret"
        try:
            assert unseal(sealed) == WITHHELD
        finally:
            app.secret_key = original


def test_a_hidden_s3_value_reads_as_withheld_and_an_empty_one_stays_empty():
    from core.records.sensitivity import mask, protect

    liability = CaseSchema().fields["liability"]
    assert mask(liability, FINDING) == WITHHELD
    assert mask(liability, "") is None and mask(liability, None) is None
    dumped = {"place": "仓库", "liability": FINDING}
    assert protect(CaseSchema(), dumped) == {"place": "仓库", "liability": WITHHELD}
    assert protect(CaseSchema(), dumped, unmasked=True) == dumped


def test_a_ledger_names_the_s3_fields_that_need_the_sensitive_permission():
    from core.records.ledger import Ledger

    class Model:
        pass

    def ledger(schema: type[ma.Schema]) -> Ledger:
        return Ledger(
            module="test",
            name="case",
            model=Model,
            schema=schema,
            title="Cases",
            label="Case",
            view="t.view",
            edit="t.edit",
        )

    class Plain(ma.Schema):
        place = describe(ma.fields.String(), label="Place")

    assert ledger(CaseSchema).s3_fields() == {"liability"}
    assert ledger(Plain).s3_fields() == set()


# --- S3 items inside one list field (a resident's tags) --------------------------------------

SPECIAL = {"dibao", "disabled"}


class PersonSchema(ma.Schema):
    tags = describe(
        ma.fields.List(ma.fields.String()),
        label="Tags",
        choices={"elderly": "老年人", "dibao": "低保", "disabled": "残疾人"},
        item_sensitivity=lambda key: S3 if key in SPECIAL else "S1",
    )


def test_s3_items_of_a_list_are_one_withheld_mark_and_sealed_in_history(app, world):
    """A list mixing S1 and S3 keys: readers without the permission see the S1 keys and one
    mark for all the S3 ones (never which, nor how many); history seals them, the audit log
    withholds them, and a holder who asks reads them back."""
    from core.records.fields import display
    from core.records.sensitivity import mask, protect, reveal

    field = PersonSchema().fields["tags"]
    assert mask(field, ["elderly", "dibao", "disabled"]) == ["elderly", WITHHELD]
    assert mask(field, ["dibao"]) == [WITHHELD] and mask(field, ["elderly"]) == ["elderly"]
    assert reveal(field, ["elderly", "dibao"], s2=True, s3=True) == ["elderly", "dibao"]
    assert protect(PersonSchema(), {"tags": ["dibao"]}) == {"tags": [WITHHELD]}
    with app.test_request_context():
        assert display(field, ["elderly", WITHHELD]) == "老年人、已隐藏"
        node = world.node(A1)
        record_change(
            db.session,
            Case(id=8, node_id=node.id),
            object_type="test.person",
            action="update",
            changes={"tags": [["elderly"], ["elderly", "dibao", "disabled"]]},
            summary="changed",
            schema=PersonSchema(),
        )
        db.session.commit()
        change = db.session.scalar(sa.select(RecordChange).where(RecordChange.object_id == 8))
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.object_id == "8"))
        stored = json.dumps(change.changes)
        assert "dibao" not in stored and "disabled" not in stored
        assert change.changes["tags"][1][0] == "elderly"  # the S1 key stays readable
        assert entry.details["tags"] == [["elderly"], ["elderly", WITHHELD]]
        assert read_changes(change.changes, unmasked=False)["tags"][1] == ["elderly", WITHHELD]
        assert read_changes(change.changes, unmasked=True)["tags"][1] == [
            "elderly",
            "dibao",
            "disabled",
        ]
        hidden = {c.field: c for c in shown_changes(PersonSchema(), change)}
        assert (hidden["tags"].old, hidden["tags"].new) == ("老年人", "老年人、已隐藏")
        shown = {c.field: c for c in shown_changes(PersonSchema(), change, unmasked=True)}
        assert shown["tags"].new == "老年人、低保、残疾人"
        # A key kept in clear from before it was declared S3 is withheld when read.
        legacy = {"tags": [[], ["elderly", "dibao"]]}
        assert read_changes(legacy, unmasked=False, schema=PersonSchema())["tags"][1] == [
            "elderly",
            WITHHELD,
        ]


def test_history_and_audit_values_in_one_pass_are_those_of_two(app):
    """``protected_both`` (one pass, S2 masked once) gives what ``protected_changes`` gives
    sealed and not: S1 as it is, S2 masked in both, S3 and a list's S3 items sealed for the
    history and withheld for the audit log."""
    from core.records.fields import S2
    from core.records.sensitivity import protected_both, protected_changes

    class Mixed(ma.Schema):
        place = describe(ma.fields.String(), label="Place")
        phone = describe(ma.fields.String(), label="Phone", sensitivity=S2)
        liability = describe(ma.fields.String(), label="Liability", sensitivity=S3)
        tags = PersonSchema._declared_fields["tags"]

    schema = Mixed()
    changes = {
        "place": [None, "车间"],
        "phone": ["13812345678", "13987654321"],
        "liability": [None, FINDING],
        "tags": [["elderly"], ["elderly", "dibao"]],
        "other": [1, 2],
    }
    with app.app_context():
        sealed, shown = protected_both(schema, changes)
        assert shown == protected_changes(schema, changes)
        assert [unseal(v) for v in sealed["liability"]] == [None, FINDING]
        assert sealed["phone"] == shown["phone"] != changes["phone"]
        assert shown["liability"] == [None, WITHHELD] and shown["tags"][1] == ["elderly", WITHHELD]
        want = protected_changes(schema, changes, sealed=True)
        assert {k: v for k, v in sealed.items() if k not in ("liability", "tags")} == {
            k: v for k, v in want.items() if k not in ("liability", "tags")
        }  # sealing is randomised: the sealed values are compared opened
        assert unseal(sealed["tags"][1][-1]) == unseal(want["tags"][1][-1])
    assert protected_both(schema, {}) == (None, None)
