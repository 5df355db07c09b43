"""What every request needs before its view runs — the signed-in user, their grants, the place in
the URL and whether the module is on there — kept per process and checked with one read.

Loading these costs three or four statements per request (issue 16: a plugin list took 2.5× a
bare Flask view running the same query). Instead each process keeps what it loaded, stamped with
the value of one row, ``core_access_stamp``, and every request reads that row once: if the stamp
is the one an entry was loaded under, the entry stands; otherwise it is loaded again.

The stamp changes whenever a table these entries come from is written: accounts and their
sign-ins, roles, role permissions, assignments, tree nodes and module switches. An engine
listener watches every INSERT, UPDATE and DELETE that SQLAlchemy sends (the ORM's flushes and
bulk statements alike) and marks the connection; once that transaction has committed, and the
connection goes back to the pool, the stamp gets a new random value in a statement of its own.
So a change is seen by every app server at its next request, with nothing but the database
shared (no Redis needed; SQLite single-process works the same). On PostgreSQL the bump also
sends a notification, and each process's listener (``core.stamp_listener``) keeps the stamp
current, so requests skip that read while the listener is trusted (``ACCESS_CACHE_LISTEN``).

Bumping after the commit, not inside the writer's transaction, is what makes this safe and
cheap: the stamp row is never locked for the length of a writer's transaction (writers of
grants would otherwise queue behind each other, and could deadlock against a transaction that
locked a row they need before taking the stamp); and an entry loaded before the change
committed was stored under the old value, which the bump retires. A request that reads the new
value started after the commit, so everything it reads is at least that new. Should the bump
itself fail (the database went away between the commit and the bump), this process forgets
its entries, and every entry anywhere is loaded again after ``ACCESS_CACHE_SECONDS`` at most.

Writes that change nothing cached leave the stamp alone: a new sign-in, a new node (and the
path it gets once its id is known), an account's ``last_login_at``. Raw SQL strings are not
inspected: code writing these tables so must call :func:`bump` itself.

An entry is only stored from a transaction that has not written a watched table (what it read
may still roll back), and only under the stamp read at the start of the request. A missing
stamp row (an emptied database) disables the cache.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import make_transient_to_detached

from core.db import db
from core.models import STAMP_TABLE
from core.stamp_listener import NOTIFY_SQL, SELECT_STAMP_SQL, StampListener

# Tables whose writes change what is cached, and which kinds of write do.
WATCHED: dict[str, frozenset[str]] = {
    "core_user": frozenset({"update", "delete"}),
    "core_sign_in": frozenset({"update", "delete"}),
    "core_role": frozenset({"update", "delete"}),
    "core_role_permission": frozenset({"insert", "update", "delete"}),
    "core_assignment": frozenset({"insert", "update", "delete"}),
    "tenants_node": frozenset({"update", "delete"}),
    "tenants_module": frozenset({"insert", "update", "delete"}),
}
# Account columns no cached entry depends on: an update setting only these keeps the stamp.
UNCACHED_USER_COLUMNS = frozenset({"last_login_at", "updated_at"})
_CHANGED = "jiedao_access_changed"
_DUE = "jiedao_access_bump_due"
_NEW_ROWS = "jiedao_access_new_rows"
_MAX_ENTRIES = 10_000
_MAX_SECONDS = 60.0
# Every cache of this process, to forget them all when a bump fails.
_CACHES: weakref.WeakSet[AccessCache] = weakref.WeakSet()
# Each PostgreSQL engine's listener (``core.stamp_listener``), started by its first request.
_LISTENERS: weakref.WeakKeyDictionary[Engine, StampListener] = weakref.WeakKeyDictionary()


def _new_value() -> int:
    return secrets.randbits(62)


def bump(conn: Connection) -> None:
    """Have the stamp change once ``conn``'s transaction has committed."""
    conn.info[_CHANGED] = True


def _bump_now(dbapi_connection: Any, listener: StampListener | None, notify: bool) -> None:
    """Give the stamp a new value, in a transaction of its own on a connection that has just
    finished its own (see the module's docstring); on PostgreSQL the commit notifies every
    process's listener. The value is an integer made here, so it is written into the
    statement: no paramstyle to choose per driver."""
    cursor = dbapi_connection.cursor()
    try:
        value = _new_value()
        cursor.execute(f"UPDATE {STAMP_TABLE} SET value = {value} WHERE id = 1")
        if cursor.rowcount == 0:  # an emptied table: the row comes back, and the cache with it
            cursor.execute(f"INSERT INTO {STAMP_TABLE} (id, value) VALUES (1, {value})")
        if notify:
            cursor.execute(NOTIFY_SQL)
        dbapi_connection.commit()
        if listener is not None:
            listener.bumped(value)
    except Exception:
        _forget_everything()
        with contextlib.suppress(Exception):
            dbapi_connection.rollback()
    finally:
        with contextlib.suppress(Exception):
            cursor.close()


def _write_kind(statement: Any) -> tuple[str, str] | None:
    """(table name, "insert"/"update"/"delete") of a Core or ORM DML statement."""
    if isinstance(statement, sa.Insert):
        kind = "insert"
    elif isinstance(statement, sa.Update):
        kind = "update"
    elif isinstance(statement, sa.Delete):
        kind = "delete"
    else:
        return None
    table = getattr(statement, "table", None)
    name = getattr(table, "name", None)
    return (name, kind) if name else None


def _changes_cached(statement: Any, kind: str, name: str, params: Any) -> bool:
    if name != "core_user" or kind != "update":
        return True
    columns = {c.key if hasattr(c, "key") else str(c) for c in (statement._values or {})}
    for row in params if isinstance(params, list | tuple) else [params]:
        columns.update((row or {}).keys())
    columns.discard("core_user_id")  # the ORM's primary-key parameter
    return not columns <= UNCACHED_USER_COLUMNS


def _only_new_rows(conn: Connection, name: str, params: Any) -> bool:
    """An ORM flush's UPDATE or DELETE of rows this transaction inserted (a new node gets its
    path once its id is known): nothing another transaction could have cached."""
    new = conn.info.get(_NEW_ROWS, {}).get(name)
    if not new:
        return False
    rows = params if isinstance(params, list | tuple) else [params]
    key = f"{name}_id"
    return bool(rows) and all(isinstance(r, dict) and r.get(key) in new for r in rows)


def _before_execute(
    conn: Connection, clauseelement: Any, multiparams: Any, params: Any, _options: Any
) -> None:
    found = _write_kind(clauseelement)
    if found is None or found[0] == STAMP_TABLE:
        return
    name, kind = found
    if kind not in WATCHED.get(name, ()):
        return
    rows = multiparams or params
    if _changes_cached(clauseelement, kind, name, rows) and not _only_new_rows(conn, name, rows):
        bump(conn)


def _after_execute(
    conn: Connection,
    clauseelement: Any,
    _multiparams: Any,
    _params: Any,
    _options: Any,
    result: Any,
) -> None:
    """Remember the ids of rows inserted into watched tables (see :func:`_only_new_rows`)."""
    if not isinstance(clauseelement, sa.Insert):
        return
    name = getattr(getattr(clauseelement, "table", None), "name", None)
    if name not in WATCHED:
        return
    try:
        ids = [row[0] for row in result.inserted_primary_key_rows if row and row[0] is not None]
    except (sa.exc.InvalidRequestError, AttributeError, TypeError):
        return
    conn.info.setdefault(_NEW_ROWS, {}).setdefault(name, set()).update(ids)


def _info(conn: Connection) -> dict[str, Any] | None:
    """``conn.info``, or None for a connection that was lost: asking an invalidated connection
    for it would try to reconnect in the middle of its rollback, and fail the request."""
    if conn.invalidated or conn.closed:
        return None
    try:
        return conn.info
    except sa.exc.SQLAlchemyError:
        return None


def _committed(conn: Connection) -> None:
    """The transaction is about to commit: a change it made is due a bump once it is done."""
    info = _info(conn)
    if info is None:
        return
    if info.pop(_CHANGED, None):
        info[_DUE] = True
    info.pop(_NEW_ROWS, None)


def _rolled_back(conn: Connection, *_args: Any) -> None:
    info = _info(conn)
    if info is not None:
        info.pop(_CHANGED, None)
        info.pop(_NEW_ROWS, None)


def install(engine: Engine) -> None:
    """Watch ``engine``'s writes (see the module's docstring)."""
    notify = engine.dialect.name == "postgresql"
    listener = _LISTENERS[engine] = StampListener(engine) if notify else None

    def checked_in(dbapi_connection: Any, record: Any) -> None:
        """The connection is back in the pool, its transaction over: bump if it is due."""
        if dbapi_connection is not None and record.info.pop(_DUE, None):
            _bump_now(dbapi_connection, listener, notify)

    def before_begin(conn: Connection) -> None:
        """A connection kept out of the pool across transactions bumps before its next one."""
        info = _info(conn)
        if info is not None and info.pop(_DUE, None):
            _bump_now(conn.connection.dbapi_connection, listener, notify)

    event.listen(engine, "before_execute", _before_execute)
    event.listen(engine, "after_execute", _after_execute)
    event.listen(engine, "commit", _committed)
    event.listen(engine, "rollback", _rolled_back)
    event.listen(engine, "begin", before_begin, insert=True)
    event.listen(engine.pool, "checkin", checked_in)


# --- the per-request read and the per-process entries ------------------------------------------


def current_stamp() -> int | None:
    """The stamp as this request knew it when its transaction began (None: no stamp row, no
    cache): from the listener where one is trusted, else read on that transaction."""
    if not has_request_context():
        return None
    session = db.session()
    read = g.get("_jiedao_stamp")
    if read is not None and read[0] is session.get_transaction():
        return read[1]
    # First use, or the request committed or rolled back since: learn the stamp again, with a
    # transaction begun first, so that everything it reads is at least as new as the stamp.
    connection = session.connection()
    listener = _listener()
    value = listener.value() if listener is not None else None
    if value is None:
        value = read_stamp(connection)
    g._jiedao_stamp = (session.get_transaction(), value)
    return value


def read_stamp(connection: Connection) -> int | None:
    """The stamp, read on ``connection``'s transaction through its DBAPI cursor: the statement
    every request sends skips SQLAlchemy's execution layer (events, contexts, results), ≈ 40 µs
    of a page on SQLite. Should it fail, it is sent again through SQLAlchemy, which raises the
    error as it would for any statement (and drops a lost connection)."""
    try:
        cursor = connection.connection.cursor()
        try:
            cursor.execute(SELECT_STAMP_SQL)
            row = cursor.fetchone()
        finally:
            cursor.close()
    except connection.dialect.loaded_dbapi.Error:
        return connection.exec_driver_sql(SELECT_STAMP_SQL).scalar()
    return None if row is None else row[0]


def _listener() -> StampListener | None:
    """The app's listener, where ``ACCESS_CACHE_LISTEN`` is on and the database notifies."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("ACCESS_CACHE_LISTEN"):
        return None
    return _LISTENERS.get(app.extensions["jiedao.engine"])


def may_store() -> bool:
    """Whether entries read now may be kept: the transaction has written no watched table."""
    session = db.session()
    if session.new or session.deleted or session.dirty:
        return False
    if not session.in_transaction():
        return True
    return not session.connection().info.get(_CHANGED)


def _forget_everything() -> None:
    for found in list(_CACHES):
        found.clear()


class AccessCache:
    """Entries by key, each kept with the stamp it was loaded under and for ``max_seconds`` at
    most; the oldest go first when there are too many. Values are shared by requests and
    threads: treat them as read-only."""

    def __init__(self, max_entries: int = _MAX_ENTRIES, max_seconds: float = _MAX_SECONDS) -> None:
        self._entries: OrderedDict[Any, tuple[int, float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.max_seconds = max_seconds
        _CACHES.add(self)

    def get(self, key: Any) -> Any | None:
        stamp = current_stamp()
        found = self._entries.get(key)
        if stamp is None or found is None or found[0] != stamp:
            return None
        if time.monotonic() - found[1] > self.max_seconds:
            return None
        return found[2]

    def put(self, key: Any, value: Any) -> None:
        stamp = current_stamp()
        if stamp is None or not may_store():
            return
        with self._lock:
            self._entries[key] = (stamp, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def detached_copy(obj: Any) -> Any:
    """A detached copy of a loaded ORM row's columns, for a cache: each request attaches it to
    its own session with ``session.merge(copy, load=False)`` (no query), so views get a row
    they may change and relate to like a loaded one."""
    mapper = sa.inspect(type(obj))
    copy = mapper.class_(**{attr.key: getattr(obj, attr.key) for attr in mapper.column_attrs})
    make_transient_to_detached(copy)
    return copy


def attach(copy: Any) -> Any:
    """``copy`` (from :func:`detached_copy`) as a row of this request's session."""
    return db.session.merge(copy, load=False)


def kept(name: str) -> AccessCache | None:
    """The app's cache called ``name`` (users, scopes, places), or None where
    ``ACCESS_CACHE=False`` loads everything per request (the benchmark's "before")."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("ACCESS_CACHE", True):
        return None
    return _cache_of(app, name)


def cache(name: str) -> AccessCache:
    """The app's cache called ``name``, made on first use, whether or not it is used."""
    return _cache_of(current_app._get_current_object(), name)  # type: ignore[attr-defined]


def _cache_of(app: Flask, name: str) -> AccessCache:
    caches = app.extensions.setdefault("jiedao.access_cache", {})
    found = caches.get(name)
    if found is None:
        size = app.config.get("ACCESS_CACHE_SIZE", _MAX_ENTRIES)
        seconds = app.config.get("ACCESS_CACHE_SECONDS", _MAX_SECONDS)
        found = caches.setdefault(name, AccessCache(size, seconds))
    return found
