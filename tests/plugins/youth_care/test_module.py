"""The module itself: its permissions and grants, its navigation, its migrations matching its
models, and switching it off and on at a community."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import plugins.youth_care
from core.testing import catalogue_gaps, schema_differences, translation_clashes

from .conftest import A1, STREET_A, api, page


def test_models_match_the_migrations(app, database_url):
    assert schema_differences(database_url, "youth_care_") == []


def test_the_catalogue_is_complete_and_clashes_with_nothing(app):
    package_dir = Path(plugins.youth_care.__file__).parent
    assert catalogue_gaps(package_dir, "zh_Hans_CN") == []
    with app.app_context():
        assert translation_clashes(app, package_dir) == []


def test_the_overview_and_navigation(ready, as_user, child):
    child()
    worker = as_user("worker")
    overview = worker.get(page() + "/")
    assert overview.status_code == 200
    text = overview.get_data(as_text=True)
    assert "关爱对象" in text or "Children in care" in text
    listed = worker.get(api() + "/children").json
    assert listed["total"] == 1
    assert listed["items"][0]["status"] == "active"
    assert date.fromisoformat(listed["items"][0]["entered_on"]) == date(2026, 6, 15)


def test_every_vocabulary_key_fits_its_column():
    """SQLite stores a key longer than its column, PostgreSQL refuses it: checked here."""
    from plugins.youth_care.assistance import rules as assistance
    from plugins.youth_care.children import rules as children
    from plugins.youth_care.models import (
        YouthCareAssistance,
        YouthCareChild,
        YouthCareEnrolment,
        YouthCarePairing,
        YouthCareProgramme,
    )
    from plugins.youth_care.pairings import rules as pairings
    from plugins.youth_care.programmes import rules as programmes

    vocabularies = [
        (YouthCareChild, "guardian_relation", children.GUARDIAN_RELATIONS),
        (YouthCareChild, "guardianship", children.GUARDIANSHIP),
        (YouthCareChild, "grade", children.GRADES),
        (YouthCareChild, "level", children.LEVELS),
        (YouthCareChild, "source", children.SOURCES),
        (YouthCareChild, "status", children.STATUSES),
        (YouthCareChild, "exit_reason", children.EXIT_REASONS),
        (YouthCareEnrolment, "grade", children.GRADES),
        (YouthCarePairing, "frequency", pairings.FREQUENCIES),
        (YouthCarePairing, "status", pairings.STATUSES),
        (YouthCarePairing, "evaluation", pairings.EVALUATIONS),
        (YouthCareAssistance, "kind", assistance.KINDS),
        (YouthCareAssistance, "funder", assistance.FUNDERS),
        (YouthCareAssistance, "status", assistance.STATUSES),
        (YouthCareProgramme, "kind", programmes.KINDS),
    ]
    too_long = [
        (model.__tablename__, column, key)
        for model, column, keys in vocabularies
        for key in keys
        if len(key) > model.__table__.c[column].type.length
    ]
    assert too_long == []


def test_a_street_finds_the_campaigns_progress_in_its_sidebar(ready, as_user):
    street = as_user("s_admin").get("/", query_string={"node": STREET_A}).text
    assert f'href="/r/{STREET_A}/youth_care/campaigns/progress"' in street
    community = as_user("worker").get("/", query_string={"node": A1}).text
    assert "/youth_care/campaigns/progress" not in community  # a community lists its own
