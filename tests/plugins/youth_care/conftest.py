"""Helpers of the youth-care tests: switch the module on, fix the clock, register residents and
children in care."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from core.permissions import load_scope
from tests.plugins.registry.conftest import make_code, make_id

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"
TODAY = "2026-06-15T10:00:00+08:00"


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/youth_care"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/youth_care"


@pytest.fixture
def enable(app, world):
    """``enable(ref=A1, …)`` switches youth_care (and the registry it needs) on at communities."""
    from tenants import modules

    def switch(*refs: str, settings: dict | None = None) -> None:
        with app.app_context():
            for ref in refs or (A1,):
                modules.enable(db.session, world.node(ref), "youth_care", settings)
            db.session.commit()

    return switch


@pytest.fixture
def clock(jiedao_clock):
    """``clock("2026-06-15T10:00:00+08:00")`` stops the platform clock there for the test."""
    return jiedao_clock


@pytest.fixture
def ready(enable, clock):
    """The module on in A1, A2 and B1, the clock at 15 June 2026."""
    enable(A1, A2, B1)
    clock(TODAY)


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


@pytest.fixture
def count(app):
    """``count(Model, *where)`` → rows in the database now (soft-deleted ones too)."""

    def rows(model, *where) -> int:
        with app.app_context():
            stmt = sa.select(sa.func.count()).select_from(model).where(*where)
            return db.session.scalar(stmt.execution_options(include_deleted=True))

    return rows
