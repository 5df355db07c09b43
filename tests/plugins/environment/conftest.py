"""Helpers of the environment tests: switch the module on, fix the clock, make shops, areas."""

from __future__ import annotations

import pytest

from core.db import db
from tests.plugins.registry.conftest import count, make_code  # noqa: F401 - count is a fixture

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"
MODULE = "environment"


def page(ref: str = A1) -> str:
    """The community's module pages: ``page(A1) + "/issues"``."""
    return "/".join(("/c", ref, MODULE))


def api(ref: str = A1) -> str:
    return "/api/v1" + page(ref)


@pytest.fixture
def enable(app, world):
    """``enable(A1, B1, settings=…)`` switches the module (and the registry) on there."""
    from tenants.modules import enable as switch_on

    def on(*refs: str, settings: dict | None = None) -> None:
        with app.app_context():
            for node in [world.node(ref) for ref in refs or (A1,)]:
                switch_on(db.session, node, MODULE, settings)
            db.session.commit()

    return on


@pytest.fixture(name="clock")
def fixed_clock(jiedao_clock):
    """``clock("2026-06-15T10:00:00+08:00")``: the platform's clock stands there."""
    return jiedao_clock


@pytest.fixture
def shop(app, world):
    """``shop(ref=A1, name=…, street_front=True, kind="shop")`` registers a registry unit (a
    property company with ``kind="property"``); returns its id."""
    from plugins.registry import units

    serials = iter(range(2000, 9999))

    def make(
        ref: str = A1, name: str | None = None, street_front: bool = True, kind: str = "shop"
    ) -> int:
        number = next(serials)
        with app.app_context():
            unit = units.create_unit(
                db.session,
                world.node(ref),
                {
                    "name": name or f"沿街店铺{number}",
                    "credit_code": make_code(f"MA1{number}X7"),
                    "kind": kind,
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
