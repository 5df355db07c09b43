"""Isolation and the module switch for every legal-publicity route, enumerated from the app's
URL map (not hand-picked, so a route added later is swept too): another community's records
are not found, another street and a building leader find nothing, a read-only inspector cannot
write, the resettlement compartment answers 404 to whoever lacks its permission, and a module
switched off answers 404 everywhere and keeps its data for when it is on again."""

from __future__ import annotations

import io
import re

import pytest

from .conftest import A1, A2, B1, STREET_A, api

GROUPS = {
    "legal_publicity",
    "legal_publicity_api",
    "legal_publicity_rollup",
    "legal_publicity_rollup_api",
}
SEGMENT = re.compile(r"/([\w-]+)/<int:(?:record|photo|assignment)_id>")
ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")
CARE = ("resettled", "care_visits", "assignments", "corrections", "correction_visits")


def routes(app, community: str, ids: dict[str, int]):
    """(method, url, has_record) of every rule of the module's blueprints, filled in for
    ``community`` (rollups: its street) with the ids of ``ids``, one URL per ``any(…)`` choice."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in GROUPS:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for url, has_record in _expanded(rule.rule, community, ids):
            for method in methods:
                yield method, url, has_record


def _expanded(rule: str, community: str, ids: dict[str, int]):
    match = ANY.search(rule)
    if match:
        for option in (o.strip().strip("'") for o in match.group(1).split(",")):
            yield from _expanded(rule.replace(match.group(0), option, 1), community, ids)
        return
    segment = SEGMENT.search(rule)
    record = ids[segment.group(1)] if segment else 0
    url = rule.replace("<community>", community).replace("<node>", community[:9])
    url = re.sub(r"<int:\w+>", str(record), url)
    yield url, "<int:" in rule


def in_care(url: str) -> bool:
    return any(f"/legal_publicity/{segment}" in url for segment in CARE)


def call(client, method: str, url: str):
    if url.startswith("/api/"):
        return client.open(url, method=method, json={})
    return client.open(url, method=method, data={"name": "x"})


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(out, "PNG")
    return out.getvalue()


def rollup(url: str) -> bool:
    return url.startswith(("/r/", "/api/v1/r/"))


def made(answer) -> int:
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


@pytest.fixture
def ids(enable, as_user, clock, judicial, app):
    """One record of every ledger of A1 (and of its parts), made by its keepers."""
    clock("2026-05-15T10:00:00+08:00")
    enable(A1, A2, B1)
    worker, cadre = as_user("worker"), as_user("cadre")
    base = api(A1)
    found: dict[str, int] = {}
    found["activities"] = made(
        worker.post(f"{base}/activities", json={"title": "民法典进社区", "held_on": "2026-05-10"})
    )
    activity = f"{base}/activities/{found['activities']}"
    found["activity_attendees"] = made(worker.post(f"{activity}/attendees", json={"name": "张三"}))
    found["activity_materials"] = made(
        worker.post(f"{activity}/materials", json={"kind": "宣传册", "quantity": 100})
    )
    found["boards"] = made(
        worker.post(f"{base}/boards", json={"name": "东门宣传栏", "set_up_on": "2026-05-01"})
    )
    found["board_updates"] = made(
        worker.post(
            f"{base}/boards/{found['boards']}/renewals",
            json={"updated_on": "2026-05-10", "theme": "民法典"},
        )
    )
    found["studies"] = made(
        worker.post(
            f"{base}/studies", json={"held_on": "2026-05-10", "topic": "宪法", "attendees": 9}
        )
    )
    found["consults"] = made(
        worker.post(f"{base}/consults", json={"consulted_on": "2026-05-10", "question": "押金"})
    )
    found["screenings"] = made(worker.post(f"{base}/screenings", json={"held_on": "2026-05-01"}))
    found["screening_items"] = made(
        worker.post(
            f"{base}/screenings/{found['screenings']}/items",
            json={"description": "楼道堆物", "action": "resolved", "owner": "楼长"},
        )
    )
    case = {"parties": "甲、乙", "summary": "噪音", "mediators": "王秀梅"}
    found["disputes"] = made(worker.post(f"{base}/disputes", json=case))
    dispute = f"{base}/disputes/{found['disputes']}"
    assert worker.post(f"{dispute}/accept", json={"on": "2026-05-15"}).status_code == 200
    found["dispute_sessions"] = made(
        worker.post(f"{dispute}/sessions", json={"held_on": "2026-05-15"})
    )
    agreed = {"outcome": "written", "agreement_text": "赔偿100元"}
    assert worker.post(f"{dispute}/succeed", json=agreed).status_code == 200
    assert worker.post(f"{dispute}/follow_up", json={"fulfilment": "kept"}).status_code == 200
    found["followups"] = worker.get(f"{base}/followups").json["items"][0]["id"]
    person = {"name": "赵某", "released_on": "2026-04-01"}
    found["resettled"] = made(cadre.post(f"{base}/resettled", json=person))
    team = {"on": "2026-04-20", "team": "司法所李明、社区王芳、民警赵强"}
    assert cadre.post(f"{base}/resettled/{found['resettled']}/report", json=team).status_code == 200
    found["care_visits"] = made(
        cadre.post(
            f"{base}/care_visits",
            json={
                "subject_kind": "case",
                "subject_id": found["resettled"],
                "visited_on": "2026-05-14",
                "mode": "home",
            },
        )
    )
    correction = {"name": "钱某", "kind": "probation", "starts_on": "2026-03-01"}
    found["corrections"] = made(cadre.post(f"{base}/corrections", json=correction))
    found["correction_visits"] = made(
        cadre.post(
            f"{base}/corrections/{found['corrections']}/visits",
            json={"visited_on": "2026-05-10", "visitors": "王芳"},
        )
    )
    assignments = cadre.get(f"{base}/assignments").json["items"]
    found["assignments"] = assignments[0]["id"] if assignments else 1
    photo = worker.post(
        f"{activity}/photos",
        data={"photo": (io.BytesIO(png()), "现场.png")},
        content_type="multipart/form-data",
    )
    found["photos"] = made(photo)
    return found


def test_the_sweep_covers_every_blueprint_and_the_compartment(app, ids):
    swept = list(routes(app, A1, ids))
    assert len(swept) >= 200
    assert {url.split("/legal_publicity")[0] for _m, url, _r in swept} == {
        f"/c/{A1}",
        f"/api/v1/c/{A1}",
        f"/r/{STREET_A}",
        f"/api/v1/r/{STREET_A}",
    }
    assert sum(1 for _m, url, _r in swept if in_care(url)) >= 40


def test_another_communitys_records_are_not_found(app, world, as_user, ids):
    # A2's admin holds every 普法 and mediation permission there and A2's named cadre the
    # resettlement ones: only the record's community can refuse, with a 404.
    world.add_user("a2_admin", role="community_admin", at=A2)
    world.add_user("a2_cadre", role="legal_publicity_care", at=A2)
    checked = 0
    nowhere = dict.fromkeys(ids, 999999)
    for (method, url, has_record), (_m, elsewhere, _r) in zip(
        routes(app, A2, ids), routes(app, A2, nowhere), strict=True
    ):
        if not has_record or rollup(url):
            continue
        client = as_user("a2_cadre" if in_care(url) else "a2_admin")
        answer = call(client, method, url)
        # As if the record did not exist: a 404, or the 403 a missing record gets too (the
        # cadre may not restore, whichever record it is).
        missing = call(client, method, elsewhere)
        assert answer.status_code == missing.status_code, (method, url, answer.status_code)
        assert answer.status_code in (403, 404), (method, url, answer.status_code)
        checked += answer.status_code == 404
    assert checked >= 150


@pytest.mark.parametrize(
    ("account", "role", "place"),
    [
        ("b_admin", "street_admin", "110105002"),
        ("b_judicial", "legal_publicity_judicial", "110105002"),
        ("leader", None, None),
    ],
)
def test_another_street_and_a_building_leader_find_nothing(
    app, world, as_user, ids, account, role, place
):
    if role:
        world.add_user(account, role=role, at=place)
    client = as_user(account)
    checked = 0
    for method, url, _has_record in routes(app, A1, ids):
        answer = call(client, method, url)
        assert answer.status_code == 404, (account, method, url, answer.status_code)
        checked += 1
    assert checked >= 200


def test_a_read_only_inspector_cannot_write_nor_enter_the_compartment(app, as_user, ids):
    client = as_user("inspector")
    checked = 0
    for method, url, _has_record in routes(app, A1, ids):
        if method == "GET" and not in_care(url):
            continue
        answer = call(client, method, url)
        expected = 404 if in_care(url) else 403
        assert answer.status_code == expected, (method, url, answer.status_code)
        checked += 1
    assert checked >= 100
    assert client.get(f"{api(A1)}/disputes").status_code == 200  # reading is allowed


@pytest.mark.parametrize("account", ["worker", "c_admin", "s_admin"])
def test_the_compartment_is_404_on_every_route_without_its_permission(app, as_user, ids, account):
    client = as_user(account)
    checked = 0
    for method, url, _has_record in routes(app, A1, ids):
        if not in_care(url):
            continue
        answer = call(client, method, url)
        assert answer.status_code == 404, (account, method, url, answer.status_code)
        checked += 1
    assert checked >= 40


def test_the_module_switched_off_answers_404_and_keeps_its_data(app, as_user, ids, disable, enable):
    disable(A1, A2)  # the whole of street A: its rollups have no community left either
    client = as_user("d_admin")  # holds every permission of the module, the compartment's too
    checked = 0
    for method, url, _has_record in routes(app, A1, ids):
        answer = call(client, method, url)
        if rollup(url):  # the street answers, with nothing of the communities it is off in
            assert answer.status_code == 200, (url, answer.status_code)
            if url.startswith("/api/"):
                assert answer.json["items"] == [], url
            continue
        assert answer.status_code == 404, (method, url, answer.status_code)
        checked += 1
    assert checked >= 200
    enable(A1, A2)
    assert [d["id"] for d in client.get(f"{api(A1)}/disputes").json["items"]] == [ids["disputes"]]
    assert client.get(f"{api(A1)}/resettled/{ids['resettled']}").status_code == 200
    assert client.get(f"{api(A1)}/correction_visits").json["total"] == 1
