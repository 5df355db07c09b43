"""Database: the declarative base, the engine and one session per request (or per CLI command)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, current_app
from flask.globals import app_ctx
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    scoped_session,
    sessionmaker,
)

from core import clock

_Mapped = TypeVar("_Mapped")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use core.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """Now, in UTC, from the platform clock (tests can fix it: ``core.clock.fixed``)."""
    return clock.now()


def PathString(length: int = 255) -> sa.types.TypeEngine:
    """A string compared byte-wise: materialized paths need ``'/'`` to sort before digits.

    PostgreSQL's default collation may ignore punctuation, which would break the range predicate
    used for subtrees; SQLite compares bytes already.
    """
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    """Deleted ledger rows stay, with who and when, until someone with the right restores them."""

    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # transactions begin in _sqlite_begin
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout on every connection;
    every engine keeps the access stamp of :mod:`core.access_cache` current."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False})
    else:
        kwargs.setdefault("pool_pre_ping", True)
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _explained, retval=True)
    event.listen(engine, "before_execute", _mark_write)
    for name in ("commit", "rollback"):
        event.listen(engine, name, _forget_writes)
    from core import access_cache  # imports this module: bound at call time

    access_cache.install(engine)  # writes to accounts, grants, tree, modules change its stamp
    return engine


_MODULE_CLASSES: dict[tuple[type, str], type] = {}


def module_subclass(base: type[_Mapped], module: str) -> type[_Mapped]:
    """The mapped subclass of ``base`` whose rows are the module's: for a table several modules
    share, polymorphic on its ``module`` column (visits, campaigns). Made once per module."""
    key = (base, module)
    if key not in _MODULE_CLASSES:
        _MODULE_CLASSES[key] = type(
            f"{module.title().replace('_', '')}{base.__name__}",
            (base,),
            {"__mapper_args__": {"polymorphic_identity": module}, "__module__": base.__module__},
        )
    return _MODULE_CLASSES[key]


_WROTE = "jiedao_wrote"


def _mark_write(conn: Any, clauseelement: Any, *_args: Any) -> None:
    if isinstance(clauseelement, sa.Insert | sa.Update | sa.Delete):
        conn.info[_WROTE] = True


def _forget_writes(conn: Any) -> None:
    if not (conn.invalidated or conn.closed):
        conn.info.pop(_WROTE, None)


def has_written(session: Session | scoped_session[Session]) -> bool:
    """Whether ``session``'s transaction holds changes: pending objects, or statements already
    sent (a flush, a bulk write). Raw SQL strings are not seen."""
    if isinstance(session, scoped_session):
        session = session()
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    return bool(session.connection().info.get(_WROTE))


EXPLAIN = "jiedao_explain"


def _explained(
    conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
) -> tuple[str, Any]:
    """A statement run with ``execution_options(jiedao_explain=True)`` is sent as its plan
    (``EXPLAIN (FORMAT JSON)``): the ORM has applied its criteria (soft delete) by then, so the
    planner estimates what the statement itself would read."""
    if context is not None and context.execution_options.get(EXPLAIN):
        statement = "EXPLAIN (FORMAT JSON) " + statement
    return statement, parameters


def _sqlite_begin(conn: Any) -> None:
    """Begin SQLite transactions ourselves: pysqlite begins one only before a write, so a
    SAVEPOINT issued first (``session.begin_nested()``, as all-or-nothing imports do) would run
    outside any transaction and its RELEASE would commit. The recipe of SQLAlchemy's SQLite
    dialect documentation ("Serializable isolation / Savepoints / Transactional DDL")."""
    conn.exec_driver_sql("BEGIN")


class _AppBoundSession(Session):
    """A session that talks to the engine of the current app (apps may use different databases)."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        if self.bind is not None:
            return self.bind
        return current_app.extensions["jiedao.engine"]


def _app_context_id() -> int:
    """One session per app context (request or CLI command), like Flask-SQLAlchemy does."""
    try:
        return id(app_ctx._get_current_object())
    except RuntimeError:
        return threading.get_ident()


class Database:
    """Gives each app its engine and each app context one session, removed at its end."""

    def __init__(self) -> None:
        self.session = scoped_session(
            sessionmaker(class_=_AppBoundSession, expire_on_commit=False), scopefunc=_app_context_id
        )

    @property
    def engine(self) -> Engine:
        return current_app.extensions["jiedao.engine"]

    def init_app(self, app: Flask) -> None:
        app.extensions["jiedao.engine"] = make_engine(app.config["DATABASE_URL"])
        app.extensions["jiedao.db"] = self

        @app.teardown_appcontext
        def _remove_session(_exc: BaseException | None) -> None:
            try:
                self.session.remove()
            except sa.exc.DBAPIError as exc:
                # The database went away under the request (a restart): the answer is made, and
                # a rollback on the dead connection must not turn it into a 500. The session's
                # connection is dropped without a rollback, and the session goes with it.
                current_app.logger.warning("session closed on a lost connection: %s", exc.orig)
                try:
                    self.session.registry().invalidate()
                finally:
                    self.session.registry.clear()


db = Database()
