"""Working days: deadlines counted across public holidays and 调休 Saturdays from the national
schedule, district admins' local entries winning over it, and the page and API that edit them
(only with calendar.manage, audited)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core import workdays
from core.db import db
from core.models import AuditLog


def test_a_deadline_crosses_the_national_day_holidays_and_a_working_saturday(app):
    with app.app_context():
        # 9/29, 9/30, (10/1–10/7 off), 10/8, 10/9, and Saturday 10/10 is worked (调休).
        assert workdays.add_working_days(db.session, date(2026, 9, 28), 5) == date(2026, 10, 10)
        # 2/13, Saturday 2/14 worked, (2/15–2/23 off), 2/24.
        assert workdays.add_working_days(db.session, date(2026, 2, 12), 3) == date(2026, 2, 24)
        assert workdays.working_days_between(db.session, date(2026, 9, 30), date(2026, 10, 10)) == 3


def test_a_local_entry_wins_over_the_national_schedule(app):
    with app.app_context():
        workdays.set_day(db.session, date(2026, 9, 30), workdays.HOLIDAY, "街道调休")
        db.session.flush()
        # 9/29, (9/30 off locally), 10/8, 10/9, 10/10, (10/11 Sunday), 10/12.
        assert workdays.add_working_days(db.session, date(2026, 9, 28), 5) == date(2026, 10, 12)
        db.session.rollback()


def test_the_api_lists_a_year_and_only_calendar_managers_edit_it(as_user, app):
    admin, worker = as_user("d_admin"), as_user("worker")
    year = worker.get("/api/v1/holidays?year=2026").json
    assert year["national"] is True
    october = [d for d in year["items"] if d["day"].startswith("2026-10")]
    assert [d["day"] for d in october if d["kind"] == "workday"] == ["2026-10-10"]
    assert {d["name"] for d in october} == {"国庆节"}
    assert worker.get("/api/v1/holidays?year=2027").json["national"] is False

    day = {"day": "2027-02-05", "kind": "holiday", "name": "春节"}
    assert worker.put("/api/v1/holidays", json=day).status_code == 403
    bad = admin.put("/api/v1/holidays", json={**day, "kind": "party"})
    assert bad.status_code == 422 and "kind" in bad.json["error"]["fields"]
    assert admin.put("/api/v1/holidays", json=day).status_code == 200
    listed = admin.get("/api/v1/holidays?year=2027").json["items"]
    assert listed == [{"day": "2027-02-05", "kind": "holiday", "name": "春节", "source": "local"}]
    assert worker.delete("/api/v1/holidays/2027-02-05").status_code == 403
    assert admin.delete("/api/v1/holidays/2027-02-05").status_code == 204
    assert admin.delete("/api/v1/holidays/2027-02-05").status_code == 422  # nothing left to remove
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditLog.action)
            .where(AuditLog.action.like("holiday.%"))
            .order_by(AuditLog.id)
        ).all()
    assert actions == ["holiday.set", "holiday.clear"]


def test_the_page_shows_an_unknown_year_and_a_form_to_managers_only(as_user):
    worker, admin = as_user("worker"), as_user("d_admin")
    shown = worker.get("/holidays?year=2027").get_data(as_text=True)
    assert "data-unknown-year" in shown and "data-holiday-form" not in shown
    assert (
        worker.post("/holidays", data={"day": "2027-02-05", "kind": "holiday"}).status_code == 403
    )
    assert "data-holiday-form" in admin.get("/holidays?year=2027").get_data(as_text=True)
    refused = admin.post("/holidays", data={"day": "2027-02-31", "kind": "holiday"})
    assert refused.status_code == 422
    saved = admin.post(
        "/holidays", data={"day": "2027-10-09", "kind": "workday", "name": "国庆调休"}
    )
    assert saved.status_code == 302
    page = admin.get("/holidays?year=2027").get_data(as_text=True)
    assert 'data-day="2027-10-09" data-kind="workday"' in page
    assert admin.get("/holidays?year=12345").status_code == 422
