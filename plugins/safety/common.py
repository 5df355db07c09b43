"""What every safety sub-area shares: the module's name, its permissions, its settings, the
platform's "today" and the fields several ledgers carry (an enterprise, a planned date)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import (
    Date,
    Ledger,
    RecordId,
    at_most_a_year_ahead,
    chosen_record,
    record_choices,
    refuse,
)
from core.sdk import today as today  # the platform's today, for every sub-area
from tenants.models import Node
from tenants.modules import module_settings

from .models import SafetyEnterprise

MODULE = "safety"
VIEW = "safety.view"
EDIT = "safety.edit"
CLOSE_MAJOR = "safety.hazard.close_major"
RESTORE = "safety.restore"
MANAGE_CHECKLISTS = "safety.checklists"  # edit the checklist templates (检查表)
SENSITIVE = "safety.sensitive.view"

# The module and permissions of every safety declaration: its ledgers, activities and visits.
ACCESS = {"module": MODULE, "view": VIEW, "edit": EDIT, "restore": RESTORE}
SafetyLedger = Ledger.family(**ACCESS)

DEFAULT_SETTINGS: dict[str, Any] = {
    "general_deadline_days": 15,  # 一般隐患: rectify within … days of the finding
    "major_deadline_days": 60,  # 重大隐患
    "certificate_warning_days": 60,
}


def settings(session: Session, community: Node) -> dict[str, Any]:
    """The community's safety settings, defaults filled in."""
    return {**DEFAULT_SETTINGS, **module_settings(session, community.id, MODULE)}


def live_in(
    session: Session, community: Node, model: Any, record_id: int | None, field: str, message: str
) -> Any:
    """The live ``model`` row ``record_id`` of ``community``; refused under ``field`` otherwise.
    Another community's row is refused as a missing one: its name is not this community's to
    read (an inspection, hazard, trainee or accident never points into another community)."""
    record = session.get(model, record_id) if record_id else None
    if record is None or record.deleted_at is not None or record.community_id != community.id:
        refuse(field, message)
    return record


def enterprise_in(session: Session, community: Node, enterprise_id: int | None) -> Any:
    """The live enterprise ``enterprise_id`` of ``community``, None when none is given."""
    if enterprise_id is None:
        return None
    message = _("There is no such enterprise.")
    return live_in(session, community, SafetyEnterprise, enterprise_id, "enterprise_id", message)


# The community's enterprises by id, for a form's select or a list's filter.
enterprise_choices = record_choices(SafetyEnterprise.name)


def enterprise_select() -> ma.fields.Field:
    """The enterprise a record took place at, chosen by id in its form and read from it only
    (the record's page and list name the enterprise otherwise)."""
    return RecordId(_l("Enterprise"), load_only=True, widget="select", choices=enterprise_choices)


def written(data: dict[str, Any], record: Any, *keys: str) -> tuple[Any, ...]:
    """What ``keys`` will hold once ``data`` is written: the data's values, else the edited
    ``record``'s (None for a new record), so that a check sees the record as it will be."""
    return tuple(data.get(key, getattr(record, key, None)) for key in keys)


def place_at(data: dict[str, Any], record: Any, node_id: int) -> None:
    """Place a new record (``record`` None: its ``data``) or move the edited one to ``node_id``."""
    if record is None:
        data["node_id"] = node_id
    else:
        record.node_id = node_id


def place_of(session: Session, community: Node, data: dict[str, Any]) -> tuple[int, Any]:
    """Where an inspection or a hazard happened — the enterprise's node, a building of the
    community, or the community itself — and the enterprise, if any."""
    enterprise = enterprise_in(session, community, data.get("enterprise_id"))
    if enterprise is not None:
        return enterprise.node_id, enterprise
    building = data.get("building")
    if building:
        from plugins.registry.places import building_in

        return building_in(session, community, building).id, None
    return community.id, None


def chosen_enterprise() -> tuple[ma.fields.Field, ma.fields.Field]:
    """The enterprise a record is of: chosen by id in its form, shown by its name elsewhere."""
    return chosen_record(
        _l("Enterprise"),
        enterprise_choices,
        lambda r: r.enterprise.name if r.enterprise else None,
        imports=False,
    )


def held_on_date() -> ma.fields.Field:
    """When a training session or an activity is held: it may be entered up to a year ahead."""
    return Date(_l("Held on"), required=True, validate=at_most_a_year_ahead, column=True, sort=True)
