"""School holidays per city: entered by calendar managers for their city (the first four digits
of their place's division code), checked (the last day after the first, at most 80 days),
audited, shown on the holidays page and on every calendar of the city's places, and the days a
module's school-holiday observances fall on."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.calendar import occurrences
from core.db import db
from core.models import AuditLog
from core.reports import CalendarEntry
from core.school_holidays import SchoolHoliday, periods, set_period

A1 = "110105001001"
SUMMER = {"kind": "summer", "start": "2027-07-03", "end": "2027-08-31"}


def test_managers_enter_their_citys_holidays_and_everyone_there_reads_them(as_user, app):
    admin, worker = as_user("d_admin"), as_user("worker")
    assert worker.put("/api/v1/holidays/school", json=SUMMER).status_code == 403
    saved = admin.put("/api/v1/holidays/school", json=SUMMER)
    assert saved.status_code == 200 and saved.json["city"] == "1101"
    read = worker.get("/api/v1/holidays/school?year=2027").json
    assert read == {"year": 2027, "city": "1101", "items": [SUMMER]}
    corrected = admin.put("/api/v1/holidays/school", json={**SUMMER, "end": "2027-08-30"})
    assert corrected.json["items"] == [{**SUMMER, "end": "2027-08-30"}]  # one row, corrected
    assert worker.get("/api/v1/holidays/school?year=2026").json["items"] == []
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditLog.action).where(AuditLog.action.like("holiday.%"))
        ).all()
        assert actions == ["holiday.school", "holiday.school"]
        assert db.session.scalar(sa.select(sa.func.count(SchoolHoliday.id))) == 1

    assert worker.delete("/api/v1/holidays/school/2027/summer").status_code == 403
    assert admin.delete("/api/v1/holidays/school/2027/summer").status_code == 204
    again = admin.delete("/api/v1/holidays/school/2027/summer")
    assert again.status_code == 422 and "kind" in again.json["error"]["fields"]
    assert admin.delete("/api/v1/holidays/school/2027/spring").status_code == 404


def test_bad_dates_are_refused_naming_the_field(as_user):
    admin = as_user("d_admin")
    for body, field in (
        ({**SUMMER, "end": "2027-07-01"}, "end"),  # before the first day
        ({**SUMMER, "end": "2027-10-31"}, "end"),  # four months
        ({**SUMMER, "kind": "spring"}, "kind"),
        ({**SUMMER, "start": "2027-02-30"}, "start"),
    ):
        refused = admin.put("/api/v1/holidays/school", json=body)
        assert refused.status_code == 422, body
        assert field in refused.json["error"]["fields"], body
    assert admin.get("/api/v1/holidays/school?year=2027").json["items"] == []


def test_the_page_lists_and_edits_them(as_user):
    admin, worker = as_user("d_admin"), as_user("worker")
    assert "data-school-form" not in worker.get("/holidays?year=2027").get_data(as_text=True)
    refused = admin.post("/holidays?year=2027", data={**SUMMER, "end": ""})
    assert refused.status_code == 422
    assert admin.post("/holidays?year=2027", data=SUMMER).status_code == 302
    page = worker.get("/holidays?year=2027").get_data(as_text=True)
    assert 'data-school="summer"' in page and "2027-08-31" in page
    assert "暑假" in page
    removed = admin.post("/holidays?year=2027", data={"clear_school": "summer"})
    assert removed.status_code == 302
    assert 'data-school="summer"' not in admin.get("/holidays?year=2027").get_data(as_text=True)


def test_the_calendars_of_the_citys_places_show_them_and_no_other_citys(as_user, app):
    with app.app_context():
        set_period(db.session, "1101", "winter", date(2027, 1, 23), date(2027, 2, 21))
        set_period(db.session, "3101", "summer", date(2027, 7, 1), date(2027, 8, 31))  # Shanghai
        db.session.commit()
    worker = as_user("worker")
    page = worker.get(f"/n/{A1}/calendar?year=2027").get_data(as_text=True)
    assert 'data-day="2027-01-23"' in page and "寒假" in page and "1月23日–2月21日" in page
    assert "暑假" not in page  # Shanghai's summer holiday is not Beijing's
    items = worker.get(f"/api/v1/calendar?year=2027&node={A1}").json["items"]
    winter = [i for i in items if i["kind"] == "school"]
    assert [(i["date"], i["end"]) for i in winter] == [("2027-01-23", "2027-02-21")]
    plain = worker.get("/api/v1/calendar?year=2027").json["items"]
    assert [i for i in plain if i["kind"] == "school"] == []
    assert worker.get("/api/v1/calendar?year=2027&node=310101001001").status_code == 404


def test_a_modules_school_holiday_observance_falls_on_the_places_dates(app, world):
    programme = CalendarEntry.school_holiday("summer", "暑期关爱活动", module="youth_care")
    with app.app_context():
        set_period(db.session, "1101", "summer", date(2027, 7, 3), date(2027, 8, 31))
        found = occurrences(programme, 2027, periods(db.session, "1101", 2027))
        assert occurrences(programme, 2027, periods(db.session, "3101", 2027)) == []
        db.session.rollback()
    assert [(o.start, o.end) for o in found] == [(date(2027, 7, 3), date(2027, 8, 31))]
    assert found[0].window() == (date(2027, 7, 3), date(2027, 8, 31))  # the period itself
    assert occurrences(programme, 2027) == []  # no dates entered: nothing to expect
