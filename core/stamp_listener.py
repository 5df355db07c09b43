"""The access stamp learned by PostgreSQL's LISTEN/NOTIFY instead of read by every request.

Reading ``core_access_stamp`` is one round trip per request (≈ 0.13 ms on a local PostgreSQL,
a tenth of a plugin page). On PostgreSQL each process can instead keep one connection of its
own listening on :data:`CHANNEL`: every bump sends a notification with its commit, the
listener reads the stamp again when one arrives, and requests take the value it read. The
value is only trusted while the listener is known to be alive — it reads the stamp every
:data:`POLL_SECONDS` also without a notification, and a value not confirmed for
:data:`TRUST_SECONDS` is not used — so a lost connection, a network that stopped answering or a
listener that fell behind makes requests read the stamp themselves again, never keep an old one.

What this costs in freshness: another process sees a change once its listener has received the
notification and read the stamp (on one machine a millisecond or a few, the thread waiting for
the interpreter's lock included), not at its very next statement. The process that made the
change sees it at once (:meth:`StampListener.bumped`, called after the bump has committed).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from typing import Any

from sqlalchemy.engine import Engine

from core.models import STAMP_TABLE

CHANNEL = "jiedao_access_stamp"
APPLICATION_NAME = "jiedao-stamp-listener"  # how its connection shows in pg_stat_activity
NOTIFY_SQL = f"NOTIFY {CHANNEL}"
POLL_SECONDS = 1.0
TRUST_SECONDS = 3.0
_RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)
SELECT_STAMP_SQL = f"SELECT value FROM {STAMP_TABLE} WHERE id = 1"

log = logging.getLogger(__name__)


class StampListener:
    """One engine's listener in this process: a daemon thread holding a connection of its own
    (taken from the engine, so it gets the engine's connect settings, then detached from its
    pool). Started by the first request that asks (:meth:`value`), again after a fork."""

    def __init__(self, engine: Engine) -> None:
        self._engine = weakref.ref(engine)  # an app's engine is not kept alive by this
        self._lock = threading.Lock()
        self._value: int | None = None
        self._confirmed = 0.0  # time.monotonic() of the last read that stood
        self._events = 0  # local bumps, to discard a read that may be older than one
        self._pid = -1
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._connection: Any = None
        self.poll_seconds = POLL_SECONDS
        self.trust_seconds = TRUST_SECONDS

    def value(self) -> int | None:
        """The stamp as last confirmed, or None: not (yet, or no longer) to be trusted."""
        if self._pid != os.getpid():
            self._start()
            return None
        if time.monotonic() - self._confirmed > self.trust_seconds:
            return None
        return self._value

    def bumped(self, value: int) -> None:
        """This process has just committed ``value`` as the new stamp."""
        with self._lock:
            self._events += 1
            self._value = value

    def stop(self) -> None:
        """End the thread and close its connection (tests; a process exits without it)."""
        self._stopped.set()
        self._confirmed = 0.0
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                connection.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            # A forked child inherits the parent's state but not its thread or its socket.
            self._pid = os.getpid()
            self._confirmed = 0.0
            self._connection = None
            self._stopped = threading.Event()
            self._thread = threading.Thread(
                target=self._run, name="jiedao-stamp-listener", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        failures = 0
        while not self._stopped.is_set():
            try:
                self._listen()
                failures = 0
            except Exception as exc:  # any failure: untrusted until it reads again
                self._confirmed = 0.0
                if self._stopped.is_set():
                    return
                log.warning("access stamp listener lost its connection: %s", exc)
                self._stopped.wait(_RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)])
                failures += 1
            finally:
                connection, self._connection = self._connection, None
                if connection is not None:
                    with contextlib.suppress(Exception):
                        connection.close()

    def _listen(self) -> None:
        engine = self._engine()
        if engine is None:
            self._stopped.set()
            return
        proxied = engine.raw_connection()
        proxied.detach()  # kept by this thread, not by the pool
        connection = self._connection = proxied.dbapi_connection
        connection.rollback()
        connection.autocommit = True
        connection.execute(f"SET application_name = '{APPLICATION_NAME}'")
        connection.execute(f"LISTEN {CHANNEL}")
        while not self._stopped.is_set():
            before = self._events
            value = connection.execute(SELECT_STAMP_SQL).fetchone()
            with self._lock:
                if self._events != before:
                    continue  # this process bumped while reading: read once more
                self._value = None if value is None else value[0]
                self._confirmed = time.monotonic() if value is not None else 0.0
            # Notifications that came during the read are returned at once (psycopg keeps them).
            for _notification in connection.notifies(timeout=self.poll_seconds, stop_after=1):
                pass
