"""The public-holiday calendar (节假日与调休): a page and an API listing a year's holidays and
adjusted working days, national and local, and the school holidays of the user's city, where
holders of ``calendar.manage`` add, correct or remove days. Workflow deadlines in working days
read it (``core.workdays``); the observance calendar shows the school holidays."""

from __future__ import annotations

from datetime import date
from typing import Any

import marshmallow as ma
from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from core import audit, school_holidays, workdays
from core.api import Operations, json_body
from core.calendar import YEAR_PARAM, calendar_year
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form, save
from core.permissions import current_scope
from core.validation import Schema, choice, optional_text

MANAGE = "calendar.manage"

bp = Blueprint("holidays", __name__, template_folder="templates")
api = Blueprint("holidays_api", __name__, url_prefix="/api/v1/holidays")
ops = Operations(api, tags=["calendar"])


class DaySchema(Schema):
    day = ma.fields.Date(required=True, metadata={"label": "day"})
    kind = choice(workdays.KINDS, required=True)
    name = optional_text(50)


class SchoolHolidaySchema(Schema):
    kind = choice(school_holidays.KINDS, required=True)
    start = ma.fields.Date(required=True)
    end = ma.fields.Date(required=True)


def _may_manage() -> bool:
    return current_scope().holds_anywhere(MANAGE)


def _require_manage() -> None:
    if not _may_manage():
        abort(403)


def _where() -> Any:
    """Where the change is recorded: the editor's topmost place of the permission, so the
    admins there find it in their audit log."""
    return current_scope().nodes(MANAGE)[0]


def _city() -> str | None:
    """The city whose school holidays the user reads and edits: that of their topmost place
    (of ``calendar.manage`` when they hold it), None for a user without a place."""
    scope = current_scope()
    nodes = scope.nodes(MANAGE) or scope.nodes("tenants.view")
    return school_holidays.city_of(nodes[0].ref) if nodes else None


def _school(year: int) -> list[dict[str, Any]]:
    """The city's school holidays beginning in ``year``, as the page and the API show them."""
    city = _city()
    found = school_holidays.periods(db.session, city, year) if city else {}
    return [
        {"kind": kind, "start": start.isoformat(), "end": end.isoformat()}
        for kind, (start, end) in sorted(found.items(), key=lambda item: item[1])
    ]


def _set_school(data: dict[str, Any]) -> None:
    city = _city()
    if city is None:
        abort(403)
    school_holidays.set_period(
        db.session, city, data["kind"], data["start"], data["end"], current_user.id
    )
    audit.record(
        "holiday.school",
        node=_where(),
        object_type="core_school_holiday",
        object_id=f"{city}:{data['start'].year}:{data['kind']}",
        summary=_l(
            "%(kind)s %(start)s – %(end)s",
            kind=school_holidays.KINDS[data["kind"]],
            start=data["start"].isoformat(),
            end=data["end"].isoformat(),
        ),
    )


def _clear_school(year: int, kind: str) -> None:
    city = _city()
    if city is None or not school_holidays.clear_period(db.session, city, year, kind):
        raise DomainError(_("No such school holiday."), {"kind": [_("No such school holiday.")]})
    audit.record(
        "holiday.school_clear",
        node=_where(),
        object_type="core_school_holiday",
        object_id=f"{city}:{year}:{kind}",
        summary=_l("%(kind)s of %(year)s removed", kind=school_holidays.KINDS[kind], year=year),
    )


def _dump(entry: dict[str, Any]) -> dict[str, Any]:
    return {**entry, "day": entry["day"].isoformat()}


def _set(data: dict[str, Any]) -> None:
    workdays.set_day(db.session, data["day"], data["kind"], data.get("name") or "", current_user)
    audit.record(
        "holiday.set",
        node=_where(),
        object_type="core_holiday",
        object_id=data["day"].isoformat(),
        summary=_l(
            "%(day)s declared: %(kind)s",
            day=data["day"].isoformat(),
            kind=workdays.KINDS[data["kind"]],
        ),
        details={"kind": data["kind"], "name": data.get("name") or ""},
    )


def _clear(day: date) -> None:
    if not workdays.clear_day(db.session, day):
        raise DomainError(_("This day has no local entry."), {"day": [_("No local entry.")]})
    audit.record(
        "holiday.clear",
        node=_where(),
        object_type="core_holiday",
        object_id=day.isoformat(),
        summary=_l("Local entry for %(day)s removed", day=day.isoformat()),
    )


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(404)


@bp.route("/holidays", methods=["GET", "POST"])
@login_required
def page() -> Any:
    """The year's days and the city's school holidays; forms to add or correct them, buttons
    to remove local ones."""
    year = calendar_year(request.args)
    form, school_form, status = empty_form(), empty_form(), 200
    if request.method == "POST":
        _require_manage()
        if "start" in request.form:  # the school-holiday form
            school_form = load_form(SchoolHolidaySchema())
            saved, status = save(school_form, lambda: _set_school(school_form.data))
            if saved:
                return redirect(url_for("holidays.page", year=school_form.data["start"].year))
        elif request.form.get("clear_school") in school_holidays.KINDS:
            kind = request.form["clear_school"]
            clear = lambda: _clear_school(year, kind)  # noqa: E731
            saved, status = save(empty_form(), clear, message=_("Removed."))
            if saved:
                return redirect(url_for("holidays.page", year=year))
        elif request.form.get("clear"):
            day = _parse_day(request.form["clear"])
            saved, status = save(empty_form(), lambda: _clear(day), message=_("Removed."))
            if saved:
                return redirect(url_for("holidays.page", year=day.year))
        else:
            form = load_form(DaySchema())
            saved, status = save(form, lambda: _set(form.data))
            if saved:
                return redirect(url_for("holidays.page", year=form.data["day"].year))
    return render_template(
        "holidays.html",
        year=year,
        days=workdays.year_days(db.session, year),
        school=_school(year),
        school_form=school_form,
        school_kinds=school_holidays.KINDS,
        known=year in workdays.known_years(),
        kinds=workdays.KINDS,
        form=form,
        may_manage=_may_manage(),
    ), status


@ops.get(
    "",
    None,
    "The public holidays and adjusted working days of ?year=: national (the State Council's "
    "schedule) and local entries, which win",
    parameters=[YEAR_PARAM],
)
@login_required
def api_year() -> Any:
    year = calendar_year(request.args)
    days = [_dump(d) for d in workdays.year_days(db.session, year)]
    return jsonify({"year": year, "national": year in workdays.known_years(), "items": days})


@ops.put(
    "",
    None,
    "Declare a day a public holiday or an adjusted working day (needs calendar.manage)",
    request_schema=DaySchema,
)
@login_required
def api_set() -> Any:
    _require_manage()
    data = json_body(DaySchema())
    _set(data)
    db.session.commit()
    return jsonify(_dump({**data, "name": data.get("name") or "", "source": "local"}))


@ops.delete("/<day>", None, "Remove a local entry (needs calendar.manage)", status=204)
@login_required
def api_clear(day: str) -> Any:
    _require_manage()
    _clear(_parse_day(day))
    db.session.commit()
    return "", 204


@ops.get(
    "/school",
    None,
    "The school holidays (winter, summer) beginning in ?year= of the city of your topmost place",
    parameters=[YEAR_PARAM],
)
@login_required
def api_school() -> Any:
    year = calendar_year(request.args)
    return jsonify({"year": year, "city": _city(), "items": _school(year)})


@ops.put(
    "/school",
    None,
    "Enter or correct your city's winter or summer school holiday of the year it begins in "
    "(needs calendar.manage)",
    request_schema=SchoolHolidaySchema,
)
@login_required
def api_set_school() -> Any:
    _require_manage()
    data = json_body(SchoolHolidaySchema())
    _set_school(data)
    db.session.commit()
    return jsonify(
        {"year": data["start"].year, "city": _city(), "items": _school(data["start"].year)}
    )


@ops.delete(
    "/school/<int(min=1900,max=2999):year>/<any(winter,summer):kind>",
    None,
    "Remove your city's winter or summer school holiday of a year (needs calendar.manage)",
    status=204,
)
@login_required
def api_clear_school(year: int, kind: str) -> Any:
    _require_manage()
    _clear_school(year, kind)
    db.session.commit()
    return "", 204
