"""What every safety sub-area shares: the module's name, its permissions, its settings, the
platform's "today" and the fields several ledgers carry (an enterprise, a planned date)."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Ledger, chosen_record, describe, record_choices, record_id, refuse, today
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

# What every safety ledger shares: its module and permissions.
SafetyLedger = Ledger.family(module=MODULE, view=VIEW, edit=EDIT, restore=RESTORE)

DEFAULT_SETTINGS: dict[str, Any] = {
    "general_deadline_days": 15,  # 一般隐患: rectify within … days of the finding
    "major_deadline_days": 60,  # 重大隐患
    "certificate_warning_days": 60,
}


def settings(session: Session, community: Node) -> dict[str, Any]:
    """The community's safety settings, defaults filled in."""
    return {**DEFAULT_SETTINGS, **module_settings(session, community.id, MODULE)}


def enterprise_in(session: Session, community: Node, enterprise_id: int | None) -> Any:
    """The live enterprise ``enterprise_id`` if it is in ``community``; refused otherwise
    (an inspection, hazard, trainee or accident never points into another community)."""
    if enterprise_id is None:
        return None
    enterprise = session.get(SafetyEnterprise, enterprise_id)
    # Another community's enterprise is refused as a missing one: its name is not this
    # community's to read.
    if (
        enterprise is None
        or enterprise.deleted_at is not None
        or enterprise.community_id != community.id
    ):
        refuse("enterprise_id", _("There is no such enterprise."))
    return enterprise


# The community's enterprises by id, for a form's select or a list's filter.
enterprise_choices = record_choices(SafetyEnterprise.name)


def enterprise_select() -> ma.fields.Field:
    """The enterprise a record took place at, chosen by id in its form and read from it only
    (the record's page and list name the enterprise otherwise)."""
    return describe(
        record_id(load_default=None, allow_none=True, load_only=True),
        label=_l("Enterprise"),
        widget="select",
        choices=enterprise_choices,
    )


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


def choice_label(key: str, choices: dict[str, Any]) -> ma.fields.Field:
    """``<key>_label`` in the JSON: the label of the choice made, for clients that show it."""
    return ma.fields.Function(lambda obj: str(choices.get(getattr(obj, key), "")), dump_only=True)


def _at_most_a_year_ahead(day: date) -> None:
    if (day - today()).days > 365:
        raise ma.ValidationError(_("The date can be at most one year ahead."))


def held_on_date() -> ma.fields.Field:
    """When a training session or an activity is held: it may be entered up to a year ahead."""
    return describe(
        ma.fields.Date(required=True, validate=_at_most_a_year_ahead),
        label=_l("Held on"),
        column=True,
        sort=True,
    )
