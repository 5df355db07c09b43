"""The family-planning indicators (``family_planning.*``), each one SQL aggregate over the
communities of an area, with its exact definition; ratios by numerator and denominator so a
street's rate is its communities' summed parts. Counts of special families (S3) are withheld
below five. The legacy 综合节育率 is an optional statistic, left out unless asked for and
labelled "不作考核"; the work's quality figures are computed in ``quality.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.figures import as_of
from core.reports import Indicator, Period
from plugins.registry.ages import band_clause
from plugins.registry.figures import residents_present
from plugins.registry.models import RegistryResident

from .benefits.models import FpRoll, FpRollLine
from .benefits.rules import PAYING
from .births.models import FpBirthReg, FpChild
from .common import MODULE
from .families.models import FpFamily
from .families.rules import SPECIAL
from .quality import (
    changes,
    contraception_users,
    key_events,
    report_births,
    visited_in,
    visited_on_time,
)
from .supplies.models import FpSupplyItem, FpSupplyMove
from .women.candidates import qualifying_clause
from .women.models import FpWoman

Compute = Callable[[Session, sa.Select, Period], Any]
Where = Callable[[Period, date], sa.ColumnElement[bool]]
PEOPLE, CASES, FAMILIES = _l("people"), _l("cases"), _l("households")
HALF_YEAR = 183


def _count(model: Any, where: Where) -> Compute:
    """The live rows of ``model`` in the communities where ``where(period, as_of)`` holds."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(sa.func.count(model.id)).where(
            model.community_id.in_(communities), where(period, as_of(period))
        )
        return session.scalar(stmt) or 0

    return compute


# --- 已婚育龄妇女 ------------------------------------------------------------------------------


def on_register(_period: Period, day: date) -> sa.ColumnElement[bool]:
    """Cards on the register on ``day`` (filed by then, not left by then) of women 15–49."""
    born = sa.select(RegistryResident.id).where(
        band_clause("childbearing", RegistryResident.birth_date, RegistryResident.gender, day)
    )
    return sa.and_(
        FpWoman.filed_on <= day,
        sa.or_(FpWoman.status == "active", FpWoman.exit_on > day),
        FpWoman.resident_id.in_(born),
    )


def _children_on_file() -> sa.ColumnElement[int]:
    """A card's children now living: its births on file and those elsewhere."""
    here = (
        sa.select(sa.func.count(FpChild.id))
        .where(FpChild.woman_id == FpWoman.id, FpChild.deleted_at.is_(None))
        .scalar_subquery()
    )
    return here + FpWoman.elsewhere_sons + FpWoman.elsewhere_daughters


def with_children(low: int, high: int | None = None) -> Where:
    """Cards on the register with ``low`` (to ``high``) children now living."""

    def where(period: Period, day: date) -> sa.ColumnElement[bool]:
        children = _children_on_file()
        bound = children == low if high == low else children >= low
        return sa.and_(on_register(period, day), bound)

    return where


def married_in(period: Period, _day: date) -> sa.ColumnElement[bool]:
    return FpWoman.married_on.between(period.start, period.end)


def inflow(period: Period, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(on_register(period, day), FpWoman.residence == "inflow")


def on_platform(period: Period, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(inflow(period, day), FpWoman.platform_on <= day)


def _qualifying(session: Session, communities: sa.Select, period: Period) -> int:
    """Women who should have a card on the as-of day: female, 15–49, married, present; a
    floating woman only once she has lived here half a year (when her arrival is known)."""
    day = as_of(period)
    settled = sa.or_(
        RegistryResident.status != "floating",
        RegistryResident.arrived_on.is_(None),
        RegistryResident.arrived_on <= day - timedelta(days=HALF_YEAR),
    )
    stmt = sa.select(sa.func.count(RegistryResident.id)).where(
        RegistryResident.community_id.in_(communities), qualifying_clause(day), settled
    )
    return session.scalar(stmt) or 0


# --- 出生 ---------------------------------------------------------------------------------------


def born_in(period: Period, _day: date) -> sa.ColumnElement[bool]:
    return FpChild.born_on.between(period.start, period.end)


def _born(**more: Any) -> Where:
    def where(period: Period, day: date) -> sa.ColumnElement[bool]:
        conditions = [born_in(period, day)]
        if "order" in more:
            conditions.append(more["order"](FpChild.birth_order))
        if "sex" in more:
            conditions.append(FpChild.sex == more["sex"])
        if "match" in more:
            conditions.append(FpChild.match == more["match"])
        return sa.and_(*conditions)

    return where


def _sex_ratio(session: Session, communities: sa.Select, period: Period) -> float | None:
    """Boys per 100 girls born in the period, only from 20 births on (fewer says nothing and
    would point at families)."""
    boys, girls = (
        _count(FpChild, _born(sex=sex))(session, communities, period) for sex in ("M", "F")
    )
    if boys + girls < 20 or not girls:
        return None
    return round(100.0 * boys / girls, 1)


def _population_years(session: Session, communities: sa.Select, period: Period) -> float:
    """Mean resident population over the period (start and end), times its share of a year:
    what a rate ‰ is annualised by."""
    start = Period(period.start - timedelta(days=1), period.start - timedelta(days=1))
    end = Period(period.end, as_of(period))
    at_start, at_end = (
        session.scalar(residents_present(communities, p)) or 0 for p in (start, end)
    )
    days = (period.end - period.start).days + 1
    return round((at_start + at_end) / 2 * days / 365, 3)


def _deaths(session: Session, communities: sa.Select, period: Period) -> int:
    stmt = sa.select(sa.func.count(RegistryResident.id)).where(
        RegistryResident.community_id.in_(communities),
        RegistryResident.status == "deceased",
        RegistryResident.departed_on.between(period.start, period.end),
    )
    return session.scalar(stmt) or 0


def _moves(arriving: bool) -> Compute:
    """Residents who came to live in (or left, not by death) the communities in the period:
    the 迁入 and 迁出 lines of the 信息核对、补充报告单."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        column = RegistryResident.arrived_on if arriving else RegistryResident.departed_on
        stmt = sa.select(sa.func.count(RegistryResident.id)).where(
            RegistryResident.community_id.in_(communities),
            column.between(period.start, period.end),
        )
        if not arriving:
            stmt = stmt.where(RegistryResident.status != "deceased")
        return session.scalar(stmt) or 0

    return compute


def divorced_in(period: Period, _day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        FpWoman.exit_reason == "divorce", FpWoman.exit_on.between(period.start, period.end)
    )


def _natural_growth(session: Session, communities: sa.Select, period: Period) -> int:
    births = _count(FpChild, born_in)(session, communities, period)
    return births - _deaths(session, communities, period)


# --- 生育登记, 特殊家庭 ---------------------------------------------------------------------------


def applied_in(period: Period, _day: date) -> sa.ColumnElement[bool]:
    return FpBirthReg.applied_on.between(period.start, period.end)


def registered_in(period: Period, _day: date) -> sa.ColumnElement[bool]:
    return FpBirthReg.registered_on.between(period.start, period.end)


def on_time(period: Period, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(registered_in(period, day), FpBirthReg.registered_on <= FpBirthReg.deadline)


def special(_period: Period, day: date) -> sa.ColumnElement[bool]:
    """Special families (失独, 伤残) on the ledger on ``day``."""
    text = sa.cast(FpFamily.categories, sa.String)
    return sa.and_(
        FpFamily.status == "active",
        sa.or_(*(text.contains(f'"{key}"') for key in SPECIAL)),
    )


def _special(*more: Any) -> Where:
    return lambda p, d: sa.and_(special(p, d), *more)


def _paid_lines(period: Period) -> sa.Select:
    """Lines paid by the rolls whose payment came back in the period."""
    paid = sa.select(FpRoll.id).where(FpRoll.paid_on.between(period.start, period.end))
    return sa.select(FpRollLine).where(
        FpRollLine.roll_id.in_(paid), FpRollLine.line_kind.in_(PAYING), FpRollLine.paid.is_(True)
    )


def _benefit(total: bool) -> Compute:
    def compute(session: Session, communities: sa.Select, period: Period) -> Any:
        lines = _paid_lines(period).where(FpRollLine.community_id.in_(communities)).subquery()
        what = sa.func.coalesce(sa.func.sum(lines.c.amount), 0) if total else sa.func.count()
        value = session.scalar(sa.select(what).select_from(lines))
        return float(value) if total else int(value or 0)

    return compute


def _supplies_out(session: Session, communities: sa.Select, period: Period) -> int:
    """Contraceptives handed out or put in the self-service boxes in the period."""
    stmt = sa.select(sa.func.coalesce(sa.func.sum(FpSupplyMove.quantity), 0)).where(
        FpSupplyMove.community_id.in_(communities),
        FpSupplyMove.kind.in_(("out", "box")),
        FpSupplyMove.moved_on.between(period.start, period.end),
    )
    return int(session.scalar(stmt) or 0)


def _indicator(key: str, label: Any, unit: Any, compute: Compute, **kw: Any) -> Indicator:
    return Indicator(f"{MODULE}.{key}", label, unit, compute, module=MODULE, **kw)


def _rate(key: str, label: Any, numerator: str, denominator: str, **kw: Any) -> Indicator:
    unit = kw.pop("unit", "%")
    return Indicator(
        f"{MODULE}.{key}",
        label,
        unit,
        module=MODULE,
        kind="ratio",
        numerator=f"{MODULE}.{numerator}",
        denominator=f"{MODULE}.{denominator}",
        direction=kw.pop("direction", "up"),
        **kw,
    )


def _rows(model_name: str, where: Where) -> dict[str, Any]:
    return {"records": (model_name, where)}


def _card_count(key: str, label: Any, where: Where, description: Any) -> Indicator:
    return _indicator(
        key,
        label,
        PEOPLE,
        _count(FpWoman, where),
        stock=True,
        description=description,
        **_rows("woman", where),
    )


def _birth_count(key: str, label: Any, where: Where, description: Any) -> Indicator:
    return _indicator(
        key, label, PEOPLE, _count(FpChild, where), description=description, **_rows("child", where)
    )


def _family_count(key: str, label: Any, where: Where, description: Any) -> Indicator:
    return _indicator(
        key,
        label,
        FAMILIES,
        _count(FpFamily, where),
        stock=True,
        suppress_below=5,
        description=description,
    )


def _activities() -> list[Indicator]:
    from .activities.ledgers import activities

    return [
        activities.indicator(
            f"{MODULE}.school_sessions", _l("Population school sessions"), "school"
        ),
        activities.indicator(f"{MODULE}.activities", _l("Family-planning activities")),
    ]


INDICATORS = [
    _indicator(
        "supply_kinds",
        _l("Contraceptive kinds kept"),
        _l("kinds"),
        _count(FpSupplyItem, lambda p, d: sa.true()),
        stock=True,
        description=_l("Kinds on the contraceptive ledger"),
    ),
    _indicator(
        "supply_out",
        _l("Contraceptives handed out"),
        _l("pieces"),
        _supplies_out,
        description=_l("Handed out or put in the self-service boxes in the period"),
    ),
    _indicator(
        "benefit_people",
        _l("People paid rewards and support"),
        PEOPLE,
        _benefit(False),
        description=_l("Lines paid by the rolls paid in the period"),
    ),
    _indicator(
        "benefit_amount",
        _l("Rewards and support paid"),
        _l("yuan"),
        _benefit(True),
        kind="sum",
        description=_l("Amounts paid by the rolls paid in the period"),
    ),
    _card_count(
        "married_women",
        _l("Married women of childbearing age"),
        on_register,
        _l("Cards on the register, women aged 15 to 49 on the as-of day"),
    ),
    _card_count("married_women_in", _l("of whom inflow"), inflow, _l("Cards of inflow women")),
    _card_count(
        "women.childless",
        _l("of whom with no child"),
        with_children(0, 0),
        _l("No child now living"),
    ),
    _card_count("women.one", _l("of whom with one child"), with_children(1, 1), _l("One child")),
    _card_count("women.two", _l("of whom with two children"), with_children(2, 2), _l("Two")),
    _card_count(
        "women.three_plus", _l("of whom with three or more"), with_children(3), _l("Three or more")
    ),
    _indicator(
        "marriages",
        _l("Women married in the period"),
        PEOPLE,
        _count(FpWoman, married_in),
        description=_l("Cards whose date of marriage falls in the period"),
        **_rows("woman", married_in),
    ),
    _card_count(
        "platform_in",
        _l("Inflow women entered into the platform"),
        on_platform,
        _l("Inflow women entered into the national platform by the as-of day"),
    ),
    _indicator(
        "qualifying_women",
        _l("Women who should have a card"),
        PEOPLE,
        _qualifying,
        stock=True,
        description=_l("Female, 15 to 49, married, living here; inflow only after half a year"),
    ),
    _rate("filing_rate", _l("Filing rate"), "married_women", "qualifying_women"),
    _rate(
        "platform_rate",
        _l("Platform entry rate of floating women"),
        "platform_in",
        "married_women_in",
    ),
    _birth_count("births", _l("Births"), born_in, _l("Children born in the period")),
    _birth_count("births.first", _l("First births"), _born(order=lambda o: o == 1), _l("Order 1")),
    _birth_count(
        "births.second", _l("Second births"), _born(order=lambda o: o == 2), _l("Order 2")
    ),
    _birth_count(
        "births.third_plus",
        _l("Third and later births"),
        _born(order=lambda o: o >= 3),
        _l("Order 3 or more"),
    ),
    _birth_count("births.boys", _l("Boys born"), _born(sex="M"), _l("Boys born in the period")),
    _birth_count("births.girls", _l("Girls born"), _born(sex="F"), _l("Girls born in the period")),
    _birth_count(
        "births.matched",
        _l("Births compared consistent"),
        _born(match="same"),
        _l("Births whose comparison was consistent"),
    ),
    _indicator(
        "population_years",
        _l("Mean population (person-years)"),
        _l("person-years"),
        _population_years,
        description=_l("Mean of the residents at the start and end, times the share of a year"),
    ),
    _indicator("deaths", _l("Deaths"), PEOPLE, _deaths, description=_l("Residents who died")),
    _indicator(
        "moved_in",
        _l("Residents moved in"),
        PEOPLE,
        _moves(arriving=True),
        description=_l("Residents who came to live here in the period"),
    ),
    _indicator(
        "moved_out",
        _l("Residents moved out"),
        PEOPLE,
        _moves(arriving=False),
        description=_l("Residents who left in the period, deaths apart"),
    ),
    _indicator(
        "divorces",
        _l("Women off the register by divorce"),
        PEOPLE,
        _count(FpWoman, divorced_in),
        description=_l("Cards that left the register in the period because of a divorce"),
        **_rows("woman", divorced_in),
    ),
    _indicator(
        "natural_growth",
        _l("Natural growth"),
        PEOPLE,
        _natural_growth,
        description=_l("Births minus deaths"),
    ),
    _rate(
        "birth_rate",
        _l("Birth rate"),
        "births",
        "population_years",
        unit="‰",
        per=1000,
        direction="",
    ),
    _rate(
        "natural_growth_rate",
        _l("Natural growth rate"),
        "natural_growth",
        "population_years",
        unit="‰",
        per=1000,
        direction="",
    ),
    _indicator(
        "sex_ratio",
        _l("Sex ratio at birth"),
        _l("boys per 100 girls"),
        _sex_ratio,
        description=_l("Boys per 100 girls born, shown from 20 births on"),
    ),
    _indicator(
        "regs",
        _l("Birth registrations"),
        CASES,
        _count(FpBirthReg, applied_in),
        description=_l("Applications in the period"),
        **_rows("birth_reg", applied_in),
    ),
    _indicator(
        "regs_done",
        _l("Birth registrations registered"),
        CASES,
        _count(FpBirthReg, registered_in),
        description=_l("Registered in the period"),
        **_rows("birth_reg", registered_in),
    ),
    _indicator(
        "regs_on_time",
        _l("Registered on time"),
        CASES,
        _count(FpBirthReg, on_time),
        description=_l("Registered by their deadline"),
        **_rows("birth_reg", on_time),
    ),
    _rate("reg_on_time", _l("Registered on time rate"), "regs_on_time", "regs_done"),
    _rate("birth_match_rate", _l("Birth comparison rate"), "births.matched", "births"),
    _family_count(
        "special_families",
        _l("Special families"),
        special,
        _l("Families on the ledger that lost their only child or whose only child is disabled"),
    ),
    _family_count(
        "special_contact",
        _l("Special families with a contact"),
        _special(FpFamily.contact_name != ""),
        _l("With a community contact"),
    ),
    _family_count(
        "special_gp",
        _l("Special families with a family doctor"),
        _special(FpFamily.gp_signed_on.is_not(None)),
        _l("With a family doctor signed"),
    ),
    _rate(
        "special_contact_rate",
        _l("Contact coverage of special families"),
        "special_contact",
        "special_families",
    ),
    _rate(
        "special_gp_rate",
        _l("Family doctor rate of special families"),
        "special_gp",
        "special_families",
    ),
]
INDICATORS += _activities()

# --- the work's quality (quality.py) -----------------------------------------------------------

INDICATORS += [
    _indicator(
        "key_events",
        _l("Key service events"),
        CASES,
        key_events(visited=False),
        description=_l(
            "Births (visit within 42 days) and marriages (within 30 days) of the period whose "
            "window has closed or which were visited"
        ),
    ),
    _indicator(
        "key_visited",
        _l("Key service events visited in time"),
        CASES,
        key_events(visited=True),
        description=_l("Of those, visited within their quota"),
    ),
    _rate(
        "key_visit_rate", _l("Visit rate of key service recipients"), "key_visited", "key_events"
    ),
    _family_count(
        "special_visited",
        _l("Special families visited on time"),
        lambda p, d: sa.and_(special(p, d), visited_on_time(p, d)),
        _l("Visited within the month before the as-of day"),
    ),
    _rate(
        "special_visit_rate",
        _l("On-time visit rate of special families"),
        "special_visited",
        "special_families",
    ),
    _indicator(
        "info_changes",
        _l("Changes to record"),
        CASES,
        changes(on_time=False),
        description=_l("Births and marriages of the period on file"),
    ),
    _indicator(
        "info_changes_on_time",
        _l("Changes recorded in time"),
        CASES,
        changes(on_time=True),
        description=_l("Recorded no later than 30 days after they happened"),
    ),
    _rate(
        "info_timeliness",
        _l("Timeliness of information changes"),
        "info_changes_on_time",
        "info_changes",
    ),
    _indicator(
        "births_reported_on_file",
        _l("Births on file in the months reported"),
        PEOPLE,
        report_births(gap=False),
        description=_l("Births on file in the months whose monthly report was filed"),
    ),
    _indicator(
        "births_report_gap",
        _l("Births misreported"),
        PEOPLE,
        report_births(gap=True),
        description=_l(
            "How far the births in the filed monthly reports are from the births on file, "
            "community by community"
        ),
    ),
    _rate(
        "birth_report_error",
        _l("Birth statistics error"),
        "births_report_gap",
        "births_reported_on_file",
        direction="down",
    ),
    # 集中服务活动: a community cadre covers every woman of the register (004 l.27-28).
    _card_count(
        "women_visited",
        _l("Women on the register visited"),
        lambda p, d: sa.and_(on_register(p, d), visited_in(p, d)),
        _l("Cards on the register whose woman was visited in the period"),
    ),
    _rate(
        "visit_coverage",
        _l("Visit coverage of the register"),
        "women_visited",
        "married_women",
        description=_l("In a campaign month every woman of the register is visited: 100%"),
    ),
    # S3 behind it: small counts withheld, and no list of the women.
    _indicator(
        "contraception_users",
        _l("Women using contraception (not assessed)"),
        PEOPLE,
        _count(FpWoman, lambda p, d: sa.and_(on_register(p, d), contraception_users(p, d))),
        stock=True,
        suppress_below=5,
        optional=True,
        description=_l("Cards on the register that say a method is used, given voluntarily"),
    ),
    _rate(
        "contraception_rate",
        _l("Overall contraception rate (not assessed)"),
        "contraception_users",
        "married_women",
        direction="",
        optional=True,
    ),
]
