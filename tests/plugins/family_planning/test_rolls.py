"""The benefit roll's whole workflow on a fixed clock: drafted from the families on the ledger,
refused while a line names a dead person, someone too young or someone already on a roll of
the programme in the district (listing why), publicised for 7 days, returned by the street with
a comment the community sees on the line, passed, approved by the district, paid, archived; the
next roll drafted from this one."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db

from .conftest import A1, A2, api


def _household(client, ref: str, room: str, head: str) -> int:
    body = {"building": f"{ref}-bb01", "room": room, "head_name": head}
    created = client.post(f"/api/v1/c/{ref}/registry/households", json=body)
    assert created.status_code == 201, created.json
    return created.json["id"]


def _program(client, ref: str = A1) -> int:
    body = {
        "kind": "support",
        "name": "农村奖扶",
        "cycle": "year",
        "amount": "960.00",
        "min_age": 60,
    }
    created = client.post(f"{api(ref)}/programs", json=body)
    assert created.status_code == 201, created.json
    return created.json["id"]


@pytest.fixture
def rural(enable, resident, as_user, app):
    """A1: 老张 (66) and 老王 (64), parents of a 农村部分计生家庭 on the ledger; 小赵 (56); 老刘 (died
    in May). A2 already has 老张 on its own 2026 奖扶 roll."""
    from plugins.family_planning.families.models import FpFamily
    from plugins.registry.models import RegistryResident
    from plugins.registry.residents import move_out

    enable(A1, A2)
    c_admin = as_user("c_admin")
    zhang = resident(name="老张", born=date(1960, 3, 1), gender="M", marital="first_marriage")
    wang = resident(name="老王", born=date(1962, 3, 1))
    zhao = resident(name="小赵", born=date(1970, 3, 1))
    liu = resident(name="老刘", born=date(1950, 3, 1), gender="M")
    with app.app_context():
        move_out(db.session, db.session.get(RegistryResident, liu), date(2026, 5, 5), deceased=True)
        db.session.commit()
    household = _household(c_admin, A1, "201", "老张")
    family = c_admin.post(
        f"{api()}/families", json={"household_id": household, "categories": ["rural_reward"]}
    ).json
    with app.app_context():
        row = db.session.get(FpFamily, family["id"])
        row.status, row.father_id, row.mother_id = "active", zhang, wang
        db.session.commit()
    street = as_user("s_admin")
    a2_roll = street.post(
        f"{api(A2)}/rolls", json={"program_id": _program(street, A2), "period": "2026"}
    ).json
    duplicate = street.post(f"{api(A2)}/rolls/{a2_roll['id']}/lines", json={"resident_id": zhang})
    assert duplicate.status_code == 201, duplicate.json
    return {"zhang": zhang, "wang": wang, "zhao": zhao, "liu": liu, "family": family["id"]}


def test_the_whole_roll_on_a_fixed_clock(rural, as_user):
    worker, street = as_user("worker"), as_user("s_admin")
    roll = worker.post(f"{api()}/rolls", json={"program_id": _program(worker), "period": "2026"})
    assert roll.status_code == 201, roll.json
    roll_id = roll.json["id"]
    lines = worker.get(f"{api()}/rolls/{roll_id}/lines").json["items"]
    assert sorted((x["person"], x["line_kind"], x["amount"]) for x in lines) == [
        ("老张", "new", "960.00"),
        ("老王", "new", "960.00"),
    ]
    for person in ("zhao", "liu"):
        added = worker.post(f"{api()}/rolls/{roll_id}/lines", json={"resident_id": rural[person]})
        assert added.status_code == 201, added.json
    refused = worker.post(f"{api()}/rolls/{roll_id}/check", json={})
    assert refused.status_code == 422
    why = {p["name"]: set(p["problems"]) for p in refused.json["error"]["problems"]}
    assert why == {
        "老张": {"duplicate"},
        "小赵": {"age", "category"},
        "老刘": {"dead", "category"},
    }
    assert "老刘：死亡" in refused.json["error"]["message"]
    assert worker.get(f"{api()}/rolls/{roll_id}").json["status"] == "draft"  # nothing moved
    # The community corrects: 小赵 and 老刘 leave the roll, A2 stops paying 老张 there.
    by_name = {
        x["person"]: x["id"] for x in worker.get(f"{api()}/rolls/{roll_id}/lines").json["items"]
    }
    for name in ("小赵", "老刘"):
        assert worker.delete(f"{api()}/roll_lines/{by_name[name]}").status_code in (200, 204)
    a2_line = street.get(f"{api(A2)}/roll_lines").json["items"][0]
    stopped = street.patch(
        f"{api(A2)}/roll_lines/{a2_line['id']}", json={"line_kind": "stop", "stop_reason": "moved"}
    )
    assert stopped.status_code == 200, stopped.json
    assert worker.post(f"{api()}/rolls/{roll_id}/check", json={}).status_code == 200
    public = worker.post(f"{api()}/rolls/{roll_id}/publicise", json={"on": "2026-06-10"})
    assert public.json["publicity_until"] == "2026-06-17"
    early = worker.post(f"{api()}/rolls/{roll_id}/submit", json={})
    assert early.status_code == 422 and "on" in early.json["error"]["fields"]


def test_returned_lines_carry_the_streets_comment_to_the_community(
    rural, as_user, jiedao_clock, app
):
    worker, street, district = as_user("worker"), as_user("s_admin"), as_user("d_admin")
    a2_line = street.get(f"{api(A2)}/roll_lines").json["items"][0]
    street.delete(f"{api(A2)}/roll_lines/{a2_line['id']}")
    program_id = _program(worker)
    roll_id = worker.post(f"{api()}/rolls", json={"program_id": program_id, "period": "2026"}).json[
        "id"
    ]
    for step, body in (("check", {}), ("publicise", {"on": "2026-06-01"}), ("submit", {})):
        moved = worker.post(f"{api()}/rolls/{roll_id}/{step}", json=body)
        assert moved.status_code == 200, (step, moved.json)
    assert worker.post(f"{api()}/rolls/{roll_id}/pass", json={}).status_code == 403
    wang_line = next(
        x
        for x in street.get(f"{api()}/rolls/{roll_id}/lines").json["items"]
        if x["person"] == "老王"
    )
    commented = street.patch(
        f"{api()}/roll_lines/{wang_line['id']}", json={"review_comment": "请核对银行账号"}
    )
    assert commented.status_code == 200, commented.json
    returned = street.post(f"{api()}/rolls/{roll_id}/return", json={"comment": "老王账号待核"})
    assert returned.json["status"] == "returned"
    seen = worker.get(f"{api()}/roll_lines/{wang_line['id']}").json
    assert seen["review_comment"] == "请核对银行账号"
    assert worker.get(f"{api()}/rolls/{roll_id}").json["return_comment"] == "老王账号待核"
    assert "请核对银行账号" in worker.get(f"/c/{A1}/family_planning/rolls/{roll_id}").text
    assert worker.post(f"{api()}/rolls/{roll_id}/submit", json={}).status_code == 200
    assert street.post(f"{api()}/rolls/{roll_id}/pass", json={}).status_code == 200
    assert street.post(f"{api()}/rolls/{roll_id}/approve", json={}).status_code == 403
    assert district.post(f"{api()}/rolls/{roll_id}/approve", json={}).status_code == 200
    paid = worker.post(f"{api()}/rolls/{roll_id}/pay", json={})
    assert paid.json["status"] == "paid"
    assert {x["paid"] for x in worker.get(f"{api()}/rolls/{roll_id}/lines").json["items"]} == {True}
    assert worker.post(f"{api()}/rolls/{roll_id}/archive", json={}).json["status"] == "archived"
    figures = district.get(f"/api/v1/nodes/{A1}/indicators?period=2026").json["items"]
    paid = {
        i["name"]: i["value"] for i in figures if i["name"].startswith("family_planning.benefit")
    }
    assert paid == {"family_planning.benefit_people": 2, "family_planning.benefit_amount": 1920.0}
    events = [e["action"] for e in worker.get(f"{api()}/rolls/{roll_id}/events").json["items"]]
    assert events == [
        "check",
        "publicise",
        "submit",
        "return",
        "submit",
        "pass",
        "approve",
        "pay",
        "archive",
    ]
    # Next year's roll: 老王 died in the meantime — carried over as stopped, 老张 continues.
    from plugins.registry.models import RegistryResident
    from plugins.registry.residents import move_out

    jiedao_clock("2027-01-10T10:00:00+08:00")
    worker = as_user("worker")  # signed in again: a session does not last seven months
    with app.app_context():
        move_out(
            db.session,
            db.session.get(RegistryResident, rural["wang"]),
            date(2026, 12, 1),
            deceased=True,
        )
        db.session.commit()
    nxt = worker.post(f"{api()}/rolls", json={"program_id": program_id, "period": "2027"})
    lines = {
        x["person"]: x for x in worker.get(f"{api()}/rolls/{nxt.json['id']}/lines").json["items"]
    }
    assert lines["老王"]["line_kind"] == "stop" and lines["老王"]["stop_reason"] == "death"
    assert lines["老张"]["line_kind"] == "continue"
