"""A dispute's whole life on a fixed clock: a screening item taken into mediation opens the
case; it is accepted, mediated in sessions, agreed in writing, the agreement printed, followed
up and closed. Overdue at day 31, on the workbench; a risky dispute notifies the 司法所."""

from __future__ import annotations

from .conftest import A1, STREET_A, api, page

CASE = {
    "source": "当事人申请",
    "dispute_type": "邻里纠纷",
    "parties": "申请人 张建国 13812345678；被申请人 李卫东",
    "summary": "楼上漏水，双方就维修费用发生争执",
    "amount": "3200.00",
    "people": 2,
    "risk": "general",
    "mediators": "王秀梅",
}


def register(client, **more) -> dict:
    answer = client.post(f"{api()}/disputes", json={**CASE, **more})
    assert answer.status_code == 201, answer.json
    return answer.json


def step(client, dispute_id: int, name: str, **data):
    return client.post(f"{api()}/disputes/{dispute_id}/{name}", json=data)


def test_a_dispute_from_the_screening_to_its_closing(enable, as_user, clock):
    enable(A1)
    clock("2026-06-01T09:00:00+08:00")
    worker = as_user("worker")
    screening = worker.post(
        f"{api()}/screenings", json={"held_on": "2026-06-01", "kind": "routine"}
    ).json
    item = worker.post(
        f"{api()}/screenings/{screening['id']}/items",
        json={
            "description": "3号楼住户反映楼上漏水",
            "parties": "张建国、李卫东",
            "dispute_type": "neighbour",
            "action": "mediate",
            "owner": "王秀梅",
        },
    )
    assert item.status_code == 201, item.json
    assert item.json["dispute"] == "TJ2026-0001"
    cases = worker.get(f"{api()}/disputes").json["items"]
    assert [(c["number"], c["source"], c["status"]) for c in cases] == [
        ("TJ2026-0001", "screening", "registered")
    ]
    case_id = cases[0]["id"]
    # No outcome before acceptance, nor without a session.
    assert step(worker, case_id, "succeed", outcome="written").status_code == 409
    accepted = step(worker, case_id, "accept", on="2026-06-01")
    assert accepted.status_code == 200, accepted.json
    assert accepted.json["deadline"] == "2026-07-01"  # 30 days
    no_session = step(worker, case_id, "succeed", outcome="written", agreement_text="x")
    assert no_session.status_code == 422 and "sessions" in no_session.json["error"]["fields"]
    clock("2026-06-05T10:00:00+08:00")
    session = worker.post(
        f"{api()}/disputes/{case_id}/sessions",
        json={"held_on": "2026-06-05", "place": "社区调解室", "attendees": "张建国、李卫东"},
    )
    assert session.status_code == 201, session.json
    assert worker.get(f"{api()}/disputes/{case_id}").json["status"] == "mediating"
    unwritten = step(worker, case_id, "succeed", outcome="written")
    assert unwritten.status_code == 422
    assert "agreement_text" in unwritten.json["error"]["fields"]
    agreed = step(
        worker,
        case_id,
        "succeed",
        outcome="written",
        agreement_text="李卫东于6月20日前承担维修费用1600元。",
        performance_due="2026-06-20",
    )
    assert agreed.status_code == 200, agreed.json
    assert (agreed.json["status"], agreed.json["agreement_number"]) == ("agreed", "XY2026-0001")
    printed = worker.get(f"{page()}/disputes/{case_id}/agreement").get_data(as_text=True)
    assert "人民调解协议书" in printed and "XY2026-0001" in printed
    assert "1600元" in printed
    assert "13812345678" not in printed  # the parties' numbers masked for the worker
    assert step(worker, case_id, "close").status_code == 409  # follow-up first
    clock("2026-06-21T10:00:00+08:00")
    worker = as_user("worker")  # a new day, a new sign-in
    followed = step(worker, case_id, "follow_up", fulfilment="kept", comment="已支付")
    assert followed.status_code == 200 and followed.json["status"] == "followed_up"
    followups = worker.get(f"{api()}/followups").json["items"]
    assert [(f["dispute"], f["fulfilment"]) for f in followups] == [("TJ2026-0001", "kept")]
    assert step(worker, case_id, "close").json["status"] == "closed"
    assert step(worker, case_id, "archive").json["status"] == "archived"
    events = [e["action"] for e in worker.get(f"{api()}/disputes/{case_id}/events").json["items"]]
    assert events == [
        "register",
        "accept",
        "session",
        "succeed",
        "follow_up",
        "close",
        "archive",
    ]


def test_a_case_is_overdue_on_day_31_and_on_the_workbench(enable, as_user, clock):
    enable(A1)
    clock("2026-03-02T09:00:00+08:00")
    worker = as_user("worker")
    case = register(worker, registered_on="2026-03-02")
    step(worker, case["id"], "accept", on="2026-03-02")
    clock("2026-04-01T09:00:00+08:00")  # day 30: still in time
    worker = as_user("worker")
    assert worker.get(f"{api()}/disputes", query_string={"overdue": 1}).json["total"] == 0
    clock("2026-04-02T09:00:00+08:00")  # day 31
    worker = as_user("worker")
    overdue = worker.get(f"{api()}/disputes", query_string={"overdue": 1}).json["items"]
    assert [c["number"] for c in overdue] == ["TJ2026-0001"]
    assert overdue[0]["overdue"] is True and overdue[0]["days_left"] == -1
    home = worker.get("/").get_data(as_text=True)
    assert "超期未结的调解案件" in home
    detail = worker.get(f"{page()}/disputes/{case['id']}").get_data(as_text=True)
    assert "data-overdue" in detail
    # One extension, with a reason, to a later date.
    assert step(worker, case["id"], "extend", deadline="2026-04-20").status_code == 422
    extended = step(worker, case["id"], "extend", deadline="2026-04-20", comment="当事人外出")
    assert extended.status_code == 200 and extended.json["overdue"] is False
    again = step(worker, case["id"], "extend", deadline="2026-05-20", comment="再延")
    assert again.status_code == 409


def test_a_risky_dispute_notifies_the_judicial_office(enable, as_user, judicial, clock):
    enable(A1)
    clock("2026-06-10T09:00:00+08:00")
    worker = as_user("worker")
    register(worker)  # an ordinary one: nobody is told
    office = as_user("judicial")
    assert office.get("/api/v1/notifications").json["items"] == []
    risky = register(worker, risk="可能激化", people=6)
    assert risky["mass"] is True
    told = office.get("/api/v1/notifications").json["items"]
    assert [n["url"] for n in told] == [f"/c/{A1}/legal_publicity/disputes/{risky['id']}"]
    assert "TJ2026-0002" in told[0]["title"] and "可能激化" in told[0]["title"]
    assert as_user("worker").get("/api/v1/notifications").json["items"] == []
    # The street admin reviews too (legal_publicity.mediation.review) and is told as well.
    assert len(as_user("s_admin").get("/api/v1/notifications").json["items"]) == 1
    assert STREET_A


def test_bad_input_is_a_translated_422_naming_the_field(enable, as_user):
    enable(A1)
    worker = as_user("worker")
    refused = worker.post(
        f"{api()}/disputes",
        json={**CASE, "people": 1, "amount": "-5", "dispute_type": "吵架", "parties": " "},
    )
    assert refused.status_code == 422
    fields = refused.json["error"]["fields"]
    assert {"people", "amount", "dispute_type", "parties"} <= set(fields)
    assert fields["people"] == ["纠纷涉及人数至少为2人。"]
    future = worker.post(f"{api()}/disputes", json={**CASE, "registered_on": "2099-01-01"})
    assert future.status_code == 422 and "registered_on" in future.json["error"]["fields"]


def test_a_risky_screening_item_kept_out_of_mediation_is_told_too(enable, as_user, judicial, clock):
    enable(A1)
    clock("2026-06-16T09:00:00+08:00")
    worker = as_user("worker")
    screening = worker.post(f"{api()}/screenings", json={"held_on": "2026-06-16"}).json
    items = f"{api()}/screenings/{screening['id']}/items"
    ownerless = worker.post(items, json={"description": "两户争吵", "risk": "escalating"})
    assert ownerless.status_code == 422 and "owner" in ownerless.json["error"]["fields"]
    watched = worker.post(
        items,
        json={
            "description": "两户因宅基地争吵升级",
            "risk": "可能激化",
            "action": "稳控关注",
            "owner": "刘网格员",
        },
    )
    assert watched.status_code == 201, watched.json
    told = as_user("judicial").get("/api/v1/notifications").json["items"]
    assert [n["url"] for n in told] == [f"/c/{A1}/legal_publicity/screenings/{screening['id']}"]
    assert "刘网格员" in told[0]["title"]


def test_the_screening_overview_is_reported_within_two_days(enable, as_user, judicial, clock):
    from .conftest import A2, B1, STREET_A

    clock("2026-06-01T10:00:00+08:00")
    enable(A1, A2, B1)
    worker = as_user("worker")
    screening = worker.post(f"{api()}/screenings", json={"held_on": "2026-06-01"}).json
    items = f"{api()}/screenings/{screening['id']}/items"
    for item in (
        {
            "description": "两户因漏水争执",
            "risk": "escalating",
            "action": "watch",
            "owner": "网格员",
        },
        {
            "description": "夫妻因赡养老人争吵",
            "dispute_type": "family",
            "action": "resolved",
            "owner": "楼长",
        },
    ):
        assert worker.post(items, json=item).status_code == 201
    listed = worker.get(f"{api()}/screenings").json["items"][0]
    assert (listed["found"], listed["risky"], listed["reported_on"]) == (2, 1, None)
    clock("2026-06-03T10:00:00+08:00")  # two days after: still in time
    worker = as_user("worker")
    late = worker.get(f"{api()}/screenings", query_string={"unreported": 1}).json
    assert late["total"] == 0
    clock("2026-06-04T10:00:00+08:00")
    worker = as_user("worker")
    late = worker.get(f"{api()}/screenings", query_string={"unreported": 1}).json
    assert [s["id"] for s in late["items"]] == [screening["id"]]
    assert "未按时上报排查情况的排查" in worker.get("/").get_data(as_text=True)
    future = worker.post(f"{api()}/screenings/{screening['id']}/report", json={"on": "2026-06-05"})
    assert future.status_code == 422 and "on" in future.json["error"]["fields"]
    reported = worker.post(f"{api()}/screenings/{screening['id']}/report", json={})
    assert reported.status_code == 200 and reported.json["reported_on"] == "2026-06-04"
    again = worker.post(f"{api()}/screenings/{screening['id']}/report", json={})
    assert again.status_code == 409
    assert worker.get(f"{api()}/screenings", query_string={"unreported": 1}).json["total"] == 0
    history = worker.get(f"{api()}/screenings/{screening['id']}/history").json["items"]
    assert history[0]["action"] == "report"
    # The 司法所 reads the street's overview: risk, action and owner, and what a dispute is
    # about unless it is a family one (S3).
    office = as_user("judicial")
    street = office.get(f"/api/v1/r/{STREET_A}/legal_publicity/screening_items").json["items"]
    assert sorted((i["risk"], i["action"], i["owner"], i["description"]) for i in street) == [
        ("escalating", "watch", "网格员", "两户因漏水争执"),
        ("general", "resolved", "楼长", "***"),
    ]
    page_html = office.get(f"/r/{STREET_A}/legal_publicity/screening_items").get_data(as_text=True)
    assert "网格员" in page_html and "两户因漏水争执" in page_html
    assert "赡养老人" not in page_html
    assert worker.get(f"/r/{STREET_A}/legal_publicity/screening_items").status_code == 404
    assert worker.get(f"{api(B1)}/screening_items").status_code == 404  # another street
    assert worker.get(f"{api(A2)}/screenings/{screening['id']}").status_code == 404


def test_a_failed_mediation_keeps_every_route_it_may_take(enable, as_user, clock):
    """转行政处理 (``administrative``, 14 characters) did not fit the 12 of ``failed_route``:
    SQLite kept it, PostgreSQL answered the step with a 500."""
    from plugins.legal_publicity.mediation.vocabularies import FAILED_ROUTES

    clock("2026-04-15T10:00:00+08:00")
    enable(A1)
    admin = as_user("c_admin")
    case = {
        "parties": "甲、乙",
        "summary": "纠纷",
        "mediators": "王秀梅",
        "registered_on": "2026-04-01",
    }
    for route in FAILED_ROUTES:
        base = f"{api()}/disputes/{admin.post(f'{api()}/disputes', json=case).json['id']}"
        assert admin.post(f"{base}/accept", json={"on": "2026-04-01"}).status_code == 200
        admin.post(f"{base}/sessions", json={"held_on": "2026-04-05"})
        done = admin.post(f"{base}/fail", json={"on": "2026-04-10", "failed_route": route})
        assert done.status_code == 200, (route, done.json)
        assert admin.get(base).json["failed_route"] == route
