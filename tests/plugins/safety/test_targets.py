"""Targets held at the street and split down (core.targets) on safety's figures, with the clock
stopped on 2026-06-15: "全年完成三项岗位人员培训" is the street's target, not the sum of its
communities'; a count's shares add up to at least it, a rate's are each at least as strict; the
light compares the live figure with the time-prorated expectation."""

from __future__ import annotations

from datetime import date

import pytest

from core.db import db
from core.reports import Indicator, Period

from .conftest import A1, A2, B1, DISTRICT, STREET_A
from .test_indicators import rows  # noqa: F401 - the hand-counted rows and the 60/20/40 split

TRAINED, RATE = "safety.trained", "safety.rectification_rate"


def url(ref: str, name: str = "", period: str = "2026") -> str:
    tail = f"/{name}" if name else ""
    return f"/api/v1/nodes/{ref}/targets{tail}?period={period}"


def item(answer: dict, name: str) -> dict:
    (found,) = [i for i in answer["items"] if i["indicator"] == name]
    return found


def stored(app, world, ref: str, name: str = TRAINED, period: str = "2026"):
    from core.targets.services import target_of

    with app.app_context():
        return target_of(db.session, world.node(ref), name, Period.parse(period))


@pytest.mark.usefixtures("rows")
def test_the_street_holds_its_own_target_and_its_split(as_user):
    answer = as_user("s_admin").get(url(STREET_A)).get_json()
    trained = item(answer, TRAINED)
    # 60 at the street — not 20 + 40 + 60 — against the street-wide count of people trained.
    assert trained["target"] == 60 and trained["value"] == 4 and trained["split_total"] == 60
    # Mid-June: 166 of 365 days, so 27.3 expected; 4 is under 80 % of it.
    assert trained["expected"] == 27.3 and trained["light"] == "far_behind"
    children = {c["ref"]: c for c in trained["children"]}
    assert set(children) == {A1, A2}
    assert (children[A1]["target"], children[A1]["value"]) == (20, 3)
    assert (children[A2]["target"], children[A2]["value"]) == (40, 1)
    # The inspector reads the same; a community worker does not see the street at all.
    inspector = as_user("inspector").get(url(STREET_A)).get_json()
    assert item(inspector, TRAINED)["target"] == 60
    assert as_user("worker").get(url(STREET_A)).status_code == 404
    # The community reads its share.
    assert item(as_user("c_admin").get(url(A1)).get_json(), TRAINED)["target"] == 20


@pytest.mark.usefixtures("rows")
def test_a_rate_is_split_so_that_each_place_is_as_strict(app, world, as_user):
    street = as_user("s_admin")
    weaker = street.put(url(STREET_A, RATE), json={"value": 95, "shares": {A1: 90, A2: 95}})
    assert weaker.status_code == 422
    assert f"share-{A1}" in weaker.get_json()["error"]["fields"]
    assert stored(app, world, STREET_A, RATE) is None  # nothing written
    done = street.put(url(STREET_A, RATE), json={"value": 95, "shares": {A1: 95, A2: 98}})
    assert done.status_code == 200
    rate = item(done.get_json(), RATE)
    # 50.0 % (3 of 6 found rectified): a rate is held to the target itself, not prorated.
    assert rate["value"] == 50.0 and rate["expected"] == 95 and rate["light"] == "far_behind"
    assert rate["rule"] == "each" and rate["split_total"] is None


@pytest.mark.usefixtures("rows")
def test_shares_that_fall_short_are_refused_and_nothing_changes(app, world, as_user):
    street = as_user("s_admin")
    short = street.put(url(STREET_A, TRAINED), json={"shares": {A1: 10}})
    assert short.status_code == 422
    fields = short.get_json()["error"]["fields"]
    assert fields["shares"] == ["分解到下级的目标合计 50，少于本级目标 60。"]
    assert stored(app, world, A1) == 20
    # Raising the street's own target above its split is refused the same way …
    assert street.put(url(STREET_A, TRAINED), json={"value": 80}).status_code == 422
    # … and lowering a community's share below the street's through the community's own target.
    lowered = street.put(url(A2, TRAINED), json={"value": 10})
    assert lowered.status_code == 422 and "value" in lowered.get_json()["error"]["fields"]
    assert stored(app, world, A2) == 40
    # Raising both together holds.
    both = street.put(url(STREET_A, TRAINED), json={"value": 80, "shares": {A1: 30, A2: 50}})
    assert both.status_code == 200
    assert (stored(app, world, STREET_A), stored(app, world, A1)) == (80, 30)


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    ("name", "body", "field"),
    [
        (TRAINED, {"value": "many"}, "value"),
        (TRAINED, {"value": -1}, "value"),
        (TRAINED, {"value": 1.234}, "value"),
        (TRAINED, {"value": True}, "value"),
        (RATE, {"value": 101}, "value"),
        (TRAINED, {"shares": {B1: 5}}, f"share-{B1}"),  # another street's community
        (TRAINED, {"shares": [1]}, "shares"),
        (TRAINED, {"note": 5}, "note"),
        (TRAINED, {"note": "依据" * 101}, "note"),
        ("safety.nothing", {"value": 1}, "indicator"),
        ("safety.hazards_found", {"value": 1}, "indicator"),  # says not which way is better
    ],
)
def test_bad_input_is_refused_naming_the_field(as_user, name, body, field):
    answer = as_user("s_admin").put(url(STREET_A, name), json=body)
    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]


@pytest.mark.usefixtures("rows")
def test_denials(as_user):
    assert as_user("c_admin").put(url(A1, TRAINED), json={"value": 5}).status_code == 403
    assert as_user("inspector").put(url(STREET_A, TRAINED), json={"value": 5}).status_code == 403
    assert as_user("worker").put(url(STREET_A, TRAINED), json={"value": 5}).status_code == 404
    # Another street's places: not found for the street admin.
    assert as_user("s_admin").get(url("110105002")).status_code == 404
    assert as_user("s_admin").put(url(B1, TRAINED), json={"value": 5}).status_code == 404
    # Grids and buildings hold no targets.
    assert as_user("s_admin").get(url(f"{A1}-gg1")).status_code == 404
    assert as_user("s_admin").get(url(STREET_A, period="2026X")).status_code == 422


@pytest.mark.usefixtures("rows")
def test_the_district_splits_to_its_streets_and_the_log_keeps_every_change(app, world, as_user):
    district = as_user("d_admin")
    answer = district.put(
        url(DISTRICT, TRAINED), json={"value": 100, "shares": {STREET_A: 60, "110105002": 40}}
    )
    assert answer.status_code == 200
    trained = item(answer.get_json(), TRAINED)
    assert [c["ref"] for c in trained["children"]] == [STREET_A, "110105002"]
    assert trained["value"] == 4  # B1 trained nobody
    log = district.get("/api/v1/audit?per_page=200").get_json()["items"]
    summaries = [e["summary"] for e in log if e["action"] == "target.set"]
    assert any("— → 100" in s for s in summaries) and any("— → 40" in s for s in summaries)
    # The street's share was already 60: unchanged, not logged again.
    assert not any("60 → 60" in s for s in summaries)


@pytest.mark.usefixtures("rows")
def test_a_module_switched_off_takes_its_place_out_of_the_split(app, world, as_user):
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    trained = item(as_user("s_admin").get(url(STREET_A)).get_json(), TRAINED)
    assert [c["ref"] for c in trained["children"]] == [A1]
    refused = as_user("s_admin").put(url(STREET_A, TRAINED), json={"shares": {A2: 50}})
    assert refused.status_code == 422 and f"share-{A2}" in refused.get_json()["error"]["fields"]


@pytest.mark.usefixtures("rows")
def test_the_page_sets_and_splits_and_keeps_what_was_typed(as_user):
    street = as_user("s_admin")
    page = street.get(f"/n/{STREET_A}/targets")
    assert page.status_code == 200
    assert 'data-target="safety.trained"' in page.text and f'name="share-{A1}"' in page.text
    refused = street.post(
        f"/n/{STREET_A}/targets?period=2026",
        data={"indicator": TRAINED, "value": "60", f"share-{A1}": "5", f"share-{A2}": "40x"},
    )
    assert refused.status_code == 422
    assert f'data-error="share-{A2}"' in refused.text and 'value="40x"' in refused.text
    saved = street.post(
        f"/n/{STREET_A}/targets?period=2026",
        data={"indicator": TRAINED, "value": "60", f"share-{A1}": "25", f"share-{A2}": "40"},
    )
    assert saved.status_code == 302
    # A reader sees the targets without a form; the street's page links to them.
    read = as_user("inspector").get(f"/n/{STREET_A}/targets")
    assert read.status_code == 200 and 'name="value"' not in read.text and "25" in read.text
    assert f"/n/{STREET_A}/targets" in street.get(f"/n/{STREET_A}").text


def _indicator(direction: str, kind: str = "count", stock: bool = False) -> Indicator:
    if kind == "ratio":
        return Indicator("m.r", "r", "%", kind="ratio", numerator="a", denominator="b",
                         direction=direction)  # fmt: skip
    return Indicator("m.c", "c", "", lambda *a: 0, direction=direction, stock=stock)


@pytest.mark.parametrize(
    ("indicator", "target", "value", "day", "light"),
    [
        (_indicator("up"), 100, 100, "2026-03-01", "met"),
        (_indicator("up"), 100, 51, "2026-07-02", "on_track"),  # 50.1 expected by 2 July
        (_indicator("up"), 100, 49, "2026-07-02", "behind"),  # under it, but above 80 %
        (_indicator("up"), 100, 30, "2026-07-02", "far_behind"),
        (_indicator("up"), 100, 99, "2026-12-31", "missed"),
        (_indicator("up", stock=True), 100, 90, "2026-03-01", "behind"),  # a stock: not prorated
        (_indicator("up", "ratio"), 95, 96, "2026-03-01", "met"),
        (_indicator("down"), 0, 0, "2026-03-01", "on_track"),  # 不发生事故, so far
        (_indicator("down"), 0, 0, "2026-12-31", "met"),
        (_indicator("down"), 0, 1, "2026-03-01", "missed"),  # a flow count cannot come back
        (_indicator("down", stock=True), 5, 6, "2026-03-01", "behind"),
    ],
)
def test_lights(indicator, target, value, day, light):
    from decimal import Decimal

    from core.targets.services import light as light_of

    found, _expected = light_of(
        indicator, Decimal(target), value, Period.year(2026), date.fromisoformat(day)
    )
    assert found == light


@pytest.mark.usefixtures("rows")
def test_the_street_dashboard_links_to_its_targets(as_user):
    page = as_user("s_admin").get(f"/r/{STREET_A}/safety/?period=2026Q1").text
    assert f'href="/n/{STREET_A}/targets?period=2026"' in page
