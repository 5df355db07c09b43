"""Test fixtures: the real app on a real database built by the real migrations.

SQLite by default; set ``JIEDAO_TEST_DATABASE_URL`` (CI does) to run the same suite on PostgreSQL.
Each test starts from an empty database holding the small world below.

    110105 朝阳区 (district)
    ├── 110105001 建外街道 (street A)
    │   ├── 110105001001 永安里东社区 (A1) ── grid g1 ── building b01;  building b02
    │   └── 110105001002 建国里社区 (A2) ── building b01
    └── 110105002 朝外街道 (street B)
        └── 110105002001 吉祥里社区 (B1) ── building b01
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

from core import migrate
from core.app import create_app
from core.db import db, make_engine
from core.plugins import ENTRY_POINT_GROUP, load_plugins
from core.testing import PASSWORD, build_world, login  # noqa: F401 - tests import these from here
from core.testing import JiedaoWorld as World


def _database_of_this_worker(url: str) -> str:
    """Under pytest-xdist every worker gets a PostgreSQL database of its own (``test_gw0`` …,
    created when missing), since each test empties and refills the database it runs on. The
    environment variable follows, for the ``jiedao`` pytest plugin's fixtures."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker or not url.startswith("postgresql"):
        return url
    given = make_url(url)
    own = f"{given.database}_{worker}"
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        known = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own})
        if known.first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    url = given.set(database=own).render_as_string(hide_password=False)
    os.environ["JIEDAO_TEST_DATABASE_URL"] = url
    return url


TEST_DATABASE_URL = _database_of_this_worker(os.environ.get("JIEDAO_TEST_DATABASE_URL", "").strip())

WORLD = [
    # (parent ref, kind, code, name)
    (None, "district", "110105", "朝阳区"),
    ("110105", "street", "110105001", "建外街道"),
    ("110105001", "community", "110105001001", "永安里东社区"),
    ("110105001001", "grid", "g1", "第一网格"),
    ("110105001001-gg1", "building", "b01", "1号楼"),
    ("110105001001", "building", "b02", "2号楼"),
    ("110105001", "community", "110105001002", "建国里社区"),
    ("110105001002", "building", "b01", "1号楼"),
    ("110105", "street", "110105002", "朝外街道"),
    ("110105002", "community", "110105002001", "吉祥里社区"),
    ("110105002001", "building", "b01", "1号楼"),
]

# One account per built-in role at its natural place.
ACCOUNTS = {
    "district_admin": ("d_admin", "110105"),
    "street_admin": ("s_admin", "110105001"),
    "community_admin": ("c_admin", "110105001001"),
    "program_worker": ("worker", "110105001001"),
    "building_leader": ("leader", "110105001001-bb01"),
    "inspector": ("inspector", "110105"),
}


def _ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


# The plugins the test app "has installed": one good one, one depending on it, and broken ones.
TEST_PLUGINS = [
    _ep("ledger", "tests.fixture_plugins.ledger"),
    _ep("ledger_extra", "tests.fixture_plugins.ledger_extra"),
    _ep("fails_import", "tests.fixture_plugins.fails_import"),
    _ep("raises_in_hook", "tests.fixture_plugins.broken:raises_in_hook"),
    _ep("future", "tests.fixture_plugins.broken:future"),
    _ep("needs_missing", "tests.fixture_plugins.broken:needs_missing"),
    _ep("needs_broken", "tests.fixture_plugins.broken:needs_broken"),
    _ep("no_manifest", "tests.fixture_plugins.broken:no_manifest"),
    _ep("foreign_perm", "tests.fixture_plugins.broken:foreign_perm"),
    _ep("plain_blueprint", "tests.fixture_plugins.broken:plain_blueprint"),
    _ep("unprefixed", "tests.fixture_plugins.unprefixed:plugin"),
    _ep("lazy_models", "tests.fixture_plugins.lazy_models:plugin"),
    _ep("registry", "plugins.registry"),
    _ep("safety", "plugins.safety"),
    _ep("family_planning", "plugins.family_planning"),
    _ep("environment", "plugins.environment"),
    _ep("youth_care", "plugins.youth_care"),
    _ep("legal_publicity", "plugins.legal_publicity"),
]


def plugins_for_tests():
    return load_plugins(allow="", eps=TEST_PLUGINS)


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
        url = TEST_DATABASE_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'jiedao-test.db'}"
    migrate.upgrade(url, plugins=plugins_for_tests())
    return url


def make_app(
    database_url: str, instance: Path, plugins: list[EntryPoint] | None = None, **config: Any
) -> Flask:
    """An app of the tests on ``database_url``: the test plugins (or ``plugins``), fast password
    hashes and no CSRF unless ``config`` says otherwise."""
    environ = {
        "JIEDAO_ENV": "testing",
        "JIEDAO_DATABASE_URL": database_url,
        "JIEDAO_INSTANCE_PATH": str(instance),
    }
    settings = {
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "PLUGINS": "",
        "PLUGIN_ENTRY_POINTS": TEST_PLUGINS if plugins is None else plugins,
        **config,
    }
    return create_app(environ, **settings)


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return make_app(database_url, tmp_path_factory.mktemp("instance"))


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    """An empty database with the small tree above, built-in roles and one account per role."""
    yield build_world(app, WORLD, ACCOUNTS)
    with app.app_context():
        db.session.remove()


@pytest.fixture
def client(app: Flask, world: World) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def as_user(app: Flask, world: World):
    """``as_user("s_admin")`` → a test client signed in as that account."""

    def make(username: str) -> FlaskClient:
        c = app.test_client()
        response = login(c, username)
        assert response.status_code == 302, f"could not sign in as {username}"
        return c

    return make


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)
