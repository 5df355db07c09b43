"""Tenant isolation and the module switch for every youth-care route (enumerated from the app's
URL map, not hand-picked): another community's records are not found, another street sees
nothing, a building leader finds no module, a read-only inspector cannot write, and a module
switched off answers 404 everywhere and keeps its data for when it is switched on again."""

from __future__ import annotations

import re

import pytest

from .conftest import A1, A2, B1, api
from .records import one_of_each

GROUPS = {"youth_care", "youth_care_api", "youth_care_rollup", "youth_care_rollup_api"}
SEGMENT = re.compile(r"/([\w-]+)/<int:(?:record|photo|receipt|round|checklist)_id>")
ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")


def routes(app, community: str, ids: dict[str, int]):
    """Every youth-care URL rule with its methods, filled in for ``community`` with the ids of
    ``ids`` (one URL per choice of an ``any(…)`` part)."""
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
            yield from _expanded(rule.replace(match.group(0), option), community, ids)
        return
    segment = SEGMENT.search(rule)
    record = ids.get(segment.group(1), 1) if segment else 1
    has_record = "<int:" in rule
    url = rule.replace("<community>", community).replace("<node>", community[:9])
    url = re.sub(r"<int:\w+>", str(record), url)
    yield url, has_record


def call(client, method: str, url: str):
    if url.startswith("/api/"):
        return client.open(url, method=method, json={})
    return client.open(url, method=method, data={"name": "x"})


@pytest.fixture
def records(ready, as_user, app, world, resident, unit):
    """One record of every ledger in A1, made by A1's worker."""
    return one_of_each(as_user("worker"), app, world, resident, unit, admin=as_user("c_admin"))


def test_another_communitys_records_are_not_found(app, world, as_user, records):
    # A2's community admin holds every youth-care permission there, so only the record's
    # community can refuse: 404, as if it did not exist.
    world.add_user("a2_admin", "community_admin", A2)
    client = as_user("a2_admin")
    checked = 0
    for method, url, has_record in routes(app, A2, records):
        if not has_record or "/checklists/" in url or "/my-children/" in url:
            # A2's own lists and forms; the district's checklist, A2's to read too; a
            # volunteer's own pages, which the admin may not use (test_elders: 404 elsewhere)
            continue
        answer = call(client, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)
        checked += 1
    assert checked >= 60


@pytest.mark.parametrize(
    ("account", "role", "place"),
    [("b_admin", "street_admin", "110105002"), ("leader", None, None)],
)
def test_another_street_and_a_building_leader_find_nothing(
    app, world, as_user, records, account, role, place
):
    if role:
        world.add_user(account, role, place)
    client = as_user(account)
    checked = 0
    for method, url, _has_record in routes(app, A1, records):
        answer = call(client, method, url)
        assert answer.status_code == 404, (account, method, url, answer.status_code)
        checked += 1
    assert checked >= 90


def test_a_read_only_inspector_cannot_write(app, as_user, records):
    client = as_user("inspector")
    checked = 0
    for method, url, _has_record in routes(app, A1, records):
        if method == "GET":
            continue
        answer = call(client, method, url)
        assert answer.status_code == 403, (method, url, answer.status_code)
        checked += 1
    assert checked >= 30
    # Reading is what an inspector may do.
    assert client.get(api() + "/children").status_code == 200


def test_the_module_switched_off_answers_404_and_keeps_its_data(app, world, as_user, records):
    from core.db import db
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "youth_care")
        db.session.commit()
    client = as_user("c_admin")
    checked = 0
    for method, url, _has_record in routes(app, A1, records):
        answer = call(client, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)
        checked += 1
    assert checked >= 90
    assert "未启用" in client.get(api() + "/children").json["error"]["message"]
    with app.app_context():
        modules.enable(db.session, world.node(A1), "youth_care")
        db.session.commit()
    listed = client.get(api() + "/children").json
    assert [c["name"] for c in listed["items"]] == ["张小明"]
    assert client.get(api() + "/pairings").json["total"] == 1
    # B1 never saw any of it.
    world.add_user("b_worker", "program_worker", B1)
    assert as_user("b_worker").get(api(B1) + "/children").json["total"] == 0
