"""Every domain operation of the registry: writes (with history and audit), searches, the
floating-population lifecycle and indicators. Lists, exports and imports are the ledgers'
(``ledgers.py``).

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Other plugins use :func:`search_residents`, :func:`get_resident`, :func:`search_units` and
:func:`get_unit` to reference registry rows (see README.md).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import clock
from core.errors import DomainError
from core.permissions import Scope
from core.records.history import diff
from core.records.ledger import empty_value
from core.reports import Period
from core.sdk import S3, refuse, writable
from core.tree import NodeRef
from tenants.models import Node, NodeKind
from tenants.modules import enabled_communities

from .ages import age_on, band_clause, years_before
from .hookspecs import Tag
from .models import (
    RegistryHousehold,
    RegistryResident,
    RegistryResidentTag,
    RegistryUnit,
)
from .validators import parse_resident_id

MODULE = "registry"
VIEW = "registry.view"
EDIT = "registry.edit"
SENSITIVE = "registry.sensitive.view"
RESTORE = "registry.restore"

STATUSES = {
    "registered": _l("Registered resident"),
    "floating": _l("Floating resident"),
    "moved_out": _l("Moved away"),
    "deceased": _l("Deceased"),
}
PRESENT = ("registered", "floating")
GENDERS = {"M": _l("Male"), "F": _l("Female")}
TENURES = {"owned": _l("Owned"), "rented": _l("Rented"), "other": _l("Other tenure")}
RELATIONS = {
    "head": _l("Head of household"),
    "spouse": _l("Spouse"),
    "child": _l("Child"),
    "parent": _l("Father or mother"),
    "other": _l("Other relation"),
}
UNIT_KINDS = {
    "enterprise": _l("Enterprise"),
    "shop": _l("Shop"),
    "individual": _l("Individual business"),
    "school": _l("School"),
    "property": _l("Property company"),
    "institution": _l("Public institution"),
    "agency": _l("Government agency"),
    "social_org": _l("Social organisation"),
    "entertainment": _l("Internet café or entertainment venue"),
    "other": _l("Other unit"),
}
SIZE_CLASSES = {"above": _l("Above designated size"), "below": _l("Below designated size")}
BUSINESS_STATUSES = {
    "operating": _l("Operating"),
    "suspended": _l("Suspended"),
    "closed": _l("Closed or deregistered"),
    "moved": _l("Moved out of the area"),
}
INDUSTRIES = {
    "catering": _l("Catering"),
    "retail": _l("Wholesale and retail"),
    "lodging": _l("Lodging"),
    "construction": _l("Construction"),
    "manufacturing": _l("Manufacturing"),
    "logistics": _l("Transport, storage and logistics"),
    "property": _l("Real estate and property management"),
    "it": _l("Information technology"),
    "business_services": _l("Leasing and business services"),
    "resident_services": _l("Resident services and repairs"),
    "education": _l("Education"),
    "health": _l("Health"),
    "culture": _l("Culture, sports and entertainment"),
    "public": _l("Public administration and social organisations"),
    "chemicals": _l("Hazardous chemicals"),
    "other": _l("Other industry"),
}
MARITAL_STATUSES = {
    "unmarried": _l("Unmarried"),
    "first_marriage": _l("First marriage, spouse living"),
    "remarried": _l("Remarried, spouse living"),
    "divorced": _l("Divorced"),
    "widowed": _l("Widowed"),
}
# 民法典 第一千零四十七条: the legal marriage age, by gender.
MARRIAGE_AGES = {"M": 22, "F": 20}
PRESENCES = {
    "consistent": _l("Living at the registered address"),
    "here_only": _l("Living here, registered elsewhere (inflow or lodging)"),
    "away": _l("Registered here, living elsewhere (outflow)"),
}
EMPLOYMENTS = {
    "employed": _l("Employed"),
    "unemployed": _l("Registered unemployed"),
    "retired": _l("Retired"),
    "student": _l("In school"),
    "preschool": _l("Preschool child"),
    "none": _l("Not working"),
}
POLITICAL_STATUSES = {
    "cpc_member": _l("CPC member"),
    "cpc_probationary": _l("CPC probationary member"),
    "cyl_member": _l("Communist Youth League member"),
    "masses": _l("The masses (no party)"),
    "democratic_party": _l("Democratic party member"),
}
GUARDIAN_RELATIONS = {
    "father": _l("Father"),
    "mother": _l("Mother"),
    "grandparent": _l("Grandparent"),
    "sibling": _l("Brother or sister"),
    "other": _l("Other guardian"),
}
# 居民身份证法 第二条: a citizen must hold an ID card from 16; younger ones may be without.
ID_REQUIRED_AGE = 16
ADULT_AGE = 18

# What other plugins see of a tag declared by the registry itself. Age groups (老年人,
# 育龄妇女) are not tags: they are age bands, computed (ages.py). Special groups are S3
# (tags.py); 留守儿童 is a rural category, offered where the setting ``rural`` is on.
OWN_TAGS = [
    Tag("disabled", _l("Person with a disability"), MODULE, S3),
    Tag("dibao", _l("Minimum living allowance"), MODULE, S3),
    Tag("left_behind_child", _l("Left-behind child"), MODULE, S3, setting="rural"),
    Tag("veteran", _l("Veteran"), MODULE),
    Tag("empty_nest", _l("Empty-nest elderly (children live elsewhere)"), MODULE),
    Tag("living_alone", _l("Elderly living alone"), MODULE),
]

RESIDENT_FIELDS = (
    "name",
    "gender",
    "id_number",
    "birth_certificate_number",
    "birth_date",
    "mobile",
    "ethnicity",
    "hukou_address",
    "current_address",
    "status",
    "arrived_on",
    "household_id",
    "relation",
    "marital_status",
    "presence",
    "out_to",
    "out_since",
    "employment",
    "employer_id",
    "employer_name",
    "political_status",
    "guardian_id",
    "guardian_relation",
    "notes",
)
HOUSEHOLD_FIELDS = (
    "entrance",
    "room",
    "head_name",
    "tenure",
    "moved_in_on",
    "rental",
    "landlord_id",
    "tenant_count",
    "group_rental",
    "notes",
)
ACTIONS: dict[str, Any] = {
    "manage": _l("Taken into management"),
    "move_out": _l("Moved away"),
    "death": _l("Died"),
    "transfer": _l("Transferred in"),
}


def today() -> date:
    """Today in the platform's time zone (``JIEDAO_TIMEZONE``)."""
    return clock.today()


def declared_tags() -> dict[str, Tag]:
    """Every tag declared through ``registry_tags`` (the registry's own first), by key."""
    from tenants.modules import plugin_system

    tags: dict[str, Tag] = {}
    for name, found in plugin_system().call("registry_tags"):
        for tag in found or []:
            tags.setdefault(tag.key, tag if tag.module else dataclasses.replace(tag, module=name))
    return tags


# --- history and audit -----------------------------------------------------------------------


def _history(
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


# --- places ----------------------------------------------------------------------------------


def buildings(session: Session, community: Node) -> list[Node]:
    """The community's buildings (for the forms' select), by code."""
    stmt = (
        sa.select(Node)
        .where(Node.kind == NodeKind.BUILDING, Node.community_id == community.id)
        .order_by(Node.code)
    )
    return list(session.scalars(stmt))


def building_in(session: Session, community: Node, ref: str) -> Node:
    """The building ``ref`` (its ref, code or name) if it is in ``community``; refused otherwise."""
    text = (ref or "").strip()
    candidates = session.scalars(
        sa.select(Node).where(
            Node.kind == NodeKind.BUILDING,
            sa.or_(
                Node.ref == text,
                sa.and_(Node.community_id == community.id, Node.code == text),
                sa.and_(Node.community_id == community.id, Node.name == text),
            ),
        )
    ).all()
    for node in candidates:
        if node.community_id == community.id:
            return node
    if candidates:
        refuse(
            "building",
            _(
                "The building %(building)s is not in %(community)s.",
                building=text,
                community=community.name,
            ),
        )
    refuse(
        "building",
        _(
            "There is no building %(building)s in %(community)s.",
            building=text,
            community=community.name,
        ),
    )


# --- references and rules --------------------------------------------------------------------


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


def _will(obj: Any, data: dict[str, Any], key: str) -> Any:
    """What ``key`` holds once ``data`` is written: the value sent, else the stored one."""
    if key in data:
        return data[key]
    return getattr(obj, key) if obj is not None else None


def _belongs_with(
    obj: Any,
    data: dict[str, Any],
    refusals: Refusals,
    keys: tuple[str, ...],
    allowed: bool,
    message: str,
) -> None:
    """Fields that only mean something beside another (流向地 with 户在人不在, 群租 with 出租):
    where it is not so, a value sent is refused and a stored one the change leaves behind is
    cleared (the history keeps it)."""
    if allowed:
        return
    for key in keys:
        if data.get(key) not in (None, "", False):
            refusals.add(key, message)
        elif obj is not None and getattr(obj, key) not in (None, "", False):
            data[key] = False if isinstance(getattr(obj, key), bool) else None


def reachable(model: Any, community: Node) -> sa.ColumnElement[bool]:
    """The rows a record of ``community`` may name (a guardian, an employer, a landlord): what
    the signed-in user may read in the registry; outside a signed-in request (the CLI, the
    demo) the rows of the community's street where the module is on."""
    from flask import has_request_context
    from flask_login import current_user

    if has_request_context() and current_user and current_user.is_authenticated:
        from core.permissions import current_scope

        return visible_clause(model, current_scope())
    return sa.and_(
        model.street_id == community.street_id,
        model.community_id.in_(enabled_communities(MODULE)),
    )


# --- residents -------------------------------------------------------------------------------


def _check_id(
    session: Session, community: Node, data: dict[str, Any], exclude: int | None = None
) -> None:
    """Birth date and gender agree with the ID; the ID is not registered twice in the community."""
    number = data["id_number"]
    parsed = parse_resident_id(number)  # the schema already checked the number
    if data.get("gender") and data["gender"] != parsed.gender:
        refuse("gender", _("The gender does not match the resident ID."))
    if data.get("birth_date") and data["birth_date"] != parsed.birth_date:
        refuse("birth_date", _("The birth date does not match the resident ID."))
    data["gender"], data["birth_date"] = parsed.gender, parsed.birth_date
    stmt = sa.select(RegistryResident.name).where(
        RegistryResident.community_id == community.id,
        RegistryResident.id_number == number,
        RegistryResident.deleted_at.is_(None),
    )
    if exclude is not None:
        stmt = stmt.where(RegistryResident.id != exclude)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        refuse(
            "id_number",
            _(
                "This resident ID is already registered in %(community)s (%(name)s).",
                community=community.name,
                name=other,
            ),
            conflict=True,
        )


def _check_settling(resident: RegistryResident, data: dict[str, Any]) -> None:
    """落户: the ID a child registered by their birth certificate receives says the birth date
    and gender the record holds (or is being corrected to in the same write)."""
    parsed = parse_resident_id(data["id_number"])
    born = data.get("birth_date") or resident.birth_date
    gender = data.get("gender") or resident.gender
    if (born, gender) != (parsed.birth_date, parsed.gender):
        refuse(
            "id_number",
            _(
                "This ID says born %(id_born)s, %(id_gender)s; the resident is recorded as born "
                "%(born)s, %(gender)s. Check the number, or correct the record first.",
                id_born=parsed.birth_date.isoformat(),
                id_gender=str(GENDERS[parsed.gender]),
                born=born.isoformat(),
                gender=str(GENDERS.get(gender, gender)),
            ),
        )


def _check_resident(
    session: Session, community: Node, data: dict[str, Any], resident: RegistryResident | None
) -> None:
    """The rules of a resident's record as it will be (``data`` over what is stored): a birth
    certificate stands in for the ID only for a child under 16; marital status by the legal
    marriage age; 流向地 only for 户在人不在; employer, guardian and household head are records
    the user can see. Every broken rule is refused at once, naming its field."""
    refusals = Refusals()
    day = today()
    born, gender = _will(resident, data, "birth_date"), _will(resident, data, "gender")
    if not _will(resident, data, "id_number"):
        if not _will(resident, data, "birth_certificate_number"):
            refusals.add(
                "birth_certificate_number",
                _("Without a resident ID, give the birth certificate number."),
            )
        if born is None:
            refusals.add("birth_date", _("Without a resident ID, give the date of birth."))
        elif age_on(born, day) >= ID_REQUIRED_AGE:
            refusals.add(
                "id_number",
                _(
                    "From the age of 16 a resident ID is required (Resident Identity Card Law, "
                    "article 2): only a younger child is registered by the birth certificate."
                ),
            )
        if not gender:
            refusals.add("gender", _("Without a resident ID, give the gender."))
    marital = _will(resident, data, "marital_status")
    touched = {"marital_status", "birth_date", "gender", "id_number"} & data.keys()
    legal = MARRIAGE_AGES.get(gender or "")
    under_age = bool(born and legal and age_on(born, day) < legal)
    if touched and marital and marital != "unmarried" and under_age:
        refusals.add(
            "marital_status",
            _(
                "Below the legal marriage age (22 for men, 20 for women: Civil Code, article "
                "1047) the marital status can only be unmarried."
            ),
        )
    away = (_will(resident, data, "presence") or "consistent") == "away"
    _belongs_with(
        resident,
        data,
        refusals,
        ("out_to", "out_since"),
        away,
        _("Only for a resident registered here and living elsewhere (outflow)."),
    )
    if away and not _will(resident, data, "out_to"):
        refusals.add("out_to", _("Say where the resident lives now."))
    _check_employer(session, community, data, resident, refusals)
    _check_guardian(session, community, data, resident, refusals)
    _check_head_relation(session, data, resident, refusals)
    refusals.raise_any()


def _check_employer(
    session: Session,
    community: Node,
    data: dict[str, Any],
    resident: RegistryResident | None,
    refusals: Refusals,
) -> None:
    """工作单位: a unit of the registry, or the name of one elsewhere; not both."""
    unit_id, name = data.get("employer_id"), data.get("employer_name")
    if unit_id:
        found = session.scalar(
            sa.select(RegistryUnit.id).where(
                RegistryUnit.id == unit_id, reachable(RegistryUnit, community)
            )
        )
        if found is None:
            refusals.add("employer_id", _("There is no such unit in the registry."))
        if name:
            refusals.add(
                "employer_name",
                _("Choose a unit of the registry or name one elsewhere, not both."),
            )
        elif resident is not None and resident.employer_name:
            data["employer_name"] = None
    elif name and "employer_id" not in data and resident is not None and resident.employer_id:
        data["employer_id"] = None


def _check_guardian(
    session: Session,
    community: Node,
    data: dict[str, Any],
    resident: RegistryResident | None,
    refusals: Refusals,
) -> None:
    """监护人: an adult living in the registry the user can see, not the resident themself."""
    guardian_id = data.get("guardian_id")
    if guardian_id:
        guardian = session.scalar(
            sa.select(RegistryResident).where(
                RegistryResident.id == guardian_id,
                RegistryResident.status.in_(PRESENT),
                reachable(RegistryResident, community),
            )
        )
        if resident is not None and guardian_id == resident.id:
            refusals.add("guardian_id", _("A resident cannot be their own guardian."))
        elif guardian is None:
            refusals.add(
                "guardian_id", _("The guardian must be a resident living in the registry.")
            )
        elif age_on(guardian.birth_date, today()) < ADULT_AGE:
            refusals.add(
                "guardian_id",
                _("A guardian is an adult: %(name)s is under 18.", name=guardian.name),
            )
    _belongs_with(
        resident,
        data,
        refusals,
        ("guardian_relation",),
        bool(_will(resident, data, "guardian_id")),
        _("Choose the guardian first."),
    )


def _check_head_relation(
    session: Session, data: dict[str, Any], resident: RegistryResident | None, refusals: Refusals
) -> None:
    """A household has one head: a member becomes it only while it has none (another head is
    chosen on the household's page)."""
    if not {"relation", "household_id"} & data.keys():
        return
    household_id = _will(resident, data, "household_id")
    if _will(resident, data, "relation") != "head" or not household_id:
        return
    household = session.get(RegistryHousehold, household_id)
    if household is None or household.head_id is None:
        return
    if resident is not None and household.head_id == resident.id:
        return
    head = session.get(RegistryResident, household.head_id)
    if head is not None and head.deleted_at is None:
        refusals.add(
            "relation",
            _(
                "%(name)s is this household's head; choose another head on the household's page.",
                name=head.name,
            ),
        )


def _resident_node(session: Session, community: Node, data: dict[str, Any]) -> int:
    """The node a resident belongs to: the household's building, a building, or the community."""
    household_id = data.get("household_id")
    if household_id:
        household = session.get(RegistryHousehold, household_id)
        if (
            household is None
            or household.community_id != community.id
            or household.deleted_at is not None
        ):
            refuse(
                "household_id",
                _("There is no such household in %(community)s.", community=community.name),
            )
        return household.node_id
    building = data.pop("building", None)
    if building:
        return building_in(session, community, building).id
    return community.id


def _set_tags(
    session: Session, community: Node, resident: RegistryResident, tags: list[str] | None
) -> list[Any]:
    """The resident's tags as asked, by the rules of ``tags.py`` (hidden ones kept)."""
    from .tags import new_tags

    if tags is None:
        return []
    old = sorted(resident.tags)
    new = new_tags(session, community, old, tags)
    if old == new:
        return []
    resident.tag_rows = [RegistryResidentTag(tag=t) for t in new]
    return [old, new]


def _household_changed(
    session: Session, household: RegistryHousehold, changes: dict[str, list[Any]], user: Any
) -> None:
    if changes:
        session.flush()
        _history(
            session,
            household,
            "update",
            changes,
            _("Changed household %(address)s", address=household.address),
            user,
        )


def _follow_head(session: Session, resident: RegistryResident, user: Any = None) -> None:
    """A household's head follows the member who heads it: one who left the household or took
    another relation heads it no longer; a head's new name becomes its ``head_name``."""
    heading = session.scalars(
        sa.select(RegistryHousehold).where(RegistryHousehold.head_id == resident.id)
    ).all()
    for household in heading:
        if household.id != resident.household_id or resident.relation != "head":
            household.head_id = None
            _household_changed(session, household, {"head_id": [resident.id, None]}, user)
        elif household.head_name != resident.name:
            changes = {"head_name": [household.head_name, resident.name]}
            household.head_name = resident.name
            _household_changed(session, household, changes, user)


def create_resident(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Register a resident (registered or floating: 人来登记) from ``ResidentSchema`` data; a
    child under 16 may be registered by the birth certificate, without an ID. An ID live in
    another community the user sees is refused (409, ``transfers.py``) unless
    ``confirm_duplicate``: registered here too, as a separated residence (人户分离)."""
    from .transfers import refuse_elsewhere

    writable(community)
    data = dict(data)
    if data.get("id_number"):
        _check_id(session, community, data)
    else:
        data["id_number"] = None
    _check_resident(session, community, data, None)
    status = data.get("status") or "registered"
    if status not in PRESENT:
        refuse("status", _("A new resident is registered or floating."))
    if status == "floating" and not data.get("arrived_on"):
        data["arrived_on"] = today()
    node_id = _resident_node(session, community, data)
    tags = data.pop("tags", None)
    resident = RegistryResident(
        node_id=node_id,
        **{k: data[k] for k in RESIDENT_FIELDS if data.get(k) is not None},
    )
    resident.status = status
    resident.id_reversed = resident.id_number[::-1] if resident.id_number else None
    _set_tags(session, community, resident, tags)  # refused before anything is written
    elsewhere = refuse_elsewhere(session, community, data)  # the record's own checks first
    session.add(resident)
    session.flush()
    created = {k: [None, getattr(resident, k)] for k in RESIDENT_FIELDS if getattr(resident, k)}
    if tags:
        created["tags"] = [None, resident.tags]
    summary = (
        _(
            "Registered resident %(name)s, registered in %(places)s too (separated residence)",
            name=resident.name,
            places="、".join(elsewhere),
        )
        if elsewhere
        else _("Registered resident %(name)s", name=resident.name)
    )
    _history(session, resident, "create", created, summary, user)
    return resident


def update_resident(
    session: Session, resident: RegistryResident, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Edit a resident; status changes go through the lifecycle functions, not here. A child
    registered by the birth certificate gets the ID here (落户): it must say the recorded birth
    date and gender; the certificate number stays."""
    community = session.get(Node, resident.community_id)
    writable(community)
    if resident.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    data = {k: v for k, v in data.items() if k != "status"}
    if "id_number" in data and not data["id_number"]:
        if resident.id_number:
            refuse(
                "id_number", _("A resident ID once entered stays: correct it, do not remove it.")
            )
        data.pop("id_number")
    if resident.id_number is None and data.get("id_number"):
        _check_settling(resident, data)
    if "id_number" in data or "gender" in data or "birth_date" in data:
        number = _will(resident, data, "id_number")
        if number:
            merged = {**data, "id_number": number}
            _check_id(session, community, merged, exclude=resident.id)
            data.update({k: merged[k] for k in ("id_number", "gender", "birth_date")})
    _check_resident(session, community, data, resident)
    if "household_id" in data or "building" in data:
        resident.node_id = _resident_node(session, community, data)
    data.pop("building", None)
    changes = diff(resident, data, RESIDENT_FIELDS)
    for key, (_old, new) in changes.items():
        setattr(resident, key, new if new is not None else empty_value(RegistryResident, key))
    resident.id_reversed = resident.id_number[::-1] if resident.id_number else None
    tag_change = _set_tags(session, community, resident, data.get("tags"))
    if tag_change:
        changes["tags"] = tag_change
    if changes:
        session.flush()
        _history(
            session,
            resident,
            "update",
            changes,
            _("Changed resident %(name)s", name=resident.name),
            user,
        )
        _follow_head(session, resident, user)
    return resident


def start_management(
    session: Session, resident: RegistryResident, on: date, user: Any = None
) -> RegistryResident:
    """人在管理: a registered floating resident is taken into management on ``on``."""
    writable(session.get(Node, resident.community_id))
    if resident.status != "floating":
        refuse("status", _("Only a floating resident is taken into management."))
    if resident.managed_on is not None:
        refuse("managed_on", _("This resident is already in management."), conflict=True)
    if resident.arrived_on and on < resident.arrived_on:
        refuse("managed_on", _("Management cannot start before the arrival."))
    if on > today():
        refuse("managed_on", _("The date cannot be in the future."))
    resident.managed_on = on
    session.flush()
    _history(
        session,
        resident,
        "manage",
        {"managed_on": [None, on]},
        _("Took floating resident %(name)s into management", name=resident.name),
        user,
    )
    return resident


def move_out(
    session: Session,
    resident: RegistryResident,
    on: date,
    user: Any = None,
    *,
    deceased: bool = False,
) -> RegistryResident:
    """人走注销: a resident moves out (or died) on ``on``; a second time is refused."""
    writable(session.get(Node, resident.community_id))
    if resident.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    if resident.status not in PRESENT:
        refuse(
            "departed_on",
            _(
                "%(name)s has already left the register (%(status)s on %(date)s).",
                name=resident.name,
                status=str(STATUSES[resident.status]),
                date=resident.departed_on.isoformat() if resident.departed_on else "-",
            ),
            conflict=True,
        )
    if on > today():
        refuse("departed_on", _("The date cannot be in the future."))
    if resident.arrived_on and on < resident.arrived_on:
        refuse("departed_on", _("The departure cannot be before the arrival."))
    new_status = "deceased" if deceased else "moved_out"
    changes = {"status": [resident.status, new_status], "departed_on": [None, on]}
    resident.status, resident.departed_on = new_status, on
    session.flush()
    summary = (
        _("Recorded the death of %(name)s", name=resident.name)
        if deceased
        else _("Moved out resident %(name)s", name=resident.name)
    )
    _history(session, resident, "death" if deceased else "move_out", changes, summary, user)
    return resident


# --- households ------------------------------------------------------------------------------


def _check_household(
    session: Session, community: Node, data: dict[str, Any], household: RegistryHousehold | None
) -> None:
    """A household's rules: its head is one of its members living there; landlord, tenants and
    群租 belong to a rented flat (出租房屋); the landlord is a resident the user can see."""
    refusals = Refusals()
    rental = bool(_will(household, data, "rental"))
    _belongs_with(
        household,
        data,
        refusals,
        ("landlord_id", "tenant_count", "group_rental"),
        rental,
        _("Only for a rented flat: mark it as rented first."),
    )
    landlord_id = data.get("landlord_id")
    if landlord_id and rental:
        found = session.scalar(
            sa.select(RegistryResident.id).where(
                RegistryResident.id == landlord_id,
                RegistryResident.status != "deceased",
                reachable(RegistryResident, community),
            )
        )
        if found is None:
            refusals.add("landlord_id", _("There is no such resident in the registry."))
    head_id = data.get("head_id")
    stays = (
        household is not None
        and household.head_id is not None
        and data.get("head_id", household.head_id) == household.head_id
    )
    if head_id and not stays:
        member = (
            session.scalar(
                sa.select(RegistryResident.id).where(
                    RegistryResident.id == head_id,
                    RegistryResident.household_id == household.id,
                    RegistryResident.status.in_(PRESENT),
                )
            )
            if household is not None
            else None
        )
        if member is None:
            refusals.add(
                "head_id",
                _("The head of household is one of its members living there.")
                if household is not None
                else _("Register the household's members first, then choose its head."),
            )
    elif stays:
        # The head stays: a name typed for them that is not theirs is refused, not dropped.
        name, head = data.get("head_name"), household.head
        if name and head is not None and head.deleted_at is None and name != head.name:
            refusals.add(
                "head_name",
                _(
                    "The head's name is the name of the member who heads the household: "
                    "change it on their record, or choose another head."
                ),
            )
    refusals.raise_any()


def _make_head(
    session: Session, household: RegistryHousehold, head_id: int | None, user: Any
) -> dict[str, list[Any]]:
    """The member ``head_id`` heads the household: their relation becomes head, the former
    head's is cleared (each in their own history); returns the household's own changes."""
    if head_id == household.head_id:
        return {}
    changes: dict[str, list[Any]] = {"head_id": [household.head_id, head_id]}
    former = household.head
    household.head_id = head_id
    if former is not None and former.relation == "head":
        former.relation = ""
        session.flush()
        _history(
            session,
            former,
            "update",
            {"relation": ["head", None]},
            _("Changed resident %(name)s", name=former.name),
            user,
        )
    if head_id is not None:
        head = session.get(RegistryResident, head_id)
        if head.name != household.head_name:
            changes["head_name"] = [household.head_name, head.name]
            household.head_name = head.name
        if head.relation != "head":
            old = head.relation or None
            head.relation = "head"
            session.flush()
            _history(
                session,
                head,
                "update",
                {"relation": [old, "head"]},
                _("Changed resident %(name)s", name=head.name),
                user,
            )
    session.flush()
    session.refresh(household, ["head"])
    return changes


def create_household(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryHousehold:
    """A household in one of the community's buildings (a building elsewhere is refused)."""
    writable(community)
    data = dict(data)
    _check_household(session, community, data, None)
    building = building_in(session, community, data.get("building") or "")
    household = RegistryHousehold(
        node_id=building.id, **{k: data[k] for k in HOUSEHOLD_FIELDS if data.get(k) is not None}
    )
    session.add(household)
    session.flush()
    created = {k: [None, getattr(household, k)] for k in HOUSEHOLD_FIELDS if getattr(household, k)}
    created["building"] = [None, building.name]
    _history(
        session,
        household,
        "create",
        created,
        _("Registered household %(address)s", address=household.address),
        user,
    )
    return household


def update_household(
    session: Session, household: RegistryHousehold, data: dict[str, Any], user: Any = None
) -> RegistryHousehold:
    """Edit a household; choosing its head (a member) sets ``head_name`` and the member's
    relation."""
    community = session.get(Node, household.community_id)
    writable(community)
    if household.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed; restore it first."))
    data = dict(data)
    _check_household(session, community, data, household)
    if "head_id" in data:
        head_changes = _make_head(session, household, data.pop("head_id"), user)
        if "head_name" in head_changes or household.head_id is not None:
            data.pop("head_name", None)
    else:
        head_changes = {}
    changes = diff(household, data, (*HOUSEHOLD_FIELDS, "moved_out_on"))
    if data.get("building"):
        building = building_in(session, community, data["building"])
        if building.id != household.node_id:
            changes["building"] = [household.node.name, building.name]
            household.node_id = building.id
            for member in household.members:  # members live where their household is
                member.node_id = building.id
    for key in (*HOUSEHOLD_FIELDS, "moved_out_on"):
        if key in changes:
            value = changes[key][1]
            setattr(
                household, key, value if value is not None else empty_value(RegistryHousehold, key)
            )
    changes = head_changes | changes
    if changes:
        session.flush()
        session.refresh(household, ["node"])
        _history(
            session,
            household,
            "update",
            changes,
            _("Changed household %(address)s", address=household.address),
            user,
        )
    return household


# --- units -----------------------------------------------------------------------------------


def _check_credit_code(
    session: Session, community: Node, code: str, exclude: int | None = None
) -> None:
    stmt = sa.select(RegistryUnit.name).where(
        RegistryUnit.community_id == community.id,
        RegistryUnit.credit_code == code,
        RegistryUnit.deleted_at.is_(None),
    )
    if exclude is not None:
        stmt = stmt.where(RegistryUnit.id != exclude)
    other = session.scalar(stmt.limit(1))
    if other is not None:
        refuse(
            "credit_code",
            _(
                "This credit code is already registered in %(community)s (%(name)s).",
                community=community.name,
                name=other,
            ),
            conflict=True,
        )


def check_unit(
    session: Session, community: Node, data: dict[str, Any], unit: RegistryUnit | None
) -> None:
    """The units ledger's rules: a credit code once per community; a branch's headquarters in
    another street; ``building`` places the unit (in the community when left empty)."""
    if data.get("credit_code"):
        _check_credit_code(
            session, community, data["credit_code"], exclude=unit.id if unit else None
        )
    street_id = data.get("headquarters_street_id")
    if street_id:
        street = session.get(Node, street_id)
        if street is None or street.kind != NodeKind.STREET:
            refuse("headquarters_street_id", _("Choose the street the headquarters is in."))
        if street.id == community.street_id:
            refuse(
                "headquarters_street_id",
                _("A branch's headquarters is in another street than the branch."),
            )
    if "building" in data:
        building = data.pop("building")
        node_id = building_in(session, community, building).id if building else community.id
        if unit is None:
            data["node_id"] = node_id
        else:
            unit.node_id = node_id


def create_unit(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> RegistryUnit:
    """Register a unit (other plugins call this, e.g. safety's enterprise import)."""
    from .ledgers import units

    return units.create_record(session, community, dict(data), user)


# --- restore ----------------------------------------------------------------------------------


def check_restorable(session: Session, obj: Any) -> None:
    """A deleted resident or unit comes back only if its ID or credit code is free meanwhile."""
    community = session.get(Node, obj.community_id)
    if isinstance(obj, RegistryResident) and obj.id_number:
        _check_id(session, community, {"id_number": obj.id_number}, exclude=obj.id)
    if isinstance(obj, RegistryUnit):
        _check_credit_code(session, community, obj.credit_code, exclude=obj.id)


# --- lists and search ------------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_clause(session: Session, column: Any, text: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``text``, in a form the name/ID indexes serve: ``LIKE 'x%'`` on
    PostgreSQL (``text_pattern_ops`` indexes), a code-point range on SQLite (binary indexes)."""
    if session.get_bind().dialect.name == "postgresql":
        return column.like(_escape_like(text) + "%", escape="\\")
    return sa.and_(column >= text, column < text + "\U0010ffff")


def _looks_like_id(text: str) -> bool:
    return 0 < len(text) <= 18 and text[:-1].isdigit() and (text[-1].isdigit() or text[-1] in "Xx")


def resident_text_clause(session: Session, text: str) -> sa.ColumnElement[bool]:
    """``text``: digits (and a final X) are the end of an ID number, anything else a name prefix."""
    text = text.strip()
    if _looks_like_id(text):
        return prefix_clause(session, RegistryResident.id_reversed, text.upper()[::-1])
    return prefix_clause(session, RegistryResident.name, text)


def visible_clause(model: Any, scope: Scope, permission: str = VIEW) -> sa.ColumnElement[bool]:
    """Rows of ``model`` that ``scope`` may read, in communities where the registry is on."""
    nodes = scope.nodes(permission)
    if not nodes:
        return sa.false()
    return sa.and_(
        model.__scope_clause__(nodes), model.community_id.in_(enabled_communities(MODULE))
    )


def _within(model: Any, place: Node | NodeRef | None) -> sa.ColumnElement[bool]:
    if place is None:
        return sa.true()
    ref = place.as_ref() if isinstance(place, Node) else place
    return model.__scope_clause__([ref])


def search_residents(
    session: Session,
    scope: Scope,
    text: str,
    community: Node | NodeRef | None = None,
    *,
    limit: int = 20,
) -> list[RegistryResident]:
    """Residents ``scope`` may see (``registry.view``, module on) whose name starts with
    ``text`` or whose ID ends with it, optionally under ``community`` (or any node)."""
    text = (text or "").strip()
    if not text:
        return []
    stmt = (
        sa.select(RegistryResident)
        .where(
            visible_clause(RegistryResident, scope),
            _within(RegistryResident, community),
            resident_text_clause(session, text),
        )
        .order_by(RegistryResident.name, RegistryResident.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def search_references(
    session: Session,
    scope: Scope,
    text: str,
    community: Node,
    *,
    adults: bool = False,
    limit: int = 20,
) -> list[RegistryResident]:
    """Residents a record of ``community`` may name (a guardian, a landlord): those ``scope``
    sees whose name starts with ``text`` or whose ID ends with it, not deceased — with
    ``adults``, living there and 18 or over — ``community``'s own first."""
    text = (text or "").strip()
    if not text:
        return []
    conditions = [
        visible_clause(RegistryResident, scope),
        resident_text_clause(session, text),
        RegistryResident.status != "deceased",
    ]
    if adults:
        conditions += [
            RegistryResident.status.in_(PRESENT),
            RegistryResident.birth_date <= years_before(today(), ADULT_AGE),
        ]
    stmt = (
        sa.select(RegistryResident)
        .where(*conditions)
        .order_by(
            sa.case((RegistryResident.community_id == community.id, 0), else_=1),
            RegistryResident.name,
            RegistryResident.id,
        )
    )
    return list(session.scalars(stmt.limit(limit)))


def search_streets(session: Session, text: str, *, limit: int = 20) -> list[Node]:
    """Streets (街道) whose name contains ``text``: what a branch names as its headquarters'."""
    text = (text or "").strip()
    if not text:
        return []
    stmt = (
        sa.select(Node)
        .where(Node.kind == NodeKind.STREET, Node.name.contains(text, autoescape=True))
        .order_by(Node.name, Node.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def get_resident(
    session: Session, scope: Scope, resident_id: int, community: Node | NodeRef | None = None
) -> RegistryResident | None:
    """The resident if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = sa.select(RegistryResident).where(
        RegistryResident.id == resident_id,
        visible_clause(RegistryResident, scope),
        _within(RegistryResident, community),
    )
    return session.scalar(stmt)


def search_units(
    session: Session,
    scope: Scope,
    text: str,
    community: Node | NodeRef | None = None,
    *,
    limit: int = 20,
) -> list[RegistryUnit]:
    """Units ``scope`` may see whose name starts with ``text`` (or with that credit code)."""
    text = (text or "").strip()
    if not text:
        return []
    by_text = (
        RegistryUnit.credit_code == text.upper()
        if len(text) == 18 and text.isalnum()
        else prefix_clause(session, RegistryUnit.name, text)
    )
    stmt = (
        sa.select(RegistryUnit)
        .where(visible_clause(RegistryUnit, scope), _within(RegistryUnit, community), by_text)
        .order_by(RegistryUnit.name, RegistryUnit.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def search_households(
    session: Session,
    scope: Scope,
    text: str,
    community: Node | NodeRef | None = None,
    *,
    limit: int = 20,
) -> list[RegistryHousehold]:
    """Households whose head's name starts with ``text`` or whose room or building contains it."""
    text = (text or "").strip()
    if not text:
        return []
    stmt = (
        sa.select(RegistryHousehold)
        .join(Node, Node.id == RegistryHousehold.node_id)
        .where(
            visible_clause(RegistryHousehold, scope),
            _within(RegistryHousehold, community),
            sa.or_(
                prefix_clause(session, RegistryHousehold.head_name, text),
                RegistryHousehold.room.contains(text, autoescape=True),
                Node.name.contains(text, autoescape=True),
            ),
        )
        .order_by(Node.code, RegistryHousehold.room, RegistryHousehold.id)
    )
    return list(session.scalars(stmt.limit(limit)))


def get_household(
    session: Session, scope: Scope, household_id: int, community: Node | NodeRef | None = None
) -> RegistryHousehold | None:
    """The household if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = sa.select(RegistryHousehold).where(
        RegistryHousehold.id == household_id,
        visible_clause(RegistryHousehold, scope),
        _within(RegistryHousehold, community),
    )
    return session.scalar(stmt)


def get_unit(
    session: Session, scope: Scope, unit_id: int, community: Node | NodeRef | None = None
) -> RegistryUnit | None:
    stmt = sa.select(RegistryUnit).where(
        RegistryUnit.id == unit_id,
        visible_clause(RegistryUnit, scope),
        _within(RegistryUnit, community),
    )
    return session.scalar(stmt)


# --- indicators ------------------------------------------------------------------------------


def _present_at(model_on: Any, model_off: Any, day: date) -> sa.ColumnElement[bool]:
    return sa.and_(
        sa.or_(model_on.is_(None), model_on <= day), sa.or_(model_off.is_(None), model_off > day)
    )


def _residents_at(communities: sa.Select, period: Period) -> sa.Select:
    return sa.select(sa.func.count(RegistryResident.id)).where(
        RegistryResident.community_id.in_(communities),
        RegistryResident.deleted_at.is_(None),
        _present_at(RegistryResident.arrived_on, RegistryResident.departed_on, period.end),
    )


def count_residents(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.residents``: residents living there at the end of the period."""
    return session.scalar(_residents_at(communities, period)) or 0


def count_floating(session: Session, communities: sa.Select, period: Period) -> int:
    """Indicator ``registry.floating``: floating residents there at the end of the period."""
    stmt = _residents_at(communities, period).where(RegistryResident.status == "floating")
    return session.scalar(stmt) or 0


def count_households(session: Session, communities: sa.Select, period: Period) -> int:
    stmt = sa.select(sa.func.count(RegistryHousehold.id)).where(
        RegistryHousehold.community_id.in_(communities),
        RegistryHousehold.deleted_at.is_(None),
        _present_at(RegistryHousehold.moved_in_on, RegistryHousehold.moved_out_on, period.end),
    )
    return session.scalar(stmt) or 0


def count_units(kind: str | None = None) -> Callable[[Session, sa.Select, Period], int]:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = sa.select(sa.func.count(RegistryUnit.id)).where(
            RegistryUnit.community_id.in_(communities), RegistryUnit.deleted_at.is_(None)
        )
        if kind:
            stmt = stmt.where(RegistryUnit.kind == kind)
        return session.scalar(stmt) or 0

    return compute


def count_tagged(tag: str) -> Callable[[Session, sa.Select, Period], int]:
    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        stmt = (
            _residents_at(communities, period)
            .join(RegistryResidentTag, RegistryResidentTag.resident_id == RegistryResident.id)
            .where(RegistryResidentTag.tag == tag)
        )
        return session.scalar(stmt) or 0

    return compute


def _as_of(period: Period) -> date:
    """The day a band is counted at: the period's end, or today while it runs."""
    return min(period.end, today())


def _band_sums(communities: sa.Select, period: Period, keys: Any) -> sa.Select:
    day = _as_of(period)
    return sa.select(
        *(
            sa.func.coalesce(
                sa.func.sum(
                    sa.case(
                        (
                            band_clause(
                                key, RegistryResident.birth_date, RegistryResident.gender, day
                            ),
                            1,
                        ),
                        else_=0,
                    )
                ),
                0,
            )
            for key in keys
        )
    ).where(
        RegistryResident.community_id.in_(communities),
        RegistryResident.deleted_at.is_(None),
        _present_at(RegistryResident.arrived_on, RegistryResident.departed_on, period.end),
    )


def count_band(key: str) -> Callable[[Session, sa.Select, Period], int]:
    """Indicator ``registry.band.<key>``: residents there at the period's end who are in the
    age band then (today, while the period runs)."""

    def compute(session: Session, communities: sa.Select, period: Period) -> int:
        return int(session.execute(_band_sums(communities, period, [key])).scalar() or 0)

    return compute


def count_bands(session: Session, communities: sa.Select, period: Period) -> dict[str, int]:
    """Every band's indicator in one query."""
    from .ages import AGE_BANDS

    keys = list(AGE_BANDS)
    row = session.execute(_band_sums(communities, period, keys)).one()
    return {f"registry.band.{key}": int(value or 0) for key, value in zip(keys, row, strict=True)}


def summary(
    session: Session, clause: Callable[[Any], sa.ColumnElement[bool]]
) -> list[dict[str, Any]]:
    """Residents, floating residents, households and units per community (street/district view)."""
    residents = (
        sa.select(
            RegistryResident.community_id.label("cid"),
            sa.func.count().label("residents"),
            sa.func.sum(sa.case((RegistryResident.status == "floating", 1), else_=0)).label(
                "floating"
            ),
        )
        .where(
            clause(RegistryResident),
            RegistryResident.deleted_at.is_(None),
            RegistryResident.status.in_(PRESENT),
        )
        .group_by(RegistryResident.community_id)
    )
    households = (
        sa.select(RegistryHousehold.community_id, sa.func.count())
        .where(
            clause(RegistryHousehold),
            RegistryHousehold.deleted_at.is_(None),
            RegistryHousehold.moved_out_on.is_(None),
        )
        .group_by(RegistryHousehold.community_id)
    )
    units = (
        sa.select(RegistryUnit.community_id, sa.func.count())
        .where(clause(RegistryUnit), RegistryUnit.deleted_at.is_(None))
        .group_by(RegistryUnit.community_id)
    )
    rows: dict[int, dict[str, Any]] = {}

    def row(cid: int) -> dict[str, Any]:
        return rows.setdefault(cid, {"residents": 0, "floating": 0, "households": 0, "units": 0})

    for cid, count, floating in session.execute(residents):
        row(cid).update(residents=count, floating=int(floating or 0))
    for cid, count in session.execute(households):
        row(cid)["households"] = count
    for cid, count in session.execute(units):
        row(cid)["units"] = count
    nodes = {
        cid: (ref, name)
        for cid, ref, name in session.execute(
            sa.select(Node.id, Node.ref, Node.name).where(Node.id.in_(list(rows)))
        )
    }
    return [
        {"community": nodes[cid][0], "name": nodes[cid][1], **values}
        for cid, values in sorted(rows.items(), key=lambda item: nodes[item[0]][0])
    ]
