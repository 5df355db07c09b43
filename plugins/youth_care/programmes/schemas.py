"""What the 寒暑假活动台账's forms, API, lists and exports accept and show: programmes, their
enrolments (the guardian's phone is S2) and their sessions (attendance)."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import (
    S2,
    Boolean,
    Choice,
    ChoiceSchema,
    Computed,
    Date,
    Keys,
    Number,
    RecordId,
    Text,
    at_most_a_year_ahead,
    choice_label,
    chosen_record,
    not_future,
    phone_number,
    record_choices,
)
from plugins.registry.validators import mask_mobile

from ..children.rules import GRADES
from . import rules
from .models import YouthCareProgramme


def chosen_programme() -> tuple[ma.fields.Field, ma.fields.Field]:
    """The programme an enrolment or a session is of, named by the programme's name."""
    return chosen_record(
        _l("Programme"), record_choices(YouthCareProgramme.name), lambda r: r.programme.name
    )


class ProgrammeSchema(ChoiceSchema):
    """A holiday or after-school programme."""

    id = ma.fields.Integer(dump_only=True)
    kind = Choice(_l("Kind of programme"), rules.KINDS, required=True, column=True)
    kind_label = choice_label("kind", rules.KINDS)
    name = Text(_l("Programme name"), 100, required=True, column=True, sort=True)
    starts_on = Date(
        _l("Programme starts on"), required=True, validate=at_most_a_year_ahead, column=True,
        sort=True,
    )  # fmt: skip
    ends_on = Date(_l("Programme ends on"), required=True, column=True)
    opening = Text(_l("Opening hours"), 100, column=True)
    venue = Text(_l("Venue"), 100, column=True)
    volunteers = Text(_l("Volunteers on shift"), 200)
    capacity = Number(_l("Capacity"), min=1, max=10000)
    consent_required = Boolean(_l("Guardian's consent required"), default=True)
    enrolled = Computed(_l("Enrolled"), lambda p: len(p.enrolments), column=True)
    note = Text(_l("Note"), 2000, widget="textarea")


class EnrolmentSchema(ChoiceSchema):
    """A child enrolled in a programme."""

    id = ma.fields.Integer(dump_only=True)
    programme_id, programme = chosen_programme()
    name = Text(_l("Child enrolled"), 50, required=True, column=True)
    resident_id = RecordId(
        _l("Child in the registry"),
        picker="youth_care_api.api_picker_children",
        shown=False,
        imports=False,
    )
    grade = Choice(_l("School grade"), GRADES, column=True)
    grade_label = choice_label("grade", GRADES)
    guardian_name = Text(_l("Guardian"), 50, column=True)
    guardian_phone = Text(
        _l("Guardian's phone"), 20, validate=phone_number, sensitivity=S2, mask=mask_mobile,
        column=True,
    )  # fmt: skip
    consent = Boolean(_l("Guardian consented"), column=True)


class SessionSchema(ChoiceSchema):
    """One session of a programme and who was present."""

    id = ma.fields.Integer(dump_only=True)
    programme_id, programme = chosen_programme()
    held_on = Date(_l("Session day"), required=True, validate=not_future, column=True, sort=True)
    theme = Text(_l("Theme of the session"), 200, column=True)
    present = Keys(_l("Children present"), rules.enrolled_choices, default=list)
    attendance = Number(_l("Children attending"), default=0, min=0, max=10000, column=True)
    volunteer_hours = Number(_l("Volunteer hours"), min=0, max=1000)
