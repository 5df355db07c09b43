"""Helpers of the environment tests: switch the module on, fix the clock, make shops, areas."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import db
from tests.plugins.registry.conftest import make_code

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/environment"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/environment"


@pytest.fixture
def enable(app, world):
    """``enable(A1, …)`` switches environment (and the registry it needs) on at communities."""
    from tenants import modules

    def switch(*refs: str, settings: dict | None = None) -> None:
        with app.app_context():
            for ref in refs or (A1,):
                modules.enable(db.session, world.node(ref), "environment", settings)
            db.session.commit()

    return switch


@pytest.fixture
def clock(jiedao_clock):
    """``clock("2026-06-15T10:00:00+08:00")`` stops the platform clock there for the test."""
    return jiedao_clock


@pytest.fixture
def shop(app, world):
    """``shop(ref=A1, name=…, street_front=True)`` registers a registry unit; returns its id."""
    from plugins.registry import units

    serials = iter(range(2000, 9999))

    def make(ref: str = A1, name: str | None = None, street_front: bool = True) -> int:
        number = next(serials)
        with app.app_context():
            unit = units.create_unit(
                db.session,
                world.node(ref),
                {
                    "name": name or f"沿街店铺{number}",
                    "credit_code": make_code(f"MA1{number}X7"),
                    "kind": "shop",
                    "street_front": street_front,
                },
            )
            db.session.commit()
            return unit.id

    return make


@pytest.fixture
def area(app, world):
    """``area(ref=A1, name=…, kind=…)`` adds a sanitation area; returns its id."""
    from plugins.environment.areas.ledgers import areas

    def make(ref: str = A1, name: str = "1号楼楼道", **fields) -> int:
        with app.app_context():
            made = areas.write_new(db.session, world.node(ref), {"name": name, **fields})
            db.session.commit()
            return made.id

    return make


@pytest.fixture
def count(app):
    """``count(Model, *where)`` → rows in the database now (soft-deleted ones too)."""

    def rows(model, *where) -> int:
        with app.app_context():
            stmt = sa.select(sa.func.count()).select_from(model).where(*where)
            return db.session.scalar(stmt.execution_options(include_deleted=True))

    return rows
