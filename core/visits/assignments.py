"""包片/包保: which staff user answers for which place or subject, and "my area" (我的片区).

A community admin gives a worker who holds a role at the community (or above it, or below it) a
grid or a building under it, or a subject (a resident, a unit …), for one module or for all.
:func:`mine_filter` is the standard ``?mine=1`` filter a ledger switches on: the records whose
place lies in a grid or building assigned to the signed-in user, or whose subject is assigned
to them. The per-worker due lists of visit quotas read the same assignments.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session

from core import clock
from core.db import utcnow
from core.errors import DomainError
from core.records.ledger import Filter
from core.tree import node_table, subtree_clause
from core.validation import Schema, choice, optional_text, record_id
from core.visits.models import SUBJECT_KINDS, AreaAssignment

PLACE_KINDS = ("grid", "building")


def subject_kind_labels() -> dict[str, Any]:
    return {
        "resident": _l("Resident"),
        "household": _l("A household"),
        "unit": _l("Unit"),
        "case": _l("Case"),
    }


class VisitAssignmentSchema(Schema):
    """An assignment as typed: a user and either a place or a subject."""

    user_id = record_id(required=True, metadata={"label": _l("Assigned worker")})
    node_id = record_id(load_default=None, allow_none=True, metadata={"label": _l("Place")})
    subject_kind = choice(dict.fromkeys(SUBJECT_KINDS, ""), load_default=None, allow_none=True)
    subject_id = record_id(load_default=None, allow_none=True)
    subject_name = optional_text(100)
    since = ma.fields.Date(load_default=None, allow_none=True)
    until = ma.fields.Date(load_default=None, allow_none=True)


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(message, {field: [message]})


def active(day: date | None = None) -> sa.ColumnElement[bool]:
    """Assignments running on ``day`` (today by default), not ended."""
    day = day or clock.today()
    return sa.and_(
        AreaAssignment.deleted_at.is_(None),
        AreaAssignment.since <= day,
        sa.or_(AreaAssignment.until.is_(None), AreaAssignment.until >= day),
    )


def _of(user_id: int, module: str | None) -> sa.ColumnElement[bool]:
    mine = [AreaAssignment.user_id == user_id, active()]
    if module:
        mine.append(AreaAssignment.module.in_(["", module]))
    return sa.and_(*mine)


def holds_role_at(session: Session, user_id: int, community: Any) -> bool:
    """The user holds a role at the community, above it or somewhere beneath it."""
    from core.models import Assignment as RoleAssignment
    from core.models import User

    path = node_table.c.path
    stmt = (
        sa.select(sa.literal(1))
        .select_from(RoleAssignment)
        .join(node_table, node_table.c.id == RoleAssignment.node_id)
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.user_id == user_id,
            User.active.is_(True),
            sa.or_(
                sa.literal(community.path).like(path.concat("%")),
                subtree_clause(path, community.path),
            ),
        )
        .limit(1)
    )
    return session.scalar(stmt) is not None


def staff_at(session: Session, community: Any) -> list[tuple[int, str]]:
    """(id, name) of the active users holding a role there, by name: who may be assigned."""
    from core.models import Assignment as RoleAssignment
    from core.models import User

    path = node_table.c.path
    stmt = (
        sa.select(User.id, User.display_name)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .join(node_table, node_table.c.id == RoleAssignment.node_id)
        .where(
            User.active.is_(True),
            sa.or_(
                sa.literal(community.path).like(path.concat("%")),
                subtree_clause(path, community.path),
            ),
        )
        .distinct()
        .order_by(User.display_name, User.id)
    )
    return [(uid, name) for uid, name in session.execute(stmt)]


def assign(
    session: Session, community: Any, data: dict[str, Any], *, module: str = "", by: Any = None
) -> AreaAssignment:
    """A new assignment in ``community``: the user must hold a role there, the place must be a
    grid or building under it, a subject needs its kind and id; a refusal names the field."""
    if community.is_archived:
        raise DomainError(_("An archived community is read-only."))
    if not holds_role_at(session, data["user_id"], community):
        raise _refuse("user_id", _("This user holds no role in this community."))
    node_id, kind, subject_id = (
        data.get("node_id"),
        data.get("subject_kind"),
        data.get("subject_id"),
    )
    if node_id is None and subject_id is None:
        raise _refuse("node_id", _("Give a grid or building, or a subject."))
    if node_id is not None and subject_id is not None:
        raise _refuse("node_id", _("Give a grid or building, or a subject, not both."))
    if node_id is not None:
        place = session.execute(
            sa.select(node_table.c.kind).where(
                node_table.c.id == node_id,
                node_table.c.kind.in_(PLACE_KINDS),
                subtree_clause(node_table.c.path, community.path),
            )
        ).first()
        if place is None:
            raise _refuse("node_id", _("Choose a grid or building of this community."))
    if subject_id is not None and not kind:
        raise _refuse("subject_kind", _("This field is required."))
    since = data.get("since") or clock.today()
    until = data.get("until")
    if until is not None and until < since:
        raise _refuse("until", _("The end cannot be before the start."))
    row = AreaAssignment(
        user_id=data["user_id"],
        community_id=community.id,
        node_id=node_id,
        subject_kind=kind if subject_id is not None else None,
        subject_id=subject_id,
        subject_name=data.get("subject_name") or "",
        module=module,
        since=since,
        until=until,
        created_by_id=getattr(by, "id", None),
    )
    session.add(row)
    session.flush()
    return row


def end(session: Session, row: AreaAssignment, by: Any = None) -> None:
    """The assignment ends (soft delete: who and when are kept)."""
    row.deleted_at = utcnow()
    row.deleted_by_id = getattr(by, "id", None)
    session.flush()


def assigned_nodes(user_id: int, module: str | None) -> sa.Select:
    """Ids of every node in the grids and buildings assigned to the user."""
    place = node_table.alias("assigned_place")
    return (
        sa.select(node_table.c.id)
        .select_from(AreaAssignment)
        .join(place, place.c.id == AreaAssignment.node_id)
        .join(node_table, node_table.c.path.like(place.c.path.concat("%")))
        .where(_of(user_id, module))
    )


def assigned_subjects(user_id: int, module: str | None, kind: str) -> sa.Select:
    """Ids of the subjects of ``kind`` assigned to the user."""
    return sa.select(AreaAssignment.subject_id).where(
        _of(user_id, module), AreaAssignment.subject_kind == kind
    )


def mine_clause(
    user_id: int,
    *,
    node_column: Any,
    subject_kind: str | None = None,
    subject_column: Any = None,
    kind_column: Any = None,
    module: str | None = None,
) -> sa.ColumnElement[bool]:
    """Rows in the user's area: their place in an assigned grid or building, or their subject
    assigned (``subject_column`` with a fixed ``subject_kind`` or a ``kind_column``)."""
    clauses = [node_column.in_(assigned_nodes(user_id, module))]
    if subject_column is not None and subject_kind is not None:
        clauses.append(subject_column.in_(assigned_subjects(user_id, module, subject_kind)))
    if subject_column is not None and kind_column is not None:
        pairs = sa.select(AreaAssignment.subject_kind, AreaAssignment.subject_id).where(
            _of(user_id, module), AreaAssignment.subject_id.is_not(None)
        )
        clauses.append(sa.tuple_(kind_column, subject_column).in_(pairs))
    return sa.or_(*clauses)


def mine_filter(
    model: Any,
    *,
    subject_kind: str | None = None,
    subject_column: str | None = None,
    kind_column: str | None = None,
    module: str | None = None,
) -> Filter:
    """``?mine=1`` (我的片区) for a ledger of ``model``: its records in the signed-in user's
    grids and buildings, or whose subject is theirs (``subject_column`` holding subjects of
    ``subject_kind``, or of the kind in ``kind_column``)."""

    def clause(_session: Session, value: bool) -> sa.ColumnElement[bool]:
        if not value:
            return sa.true()
        return mine_clause(
            current_user.id,
            node_column=model.node_id,
            subject_kind=subject_kind,
            subject_column=getattr(model, subject_column) if subject_column else None,
            kind_column=getattr(model, kind_column) if kind_column else None,
            module=module,
        )

    return Filter("mine", "bool", _l("My area"), clause=clause)
