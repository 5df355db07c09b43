"""The TenantOwned mixin: keys filled from the owning node, and scope filtering in SQL."""

import sqlalchemy as sa

from core.db import db
from core.permissions import load_scope, scoped
from tests.fixture_plugins.ledger.models import LedgerRow


def _rows(world):
    with world.app.app_context():
        for ref in (
            "110105001001-bb01",
            "110105001001-bb02",
            "110105001002-bb01",
            "110105002001-bb01",
            "110105001001",
            "110105001",
        ):
            db.session.add(LedgerRow(title=ref, node=world.node(ref)))
        db.session.commit()


def test_keys_are_filled_from_the_owning_node(world):
    _rows(world)
    with world.app.app_context():
        row = db.session.scalar(sa.select(LedgerRow).where(LedgerRow.title == "110105001001-bb01"))
        street, community = world.node("110105001"), world.node("110105001001")
        assert (row.street_id, row.community_id, row.district_id) == (
            street.id,
            community.id,
            world.node("110105").id,
        )
        street_row = db.session.scalar(sa.select(LedgerRow).where(LedgerRow.title == "110105001"))
        assert street_row.street_id == street.id and street_row.community_id is None
        # Re-homing a row (node_id changed) refreshes the keys on flush.
        row.node_id = world.node("110105002001-bb01").id
        db.session.commit()
        assert row.street_id == world.node("110105002").id
        assert row.community_id == world.node("110105002001").id


def _visible(world, username: str) -> set[str]:
    with world.app.test_request_context():
        from flask import g

        g._jiedao_scope = load_scope(db.session, world.user(username).id)
        return set(
            db.session.scalars(scoped(sa.select(LedgerRow.title), LedgerRow, "tenants.view"))
        )


def test_scope_filters_rows_by_street_community_grid_and_building(world):
    _rows(world)
    world.add_user("grid_keeper", "program_worker", "110105001001-gg1")
    assert _visible(world, "d_admin") == {
        "110105001001-bb01",
        "110105001001-bb02",
        "110105001002-bb01",
        "110105002001-bb01",
        "110105001001",
        "110105001",
    }
    assert _visible(world, "s_admin") == {
        "110105001001-bb01",
        "110105001001-bb02",
        "110105001002-bb01",
        "110105001001",
        "110105001",
    }
    assert _visible(world, "c_admin") == {"110105001001-bb01", "110105001001-bb02", "110105001001"}
    assert _visible(world, "grid_keeper") == {"110105001001-bb01"}
    assert _visible(world, "leader") == {"110105001001-bb01"}
