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
