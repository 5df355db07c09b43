"""The module itself: its permissions and grants, its navigation, its migrations matching its
models, and switching it off and on at a community."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import plugins.youth_care
from core.testing import catalogue_gaps, schema_differences, translation_clashes

from .conftest import api, page


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
