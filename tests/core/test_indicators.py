"""Indicators 2.0: the reporting periods (month, quarter, half-year, year) as the API names
them, rates rolled up from summed numerators and denominators, stock figures taken on a day
against flows counted over a period, and small counts withheld where a module says so."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from core.db import db
from core.figures import evaluate
from core.reports import Indicator, Period

A1, A2 = "110105001001", "110105001002"
STREET_A = "110105001"


@pytest.mark.parametrize(
    ("text", "start", "end", "previous"),
    [
        ("2026-03", "2026-03-01", "2026-03-31", "2026-02"),
        ("2026-01", "2026-01-01", "2026-01-31", "2025-12"),
        ("2028-02", "2028-02-01", "2028-02-29", "2028-01"),
        ("2026Q1", "2026-01-01", "2026-03-31", "2025Q4"),
        ("2026q4", "2026-10-01", "2026-12-31", "2026Q3"),
        ("2026H1", "2026-01-01", "2026-06-30", "2025H2"),
        ("2026H2", "2026-07-01", "2026-12-31", "2026H1"),
        ("2026", "2026-01-01", "2026-12-31", "2025"),
    ],
)
def test_every_period_form(text, start, end, previous):
    period = Period.parse(text)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)
    assert period.key == text.upper()
    assert period.previous().key == previous
    assert Period.parse(period.key) == period


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026Q5", "2026H3", "26", "1899", "x"])
def test_malformed_periods_are_none(text):
    assert Period.parse(text) is None


def test_a_period_that_is_not_a_reporting_period_keeps_its_dates():
    odd = Period(date(2026, 3, 5), date(2026, 4, 4))
    assert odd.key == "2026-03-05/2026-04-04"
    assert odd.previous() == Period(date(2026, 2, 2), date(2026, 3, 4))  # the 31 days before


def test_declarations_say_what_they_are():
    with pytest.raises(ValueError, match="numerator"):
        Indicator("m.rate", "rate", "%", kind="ratio", numerator="m.part")
    with pytest.raises(ValueError, match="kind"):
        Indicator("m.x", "x", "", lambda *a: 0, kind="median")
    with pytest.raises(ValueError, match="compute"):
        Indicator("m.x", "x", "")


def _fixed(values: dict[str, int]) -> dict[str, Indicator]:
    """Count indicators with fixed values, a rate of the first two, and a mean."""
    found = {
        name: Indicator(name, name, "", lambda s, c, p, v=value: v, suppress_below=5)
        for name, value in values.items()
    }
    found["m.rate"] = Indicator(
        "m.rate", "rate", "%", kind="ratio", numerator="m.a", denominator="m.b"
    )
    found["m.mean"] = Indicator(
        "m.mean", "mean", "", kind="mean", numerator="m.b", denominator="m.c"
    )
    return found


def test_small_counts_are_withheld_and_a_rate_follows_its_numerator(app):
    year = Period.year(2026)
    with app.app_context():
        shown = _fixed({"m.a": 9, "m.b": 12, "m.c": 6})
        values = {n: evaluate(db.session, shown, n, None, year) for n in shown}
        assert values["m.rate"].as_json() == {
            "value": 75.0,
            "numerator": 9,
            "denominator": 12,
            "suppressed": False,
        }
        assert values["m.mean"].value == 2.0  # 12 / 6, no percentage
        withheld = _fixed({"m.a": 3, "m.b": 12, "m.c": 4})
        values = {n: evaluate(db.session, withheld, n, None, year) for n in withheld}
        assert values["m.a"].suppressed and values["m.a"].value is None  # 3 < 5
        assert values["m.rate"].as_json() == {
            "value": None,
            "numerator": None,
            "denominator": None,
            "suppressed": True,
        }
        assert values["m.mean"].suppressed  # 12 / 4 would show the 4
        empty = _fixed({"m.a": 0, "m.b": 12, "m.c": 0})
        assert evaluate(db.session, empty, "m.c", None, year).value == 0  # zero is no one
        mean = evaluate(db.session, empty, "m.mean", None, year)
        assert (mean.value, mean.suppressed) == (None, False)  # nothing to divide by


@pytest.fixture
def hazards(app, world, jiedao_clock):
    """Safety on in A1 and A2 on 2026-06-15. A1 found 2 hazards in 2026, closed 1 of them; A2
    found 10, closed 9 — a 50% and a 90% rectification rate. Two of A2's were found in March;
    A1's open one was due on 2026-03-20 (overdue since)."""
    from plugins.safety.models import SafetyHazard
    from tenants import modules

    jiedao_clock("2026-06-15T10:00:00+08:00")
    with app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "safety", None)
        rows = [(A1, "2026-01-10", True), (A1, "2026-03-01", False)]
        rows += [(A2, f"2026-03-{n + 10:02d}", True) for n in range(2)]
        rows += [(A2, f"2026-05-{n + 10:02d}", n < 7) for n in range(8)]
        for i, (ref, found, closed) in enumerate(rows):
            found_on = date.fromisoformat(found)
            db.session.add(
                SafetyHazard(
                    node_id=world.node(ref).id,
                    number=f"YH2026-{i:04d}",
                    description="隐患",
                    found_on=found_on,
                    status="closed" if closed else "rectifying",
                    deadline=date(2026, 3, 20) if not closed else date(2026, 6, 30),
                    closed_on=date(2026, 6, 1) if closed else None,
                    severity="general",
                )
            )
        db.session.commit()


def _items(client, ref: str, query: str) -> dict[str, dict]:
    answer = client.get(f"/api/v1/nodes/{ref}/indicators?{query}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json(), {i["name"]: i for i in answer.get_json()["items"]}


def test_a_streets_rate_is_its_summed_parts_not_a_mean_of_rates(hazards, as_user):
    street_admin = as_user("s_admin")
    _, a1 = _items(street_admin, A1, "period=2026")
    _, a2 = _items(street_admin, A2, "period=2026")
    assert a1["safety.rectification_rate"]["value"] == 50.0
    assert a2["safety.rectification_rate"]["value"] == 90.0
    body, street = _items(street_admin, STREET_A, "period=2026")
    rate = street["safety.rectification_rate"]
    assert (rate["numerator"], rate["denominator"]) == (10, 12)
    assert rate["value"] == 83.3  # 10 / 12, not (50 + 90) / 2 = 70
    assert rate["kind"] == "ratio" and rate["unit"] == "%"
    assert body["period"] == {
        "key": "2026",
        "start": "2026-01-01",
        "end": "2026-12-31",
        "label": "2026年",
    }


def test_flows_count_the_period_and_stocks_are_taken_on_its_last_day(hazards, as_user):
    street_admin = as_user("s_admin")
    body, march = _items(street_admin, STREET_A, "period=2026-03")
    assert body["period"]["label"] == "2026年3月"
    assert march["safety.hazards_found"]["value"] == 3  # A1's of 03-01, A2's of 03-10, 03-11
    assert march["safety.hazards_found"]["stock"] is False
    overdue = march["safety.hazards_overdue"]
    # On 03-31 only A1's open hazard, due 03-20, was overdue; A2's open ones were found in May.
    assert (overdue["value"], overdue["stock"], overdue["as_of"]) == (1, True, "2026-03-31")
    _, first_half = _items(street_admin, STREET_A, "period=2026H1")
    assert first_half["safety.hazards_found"]["value"] == 12
    assert first_half["safety.hazards_overdue"]["as_of"] == "2026-06-15"  # today, mid-period
    _, quarter = _items(street_admin, STREET_A, "period=2026Q2")
    assert quarter["safety.hazards_found"]["value"] == 8


def test_a_bad_period_is_refused_naming_it(as_user):
    answer = as_user("s_admin").get(f"/api/v1/nodes/{STREET_A}/indicators?period=2026Q5")
    assert answer.status_code == 422 and "period" in answer.get_json()["error"]["fields"]


def _records(client, ref: str, name: str, query: str) -> tuple[int, list[dict], int]:
    answer = client.get(f"/api/v1/nodes/{ref}/figures/{name}/records?{query}")
    if answer.status_code != 200:
        return answer.status_code, [], 0
    body = answer.get_json()
    return 200, body["items"], body["total"]


def test_a_figure_opens_onto_exactly_the_records_it_counts(hazards, as_user):
    street_admin = as_user("s_admin")
    _, march = _items(street_admin, STREET_A, "period=2026-03")
    overdue = march["safety.hazards_overdue"]
    assert overdue["records"] == f"/n/{STREET_A}/figures/safety.hazards_overdue?period=2026-03"
    status, items, total = _records(
        street_admin, STREET_A, "safety.hazards_overdue", "period=2026-03"
    )
    assert status == 200 and total == overdue["value"] == 1
    assert [(i["number"], i["community"]) for i in items] == [("YH2026-0001", A1)]
    # A rate opens onto its numerator's records: the 10 rectified hazards of the 12 found.
    _, year = _items(street_admin, STREET_A, "period=2026")
    assert year["safety.rectification_rate"]["records"].endswith("rectification_rate?period=2026")
    _, items, total = _records(street_admin, STREET_A, "safety.rectification_rate", "period=2026")
    assert total == year["safety.rectification_rate"]["numerator"] == 10
    assert {i["status"] for i in items} == {"closed"}
    assert year["safety.trained"]["records"] is None  # counted over two tables: no drill-down

    page = lxml.html.fromstring(street_admin.get(overdue["records"]).text)
    rows = page.xpath("//tr[@data-record]")
    assert (
        len(rows) == 1 and "2026年3月" in page.xpath("//*[@data-figure-period]")[0].text_content()
    )
    link = rows[0].xpath(".//a")[0].get("href")
    assert link.startswith(f"/c/{A1}/safety/hazards/") and street_admin.get(link).status_code == 200


def test_the_drill_down_stays_in_scope_and_where_the_module_is_on(hazards, app, world, as_user):
    from plugins.safety.models import SafetyHazard

    with app.app_context():  # B1, of the other street, with safety off: never counted
        db.session.add(
            SafetyHazard(
                node_id=world.node("110105002001").id, number="YH2026-0099", description="隐患",
                found_on=date(2026, 3, 2), status="found", deadline=date(2026, 3, 10),
                severity="general",
            )
        )  # fmt: skip
        db.session.commit()
    district = as_user("d_admin")
    _, found = _items(district, "110105", "period=2026-03")
    _, items, total = _records(district, "110105", "safety.hazards_found", "period=2026-03")
    assert total == found["safety.hazards_found"]["value"] == 3
    assert "YH2026-0099" not in {i["number"] for i in items}

    worker = as_user("worker")  # program worker of A1
    assert _records(worker, STREET_A, "safety.hazards_found", "period=2026")[0] == 404
    status, items, _ = _records(worker, A1, "safety.hazards_found", "period=2026")
    assert status == 200 and {i["community"] for i in items} == {A1}
    assert worker.get(f"/n/{A2}/figures/safety.hazards_found?period=2026").status_code == 404
    for name in ("safety.nothing", "safety.trained"):
        assert _records(worker, A1, name, "period=2026")[0] == 404
    bad = worker.get(f"/api/v1/nodes/{A1}/figures/safety.hazards_found/records?period=2026-13")
    assert bad.status_code == 422 and "period" in bad.get_json()["error"]["fields"]
    leader = as_user("leader")  # a building leader holds no safety permission
    assert _records(leader, A1, "safety.hazards_found", "period=2026")[0] == 404


def test_drilled_records_are_masked_as_the_ledgers_lists_are(hazards, app, world, as_user):
    from plugins.registry.models import RegistryUnit
    from plugins.safety.models import SafetyEnterprise
    from tests.plugins.registry.conftest import make_code

    with app.app_context():
        node = world.node(A1)
        unit = RegistryUnit(
            node_id=node.id, name="永安饭店", credit_code=make_code("MA01001X5"), kind="enterprise"
        )
        db.session.add(unit)
        db.session.flush()
        db.session.add(
            SafetyEnterprise(
                node_id=node.id, unit_id=unit.id, name=unit.name, principal_phone="13912345678"
            )
        )
        db.session.commit()
    _, items, total = _records(as_user("worker"), A1, "safety.enterprises", "period=2026")
    assert total == 1 and items[0]["name"] == "永安饭店"
    assert (items[0]["principal_phone"], items[0]["masked"]) == ("139****5678", True)


def test_a_modules_figures_cost_one_query_per_table(hazards, app, world):
    """All of safety's figures at a street: the communities read once, then one statement per
    table they are taken from — not one per figure."""
    import sqlalchemy as sa

    from core.figures import evaluate
    from plugins.safety.dashboard.figures import SAFETY
    from tenants.modules import counted_communities, indicators

    statements: list[str] = []
    with app.app_context():
        every = {n: i for n, i in indicators().items() if n.startswith("safety.")}
        communities = counted_communities(db.session, world.node(STREET_A).as_ref(), "safety")

        def seen(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            memo: dict = {}
            values = {
                n: evaluate(db.session, every, n, communities, Period.year(2026), memo)
                for n in every
            }
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
    assert values["safety.rectification_rate"].value == 83.3
    assert len(statements) == len(SAFETY._sources()), statements


def test_an_optional_statistic_is_shown_only_when_asked_and_never_targeted(
    hazards, as_user, monkeypatch
):
    from core.targets import services as targets
    from tenants import modules

    legacy = Indicator(
        "safety.legacy", "旧指标（不作考核）", "%", lambda s, c, p: 7, optional=True,
        direction="up", module="safety",
    )  # fmt: skip
    found = modules.indicators
    monkeypatch.setattr(modules, "indicators", lambda: {**found(), legacy.name: legacy})
    monkeypatch.setattr(targets, "all_indicators", lambda: {legacy.name: legacy})
    _, plain = _items(as_user("s_admin"), A1, "period=2026")
    assert "safety.legacy" not in plain and plain["safety.rectification_rate"]["optional"] is False
    _, asked = _items(as_user("s_admin"), A1, "period=2026&optional=1")
    assert asked["safety.legacy"]["value"] == 7 and asked["safety.legacy"]["optional"] is True
    assert targets.targetable() == {}
