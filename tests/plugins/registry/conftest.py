"""Helpers of the registry's tests: switch the module on, make valid IDs and credit codes."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from plugins.registry.validators import credit_check_character, id_check_character

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, DISTRICT = "110105001", "110105"


def make_id(born: date = date(1985, 3, 7), sequence: int = 123, area: str = "110105") -> str:
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + id_check_character(body)


def make_code(serial: str = "MA01234X5") -> str:
    body = "91110105" + serial
    return body + credit_check_character(body)


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/registry"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/registry"


@pytest.fixture
def enable(app, world):
    """``enable(ref=A1, …)`` switches the registry on at communities (or under a street)."""
    from tenants import modules

    def switch(*refs: str) -> None:
        with app.app_context():
            for ref in refs or (A1,):
                modules.enable(db.session, world.node(ref), "registry")
            db.session.commit()

    return switch


@pytest.fixture
def count(app):
    """``count(Model, *where)`` → rows in the database now."""

    def rows(model, *where) -> int:
        with app.app_context():
            stmt = sa.select(sa.func.count()).select_from(model).where(*where)
            return db.session.scalar(stmt.execution_options(include_deleted=True))

    return rows
