"""A benefit roll's objections during its publicity and its payment results: an objection
is recorded only while the roll is publicised and holds the roll back until it is resolved;
the payment results come back as an xlsx, all rows or none, each refusal naming its
spreadsheet row, and the row that gives the last line its result moves the roll to 已发放."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from .conftest import A1, A2, api, page
from .test_rolls import _program, rural  # noqa: F401  (the fixture)
from .test_work import _work

URL = f"/api/v1/nodes/{A1}/imports/family_planning.roll_lines"
HEADER = ["项目名称", "统计期", "身份证号", "发放结果", "发放日期", "发放失败原因"]


def _upload(client, *rows: list):
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return client.post(
        URL, data={"file": (data, "payments.xlsx")}, content_type="multipart/form-data"
    )


@pytest.fixture
def publicised(rural, as_user):  # noqa: F811
    """A1's 2026 奖扶 roll of 老张 and 老王, checked and publicised on 1 June (A2's line of
    老张 removed, so nothing is a duplicate)."""
    worker, street = as_user("worker"), as_user("s_admin")
    a2_line = street.get(f"{api(A2)}/roll_lines").json["items"][0]
    street.delete(f"{api(A2)}/roll_lines/{a2_line['id']}")
    body = {"program_id": _program(worker), "period": "2026"}
    roll_id = worker.post(f"{api()}/rolls", json=body).json["id"]
    for step, data in (("check", {}), ("publicise", {"on": "2026-06-01"})):
        moved = worker.post(f"{api()}/rolls/{roll_id}/{step}", json=data)
        assert moved.status_code == 200, (step, moved.json)
    return roll_id


def test_an_objection_holds_the_roll_until_it_is_resolved(publicised, as_user):
    worker, roll = as_user("worker"), publicised
    raised = worker.post(
        f"{api()}/rolls/{roll}/objections",
        json={"raised_on": "2026-06-03", "raised_by": "赵大", "content": "老王已迁往外地"},
    )
    assert raised.status_code == 201, raised.json
    assert raised.json["status"] == "open"
    held = worker.post(f"{api()}/rolls/{roll}/submit", json={})
    assert held.status_code == 422 and "status" in held.json["error"]["fields"]
    assert _work(worker)["family_planning.objections_open"] == 1  # on the worker's 今日待办
    objection = f"{api()}/roll_objections/{raised.json['id']}"
    no_outcome = worker.patch(objection, json={"resolution": "经核实仍在本社区居住"})
    assert no_outcome.status_code == 422 and "outcome" in no_outcome.json["error"]["fields"]
    resolved = worker.patch(
        objection, json={"resolution": "经核实仍在本社区居住", "outcome": "dismissed"}
    )
    assert resolved.status_code == 200, resolved.json
    assert (resolved.json["status"], resolved.json["resolved_on"]) == ("resolved", "2026-06-15")
    assert "family_planning.objections_open" not in _work(worker)
    again = worker.patch(objection, json={"resolution": "改判", "outcome": "upheld"})
    assert again.status_code == 422
    assert worker.post(f"{api()}/rolls/{roll}/submit", json={}).status_code == 200
    # The roll is with the street now: no more objections.
    late = worker.post(f"{api()}/rolls/{roll}/objections", json={"content": "又有异议"})
    assert late.status_code == 422 and "roll_id" in late.json["error"]["fields"]
    # Who raised it is S2: masked for the worker, shown to the admin who asks.
    listed = worker.get(f"{api()}/rolls/{roll}/objections").json["items"]
    assert listed[0]["raised_by"] != "赵大" and listed[0]["content"] == "老王已迁往外地"
    shown = as_user("c_admin").get(f"{objection}?unmask=1").json
    assert shown["raised_by"] == "赵大"


def _approved(roll: int, as_user) -> None:
    worker, street, district = as_user("worker"), as_user("s_admin"), as_user("d_admin")
    assert worker.post(f"{api()}/rolls/{roll}/submit", json={}).status_code == 200
    assert street.post(f"{api()}/rolls/{roll}/pass", json={}).status_code == 200
    assert district.post(f"{api()}/rolls/{roll}/approve", json={}).status_code == 200


def test_payment_results_are_imported_all_or_nothing(publicised, as_user, app):
    from core.db import db
    from plugins.registry.models import RegistryResident

    worker, roll = as_user("worker"), publicised
    with app.app_context():
        ids = {
            r.name: r.id_number
            for r in db.session.query(RegistryResident).filter(
                RegistryResident.name.in_(["老张", "老王", "小赵"])
            )
        }
    zhang = ["农村奖扶", "2026", ids["老张"], "已发放", "2026-06-12", None]
    early = _upload(worker, zhang)
    assert early.status_code == 422  # not approved by the district yet
    assert early.json["error"]["rows"][0]["column"] == "统计期"
    _approved(roll, as_user)
    refused = _upload(
        worker,
        zhang,
        ["农村奖扶", "2026", ids["老王"], "未发放", None, None],  # no reason given
        ["农村奖扶", "2026", ids["小赵"], "已发放", None, None],  # not on the roll
        ["农村奖扶", "2025", ids["老张"], "已发放", None, None],  # no such roll
        ["农村奖扶", "2026", ids["老张"], "未发放", None, "重复"],  # 老张 twice
    )
    assert refused.status_code == 422, refused.json
    assert [(p["row"], p["column"]) for p in refused.json["error"]["rows"]] == [
        (3, "发放失败原因"),
        (4, "身份证号"),
        (5, "统计期"),
        (6, "身份证号"),
    ]
    lines = worker.get(f"{api()}/rolls/{roll}/lines").json["items"]
    assert {x["paid"] for x in lines} == {None}  # nothing written
    assert worker.get(f"{api()}/rolls/{roll}").json["status"] == "approved"

    done = _upload(worker, zhang, ["农村奖扶", "2026", ids["老王"], "未发放", None, "账户已注销"])
    assert done.status_code == 200, done.json
    body = worker.get(f"{api()}/rolls/{roll}").json
    assert (body["status"], body["paid_on"]) == ("paid", "2026-06-15")
    paid = {x["person"]: x["paid"] for x in worker.get(f"{api()}/rolls/{roll}/lines").json["items"]}
    assert paid == {"老张": True, "老王": False}
    events = [e["action"] for e in worker.get(f"{api()}/rolls/{roll}/events").json["items"]]
    assert events[-1] == "pay"
    figures = as_user("d_admin").get(f"/api/v1/nodes/{A1}/indicators?period=2026").json["items"]
    benefit = {i["name"]: i["value"] for i in figures if "benefit" in i["name"]}
    assert benefit == {
        "family_planning.benefit_people": 1,  # 老王's payment failed
        "family_planning.benefit_amount": 960.0,
    }


def test_an_upheld_objection_corrects_its_line_and_reopens_the_roll(publicised, as_user):
    worker, roll = as_user("worker"), publicised
    lines = {x["person"]: x["id"] for x in worker.get(f"{api()}/rolls/{roll}/lines").json["items"]}
    objections = f"{api()}/rolls/{roll}/objections"

    def raise_(line: int | None, content: str):
        body = {"raised_on": "2026-06-03", "raised_by": "赵大", "content": content}
        return worker.post(objections, json={**body, "line_id": line})

    not_ours = raise_(999_999, "不是本名册的人")
    assert not_ours.status_code == 422 and "line_id" in not_ours.json["error"]["fields"]
    moved = raise_(lines["老王"], "老王已迁往外地").json
    wrong = raise_(lines["老张"], "老张的金额应为半额").json
    twice = raise_(lines["老王"], "老王户口已迁出").json
    assert (moved["person"], moved["status"]) == ("老王", "open")
    # Neither the community nor an API client reopens the roll by hand.
    by_hand = worker.post(f"{api()}/rolls/{roll}/reopen", json={})
    assert by_hand.status_code == 422 and "status" in by_hand.json["error"]["fields"]
    assert worker.post(f"{api()}/rolls/{roll}/submit", json={}).status_code == 422

    one, other = (f"{api()}/roll_objections/{o['id']}" for o in (moved, wrong))
    resolution = {"resolution": "经核实已迁往外地", "outcome": "dismissed", "correction": "remove"}
    refused = worker.patch(one, json=resolution)  # only an upheld objection corrects a line
    assert refused.status_code == 422 and "correction" in refused.json["error"]["fields"]
    upheld = worker.patch(one, json={**resolution, "outcome": "upheld"})
    assert upheld.status_code == 200, upheld.json
    body = worker.get(f"{api()}/rolls/{roll}").json
    assert (body["status"], body["publicity_until"], body["people"]) == ("checked", None, 1)
    left = [x["person"] for x in worker.get(f"{api()}/rolls/{roll}/lines").json["items"]]
    assert left == ["老张"]
    shown = worker.get(f"{page()}/rolls/{roll}").get_data(as_text=True)
    assert 'data-step="publicise"' in shown and 'data-step="reopen"' not in shown
    assert "经核实已迁往外地" in shown  # the upheld objection, on the roll's page
    # A second objection about 老王 is still answered, though his line is gone.
    second = f"{api()}/roll_objections/{twice['id']}"
    same = {"resolution": "同一事项，已移出名册", "outcome": "upheld"}
    gone = worker.patch(second, json={**same, "correction": "remove"})
    assert gone.status_code == 422 and "line_id" in gone.json["error"]["fields"]
    assert worker.patch(second, json=same).status_code == 200
    assert worker.get(second).json["person"] == "老王"  # what it was about, for good
    history_of = f"{api()}/roll_lines/{lines['老王']}/history"
    removed = as_user("c_admin").get(history_of).json["items"]
    assert removed[0]["action"] == "delete"  # soft-deleted: a restorer reads its history

    no_amount = worker.patch(
        other, json={"resolution": "半额", "outcome": "upheld", "correction": "amount"}
    )
    assert no_amount.status_code == 422
    assert "corrected_amount" in no_amount.json["error"]["fields"]
    halved = {"resolution": "按半额发放", "outcome": "upheld", "correction": "amount"}
    assert worker.patch(other, json={**halved, "corrected_amount": "480.00"}).status_code == 200
    (line,) = worker.get(f"{api()}/rolls/{roll}/lines").json["items"]
    assert line["amount"] == "480.00"
    assert worker.get(f"{api()}/rolls/{roll}").json["total"] == "480.00"

    # A fresh publicity period, in full, before the street sees the corrected roll.
    again = worker.post(f"{api()}/rolls/{roll}/publicise", json={})
    assert again.status_code == 200 and again.json["publicity_until"] == "2026-06-22"
    early = worker.post(f"{api()}/rolls/{roll}/submit", json={})
    assert early.status_code == 422 and "on" in early.json["error"]["fields"]
    events = worker.get(f"{api()}/rolls/{roll}/events").json["items"]
    assert [e["action"] for e in events] == ["check", "publicise", "reopen", "publicise"]
    assert events[2]["comment"] == "经核实已迁往外地"
    history = worker.get(f"{one}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    audit = as_user("d_admin").get("/api/v1/audit", query_string={"per_page": 200}).json["items"]
    assert any(e["action"] == "family_planning.roll.reopen" for e in audit)
    leaked = [e for e in audit if "赵大" in str(e)]
    assert not leaked, [e["summary"] for e in leaked]  # who objected is S2: never in the log
