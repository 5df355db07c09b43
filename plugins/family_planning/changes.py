"""Births reported by a building leader (楼组信息员, the registry's change kind ``birth``) reach
the mother's card: once the report is approved and the child registered, the birth is filed on
the card of the household's one woman on the register, with her one open registration, as a
birth recorded on the form is (its history, its registration marked 已生育).

Marriages, divorces, deaths and departures need nothing here: the candidate list (应建未建)
and the proposed exits read them from the registry. A birth that cannot be placed (no card in
the household, two, no certificate number) is left to the worker: it stays in the registry and
the list of births to file (:func:`births_to_file`) shows it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import DomainError
from core.tenancy import module_on
from plugins.registry.models import RegistryResident
from tenants.models import Node

from .births.models import FpBirthReg, FpChild
from .common import MODULE
from .women.models import FpWoman

OPEN_REGS = ("registered", "submitted")
RECENT_DAYS = 366  # births of the last year are looked for


def _cards_of(session: Session, household_id: int) -> list[FpWoman]:
    stmt = (
        sa.select(FpWoman)
        .join(RegistryResident, FpWoman.resident_id == RegistryResident.id)
        .where(
            RegistryResident.household_id == household_id,
            FpWoman.status == "active",
            FpWoman.deleted_at.is_(None),
        )
    )
    return list(session.scalars(stmt))


def _open_reg(session: Session, card: FpWoman) -> int | None:
    """The card's one open registration (registered, else submitted), if it has exactly one."""
    stmt = sa.select(FpBirthReg.id).where(
        FpBirthReg.woman_id == card.id,
        FpBirthReg.status.in_(OPEN_REGS),
        FpBirthReg.deleted_at.is_(None),
    )
    found = list(session.scalars(stmt))
    return found[0] if len(found) == 1 else None


def _child_registered(session: Session, facts: dict[str, Any]) -> RegistryResident | None:
    """The child the registry registered for the report (its household, name and birthday)."""
    stmt = (
        sa.select(RegistryResident)
        .where(
            RegistryResident.household_id == facts.get("household_id"),
            RegistryResident.name == facts.get("name"),
            RegistryResident.birth_date == date.fromisoformat(str(facts.get("on"))),
            ~sa.exists().where(FpChild.resident_id == RegistryResident.id),
        )
        .order_by(RegistryResident.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def applied(session: Session, report: Any) -> None:
    """``jiedao_change_applied``: an approved birth report filed on the mother's card, when the
    household has one woman on the register and the certificate number is known. Never
    raises (a module that does is switched off): a birth it cannot file is left to the worker."""
    from .births.ledgers import children

    if report.kind != "birth" or report.module != "registry":
        return
    community = session.get(Node, report.community_id)
    if community is None or not module_on(session, community, MODULE):
        return
    facts = report.facts or {}
    if not (facts.get("household_id") and facts.get("name") and facts.get("on")):
        return
    cards = _cards_of(session, facts["household_id"])
    child = _child_registered(session, facts)
    number = child.birth_certificate_number if child is not None else ""
    if len(cards) != 1 or child is None or not number or child.gender not in ("M", "F"):
        return
    card = cards[0]
    data = {
        "woman_id": card.id,
        "resident_id": child.id,
        "born_on": child.birth_date,
        "sex": child.gender,
        "certificate_number": number,
        "birth_reg_id": _open_reg(session, card),
    }
    try:
        with session.begin_nested():
            children.write_new(session, community, data)
    except (DomainError, ma.ValidationError):
        return  # the worker files it (a certificate on file already, a card just closed)
    line = _("Birth filed on the card of %(name)s", name=card.resident.name)
    report.outcome = f"{report.outcome}；{line}"[:200] if report.outcome else line


def births_to_file(session: Session, community_id: int, day: date) -> list[RegistryResident]:
    """Children of the last year in a household with a woman on the register here whose birth
    is not filed: what the worker records next (one query)."""
    mothers = (
        sa.select(RegistryResident.household_id)
        .join(FpWoman, FpWoman.resident_id == RegistryResident.id)
        .where(FpWoman.community_id == community_id, FpWoman.status == "active")
    )
    stmt = (
        sa.select(RegistryResident)
        .where(
            RegistryResident.community_id == community_id,
            RegistryResident.deleted_at.is_(None),
            RegistryResident.birth_date > day - timedelta(days=RECENT_DAYS),
            RegistryResident.household_id.in_(mothers),
            ~sa.exists().where(FpChild.resident_id == RegistryResident.id),
        )
        .order_by(RegistryResident.birth_date, RegistryResident.id)
    )
    return list(session.scalars(stmt))
