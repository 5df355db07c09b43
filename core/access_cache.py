"""What every request needs before its view runs — the signed-in user, their grants, the place in
the URL and whether the module is on there — kept per process and checked with one read.

Loading these costs three or four statements per request (issue 16: a plugin list took 2.5× a
bare Flask view running the same query). Instead each process keeps what it loaded, stamped with
the value of one row, ``core_access_stamp``, and every request reads that row once: if the stamp
is the one an entry was loaded under, the entry stands; otherwise it is loaded again.

The stamp changes, in the same transaction, whenever a table these entries come from is
written: accounts and their sign-ins, roles, role permissions, assignments, tree nodes and module
switches. An engine listener watches every INSERT, UPDATE and DELETE that SQLAlchemy sends (the
ORM's flushes and bulk statements alike) and sets the stamp to a new random value before the
first such write of a transaction; so a change is seen by every app server at its next request,
with nothing but the database shared (no Redis needed, SQLite single-process works the same).
Writes that change nothing cached leave the stamp alone: a new sign-in, a new node (and the
path it gets once its id is known), an account's ``last_login_at``. Raw SQL strings are not
inspected: code writing these tables so must call :func:`bump` itself.

An entry is only stored from a transaction that has not written a watched table (what it read
may still roll back), and only under the stamp read at the start of the request — data read
after it is at least that new. A missing stamp row (an emptied database) disables the cache.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import make_transient_to_detached

from core.db import db
from core.models import STAMP_TABLE, stamp_table

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
_BUMPED = "jiedao_access_bumped"
_NEW_ROWS = "jiedao_access_new_rows"
_MAX_ENTRIES = 10_000
# Sent as it is: the statement every request runs skips the ORM and the compile cache.
_SELECT_SQL = f"SELECT value FROM {STAMP_TABLE} WHERE id = 1"


def _new_value() -> int:
    return secrets.randbits(62)


def bump(conn: Connection) -> None:
    """Give the stamp a new value in ``conn``'s transaction (once per transaction)."""
    if conn.info.get(_BUMPED):
        return
    conn.info[_BUMPED] = True
    value = _new_value()
    done = conn.execute(stamp_table.update().where(stamp_table.c.id == 1).values(value=value))
    if done.rowcount == 0:
        conn.execute(stamp_table.insert().values(id=1, value=value))


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


def _forget_bump(conn: Connection, *_args: Any) -> None:
    conn.info.pop(_BUMPED, None)
    conn.info.pop(_NEW_ROWS, None)


def install(engine: Engine) -> None:
    """Watch ``engine``'s writes (see the module's docstring)."""
    event.listen(engine, "before_execute", _before_execute)
    event.listen(engine, "after_execute", _after_execute)
    for name in ("commit", "rollback", "rollback_savepoint"):
        event.listen(engine, name, _forget_bump)


# --- the per-request read and the per-process entries ------------------------------------------


def current_stamp() -> int | None:
    """The stamp as this request's transaction first read it (None: no stamp row, no cache)."""
    if not has_request_context():
        return None
    session = db.session()
    read = g.get("_jiedao_stamp")
    if read is None or read[0] is not session.get_transaction():
        # First read, or the request committed or rolled back since: read the stamp again.
        value = session.connection().exec_driver_sql(_SELECT_SQL).scalar()
        read = g._jiedao_stamp = (session.get_transaction(), value)
    return read[1]


def may_store() -> bool:
    """Whether entries read now may be kept: the transaction has written no watched table."""
    session = db.session()
    if session.new or session.deleted or session.dirty:
        return False
    if not session.in_transaction():
        return True
    return not session.connection().info.get(_BUMPED)


class AccessCache:
    """Entries by key, each kept with the stamp it was loaded under; the oldest go first when
    there are too many. Values are shared by requests and threads: treat them as read-only."""

    def __init__(self, max_entries: int = _MAX_ENTRIES) -> None:
        self._entries: OrderedDict[Any, tuple[int, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries

    def get(self, key: Any) -> Any | None:
        stamp = current_stamp()
        found = self._entries.get(key)
        if stamp is None or found is None or found[0] != stamp:
            return None
        return found[1]

    def put(self, key: Any, value: Any) -> None:
        stamp = current_stamp()
        if stamp is None or not may_store():
            return
        with self._lock:
            self._entries[key] = (stamp, value)
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


def cache(name: str) -> AccessCache:
    """The app's cache called ``name`` (users, scopes, places), made on first use."""
    caches = current_app.extensions.setdefault("jiedao.access_cache", {})
    found = caches.get(name)
    if found is None:
        size = current_app.config.get("ACCESS_CACHE_SIZE", _MAX_ENTRIES)
        found = caches.setdefault(name, AccessCache(size))
    return found


def enabled() -> bool:
    """``ACCESS_CACHE=False`` loads everything per request (the benchmark's "before")."""
    return bool(current_app.config.get("ACCESS_CACHE", True))
