"""The module itself: active, its migrations match its models, every message translated
without clashing with another catalogue, its permissions granted as the spec says."""

from __future__ import annotations

from pathlib import Path

import plugins.family_planning as family_planning
from core.testing import catalogue_gaps, schema_differences, translation_clashes

PACKAGE = Path(family_planning.__file__).parent


def test_the_module_is_active_and_requires_the_registry(app):
    info = app.extensions["jiedao.plugins"].plugins["family_planning"]
    assert info.status == "active", info.reason
    assert info.manifest.requires == ("registry",)


def test_the_migrations_match_the_models(app, database_url):
    assert schema_differences(database_url, "family_planning_") == []


def test_every_message_is_translated_and_none_clashes(app):
    assert catalogue_gaps(PACKAGE, "zh_Hans_CN") == []
    assert catalogue_gaps(PACKAGE, "en") == []
    assert translation_clashes(app, PACKAGE) == []


def test_the_permissions_go_to_the_roles_the_spec_names(app, world):
    import sqlalchemy as sa

    from core.db import db
    from core.models import Role

    with app.app_context():
        roles = {r.key: set(r.patterns) for r in db.session.scalars(sa.select(Role))}
    assert "family_planning.edit" in roles["program_worker"]
    assert "family_planning.sensitive.view" not in roles["program_worker"]
    assert "family_planning.sensitive.view" in roles["community_admin"]
    assert "family_planning.review" in roles["street_admin"]
    assert "family_planning.review" not in roles["community_admin"]
    assert roles["family_planning_inspector"] == {"family_planning.view", "tenants.view"}
    assert "family_planning.view" not in roles["building_leader"]
