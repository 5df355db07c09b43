"""What the volunteer forms, the API, the export and the import accept and show."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.records.fields import S2, chosen_record, describe
from core.records.ledger import record_choices
from core.validation import (
    ChoiceSchema,
    KeysField,
    choice,
    not_future,
    optional_text,
    phone_number,
    record_id,
    required_text,
)

from .models import Volunteer, VolunteerTeam
from .services import (
    ELDER_KINDS,
    GENDERS,
    MAX_HOURS_A_DAY,
    ROLES,
    SOURCE_KINDS,
    STATUSES,
    team_kinds,
    volunteer_kinds,
)

OPTIONAL = {"load_default": None, "allow_none": True}


def _known_team_kind(value: str) -> None:
    if value not in team_kinds():
        raise ma.ValidationError(_("Unknown kind: %(kind)s.", kind=value))


def _birth_year(value: int | None) -> None:
    if value is not None and not 1900 <= value <= clock.today().year:
        raise ma.ValidationError(_("Give a year between 1900 and this year."))


def _hours(value: Any) -> None:
    """A plain function, not ``Range``: apispec would write a Decimal range as strings."""
    if value is not None and not 0 < value <= MAX_HOURS_A_DAY:
        raise ma.ValidationError(_("Give more than 0 and at most 24 hours a day."))


# The community's live volunteers and teams by name (a team's leader, a member's team).
volunteer_choices = record_choices(Volunteer.name)
team_choices = record_choices(VolunteerTeam.name)


class VolunteerSchema(ChoiceSchema):
    """A volunteer (志愿者): who, which kinds, since when, on the register or left."""

    id = ma.fields.Integer(dump_only=True)
    name = describe(required_text(50), label=_l("Full name"), column=True, sort=True)
    gender = describe(choice(GENDERS, **OPTIONAL), label=_l("Gender"), column=True)
    birth_year = describe(
        ma.fields.Integer(**OPTIONAL, validate=_birth_year), label=_l("Year of birth")
    )
    phone = describe(
        optional_text(20, validate=phone_number), label=_l("Phone"), sensitivity=S2, column=True
    )
    resident_id = describe(
        record_id(**OPTIONAL),
        label=_l("Resident number"),
        help=_l("The resident's number in the population register, if the volunteer lives here."),
    )
    kinds = describe(
        KeysField(volunteer_kinds, unknown=_l("Unknown kind: %(items)s."), load_default=list),
        label=_l("Volunteer kinds"),
        choices=volunteer_kinds,
        widget="checkboxes",
        column=True,
    )
    elder_kind = describe(
        choice(ELDER_KINDS, **OPTIONAL),
        label=_l("Kind of five elders"),
    )
    skills = describe(optional_text(200), label=_l("Skills"))
    since = describe(
        ma.fields.Date(**OPTIONAL, validate=not_future), label=_l("Joined on"), column=True
    )
    status = describe(choice(STATUSES, load_default="active"), label=_l("Status"), column=True)
    left_reason = describe(optional_text(200), label=_l("Reason for leaving"))
    notes = describe(optional_text(2000), label=_l("Notes"), widget="textarea")


class TeamSchema(ChoiceSchema):
    """A team (志愿者队伍) and its leader (队长)."""

    id = ma.fields.Integer(dump_only=True)
    name = describe(required_text(100), label=_l("Team name"), column=True, sort=True)
    kind = describe(
        ma.fields.String(load_default="other", validate=_known_team_kind),
        label=_l("Team kind"),
        choices=team_kinds,
        widget="select",
        column=True,
    )
    leader_id, leader = chosen_record(
        _l("Team leader"), volunteer_choices, lambda t: t.leader.name if t.leader else ""
    )
    founded_on = describe(
        ma.fields.Date(**OPTIONAL, validate=not_future), label=_l("Founded on"), column=True
    )
    members = describe(
        ma.fields.Function(lambda t: len(t.memberships), dump_only=True),
        label=_l("Team members"),
        column=True,
        export=False,
    )
    notes = describe(optional_text(2000), label=_l("Notes"), widget="textarea")


class MembershipSchema(ChoiceSchema):
    """A volunteer in a team (队员), with a role and since/until."""

    id = ma.fields.Integer(dump_only=True)
    team_id, team = chosen_record(_l("Team"), team_choices, lambda m: m.team.name)
    volunteer_id, volunteer = chosen_record(
        _l("Volunteer"), volunteer_choices, lambda m: m.volunteer.name, required=True
    )
    role = describe(choice(ROLES, load_default="member"), label=_l("Role"), column=True)
    since = describe(ma.fields.Date(**OPTIONAL), label=_l("Joined on"), column=True)
    until = describe(ma.fields.Date(**OPTIONAL), label=_l("Until"), column=True)


class ServiceSchema(ChoiceSchema):
    """Hours a volunteer served on a day (服务时长), by hand or from a source record."""

    id = ma.fields.Integer(dump_only=True)
    volunteer_id, volunteer = chosen_record(
        _l("Volunteer"), volunteer_choices, lambda r: r.volunteer.name
    )
    day = describe(
        ma.fields.Date(required=True, validate=not_future), label=_l("Day"), column=True, sort=True
    )
    hours = describe(
        ma.fields.Decimal(places=1, as_string=True, required=True, validate=_hours),
        label=_l("Service hours"),
        column=True,
    )
    source_kind = describe(
        ma.fields.String(dump_only=True),
        label=_l("Source"),
        column=True,
        form=False,
        choices=SOURCE_KINDS,
    )
    source_id = describe(ma.fields.Integer(dump_only=True), label=_l("Source record"), form=False)
    note = describe(optional_text(200), label=_l("Note"), column=True)
