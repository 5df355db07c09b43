"""Reminders and escalation (催办、督办): deadlines watched by the platform, not by people.

A module declares what it watches (``jiedao_reminders``): a table of cases with a deadline, the
rows still running, who is reminded (holders of a permission at the case's community) and who
hears when a case stays overdue (holders of another permission at its street). Once a day the
scheduler (``core.jobs``, or ``jiedao reminders run``) writes notifications: a case due within a
few working days, a case overdue, and — after ``escalate_after`` working days overdue — the same
case to the street. Each notification is written once per user and case and deadline (a new
deadline, after an extension, reminds again). Users read them on their home page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Any

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import Base, UTCDateTime, utcnow
from core.tenancy import enabled_communities, node_model, plugin_system
from core.workdays import add_working_days, last_day_before

DUE, OVERDUE, ESCALATED, MISSING = "due", "overdue", "escalated", "missing"
# An observance that passed without its activity is told of during the week after its window.
TOLD_FOR = timedelta(days=7)


class Notification(Base):
    """One thing a user is told: its text, where to see it, when; read or not."""

    __tablename__ = "core_notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "key", name="uq_core_notification_user_key"),
        sa.Index("ix_core_notification_user_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(160))  # what it is about, once per user
    kind: Mapped[str] = mapped_column(sa.String(12))  # due, overdue, escalated
    title: Mapped[str] = mapped_column(sa.String(300))
    url: Mapped[str] = mapped_column(sa.String(300), default="")
    node_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Reminder:
    """A deadline a module watches. ``running()``: the rows still to be done; ``deadline``: the
    date column; ``title(obj, kind)``: the notification's text; ``url(obj, community_ref)``: the
    case's page (a path: reminders are written outside requests)."""

    key: str
    model: Any
    deadline: str
    running: Callable[[], sa.ColumnElement[bool]]
    permission: str
    title: Callable[[Any, str], str]
    url: Callable[[Any, str], str]
    escalate_to: str | None = None
    escalate_after: int = 5  # working days overdue before the street hears of it
    soon: int = 2  # working days before the deadline that count as "due soon"
    module: str = ""


def reminders() -> list[Reminder]:
    """Every active plugin's reminders, each stamped with its module."""
    return [
        r if r.module else replace(r, module=name)
        for name, found in plugin_system().call("jiedao_reminders")
        for r in found
    ]


def holders(session: Session, permission: str, node_id: int) -> set[int]:
    """Active users assigned at the node itself with a role that holds ``permission``: the
    community's own staff for a reminder, the street's for an escalation (not everyone above)."""
    from core.models import Assignment, RolePermission, User

    rows = session.execute(
        sa.select(Assignment.user_id, RolePermission.permission)
        .join(RolePermission, RolePermission.role_id == Assignment.role_id)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.node_id == node_id, User.active.is_(True))
    )
    return {user for user, pattern in rows if fnmatchcase(permission, pattern)}


def _cases(session: Session, reminder: Reminder, where: sa.ColumnElement[bool]) -> list[Any]:
    model = reminder.model
    stmt = sa.select(model).where(
        reminder.running(),
        model.community_id.in_(enabled_communities(reminder.module)),
        where,
    )
    return list(session.scalars(stmt.order_by(model.id)))


def run(session: Session, day: date) -> int:
    """Write the day's notifications for every reminder; how many were written."""
    nodes = node_model()
    refs: dict[int, str] = {}
    recipients: dict[tuple[str, int], set[int]] = {}

    def people(permission: str, node_id: int) -> set[int]:
        if (permission, node_id) not in recipients:
            recipients[permission, node_id] = holders(session, permission, node_id)
        return recipients[permission, node_id]

    def community_ref(community_id: int) -> str:
        if community_id not in refs:
            refs[community_id] = session.scalar(
                sa.select(nodes.ref).where(nodes.id == community_id)
            )
        return refs[community_id]

    wanted: list[dict[str, Any]] = []
    for reminder in reminders():
        column = getattr(reminder.model, reminder.deadline)
        soon = add_working_days(session, day, reminder.soon)
        for kind, where, permission, place in (
            (DUE, column.between(day, soon), reminder.permission, "community_id"),
            (OVERDUE, column < day, reminder.permission, "community_id"),
            (
                ESCALATED,
                column <= last_day_before(session, day, reminder.escalate_after),
                reminder.escalate_to,
                "street_id",
            ),
        ):
            if permission is None:
                continue
            for obj in _cases(session, reminder, where):
                for user in people(permission, getattr(obj, place)):
                    wanted.append(_note(reminder, obj, kind, user, community_ref(obj.community_id)))
    wanted += _observances_missed(session, day, people, community_ref)
    return _write(session, wanted)


def _observances_missed(
    session: Session,
    day: date,
    people: Callable[[str, int], set[int]],
    community_ref: Callable[[int], str],
) -> list[dict[str, Any]]:
    """Notifications for observances whose window ended in the past week without the activity
    they expect, at each community where their module is on (尚未开展)."""
    from core.calendar import occurrences
    from core.school_holidays import city_of, periods

    held: dict[tuple[str, int], dict[str, Any]] = {}

    def school_of(city: str, year: int) -> dict[str, Any]:
        if (city, year) not in held:
            held[city, year] = periods(session, city, year)
        return held[city, year]

    found: list[dict[str, Any]] = []
    for name, entries in plugin_system().call("jiedao_calendar"):
        for entry in entries:
            if entry.expects is None or entry.remind is None:
                continue
            module = entry.module or name
            years = (day.year - 1, day.year)
            for cid in session.scalars(enabled_communities(module)):
                ref = community_ref(cid)
                school = {y: school_of(city_of(ref), y) for y in years}
                for occurrence in (o for y in years for o in occurrences(entry, y, school[y])):
                    start, end = occurrence.window()
                    if not end < day <= end + TOLD_FOR:
                        continue
                    if entry.expects(session, sa.select(sa.literal(cid)), start, end):
                        continue
                    with force_locale("zh_Hans_CN"):
                        title = _(
                            "%(observance)s has passed without an activity",
                            observance=str(entry.label),
                        )
                    rule = f"{entry.kind}{entry.month}-{entry.day}{entry.term}"
                    for user in people(entry.remind, cid):
                        found.append(
                            {
                                "user_id": user,
                                "key": f"calendar:{module}:{rule}:{occurrence.start}:{cid}",
                                "kind": MISSING,
                                "title": title[:300],
                                "url": f"/n/{ref}/calendar?year={occurrence.start.year}",
                                "node_id": cid,
                            }
                        )
    return found


def _note(reminder: Reminder, obj: Any, kind: str, user: int, community: str) -> dict[str, Any]:
    deadline = getattr(obj, reminder.deadline)
    with force_locale("zh_Hans_CN"):  # written once, read in Chinese first
        title = reminder.title(obj, kind)
    return {
        "user_id": user,
        "key": f"{reminder.key}:{obj.id}:{kind}:{deadline.isoformat()}",
        "kind": kind,
        "title": title[:300],
        "url": reminder.url(obj, community),
        "node_id": obj.node_id,
    }


def _write(session: Session, wanted: list[dict[str, Any]], batch: int = 500) -> int:
    """The notifications not written before, in batches (a district's overdue cases run to
    tens of thousands; a statement takes a bounded number of parameters)."""
    written, now = 0, utcnow()
    for start in range(0, len(wanted), batch):
        chunk = wanted[start : start + batch]
        existing = set(
            session.execute(
                sa.select(Notification.user_id, Notification.key).where(
                    Notification.user_id.in_({w["user_id"] for w in chunk}),
                    Notification.key.in_({w["key"] for w in chunk}),
                )
            ).all()
        )
        fresh = {
            (w["user_id"], w["key"]): w for w in chunk if (w["user_id"], w["key"]) not in existing
        }
        if fresh:
            session.execute(
                sa.insert(Notification), [{**w, "created_at": now} for w in fresh.values()]
            )
            written += len(fresh)
    return written


def unread(session: Session, user_id: int, limit: int = 20) -> list[Notification]:
    stmt = (
        sa.select(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def mark_read(session: Session, user_id: int) -> int:
    """Every unread notification of the user marked read; how many."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount or 0


def describe_kind(kind: str) -> str:
    """The kind of a notification in the user's language."""
    return {
        DUE: _("Due soon"),
        OVERDUE: _("Past its deadline"),
        ESCALATED: _("Escalated to the street"),
        MISSING: _("Not held yet"),
    }.get(kind, kind)


def register_cli(cli: Any) -> None:
    """``jiedao reminders run [--day YYYY-MM-DD]``: the day's reminders, for cron where no job
    worker runs (the worker's scheduler runs them every morning)."""
    import click

    @cli.group("reminders")
    def group() -> None:
        """Reminders of deadlines and escalations."""

    @group.command("run")
    @click.option("--day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
    def run_command(day: datetime | None) -> None:
        from core.cli import app_context
        from core.clock import today
        from core.db import db

        with app_context():
            written = run(db.session, day.date() if day else today())
            db.session.commit()
            click.echo(_("%(count)s notifications written.", count=written))
