"""Helpers of the legal-publicity tests: switch the module on, fix the clock, name the places,
and the accounts of the resettlement compartment (the street's 司法所, a named cadre)."""

from __future__ import annotations

import pytest

from core.db import db

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"
MODULE = "legal_publicity"


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/legal_publicity"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/legal_publicity"


@pytest.fixture
def enable(app, world):
    """``enable(A1, B1, settings=…)`` switches the module (and the registry) on at communities."""
    from tenants import modules

    def switch(*refs: str, settings: dict | None = None) -> None:
        with app.app_context():
            for ref in refs or (A1,):
                modules.enable(db.session, world.node(ref), MODULE, settings)
            db.session.commit()

    return switch


@pytest.fixture
def disable(app, world):
    from tenants import modules

    def switch(ref: str = A1) -> None:
        with app.app_context():
            modules.disable(db.session, world.node(ref), MODULE)
            db.session.commit()

    return switch


@pytest.fixture
def clock(jiedao_clock):
    """``clock("2026-06-15T10:00:00+08:00")`` stops the platform clock there for the test."""
    return jiedao_clock


@pytest.fixture
def judicial(world):
    """``judicial`` — the street A's 司法所 (role legal_publicity_judicial at 建外街道); and
    ``cadre`` — a cadre of 永安里东社区 named for resettlement care."""
    world.add_user("judicial", role="legal_publicity_judicial", at=STREET_A)
    world.add_user("cadre", role="legal_publicity_care", at=A1)
    return world
