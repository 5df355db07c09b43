"""Helpers of the legal-publicity tests: switch the module on, fix the clock, name the places,
and the accounts of the resettlement compartment (the street's 司法所, a named cadre)."""

from __future__ import annotations

import pytest

from core.db import db

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"
MODULE = "legal_publicity"


def page(ref: str = A1, api: bool = False) -> str:
    """The module's URL in a community: its pages, or with ``api`` its JSON."""
    return f"{'/api/v1' if api else ''}/c/{ref}/{MODULE}"


def api(ref: str = A1) -> str:
    return page(ref, api=True)


def _switch(app, world, on: bool, refs: tuple[str, ...], settings: dict | None) -> None:
    """The module on (with ``settings``) or off at each of ``refs`` (A1 if none), committed."""
    from tenants import modules

    with app.app_context():
        for node in map(world.node, refs or (A1,)):
            if on:
                modules.enable(db.session, node, MODULE, settings)
            else:
                modules.disable(db.session, node, MODULE)
        db.session.commit()


@pytest.fixture
def enable(app, world):
    """``enable(A1, B1, settings=…)`` switches the module (and the registry) on there."""
    return lambda *refs, settings=None: _switch(app, world, True, refs, settings)


@pytest.fixture
def disable(app, world):
    """``disable(A1)`` switches the module off there; its data stays."""
    return lambda *refs: _switch(app, world, False, refs, None)


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
