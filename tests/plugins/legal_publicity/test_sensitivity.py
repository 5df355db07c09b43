"""What a dispute is about is S3 for a family or a medical dispute and S1 for the others; a
consultation's question and answer are S3 for a family matter or an inheritance. On every
surface that has the record — JSON, its page, the export — each record's own class holds; the
history and the audit log withhold every summary whatever its type; and whoever may not read a
family dispute's summary may not retype the dispute to read it."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .conftest import A1, api, page

SUMMARIES = {
    "family": "婚后共同财产分割争执",
    "medical": "术后感染要求社区医院赔偿",
    "neighbour": "楼上漏水维修费用争执",
}


@pytest.fixture
def cases(enable, as_user, clock):
    clock("2026-05-15T10:00:00+08:00")
    enable(A1)
    worker = as_user("worker")  # records what it is told, reads no S3
    made = {}
    for kind, summary in SUMMARIES.items():
        answer = worker.post(
            f"{api()}/disputes",
            json={"parties": "甲、乙", "dispute_type": kind, "summary": summary, "mediators": "王"},
        )
        assert answer.status_code == 201, answer.json
        made[kind] = answer.json["id"]
    return made


def test_the_json_and_the_page_hide_only_family_and_medical_summaries(cases, as_user):
    worker = as_user("worker")
    for kind, summary in SUMMARIES.items():
        one = worker.get(f"{api()}/disputes/{cases[kind]}").json
        assert one["summary"] == ("***" if kind != "neighbour" else summary), kind
        html = worker.get(f"{page()}/disputes/{cases[kind]}").get_data(as_text=True)
        assert (summary in html) is (kind == "neighbour"), kind
    hidden = worker.get(f"{page()}/disputes/{cases['family']}").get_data(as_text=True)
    assert "已隐藏" in hidden
    admin = as_user("c_admin")  # holds the sensitive permission: asks, and reads them all
    full = admin.get(f"{api()}/disputes/{cases['family']}?unmask=1").json
    assert full["summary"] == SUMMARIES["family"]


def test_the_export_holds_only_the_summaries_its_reader_may_see(cases, as_user):
    def cells(username: str) -> str:
        sheet = as_user(username).get(f"/n/{A1}/exports/legal_publicity.disputes.xlsx?unmask=1")
        assert sheet.status_code == 200
        rows = load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True)
        return str(list(rows))

    mine = cells("worker")
    assert SUMMARIES["neighbour"] in mine
    assert SUMMARIES["family"] not in mine and SUMMARIES["medical"] not in mine
    assert SUMMARIES["family"] in cells("c_admin")


def test_history_and_the_audit_log_withhold_every_summary(cases, as_user):
    admin = as_user("c_admin")
    for kind in SUMMARIES:
        edited = admin.patch(
            f"{api()}/disputes/{cases[kind]}", json={"summary": f"{SUMMARIES[kind]}，已补充"}
        )
        assert edited.status_code == 200, edited.json
        history = as_user("worker").get(f"{api()}/disputes/{cases[kind]}/history").json
        assert "已补充" not in str(history), kind
    audit = as_user("d_admin").get("/api/v1/audit", query_string={"per_page": 200}).json
    assert not any(summary in str(audit) for summary in SUMMARIES.values())
    assert "已补充" not in str(audit)


def test_a_family_dispute_is_not_retyped_by_someone_who_may_not_read_it(cases, as_user):
    worker = as_user("worker")
    family = f"{api()}/disputes/{cases['family']}"
    assert worker.patch(family, json={"dispute_type": "neighbour"}).status_code == 403
    assert worker.patch(family, json={"mediators": "李"}).status_code == 403
    assert worker.get(f"{family}").json["summary"] == "***"
    # A neighbours' dispute is the worker's to keep, its summary included.
    neighbours = f"{api()}/disputes/{cases['neighbour']}"
    assert worker.patch(neighbours, json={"mediators": "李"}).status_code == 200
    assert as_user("c_admin").patch(family, json={"mediators": "李"}).status_code == 200


def test_a_consultation_is_s3_for_a_family_matter_or_an_inheritance(enable, as_user, clock):
    clock("2026-05-15T10:00:00+08:00")
    enable(A1)
    worker = as_user("worker")
    questions = {"family": "离婚后抚养费", "inheritance": "父亲遗产如何分", "labour": "拖欠工资"}
    for category, question in questions.items():
        made = worker.post(
            f"{api()}/consults",
            json={"consulted_on": "2026-05-15", "category": category, "question": question},
        )
        assert made.status_code == 201, made.json
    listed = {c["category"]: c["question"] for c in worker.get(f"{api()}/consults").json["items"]}
    assert listed == {"family": "***", "inheritance": "***", "labour": "拖欠工资"}
