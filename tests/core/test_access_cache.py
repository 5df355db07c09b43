"""The request path's cache (``core.access_cache``): a signed-in request to a module page sends
only the stamp before its own query, and every change the cached user, grants, place or module
state depend on is seen at the next request — also when another app server (another app on the
same database, with its own cache) made it."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from core import access_cache
from core.access_cache import current_stamp
from core.db import db
from core.models import STAMP_TABLE, Assignment, SignIn, User
from core.stamp_listener import APPLICATION_NAME, NOTIFY_SQL, POLL_SECONDS
from core.testing import stamp_reads_counted
from tests.conftest import login, make_app

A1 = "110105001001"
ROWS = f"/api/v1/c/{A1}/ledger/rows"


@pytest.fixture(scope="module")
def other_server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A second app on the same database: another app server, with a cache of its own."""
    return make_app(database_url, tmp_path_factory.mktemp("other-instance"))


@pytest.fixture
def ledger_on(app, world):
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "ledger")
        db.session.commit()


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_rest) -> None:
        sent.append(" ".join(statement.split()))

    engine = app.extensions["jiedao.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        with stamp_reads_counted(sent):
            yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


def stamp(app: Flask) -> int | None:
    with app.app_context():
        return db.session.scalar(sa.text(f"SELECT value FROM {STAMP_TABLE} WHERE id = 1"))


def test_a_repeated_request_sends_only_the_stamp_before_its_query(app, as_user, ledger_on):
    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200  # loads the user, grants and community
    with statements(app) as sent:
        response = worker.get(ROWS)
    assert response.status_code == 200
    queries = [s for s in sent if s.upper() != "BEGIN"]
    assert queries[0] == f"SELECT value FROM {STAMP_TABLE} WHERE id = 1"
    assert len(queries) == 2 and "FROM ledger_row" in queries[1]


def test_the_cache_is_off_when_configured(app, as_user, ledger_on):
    worker = as_user("worker")
    app.config["ACCESS_CACHE"] = False
    try:
        worker.get(ROWS)
        with statements(app) as sent:
            assert worker.get(ROWS).status_code == 200
    finally:
        app.config["ACCESS_CACHE"] = True
    assert not any(STAMP_TABLE in s for s in sent)
    assert any("FROM core_assignment" in s or "core_role_permission" in s for s in sent)


def test_a_revoked_grant_denies_the_next_request(app, other_server, as_user, world, ledger_on):
    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    with other_server.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.username == "worker"))
        db.session.execute(sa.delete(Assignment).where(Assignment.user_id == uid))
        db.session.commit()
    assert worker.get(ROWS).status_code == 404


def test_a_new_grant_allows_the_next_request(app, other_server, as_user, world, ledger_on):
    from core.accounts import services

    leader = as_user("leader")  # a building leader: no ledger permission at the community
    assert leader.get(ROWS).status_code == 404
    with other_server.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "leader"))
        services.assign_builtin(db.session, user, "program_worker", world.node(A1).as_ref())
        db.session.commit()
    assert leader.get(ROWS).status_code == 200


def test_a_module_switched_off_is_a_404_at_the_next_request(app, other_server, as_user, world):
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "ledger")
        db.session.commit()
    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    with other_server.app_context():
        modules.disable(db.session, world.node(A1), "ledger")
        db.session.commit()
    assert worker.get(ROWS).status_code == 404
    page = worker.get(f"/c/{A1}/ledger/")
    assert page.status_code == 404 and "永安里东社区" in page.get_data(as_text=True)
    with other_server.app_context():
        modules.enable(db.session, world.node(A1), "ledger")
        db.session.commit()
    assert worker.get(ROWS).status_code == 200


def test_a_disabled_user_is_signed_out_at_the_next_request(app, other_server, as_user, ledger_on):
    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    assert worker.get(f"/c/{A1}/ledger/").status_code == 200
    with other_server.app_context():
        db.session.execute(sa.update(User).where(User.username == "worker").values(active=False))
        db.session.commit()
    assert worker.get(ROWS).status_code == 401
    page = worker.get(f"/c/{A1}/ledger/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_a_sign_in_ended_elsewhere_signs_nobody_in(app, other_server, as_user, ledger_on):
    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    with other_server.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.username == "worker"))
        for row in db.session.scalars(sa.select(SignIn).where(SignIn.user_id == uid)):
            row.ended_at = sa.func.now()
        db.session.commit()
    assert worker.get(ROWS).status_code == 401


def test_a_renamed_community_is_named_anew(app, other_server, as_user, world):
    with app.app_context():
        community_id = world.node(A1).id
    worker = as_user("worker")
    assert "永安里东社区" in worker.get(f"/c/{A1}/ledger/").get_data(as_text=True)  # module off
    with other_server.app_context():
        db.session.execute(
            sa.text("UPDATE tenants_node SET name = :name WHERE id = :id").bindparams(
                name="永安里社区", id=community_id
            )
        )
        from core.access_cache import bump

        bump(db.session.connection())  # raw SQL: the writer gives the stamp its new value
        db.session.commit()
    text = worker.get(f"/c/{A1}/ledger/").get_data(as_text=True)
    assert "永安里社区" in text and "永安里东社区" not in text


def test_the_stamp_changes_only_with_writes_that_matter(app, world):
    from tenants import services as tree

    before = stamp(app)
    with app.app_context():
        user = world.user("worker")
        user.last_login_at = sa.func.now()  # signing in: nothing cached depends on it
        db.session.commit()
        tree.create_node(
            db.session, parent=world.node(A1), kind="building", code="b09", name="9号楼"
        )
        db.session.commit()
    assert stamp(app) == before
    with app.app_context():
        world.user("worker").display_name = "社区专干"
        db.session.commit()
    changed = stamp(app)
    assert changed != before
    with app.app_context():
        world.user("worker").display_name = "又改了"
        db.session.rollback()
    assert stamp(app) == changed


def test_nothing_is_kept_from_a_transaction_that_wrote_a_watched_table(app, world, ledger_on):
    """What a request read after its own uncommitted change to grants may still roll back."""
    from core.permissions import current_scope

    with app.test_request_context("/"):
        uid = world.user("worker").id
        db.session.execute(sa.delete(Assignment).where(Assignment.user_id == uid))
        cache = access_cache.cache("scopes")
        before = len(cache)
        access_cache.cache("scopes").put(uid, current_scope())
        assert len(cache) == before
        db.session.rollback()
        assert current_stamp() is not None


def test_without_the_stamp_row_nothing_is_cached(app, other_server, as_user, ledger_on):
    """An emptied stamp table (a restore, a hand-made database) turns the cache off; the next
    watched write puts the row back."""
    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    with app.app_context():
        db.session.execute(sa.text(f"DELETE FROM {STAMP_TABLE}"))
        db.session.commit()
    with statements(app) as sent:
        assert worker.get(ROWS).status_code == 200
    assert any("FROM core_sign_in" in s or "JOIN core_sign_in" in s for s in sent)
    with other_server.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.username == "worker"))
        db.session.execute(sa.delete(Assignment).where(Assignment.user_id == uid))
        db.session.commit()
    assert stamp(app) is not None
    assert worker.get(ROWS).status_code == 404


def test_the_stamp_is_written_after_the_writers_commit_not_inside_it(app, world):
    """A grant written inside a long transaction must not hold the stamp row until it commits:
    every other writer of accounts, grants or the tree would queue behind it (and two such
    transactions could deadlock on PostgreSQL)."""
    before = stamp(app)
    with app.app_context(), statements(app) as sent:
        world.user("worker").display_name = "社区专干"
        db.session.flush()
        in_transaction = list(sent)
        db.session.commit()
    assert any("UPDATE core_user" in s for s in in_transaction)
    assert not any(STAMP_TABLE in s for s in sent)  # not through the writer's connection
    assert stamp(app) != before  # but changed once the change was committed


def test_a_failed_bump_makes_the_process_forget_what_it_keeps(app, as_user, ledger_on):
    """The database went away between a commit and its bump: this process cannot tell the
    others, but it stops trusting its own entries."""

    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    with app.app_context():
        assert all(len(c) for c in (access_cache.cache("users"), access_cache.cache("scopes")))

    class Lost:
        def cursor(self):
            return self

        def execute(self, *_args):
            raise OSError("server closed the connection unexpectedly")

        def rollback(self):
            raise OSError("server closed the connection unexpectedly")

        def close(self):
            pass

    access_cache._bump_now(Lost(), None, notify=False)
    with app.app_context():
        assert not len(access_cache.cache("users")) and not len(access_cache.cache("scopes"))


def test_an_entry_is_loaded_again_after_its_time(app, as_user, ledger_on, monkeypatch):
    """Entries live ``ACCESS_CACHE_SECONDS`` at most, so a bump lost with its database cannot
    leave another server trusting a revoked grant for longer."""
    import time

    worker = as_user("worker")
    assert worker.get(ROWS).status_code == 200
    with statements(app) as sent:
        assert worker.get(ROWS).status_code == 200
    assert not any("core_assignment" in s for s in sent)
    later = time.monotonic() + access_cache._MAX_SECONDS + 1
    monkeypatch.setattr(access_cache.time, "monotonic", lambda: later)
    with statements(app) as sent:
        assert worker.get(ROWS).status_code == 200
    assert any("core_assignment" in s for s in sent)


def test_a_failed_stamp_read_raises_as_any_statement_would(app, world):
    """The stamp is read past SQLAlchemy's execution layer; a failure is sent again through
    it, so it surfaces as SQLAlchemy's error (which the app's handlers know), not the driver's."""
    with app.app_context():
        connection = db.session.connection()
        connection.exec_driver_sql(f"ALTER TABLE {STAMP_TABLE} RENAME TO stamp_gone")
        try:
            with pytest.raises(sa.exc.DBAPIError):
                access_cache.read_stamp(connection)
        finally:
            db.session.rollback()
        assert stamp(app) is not None  # the rename rolled back with the transaction


# --- the stamp learned by LISTEN/NOTIFY (PostgreSQL) -------------------------------------------


@pytest.fixture(scope="module")
def listening(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app server that learns of changes by LISTEN/NOTIFY, as production does."""
    listening_app = make_app(
        database_url, tmp_path_factory.mktemp("listening"), ACCESS_CACHE_LISTEN=True
    )
    yield listening_app
    listener = access_cache._LISTENERS.get(listening_app.extensions["jiedao.engine"])
    if listener is not None:
        listener.stop()


@pytest.fixture
def worker(listening, world, ledger_on):
    """The worker signed in on the listening server, a first page served (which starts the
    listener) and the listener trusted, where there is one."""
    client = listening.test_client()
    assert login(client, "worker").status_code == 302
    assert client.get(ROWS).status_code == 200
    listener = _listener_of(listening)
    if listener is not None:
        assert _until(lambda: listener.value() is not None)
    return client


def _stamp_reads(server: Flask, client) -> int:
    """How often the next page reads the stamp itself."""
    with statements(server) as sent:
        assert client.get(ROWS).status_code == 200
    return sent.count(access_cache.SELECT_STAMP_SQL)


def _listener_of(server: Flask):
    return access_cache._LISTENERS.get(server.extensions["jiedao.engine"])


def _until(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


sqlite_only = pytest.mark.skipif(
    os.environ.get("JIEDAO_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="SQLite's case; PostgreSQL listens (tested below)",
)
postgres_only = pytest.mark.skipif(
    not os.environ.get("JIEDAO_TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="LISTEN/NOTIFY is PostgreSQL's; SQLite reads the stamp per request (tested above)",
)


@sqlite_only
def test_sqlite_reads_the_stamp_per_request_also_when_listening_is_asked(listening, worker):
    assert _listener_of(listening) is None
    assert _stamp_reads(listening, worker) == 1


@postgres_only
def test_a_listening_server_sends_only_the_view_s_query(listening, worker):
    assert worker.get(ROWS).status_code == 200  # loads what the cache keeps, under that stamp
    with statements(listening) as sent:
        assert worker.get(ROWS).status_code == 200
    assert len(sent) == 1 and "FROM ledger_row" in sent[0]


@pytest.fixture
def notified_only(listening, worker, other_server):
    """The listener reading the stamp only when notified (no poll for a minute), and woken
    with a notification of its own afterwards, when its usual poll is back."""
    listener = _listener_of(listening)
    poll, trust = listener.poll_seconds, listener.trust_seconds
    listener.poll_seconds, listener.trust_seconds = 60.0, 180.0
    confirmed = listener._confirmed
    # The read that ends its current (short) wait starts the long one.
    assert _until(lambda: listener._confirmed != confirmed, seconds=POLL_SECONDS * 3)
    yield listener
    listener.poll_seconds, listener.trust_seconds = poll, trust
    with other_server.app_context():
        db.session.execute(sa.text(NOTIFY_SQL))
        db.session.commit()
    assert _until(lambda: listener.value() is not None)


@postgres_only
def test_a_change_on_another_server_reaches_a_listening_one(
    listening, other_server, worker, notified_only
):
    with other_server.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.username == "worker"))
        db.session.execute(sa.delete(Assignment).where(Assignment.user_id == uid))
        db.session.commit()
    # Only the notification can tell it now: the listener does not poll for a minute.
    assert _until(lambda: worker.get(ROWS).status_code == 404)
    assert stamp(listening) == notified_only.value()


@postgres_only
def test_a_listening_server_sees_its_own_change_at_the_next_request(listening, world, worker):
    from tenants import modules

    with listening.app_context():
        modules.disable(db.session, world.node(A1), "ledger")
        db.session.commit()
    assert worker.get(ROWS).status_code == 404  # no waiting: bumped in this process
    with listening.app_context():
        modules.enable(db.session, world.node(A1), "ledger")
        db.session.commit()
    assert worker.get(ROWS).status_code == 200


@postgres_only
def test_a_lost_notification_is_made_up_by_the_listener_s_own_reads(listening, worker):
    """A stamp changed without a notification (sent by hand, or lost with a connection) is
    still learned: the listener reads the stamp every second."""
    with listening.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.username == "worker"))
        db.session.execute(
            sa.text("DELETE FROM core_assignment WHERE user_id = :uid"), {"uid": uid}
        )
        db.session.execute(sa.text(f"UPDATE {STAMP_TABLE} SET value = value + 1 WHERE id = 1"))
        db.session.commit()  # raw SQL: nothing watched it, nothing notified
    new = stamp(listening)
    assert _until(lambda: _listener_of(listening).value() == new, seconds=POLL_SECONDS * 3)
    assert worker.get(ROWS).status_code == 404


@postgres_only
def test_an_unconfirmed_listener_is_not_trusted(listening, worker, monkeypatch):
    """A listener that has not confirmed the stamp lately (its connection hangs, its thread
    fell behind) is not trusted: requests read the stamp themselves."""
    from core import stamp_listener

    later = time.monotonic() + _listener_of(listening).trust_seconds + 1
    monkeypatch.setattr(stamp_listener.time, "monotonic", lambda: later)
    assert _listener_of(listening).value() is None
    assert _stamp_reads(listening, worker) == 1


@postgres_only
def test_the_listener_comes_back_after_its_connection_is_cut(listening, worker):
    listener = _listener_of(listening)
    with listening.app_context():
        cut = db.session.scalar(
            sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": APPLICATION_NAME},
        )
    assert cut >= 1
    assert _until(lambda: listener.value() is None, seconds=2.0)
    assert _until(lambda: listener.value() == stamp(listening), seconds=5.0)
    assert worker.get(ROWS).status_code == 200
