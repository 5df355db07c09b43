"""人民调解工作月报 through core's report engine: filled from the mediation book, due on the 5th,
filed by the 调委会 and reviewed (returned, approved) by the 司法所; 安置帮教月报 in counts only;
the legal calendar."""

from __future__ import annotations

from .conftest import A1, STREET_A, api

MEDIATION = "legal_publicity.mediation_monthly"
CARE = "legal_publicity.resettlement_monthly"


def url(ref: str, report: str = MEDIATION, step: str = "") -> str:
    base = f"/api/v1/nodes/{ref}/reports/{report}/2026-03"
    return f"{base}/{step}" if step else base


def fields(body: dict) -> dict:
    return {f["key"]: f for f in body["fields"]}


def test_the_monthly_mediation_report_is_filed_and_reviewed(enable, as_user, judicial, clock):
    clock("2026-03-20T10:00:00+08:00")
    enable(A1)
    worker = as_user("worker")
    made = worker.post(
        f"{api()}/disputes",
        json={
            "parties": "甲、乙",
            "summary": "漏水",
            "mediators": "王秀梅",
            "amount": "800",
            "registered_on": "2026-03-02",
        },
    ).json
    base = f"{api()}/disputes/{made['id']}"
    for step, data in (
        ("accept", {"on": "2026-03-02"}),
        ("sessions", {"held_on": "2026-03-05"}),
        ("succeed", {"outcome": "oral", "on": "2026-03-06"}),
    ):
        assert worker.post(f"{base}/{step}", json=data).status_code in (200, 201), step
    for day in ("2026-03-01", "2026-03-16"):
        assert worker.post(f"{api()}/screenings", json={"held_on": day}).status_code == 201
    clock("2026-04-02T10:00:00+08:00")
    worker = as_user("worker")
    body = worker.get(url(A1)).get_json()
    assert body["status"] == "draft" and body["due"] == "2026-04-05"
    figures = fields(body)
    assert [figures[k]["value"] for k in ("screenings", "accepted", "resolved", "oral")] == [
        2,
        1,
        1,
        1,
    ]
    assert figures["success_rate"]["value"] == 100.0
    assert figures["amount"]["value"] == 800.0
    submitted = worker.post(url(A1, step="submit"), json={})
    assert submitted.status_code == 200 and submitted.get_json()["status"] == "submitted"
    assert worker.post(url(A1, step="approve"), json={}).status_code == 403
    office = as_user("judicial")
    returned = office.post(url(A1, step="return"), json={"comment": "请补充书面协议情况"})
    assert returned.get_json()["status"] == "returned"
    worker.post(url(A1, step="submit"), json={})
    assert office.post(url(A1, step="approve"), json={}).get_json()["status"] == "approved"
    street = office.get(url(STREET_A)).get_json()
    assert street["consolidation"]["totals"]["accepted"] == 1


def test_a_report_whose_successes_do_not_add_up_is_refused(enable, as_user, clock):
    clock("2026-04-02T10:00:00+08:00")
    enable(A1)
    worker = as_user("worker")
    overridden = worker.patch(
        url(A1), json={"values": {"resolved": 3}, "reasons": {"resolved": "补录"}}
    )
    assert overridden.status_code == 200
    refused = worker.post(url(A1, step="submit"), json={})
    assert refused.status_code == 422
    assert "resolved" in refused.get_json()["error"]["fields"]


def test_the_resettlement_report_is_not_the_workers(enable, as_user, judicial, clock):
    clock("2026-04-02T10:00:00+08:00")
    enable(A1)
    assert as_user("worker").post(url(A1, CARE, "submit"), json={}).status_code == 403
    cadre = as_user("cadre")
    body = cadre.get(url(A1, CARE)).get_json()
    assert set(fields(body)) == {
        "in_care",
        "released",
        "handed_over",
        "placed",
        "reoffending",
        "unsupervised",
    }
    assert cadre.post(url(A1, CARE, "submit"), json={}).status_code == 200


def test_the_legal_calendar(enable, as_user):
    enable(A1)
    items = as_user("worker").get("/api/v1/calendar", query_string={"year": 2026}).get_json()
    ours = {(i["date"], i["label"]) for i in items["items"] if i["module"] == "legal_publicity"}
    assert {
        ("2026-12-04", "国家宪法日"),
        ("2026-06-26", "6·26国际禁毒日"),
        ("2026-09-19", "全民国防教育日"),  # the third Saturday of September
        ("2026-03-15", "3·15消费者权益日"),
    } <= ours
