"""registry_0005: the verification table and the ID index come and go with every resident
kept; special-group tags written in clear before are withheld in history and the audit log."""

from __future__ import annotations

import json
from datetime import date

import sqlalchemy as sa

from core.db import db
from tests.core.test_attachments import (
    fresh_database_url,  # noqa: F401 - the fixture
    migrated_app,
)

from .conftest import A1, make_id

LEGACY = {"tags": [["elderly"], ["dibao", "elderly", "disabled"]], "name": ["王秀兰", "王秀英"]}


def _json(value):
    return value if isinstance(value, dict | list) or value is None else json.loads(value)


def test_the_upgrade_adds_the_log_and_withholds_old_special_groups(fresh_database_url, tmp_path):  # noqa: F811
    from core import migrate
    from core.models import AuditLog
    from core.records.history import RecordChange
    from core.testing import build_world
    from plugins.registry.models import RegistryResident
    from tenants import modules
    from tests.conftest import ACCOUNTS, WORLD, plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    app = migrated_app(url, tmp_path)
    try:
        world = build_world(app, WORLD, ACCOUNTS)
        with app.app_context():
            community = world.node(A1)
            modules.enable(db.session, community, "registry")
            number = make_id(date(1990, 1, 2), 125)
            db.session.add(
                RegistryResident(
                    node_id=community.id,
                    name="张伟",
                    gender="M",
                    id_number=number,
                    id_reversed=number[::-1],
                    birth_date=date(1990, 1, 2),
                    status="floating",
                )
            )
            db.session.commit()
            db.session.remove()
        migrate.downgrade(url, "registry@registry_0004", plugins=plugins)
        engine = sa.create_engine(url)
        inspector = sa.inspect(engine)
        assert "registry_verification" not in inspector.get_table_names()
        indexes = {i["name"] for i in inspector.get_indexes("registry_resident")}
        assert "ix_registry_resident_id_number" not in indexes
        engine.dispose()
        with app.app_context():
            # History and audit entries written before the tags were S3: in clear.
            node_id = world.node(A1).id
            db.session.add(
                RecordChange(
                    node_id=node_id,
                    object_type="registry.resident",
                    object_id=1,
                    action="update",
                    username="worker",
                    changes=LEGACY,
                )
            )
            db.session.add(
                AuditLog(node_id=node_id, action="registry.resident.update", details=LEGACY)
            )
            db.session.add(AuditLog(node_id=node_id, action="safety.hazard.update", details=LEGACY))
            db.session.commit()
            db.session.remove()
        migrate.upgrade(url, plugins=plugins)
        with app.app_context():
            history = db.session.scalar(sa.text("SELECT changes FROM core_record_change"))
            audits = dict(
                db.session.execute(sa.text("SELECT action, details FROM core_audit_log")).all()
            )
            assert _json(history)["tags"] == [["elderly"], ["elderly", "***"]]
            assert _json(history)["name"] == ["王秀兰", "王秀英"]
            assert _json(audits["registry.resident.update"])["tags"][1] == ["elderly", "***"]
            assert _json(audits["safety.hazard.update"]) == LEGACY  # not the registry's
            assert db.session.scalar(sa.text("SELECT count(*) FROM registry_resident")) == 1
            resident_id = db.session.scalar(sa.text("SELECT id FROM registry_resident"))
            # The new table takes a verification and the resident reads its date.
            from plugins.registry.verifications import RegistryVerification

            db.session.add(
                RegistryVerification(
                    node_id=world.node(A1).id,
                    resident_id=resident_id,
                    verified_on=date(2026, 6, 1),
                    method="visit",
                    result="present",
                )
            )
            db.session.commit()
            resident = db.session.get(RegistryResident, resident_id)
            assert resident.last_verified_on == date(2026, 6, 1)
            db.session.remove()
        migrate.downgrade(url, "registry@registry_0004", plugins=plugins)
        with app.app_context():
            assert db.session.scalar(sa.text("SELECT count(*) FROM registry_resident")) == 1
            db.session.remove()
        engine = sa.create_engine(url)
        assert "registry_verification" not in sa.inspect(engine).get_table_names()
        engine.dispose()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
