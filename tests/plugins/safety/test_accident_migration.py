"""safety_0003: the accidents' history, kept in the audit log with S3 values in clear, moves
into the platform's history, and no table keeps those values in clear afterwards."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from core.db import db
from tests.core.test_attachments import fresh_database_url  # noqa: F401 - the fixture

A1 = "110105001001"
BLAME = "负有直接责任：张建国"


def test_the_upgrade_moves_accident_history_and_scrubs_s3_values(fresh_database_url, tmp_path):  # noqa: F811
    from core import migrate
    from core.app import create_app
    from core.models import AuditLog
    from core.records.history import RecordChange
    from core.testing import build_world
    from plugins.safety.models import SafetyAccident
    from tenants import modules
    from tests.conftest import ACCOUNTS, TEST_PLUGINS, WORLD, plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    migrate.downgrade(url, "safety@safety_0002", plugins=plugins)
    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path / "instance"),
        },
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        PLUGINS="",
        PLUGIN_ENTRY_POINTS=TEST_PLUGINS,
    )
    try:
        world = build_world(app, WORLD, ACCOUNTS)
        with app.app_context():
            community = world.node(A1)
            modules.enable(db.session, community, "safety")
            accident = SafetyAccident(
                node_id=community.id, occurred_on=date(2026, 5, 3), liability=BLAME
            )
            db.session.add(accident)
            db.session.flush()
            worker = world.user("worker")
            for action, details in [
                ("create", {"liability": [None, "初步认定"]}),
                ("update", {"liability": ["初步认定", BLAME], "place": ["", "仓库"]}),
                ("unmask", None),
            ]:
                db.session.add(
                    AuditLog(
                        action=f"safety.accident.{action}",
                        object_type="safety_accident",
                        object_id=str(accident.id),
                        node_id=community.id,
                        node_path=community.path,
                        user_id=worker.id,
                        username="worker",
                        details=details,
                    )
                )
            db.session.commit()
            aid = accident.id

        migrate.upgrade(url, plugins=plugins)

        with app.app_context():
            entries = db.session.scalars(
                sa.select(AuditLog).where(AuditLog.action.like("safety.accident.%"))
            ).all()
            kept = json.dumps([e.details for e in entries], ensure_ascii=False)
            assert BLAME not in kept and "初步认定" not in kept
            history = db.session.scalars(
                sa.select(RecordChange)
                .where(RecordChange.object_type == "safety.accident", RecordChange.object_id == aid)
                .order_by(RecordChange.id)
            ).all()
            assert [(h.action, h.username) for h in history] == [
                ("create", "worker"),
                ("update", "worker"),
            ]
            assert history[1].changes == {"liability": ["***", "***"], "place": ["", "仓库"]}
            assert history[0].community_id == world.node(A1).id
            db.session.remove()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
