"""Case workflows as declarations: the states of a record, the steps between them, what each
step needs and changes, and a timeline of every step (who, when, from which state to which, why).

A plugin declares a :class:`Workflow` of :class:`Transition` s over a status column and gives it
an event table (a model with :class:`WorkflowEventMixin`'s columns and a key to the record).
:meth:`Workflow.run` takes a step or refuses it before anything is written: a step the state
does not allow is a 409, a missing permission a 403, missing or contradictory data a 422 naming
the field. Every step adds one event to the record's timeline and one audit entry.
:meth:`Workflow.steps` gives the ledger its step routes (page and API).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any, NoReturn

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from core import audit, clock
from core.db import UTCDateTime, utcnow
from core.errors import Conflict, DomainError, NotPermitted
from core.permissions import Scope, current_scope
from core.records.history import actor, plain
from core.records.ledger import Steps
from core.tenancy import node_model
from core.workdays import add_working_days


class WorkflowEventMixin:
    """The columns of a workflow's timeline: the step (``action``), the states before and
    after, when it was recorded (``at``) and the day it took effect (``on``), who, a comment and
    what else it changed (``{field: [old, new]}``)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(16))
    from_status: Mapped[str] = mapped_column(sa.String(12), default="")
    to_status: Mapped[str] = mapped_column(sa.String(12))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    on: Mapped[date | None]
    username: Mapped[str] = mapped_column(sa.String(64), default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    changes: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)

    @declared_attr
    def user_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("core_user.id"))


def refuse(field_name: str, message: str, conflict: bool = False) -> NoReturn:
    """Refuse with ``message`` on ``field_name`` (422, or 409 for a conflict)."""
    raise (Conflict if conflict else DomainError)(message, {field_name: [message]})


# apply(session, obj, data, on) → {field: [old, new]}: what the step changes besides the state;
# it refuses (raises) before changing anything.
Apply = Callable[[Session, Any, dict[str, Any], date], dict[str, list[Any]]]


@dataclass(frozen=True)
class Transition:
    """One step: from any of ``sources`` to ``target`` (None: the record stays where it is, as
    for an extension of its deadline), called ``label`` on the timeline.

    ``permission(obj)`` names a permission the step needs beyond the ledger's edit permission
    for this record (``None``: none), refused with ``denied``; ``comment`` is the message when a
    comment is required and missing; ``refused`` the message when the state does not allow the
    step (default: the state is named); ``once`` the message when the step was taken before on
    the record (a step that may be taken only once, such as the one extension); ``deadline``
    sets the record's deadline (the workflow's ``deadline`` column) that many working days after
    the step's date (``core.workdays``: holidays and 调休 counted), unless the step's data give
    one."""

    name: str
    sources: tuple[str, ...]
    target: str | None
    label: Any
    apply: Apply | None = None
    permission: Callable[[Any], str | None] | None = None
    denied: Any = None
    comment: Any = None
    refused: Any = None
    once: Any = None
    deadline: int | None = None  # working days from the step's date to the record's new deadline


@dataclass(frozen=True)
class Workflow:
    """The workflow of one record type (``object_type``, as the audit log names it).

    ``states``: status → label; ``event_model``/``key``: the timeline's table and its column
    naming the record; ``labels``: the timeline's words for events that are not steps
    (found, imported, edited); ``earliest``: ``(date field, message)`` — no step is dated
    before the record's own date; ``summary(obj, label)``: the audit entry's text."""

    object_type: str
    states: dict[str, Any]
    transitions: Sequence[Transition]
    event_model: Any
    key: str
    summary: Callable[[Any, Any], str]
    labels: dict[str, Any] = field(default_factory=dict)
    earliest: tuple[str, Any] | None = None
    status: str = "status"
    deadline: str = "deadline"

    @cached_property
    def by_name(self) -> dict[str, Transition]:
        return {t.name: t for t in self.transitions}

    @cached_property
    def actions(self) -> dict[str, Any]:
        """Every event's label: the steps' and the other events'."""
        return {**self.labels, **{t.name: t.label for t in self.transitions}}

    def next_steps(self, obj: Any) -> list[str]:
        """The steps the record's state allows, in the declared order."""
        state = getattr(obj, self.status)
        return [t.name for t in self.transitions if state in t.sources]

    def steps(self, schema: type[ma.Schema], summary: str) -> Steps:
        """The ledger's step routes (``POST …/<id>/<step>``, page and API) for this workflow."""
        return Steps(
            tuple(self.by_name),
            schema,
            lambda session, obj, step, data: self.run(session, obj, step, data),
            summary,
        )

    def run(
        self,
        session: Session,
        obj: Any,
        name: str,
        data: dict[str, Any],
        user: Any = None,
        *,
        scope: Scope | None = None,
    ) -> Any:
        """Take step ``name`` on ``obj``, dated ``data["on"]`` (today if not given) with
        ``data["comment"]``; refused before anything is written."""
        community = session.get(node_model(), obj.community_id)
        if community.is_archived:
            raise DomainError(_("An archived community is read-only."))
        if obj.deleted_at is not None:
            raise DomainError(_("A deleted record cannot be changed."))
        step = self.by_name.get(name)
        if step is None:
            refuse("action", _("Unknown step."))
        state = getattr(obj, self.status)
        if state not in step.sources:
            message = step.refused or _(
                "This step is not possible while the status is %(status)s.",
                status=self.states[state],
            )
            refuse("status", str(message), conflict=True)
        on = data.get("on") or clock.today()
        if on > clock.today():
            refuse("on", _("The date cannot be in the future."))
        if self.earliest is not None and on < getattr(obj, self.earliest[0]):
            refuse("on", str(self.earliest[1]))
        needed = step.permission(obj) if step.permission is not None else None
        if needed and not (scope or current_scope()).allows(needed, community.path):
            message = str(step.denied or _("You may not take this step."))
            raise NotPermitted(message, {"status": [message]})
        comment = (data.get("comment") or "").strip()
        if step.comment and not comment:
            refuse("comment", str(step.comment))
        if step.once and self.taken(session, obj, name):
            refuse("status", str(step.once), conflict=True)
        changes = step.apply(session, obj, data, on) if step.apply is not None else {}
        if step.deadline is not None and not data.get(self.deadline):
            due = add_working_days(session, on, step.deadline)
            changes[self.deadline] = [getattr(obj, self.deadline), due]
            setattr(obj, self.deadline, due)
        if step.target is not None:
            setattr(obj, self.status, step.target)
        session.flush()
        self.event(session, obj, name, state, on=on, comment=comment, changes=changes, user=user)
        return obj

    def event(
        self,
        session: Session,
        obj: Any,
        action: str,
        from_status: str,
        *,
        on: date | None = None,
        comment: str = "",
        changes: dict[str, list[Any]] | None = None,
        user: Any = None,
    ) -> Any:
        """One event of the record's timeline (a step, or its finding, import or edit) and its
        audit entry."""
        who = actor(user)
        kept = {k: [plain(o), plain(n)] for k, (o, n) in (changes or {}).items()} or None
        event = self.event_model(
            node_id=obj.node_id,
            action=action,
            from_status=from_status,
            to_status=getattr(obj, self.status),
            on=on,
            user_id=getattr(who, "id", None),
            username=getattr(who, "username", "") or "",
            comment=comment or "",
            changes=kept,
            **{self.key: obj.id},
        )
        session.add(event)
        session.flush()
        audit.record(
            f"{self.object_type}.{action}",
            node=session.get(node_model(), obj.node_id).as_ref(),
            object_type=type(obj).__tablename__,
            object_id=obj.id,
            summary=self.summary(obj, self.actions.get(action, action)),
            details=kept,
            user=who,
        )
        return event

    def taken(self, session: Session, obj: Any, action: str) -> bool:
        """Has step ``action`` been taken on the record before?"""
        model = self.event_model
        stmt = sa.select(model.id).where(getattr(model, self.key) == obj.id, model.action == action)
        return session.scalar(stmt.limit(1)) is not None

    def timeline(self, session: Session, obj: Any) -> list[Any]:
        """The record's events, oldest first (one indexed lookup)."""
        model = self.event_model
        stmt = sa.select(model).where(getattr(model, self.key) == obj.id).order_by(model.id)
        return list(session.scalars(stmt))

    def dump_event(self, event: Any) -> dict[str, Any]:
        """An event as the API gives it."""
        return {
            "at": event.at.isoformat(),
            "on": event.on.isoformat() if event.on else None,
            "action": event.action,
            "from": event.from_status,
            "to": event.to_status,
            "username": event.username,
            "comment": event.comment,
            "changes": event.changes,
        }
