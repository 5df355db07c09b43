"""集中服务活动 (004 l.27-28): a community cadre visits every woman of the register — the visit
coverage of a period, a ratio of summed parts at the street — and a street cadre spends 20
days out and visits 100 key families, person by person under the street.

May 2026: the street cadre (s_admin) visits 甲 and 乙 on the 6th and 丁 (A2) on the 7th, and 丙
on 1 June; the community worker visits 甲 on the 10th and 乙 on the 11th. 丙 (A1) is not
visited in May."""

from __future__ import annotations

from datetime import date

import pytest

from plugins.family_planning import campaign

from .conftest import A1, A2, DISTRICT, STREET_A, STREET_B, api
from .test_indicators import _values


def _visit(client, ref: str, resident_id: int, on: str) -> None:
    body = {"subject_kind": "resident", "subject_id": resident_id, "visited_on": on, "mode": "home"}
    created = client.post(f"{api(ref)}/visits", json=body)
    assert created.status_code == 201, created.json


@pytest.fixture
def campaign_month(enable, resident, as_user):
    enable(A1, A2)
    worker, street = as_user("worker"), as_user("s_admin")
    people = {}
    for n, (name, ref) in enumerate([("甲", A1), ("乙", A1), ("丙", A1), ("丁", A2)]):
        people[name] = resident(ref, name=name, born=date(1990, 1, n + 1))
        body = {"resident_id": people[name], "filed_on": "2026-04-01"}
        filed = street.post(f"{api(ref)}/women", json=body)
        assert filed.status_code == 201, filed.json
    _visit(street, A1, people["甲"], "2026-05-06")
    _visit(street, A1, people["乙"], "2026-05-06")
    _visit(street, A2, people["丁"], "2026-05-07")
    _visit(street, A1, people["丙"], "2026-06-01")
    _visit(worker, A1, people["甲"], "2026-05-10")
    _visit(worker, A1, people["乙"], "2026-05-11")


def test_the_register_covered_in_the_month(campaign_month, as_user):
    client = as_user("d_admin")
    a1 = _values(client, A1, "2026-05")
    assert (a1["women_visited"], a1["married_women"], a1["visit_coverage"]) == (2, 3, 66.7)
    assert _values(client, A2, "2026-05")["visit_coverage"] == 100.0
    street = _values(client, STREET_A, "2026-05")
    assert street["visit_coverage"] == 75.0  # 3 of 4, not the mean of 66.7% and 100%
    assert _values(client, A1, "2026-06")["visit_coverage"] == 33.3  # 丙 on 1 June


def _cadres(client, ref: str = STREET_A, period: str = "2026-05"):
    return client.get(f"/api/v1/r/{ref}/family_planning/campaign?period={period}")


def test_each_cadre_against_the_quota(campaign_month, as_user, monkeypatch):
    answer = _cadres(as_user("s_admin"))
    assert answer.status_code == 200, answer.json
    assert answer.json["quota"] == {"days": 20, "families": 100}
    found = {r["name"]: r for r in answer.json["items"]}
    cadre = next(r for r in answer.json["items"] if r["street_cadre"])
    assert (cadre["days"], cadre["families"], cadre["meets"]) == (2, 3, False)
    worker = next(r for r in answer.json["items"] if not r["street_cadre"])
    assert (worker["days"], worker["families"], worker["meets"]) == (2, 2, None)
    assert len(found) == 2
    # With a quota the cadre reaches, and one just beyond it.
    monkeypatch.setattr(campaign, "CADRE_DAYS", 2)
    monkeypatch.setattr(campaign, "CADRE_FAMILIES", 3)
    assert next(r for r in _cadres(as_user("s_admin")).json["items"] if r["street_cadre"])["meets"]
    monkeypatch.setattr(campaign, "CADRE_FAMILIES", 4)
    assert not next(r for r in _cadres(as_user("s_admin")).json["items"] if r["street_cadre"])[
        "meets"
    ]
    district = _cadres(as_user("d_admin"), DISTRICT).json["items"]
    assert sorted(r["families"] for r in district) == [2, 3]
    june = _cadres(as_user("s_admin"), period="2026-06").json["items"]
    assert [(r["days"], r["families"]) for r in june] == [(1, 1)]


def test_the_campaign_is_read_only_and_of_the_street(campaign_month, as_user, world):
    world.add_user("b_admin", "street_admin", STREET_B)
    assert _cadres(as_user("worker")).status_code == 404  # a community's worker
    assert _cadres(as_user("b_admin")).status_code == 404  # another street
    bad = _cadres(as_user("s_admin"), period="May")
    assert bad.status_code == 422 and "period" in bad.json["error"]["fields"]
    written = as_user("s_admin").post(f"/api/v1/r/{STREET_A}/family_planning/campaign")
    assert written.status_code == 405  # read only


def test_the_campaign_is_gone_with_the_module(campaign_month, as_user, app, world):
    from core.db import db
    from tenants import modules

    with app.app_context():
        for ref in (A1, A2):
            modules.disable(db.session, world.node(ref), "family_planning")
        db.session.commit()
    off = _cadres(as_user("s_admin"))  # a roll-up reads the communities where it is on
    assert off.status_code == 200 and off.json["items"] == []
    with app.app_context():
        modules.enable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    items = _cadres(as_user("s_admin")).json["items"]
    assert sorted(r["families"] for r in items) == [2, 2]  # A2's visit is not counted
