"""Every environment route answers only within its community, its street, the user's role and
where the module is on: another community or street → 404, a building leader → 404, the
read-only inspector writing → 403, module off → 404 and the data back once it is on again."""

from __future__ import annotations

import pytest

from .conftest import A1, B1, STREET_A, api, page
from .records import make_all

PLURALS = (
    "areas", "inspections", "issues", "letters", "sorting", "complaints", "tanks", "activities",
    "selections",
)  # fmt: skip
EXTRA_PAGES = ("/", "/letters/needed", "/checklists", "/inspection-rounds")


@pytest.fixture
def made(app, world, enable, shop, clock, as_user):
    clock("2026-06-15T10:00:00+08:00")
    enable(A1, B1)
    world.add_user("worker_b", "program_worker", B1)
    a = make_all(as_user("worker"), A1, shop(A1))
    b = make_all(as_user("worker_b"), B1, shop(B1))
    return a, b


def _routes(ref: str, ids: dict[str, int]) -> list[str]:
    routes = [page(ref) + p for p in EXTRA_PAGES]
    for plural, record in ids.items():
        routes += [
            f"{page(ref)}/{plural}",
            f"{page(ref)}/{plural}/{record}",
            f"{page(ref)}/{plural}/new",
            f"{page(ref)}/{plural}/{record}/edit",
            f"{api(ref)}/{plural}",
            f"{api(ref)}/{plural}/{record}",
            f"{api(ref)}/{plural}/{record}/history",
        ]
    return routes


def test_every_route_answers_the_worker_of_the_community(made, as_user):
    a, _b = made
    worker = as_user("worker")
    for route in _routes(A1, a):
        assert worker.get(route).status_code == 200, route


def test_another_community_is_not_found(made, as_user):
    _a, b = made
    worker = as_user("worker")
    for route in _routes(B1, b):
        assert worker.get(route).status_code == 404, route
    # nor is a record of B1 reached through A1's address
    for plural, record in b.items():
        assert worker.get(f"{page(A1)}/{plural}/{record}").status_code == 404, plural
        assert worker.get(f"{api(A1)}/{plural}/{record}").status_code == 404, plural


def test_another_street_is_not_found(made, as_user):
    _a, b = made
    street_admin = as_user("s_admin")  # holds street A only
    for route in _routes(B1, b):
        assert street_admin.get(route).status_code == 404, route
    assert street_admin.get(f"/r/{STREET_A}/environment/issues").status_code == 200
    assert street_admin.get("/r/110105002/environment/issues").status_code == 404


def test_a_building_leader_sees_nothing(made, as_user):
    a, _b = made
    leader = as_user("leader")
    for route in _routes(A1, a):
        assert leader.get(route).status_code == 404, route


def test_the_read_only_inspector_reads_but_may_not_write(made, as_user):
    a, _b = made
    inspector = as_user("inspector")
    for plural, record in a.items():
        assert inspector.get(f"{api(A1)}/{plural}/{record}").status_code == 200, plural
        assert inspector.patch(f"{api(A1)}/{plural}/{record}", json={}).status_code == 403, plural
        assert inspector.delete(f"{api(A1)}/{plural}/{record}").status_code == 403, plural
        assert inspector.post(f"{api(A1)}/{plural}", json={}).status_code == 403, plural
        assert inspector.get(f"{page(A1)}/{plural}/new").status_code == 403, plural
    assert inspector.post(f"{api(A1)}/issues/{a['issues']}/notify", json={}).status_code == 403
    assert inspector.post(f"{api(A1)}/letters/generate").status_code == 403


def test_module_off_hides_everything_and_on_again_brings_it_back(app, world, made, as_user):
    from core.db import db
    from tenants import modules

    a, _b = made
    worker = as_user("worker")
    with app.app_context():
        modules.disable(db.session, world.node(A1), "environment")
        db.session.commit()
    for route in _routes(A1, a):
        assert worker.get(route).status_code == 404, route
    assert worker.post(f"{api(A1)}/areas", json={"name": "x"}).status_code == 404
    with app.app_context():
        modules.enable(db.session, world.node(A1), "environment")
        db.session.commit()
    for plural, record in a.items():
        assert worker.get(f"{api(A1)}/{plural}/{record}").json["id"] == record, plural
