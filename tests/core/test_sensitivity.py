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
