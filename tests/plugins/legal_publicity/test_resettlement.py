"""安置帮教 is a compartment: invisible (404, absent from lists and the workbench, counts only at
street level) to every role without the resettlement permissions — the community admin
included, unless named — and every access by those who may see it is audited. One test per
surface; then the workflow and the visit quotas on a fixed clock."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .conftest import A1, STREET_A, api, page

PERSON = {
    "name": "赵建军",
    "offence": "property",
    "sentence_months": 30,
    "released_on": "2026-04-01",
    "released_from": "北京市第二监狱",
    "risk": "mid",
    "placement": "employed",
}
OUTSIDERS = ("worker", "c_admin", "s_admin", "inspector", "leader")
INSIDERS = ("cadre", "judicial", "d_admin")


@pytest.fixture
def person(enable, as_user, clock, judicial):
    clock("2026-05-15T10:00:00+08:00")
    enable(A1)
    answer = as_user("cadre").post(f"{api()}/resettled", json=PERSON)
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def urls(pid: int) -> list[str]:
    return [
        f"{page()}/resettled",
        f"{page()}/resettled/{pid}",
        f"{page()}/resettled/new",
        f"{page()}/resettled/{pid}/edit",
        f"{page()}/care_visits",
        f"{page()}/care_visits/due",
        f"{api()}/resettled",
        f"{api()}/resettled/{pid}",
        f"{api()}/resettled/{pid}/history",
        f"{api()}/resettled/{pid}/events",
        f"{api()}/care_visits",
    ]


def test_pages_and_api_are_404_to_everyone_outside(person, as_user):
    for username in OUTSIDERS:
        client = as_user(username)
        for url in urls(person):
            assert client.get(url).status_code == 404, (username, url)
        assert client.post(f"{api()}/resettled", json=PERSON).status_code == 404
        assert client.post(f"{api()}/resettled/{person}/report", json={}).status_code == 404


def test_the_named_cadre_the_judicial_office_and_the_district_see_it(person, as_user):
    for username in INSIDERS:
        client = as_user(username)
        for url in urls(person):
            assert client.get(url).status_code == 200, (username, url)
        body = client.get(f"{api()}/resettled/{person}?unmask=1").json
        assert (body["name"], body["released_from"]) == ("赵建军", "北京市第二监狱")


def test_absent_from_the_overview_and_the_workbench_of_outsiders(person, as_user, clock):
    clock("2026-05-15T10:00:00+08:00")
    for username in ("worker", "c_admin"):
        client = as_user(username)
        assert "安置帮教" not in client.get(page() + "/").get_data(as_text=True)
        assert "逾期未报到" not in client.get("/").get_data(as_text=True)
    assert "安置帮教" in as_user("cadre").get(page() + "/").get_data(as_text=True)
    # The person was due to report by 1 May (30 days after release): the cadre is told.
    assert "逾期未报到的刑释人员" in as_user("cadre").get("/").get_data(as_text=True)


def test_exports_only_inside_and_the_street_gets_no_names(person, as_user):
    name = "legal_publicity.resettled"
    for username in ("worker", "c_admin", "s_admin"):
        answer = as_user(username).get(f"/n/{A1}/exports/{name}.xlsx")
        assert answer.status_code in (403, 404), username
    own = as_user("cadre").get(f"/n/{A1}/exports/{name}.xlsx?unmask=1")
    assert own.status_code == 200
    rows = list(load_workbook(io.BytesIO(own.data)).worksheets[0].iter_rows(values_only=True))
    assert "赵建军" in rows[1]
    street = as_user("judicial").get(f"/n/{STREET_A}/exports/{name}.xlsx?unmask=1")
    assert street.status_code == 200
    cells = list(load_workbook(io.BytesIO(street.data)).worksheets[0].iter_rows(values_only=True))
    assert "赵建军" not in cells[1] and "北京市第二监狱" not in cells[1]


def test_every_access_is_audited_and_the_log_holds_no_name(person, as_user):
    cadre = as_user("cadre")
    cadre.get(f"{page()}/resettled/{person}")
    cadre.get(f"{api()}/resettled")
    entries = as_user("d_admin").get("/api/v1/audit", query_string={"per_page": 200}).json
    reads = [e for e in entries["items"] if e["action"] == "legal_publicity.resettled.access"]
    assert {(e["username"], e["summary"]) for e in reads} >= {
        ("cadre", f"GET {page()}/resettled/{person}"),
        ("cadre", f"GET {api()}/resettled"),
    }
    assert "赵建军" not in str(entries) and "北京市第二监狱" not in str(entries)


def test_history_is_inside_the_compartment(person, as_user):
    cadre = as_user("cadre")
    assert (
        cadre.patch(f"{api()}/resettled/{person}", json={"placement": "flexible"}).status_code
        == 200
    )
    history = cadre.get(f"{api()}/resettled/{person}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert as_user("c_admin").get(f"{api()}/resettled/{person}/history").status_code == 404


def test_the_street_sees_counts_only_small_ones_withheld(person, as_user):
    cadre = as_user("cadre")
    cadre.post(
        f"{api()}/resettled/{person}/report",
        json={"on": "2026-04-20", "team": "司法所李明、社区王芳、民警赵强"},
    )
    figures = (
        as_user("judicial")
        .get(f"/api/v1/nodes/{STREET_A}/indicators", query_string={"year": 2026})
        .json["items"]
    )
    in_care = next(f for f in figures if f["name"] == "legal_publicity.in_care")
    assert in_care["suppressed"] is True and in_care["value"] is None


def test_the_workflow_and_the_visit_quotas(person, as_user, clock):
    cadre = as_user("cadre")
    short_team = cadre.post(f"{api()}/resettled/{person}/report", json={"team": "李明、王芳"})
    assert short_team.status_code == 422 and "team" in short_team.json["error"]["fields"]
    reported = cadre.post(
        f"{api()}/resettled/{person}/report",
        json={"on": "2026-04-20", "team": "司法所李明、社区王芳、民警赵强"},
    )
    assert reported.status_code == 200 and reported.json["status"] == "in_care"
    due = cadre.get(f"{api()}/care_visits/due").json["items"]
    assert [(d["subject_id"], d["category"]) for d in due] == [(person, "new")]
    # Monthly in the first three months; a medium risk every two months after that.
    visit = cadre.post(
        f"{api()}/care_visits",
        json={
            "subject_kind": "case",
            "subject_id": person,
            "visited_on": "2026-05-15",
            "mode": "home",
        },
    )
    assert visit.status_code == 201, visit.json
    clock("2026-08-20T10:00:00+08:00")
    cadre = as_user("cadre")
    due = cadre.get(f"{api()}/care_visits/due").json["items"]
    assert [(d["category"], d["next_due"]) for d in due] == [("mid", "2026-07-15")]
    assert cadre.post(f"{api()}/resettled/{person}/propose", json={}).status_code == 422
    # Release from care: proposed by the community, confirmed by the judicial office only.
    clock("2031-04-02T10:00:00+08:00")
    cadre = as_user("cadre")
    assert cadre.post(f"{api()}/resettled/{person}/propose", json={}).status_code == 200
    assert cadre.post(f"{api()}/resettled/{person}/release", json={}).status_code == 403
    office = as_user("judicial")
    released = office.post(f"{api()}/resettled/{person}/release", json={})
    assert released.status_code == 200 and released.json["status"] == "released"


def test_the_workbench_of_outsiders_has_no_trace_of_it(person, as_user, clock):
    cadre = as_user("cadre")
    team = {"on": "2026-04-20", "team": "司法所李明、社区王芳、民警赵强"}
    assert cadre.post(f"{api()}/resettled/{person}/report", json=team).status_code == 200
    as_user("cadre").post(f"{api()}/resettled", json={**PERSON, "name": "孙某"})  # not reported
    clock("2026-11-15T10:00:00+08:00")  # visits overdue, the six-monthly reassessment due
    home = as_user("cadre").get("/").get_data(as_text=True)
    for text in ("逾期未报到的刑释人员", "待重新评估风险", "/legal_publicity/care_visits/due"):
        assert text in home, text
    for username in OUTSIDERS:
        home = as_user(username).get("/").get_data(as_text=True)
        for text in ("逾期未报到", "待重新评估风险", "legal_publicity/resettled"):
            assert text not in home, (username, text)
        assert "legal_publicity/care_visits" not in home, username


def test_global_search_never_finds_a_person_in_care(person, as_user):
    for username in (*OUTSIDERS, *INSIDERS):
        answer = as_user(username).get("/api/v1/search", query_string={"q": "赵建军"})
        assert answer.status_code == 200, (username, answer.json)
        assert answer.json["records"] == [], username


def test_community_counts_stay_withheld_for_everyone_outside(person, as_user):
    team = {"on": "2026-04-20", "team": "司法所李明、社区王芳、民警赵强"}
    assert as_user("cadre").post(f"{api()}/resettled/{person}/report", json=team).status_code == 200
    for username in ("c_admin", "worker"):
        answer = as_user(username).get(
            f"/api/v1/nodes/{A1}/indicators", query_string={"year": 2026}
        )
        assert answer.status_code == 200, answer.json
        in_care = next(f for f in answer.json["items"] if f["name"] == "legal_publicity.in_care")
        assert (in_care["value"], in_care["suppressed"]) == (None, True), username


def test_community_counts_are_the_compartments_whatever_their_size(person, as_user):
    """Five in care is no longer a small count: the street reads 5, the community's staff
    without the register's permission still read nothing there."""
    cadre = as_user("cadre")
    team = {"on": "2026-04-20", "team": "司法所李明、社区王芳、民警赵强"}
    people = [person]
    for n in range(4):
        made = cadre.post(f"{api()}/resettled", json={**PERSON, "name": f"对象{n}"})
        people.append(made.json["id"])
    for pid in people:
        assert cadre.post(f"{api()}/resettled/{pid}/report", json=team).status_code == 200

    def in_care(username: str, ref: str) -> tuple:
        items = as_user(username).get(f"/api/v1/nodes/{ref}/indicators").json["items"]
        found = {f["name"]: f for f in items}
        rate = found["legal_publicity.placement_rate"]
        return found["legal_publicity.in_care"]["value"], rate["numerator"], rate["value"]

    for username in ("c_admin", "worker"):
        assert in_care(username, A1) == (None, None, None), username
    assert in_care("cadre", A1) == (5, 5, 100.0)
    assert in_care("s_admin", STREET_A) == (5, 5, 100.0)


def test_a_target_board_shows_no_communitys_compartment_figure_to_outsiders(person, as_user):
    """无重新犯罪 (target 0): the street's board splits it to its communities; whoever lacks
    the register's permission reads the street's value, no community's."""
    board = f"/api/v1/nodes/{STREET_A}/targets"
    target = {"value": 0, "shares": {A1: 0}}
    name = "legal_publicity.reoffending"
    answer = as_user("d_admin").put(f"{board}/{name}", query_string={"period": "2026"}, json=target)
    assert answer.status_code == 200, answer.json

    def values(username: str) -> tuple:
        items = as_user(username).get(board, query_string={"period": "2026"}).json["items"]
        item = next(i for i in items if i["indicator"] == name)
        return item["value"], {c["ref"]: c["value"] for c in item["children"]}

    assert values("s_admin") == (0, {A1: None})
    assert values("judicial") == (0, {A1: 0})
