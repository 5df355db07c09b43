"""社区矫正 协助: the minimal record of the community's part in a correction (the 矫正小组 and
its visits), under the controls of the resettlement compartment — 404 to everyone outside it,
every access audited, names held back from the log and from the street."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from .conftest import A1, A2, STREET_A, api, page

PERSON = {
    "name": "钱志军",
    "kind": "probation",
    "starts_on": "2026-03-01",
    "ends_on": "2027-02-28",
    "group_members": "司法所李明、社区王芳、家属钱红",
    "our_role": "cadre",
}
OUTSIDERS = ("worker", "c_admin", "s_admin", "inspector", "leader")


@pytest.fixture
def correction(enable, as_user, clock, judicial):
    clock("2026-05-15T10:00:00+08:00")
    enable(A1, A2)
    made = as_user("cadre").post(f"{api()}/corrections", json=PERSON)
    assert made.status_code == 201, made.json
    return made.json["id"]


def test_the_cadre_records_the_group_and_its_visits(correction, as_user):
    cadre = as_user("cadre")
    base = f"{api()}/corrections/{correction}"
    visit = {"visited_on": "2026-05-10", "visitors": "王芳", "findings": "按时报到，情绪稳定"}
    made = cadre.post(f"{base}/visits", json=visit)
    assert made.status_code == 201, made.json
    early = cadre.post(f"{base}/visits", json={**visit, "visited_on": "2026-02-01"})
    assert early.status_code == 422 and "visited_on" in early.json["error"]["fields"]
    future = cadre.post(f"{base}/visits", json={**visit, "visited_on": "2026-06-01"})
    assert future.status_code == 422 and "visited_on" in future.json["error"]["fields"]
    backwards = cadre.post(f"{api()}/corrections", json={**PERSON, "ends_on": "2026-01-01"})
    assert backwards.status_code == 422 and "ends_on" in backwards.json["error"]["fields"]
    shown = cadre.get(f"{base}?unmask=1").json
    assert (shown["name"], shown["last_visit"]) == ("钱志军", "2026-05-10")
    listed = cadre.get(f"{api()}/correction_visits").json["items"]
    assert [v["visited_on"] for v in listed] == ["2026-05-10"]
    one = cadre.get(f"{api()}/correction_visits/{made.json['id']}?unmask=1").json
    assert one["findings"] == "按时报到，情绪稳定"
    ended = cadre.patch(base, json={"status": "ended"})
    assert ended.status_code == 200 and ended.json["status"] == "ended"


def test_404_to_everyone_outside_and_to_another_community(correction, as_user):
    urls = [
        f"{page()}/corrections",
        f"{page()}/corrections/{correction}",
        f"{page()}/correction_visits",
        f"{api()}/corrections",
        f"{api()}/corrections/{correction}",
        f"{api()}/corrections/{correction}/history",
        f"{api()}/correction_visits",
    ]
    for username in OUTSIDERS:
        client = as_user(username)
        for url in urls:
            assert client.get(url).status_code == 404, (username, url)
        assert client.post(f"{api()}/corrections", json=PERSON).status_code == 404
        assert "社区矫正" not in client.get(page() + "/").get_data(as_text=True)
    for username in ("cadre", "judicial", "d_admin"):
        client = as_user(username)
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    # The judicial office of the street sees A2's list, but not A1's record under A2's URL.
    office = as_user("judicial")
    assert office.get(f"{api(A2)}/corrections/{correction}").status_code == 404


def test_the_module_switched_off_hides_it(correction, as_user, disable):
    disable(A1)
    assert as_user("cadre").get(f"{api()}/corrections/{correction}").status_code == 404


def test_access_is_audited_without_the_name_and_the_street_export_has_none(correction, as_user):
    cadre = as_user("cadre")
    cadre.get(f"{page()}/corrections/{correction}")
    entries = as_user("d_admin").get("/api/v1/audit", query_string={"per_page": 200}).json
    reads = [e for e in entries["items"] if e["action"] == "legal_publicity.resettled.access"]
    assert ("cadre", f"GET {page()}/corrections/{correction}") in {
        (e["username"], e["summary"]) for e in reads
    }
    assert "钱志军" not in str(entries)
    name = "legal_publicity.corrections"
    assert as_user("worker").get(f"/n/{A1}/exports/{name}.xlsx").status_code in (403, 404)
    street = as_user("judicial").get(f"/n/{STREET_A}/exports/{name}.xlsx?unmask=1")
    assert street.status_code == 200
    cells = list(load_workbook(io.BytesIO(street.data)).worksheets[0].iter_rows(values_only=True))
    assert len(cells) == 2 and "钱志军" not in cells[1]
