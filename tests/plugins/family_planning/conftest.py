"""Helpers of the family-planning tests: switch the module on, fix the clock, register
residents in the registry and file cards."""

from __future__ import annotations

from datetime import date
from itertools import count as counter

import pytest

from core.db import db
from tests.plugins.registry.conftest import make_id

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"
TODAY = "2026-06-15T10:00:00+08:00"  # the fixed clock of these tests: 15 June 2026


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/family_planning"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/family_planning"


@pytest.fixture
def enable(app, world, jiedao_clock):
    """``enable(ref=A1, …)`` switches family planning (and the registry) on; the clock stops
    at 15 June 2026."""
    from tenants import modules

    jiedao_clock(TODAY)

    def switch(*refs: str) -> None:
        with app.app_context():
            for ref in refs or (A1,):
                modules.enable(db.session, world.node(ref), "family_planning")
            db.session.commit()

    return switch


@pytest.fixture
def resident(app, world):
    """``resident(ref=A1, name=…, born=…, gender="F", marital="first_marriage", **more)``
    registers a registry resident; returns its id."""
    from plugins.registry.residents import create_resident

    serials = counter(100)

    def make(
        ref: str = A1,
        name: str = "王秀英",
        born: date = date(1990, 4, 1),
        gender: str = "F",
        marital: str = "first_marriage",
        **more,
    ) -> int:
        sequence = next(serials) * 2 + (1 if gender == "M" else 0)
        data = {
            "name": name,
            "gender": gender,
            "birth_date": born,
            "id_number": make_id(born, sequence),
            "marital_status": marital,
            **more,
        }
        with app.app_context():
            created = create_resident(db.session, world.node(ref), data)
            db.session.commit()
            return created.id

    return make


@pytest.fixture
def card(app, world, resident):
    """``card(ref=A1, **fields)`` files a new woman and her card; returns the card's id."""
    from plugins.family_planning.women.ledgers import women

    def make(ref: str = A1, name: str = "王秀英", born: date = date(1990, 4, 1), **fields) -> int:
        resident_id = resident(ref, name=name, born=born)
        with app.app_context():
            from flask_login import login_user

            with app.test_request_context():
                login_user(world.user("d_admin"))
                created = women.write_new(
                    db.session, world.node(ref), {"resident_id": resident_id, **fields}
                )
                db.session.commit()
                return created.id

    return make


# --- the world counted by hand (test_indicators.py says what it holds) -------------------------


def _card(worker, resident_id: int, ref: str = A1, **more) -> int:
    response = worker.post(f"{api(ref)}/women", json={"resident_id": resident_id, **more})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _birth(worker, card_id: int, born: str, sex: str, ref: str = A1, **more) -> None:
    serial = born.replace("-", "")[-6:]
    body = {"woman_id": card_id, "name": f"孩{born}", "born_on": born, "sex": sex, **more}
    body["certificate_number"] = f"Q123{serial}"
    response = worker.post(f"{api(ref)}/children", json=body)
    assert response.status_code == 201, response.json


def _registration(worker, street, card_id: int, applied: str, registered: str) -> None:
    body = {"woman_id": card_id, "child_order": "1", "applied_on": applied}
    reg = worker.post(f"{api()}/birth_regs", json=body).json
    done = street.post(
        f"{api()}/birth_regs/{reg['id']}/register", json={"on": registered, "notified_by": "sms"}
    )
    assert done.status_code == 200, done.json


@pytest.fixture
def counted(enable, resident, as_user, app, world):
    from plugins.family_planning.families.models import FpFamily
    from plugins.registry.models import RegistryResident
    from plugins.registry.residents import move_out

    enable(A1, A2, B1)
    worker, street, c_admin = as_user("worker"), as_user("s_admin"), as_user("c_admin")
    li1 = _card(worker, resident(name="李一", born=date(1990, 4, 1)), filed_on="2026-01-10")
    floating = {"status": "floating", "arrived_on": date(2025, 1, 1)}
    li2 = _card(
        worker,
        resident(name="李二", born=date(1988, 2, 2), **floating),
        platform_on="2026-03-01",
        elsewhere_sons=1,
    )
    recent = {"status": "floating", "arrived_on": date(2026, 5, 1)}
    li3 = _card(worker, resident(name="李三", born=date(1992, 3, 3), **recent))
    _card(worker, resident(name="李五", born=date(1976, 6, 1)), filed_on="2026-05-01")
    resident(name="李四", born=date(1991, 1, 1))
    resident(name="李六", born=date(1993, 1, 1))
    dead = resident(name="王死", born=date(1940, 1, 1), gender="M", marital="widowed")
    with app.app_context():
        move_out(
            db.session, db.session.get(RegistryResident, dead), date(2026, 5, 5), deceased=True
        )
        db.session.commit()
    _birth(worker, li1, "2026-02-01", "M", match="same")
    _birth(worker, li2, "2026-03-03", "F")
    _registration(worker, street, li1, "2026-01-05", "2026-01-06")
    _registration(worker, street, li2, "2026-02-02", "2026-02-10")
    _registration(worker, street, li3, "2026-06-12", "2026-06-15")
    a2_worker = as_user("s_admin")
    sun = _card(a2_worker, resident(A2, name="孙七", born=date(1989, 9, 9)), A2,
                elsewhere_sons=1, elsewhere_daughters=1)  # fmt: skip
    _birth(a2_worker, sun, "2026-04-04", "F", A2, match="same")
    d_admin = as_user("d_admin")
    zhou = _card(d_admin, resident(B1, name="周八", born=date(1995, 5, 5)), B1)
    _birth(d_admin, zhou, "2026-05-05", "M", B1)
    household = worker.get(f"/api/v1/c/{A1}/registry/households").json
    if not household["items"]:
        created = c_admin.post(
            f"/api/v1/c/{A1}/registry/households",
            json={"building": f"{A1}-bb01", "room": "101", "head_name": "李一"},
        )
        assert created.status_code == 201, created.json
        household_id = created.json["id"]
    else:
        household_id = household["items"][0]["id"]
    family = c_admin.post(
        f"{api()}/families",
        json={
            "household_id": household_id,
            "categories": ["lost_only_child"],
            "contact_name": "刘干部",
        },
    )
    assert family.status_code == 201, family.json
    with app.app_context():
        db.session.get(FpFamily, family.json["id"]).status = "active"
        db.session.commit()
