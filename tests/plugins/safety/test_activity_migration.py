"""safety_0005: safety's publicity activities move into core's activity records with their ids,
photos and history; the downgrade moves them back, or refuses when it would lose something."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.db import db
from tests.core.test_attachments import (
    fresh_database_url,  # noqa: F401 - the fixture
    migrated_app,
)

A1 = "110105001001"
API = f"/api/v1/c/{A1}/safety"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8"
    "cfc000000301010018dd8db00000000049454e44ae426082"
)


def test_the_upgrade_keeps_every_activity_its_photos_and_history(fresh_database_url, tmp_path):  # noqa: F811
    from core import migrate
    from core.testing import build_world, login
    from tenants import modules
    from tests.conftest import ACCOUNTS, WORLD, plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    app = migrated_app(url, tmp_path)
    now = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
    try:
        world = build_world(app, WORLD, ACCOUNTS)
        with app.app_context():
            community = world.node(A1)
            modules.enable(db.session, community, "safety")
            db.session.commit()
            keys = {k: getattr(community, k) for k in ("district_id", "street_id", "community_id")}
            keys["node_id"] = community.id
            db.session.remove()
        migrate.downgrade(url, "safety@safety_0004", plugins=plugins)
        common = {**keys, "created_at": now, "updated_at": now, "deleted_by_id": None}
        with app.app_context():
            db.session.execute(
                sa.text(
                    "INSERT INTO safety_activity (id, kind, title, held_on, place, headcount, "
                    "organiser, summary, created_at, updated_at, deleted_at, deleted_by_id, "
                    "node_id, district_id, street_id, community_id) VALUES (:id, :kind, :title, "
                    ":held_on, :place, :headcount, '社区居委会', '', :created_at, :updated_at, "
                    ":deleted_at, :deleted_by_id, :node_id, :district_id, :street_id, "
                    ":community_id)"
                ),
                [
                    {
                        **common,
                        "id": 7,
                        "kind": "fire_day",
                        "title": "11·9消防宣传",
                        "held_on": date(2025, 11, 9),
                        "place": "社区广场",
                        "headcount": 80,
                        "deleted_at": None,
                    },
                    {
                        **common,
                        "id": 9,
                        "kind": "drill",
                        "title": "删掉的演练",
                        "held_on": date(2026, 3, 1),
                        "place": "",
                        "headcount": 0,
                        "deleted_at": now,
                    },
                ],
            )
            db.session.execute(
                sa.text(
                    "INSERT INTO core_attachment (module, owner_type, owner_id, filename, "
                    "stored_as, content_type, size, caption, kind, at, node_id, district_id, "
                    "street_id, community_id) VALUES ('safety', 'safety.activity', 7, 'a.png', "
                    "'legacy-a.png', 'image/png', :size, '现场', '', :at, :node_id, "
                    ":district_id, :street_id, :community_id)"
                ),
                {**keys, "size": len(PNG), "at": now},
            )
            db.session.execute(
                sa.text(
                    "INSERT INTO core_record_change (object_type, object_id, action, at, "
                    "username, changes, node_id, district_id, street_id, community_id) VALUES "
                    "('safety.activity', 7, 'update', :at, 'worker', :changes, :node_id, "
                    ":district_id, :street_id, :community_id)"
                ),
                {**keys, "at": now, "changes": '{"headcount": [60, 80]}'},
            )
            db.session.commit()
        folder = Path(app.instance_path) / "uploads" / "safety"
        folder.mkdir(parents=True)
        (folder / "legacy-a.png").write_bytes(PNG)

        migrate.upgrade(url, plugins=plugins)

        client = app.test_client()
        assert login(client, "worker").status_code == 302
        listed = client.get(API + "/activities").json["items"]
        assert [(a["id"], a["title"], a["kind"], a["headcount"]) for a in listed] == [
            (7, "11·9消防宣传", "fire_day", 80)
        ]
        one = client.get(API + "/activities/7").json
        assert one["module"] == "safety" and one["place"] == "社区广场"
        assert [(p["filename"], p["caption"], p["owner_type"]) for p in one["photos"]] == [
            ("a.png", "现场", "core.activity")
        ]
        assert client.get(one["photos"][0]["url"]).data == PNG
        history = client.get(API + "/activities/7/history").json["items"]
        assert [(h["action"], h["changes"]) for h in history] == [
            ("update", {"headcount": [60, 80]})
        ]
        admin = app.test_client()
        assert login(admin, "c_admin").status_code == 302
        deleted = admin.get(API + "/activities?deleted=1").json["items"]
        assert [(a["id"], a["title"]) for a in deleted] == [(9, "删掉的演练")]
        made = client.post(API + "/activities", json={"title": "新活动", "held_on": "2026-05-12"})
        assert made.status_code == 201 and made.json["id"] > 9  # the ids go on after the moved

        migrate.downgrade(url, "safety@safety_0004", plugins=plugins)
        with app.app_context():
            back = db.session.execute(
                sa.text("SELECT id, title FROM safety_activity ORDER BY id")
            ).all()
            assert [tuple(r) for r in back] == [
                (7, "11·9消防宣传"),
                (9, "删掉的演练"),
                (made.json["id"], "新活动"),
            ]
            owner = db.session.execute(
                sa.text("SELECT owner_type, owner_id FROM core_attachment")
            ).all()
            assert [tuple(r) for r in owner] == [("safety.activity", 7)]
            left = db.session.scalar(sa.text("SELECT COUNT(*) FROM core_activity"))
            assert left == 0
            db.session.remove()

        migrate.upgrade(url, plugins=plugins)
        added = client.post(API + "/activities/7/attendees", json={"name": "张三"})
        assert added.status_code == 201
        with pytest.raises(RuntimeError, match="attendees"):
            migrate.downgrade(url, "safety@safety_0004", plugins=plugins)
        assert client.get(API + "/activities/7").json["attendees"][0]["name"] == "张三"
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
