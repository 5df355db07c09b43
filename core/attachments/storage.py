"""Files of attachments on disk, moved into place only when their transaction commits.

An upload is written to a temporary name (``.<uuid>.part``) beside its final place. The move to
``<uuid>.<ext>`` waits for the commit of the session's outermost transaction (``after_commit``);
a rollback of that transaction, or of a savepoint the file was added in (``after_soft_rollback``),
deletes the temporary file, and so does a session closed without committing
(``after_transaction_end`` of the outermost transaction). So a failed transaction leaves no file
behind, and a committed row always has its file (written and synced before the commit).
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, scoped_session

log = logging.getLogger(__name__)

PENDING = "jiedao.attachments.pending"
MODULE_NAME = re.compile(r"[a-z][a-z0-9_]*")
CHUNK = 64 * 1024


class TooLargeFile(Exception):
    """The stream held more bytes than allowed (the temporary file is already removed)."""


def folder(module: str) -> Path:
    """``<instance>/uploads/<module>``: where a module's files live."""
    if not MODULE_NAME.fullmatch(module):
        raise ValueError(f"not a module name: {module!r}")
    return Path(current_app.instance_path) / "uploads" / module


def stored_path(module: str, stored_as: str) -> Path | None:
    """The file of a stored name, or None if the name could leave the module's folder."""
    if not stored_as or "/" in stored_as or "\\" in stored_as or stored_as.startswith("."):
        return None
    return folder(module) / stored_as


def write_temporary(module: str, stream: IO[bytes], limit: int) -> tuple[Path, int]:
    """Copy ``stream`` to a new temporary file of the module (synced to disk); its path and size.
    Raises :class:`TooLargeFile` past ``limit`` bytes."""
    target = folder(module)
    target.mkdir(parents=True, exist_ok=True)
    temporary = target / f".{uuid.uuid4().hex}.part"
    size = 0
    try:
        with temporary.open("xb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLargeFile()
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        discard(temporary)
        raise
    return temporary, size


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)


@dataclass
class _Pending:
    transaction: SessionTransaction
    temporary: Path
    final: Path


def publish_on_commit(
    session: Session | scoped_session[Session], temporary: Path, final: Path
) -> None:
    """Move ``temporary`` to ``final`` when the session's transaction commits; delete it if the
    transaction (or the savepoint it was added in) is rolled back or closed."""
    if isinstance(session, scoped_session):
        session = session()  # the session itself: the registry proxies no transaction methods
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:  # no transaction to wait for: nothing would ever move it
        discard(temporary)
        raise RuntimeError("publish_on_commit needs an open transaction (flush first)")
    session.info.setdefault(PENDING, []).append(_Pending(transaction, temporary, final))


def _inside(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_commit")
def _publish(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: its files wait for the outermost commit
    for pending in session.info.pop(PENDING, []):
        try:
            os.replace(pending.temporary, pending.final)
        except OSError:  # the row is committed; say loudly that its file could not be placed
            log.exception("could not move %s to %s", pending.temporary, pending.final)


@event.listens_for(Session, "after_soft_rollback")
def _discard_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    kept = []
    for pending in session.info.get(PENDING, []):
        if _inside(pending.transaction, previous_transaction):
            discard(pending.temporary)
        else:
            kept.append(pending)
    if kept:
        session.info[PENDING] = kept
    else:
        session.info.pop(PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _discard_unfinished(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without publishing them
        for pending in session.info.pop(PENDING, []):
            discard(pending.temporary)
