"""safety_0007: a community's ``training_target`` setting becomes its share of the year's
three-key-post training target (core_target); the downgrade puts it back."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from core.db import db
from tests.core.test_attachments import (
    fresh_database_url,  # noqa: F401 - the fixture
    migrated_app,
)

A1, A2 = "110105001001", "110105001002"


def test_a_setting_becomes_the_communitys_share_and_comes_back(fresh_database_url, tmp_path):  # noqa: F811
    from core import migrate
    from core.testing import build_world
    from tenants import modules
    from tests.conftest import ACCOUNTS, WORLD, plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    app = migrated_app(url, tmp_path)
    year = str(datetime.now(UTC).year)
    settings = sa.text(
        "SELECT settings FROM tenants_module WHERE community_id = :c AND module = 'safety'"
    )
    try:
        world = build_world(app, WORLD, ACCOUNTS)
        with app.app_context():
            ids = {ref: world.node(ref).id for ref in (A1, A2)}
            for ref in (A1, A2):
                modules.enable(db.session, world.node(ref), "safety")
            db.session.commit()
            db.session.remove()
        migrate.downgrade(url, "safety@safety_0006", plugins=plugins)
        with app.app_context():
            # Before: A1 set its own 40; A2 kept the default (no key stored).
            db.session.execute(
                sa.text(
                    "UPDATE tenants_module SET settings = :s WHERE community_id = :c "
                    "AND module = 'safety'"
                ),
                {"s": '{"training_target": 40, "major_deadline_days": 30}', "c": ids[A1]},
            )
            db.session.commit()
            db.session.remove()
        migrate.upgrade(url, plugins=plugins)
        with app.app_context():
            rows = db.session.execute(
                sa.text("SELECT node_id, indicator, period, value FROM core_target")
            ).all()
            assert [(r[0], r[1], r[2], int(r[3])) for r in rows] == [
                (ids[A1], "safety.trained", year, 40)
            ]
            kept = db.session.scalar(settings, {"c": ids[A1]})
            kept = kept if isinstance(kept, dict) else __import__("json").loads(kept)
            assert kept == {"major_deadline_days": 30}
            db.session.remove()
        migrate.downgrade(url, "safety@safety_0006", plugins=plugins)
        with app.app_context():
            back = db.session.scalar(settings, {"c": ids[A1]})
            back = back if isinstance(back, dict) else __import__("json").loads(back)
            assert back == {"major_deadline_days": 30, "training_target": 40}
            assert db.session.scalar(sa.text("SELECT count(*) FROM core_target")) == 0
            db.session.remove()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
