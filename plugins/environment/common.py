"""What every environment sub-area shares: the module's name, its permissions, its settings
and the platform's "today"."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.clock import zone
from core.sdk import Ledger, module_settings, refuse
from core.sdk import now as now  # the platform's clock, for every sub-area
from core.sdk import today as today
from tenants.models import Node

MODULE = "environment"
VIEW = "environment.view"
EDIT = "environment.edit"
RESTORE = "environment.restore"
SENSITIVE = "environment.sensitive.view"
REVIEW = "environment.review"  # the street's 城管科 / 爱卫办: reassigns, escalates complaints
MANAGE_CHECKLISTS = "environment.checklists"
SIGN = "environment.letter.sign"  # the community admin signs 门前三包 letters

ACCESS = {"module": MODULE, "view": VIEW, "edit": EDIT, "restore": RESTORE}
EnvLedger = Ledger.family(**ACCESS, sensitive=SENSITIVE)

DEFAULT_SETTINGS: dict[str, Any] = {
    "issue_days": 3,  # 问题整改期限 (days)
    "overflow_hours": 24,  # 垃圾满溢: within 24 hours
    "refer_days": 1,  # 违建 referred to 城管执法 within … working days
    "new_shop_days": 15,  # a new street-front shop gets its letter within … days
    "contact_hours": 24,  # 诉求首次联系
    "urgent_contact_hours": 2,  # 紧急诉求首次联系
    "resolve_days": 7,  # 诉求办结
    "follow_up_days": 2,  # 回访
}


def settings(session: Session, community: Node) -> dict[str, Any]:
    """The community's environment settings, defaults filled in."""
    return {**DEFAULT_SETTINGS, **module_settings(session, community.id, MODULE)}


def live_in(
    session: Session, community: Node, model: Any, record_id: int | None, field: str, message: str
) -> Any:
    """The live ``model`` row ``record_id`` of ``community``, refused under ``field`` otherwise:
    another community's row is refused exactly as a missing one."""
    stmt = sa.select(model).where(
        model.id == (record_id or 0),
        model.community_id == community.id,
        model.deleted_at.is_(None),
    )
    return session.scalar(stmt) or refuse(field, message)


def written(data: dict[str, Any], record: Any, *keys: str) -> tuple[Any, ...]:
    """What ``keys`` will hold once ``data`` is written (the data's, else the record's)."""
    return tuple(data.get(key, getattr(record, key, None)) for key in keys)


class LocalDateTime(ma.fields.DateTime):
    """A moment as office staff type it (2026-06-15 09:30): read in the platform's time zone
    when no offset is given, shown back in it."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if isinstance(value, str):
            value = value.strip().replace(" ", "T", 1)
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment.replace(tzinfo=zone()) if moment.tzinfo is None else moment

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is not None:
            value = value.astimezone(zone())
        return super()._serialize(value, attr, obj, **kwargs)


def not_after_now(moment: datetime | None) -> None:
    """A moment that has already come (a ticket received, a first contact made)."""
    if moment is not None and moment > now():
        raise ma.ValidationError(_("The time cannot be in the future."))


def zone_start(day: date, hour: int = 0) -> datetime:
    """``hour`` o'clock of ``day`` in the platform's time zone."""
    return datetime.combine(day, time(hour), tzinfo=zone())
