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
    assert as_user("worker").post(url(A1, CARE, "submit"), json={}).status_code == 404
    for username in ("worker", "c_admin", "s_admin", "inspector"):  # not even its counts
        assert as_user(username).get(url(A1, CARE)).status_code == 404, username
    assert as_user("judicial").get(url(STREET_A, CARE)).status_code == 200
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


def test_screening_days_are_on_the_calendar_and_expect_a_screening(enable, as_user, clock):
    clock("2026-02-20T10:00:00+08:00")
    enable(A1)
    worker = as_user("worker")
    items = worker.get("/api/v1/calendar", query_string={"year": 2027}).get_json()["items"]
    ours = [i for i in items if i["module"] == "legal_publicity"]
    mid_month = [i["date"] for i in ours if i["label"] == "矛盾纠纷排查日（月中）"]
    assert mid_month[:2] == ["2027-01-16", "2027-02-16"] and len(mid_month) == 12
    firsts = [i["date"] for i in ours if i["label"] == "矛盾纠纷排查日"]
    assert firsts[0] == "2027-01-01" and len(firsts) == 12
    # 春节 2027 is on 6 February: the screening runs over the fortnight before it.
    (spring,) = [i for i in ours if i["label"] == "春节前矛盾纠纷排查"]
    assert (spring["date"], spring["end"]) == ("2027-01-22", "2027-02-05")
    (national,) = [i for i in ours if i["label"] == "国庆节前矛盾纠纷排查"]
    assert (national["date"], national["end"]) == ("2027-09-16", "2027-09-30")
    # The screening held on 1 February answers its day; 16 February passed without one.
    assert worker.post(f"{api()}/screenings", json={"held_on": "2026-02-01"}).status_code == 201
    html = worker.get(f"/n/{A1}/calendar?year=2026").get_data(as_text=True)
    assert _status_of(html, "2026-02-01", "矛盾纠纷排查日") == "held"
    assert _status_of(html, "2026-01-01", "矛盾纠纷排查日") == "missing"
    assert _status_of(html, "2026-03-16", "矛盾纠纷排查日（月中）") == "upcoming"


def _status_of(html: str, day: str, label: str) -> str:
    import re

    rows = re.findall(
        r'<tr data-day="([^"]+)"[^>]*>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]+)</td>.*?'
        r'data-status="([a-z]+)"',
        html,
        re.S,
    )
    return {(d, text.strip()): status for d, text, status in rows}[(day, label)]


QUARTERLY = "legal_publicity.publicity_quarterly"


def test_the_quarterly_publicity_report_counts_the_quarter_and_carries_the_summary(
    enable, as_user, judicial, clock
):
    clock("2026-03-20T10:00:00+08:00")
    enable(A1)
    worker = as_user("worker")
    held = [
        ("每月一法：宪法", "2026-01-10", "monthly_law", ["all"], 60, ["lecture"]),
        ("每月一法：民法典", "2026-01-25", "monthly_law", ["all"], 40, ["exhibition"]),
        ("3·15消费者权益保护宣传", "2026-03-15", "consumer", ["youth"], 80, ["lecture"]),
        ("去年的宪法日", "2025-12-04", "constitution", ["all"], 100, []),  # the quarter before
    ]
    for title, day, kind, groups, people, forms in held:
        made = worker.post(
            f"{api()}/activities",
            json={
                "title": title,
                "held_on": day,
                "kind": kind,
                "target_groups": groups,
                "headcount": people,
                "forms": forms,
            },
        )
        assert made.status_code == 201, made.json
    material = worker.post(
        f"{api()}/activities/{made.json['id'] - 1}/materials",
        json={"kind": "宣传册", "quantity": 200, "count_unit": "份"},
    )
    assert material.status_code == 201, material.json
    for board in ({"name": "东门宣传栏", "set_up_on": "2026-03-01"}, {"name": "老宣传栏"}):
        assert worker.post(f"{api()}/boards", json=board).status_code == 201
    consult = {"consulted_on": "2026-02-10", "question": "欠薪怎么办", "referral": "legal_aid"}
    assert worker.post(f"{api()}/consults", json=consult).status_code == 201
    clock("2026-04-02T10:00:00+08:00")
    worker = as_user("worker")
    base = f"/api/v1/nodes/{A1}/reports/{QUARTERLY}/2026Q1"
    body = worker.get(base).get_json()
    assert body["due"] == "2026-04-10"
    figures = {k: f["value"] for k, f in fields(body).items()}
    assert (figures["activities"], figures["audience"], figures["materials"]) == (3, 180, 200)
    assert (figures["monthly_law"], figures["youth_law"], figures["constitution_day"]) == (1, 1, 0)
    assert (figures["consultations"], figures["aid_referrals"]) == (1, 1)
    # On 31 March: the board set up on 1 March is on time, the one set up on 20 March too.
    assert (figures["boards"], figures["boards_on_time"], figures["board_on_time"]) == (2, 2, 100.0)
    assert figures["highlights"] is None
    written = worker.patch(
        base, json={"values": {"highlights": "开展每月一法宣传两次", "problems": "宣传栏更新偏慢"}}
    )
    assert written.status_code == 200, written.json
    assert worker.post(f"{base}/submit", json={}).get_json()["status"] == "submitted"
    office = as_user("judicial")
    assert office.post(f"{base}/approve", json={}).get_json()["status"] == "approved"
    annual = worker.get(f"/api/v1/nodes/{A1}/reports/legal_publicity.publicity_annual/2026")
    assert annual.status_code == 200 and annual.get_json()["due"] == "2027-01-10"
    half = worker.get(f"/api/v1/nodes/{A1}/reports/legal_publicity.publicity_half_yearly/2026H1")
    assert half.get_json()["due"] == "2026-07-10"
