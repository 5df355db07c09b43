"""pytest fixtures for plugin packages: test a plugin against the real platform.

This module is a pytest plugin (entry point ``pytest11``, name ``jiedao``), so a plugin package
that depends on ``jiedao`` gets these fixtures without a conftest. Until the entry point is
installed, load it by hand: ``pytest -p core.testing`` (not both: pytest refuses the same plugin
under two names). Every fixture is prefixed ``jiedao_`` so it never clashes with a project's own
fixtures; nothing heavy is imported until a fixture runs, because pytest imports this module for
every test run in the environment.

The app is built from the *installed* plugins (entry-point group ``jiedao.plugins``, narrowed by
``JIEDAO_PLUGINS`` if set), on a database built by the real migrations — so install the plugin
under test first (``pip install -e .``).

Fixtures
    ``jiedao_database_url`` (session)
        A temporary SQLite file, or ``JIEDAO_TEST_DATABASE_URL`` (emptied first), migrated to
        every installed branch's head with ``core.migrate.upgrade``.
    ``jiedao_app_config`` (session)
        ``{}``; override it in your conftest to pass more settings to ``create_app``.
    ``jiedao_app`` (session)
        The platform app (``JIEDAO_ENV=testing``, CSRF off, fast password hashes). Warns
        (:class:`JiedaoPluginWarning`) about each installed plugin that failed to load.
    ``jiedao_world`` (function)
        Empties every table and builds the small tree below with the built-in roles and one
        account per role (password :data:`PASSWORD`); returns a :class:`JiedaoWorld`.
    ``jiedao_client_for`` (function)
        ``make(username)`` → a Flask test client signed in as that account.
    ``jiedao_clock`` (function)
        ``set_clock(instant)`` stops the platform clock (``core.clock``) for the test.
    ``jiedao_enable_module`` (function)
        ``enable(module, ref="110105001001", settings=None)`` switches a module on at a node
        (a community, or every community under a street or district) through
        ``tenants.modules.enable``; returns the refs of the communities that changed.

The world::

    110105 朝阳区 (district)                     d_admin (district_admin), inspector (inspector)
    ├── 110105001 建外街道 (street A)             s_admin (street_admin)
    │   ├── 110105001001 永安里东社区 (A1)         c_admin (community_admin), worker (program_worker)
    │   │   └── building b01 (110105001001-bb01)  leader (building_leader)
    │   └── 110105001002 建国里社区 (A2) ── building b01
    └── 110105002 朝外街道 (street B)
        └── 110105002001 吉祥里社区 (B1) ── building b01

Helpers for tests: :func:`login`, :func:`schema_differences` (the plugin's models against its
migrations), :func:`catalogue_gaps` (messages in the code missing from a catalogue) and
:func:`translation_clashes` (msgids the plugin translates differently from another catalogue).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

PASSWORD = "test-password-1"

DISTRICT = "110105"
STREET_A = "110105001"
COMMUNITY_A1 = "110105001001"
COMMUNITY_A2 = "110105001002"
STREET_B = "110105002"
COMMUNITY_B1 = "110105002001"

# (parent ref, kind, code, name); a building's ref is "<community code>-b<code>".
WORLD: tuple[tuple[str | None, str, str, str], ...] = (
    (None, "district", DISTRICT, "朝阳区"),
    (DISTRICT, "street", STREET_A, "建外街道"),
    (STREET_A, "community", COMMUNITY_A1, "永安里东社区"),
    (COMMUNITY_A1, "building", "b01", "1号楼"),
    (STREET_A, "community", COMMUNITY_A2, "建国里社区"),
    (COMMUNITY_A2, "building", "b01", "1号楼"),
    (DISTRICT, "street", STREET_B, "朝外街道"),
    (STREET_B, "community", COMMUNITY_B1, "吉祥里社区"),
    (COMMUNITY_B1, "building", "b01", "1号楼"),
)

# Built-in role -> (username, ref of the node where the account holds it).
ACCOUNTS: dict[str, tuple[str, str]] = {
    "district_admin": ("d_admin", DISTRICT),
    "street_admin": ("s_admin", STREET_A),
    "community_admin": ("c_admin", COMMUNITY_A1),
    "program_worker": ("worker", COMMUNITY_A1),
    "building_leader": ("leader", f"{COMMUNITY_A1}-bb01"),
    "inspector": ("inspector", DISTRICT),
}


class JiedaoPluginWarning(UserWarning):
    """An installed plugin could not be loaded (its reason is in the message)."""


def _tenants(module: str) -> Any:
    """``tenants.<module>``, found by name like core finds its components: core's layering
    contract forbids importing ``tenants``, and this harness is the one place that assembles the
    whole platform outside the app factory."""
    return importlib.import_module(f"tenants.{module}")


# --- helpers ---------------------------------------------------------------------------------


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Sign a test client in through the real sign-in form (302 on success)."""
    return client.post("/login", data={"username": username, "password": password})


@contextlib.contextmanager
def stamp_reads_counted(sent: list[str]) -> Iterator[None]:
    """Append the access stamp's SQL to ``sent`` each time it is read meanwhile: the read goes
    on the DBAPI cursor, past the engine events a statement counter listens to."""
    from core import access_cache

    read_stamp = access_cache.read_stamp

    def counted(connection: Any) -> int | None:
        sent.append(access_cache.SELECT_STAMP_SQL)
        return read_stamp(connection)

    access_cache.read_stamp = counted  # type: ignore[assignment]
    try:
        yield
    finally:
        access_cache.read_stamp = read_stamp  # type: ignore[assignment]


def schema_differences(database_url: str, prefix: str) -> list[Any]:
    """Alembic's differences between the models and the database for the tables whose names
    start with ``prefix`` (a plugin's ``<name>_``): ``[]`` when the migrations match the models.
    Call it after ``jiedao_app`` exists (the app imports the plugins' models)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from core.db import Base, make_engine

    def include_object(obj: Any, name: str | None, type_: str, *_args: Any) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return bool(table) and str(table).startswith(prefix)

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "include_object": include_object}
            )
            return list(compare_metadata(context, Base.metadata))
    finally:
        engine.dispose()


def column_overflows(ledgers: Iterable[Any]) -> list[str]:
    """One sentence per key longer than the column that stores it: a choice key of a ledger's
    field, a workflow's state or step name. SQLite stores such a key anyway; PostgreSQL refuses
    the write, so a record saved on a laptop fails on the server. Call it in an app context
    (choices given by a function, such as a module's vocabulary, are read from the database)."""
    import sqlalchemy as sa

    from core.records.fields import choices_of

    def length(column: Any) -> int | None:
        kind = getattr(column, "type", None)
        return kind.length if isinstance(kind, sa.String) else None

    found: list[str] = []

    def check(where: str, keys: Iterable[Any], column: Any) -> None:
        limit = length(column)
        for key in keys:
            if limit is not None and isinstance(key, str) and len(key) > limit:
                found.append(f"{where}: {key!r} has {len(key)} characters, the column {limit}")

    for ledger in ledgers:
        columns = sa.inspect(ledger.model).columns
        for name, field in ledger.schema().fields.items():
            column = columns.get(field.attribute or name)
            if column is not None:
                check(f"{ledger.object_type}.{name}", choices_of(field), column)
        workflow = ledger.workflow
        if workflow is None:
            continue
        events = sa.inspect(workflow.event_model).columns
        for column in (columns.get(workflow.status), events["from_status"], events["to_status"]):
            check(f"{workflow.object_type} state", workflow.states, column)
        check(f"{workflow.object_type} step", workflow.actions, events["action"])
    return found


def catalogue_gaps(package_dir: str | Path, locale: str = "zh_Hans_CN") -> list[str]:
    """Messages marked for translation in a package's code and templates that its catalogue
    ``translations/<locale>/LC_MESSAGES/messages.po`` lacks, leaves empty or marks fuzzy."""
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    package_dir = Path(package_dir)
    po_path = package_dir / "translations" / locale / "LC_MESSAGES" / "messages.po"
    known: set[str] = set()
    if po_path.is_file():
        with po_path.open("rb") as po_file:
            known = {m.id for m in read_po(po_file) if m.id and m.string and not m.fuzzy}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        package_dir, method_map=method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return sorted(found - known)


def translation_clashes(
    app: Flask, package_dir: str | Path | None = None, locales: Iterable[str] | None = None
) -> list[str]:
    """The msgids two of the app's catalogues translate differently — one sentence per clash,
    naming the msgid and both ``.po`` files — since the merged domain shows only one of the two
    translations everywhere. With ``package_dir``, only the clashes of that package's catalogue
    (``<package_dir>/translations``, added last if the app does not load it). ``locales``:
    default every supported locale."""
    from core.config import SUPPORTED_LOCALES
    from core.i18n import catalogue_clashes

    folders = [Path(d).resolve() for d in app.extensions["jiedao.translation_dirs"]]
    own = Path(package_dir).resolve() / "translations" if package_dir is not None else None
    if own is not None and own not in folders:
        folders.append(own)
    clashes = catalogue_clashes(folders, SUPPORTED_LOCALES if locales is None else locales)
    return [
        str(clash)
        for clash in clashes
        if own is None or own in (clash.first.parents[2], clash.second.parents[2])
    ]


def _empty_database(url: str) -> None:
    """Drop everything in a database given by ``JIEDAO_TEST_DATABASE_URL``."""
    import sqlalchemy as sa

    from core.db import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            else:
                existing = sa.MetaData()
                existing.reflect(conn)
                existing.drop_all(conn)
    finally:
        engine.dispose()


def _clear(app: Flask) -> None:
    """Delete every row of every table the app knows that exists in the database."""
    import sqlalchemy as sa

    from core.db import Base, db

    with app.app_context(), db.engine.begin() as conn:
        present = set(sa.inspect(conn).get_table_names())
        tables = [t for t in Base.metadata.sorted_tables if t.name in present]
        # Keys of a cycle (a household's head is a resident, a resident's household a
        # household) are emptied first, so the tables can go in reverse dependency order.
        for table in tables:
            for key in table.foreign_key_constraints:
                if key.use_alter:
                    conn.execute(table.update().values({c.name: None for c in key.columns}))
        for table in reversed(tables):
            conn.execute(table.delete())


@dataclass
class JiedaoWorld:
    """The tree and accounts of ``jiedao_world``. ``node`` and ``user`` return ORM objects of the
    current session: call them inside ``with world.app.app_context():``."""

    app: Flask
    password: str = PASSWORD

    def node(self, ref: str) -> Any:
        import sqlalchemy as sa

        from core.db import db

        node_model = _tenants("models").Node
        return db.session.scalar(sa.select(node_model).where(node_model.ref == ref))

    def user(self, username: str) -> Any:
        import sqlalchemy as sa

        from core.db import db
        from core.models import User

        return db.session.scalar(sa.select(User).where(User.username == username))

    def add_user(
        self, username: str, role: str | None = None, at: str | None = None, home: str | None = None
    ) -> int:
        """Create an account (password :data:`PASSWORD`), with a built-in ``role`` at node ``at``;
        returns its id."""
        from core.accounts import services
        from core.db import db

        with self.app.app_context():
            home_node = self.node(home or at or DISTRICT)
            user = services.create_user(
                db.session,
                username=username,
                display_name=username,
                password=self.password,
                home_node_id=home_node.id,
            )
            if role:
                services.assign_builtin(db.session, user, role, self.node(at or DISTRICT).as_ref())
            db.session.commit()
            return user.id


def build_world(
    app: Flask,
    nodes: Iterable[tuple[str | None, str, str, str]],
    accounts: dict[str, tuple[str, str]],
) -> JiedaoWorld:
    """Empty the database, then create ``nodes`` ((parent ref, kind, code, name), parents first),
    sync the built-in roles and create ``accounts`` (role → (username, node ref))."""
    from core.accounts import services
    from core.db import db

    tree = _tenants("services")
    _clear(app)
    world = JiedaoWorld(app)
    with app.app_context():
        services.sync_builtin_roles(db.session)
        for parent_ref, kind, code, name in nodes:
            parent = world.node(parent_ref) if parent_ref else None
            tree.create_node(db.session, parent=parent, kind=kind, code=code, name=name)
        db.session.commit()
    for role, (username, ref) in accounts.items():
        world.add_user(username, role, ref)
    return world


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def jiedao_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database at the newest schema of core and every installed plugin."""
    from core import migrate

    url = os.environ.get("JIEDAO_TEST_DATABASE_URL", "").strip()
    if url:
        _empty_database(url)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('jiedao-db') / 'jiedao-test.db'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(scope="session")
def jiedao_app_config() -> dict[str, Any]:
    """Extra ``create_app`` settings; override in a conftest to change them."""
    return {}


@pytest.fixture(scope="session")
def jiedao_app(
    jiedao_database_url: str,
    jiedao_app_config: dict[str, Any],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Flask]:
    """The platform app with the installed plugins, on ``jiedao_database_url``."""
    from core.app import create_app

    environ = {
        "JIEDAO_ENV": "testing",
        "JIEDAO_DATABASE_URL": jiedao_database_url,
        "JIEDAO_INSTANCE_PATH": str(tmp_path_factory.mktemp("jiedao-instance")),
    }
    if os.environ.get("JIEDAO_PLUGINS"):  # the same allow-list as the migrations saw
        environ["JIEDAO_PLUGINS"] = os.environ["JIEDAO_PLUGINS"]
    overrides: dict[str, Any] = {
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **jiedao_app_config,
    }
    app = create_app(environ, **overrides)
    for info in app.extensions["jiedao.plugins"].plugins.values():
        if info.status == "broken":
            warnings.warn(
                f"plugin {info.name} is broken: {info.reason}", JiedaoPluginWarning, stacklevel=1
            )
    yield app
    app.extensions["jiedao.engine"].dispose()


@pytest.fixture
def jiedao_world(jiedao_app: Flask) -> Iterator[JiedaoWorld]:
    """An empty database with the small tree, built-in roles and one account per role."""
    from core.db import db

    world = build_world(jiedao_app, WORLD, ACCOUNTS)
    yield world
    with jiedao_app.app_context():
        db.session.remove()


@pytest.fixture
def jiedao_client_for(jiedao_app: Flask, jiedao_world: JiedaoWorld) -> Callable[[str], FlaskClient]:
    """``make(username)`` → a test client signed in as that account."""

    def make(username: str, password: str = PASSWORD) -> FlaskClient:
        client = jiedao_app.test_client()
        response = login(client, username, password)
        assert response.status_code == 302, f"could not sign in as {username}"
        return client

    return make


@pytest.fixture
def jiedao_enable_module(jiedao_app: Flask, jiedao_world: JiedaoWorld) -> Callable[..., list[str]]:
    """``enable(module, ref="110105001001", settings=None)`` → refs of the communities where the
    module (and the modules it needs) was switched on."""
    from core.db import db

    def enable(
        module: str, ref: str = COMMUNITY_A1, settings: dict[str, Any] | None = None
    ) -> list[str]:
        modules = _tenants("modules")
        with jiedao_app.app_context():
            node = jiedao_world.node(ref)
            assert node is not None, f"no node {ref} in the test world"
            result = modules.enable(db.session, node, module, settings)
            db.session.commit()
            return list(result.changed)

    return enable


@pytest.fixture
def jiedao_clock() -> Iterator[Callable[..., Any]]:
    """``set_clock(datetime)`` stops the platform clock (``core.clock``) at that timezone-aware
    instant until the test ends; ``set_clock("2026-03-10T16:30:00+00:00")`` takes ISO text."""
    from datetime import datetime

    from core import clock

    previous = clock.stop(None)  # running until the test stops it; put back afterwards

    def set_clock(at: datetime | str) -> datetime:
        clock.stop(datetime.fromisoformat(at) if isinstance(at, str) else at)
        return clock.now()

    yield set_clock
    clock.stop(previous)
