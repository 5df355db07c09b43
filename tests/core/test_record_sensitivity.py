"""A field whose class depends on the record (``record_sensitivity``): what a dispute is about
is S3 for a family dispute and S1 for a neighbours' one. Where the record is at hand (JSON,
pages, lists, exports) its own class applies; history and the audit log keep the declared,
strictest one; an answer stricter than the declared class, or no class at all, is taken as the
declared one."""

from __future__ import annotations

from types import SimpleNamespace

import marshmallow as ma

from core.records.fields import S1, S2, S3, depends_on_record, describe, sensitivity_of
from core.records.sensitivity import (
    WITHHELD,
    mask,
    protect,
    protected_changes,
    reveal,
    sensitive_fields,
)


def by_type(record: SimpleNamespace) -> str:
    return S3 if record.kind == "family" else S1


class DisputeSchema(ma.Schema):
    kind = describe(ma.fields.String(), label="Kind")
    summary = describe(
        ma.fields.String(), label="Summary", sensitivity=S3, record_sensitivity=by_type
    )
    phone = describe(ma.fields.String(), label="Phone", sensitivity=S2)


FAMILY = SimpleNamespace(kind="family", summary="离婚后财产分割", phone="13812345678")
NEIGHBOURS = SimpleNamespace(kind="neighbour", summary="楼上漏水", phone="13812345678")


def test_the_class_is_the_records_where_the_record_is_given():
    field = DisputeSchema().fields["summary"]
    assert depends_on_record(field) and not depends_on_record(DisputeSchema().fields["kind"])
    assert sensitivity_of(field) == S3  # no record at hand: the declared class
    assert (sensitivity_of(field, FAMILY), sensitivity_of(field, NEIGHBOURS)) == (S3, S1)


def test_json_and_cells_hide_only_the_records_where_it_is_s3():
    schema = DisputeSchema()
    family = protect(schema, schema.dump(FAMILY), record=FAMILY)
    neighbours = protect(schema, schema.dump(NEIGHBOURS), record=NEIGHBOURS)
    assert (family["summary"], neighbours["summary"]) == (WITHHELD, "楼上漏水")
    assert family["phone"] == neighbours["phone"] == "138****5678"  # S2 as declared
    assert protect(schema, schema.dump(NEIGHBOURS))["summary"] == WITHHELD  # no record: S3
    field = schema.fields["summary"]
    assert mask(field, "楼上漏水", NEIGHBOURS) == "楼上漏水"
    assert reveal(field, "离婚后财产分割", s2=True, record=FAMILY) == WITHHELD
    assert reveal(field, "离婚后财产分割", s3=True, record=FAMILY) == "离婚后财产分割"
    assert protect(schema, schema.dump(FAMILY), unmasked=True, record=FAMILY)["summary"] == (
        "离婚后财产分割"
    )


def test_history_and_the_audit_log_keep_the_declared_class(app):
    changes = {"summary": ["楼上漏水", "楼上漏水，已修"]}
    assert protected_changes(DisputeSchema(), changes) == {"summary": [WITHHELD, WITHHELD]}
    with app.app_context():
        sealed = protected_changes(DisputeSchema(), changes, sealed=True)["summary"]
    assert all(isinstance(v, dict) and "楼上漏水" not in str(v) for v in sealed)
    assert sensitive_fields(DisputeSchema()) == {"summary": S3, "phone": S2}


def test_an_answer_stricter_than_declared_or_no_class_is_the_declared_one():
    field = describe(
        ma.fields.String(), label="Note", sensitivity=S2, record_sensitivity=lambda r: r
    )
    assert sensitivity_of(field, S3) == S2  # never stricter than declared: S2 it stays
    assert sensitivity_of(field, "secret") == S2
    assert sensitivity_of(field, S1) == S1
