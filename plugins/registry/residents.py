"""Residents (居民): registering and editing them by the rules of their record, and the
floating-population lifecycle — 人来登记 (registered floating), 人在管理 (:func:`start_management`)
and 人走注销 (:func:`move_out`, or a death).

Writers validate, flush, record history and audit, and raise ``DomainError``; views commit.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import clock
from core.records.history import diff
from core.sdk import once_written, per_import, refuse, writable
from tenants.models import Node

from .ages import age_on
from .households import follow_head
from .models import RegistryHousehold, RegistryResident, RegistryResidentTag, RegistryUnit
from .places import building_in
from .rules import (
    Refusals,
    apply_changes,
    belongs_with,
    editable,
    history,
    record_update,
    registered_once,
    will,
)
from .services import reachable
from .tags import new_tags
from .validators import parse_resident_id
from .vocabularies import (
    ADULT_AGE,
    GENDERS,
    ID_REQUIRED_AGE,
    MARRIAGE_AGES,
    PRESENT,
    STATUSES,
)

# A resident as stored, or None for one being registered.
Resident = RegistryResident | None

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

# The audit log's words for a resident's life events (creating and editing are the ledger's).
AUDIT_ACTIONS = {
    "registry.resident.manage": _l("Resident taken into management"),
    "registry.resident.move_out": _l("Resident moved out"),
    "registry.resident.death": _l("Resident's death recorded"),
    "registry.resident.transfer": _l("Resident transferred in"),
    "registry.resident.transfer_out": _l("Resident transferred out"),
}


def check_id(
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
    message = _l("This resident ID is already registered in %(community)s (%(name)s).")
    registered_once(session, community, RegistryResident.id_number, number, exclude, message)


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
    session: Session, community: Node, data: dict[str, Any], resident: Resident
) -> None:
    """The rules of a resident's record as it will be (``data`` over what is stored): a birth
    certificate stands in for the ID only for a child under 16; marital status by the legal
    marriage age; 流向地 only for 户在人不在; employer, guardian and household head are records
    the user can see. Every broken rule is refused at once, naming its field."""
    refusals = Refusals()
    day = clock.today()
    born, gender = will(resident, data, "birth_date"), will(resident, data, "gender")
    if not will(resident, data, "id_number"):
        if not will(resident, data, "birth_certificate_number"):
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
    marital = will(resident, data, "marital_status")
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
    away = (will(resident, data, "presence") or "consistent") == "away"
    belongs_with(
        resident,
        data,
        refusals,
        ("out_to", "out_since"),
        away,
        _l("Only for a resident registered here and living elsewhere (outflow)."),
    )
    if away and not will(resident, data, "out_to"):
        refusals.add("out_to", _("Say where the resident lives now."))
    _check_employer(session, community, data, resident, refusals)
    _check_guardian(session, community, data, resident, refusals)
    _check_head_relation(session, data, resident, refusals)
    refusals.raise_any()


def _check_employer(
    session: Session, community: Node, data: dict[str, Any], resident: Resident, refusals: Refusals
) -> None:
    """工作单位: a unit of the registry, or the name of one elsewhere; not both."""
    unit_id, name = data.get("employer_id"), data.get("employer_name")
    if unit_id:
        if reachable(session, RegistryUnit, unit_id, community) is None:
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
    session: Session, community: Node, data: dict[str, Any], resident: Resident, refusals: Refusals
) -> None:
    """监护人: an adult living in the registry the user can see, not the resident themself."""
    guardian_id = data.get("guardian_id")
    if guardian_id:
        living = RegistryResident.status.in_(PRESENT)
        guardian = reachable(session, RegistryResident, guardian_id, community, living)
        if resident is not None and guardian_id == resident.id:
            refusals.add("guardian_id", _("A resident cannot be their own guardian."))
        elif guardian is None:
            refusals.add(
                "guardian_id", _("The guardian must be a resident living in the registry.")
            )
        elif age_on(guardian.birth_date, clock.today()) < ADULT_AGE:
            refusals.add(
                "guardian_id",
                _("A guardian is an adult: %(name)s is under 18.", name=guardian.name),
            )
    belongs_with(
        resident,
        data,
        refusals,
        ("guardian_relation",),
        bool(will(resident, data, "guardian_id")),
        _l("Choose the guardian first."),
    )


def _check_head_relation(
    session: Session, data: dict[str, Any], resident: Resident, refusals: Refusals
) -> None:
    """A household has one head: a member becomes it only while it has none (another head is
    chosen on the household's page)."""
    if not {"relation", "household_id"} & data.keys():
        return
    household_id = will(resident, data, "household_id")
    if will(resident, data, "relation") != "head" or not household_id:
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
        # A sheet names a few buildings many times over; the import adds none. The node is
        # kept (not only its id) so that the session keeps it for the rows' tenant keys.
        key = ("registry.building", community.id, building)
        return per_import(key, lambda: building_in(session, community, building)).id
    return community.id


def _set_tags(
    session: Session, community: Node, resident: RegistryResident, tags: list[str] | None
) -> list[Any]:
    """The resident's tags as asked, by the rules of ``tags.py`` (hidden ones kept)."""
    if tags is None:
        return []
    old = sorted(resident.tags)
    new = new_tags(session, community, old, tags)
    if old == new:
        return []
    resident.tag_rows = [RegistryResidentTag(tag=t) for t in new]
    return [old, new]


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
        check_id(session, community, data)
    else:
        data["id_number"] = None
    _check_resident(session, community, data, None)
    status = data.get("status") or "registered"
    if status not in PRESENT:
        refuse("status", _("A new resident is registered or floating."))
    if status == "floating" and not data.get("arrived_on"):
        data["arrived_on"] = clock.today()
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
    summary = (
        _(
            "Registered resident %(name)s, registered in %(places)s too (separated residence)",
            name=resident.name,
            places="、".join(elsewhere),
        )
        if elsewhere
        else _("Registered resident %(name)s", name=resident.name)
    )

    def created() -> None:  # as flushed
        changes = {k: [None, getattr(resident, k)] for k in RESIDENT_FIELDS if getattr(resident, k)}
        if tags:
            changes["tags"] = [None, resident.tags]
        history(session, resident, "create", changes, summary, user)

    once_written(session, created)
    return resident


def update_resident(
    session: Session, resident: RegistryResident, data: dict[str, Any], user: Any = None
) -> RegistryResident:
    """Edit a resident; status changes go through the lifecycle functions, not here. A child
    registered by the birth certificate gets the ID here (落户): it must say the recorded birth
    date and gender; the certificate number stays."""
    community = editable(session, resident)
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
        number = will(resident, data, "id_number")
        if number:
            merged = {**data, "id_number": number}
            check_id(session, community, merged, exclude=resident.id)
            data.update({k: merged[k] for k in ("id_number", "gender", "birth_date")})
    _check_resident(session, community, data, resident)
    if "household_id" in data or "building" in data:
        resident.node_id = _resident_node(session, community, data)
    data.pop("building", None)
    changes = diff(resident, data, RESIDENT_FIELDS)
    apply_changes(resident, changes)
    resident.id_reversed = resident.id_number[::-1] if resident.id_number else None
    tag_change = _set_tags(session, community, resident, data.get("tags"))
    if tag_change:
        changes["tags"] = tag_change
    if changes:
        record_update(session, resident, changes, user)
        follow_head(session, resident, user)
    return resident


def _check_step_day(resident: RegistryResident, on: date, field: str, too_early: str) -> None:
    """The day of a lifecycle step: not in the future, not before the resident arrived."""
    if on > clock.today():
        refuse(field, _("The date cannot be in the future."))
    if resident.arrived_on and on < resident.arrived_on:
        refuse(field, too_early)


def start_management(
    session: Session, resident: RegistryResident, on: date, user: Any = None
) -> RegistryResident:
    """人在管理: a registered floating resident is taken into management on ``on``."""
    writable(session.get(Node, resident.community_id))
    if resident.status != "floating":
        refuse("status", _("Only a floating resident is taken into management."))
    if resident.managed_on is not None:
        refuse("managed_on", _("This resident is already in management."), conflict=True)
    _check_step_day(resident, on, "managed_on", _("Management cannot start before the arrival."))
    resident.managed_on = on
    session.flush()
    history(
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
    editable(session, resident)
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
    _check_step_day(resident, on, "departed_on", _("The departure cannot be before the arrival."))
    new_status = "deceased" if deceased else "moved_out"
    changes = {"status": [resident.status, new_status], "departed_on": [None, on]}
    resident.status, resident.departed_on = new_status, on
    session.flush()
    summary = (
        _("Recorded the death of %(name)s", name=resident.name)
        if deceased
        else _("Moved out resident %(name)s", name=resident.name)
    )
    history(session, resident, "death" if deceased else "move_out", changes, summary, user)
    return resident


def check_restorable(session: Session, resident: RegistryResident) -> None:
    """A deleted resident comes back only if their ID is free meanwhile."""
    if resident.id_number:
        community = session.get(Node, resident.community_id)
        check_id(session, community, {"id_number": resident.id_number}, exclude=resident.id)
