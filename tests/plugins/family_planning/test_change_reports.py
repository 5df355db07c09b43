"""Births a building leader reports (楼门院长信息反馈, the registry's ``birth`` kind) reach the
register: approved, the child is registered and the birth filed on the mother's card with her
open registration; a birth that cannot be placed waits in the list of births to file, and
recording it there files the child the registry holds, never a second one."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db

from .conftest import A1, api, page

BUILDING = f"{A1}-bb01"


def _household(client, room: str, head: str) -> int:
    body = {"building": BUILDING, "room": room, "head_name": head}
    created = client.post(f"/api/v1/c/{A1}/registry/households", json=body)
    assert created.status_code == 201, created.json
    return created.json["id"]


def _reported_birth(as_user, household: int, name: str, certificate: str) -> dict:
    """A birth reported by the building's leader, verified and approved by the worker."""
    leader, worker = as_user("leader"), as_user("worker")
    facts = {"household_id": household, "name": name, "on": "2026-06-10", "gender": "M"}
    body = {"kind": "birth", "facts": {**facts, "birth_certificate_number": certificate}}
    reported = leader.post(f"/api/v1/c/{A1}/changes/reports", json=body)
    assert reported.status_code == 201, reported.json
    url = f"/api/v1/c/{A1}/changes/reports/{reported.json['id']}"
    assert worker.post(f"{url}/verify", json={}).status_code == 200
    approved = worker.post(f"{url}/approve", json={})
    assert approved.status_code == 200 and approved.json["status"] == "done", approved.json
    return approved.json


@pytest.fixture
def homes(enable, resident, as_user):
    """Two households of building bb01: 甲女's (a card, a registered 生育登记) and 乙女's (no
    card yet)."""
    enable()
    c_admin, worker, street = as_user("c_admin"), as_user("worker"), as_user("s_admin")
    first, second = _household(c_admin, "301", "甲女"), _household(c_admin, "302", "乙女")
    jia = resident(name="甲女", born=date(1991, 2, 3), household_id=first)
    yi = resident(name="乙女", born=date(1992, 5, 6), household_id=second)
    card = worker.post(f"{api()}/women", json={"resident_id": jia}).json["id"]
    body = {"woman_id": card, "child_order": "1", "applied_on": "2026-03-02"}
    reg = worker.post(f"{api()}/birth_regs", json=body).json["id"]
    done = {"on": "2026-03-03", "notified_by": "sms"}
    assert street.post(f"{api()}/birth_regs/{reg}/register", json=done).status_code == 200
    return {"first": first, "second": second, "yi": yi, "reg": reg}


def _registry(app, name: str) -> int:
    from plugins.registry.models import RegistryResident

    with app.app_context():
        return db.session.query(RegistryResident).filter_by(name=name).count()


def test_an_approved_birth_is_filed_on_the_mothers_card(homes, as_user, app):
    report = _reported_birth(as_user, homes["first"], "甲宝", "Q110000001")
    assert "甲女" in report["outcome"]  # what the approval did, for whoever reads the report
    worker = as_user("worker")
    (child,) = worker.get(f"{api()}/children").json["items"]
    assert (child["child"], child["mother"], child["born_on"]) == ("甲宝", "甲女", "2026-06-10")
    assert (child["sex"], child["birth_order"]) == ("M", 1)
    assert worker.get(f"{api()}/birth_regs/{homes['reg']}").json["status"] == "born"
    assert _registry(app, "甲宝") == 1  # registered once, by the registry
    history = worker.get(f"{api()}/children/{child['id']}/history").json["items"]
    assert [(h["action"], h["username"]) for h in history] == [("create", "worker")]
    assert worker.get(f"{api()}/candidates").json["births"] == []


def test_a_birth_that_cannot_be_placed_waits_to_be_filed(homes, as_user, app):
    report = _reported_birth(as_user, homes["second"], "乙宝", "Q110000002")
    assert "乙女" not in report["outcome"]  # no card in the household: nothing filed
    worker = as_user("worker")
    assert worker.get(f"{api()}/children").json["total"] == 0
    card = worker.post(f"{api()}/women", json={"resident_id": homes["yi"]}).json["id"]
    waiting = worker.get(f"{api()}/candidates").json["births"]
    assert [(b["name"], b["born_on"]) for b in waiting] == [("乙宝", "2026-06-10")]
    shown = worker.get(f"{page()}/").get_data(as_text=True)
    assert 'data-birth="乙宝"' in shown
    body = {"woman_id": card, "name": "乙宝", "born_on": "2026-06-10", "sex": "M",
            "certificate_number": "Q110000002"}  # fmt: skip
    filed = worker.post(f"{api()}/children", json=body)
    assert filed.status_code == 201, filed.json
    assert _registry(app, "乙宝") == 1  # the registry's child, not a second one
    assert worker.get(f"{api()}/candidates").json["births"] == []


def test_a_birth_reported_where_the_module_is_off_is_left_alone(homes, as_user, app, world):
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    _reported_birth(as_user, homes["first"], "丙宝", "Q110000003")
    with app.app_context():
        modules.enable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    assert as_user("worker").get(f"{api()}/children").json["total"] == 0
    assert _registry(app, "丙宝") == 1
