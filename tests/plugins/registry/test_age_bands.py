"""Age bands (未成年, 学龄, 育龄, 老年, 高龄) on a fixed clock: each boundary falls on the birthday,
alike in a resident's JSON, the list filter 年龄段 and the indicators; the SQL clause and the
Python answer agree on every day, 29 February included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from core.db import db
from plugins.registry.ages import AGE_BANDS, age_on, band_clause, bands_of
from plugins.registry.models import RegistryResident

from .conftest import A1, api, make_id, page


def at(day: date) -> str:
    """An instant on ``day`` in Beijing (noon there)."""
    return f"{day.isoformat()}T04:00:00+00:00"


def resident(client, name: str, born: date, sequence: int) -> int:
    r = client.post(f"{api()}/residents", json={"name": name, "id_number": make_id(born, sequence)})
    assert r.status_code == 201, r.json
    return r.json["id"]


def listed(client, band: str) -> list[str]:
    return sorted(i["name"] for i in client.get(f"{api()}/residents?age_band={band}").json["items"])


def indicators(client, year: int) -> dict[str, int]:
    items = client.get(f"/api/v1/nodes/{A1}/indicators?year={year}").json["items"]
    return {i["name"]: i["value"] for i in items if i["name"].startswith("registry.band.")}


@pytest.mark.parametrize(
    ("band", "years", "gender_sequence", "inside_before"),
    [
        ("childbearing", 50, 2, True),  # a woman: 育龄 the day before her 50th birthday, not on it
        ("elderly", 60, 3, False),  # the 60th birthday enters 老年
        ("very_old", 80, 5, False),  # the 80th enters 高龄
        ("school_age", 6, 7, False),  # the 6th enters 学龄
        ("school_age", 16, 9, True),  # 15 is the last year of 学龄
        ("minor", 18, 11, True),  # the 18th leaves 未成年
    ],
)
def test_a_band_changes_on_the_birthday(
    as_user, enable, jiedao_clock, band, years, gender_sequence, inside_before
):
    enable()
    worker = as_user("worker")
    birthday = date(2026, 4, 10)
    born = birthday.replace(year=birthday.year - years)
    jiedao_clock(at(birthday - timedelta(days=1)))
    rid = resident(worker, "甲", born, gender_sequence)
    record = f"{api()}/residents/{rid}"
    assert (band in worker.get(record).json["age_bands"]) is inside_before
    assert (listed(worker, band) == ["甲"]) is inside_before
    assert indicators(worker, 2026)[f"registry.band.{band}"] == (1 if inside_before else 0)
    jiedao_clock(at(birthday))
    assert (band in worker.get(record).json["age_bands"]) is not inside_before
    assert (listed(worker, band) == ["甲"]) is not inside_before
    assert indicators(worker, 2026)[f"registry.band.{band}"] == (0 if inside_before else 1)


def test_childbearing_age_is_for_women_only_and_bands_count_people_living_there(
    as_user, enable, jiedao_clock
):
    enable()
    worker = as_user("worker")
    jiedao_clock(at(date(2026, 6, 15)))
    resident(worker, "女", date(1990, 1, 1), 2)
    resident(worker, "男", date(1990, 1, 1), 3)
    old = resident(worker, "老", date(1940, 1, 1), 4)
    resident(worker, "童", date(2018, 1, 1), 5)
    assert listed(worker, "childbearing") == ["女"]
    assert listed(worker, "very_old") == ["老"] and listed(worker, "elderly") == ["老"]
    assert listed(worker, "school_age") == ["童"] and listed(worker, "minor") == ["童"]
    counts = indicators(worker, 2026)
    assert counts == {
        "registry.band.minor": 1,
        "registry.band.school_age": 1,
        "registry.band.childbearing": 1,
        "registry.band.elderly": 1,
        "registry.band.very_old": 1,
    }
    assert (
        worker.post(f"{api()}/residents/{old}/death", json={"on": "2026-06-01"}).status_code == 200
    )
    assert indicators(worker, 2026)["registry.band.elderly"] == 0  # counted among the living
    # Last year's figures are taken at its end: the child was 7 then, the woman 35.
    past = indicators(worker, 2025)
    assert past["registry.band.school_age"] == 1 and past["registry.band.elderly"] == 1
    bad = worker.get(f"{api()}/residents?age_band=old")
    assert bad.status_code == 422 and "age_band" in bad.json["error"]["fields"]
    html = worker.get(f"{page()}/?age_band=childbearing").text
    assert "年龄段" in html and "育龄（15至49周岁妇女）" in html


def test_the_sql_clause_and_the_python_answer_agree_on_every_day(app, world):
    births = [date(1940, 2, 29) + timedelta(days=97 * n) for n in range(320)]
    births += [date(1964, 2, 29), date(1966, 2, 28), date(1966, 3, 1), date(2008, 2, 29)]
    with app.app_context():
        community = world.node(A1)
        rows = [
            RegistryResident(
                node_id=community.id,
                name=f"r{n}",
                gender="F" if n % 2 else "M",
                birth_date=day,
                id_number=None,
                birth_certificate_number="",
            )
            for n, day in enumerate(births)
        ]
        db.session.add_all(rows)
        db.session.flush()
        for as_of in (date(2026, 2, 28), date(2024, 2, 29), date(2026, 3, 1), date(2025, 12, 31)):
            for key in AGE_BANDS:
                clause = band_clause(
                    key, RegistryResident.birth_date, RegistryResident.gender, as_of
                )
                in_sql = set(
                    db.session.scalars(
                        sa.select(RegistryResident.id).where(
                            RegistryResident.community_id == community.id, clause
                        )
                    )
                )
                in_python = {r.id for r in rows if key in bands_of(r.birth_date, r.gender, as_of)}
                assert in_sql == in_python, (key, as_of)
        db.session.rollback()


def test_completed_years_around_birthdays_and_29_february():
    assert age_on(date(1976, 6, 15), date(2026, 6, 14)) == 49
    assert age_on(date(1976, 6, 15), date(2026, 6, 15)) == 50
    assert age_on(date(1964, 2, 29), date(2024, 2, 29)) == 60
    assert age_on(date(1964, 2, 29), date(2025, 2, 28)) == 60
    assert age_on(date(1964, 2, 29), date(2025, 3, 1)) == 61  # a common year: on 1 March
    assert age_on(date(1965, 2, 28), date(2024, 2, 29)) == 59
    assert bands_of(date(1966, 3, 1), "M", date(2026, 2, 28)) == []
    assert bands_of(date(1966, 3, 1), "M", date(2026, 3, 1)) == ["elderly"]
    assert bands_of(date(2020, 6, 15), "F", date(2026, 6, 15)) == ["minor", "school_age"]
