"""What a child in care must respect: the categories and vocabularies of the 关爱对象台账, the
ages of entry (under 18; 困难家庭大学生 up to 25; 留守儿童 under 16), the registry resident of the
community it names, and when a lead is to be assessed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.records.lookup import live_record_of
from core.sdk import refuse
from plugins.registry.ages import age_on, years_before
from plugins.registry.models import RegistryResident, RegistryUnit
from tenants.models import Node

from ..common import today, written
from .models import YouthCareChild

CATEGORIES = {
    "poor_family": _l("Child in difficulty: poor family"),
    "disabled": _l("Child in difficulty: disability"),
    "no_guardian": _l("Child in difficulty: guardianship missing or improper"),
    "unsupported": _l("Child de facto without support"),
    "orphan": _l("Orphan"),
    "left_behind": _l("Left-behind child"),
    "migrant": _l("Migrant child"),
    "single_parent": _l("Child of a single-parent or reconstituted family"),
    "subsistence": _l("Child of a subsistence-allowance family"),
    "prisoner_parent": _l("Child of a prisoner"),
    "misbehaviour": _l("Young person with misbehaviour"),
    "student": _l("University student of a family in difficulty"),
    "other": _l("Other care category"),
}
IN_DIFFICULTY = ("poor_family", "disabled", "no_guardian")  # 困境儿童
GUARDIAN_RELATIONS = {
    "father": _l("Father"),
    "mother": _l("Mother"),
    "grandparents": _l("Paternal grandparents"),
    "maternal_grandparents": _l("Maternal grandparents"),
    "relative": _l("Other relative"),
    "institution": _l("Institution"),
}
GUARDIANSHIP = {
    "good": _l("Guardianship good"),
    "fair": _l("Guardianship fair"),
    "missing": _l("Guardianship missing"),
    "improper": _l("Guardianship improper"),
}
GRADES = {
    "preschool": _l("Preschool"),
    **{f"p{n}": _l("Primary year %(n)s", n=n) for n in range(1, 7)},
    **{f"j{n}": _l("Junior middle year %(n)s", n=n) for n in range(1, 4)},
    **{f"s{n}": _l("Senior middle year %(n)s", n=n) for n in range(1, 4)},
    "vocational": _l("Secondary vocational"),
    "university": _l("University"),
    "out_of_school": _l("Dropped out or out of school"),
}
NEEDS = {
    "living": _l("Living assistance"),
    "study": _l("Study support"),
    "mental": _l("Psychological care"),
    "safety": _l("Safe guardianship"),
    "medical": _l("Medical rehabilitation"),
    "legal": _l("Legal aid"),
    "employment": _l("Employment guidance"),
}
LEVELS = {"general": _l("General attention"), "key": _l("Key attention"), "urgent": _l("Urgent")}
SOURCES = {
    "sweep": _l("Sweep"),
    "school": _l("Recommended by a school"),
    "civil_affairs": _l("Civil affairs list import"),
    "residents": _l("Reported by residents"),
    "registry": _l("Registry candidate"),
}
STATUSES = {"lead": _l("Lead"), "active": _l("In care"), "exited": _l("Exited care")}
EXIT_REASONS = {
    "adult": _l("Turned 18"),
    "improved": _l("Situation improved"),
    "moved": _l("Moved out of the community"),
    "died": _l("Died"),
}
ADULT = 18
STUDENT_LIMIT = 25  # 困难家庭大学生
LEFT_BEHIND_LIMIT = 16  # 留守儿童: the rural definition, under 16
CHECKED = ("resident_id", "categories", "guardian_id", "school_id", "found_on", "level")


def _age_limit(categories: list[str]) -> tuple[int, str]:
    """The age a child must be under at entry, and the refusal's words."""
    if "left_behind" in categories:
        return LEFT_BEHIND_LIMIT, _("A left-behind child must be under 16.")
    if "student" in categories:
        return STUDENT_LIMIT + 1, _("A university student in care must be 25 or younger.")
    return ADULT, _("A child in care must be under 18 at entry.")


def check_child(
    session: Session, community: Node, data: dict[str, Any], child: YouthCareChild | None
) -> None:
    """The child is a live resident of the community, young enough for its categories, not in
    care twice; the guardian a live resident, the school a unit of kind 学校. A new record sits
    at the resident's place and its lead is due for assessment (7 days, 紧急 the next day)."""
    resident_id, categories, guardian_id, school_id, found_on, level = written(
        data, child, *CHECKED
    )
    message = _("There is no such resident in the registry of this community.")
    resident = live_record_of(
        session, community, RegistryResident, resident_id, "resident_id", message
    )
    limit, refusal = _age_limit(categories or [])
    if age_on(resident.birth_date, found_on or today()) >= limit:
        refuse("categories" if categories else "resident_id", refusal)
    twice = sa.select(YouthCareChild.id).where(
        YouthCareChild.resident_id == resident.id,
        YouthCareChild.status != "exited",
        YouthCareChild.id != (child.id if child else 0),
    )
    if session.scalar(twice) is not None:
        refuse("resident_id", _("This resident is already on the care ledger."), conflict=True)
    if guardian_id is not None:
        guardian = live_record_of(
            session, community, RegistryResident, guardian_id, "guardian_id",
            _("There is no such guardian in the registry of this community."),
        )  # fmt: skip
        if guardian.id == resident.id:
            refuse("guardian_id", _("A child cannot be their own guardian."))
    if school_id is not None:
        school = live_record_of(
            session, community, RegistryUnit, school_id, "school_id",
            _("There is no such school in the registry of this community."),
        )  # fmt: skip
        if school.kind != "school":
            refuse("school_id", _("The unit chosen is not a school."))
    if child is None:
        data["node_id"] = resident.node_id
        data["found_on"] = found_on or today()
        data["deadline"] = assessment_due(data["found_on"], level or "general")
    elif "resident_id" in data:
        child.node_id = resident.node_id


def assessment_due(found_on: date, level: str) -> date:
    """A lead is assessed within 7 days; an urgent one within 24 hours (the next day)."""
    return found_on + timedelta(days=1 if level == "urgent" else 7)


def turned_adult_clause(day: date) -> sa.ColumnElement[bool]:
    """Children in care who are 18 on ``day`` (and not university students in care): each is
    proposed for exit (年满18周岁)."""
    born_by = years_before(day, ADULT)
    residents = sa.select(RegistryResident.id).where(RegistryResident.birth_date <= born_by)
    student = sa.cast(YouthCareChild.categories, sa.String).like('%"student"%')
    return sa.and_(
        YouthCareChild.status == "active",
        YouthCareChild.resident_id.in_(residents),
        sa.not_(student),
    )


def import_civil_affairs_row(
    session: Session, community: Node, data: dict[str, Any]
) -> YouthCareChild:
    """A 民政 list row: the registry resident of the community with that ID number, put on the
    ledger as a lead from the list (民政名单导入); an unknown ID refuses the row."""
    from .ledgers import children

    id_number = data.pop("id_number").strip().upper()
    resident_id = session.scalar(
        sa.select(RegistryResident.id).where(
            RegistryResident.community_id == community.id,
            RegistryResident.id_number == id_number,
            RegistryResident.deleted_at.is_(None),
        )
    )
    if resident_id is None:
        refuse("id_number", _("No resident of this community has this ID number."))
    return children.write_new(
        session, community, {**data, "resident_id": resident_id, "source": "civil_affairs"}
    )
