"""What the volunteer forms, the API, the export and the import accept and show."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import clock
from core.records.fields import (
    S2,
    Choice,
    Computed,
    Date,
    Keys,
    Number,
    RecordId,
    Text,
    chosen_record,
    describe,
)
from core.records.ledger import record_choices
from core.validation import (
    ChoiceSchema,
    not_future,
    phone_number,
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
    name = Text(_l("Full name"), 50, required=True, column=True, sort=True)
    gender = Choice(_l("Gender"), GENDERS, column=True)
    birth_year = Number(_l("Year of birth"), validate=_birth_year)
    phone = Text(_l("Phone"), 20, validate=phone_number, sensitivity=S2, column=True)
    resident_id = RecordId(
        _l("Resident number"),
        help=_l("The resident's number in the population register, if the volunteer lives here."),
    )
    kinds = Keys(
        _l("Volunteer kinds"),
        volunteer_kinds,
        unknown=_l("Unknown kind: %(items)s."),
        default=list,
        column=True,
    )
    elder_kind = Choice(_l("Kind of five elders"), ELDER_KINDS)
    skills = Text(_l("Skills"), 200)
    since = Date(_l("Joined on"), validate=not_future, column=True)
    status = Choice(_l("Status"), STATUSES, default="active", column=True)
    left_reason = Text(_l("Reason for leaving"), 200)
    notes = Text(_l("Notes"), 2000, widget="textarea")


class TeamSchema(ChoiceSchema):
    """A team (志愿者队伍) and its leader (队长)."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Team name"), 100, required=True, column=True, sort=True)
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
    founded_on = Date(_l("Founded on"), validate=not_future, column=True)
    members = Computed(_l("Team members"), lambda t: len(t.memberships), column=True, export=False)
    notes = Text(_l("Notes"), 2000, widget="textarea")


class MembershipSchema(ChoiceSchema):
    """A volunteer in a team (队员), with a role and since/until."""

    id = ma.fields.Integer(dump_only=True)
    team_id, team = chosen_record(_l("Team"), team_choices, lambda m: m.team.name)
    volunteer_id, volunteer = chosen_record(
        _l("Volunteer"), volunteer_choices, lambda m: m.volunteer.name, required=True
    )
    role = Choice(_l("Role"), ROLES, default="member", column=True)
    since = Date(_l("Joined on"), column=True)
    until = Date(_l("Until"), column=True)


class ServiceSchema(ChoiceSchema):
    """Hours a volunteer served on a day (服务时长), by hand or from a source record."""

    id = ma.fields.Integer(dump_only=True)
    volunteer_id, volunteer = chosen_record(
        _l("Volunteer"), volunteer_choices, lambda r: r.volunteer.name
    )
    day = Date(_l("Day"), required=True, validate=not_future, column=True, sort=True)
    hours = Number(_l("Service hours"), places=1, required=True, validate=_hours, column=True)
    source_kind = Choice(_l("Source"), SOURCE_KINDS, dump_only=True, column=True, form=False)
    source_id = Number(_l("Source record"), dump_only=True, form=False)
    note = Text(_l("Note"), 200, column=True)
