"""Ledgers whose records are listed only inside their community (``community_only``: children
in care) refuse their export at a street or district, where they are counts only; the lookup
of a record named by id (``core.records.lookup``) refuses what is not the community's; figures
of S3 people withhold their small counts; the latest day of a yearly event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pytest
from flask import g

from core.db import db
from core.errors import DomainError, NotPermitted
from core.records.lookup import live_record_of
from plugins.registry.ledgers import residents
from plugins.registry.models import RegistryResident
from tests.plugins.registry.conftest import make_id

A1, A2, STREET = "110105001001", "110105001002", "110105001"


@dataclass
class AtPlace:
    """An export's scope clause at ``place``: the community's or the street's rows."""

    place: object

    def __call__(self, model):
        return model.street_id == self.place.id if self.place.kind == "street" else (
            model.community_id == self.place.id
        )  # fmt: skip


@pytest.fixture
def registered(app, world, as_user):
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()
    body = {"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124)}
    made = as_user("worker").post(f"/api/v1/c/{A1}/registry/residents", json=body)
    assert made.status_code == 201, made.json
    return made.json["id"]


def test_a_community_only_export_is_refused_above_a_community(app, world, as_user, registered):
    only_here = replace(residents, community_only=True)
    with app.test_request_context():
        g.community = world.node(A1)
        street = AtPlace(world.node(STREET).as_ref())
        with pytest.raises(NotPermitted):
            list(only_here.export_rows(db.session, street, {}))
        # The same export at the community, and the usual one at the street, list her.
        here = AtPlace(world.node(A1).as_ref())
        assert [r["name"] for r in only_here.export_rows(db.session, here, {})] == ["王秀兰"]
        assert [r["name"] for r in residents.export_rows(db.session, street, {})] == ["王秀兰"]


def test_a_record_is_looked_up_in_the_community_only(app, world, registered):
    with app.app_context():
        found = live_record_of(db.session, world.node(A1), RegistryResident, registered, "x", "no")
        assert found.name == "王秀兰"
        for community, record_id in ((world.node(A2), registered), (world.node(A1), None)):
            with pytest.raises(DomainError) as refused:
                live_record_of(db.session, community, RegistryResident, record_id, "who", "没有")
            assert refused.value.fields == {"who": ["没有"]}


def test_a_figure_of_s3_people_withholds_small_counts():
    """``Figure.suppress_below`` reaches the indicator, which withholds counts of 1 or 2."""
    from core.figures import Figure, FigureSet, _small

    figures = FigureSet(
        "testing",
        [Figure("few", "few", "人", "x", expression=lambda p, d: None, suppress_below=3),
         Figure("all", "all", "人", "x", expression=lambda p, d: None)],
        dict,
    )  # fmt: skip
    few, every = figures.indicators()
    assert (few.suppress_below, every.suppress_below) == (3, 0)
    assert [_small(few, n) for n in (0, 1, 2, 3)] == [False, True, True, False]
    assert not _small(every, 1)


def test_the_latest_day_of_a_yearly_event():
    from core.calendar import latest_on_or_before

    assert latest_on_or_before(date(2026, 6, 15), 3, 12) == date(2026, 3, 12)
    assert latest_on_or_before(date(2026, 6, 15), 10, 17) == date(2025, 10, 17)
    assert latest_on_or_before(date(2026, 6, 15), 6, 15) == date(2026, 6, 15)
