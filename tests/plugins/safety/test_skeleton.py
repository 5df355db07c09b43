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


def test_the_overview_has_tabs_to_every_ledger(enable, as_user):
    """The overview's tab bar links each ledger of the community (it once rendered empty)."""
    import re

    enable(A1)
    html = as_user("worker").get(page(A1) + "/").get_data(as_text=True)
    bar = re.search(r'<nav class="filters" aria-label="[^"]*">(.*?)</nav>', html, re.S)
    assert bar is not None
    links = set(re.findall(r'href="([^"]+)"', bar.group(1)))
    for ledger in ("enterprises", "inspections", "hazards", "trainings", "accidents"):
        assert any(link.startswith(f"{page(A1)}/{ledger}") for link in links), (ledger, links)
    assert 'aria-current="page"' in bar.group(1)


def test_an_enterprise_of_another_community_is_refused(app, world, enable, enterprise):
    import pytest

    from core.db import db
    from core.errors import DomainError
    from plugins.safety import common

    enable(A1, B1)
    elsewhere = enterprise(B1)
    with app.app_context(), pytest.raises(DomainError) as refused:
        common.enterprise_in(db.session, world.node(A1), elsewhere)
    with app.app_context(), pytest.raises(DomainError) as missing:
        common.enterprise_in(db.session, world.node(A1), elsewhere + 1000)
    # Refused exactly as one that does not exist: another community's record is never named.
    assert refused.value.message == missing.value.message
    assert refused.value.fields == {"enterprise_id": [missing.value.message]}
