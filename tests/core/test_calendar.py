"""The observance calendar: lunar festivals and solar terms on their published dates, relative
rules, the calendar API of a year, and the calendar page of a place showing which observances
were answered by an activity there and which passed without one (尚未开展)."""

from __future__ import annotations

from datetime import date

import pytest

from core.calendar import NATIONAL, occurrences, year_of
from core.db import db
from core.reports import CalendarEntry

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A = "110105001"

# Published dates (国务院办公厅 holiday notices, 中国天文年历).
PUBLISHED = {
    2026: {
        "Spring Festival": "2026-02-17",
        "Lantern Festival": "2026-03-03",
        "Qingming Festival": "2026-04-05",
        "Dragon Boat Festival": "2026-06-19",
        "Mid-Autumn Festival": "2026-09-25",
        "Double Ninth Festival (Seniors' Day)": "2026-10-18",
    },
    2027: {
        "Spring Festival": "2027-02-06",
        "Lantern Festival": "2027-02-20",
        "Qingming Festival": "2027-04-05",
        "Dragon Boat Festival": "2027-06-09",
        "Mid-Autumn Festival": "2027-09-15",
        "Double Ninth Festival (Seniors' Day)": "2027-10-08",
    },
}


@pytest.mark.parametrize("year", [2026, 2027])
def test_lunar_festivals_and_solar_terms_fall_on_their_published_dates(year):
    found = {
        str(e.label): occurrences(e, year)[0].start.isoformat()
        for e in NATIONAL
        if e.kind in ("lunar", "term")
    }
    assert found == PUBLISHED[year]


def test_a_12th_lunar_month_day_falls_in_the_gregorian_year_asked_for():
    """腊八 (12/8) of lunar 2025 is 2026-01-26; that of lunar 2026 is 2027-01-15. A year's
    calendar holds the first, in January, before 春节 — not the second, after December."""
    laba = CalendarEntry.lunar(12, 8, "腊八节")
    assert [o.start for o in occurrences(laba, 2026)] == [date(2026, 1, 26)]
    assert [o.start for o in occurrences(laba, 2027)] == [date(2027, 1, 15)]
    spring = CalendarEntry.lunar(1, 1, "春节")
    year = [(o.start, o.entry.label) for o in year_of([spring, laba], 2026)]
    assert year == [(date(2026, 1, 26), "腊八节"), (date(2026, 2, 17), "春节")]
    before = CalendarEntry.lunar(12, 23, "小年前排查", lead_days=10)
    (period,) = occurrences(before, 2026)  # 小年 of lunar 2025: 2026-02-10
    assert (period.start, period.end) == (date(2026, 1, 31), date(2026, 2, 9))


def test_relative_rules():
    last_friday = CalendarEntry.weekday_rule(0, 4, -1, "每月最后一个星期五")
    days = [o.start.isoformat() for o in occurrences(last_friday, 2026)]
    assert days[:3] == ["2026-01-30", "2026-02-27", "2026-03-27"] and len(days) == 12
    assert days[-1] == "2026-12-25"
    third_saturday = CalendarEntry.weekday_rule(9, 5, 3, "9月第三个星期六")
    assert [o.start for o in occurrences(third_saturday, 2026)] == [date(2026, 9, 19)]
    assert [o.start for o in occurrences(third_saturday, 2027)] == [date(2027, 9, 18)]


def test_monthly_days_and_periods_before_a_date():
    screening = CalendarEntry.monthly(16, "每月16日排查")
    days = [o.start for o in occurrences(screening, 2026)]
    assert days[0] == date(2026, 1, 16) and days[-1] == date(2026, 12, 16) and len(days) == 12
    with pytest.raises(ValueError):
        CalendarEntry.monthly(31, "每月31日")  # not every month has it
    # The fortnight before 春节 (2027-02-06) lies in 2027, though in the 12th lunar month.
    before = CalendarEntry.lunar(1, 1, "春节前排查", lead_days=15)
    (period,) = occurrences(before, 2027)
    assert (period.start, period.end) == (date(2027, 1, 22), date(2027, 2, 5))
    assert period.window() == (date(2027, 1, 22), date(2027, 2, 5))
    from core.activities import observance_key

    assert observance_key(before) == "lunar-01-01-before-15"
    assert observance_key(screening) == "monthly-16"


def test_the_calendar_api_gives_a_years_dates(as_user):
    worker = as_user("worker")
    items = worker.get("/api/v1/calendar?year=2027").json["items"]
    spring = next(i for i in items if i["label"] == "春节")
    assert (spring["date"], spring["month"], spring["day"]) == ("2027-02-06", 2, 6)
    assert [i["date"] for i in items] == sorted(i["date"] for i in items)
    bad = worker.get("/api/v1/calendar?year=-69427822723")
    assert bad.status_code == 422 and "year" in bad.json["error"]["fields"]


@pytest.fixture
def safety_year(app, world, jiedao_clock):
    """Safety on in A1 and A2, the clock on 2026-12-10; A1 held a fire-day activity on 11.9."""
    from core.activities import Activity as SafetyActivity  # safety's activities are core's
    from tenants import modules

    jiedao_clock("2026-12-10T10:00:00+08:00")
    with app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "safety", None)
        db.session.add(
            SafetyActivity(
                module="safety",
                node_id=world.node(A1).id,
                title="消防安全进社区",
                kind="fire_day",
                held_on=date(2026, 11, 9),
            )
        )
        db.session.commit()


def _statuses(client, ref: str, year: int = 2026) -> dict[str, str]:
    import re

    response = client.get(f"/n/{ref}/calendar?year={year}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = re.findall(
        r'<tr data-day="([^"]+)"[^>]*>\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>([^<]+)</td>.*?'
        r'data-status="([a-z]+)"',
        html,
        re.S,
    )
    return {f"{day} {label.strip()}": status for day, label, status in rows}


def test_the_calendar_page_shows_what_was_held_and_what_was_not(safety_year, as_user):
    worker = as_user("worker")
    seen = _statuses(worker, A1)
    assert seen["2026-11-09 11·9消防日"] == "held"
    assert seen["2026-12-02 全国交通安全日"] == "missing"  # passed without an activity
    assert seen["2026-02-17 春节"] == "none"  # a national festival expects nothing
    street = _statuses(as_user("s_admin"), STREET_A)
    assert street["2026-11-09 11·9消防日"] == "held"  # A1's activity counts for the street
    assert _statuses(as_user("s_admin"), STREET_A, 2027)["2027-11-09 11·9消防日"] == "upcoming"


def test_the_calendar_page_stays_in_scope_and_follows_the_modules(safety_year, as_user, app):
    worker = as_user("worker")
    assert worker.get(f"/n/{B1}/calendar").status_code == 404  # another street's community
    assert worker.get(f"/n/{A1}/calendar?year=abc").status_code == 422
    other = _statuses(as_user("d_admin"), B1)  # safety is off there: national days only
    assert other and not any("消防日" in key for key in other)


def test_records_entries_give_the_days_their_records_hold_at_a_place():
    from core.calendar import record_days

    asked = []

    def due_days(session, communities, year):
        asked.append((session, communities, year))
        return [(date(year, 3, 1), "1号楼水箱"), (date(year, 9, 1), "2号楼水箱")]

    entry = CalendarEntry.records("水箱清洗", due_days, module="environment")
    assert occurrences(entry, 2026) == []  # no place, no records: the API lists none
    found = record_days("session", [entry, NATIONAL[0]], 2026, lambda m: f"communities of {m}")
    assert [(o.start, o.entry.label, o.entry.module) for o in found] == [
        (date(2026, 3, 1), "1号楼水箱", "environment"),
        (date(2026, 9, 1), "2号楼水箱", "environment"),
    ]
    assert asked == [("session", "communities of environment", 2026)]
