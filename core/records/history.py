"""One change history for every ledger of every plugin (``core_record_change``).

Each write to a register entry adds one row: who, when, which action, and the old and new values
of the fields that changed — with S2 values masked and S3 values withheld
(:mod:`core.records.sensitivity`). The same write adds one audit-log entry with the same
protected values, in the caller's transaction. The timeline of one record is one indexed lookup
on ``(object_type, object_id)``; rows are tenant-owned (the record's node), so tree moves and
merges carry them along with the records.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import has_request_context
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit
from core.db import Base, UTCDateTime, utcnow
from core.exchange.importing import defer, insert_later, per_import
from core.records.fields import display, label_of
from core.records.sensitivity import HIDDEN, WITHHELD, protected_both, read_changes
from core.tenancy import TenantOwned
from core.tree import node_ref

ACTIONS: dict[str, Any] = {
    "create": _l("Registered"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "restore": _l("Restored"),
    "renumber": _l("Renumbered"),
}


# Labels of what a step changes beyond a record's own fields: the community a record moved
# from and to (a resident transferred between communities).
PLACE_LABELS: dict[str, Any] = {"community": _l("Community")}


class RecordChange(TenantOwned, Base):
    """One step in a record's history."""

    __tablename__ = "core_record_change"
    __table_args__ = (sa.Index("ix_core_record_change_object", "object_type", "object_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))  # <module>.<record>, registry.resident
    object_id: Mapped[int]
    action: Mapped[str] = mapped_column(sa.String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
    username: Mapped[str] = mapped_column(sa.String(64), default="")
    changes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, decimals as text."""
    if isinstance(value, time) and not (value.second or value.microsecond):
        return value.isoformat(timespec="minutes")  # a time of day as written: 09:30
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def actor(user: Any = None) -> Any:
    """The user a write is attributed to: the one given, else the signed-in one."""
    if user is not None:
        return user
    if has_request_context() and current_user.is_authenticated:
        # The user itself, not the request-local proxy: an import reads its id and name for
        # every row's history and audit entry.
        return current_user._get_current_object()
    return None


def diff(obj: Any, data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, list[Any]]:
    """Old and new values of the ``fields`` in ``data`` that differ from ``obj``'s."""
    return {
        key: [getattr(obj, key), data[key]]
        for key in fields
        if key in data and getattr(obj, key) != data[key]
    }


def record_change(
    session: Session,
    obj: Any,
    *,
    object_type: str,
    action: str,
    changes: dict[str, list[Any]] | None,
    summary: str,
    schema: ma.Schema | None = None,
    user: Any = None,
    audit_action: str | None = None,
) -> RecordChange | None:
    """Add ``obj``'s history entry and its audit entry, values protected by ``schema``'s classes.

    Unchanged pairs are dropped, so the history lists only what changed. While an import writes
    a batch (:mod:`core.exchange.importing`), both entries are added once the batch's rows are
    flushed, and ``None`` is returned; the node of each entry is looked up once per import."""
    who = actor(user)
    values = {}
    for key, (old, new) in (changes or {}).items():
        pair = [plain(old), plain(new)]
        if pair[0] != pair[1]:
            values[key] = pair
    sealed, shown = protected_both(schema, values)

    def write() -> RecordChange | None:
        values = {
            "node_id": obj.node_id,
            "object_type": object_type,
            "object_id": obj.id,
            "action": action,
            "user_id": getattr(who, "id", None),
            "username": getattr(who, "username", "") or "",
            "changes": sealed,
        }
        node_id = obj.node_id
        logged = {
            "action": audit_action or f"{object_type}.{action}",
            "node": per_import(("node_ref", node_id), lambda: node_ref(session, id=node_id)),
            "object_type": type(obj).__tablename__,
            "object_id": obj.id,
            "summary": summary,
            "details": shown,
            "user": who,
        }
        # In an import's batch the record is flushed, its tenant keys filled: both entries go
        # in with the batch's others, one INSERT per table.
        keys = {k: getattr(obj, k, None) for k in ("district_id", "street_id", "community_id")}
        now = {"at": utcnow()}
        if insert_later(RecordChange.__table__, values | keys | now):
            insert_later(audit.AuditLog.__table__, audit.entry_values(**logged) | now)
            return None
        entry = RecordChange(**values)
        session.add(entry)
        audit.record(**logged)
        return entry

    return None if defer(write) else write()


def once_written(session: Session, write: Callable[[], Any]) -> None:
    """Run ``write`` (a new record's history) once the record is flushed and has its id: at
    once after a flush — or, while an import writes a batch of rows, after the batch's one
    flush, so a batch of new records costs one INSERT and not one per record."""
    if not defer(write):
        session.flush()
        write()


def timeline(session: Session, object_type: str, object_id: int) -> list[RecordChange]:
    """A record's history, newest first."""
    stmt = (
        sa.select(RecordChange)
        .where(RecordChange.object_type == object_type, RecordChange.object_id == object_id)
        .order_by(RecordChange.id.desc())
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ShownChange:
    field: str
    label: str
    old: str
    new: str


def shown_changes(
    schema: ma.Schema | None, change: RecordChange, unmasked: bool = False
) -> list[ShownChange]:
    """A history entry as people read it: field labels, choice labels, no keys, only what
    changed; sealed S3 values opened only when ``unmasked``."""
    fields = schema.fields if schema is not None else {}
    shown = []
    stored = change.changes or {}
    for key, (old, new) in read_changes(stored, unmasked, schema).items():
        if stored[key][0] == stored[key][1]:
            continue  # compared as stored: two withheld values may still differ
        field = fields.get(key)

        def text(value: Any, field: Any = field) -> str:
            if value == WITHHELD:
                return str(HIDDEN)
            return display(field, value)

        label = label_of(field, key) if field is not None else str(PLACE_LABELS.get(key, key))
        shown.append(ShownChange(key, label, text(old), text(new)))
    return shown


def action_label(action: str, extra: dict[str, Any] | None = None) -> str:
    labels = {**ACTIONS, **(extra or {})}
    return str(labels.get(action, action))
