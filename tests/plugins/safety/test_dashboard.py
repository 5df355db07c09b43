"""The street and district safety dashboard: who may open it, which communities it counts, the
period selector, the ranking order and bad input."""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, DISTRICT, STREET_A, STREET_B
from .test_indicators import rows  # noqa: F401 - the hand-counted fixture


def board(ref: str, query: str = "") -> str:
    return f"/r/{ref}/safety/{query}"


def board_api(ref: str, query: str = "") -> str:
    return f"/api/v1/r/{ref}/safety/dashboard{query}"


@pytest.fixture
def safety_inspector(world):
    world.add_user("anquan", "safety_inspector", DISTRICT)
    return "anquan"


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    ("username", "ref"),
    [("s_admin", STREET_A), ("d_admin", STREET_A), ("d_admin", DISTRICT), ("inspector", DISTRICT)],
)
def test_the_page_opens_for_street_and_district_roles(as_user, username, ref):
    response = as_user(username).get(board(ref, "?year=2026"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-chart-source="chart-data-safety-hazards"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "https://" not in html.split("<body")[1]
    assert f'data-community="{A1}"' in html


@pytest.mark.usefixtures("rows")
def test_the_safety_inspector_reads_the_whole_district(as_user, safety_inspector):
    client = as_user(safety_inspector)
    assert client.get(board(DISTRICT)).status_code == 200
    answer = client.get(board_api(STREET_B, "?year=2026")).get_json()
    assert [r["community"] for r in answer["ranking"]] == [B1]


@pytest.mark.usefixtures("rows")
def test_outside_the_scope_or_without_the_permission(as_user):
    assert as_user("s_admin").get(board(STREET_B)).status_code == 404
    assert as_user("s_admin").get(board_api(STREET_B)).status_code == 404
    assert as_user("s_admin").get(board(DISTRICT)).status_code == 404
    assert as_user("c_admin").get(board(STREET_A)).status_code == 404  # holds it only at A1
    assert as_user("leader").get(board(STREET_A)).status_code == 404
    assert as_user("d_admin").get(board("nowhere")).status_code == 404


@pytest.mark.usefixtures("rows")
def test_the_ranking_and_its_order(as_user):
    client = as_user("s_admin")
    answer = client.get(board_api(STREET_A, "?year=2026")).get_json()
    # A2: 1 of 2 rectified (50.0), A1: 2 of 4 (50.0) → tie, by code: A1 first
    assert answer["sort"] == "rectification_rate" and answer["order"] == "desc"
    assert [r["community"] for r in answer["ranking"]] == [A1, A2]
    assert answer["totals"]["hazards_found"] == 6
    found = client.get(board_api(STREET_A, "?year=2026&sort=hazards_found&order=asc")).get_json()
    assert [(r["community"], r["hazards_found"], r["rank"]) for r in found["ranking"]] == [
        (A2, 2, 1),
        (A1, 4, 2),
    ]
    overdue = client.get(board_api(STREET_A, "?year=2026&sort=hazards_overdue")).get_json()
    assert [r["community"] for r in overdue["ranking"]] == [A1, A2]
    html = client.get(board(STREET_A, "?year=2026&sort=hazards_found&order=asc")).get_data(True)
    assert html.index(f'data-community="{A2}"') < html.index(f'data-community="{A1}"')
    assert 'aria-sort="ascending"' in html


@pytest.mark.usefixtures("rows")
def test_the_period_selector(as_user):
    client = as_user("d_admin")
    quarter = client.get(board_api(STREET_A, "?year=2026&quarter=1")).get_json()
    assert quarter["period"]["start"] == "2026-01-01" and quarter["period"]["end"] == "2026-03-31"
    assert quarter["period"]["label"] in ("Q1 2026", "2026年第1季度")
    assert quarter["as_of"] == "2026-03-31" and quarter["totals"]["hazards_found"] == 3
    span = client.get(board_api(STREET_A, "?from=2026-04-01&to=2026-04-30")).get_json()
    assert span["totals"]["hazards_found"] == 2 and span["as_of"] == "2026-04-30"
    default = client.get(board_api(STREET_A)).get_json()
    assert default["period"]["start"] == "2026-01-01" and default["as_of"] == "2026-06-15"
    names = {i["name"] for i in default["indicators"]}
    assert {"safety.hazards_overdue", "safety.trained"} <= names


@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize(
    "query",
    ["?year=abc", "?year=1800", "?year=2026&quarter=5", "?from=2026-05-01&to=2026-04-01",
     "?from=2026-13-01&to=2026-12-31", "?from=2026-01-01"],
)  # fmt: skip
def test_bad_periods_are_refused_clearly(as_user, query):
    client = as_user("d_admin")
    response = client.get(board_api(STREET_A, query))
    assert response.status_code == 422
    assert response.get_json()["error"]["message"]
    assert client.get(board(STREET_A, query)).status_code == 422


@pytest.mark.usefixtures("rows")
def test_only_communities_with_the_module_count(app, world, as_user):
    from core.db import db
    from tenants import modules

    client = as_user("s_admin")
    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    answer = client.get(board_api(STREET_A, "?year=2026")).get_json()
    assert [r["community"] for r in answer["ranking"]] == [A1]
    assert answer["totals"]["hazards_found"] == 4
    with app.app_context():
        modules.enable(db.session, world.node(A2), "safety")
        db.session.commit()
    answer = client.get(board_api(STREET_A, "?year=2026")).get_json()
    assert answer["totals"]["hazards_found"] == 6


def test_no_community_with_the_module(as_user, enable):
    enable(B1)
    response = as_user("d_admin").get(board(STREET_A))
    assert response.status_code == 200
    assert "data-chart-source" not in response.get_data(as_text=True)


@pytest.mark.usefixtures("rows")
def test_the_dashboard_only_reads(as_user):
    assert as_user("d_admin").post(board_api(STREET_A)).status_code in (403, 405)


@pytest.mark.usefixtures("rows")
def test_every_figure_says_how_it_is_counted_and_keeps_its_labels_on_a_phone(as_user):
    import lxml.html

    page = lxml.html.fromstring(as_user("s_admin").get(board(STREET_A, "?period=2026Q1")).text)
    definitions = {
        dd.get("data-definition"): dd.text_content().strip()
        for dd in page.xpath("//*[@data-safety='definitions']//dd")
    }
    assert definitions["rectification_rate"].startswith("统计期内发现的隐患中")
    assert all(definitions.values()) and len(definitions) == 17
    total = page.xpath("//*[@data-safety='totals']//li[@data-figure='hazards_overdue']")[0]
    assert total.get("title") == definitions["hazards_overdue"]  # on hover as well
    cells = page.xpath(f"//tr[@data-community='{A1}']/td")
    assert [c.get("data-label") for c in cells][:3] == ["名次", "社区", "排查发现隐患"]
    assert not page.xpath("//a[normalize-space()='JSON']")  # no bare JSON link for users
    assert "2026年第1季度" in page.xpath("//*[@data-safety='period']")[0].text_content()
