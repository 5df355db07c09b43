"""Every route of the module, for every kind of outsider: another community and another
street find nothing (404), a building leader finds nothing, a reader may not write (403), and a
module switched off hides everything until it is switched on again, data intact."""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, api, page


@pytest.fixture
def filed(enable, card, as_user):
    """A card, a registration and a family in A1 (the module on in A1 and A2, not in B1)."""
    enable(A1, A2)
    card_id = card(name="隔离测试")
    worker = as_user("worker")
    reg = worker.post(f"{api()}/birth_regs", json={"woman_id": card_id, "child_order": "1"})
    return {"women": card_id, "birth_regs": reg.json["id"]}


def _reads(ids: dict) -> list[str]:
    return [
        f"{page()}/",
        f"{page()}/candidates",
        f"{api()}/candidates",
        *(f"{page()}/{plural}" for plural in ("women", "birth_regs", "children", "families")),
        *(f"{page()}/{plural}/{record}" for plural, record in ids.items()),
        *(f"{api()}/{plural}/{record}" for plural, record in ids.items()),
        *(f"{api()}/{plural}/{record}/history" for plural, record in ids.items()),
    ]


def test_other_communities_streets_and_building_leaders_find_nothing(filed, as_user, world):
    other_street = world.add_user("b_worker", "program_worker", B1)
    other_community = world.add_user("a2_worker", "program_worker", A2)
    for username in ("leader", "b_worker", "a2_worker"):
        client = as_user(username)
        for url in _reads(filed):
            assert client.get(url).status_code == 404, (username, url)
        assert client.post(f"{api()}/women", json={}).status_code == 404
        assert client.get(f"/n/{A1}/exports/family_planning.women.xlsx").status_code == 404
    assert other_street and other_community


def test_readers_read_and_may_not_write(filed, as_user):
    inspector = as_user("inspector")
    for url in _reads(filed):
        assert inspector.get(url).status_code == 200, url
    card_id, reg_id = filed["women"], filed["birth_regs"]
    assert inspector.post(f"{api()}/women", json={"resident_id": 1}).status_code == 403
    assert (
        inspector.patch(f"{api()}/women/{card_id}", json={"platform_on": None}).status_code == 403
    )
    assert inspector.delete(f"{api()}/women/{card_id}").status_code == 403
    assert (
        inspector.post(f"{api()}/women/{card_id}/exit", json={"reason": "moved"}).status_code == 403
    )
    assert (
        inspector.post(f"{api()}/birth_regs/{reg_id}/end", json={"comment": "x"}).status_code == 403
    )
    assert inspector.get(f"{page()}/women/new").status_code == 403


def test_the_health_inspector_reads_the_whole_district_and_nothing_else(filed, as_user, world):
    world.add_user("weijian", "family_planning_inspector", "110105")
    client = as_user("weijian")
    assert client.get(f"{page()}/women").status_code == 200
    assert client.get(f"{page(A2)}/women").status_code == 200
    assert client.get(f"/c/{A1}/safety/").status_code == 404
    assert client.get(f"{page(B1)}/women").status_code == 404  # the module is off in B1
    assert client.post(f"{api()}/women", json={}).status_code == 403


def test_a_module_switched_off_hides_everything_and_brings_it_back(filed, as_user, app, world):
    from core.db import db
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    worker = as_user("worker")
    for url in _reads(filed):
        assert worker.get(url).status_code == 404, url
    assert worker.post(f"{api()}/women", json={}).status_code == 404
    with app.app_context():
        modules.enable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    assert worker.get(f"{api()}/women/{filed['women']}").json["name"] == "隔离测试"
