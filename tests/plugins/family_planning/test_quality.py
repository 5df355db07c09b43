"""The figures of the work's quality against a world counted by hand, built day by day on the
platform clock (so each record is written on the day it says), read on 15 June 2026:

A1: 甲 married 1 May, filed 10 May (on time), her boy born 5 May recorded 10 May (on time),
visited 20 May (within both quotas); 乙 married 1 Apr and her girl born 10 Jan, both recorded
15 June (late), never visited; 丙 married 1 June, filed 15 June (on time), not visited yet
(her 30 days run to 1 July: not counted yet). Reports filed for January (0 births: 乙's girl
was not on file yet) and May (1). Six special families: five visited in the month before
15 June, one last on 1 May.
A2: 丁 married 1 Feb, filed 15 Feb, visited 20 Feb; February's report says 1 birth (none on
file); one special family, never visited.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db

from .conftest import A1, A2, DISTRICT, STREET_A, api
from .test_indicators import _values

REPORT = "family_planning.monthly"
TYPED = {"visits": 1, "school_sessions": 0, "school_attendance": 0}


def _on(jiedao_clock, day: str) -> None:
    jiedao_clock(f"{day}T10:00:00+08:00")


def _card(client, resident_id: int, ref: str, married: str) -> int:
    body = {"resident_id": resident_id, "married_on": married}
    created = client.post(f"{api(ref)}/women", json=body)
    assert created.status_code == 201, created.json
    return created.json["id"]


def _child(client, card: int, born: str, sex: str, serial: str, ref: str = A1) -> None:
    body = {"woman_id": card, "name": f"孩{serial}", "born_on": born, "sex": sex,
            "certificate_number": f"Q{serial}"}  # fmt: skip
    created = client.post(f"{api(ref)}/children", json=body)
    assert created.status_code == 201, created.json


def _visit(client, kind: str, subject: int, on: str, ref: str = A1) -> None:
    body = {"subject_kind": kind, "subject_id": subject, "visited_on": on, "mode": "home"}
    created = client.post(f"{api(ref)}/visits", json=body)
    assert created.status_code == 201, created.json


def _file(client, ref: str, month: str, **override: int) -> None:
    url = f"/api/v1/nodes/{ref}/reports/{REPORT}/{month}"
    assert client.get(url).status_code == 200
    reasons = {key: "社区上报数" for key in override}
    patched = client.patch(url, json={"values": {**TYPED, **override}, "reasons": reasons})
    assert patched.status_code == 200, patched.json
    submitted = client.post(f"{url}/submit", json={})
    assert submitted.status_code == 200, submitted.json


def _special_families(client, app, ref: str, count: int) -> list[int]:
    """``count`` special families (失独) on the ledger in ``ref``; their households' ids."""
    from plugins.family_planning.families.models import FpFamily

    households = []
    for n in range(count):
        body = {"building": f"{ref}-bb01", "room": f"{300 + n}", "head_name": f"户{n}"}
        household = client.post(f"/api/v1/c/{ref}/registry/households", json=body)
        assert household.status_code == 201, household.json
        family = client.post(
            f"{api(ref)}/families",
            json={"household_id": household.json["id"], "categories": ["lost_only_child"]},
        )
        assert family.status_code == 201, family.json
        with app.app_context():
            db.session.get(FpFamily, family.json["id"]).status = "active"
            db.session.commit()
        households.append(household.json["id"])
    return households


@pytest.fixture
def quality(enable, resident, as_user, app, jiedao_clock):
    enable(A1, A2)
    worker, street, c_admin = as_user("worker"), as_user("s_admin"), as_user("c_admin")
    people = {
        name: resident(ref, name=name, born=date(1990, 1, n + 1))
        for n, (name, ref) in enumerate([("甲", A1), ("乙", A1), ("丙", A1), ("丁", A2)])
    }
    _on(jiedao_clock, "2026-02-02")
    _file(c_admin, A1, "2026-01")
    _on(jiedao_clock, "2026-02-15")
    _card(street, people["丁"], A2, "2026-02-01")
    _on(jiedao_clock, "2026-02-20")
    _visit(street, "resident", people["丁"], "2026-02-20", A2)
    _on(jiedao_clock, "2026-03-02")
    _file(street, A2, "2026-02", births=1, births_boys=1, births_first=1)
    _on(jiedao_clock, "2026-05-10")
    jia = _card(worker, people["甲"], A1, "2026-05-01")
    _child(worker, jia, "2026-05-05", "M", "100000001")
    _on(jiedao_clock, "2026-05-20")
    _visit(worker, "resident", people["甲"], "2026-05-20")
    _on(jiedao_clock, "2026-06-02")
    _file(c_admin, A1, "2026-05")
    _on(jiedao_clock, "2026-06-15")
    yi = _card(worker, people["乙"], A1, "2026-04-01")
    _child(worker, yi, "2026-01-10", "F", "100000002")
    _card(worker, people["丙"], A1, "2026-06-01")
    a1 = _special_families(c_admin, app, A1, 6)
    days = ["05-20", "05-25", "06-01", "06-10", "06-15", "05-01"]
    for household, day in zip(a1, days, strict=True):
        _visit(worker, "household", household, f"2026-{day}")
    _special_families(street, app, A2, 1)


def test_each_rate_at_a_community(quality, as_user):
    year = _values(as_user("d_admin"), A1, "2026")
    # 甲's marriage and birth visited in time; 乙's marriage and birth not; 丙's window open.
    assert (year["key_events"], year["key_visited"], year["key_visit_rate"]) == (4, 2, 50.0)
    # Five changes (three marriages, two births), three recorded within 30 days.
    assert (year["info_changes"], year["info_changes_on_time"]) == (5, 3)
    assert year["info_timeliness"] == 60.0
    # Reports of January (0) and May (1) against 乙's girl and 甲's boy now on file.
    assert (year["births_report_gap"], year["births_reported_on_file"]) == (1, 2)
    assert year["birth_report_error"] == 50.0
    assert (year["special_families"], year["special_visited"]) == (6, 5)
    assert year["special_visit_rate"] == 83.3


def test_the_rates_roll_up_by_their_parts(quality, as_user):
    street = _values(as_user("d_admin"), STREET_A, "2026")
    assert street["key_visit_rate"] == 60.0  # 3 of 5, not the mean of 50% and 100%
    assert street["info_timeliness"] == 66.7  # 4 of 6, not the mean of 60% and 100%
    # A1 reported one too few, A2 one too many: the errors add up, they do not cancel.
    assert (street["births_report_gap"], street["births_reported_on_file"]) == (2, 2)
    assert street["birth_report_error"] == 100.0
    assert street["special_visit_rate"] == 71.4  # 5 of 7
    district = _values(as_user("d_admin"), DISTRICT, "2026")
    assert district["key_visit_rate"] == 60.0 and district["special_visit_rate"] == 71.4


def test_a_few_special_families_visited_are_withheld(quality, as_user):
    a2 = _values(as_user("d_admin"), A2, "2026")
    # One family: its count is withheld, and so is the rate (a zero points at nobody).
    assert a2["special_families"] is None and a2["special_visited"] == 0
    assert a2["special_visit_rate"] is None
    # The months without a filed report are not compared: no report, no error measured.
    assert _values(as_user("d_admin"), A1, "2026Q2")["births_reported_on_file"] == 1


def test_the_legacy_contraception_rate_is_off_unless_asked(enable, card, as_user):
    enable()
    for n, method in enumerate(
        ["iud", "condom", "pill", "implant", "female_sterilisation", "none", None]
    ):
        card(name=f"妇{n}", born=date(1990, 1, n + 1), contraception=method)
    client = as_user("d_admin")
    assert "contraception_rate" not in _values(client, A1, "2026")
    answer = client.get(f"/api/v1/nodes/{A1}/indicators?period=2026&optional=1").json
    found = {i["name"]: i for i in answer["items"]}
    rate = found["family_planning.contraception_rate"]
    assert rate["optional"] is True and "不作考核" in rate["label"]
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (5, 7, 71.4)
