"""经常性核查回访 / 每月排查: the verification log of floating residents.

Each row says that a floating resident was checked on a day (上门核查, 电话回访 or 单位核实), with
what result (仍在住, 已离开, 信息有变), by whom and with what notes. A resident's last verification
date is read with every resident row (``RegistryResident.last_verified_on``, one indexed
subquery), the list filters "本月未核查" (floating, no verification this month), and the
indicators count floating residents verified in the period and their share. A result of 已离开
does not deregister anyone by itself: the record's page offers the move-out step (人走注销).

The ledger (pages, API, export, history) is declared in ``ledgers.py``; its rules are here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, column_property, mapped_column, relationship

from core import clock
from core.db import Base, SoftDeleteMixin, TimestampMixin, db
from core.models import User
from core.records.history import actor
from core.reports import Period
from core.sdk import (
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    RecordId,
    TenantOwned,
    Text,
    chosen_record,
    not_future,
    partial_index,
    refuse,
)
from core.visits.assignments import holds_role_at, staff_at
from tenants.models import Node

from .figures import residents_present
from .models import RegistryResident
from .services import get_resident, picker_text, resident_label, search_residents

METHODS = {
    "visit": _l("Home visit check"),
    "phone": _l("Phone follow-up"),
    "employer": _l("Checked with the employer"),
}
RESULTS = {
    "present": _l("Still living here"),
    "left": _l("Has left"),
    "changed": _l("Details have changed"),
}
FLOATING = "floating"


class RegistryVerification(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One verification of a floating resident; its node is the resident's (their building)."""

    __tablename__ = "registry_verification"
    __table_args__ = (
        partial_index("ix_registry_verification_resident_on", "resident_id", "verified_on"),
        partial_index("ix_registry_verification_community_on", "community_id", "verified_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_resident.id"))
    verified_on: Mapped[date]
    method: Mapped[str] = mapped_column(sa.String(12))
    result: Mapped[str] = mapped_column(sa.String(12))
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    resident: Mapped[RegistryResident] = relationship(foreign_keys=[resident_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])


# The last verification of each resident, read with the row (the lists show it; the filter
# below asks the same index).
RegistryResident.last_verified_on = column_property(
    sa.select(sa.func.max(RegistryVerification.verified_on))
    .where(
        RegistryVerification.resident_id == RegistryResident.id,
        RegistryVerification.deleted_at.is_(None),
    )
    .correlate_except(RegistryVerification)
    .scalar_subquery(),
    deferred=True,
)


def month_start(day: date) -> date:
    return day.replace(day=1)


def verified_since(start: date, end: date | None = None) -> sa.ColumnElement[bool]:
    """The resident has a verification from ``start`` (to ``end``, inclusive)."""
    conditions = [
        RegistryVerification.resident_id == RegistryResident.id,
        RegistryVerification.deleted_at.is_(None),
        RegistryVerification.verified_on >= start,
    ]
    if end is not None:
        conditions.append(RegistryVerification.verified_on <= end)
    return sa.exists().where(*conditions)


def unverified_this_month(day: date | None = None) -> sa.ColumnElement[bool]:
    """本月未核查: floating residents with no verification in ``day``'s month (today's)."""
    start = month_start(day or clock.today())
    return sa.and_(RegistryResident.status == FLOATING, ~verified_since(start))


# --- the form ------------------------------------------------------------------------------------


def _staff() -> dict[int, str]:
    """Who may have verified: the active staff holding a role at the community."""
    if "community" not in g:
        return {}
    return dict(staff_at(db.session, g.community))


# What the picker's box shows for the chosen resident (of the page's community), the ID masked.
_resident_label = picker_text(get_resident, resident_label, here=True)


def _resident_name(v: RegistryVerification) -> str:
    return v.resident.name if v.resident is not None else ""


def _verifier_name(v: RegistryVerification) -> str:
    return v.verified_by.display_name if v.verified_by is not None else ""


VERIFIED_BY_ID, VERIFIED_BY = chosen_record(_l("Verified by"), _staff, _verifier_name)


class VerificationSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    resident_id = RecordId(
        _l("Floating resident"),
        required=True,
        picker="registry_api.api_picker_floating",
        picker_label=_resident_label,
        shown=False,
    )
    resident = Computed(_l("Floating resident"), _resident_name, column=True)
    verified_on = Date(
        _l("Verified on"), required=True, validate=not_future, column=True, sort=True
    )
    method = Choice(_l("Verification method"), METHODS, required=True, column=True)
    result = Choice(_l("Verification result"), RESULTS, required=True, column=True)
    verified_by_id = VERIFIED_BY_ID
    verified_by = VERIFIED_BY
    notes = Text(_l("Notes"), 2000)
    created_at = ma.fields.DateTime(dump_only=True)


def _signed_in() -> int | None:
    return getattr(actor(), "id", None)


def new_values() -> dict[str, Any]:
    """The new form starts with today and the signed-in worker."""
    return {"verified_on": clock.today(), "verified_by_id": _signed_in()}


# --- the rules -----------------------------------------------------------------------------------


def floating_resident(session: Session, community: Node, resident_id: int) -> RegistryResident:
    """A live floating resident of ``community``, else a refusal naming ``resident_id``."""
    resident = session.get(RegistryResident, resident_id)
    if resident is None or resident.community_id != community.id:
        refuse(
            "resident_id",
            _("There is no such resident in %(community)s.", community=community.name),
        )
    if resident.status != FLOATING:
        refuse(
            "resident_id",
            _("Only floating residents are verified; %(name)s is not.", name=resident.name),
        )
    return resident


def check(
    session: Session, community: Node, data: dict[str, Any], record: RegistryVerification | None
) -> None:
    """The ledger's rule: a floating resident of the community (the record is placed at their
    building), a day not before they arrived, a verifier holding a role here (the signed-in
    user when none is named)."""
    chosen = data.get("resident_id")
    if record is None or (chosen and chosen != record.resident_id):
        resident = floating_resident(session, community, chosen)
        if record is None:
            data["node_id"] = resident.node_id
        else:
            record.node = resident.node
    else:  # an earlier verification stays editable after the resident left
        resident = record.resident
    day = data.get("verified_on") or (record.verified_on if record else None)
    if day and resident.arrived_on and day < resident.arrived_on:
        refuse("verified_on", _("The verification cannot be before the arrival."))
    if record is None and not data.get("verified_by_id"):
        data["verified_by_id"] = _signed_in()
    verifier = data.get("verified_by_id")
    if verifier and not holds_role_at(session, verifier, community):
        refuse("verified_by_id", _("This user holds no role in this community."))


def move_out_offer(v: RegistryVerification, data: dict[str, Any]) -> None:
    """A result of 已离开 on a resident still registered: the move-out step (人走注销) offered,
    with the day of the verification; the API names it, the page shows its form."""
    resident = v.resident
    if v.result != "left" or resident is None or resident.status != FLOATING:
        return
    data["move_out"] = {
        "resident_id": resident.id,
        "on": v.verified_on.isoformat(),
        "url": url_for("registry_api.api_resident_step", record_id=resident.id, step="move-out"),
    }


# --- indicators ----------------------------------------------------------------------------------


def count_verified(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.floating_verified``: the floating residents counted by
    ``registry.floating`` who were verified within the period (a month: this month)."""
    stmt = residents_present(communities, period).where(
        RegistryResident.status == FLOATING,
        verified_since(period.start, min(period.end, clock.today())),
    )
    return session.scalar(stmt) or 0


def search_floating(
    session: Session, scope: Any, text: str, community: Node, *, limit: int = 20
) -> list[RegistryResident]:
    """The picker's floating residents of ``community``: name prefix or ID suffix, 20 at most."""
    return search_residents(session, scope, text, community, limit=limit, status=FLOATING)
