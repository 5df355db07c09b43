"""The plugin loads, its tables match its migration, and its pages answer only where it is on."""

from core.testing import schema_differences

from .conftest import A1, B1, page


def test_models_match_migrations(database_url):
    assert schema_differences(database_url, "safety_") == []


def test_overview_needs_the_module_and_the_scope(enable, as_user):
    enable(A1)
    worker = as_user("worker")
    assert worker.get(page(A1) + "/").status_code == 200
    assert worker.get(page(B1) + "/").status_code == 404
    enable(B1)
    assert worker.get(page(B1) + "/").status_code == 404
