"""门前三包 letters: one per street-front unit and year, signed by the community admin, valid to
31 December unless given otherwise, expired after that day; the shops still lacking one, each
due within the community's days (15) of appearing in the registry; drafts for all of them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.clock import localtime
from core.sdk import DomainError, NotPermitted, can, refuse, writable
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from ..common import SIGN, live_in, settings, today, written
from .models import EnvironmentLetter

LETTER_STATUSES = {
    "draft": _l("Drafted"),
    "signed": _l("Signed"),
    "expired": _l("Lapsed"),
    "terminated": _l("Terminated"),
}
DUTIES = {
    "sanitation": _l("Street sanitation"),
    "greening": _l("Greening"),
    "order": _l("Public order"),
}


def state_of(letter: EnvironmentLetter, day: date | None = None) -> str:
    """Its status as of ``day``: a signed letter past its date has expired."""
    day = day or today()
    if letter.status == "signed" and letter.valid_until and letter.valid_until < day:
        return "expired"
    return letter.status


def valid_clause(day: date) -> sa.ColumnElement[bool]:
    """Letters signed and in force on ``day``."""
    return sa.and_(
        EnvironmentLetter.status == "signed",
        EnvironmentLetter.deleted_at.is_(None),
        sa.or_(EnvironmentLetter.valid_until.is_(None), EnvironmentLetter.valid_until >= day),
    )


def state_clause(state: str, day: date) -> sa.ColumnElement[bool]:
    """The letters whose :func:`state_of` is ``state`` on ``day``, in SQL."""
    expired = sa.and_(EnvironmentLetter.status == "signed", EnvironmentLetter.valid_until < day)
    if state == "expired":
        return expired
    if state == "signed":
        return sa.and_(EnvironmentLetter.status == "signed", sa.not_(expired))
    return EnvironmentLetter.status == state


def check_letter(
    session: Session, community: Node, data: dict[str, Any], letter: EnvironmentLetter | None
) -> None:
    """A letter is with a street-front unit of the community; signing needs the signing
    permission and a date; it runs to 31 December of that year unless given otherwise."""
    if "unit_id" in data:
        unit = live_in(session, community, RegistryUnit, data["unit_id"], "unit_id",
                       _("There is no such unit."))  # fmt: skip
        if not unit.street_front:
            refuse("unit_id", _("A 门前三包 letter is signed with a street-front shop."))
        if letter is None:
            data["node_id"] = unit.node_id
        else:
            letter.node_id = unit.node_id
    status, signed_on, valid_until = written(data, letter, "status", "signed_on", "valid_until")
    if status == "signed" and (letter is None or letter.status != "signed"):
        if not can(SIGN, community.path):
            message = _("Only the community's administrator signs a letter.")
            raise NotPermitted(message, {"status": [message]})
        if not signed_on:
            refuse("signed_on", _("Give the date the letter was signed."))
    if signed_on and signed_on > today():
        refuse("signed_on", _("The date cannot be in the future."))
    if signed_on and not valid_until:
        data["valid_until"] = valid_until = date(signed_on.year, 12, 31)
    if signed_on and valid_until and valid_until < signed_on:
        refuse("valid_until", _("A letter cannot end before it is signed."))


def _covered(day: date) -> sa.Select:
    """Units with a letter that is in force on ``day`` or still a draft."""
    return sa.select(EnvironmentLetter.unit_id).where(
        EnvironmentLetter.deleted_at.is_(None),
        sa.or_(valid_clause(day), EnvironmentLetter.status == "draft"),
    )


def shops_without_letter(session: Session, community: Node, day: date | None = None) -> list[dict]:
    """The community's live street-front units with no letter in force nor drafted, each with
    the day its letter is due (registered + the community's days) and whether that is past."""
    day = day or today()
    days = int(settings(session, community)["new_shop_days"])
    stmt = (
        sa.select(RegistryUnit)
        .where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.deleted_at.is_(None),
            RegistryUnit.street_front.is_(True),
            RegistryUnit.id.not_in(_covered(day)),
        )
        .order_by(RegistryUnit.created_at, RegistryUnit.id)
    )
    rows = []
    for unit in session.scalars(stmt):
        due = localtime(unit.created_at).date() + timedelta(days=days)
        rows.append({"unit": unit, "due": due, "overdue": due < day})
    return rows


def generate_drafts(session: Session, community: Node, user: Any = None) -> list[Any]:
    """A draft letter for every street-front unit still lacking one, all in one go (the
    caller's transaction: all are written or none)."""
    from .ledgers import letters

    writable(community)
    shops = shops_without_letter(session, community)
    if not shops:
        raise DomainError(_("Every street-front shop has a letter."))
    return [
        letters.create_record(session, community, {"unit_id": s["unit"].id}, user=user)
        for s in shops
    ]


def renewed_clause() -> sa.ColumnElement[bool]:
    """Letters a live later letter renews."""
    later = sa.orm.aliased(EnvironmentLetter)
    return EnvironmentLetter.id.in_(
        sa.select(later.previous_id).where(
            later.previous_id.is_not(None), later.deleted_at.is_(None)
        )
    )


def is_renewed(session: Session, letter: EnvironmentLetter) -> bool:
    """A live later letter renews it."""
    stmt = sa.select(EnvironmentLetter.id).where(
        EnvironmentLetter.previous_id == letter.id, EnvironmentLetter.deleted_at.is_(None)
    )
    return session.scalar(stmt.limit(1)) is not None


def renew(session: Session, community: Node, letter: EnvironmentLetter, user: Any = None) -> Any:
    """续签: a draft for the next year with the same shop, area, extent and duties, valid to
    31 December of the year after the old one ends (this year's when that has passed). A draft
    or terminated letter is not renewed, nor one renewed already."""
    from .ledgers import letters

    writable(community)
    if letter.status not in ("signed",):
        refuse("status", _("Only a signed letter is renewed."))
    if is_renewed(session, letter):
        refuse("status", _("This letter has been renewed already."))
    ends = letter.valid_until or date(today().year, 12, 31)
    year = max(ends.year + 1, today().year)
    data = {
        "unit_id": letter.unit_id,
        "area_id": letter.area_id,
        "extent": letter.extent,
        "duties": list(letter.duties or []),
        "valid_until": date(year, 12, 31),
        "previous_id": letter.id,
    }
    return letters.create_record(session, community, data, user=user)
