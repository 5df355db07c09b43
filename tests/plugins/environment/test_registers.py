"""The areas, sorting and water-tank registers: their rules as translated 422s naming the
field, households covered taken from the registry, edits in the history, soft deletes."""

from __future__ import annotations

import pytest

from core.db import db

from .conftest import A1, B1, api, page


@pytest.fixture
def ready(enable, clock):
    clock("2026-06-15T10:00:00+08:00")
    enable(A1, B1)


def households(app, world, ref: str, building: str, n: int) -> None:
    from plugins.registry.ledgers import households as ledger

    with app.app_context():
        for i in range(n):
            ledger.write_new(
                db.session,
                world.node(ref),
                {"room": f"{101 + i}", "head_name": f"户主{i}", "building": building},
            )
        db.session.commit()


def test_an_area_s_keeper_and_unit_must_be_of_the_community(ready, world, as_user, shop):
    worker = as_user("worker")
    world.add_user("far_away", "program_worker", B1)
    from core.testing import JiedaoWorld  # noqa: F401 - the world's accounts

    with world.app.app_context():
        far = world.user("far_away").id
        here = world.user("worker").id
    r = worker.post(api() + "/areas", json={"name": "沿街门前", "keeper_id": far})
    assert r.status_code == 422
    assert r.json["error"]["fields"]["keeper_id"] == ["包片人须在本社区有岗位。"]
    r = worker.post(api() + "/areas", json={"name": "沿街门前", "unit_id": shop(B1)})
    assert r.json["error"]["fields"]["unit_id"] == ["没有这个单位。"]
    r = worker.post(api() + "/areas", json={"name": "", "kind": "frontage"})
    assert r.json["error"]["fields"]["name"] == ["此项为必填项。"]
    made = worker.post(api() + "/areas", json={"name": "沿街门前", "kind": "frontage",
                       "keeper_id": here, "unit_id": shop(A1, name="便民超市"),
                       "building": "b02"})  # fmt: skip
    assert made.status_code == 201, made.json
    assert made.json["keeper"] == "worker" and made.json["unit"] == "便民超市"
    assert made.json["place"] == "2号楼"


def test_covered_households_come_from_the_registry(ready, app, world, as_user, area):
    households(app, world, A1, "b02", 3)
    worker = as_user("worker")
    station = area(A1, "2号楼桶站", kind="station", building="b02")
    r = worker.post(api() + "/sorting", json={"month": "2026-05-20", "area_id": station,
                    "participating": 2, "checked": 2, "passed": 1})  # fmt: skip
    assert r.status_code == 201, r.json
    assert r.json["covered"] == 3 and r.json["month"] == "2026-05-01"
    assert r.json["participation"] == "66.7%" and r.json["accuracy"] == "50.0%"


def test_the_sorting_ledger_s_rules(ready, as_user, area):
    worker = as_user("worker")
    station = area(A1, "1号桶站", kind="station")
    cases = [
        ({"covered": 10, "participating": 11}, "participating", "参与户数不能多于覆盖户数。"),
        ({"covered": 10, "checked": 3, "passed": 4}, "passed", "合格户数不能多于抽查户数。"),
        ({"month": "2026-07-01"}, "month", "月份不能晚于本月。"),
        ({"covered": -1}, "covered", None),
    ]
    for fields, name, message in cases:
        body = {"month": "2026-05-01", "area_id": station} | fields
        r = worker.post(api() + "/sorting", json=body)
        assert r.status_code == 422 and name in r.json["error"]["fields"], (fields, r.json)
        if message:
            assert r.json["error"]["fields"][name] == [message]
    ok = {"month": "2026-05-01", "area_id": station, "covered": 10, "participating": 8}
    assert worker.post(api() + "/sorting", json=ok).status_code == 201
    again = worker.post(api() + "/sorting", json=ok | {"month": "2026-05-31"})
    assert again.json["error"]["fields"]["month"] == ["该桶站/楼栋本月已有记录。"]
    # the form keeps what was typed and names the field
    html = worker.post(page() + "/sorting/new", data={"month": "2026-04-01", "covered": "5",
                       "participating": "9"}).text  # fmt: skip
    assert "参与户数不能多于覆盖户数。" in html and 'value="9"' in html


def test_edits_are_in_the_history_and_deletes_are_soft(ready, app, as_user, area, count):
    from plugins.environment.models import EnvironmentTank

    worker = as_user("worker")
    tank = worker.post(api() + "/tanks", json={"facility": "3号楼水箱", "cleaned_on": "2026-01-10"})
    tid = tank.json["id"]
    assert tank.json["next_due"] == "2026-07-10" and tank.json["overdue"] is False
    worker.patch(api() + f"/tanks/{tid}", json={"cleaned_on": "2025-12-01"})
    assert worker.get(api() + f"/tanks/{tid}").json["overdue"] is True
    history = worker.get(api() + f"/tanks/{tid}/history").json["items"]
    assert history[0]["changes"]["cleaned_on"] == ["2026-01-10", "2025-12-01"]
    assert "上次清洗/投药日期：2026-01-10 → 2025-12-01" in worker.get(page() + f"/tanks/{tid}").text
    assert worker.delete(api() + f"/tanks/{tid}").status_code in (200, 204)
    assert worker.get(api() + f"/tanks/{tid}").status_code == 404
    assert count(EnvironmentTank) == 1
    assert as_user("c_admin").post(api() + f"/tanks/{tid}/restore").status_code == 200


def test_a_bait_station_is_due_every_month_and_not_counted_as_a_tank(ready, as_user):
    worker = as_user("worker")
    bait = worker.post(api() + "/tanks", json={"kind": "bait", "facility": "3号楼鼠饵站",
                       "cleaned_on": "2026-05-20"})  # fmt: skip
    assert bait.json["next_due"] == "2026-06-20" and bait.json["overdue"] is False
    late = worker.post(api() + "/tanks", json={"kind": "bait", "facility": "4号楼鼠饵站",
                       "cleaned_on": "2026-05-10"})  # fmt: skip
    assert late.json["overdue"] is True
    worker.post(api() + "/tanks", json={"facility": "1号楼水箱", "cleaned_on": "2026-03-01"})
    assert [t["facility"] for t in worker.get(api() + "/tanks?kind=tank").json["items"]] == [
        "1号楼水箱"
    ]
    figures = worker.get(f"/api/v1/nodes/{A1}/indicators?period=2026-06").json["items"]
    tanks = next(f for f in figures if f["name"] == "environment.tank_on_time")
    assert (tanks["numerator"], tanks["denominator"]) == (1, 1)
