"""Tenant isolation and the module switch for every environment route, enumerated from the app's
URL map so that a new route cannot be missed: another community's records are not found,
another street and a building leader find nothing, the read-only inspector may read but not
write, and the module switched off answers 404 everywhere and keeps its data for when it is
switched on again."""

from __future__ import annotations

import re

import pytest

from .conftest import A1, A2, B1, STREET_A, api, page
from .records import make_all

GROUPS = {"environment", "environment_api", "environment_rollup", "environment_rollup_api"}
SEGMENT = re.compile(r"/([\w-]+)/<int:\w+>")
ANY = re.compile(r"<any\(([^)]*)\):(\w+)>")
FORMS = re.compile(r"/(new|edit|delete|restore)$")


def routes(app, community: str, ids: dict[str, int]):
    """Every environment URL rule with each of its methods, filled in for ``community`` with
    the ids of ``ids`` (one URL per choice of an ``any(…)`` part): ``(method, url, record)``,
    ``record`` saying whether the URL names one of ``ids``."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in GROUPS:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        for url in _expanded(rule.rule, community, ids):
            for method in methods:
                yield method, url, "<int:" in rule.rule


def _expanded(rule: str, community: str, ids: dict[str, int]):
    match = ANY.search(rule)
    if match:
        for option in (o.strip().strip("'") for o in match.group(1).split(",")):
            yield from _expanded(rule.replace(match.group(0), option, 1), community, ids)
        return
    segment = SEGMENT.search(rule)
    if segment and segment.group(1) not in ids:
        raise AssertionError(f"no record made for {rule}: add one to records.make_all")
    url = rule.replace("<community>", community).replace("<node>", community[:9])
    yield re.sub(r"<int:\w+>", str(ids[segment.group(1)]) if segment else "1", url)


def call(client, method: str, url: str):
    if url.startswith("/api/"):
        return client.open(url, method=method, json={})
    return client.open(url, method=method, data={"name": "x"})


@pytest.fixture
def made(app, world, enable, shop, clock, as_user):
    """One record of every kind in A1 (by A1's worker) and in B1 (by B1's)."""
    clock("2026-06-15T10:00:00+08:00")
    enable(A1, B1)
    world.add_user("worker_b", "program_worker", B1)
    a = make_all(
        as_user("worker"), A1, shop(A1), shop(A1, "安居物业", street_front=False, kind="property")
    )
    b = make_all(
        as_user("worker_b"), B1, shop(B1), shop(B1, "吉祥物业", street_front=False, kind="property")
    )
    return a, b


def test_the_sweep_reaches_every_route(app, made):
    a, _b = made
    swept = list(routes(app, A1, a))
    urls = {url for _m, url, _r in swept}
    for expected in (
        f"{page()}/assessments/{a['assessments']}",
        f"{page()}/assessments/{a['assessments']}/score",
        f"{api()}/assessments/{a['assessments']}/conclude",
        f"{page()}/letters/{a['letters']}/renew",
        f"{api()}/letters/{a['letters']}/renew",
        f"{page()}/selections/decide",
        f"{api()}/selections/decide",
        f"{page()}/photos/{a['photos']}",
        f"/r/{STREET_A}/environment/assessments",
    ):
        assert expected in urls, expected
    assert len(swept) >= 250


def test_every_page_answers_the_worker_of_the_community(app, made, as_user):
    a, _b = made
    worker = as_user("worker")
    checked = 0
    for method, url, _record in routes(app, A1, a):
        if method != "GET" or url.startswith("/r/") or url.startswith("/api/v1/r/"):
            continue
        if url.endswith("/restore") or ("/checklists/" in url and url.endswith("/edit")):
            continue  # restoring and editing checklists are the community admin's
        answer = worker.get(url)
        assert answer.status_code == 200, (url, answer.status_code)
        checked += 1
    assert checked >= 90
    street_admin = as_user("s_admin")
    rollups = [u for m, u, _r in routes(app, A1, a) if "/r/" in u]
    assert len(rollups) == 6
    for url in rollups:
        assert street_admin.get(url).status_code == 200, url
    assert street_admin.get("/r/110105002/environment/issues").status_code == 404


def test_another_communitys_records_are_not_found(app, world, as_user, made):
    # A2's community admin holds every environment permission there, so only the record's
    # community can refuse: 404, as if it did not exist.
    a, _b = made
    world.add_user("a2_admin", "community_admin", A2)
    client = as_user("a2_admin")
    from core.db import db
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A2), "environment")
        db.session.commit()
    checked = 0
    for method, url, record in routes(app, A2, a):
        if not record or "/checklists/" in url:
            continue  # A2's own lists and forms; the district's checklist, A2's to read too
        answer = call(client, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)
        checked += 1
    assert checked >= 150
    # nor is a record of B1 reached through A1's address by A1's own admin
    own_admin = as_user("c_admin")
    _a, b = made
    for method, url, record in routes(app, A1, b):
        if not record or "/checklists/" in url or "/r/" in url:
            continue
        answer = call(own_admin, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)


@pytest.mark.parametrize(
    ("account", "role", "place"),
    [("b_admin", "street_admin", "110105002"), ("leader", None, None)],
)
def test_another_street_and_a_building_leader_find_nothing(
    app, world, as_user, made, account, role, place
):
    a, _b = made
    if role:
        world.add_user(account, role, place)
    client = as_user(account)
    checked = 0
    for method, url, _record in routes(app, A1, a):
        answer = call(client, method, url)
        assert answer.status_code == 404, (account, method, url, answer.status_code)
        checked += 1
    assert checked >= 250


def test_the_read_only_inspector_reads_but_may_not_write(app, as_user, made):
    a, _b = made
    inspector = as_user("inspector")
    checked = 0
    for method, url, _record in routes(app, A1, a):
        if method == "GET" and not FORMS.search(url):
            continue
        answer = call(inspector, method, url)
        assert answer.status_code == 403, (method, url, answer.status_code)
        checked += 1
    assert checked >= 120
    for plural in ("assessments", "letters", "selections", "issues", "complaints"):
        assert inspector.get(f"{api()}/{plural}/{a[plural]}").status_code == 200, plural
    assert inspector.get(f"{page()}/assessments/{a['assessments']}").status_code == 200


def test_the_module_switched_off_answers_404_and_keeps_its_data(app, world, as_user, made):
    from core.db import db
    from tenants import modules

    a, _b = made
    with app.app_context():
        modules.disable(db.session, world.node(A1), "environment")
        db.session.commit()
    admin = as_user("c_admin")
    checked = 0
    for method, url, _record in routes(app, A1, a):
        answer = call(admin, method, url)
        assert answer.status_code == 404, (method, url, answer.status_code)
        checked += 1
    assert checked >= 250
    with app.app_context():
        modules.enable(db.session, world.node(A1), "environment")
        db.session.commit()
    for plural in (
        "areas", "inspections", "assessments", "issues", "letters", "sorting", "complaints",
        "tanks", "activities", "activity_attendees", "activity_materials", "selections",
    ):  # fmt: skip
        assert admin.get(f"{api()}/{plural}/{a[plural]}").json["id"] == a[plural], plural
    assert admin.get(f"{page()}/photos/{a['photos']}").status_code == 200
    assert admin.get(f"{api()}/inspection-rounds/{a['inspection-rounds']}").status_code == 200
    # B1 never saw any of it.
    assert as_user("worker_b").get(f"{api(B1)}/assessments").json["total"] == 1
