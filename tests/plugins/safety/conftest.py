"""Helpers of the safety tests: switch the module on, fix the clock, make units and enterprises."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from core.db import db
from tests.plugins.registry.conftest import make_code

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/safety"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/safety"


@pytest.fixture
def enable(app, world):
    """``enable(ref=A1, …)`` switches safety (and the registry it needs) on at communities."""
    from tenants import modules

    def switch(*refs: str, settings: dict | None = None) -> None:
        with app.app_context():
            for ref in refs or (A1,):
                modules.enable(db.session, world.node(ref), "safety", settings)
            db.session.commit()

    return switch


@pytest.fixture
def clock(jiedao_clock):
    """``clock("2026-06-15T10:00:00+08:00")`` stops the platform clock there for the test."""
    return jiedao_clock


@pytest.fixture
def unit(app, world):
    """``unit(ref=A1, name=…, serial=…)`` registers a registry unit; returns its id."""
    from plugins.registry import units as registry

    serials = iter(range(1000, 9999))

    def make(ref: str = A1, name: str | None = None, serial: str | None = None) -> int:
        number = next(serials)
        with app.app_context():
            created = registry.create_unit(
                db.session,
                world.node(ref),
                {
                    "name": name or f"测试企业{number}",
                    "credit_code": make_code(serial or f"MA0{number}X5"),
                    "kind": "enterprise",
                },
            )
            db.session.commit()
            return created.id

    return make


@pytest.fixture
def enterprise(app, world, unit):
    """``enterprise(ref=A1, **fields)`` puts a new unit on the enterprise ledger; returns its id."""
    from plugins.safety.enterprises.ledgers import enterprises

    def make(ref: str = A1, **fields) -> int:
        unit_id = unit(ref, name=fields.pop("name", None))
        with app.app_context():
            created = enterprises.write_new(
                db.session, world.node(ref), {"unit_id": unit_id, **fields}
            )
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


def beijing(text: str) -> datetime:
    """An instant in Beijing time: ``beijing("2026-03-10 23:30")``."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Shanghai"))
