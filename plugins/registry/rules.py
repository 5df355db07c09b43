"""What the rules of every registry writer share (residents, households, units): refusals
gathered before anything is written, what a field will hold once a write is done, fields that
only mean something beside another, a number registered once per community, and the edit of a
record with its history entry."""

from __future__ import annotations

import functools
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.errors import DomainError
from core.records.ledger import empty_value
from core.records.softdelete import LIVE
from core.sdk import per_batch, refuse, writable
from tenants.models import Node


class Refusals:
    """Every rule a write breaks, refused at once (a form shows each beside its field), before
    anything is written."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_any(self) -> None:
        if self.fields:
            raise DomainError(next(iter(self.fields.values()))[0], self.fields)


def will(obj: Any, data: dict[str, Any], key: str) -> Any:
    """What ``key`` holds once ``data`` is written: the value sent, else the stored one."""
    if key in data:
        return data[key]
    return getattr(obj, key) if obj is not None else None


def belongs_with(
    obj: Any,
    data: dict[str, Any],
    refusals: Refusals,
    keys: tuple[str, ...],
    allowed: bool,
    message: Any,
) -> None:
    """Fields that only mean something beside another (流向地 with 户在人不在, 群租 with 出租):
    where it is not so, a value sent is refused and a stored one the change leaves behind is
    cleared (the history keeps it). ``message`` may be lazy: translated only for a refusal."""
    if allowed:
        return
    for key in keys:
        if data.get(key) not in (None, "", False):
            refusals.add(key, str(message))
        elif obj is not None and getattr(obj, key) not in (None, "", False):
            data[key] = False if isinstance(getattr(obj, key), bool) else None


def _unique_in_community(column: Any) -> bool:
    """Whether the database holds ``column`` unique per community among the live rows (a
    partial unique index of the community and the column over the rows not deleted, such as
    ``uq_registry_resident_community_id_number``)."""
    return _unique_index(column.class_.__table__, column.key)


@functools.cache
def _unique_index(table: sa.Table, key: str) -> bool:
    return any(
        index.unique
        and {c.name for c in index.columns} == {"community_id", key}
        and str(index.dialect_options["postgresql"]["where"]) == LIVE
        and str(index.dialect_options["sqlite"]["where"]) == LIVE
        for index in table.indexes
    )


def registered_once(
    session: Session, community: Node, column: Any, value: str, exclude: int | None, message: Any
) -> None:
    """A number (a resident ID, a credit code) is registered once per community among the rows
    not deleted: held by another row than ``exclude``, it is refused (409) with ``message``
    (lazy or not, with ``%(community)s`` and ``%(name)s``) naming the community and that row."""
    model = column.class_

    def refused(other: str) -> None:
        text = str(message) % {"community": community.name, "name": other}
        refuse(column.key, text, conflict=True)

    if exclude is None:
        # In an import's batch, where the database holds the number unique among a community's
        # live rows (a partial unique index): no lookup per batch, the number only noted as
        # taken for the rows after it; a number registered already makes the batch's flush
        # fail, and the batch is written again row by row, each row looked up on its own
        # (:mod:`core.exchange.importing`), so every refusal is as before. A lookup of a whole
        # batch's numbers is planned from statistics that, while an import fills a table made
        # empty, say the table's partial indexes hold nothing: the planner then scans a whole
        # index per batch, and the import slows with every row it writes.
        if _unique_in_community(column):
            taken = per_batch(("registered_once", column.key, community.id), lambda _rows: set())
            if taken is not None:
                if value in taken:
                    refused("")  # the batch is written again row by row, naming the other row
                taken.add(value)
                return
        else:
            # Without such an index: the numbers of all the batch's rows looked up at once.
            def load(rows: list[dict[str, Any]]) -> tuple[set[str], dict[str, str]]:
                asked = {r[column.key] for r in rows if r.get(column.key)}
                stmt = sa.select(column, model.name, model.community_id).where(
                    model.deleted_at.is_(None), column.in_(asked)
                )
                found = {
                    n: name for n, name, where in session.execute(stmt) if where == community.id
                }
                return asked, found

            batch = per_batch(("registered_once", column.key, community.id), load)
            if batch is not None and value in batch[0]:
                other = batch[1].get(value)
                if other is not None:
                    refused(other)
                batch[1][value] = ""  # taken by this row: refused for a later row of the batch
                return
    live = sa.and_(model.community_id == community.id, model.deleted_at.is_(None))
    stmt = sa.select(model.name).where(live, column == value)
    if exclude is not None:
        stmt = stmt.where(model.id != exclude)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        refused(other)


def history(
    session: Session,
    obj: Any,
    action: str,
    changes: dict[str, list[Any]] | None,
    summary: str,
    user: Any = None,
) -> None:
    """One entry in the record's timeline and one in the audit log, through the record's
    ledger, in the caller's transaction (ID and phone numbers masked in both)."""
    from .ledgers import LEDGERS

    ledger = next(ledger for ledger in LEDGERS if isinstance(obj, ledger.model))
    ledger.history(session, obj, action, changes, summary, user)


def record_update(
    session: Session, record: Any, changes: dict[str, list[Any]], user: Any = None
) -> None:
    """An edit of a resident or a household in its history, flushed first so the entry sees
    the row as written: "Changed resident 王明", "Changed household 1号楼2单元301室"."""
    from .models import RegistryHousehold

    session.flush()
    if isinstance(record, RegistryHousehold):
        session.refresh(record, ["node"])  # the address names the building
        summary = _("Changed household %(address)s", address=record.address)
    else:
        summary = _("Changed resident %(name)s", name=record.name)
    history(session, record, "update", changes, summary, user)


def editable(session: Session, record: Any) -> Node:
    """The community of a record about to be changed: refused while the community is
    archived (read-only) or the record is deleted."""
    community = session.get(Node, record.community_id)
    writable(community)
    if record.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    return community


def apply_changes(record: Any, changes: dict[str, list[Any]]) -> None:
    """Set the new value of each changed column (a cleared one to the column's empty value)."""
    for key, (_old, new) in changes.items():
        setattr(record, key, new if new is not None else empty_value(type(record), key))
