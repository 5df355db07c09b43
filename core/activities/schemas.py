"""The activity schemas. An activity's schema is made per module (:func:`activity_schema`): the
kinds, target groups and observances are the module's vocabulary; the attendee and material
schemas are the same for every module."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import marshmallow as ma
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.records.fields import S2, Choice, Date, Keys, Number, RecordId, Text, describe
from core.validation import (
    ChoiceSchema,
    at_most_a_year_ahead,
    choice_label,
    phone_number,
    record_id,
)

OPTIONAL: dict[str, Any] = {"load_default": None, "allow_none": True}

ROLES = {
    "participant": _l("Participant"),
    "volunteer": _l("Volunteer"),
    "lecturer": _l("Lecturer"),
    "staff": _l("Staff"),
}


class ClockTime(ma.fields.Time):
    """A time of day as people write it, ``09:30`` (``09:30:00`` is read too)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return value.strftime("%H:%M") if value is not None else None


def activity_schema(
    module: str,
    kinds: dict[str, Any],
    groups_of: Callable[[], dict[str, Any]],
    observances_of: Callable[[], dict[str, Any]],
    modules_of: Callable[[], dict[str, Any]],
    forms_of: Callable[[], dict[str, Any]] | None = None,
    laws: Sequence[str] | None = None,
) -> type[ma.Schema]:
    """The schema of ``module``'s activities: its kinds, target groups and observances; with
    ``forms_of``, the forms an activity takes (形式, several may be ticked); with ``laws``
    (suggestions, shown as the field's help), the laws and regulations it covered. A module
    that declares neither has neither field on its forms, pages and exports."""
    default_kind = "other" if "other" in kinds else next(iter(kinds))

    class ActivitySchema(ChoiceSchema):
        """An activity record (活动记录)."""

        id = ma.fields.Integer(dump_only=True)
        module = ma.fields.String(dump_only=True)
        kind = Choice(_l("Activity type"), kinds, default=default_kind, column=True)
        kind_label = choice_label("kind", kinds)
        title = Text(_l("Activity theme"), 200, required=True, column=True, sort=True)
        held_on = Date(
            _l("Activity date"),
            required=True,
            validate=at_most_a_year_ahead,
            column=True,
            sort=True,
        )
        start_time = describe(ClockTime(**OPTIONAL), label=_l("Starts at"))
        ends_on = Date(_l("Ends on"))
        end_time = describe(ClockTime(**OPTIONAL), label=_l("Ends at"))
        observance = Text(
            _l("Calendar observance"),
            80,
            choices=observances_of,
            widget="select",
        )
        place = Text(_l("Activity place"), 200, column=True)
        organiser = Text(_l("Organiser / host unit"), 100)
        partners = Text(_l("Partner units"), 200)
        target_groups = Keys(_l("Target groups"), groups_of)
        headcount = Number(_l("Number of participants"), default=0, min=0, max=1000000, column=True)
        summary = Text(_l("Activity brief"), 5000, widget="textarea")
        counts_for = Keys(_l("Also counts for"), modules_of)

        @ma.validates("observance")
        def _known_observance(self, value: str | None, **_kwargs: Any) -> None:
            if value and value not in observances_of():
                raise ma.ValidationError(_("Choose from the list."))

        @ma.validates_schema
        def _ends_after_start(self, data: dict[str, Any], **_kwargs: Any) -> None:
            start, end = data.get("held_on"), data.get("ends_on")
            if start and end and end < start:
                raise ma.ValidationError(_("The activity cannot end before it starts."), "ends_on")
            if (
                start
                and (end is None or end == start)
                and data.get("start_time")
                and data.get("end_time")
                and data["end_time"] < data["start_time"]
            ):
                raise ma.ValidationError(_("The activity cannot end before it starts."), "end_time")

    extra: dict[str, ma.fields.Field] = {}
    if forms_of is not None:
        extra["forms"] = Keys(_l("Activity forms"), forms_of, default=list)
    if laws is not None:
        extra["laws"] = Text(
            _l("Laws covered"),
            300,
            help=_l("Separate them with 、, for example %(laws)s", laws="、".join(laws)),
        )
    schema: type[ma.Schema] = (
        type("ActivitySchema", (ActivitySchema,), extra) if extra else ActivitySchema
    )
    schema.openapi_area = module  # type: ignore[attr-defined]
    return schema


class AttendeeSchema(ChoiceSchema):
    """A named attendee (签到): the phone is S2, masked like every phone number."""

    id = ma.fields.Integer(dump_only=True)
    activity_id = record_id(**OPTIONAL)
    name = Text(_l("Full name"), 64, required=True, column=True)
    role = Choice(_l("Role"), ROLES, default="participant", column=True, widget="select")
    role_label = choice_label("role", ROLES)
    unit = Text(_l("Unit or address"), 100, column=True)
    phone = Text(
        _l("Phone"),
        validate=[ma.validate.Length(max=20), phone_number],
        sensitivity=S2,
        column=True,
    )
    resident_id = RecordId(_l("Resident (registry id)"), form=False, shown=False)


class MaterialSchema(ChoiceSchema):
    """Materials handed out (发放宣传资料): what and how many."""

    id = ma.fields.Integer(dump_only=True)
    activity_id = record_id(**OPTIONAL)
    kind = Text(_l("Material"), 100, required=True, column=True)
    quantity = Number(_l("Quantity"), required=True, min=1, max=1000000, column=True)
    count_unit = Text(_l("Unit of count"), 10, column=True)
