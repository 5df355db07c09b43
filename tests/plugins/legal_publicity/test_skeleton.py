"""The plugin loads, its tables match its migration, its catalogue is complete, and its pages
answer only where it is on and to those who may read it."""

from pathlib import Path

import plugins.legal_publicity as legal_publicity
from core.testing import catalogue_gaps, schema_differences, translation_clashes

from .conftest import A1, A2, B1, page


def test_the_plugin_is_active(app):
    info = app.extensions["jiedao.plugins"].plugins["legal_publicity"]
    assert info.status == "active", info.reason


def test_models_match_migrations(app, database_url):
    assert schema_differences(database_url, "legal_publicity_") == []


def test_every_message_is_translated_and_clashes_with_nothing(app):
    package_dir = Path(legal_publicity.__file__).parent
    assert catalogue_gaps(package_dir, "zh_Hans_CN") == []
    assert catalogue_gaps(package_dir, "en") == []
    assert translation_clashes(app, package_dir) == []


def test_the_overview_answers_where_the_module_is_on(enable, as_user):
    enable(A1)
    worker = as_user("worker")
    html = worker.get(page(A1) + "/").get_data(as_text=True)
    assert "普法" in html and "人民调解" in html
    assert "安置帮教" not in html  # not the worker's compartment
    assert worker.get(page(A2) + "/").status_code == 404
    assert as_user("s_admin").get(page(A2) + "/").status_code == 404  # module off there
    enable(B1)
    assert worker.get(page(B1) + "/").status_code == 404  # another street
