"""Complaints on the 12345 pattern: deadlines on a fixed clock (first contact ≤ 24 h, 紧急 ≤
2 h; resolved ≤ 7 days; followed up ≤ 2 days), the workflow with one 重办, the CSV import of
hotline tickets (one bad row refused with its row number, nothing written), the complainant's
phone masked on every surface, history on edit."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa

from core.db import db
from core.models import AuditLog
from plugins.environment.models import EnvironmentComplaint

from .conftest import A1, api, page

PHONE = "13912345678"
HEADER = "工单号,来源,接收时间,诉求人,诉求人电话,地点,诉求类别,紧急,诉求内容"


@pytest.fixture
def ready(enable, clock):
    clock("2026-06-15T10:00:00+08:00")
    enable(A1)


def ticket(client, **fields) -> dict:
    body = {"ticket": "12345-0001", "received_at": "2026-06-15 08:00", "category": "garbage",
            "phone": PHONE, "complainant": "李女士"} | fields  # fmt: skip
    r = client.post(api() + "/complaints", json=body)
    assert r.status_code == 201, r.json
    return r.json


def step(client, cid: int, name: str, **data):
    return client.post(api() + f"/complaints/{cid}/{name}", json=data)


def deadline_states(client, cid: int) -> dict[str, str]:
    html = client.get(page() + f"/complaints/{cid}").text
    import re

    return dict(re.findall(r'data-deadline="(\w+)" data-state="(\w*)"', html))


def test_first_contact_within_24_hours_and_2_when_urgent(ready, as_user, clock):
    worker = as_user("worker")
    normal = ticket(worker, ticket="N-1")
    urgent = ticket(worker, ticket="U-1", urgent=True)
    # 10:00, two hours after receipt: the urgent one is due exactly now, still running
    assert deadline_states(worker, urgent["id"])["contact"] == "open"
    clock("2026-06-15T10:01:00+08:00")
    assert deadline_states(worker, urgent["id"])["contact"] == "overdue"
    assert deadline_states(worker, normal["id"])["contact"] == "open"
    listed = worker.get(api() + "/complaints?contact_overdue=1").json["items"]
    assert [c["ticket"] for c in listed] == ["U-1"]
    clock("2026-06-16T08:01:00+08:00")  # 24 h and a minute after receipt
    listed = worker.get(api() + "/complaints?contact_overdue=1").json["items"]
    assert {c["ticket"] for c in listed} == {"U-1", "N-1"}
    assert step(worker, normal["id"], "contact", at="2026-06-16 08:00").status_code == 200
    assert deadline_states(worker, normal["id"])["contact"] == "met"
    assert step(worker, urgent["id"], "contact").status_code == 200  # now: late
    assert deadline_states(worker, urgent["id"])["contact"] == "late"


def test_resolution_within_7_days_and_follow_up_within_2(ready, as_user, clock):
    worker = as_user("worker")
    c = ticket(worker)
    assert step(worker, c["id"], "dispatch", handler="物业公司").status_code == 200
    assert step(worker, c["id"], "contact", at="2026-06-15 09:00").status_code == 200
    clock("2026-06-22T08:00:00+08:00")  # exactly 7 days
    assert deadline_states(worker, c["id"])["resolve"] == "open"
    clock("2026-06-22T08:30:00+08:00")
    assert deadline_states(worker, c["id"])["resolve"] == "overdue"
    assert (
        step(worker, c["id"], "resolve", result="solved", at="2026-06-21 17:00").status_code == 200
    )
    states = deadline_states(worker, c["id"])
    assert states["resolve"] == "met" and states["follow_up"] == "open"
    clock("2026-06-23T17:01:00+08:00")
    assert deadline_states(worker, c["id"])["follow_up"] == "overdue"
    r = step(worker, c["id"], "follow_up", satisfaction="satisfied")
    assert r.status_code == 200 and r.json["status"] == "followed"
    assert deadline_states(worker, c["id"])["follow_up"] == "late"


def test_the_deadlines_are_the_community_s_settings(app, world, as_user, clock):
    from tenants import modules

    clock("2026-06-15T10:00:00+08:00")
    with app.app_context():
        modules.enable(db.session, world.node(A1), "environment", {"urgent_contact_hours": 1})
        db.session.commit()
    worker = as_user("worker")
    c = ticket(worker, urgent=True, received_at="2026-06-15 08:30")
    assert deadline_states(worker, c["id"])["contact"] == "overdue"


def test_an_unsatisfied_follow_up_is_redone_once(ready, as_user):
    worker = as_user("worker")
    c = ticket(worker)
    for name, data in (("contact", {}), ("resolve", {"result": "partly"}),
                       ("follow_up", {"satisfaction": "unsatisfied"})):  # fmt: skip
        assert step(worker, c["id"], name, **data).status_code == 200, name
    redone = step(worker, c["id"], "redo", comment="居民不满意")
    assert redone.status_code == 200
    assert redone.json["status"] == "handling" and redone.json["redone"] is True
    assert redone.json["resolved_at"] is None and redone.json["satisfaction"] == "unsatisfied"
    for name, data in (("resolve", {"result": "solved"}),
                       ("follow_up", {"satisfaction": "unsatisfied"})):  # fmt: skip
        assert step(worker, c["id"], name, **data).status_code == 200, name
    again = step(worker, c["id"], "redo")
    assert again.status_code == 409
    assert again.json["error"]["fields"]["status"] == ["每件诉求只能重办一次。"]
    assert step(worker, c["id"], "archive").json["status"] == "archived"


def test_steps_refuse_what_they_need(ready, as_user):
    worker = as_user("worker")
    c = ticket(worker)
    r = step(worker, c["id"], "dispatch")
    assert r.status_code == 422 and r.json["error"]["fields"]["handler"] == ["请填写承办单位。"]
    assert step(worker, c["id"], "resolve", result="solved").status_code == 409  # not handled yet
    step(worker, c["id"], "contact")
    r = step(worker, c["id"], "resolve", result="unsolved")
    assert r.status_code == 422 and "comment" in r.json["error"]["fields"]
    r = step(worker, c["id"], "resolve")
    assert r.json["error"]["fields"]["result"] == ["请填写办理结果。"]
    # only the street's reviewer reassigns
    step(worker, c["id"], "resolve", result="solved")
    other = ticket(worker, ticket="X-2")
    step(worker, other["id"], "dispatch", handler="物业")
    denied = step(worker, other["id"], "reassign", handler="城管")
    assert denied.status_code == 403
    assert (
        as_user("s_admin")
        .post(api() + f"/complaints/{other['id']}/reassign", json={"handler": "城管执法队"})
        .json["handler"]
        == "城管执法队"
    )


def test_bad_input_is_a_translated_422_naming_the_field(ready, as_user):
    worker = as_user("worker")
    ticket(worker)
    cases = [
        ({"ticket": "12345-0001"}, "ticket", "该工单号已登记。"),
        ({"ticket": "B-1", "received_at": "2026-06-16 08:00"}, "received_at", "时间不能晚于现在。"),
        ({"ticket": "B-2", "phone": "12345"}, "phone", None),
        ({"ticket": "B-3", "contacted_at": "2026-06-15 07:00"}, "contacted_at",
         "该时间不能早于前一环节的时间。"),
        ({"ticket": "B-4", "resolved_at": "2026-06-15 09:00", "result": "unsolved"},
         "result_note", "请说明未解决的原因。"),
        ({"ticket": "B-5", "satisfaction": "satisfied"}, "satisfaction", "诉求办结后才能回访。"),
    ]  # fmt: skip
    for fields, name, message in cases:
        body = {"received_at": "2026-06-15 08:00"} | fields
        r = worker.post(api() + "/complaints", json=body)
        assert r.status_code == 422, fields
        assert name in r.json["error"]["fields"], (fields, r.json)
        if message:
            assert r.json["error"]["fields"][name] == [message]
    html = worker.post(page() + "/complaints/new", data={"ticket": "12345-0001",
                       "received_at": "2026-06-15 08:00"}).text  # fmt: skip
    assert "该工单号已登记。" in html and 'value="12345-0001"' in html


def _csv(*lines: str) -> bytes:
    return ("\n".join((HEADER, *lines)) + "\n").encode("utf-8-sig")


def _upload(client, content: bytes):
    return client.post(
        f"/api/v1/nodes/{A1}/imports/environment.complaints",
        data={"file": (io.BytesIO(content), "12345.csv")},
        content_type="multipart/form-data",
    )


def test_a_12345_csv_import_with_one_bad_row_writes_nothing(ready, app, as_user, count):
    worker = as_user("worker")
    bad = _csv(
        "12345-1001,12345热线,2026-06-14 09:10,王先生,13800001111,3号楼前,垃圾,否,垃圾桶满溢",
        "12345-1002,12345热线,2026-06-14 10:20,,13800002222,小区东门,噪音,是,夜间施工",
        "12345-1003,12345热线,2026-06-20 11:00,赵女士,13800003333,2号楼,油烟,否,饭店油烟",
    )
    r = _upload(worker, bad)
    assert r.status_code == 422
    rows = r.json["error"]["rows"]
    assert [(p["row"], p["column"]) for p in rows] == [(4, "接收时间")]
    assert "未来" in rows[0]["reason"] or "晚于" in rows[0]["reason"]
    assert count(EnvironmentComplaint) == 0
    good = _csv(
        "12345-1001,12345热线,2026-06-14 09:10,王先生,13800001111,3号楼前,垃圾,否,垃圾桶满溢",
        "12345-1002,12345热线,2026-06-14 10:20,,13800002222,小区东门,噪音,是,夜间施工",
    )
    assert _upload(worker, good).json["created"] == 2
    items = {c["ticket"]: c for c in worker.get(api() + "/complaints").json["items"]}
    assert items["12345-1002"]["urgent"] is True and items["12345-1002"]["category"] == "noise"
    assert (
        items["12345-1001"]["status"] == "received"
        and items["12345-1001"]["phone"] == "138****1111"
    )
    again = _upload(worker, good)  # the same tickets again: refused, row named
    assert again.status_code in (409, 422) and count(EnvironmentComplaint) == 2


def audits(app, action: str) -> int:
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == action)
        return db.session.scalar(stmt)


def test_the_phone_is_masked_on_every_surface(ready, app, as_user):
    worker, admin = as_user("worker"), as_user("c_admin")
    c = ticket(worker)
    cid = c["id"]
    assert c["phone"] == "139****5678"
    # page and API
    assert PHONE not in worker.get(page() + f"/complaints/{cid}").text
    assert PHONE not in worker.get(page() + "/complaints").text
    assert worker.get(api() + f"/complaints/{cid}?unmask=1").status_code == 403
    assert PHONE not in admin.get(api() + f"/complaints/{cid}").text
    assert admin.get(api() + f"/complaints/{cid}?unmask=1").json["phone"] == PHONE
    assert audits(app, "environment.complaint.unmask") == 1
    # exports
    url = f"/n/{A1}/exports/environment.complaints.csv"
    assert PHONE not in worker.get(url + "?unmask=1").data.decode("utf-8-sig")
    assert PHONE not in admin.get(url).data.decode("utf-8-sig")
    assert PHONE in admin.get(url + "?unmask=1").data.decode("utf-8-sig")
    assert PHONE not in admin.get("/n/110105001/exports/environment.complaints.csv").data.decode(
        "utf-8-sig"
    )
    # history and audit log keep it masked
    assert (
        worker.patch(api() + f"/complaints/{cid}", json={"phone": "13700001111"}).status_code == 200
    )
    history = json.dumps(worker.get(api() + f"/complaints/{cid}/history").json, ensure_ascii=False)
    assert PHONE not in history and "13700001111" not in history and "139****5678" in history
    log = json.dumps(admin.get("/api/v1/audit?per_page=200").json, ensure_ascii=False)
    assert PHONE not in log and "13700001111" not in log


def test_edits_keep_history_with_labels(ready, as_user):
    worker = as_user("worker")
    c = ticket(worker)
    assert (
        worker.patch(api() + f"/complaints/{c['id']}", json={"category": "noise"}).status_code
        == 200
    )
    entries = worker.get(api() + f"/complaints/{c['id']}/history").json["items"]
    change = next(e for e in entries if e["action"] == "update")
    assert change["changes"] == {"category": ["garbage", "noise"]}
    assert change["username"] == "worker"
    html = worker.get(page() + f"/complaints/{c['id']}").text
    assert "诉求类别：垃圾 → 噪音" in html
