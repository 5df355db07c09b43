"""Helpers of the youth-care tests: switch the module on, fix the clock, register residents and
children in care."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from core.permissions import load_scope
from tests.plugins.registry.conftest import (  # noqa: F401 - fixtures and places
    A1,
    A2,
    B1,
    DISTRICT,
    STREET_A,
    count,
    make_code,
    make_id,
)

TODAY = "2026-06-15T10:00:00+08:00"
MODULE = "youth_care"


def api(ref: str = A1) -> str:
    """The module's API under community ``ref``."""
    return "/api/v1" + page(ref)


def page(ref: str = A1) -> str:
    """The module's pages under community ``ref``."""
    return f"/c/{ref}/{MODULE}"


@pytest.fixture
def switch_on(app, world):
    """``switch_on(A1, settings={…})``: youth care (with the registry) on at a community."""
    from tenants import modules

    def on(ref: str, settings: dict | None = None) -> None:
        with app.app_context():
            modules.enable(db.session, world.node(ref), MODULE, settings)
            db.session.commit()

    return on


@pytest.fixture
def clock(jiedao_clock):
    """``clock("2026-06-15T10:00:00+08:00")`` stops the platform clock there for the test."""
    return jiedao_clock


@pytest.fixture
def ready(switch_on, jiedao_clock):
    """The module on in A1, A2 and B1, the clock at 15 June 2026, 10:00 in Beijing."""
    for ref in (A1, A2, B1):
        switch_on(ref)
    jiedao_clock(TODAY)


@pytest.fixture
def resident(app, world):
    """``resident(born, ref=A1, name=…, building="b01")`` registers a resident; returns its id."""
    from plugins.registry.residents import create_resident

    sequence = iter(range(100, 999))

    def make(born: date, ref: str = A1, name: str | None = None, building: str = "b01") -> int:
        number = next(sequence)
        data = {"name": name or f"测试{number}", "birth_date": born, "building": building,
                "id_number": make_id(born, number)}  # fmt: skip
        with app.app_context():
            created = create_resident(db.session, world.node(ref), data)
            db.session.commit()
            return created.id

    return make


@pytest.fixture
def unit(app, world):
    """``unit(kind, ref=A1, name=…)`` registers a registry unit; returns its id."""
    from plugins.registry import units

    serials = iter(range(1000, 9999))

    def make(kind: str = "school", ref: str = A1, name: str | None = None) -> int:
        number = next(serials)
        data = {"name": name or f"单位{number}", "credit_code": make_code(f"MA0{number}X5"),
                "kind": kind}  # fmt: skip
        with app.app_context():
            created = units.create_unit(db.session, world.node(ref), data)
            db.session.commit()
            return created.id

    return make


@pytest.fixture
def child(app, world, resident):
    """``child(born=…, ref=A1, level=…, confirm=True, **fields)`` puts a resident on the care
    ledger (confirmed in care unless ``confirm=False``); returns the child's id."""
    from plugins.youth_care.children.ledgers import children
    from plugins.youth_care.children.workflow import CHILD_FLOW

    def make(born: date = date(2015, 4, 1), ref: str = A1, confirm: bool = True, **fields) -> int:
        resident_id = fields.pop("resident_id", None) or resident(
            born, ref, fields.pop("name", None)
        )
        with app.app_context():
            community = world.node(ref)
            data = {"resident_id": resident_id, "categories": ["single_parent"], **fields}
            created = children.write_new(db.session, community, data)
            if confirm:
                admin = world.user("d_admin")
                scope = load_scope(db.session, admin.id)
                CHILD_FLOW.run(db.session, created, "confirm", {}, admin, scope=scope)
            db.session.commit()
            return created.id

    return make
