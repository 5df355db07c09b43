"""Switching a module off is a deliberate action: a page first says which communities change,
what their users lose (the pages) and what stays (the records, counted); a street's or a
district's switch shows the communities it changes before anything is changed."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from core.db import db
from plugins.registry.models import RegistryResident
from tenants.modules import ModuleState
from tests.plugins.registry.conftest import make_id

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, DISTRICT = "110105001", "110105"


def switch_api(client, ref, module, enabled):
    return client.post(f"/api/v1/nodes/{ref}/modules", json={"module": module, "enabled": enabled})


def on_at(app, module: str) -> set[str]:
    from tenants.models import Node

    with app.app_context():
        stmt = (
            sa.select(Node.ref)
            .join(ModuleState, ModuleState.community_id == Node.id)
            .where(ModuleState.module == module, ModuleState.enabled.is_(True))
        )
        return set(db.session.scalars(stmt))


def resident(client, ref: str, sequence: int):
    person = {"name": f"居民{sequence}", "id_number": make_id(date(1960, 1, 2), sequence)}
    r = client.post(f"/api/v1/c/{ref}/registry/residents", json=person)
    assert r.status_code == 201, r.json
    return r.json["id"]


def listed(html: str) -> list[str]:
    """The communities a switch's page lists as changing, in its order."""
    import re

    return re.findall(r'<tr data-community="(\d+)"', html)


def test_the_on_badge_is_no_button_and_switching_off_goes_through_its_page(as_user, app):
    s = as_user("s_admin")
    assert switch_api(s, STREET_A, "registry", True).status_code == 200
    worker = as_user("worker")
    kept = [resident(worker, A1, n) for n in (101, 102, 103)]
    assert worker.delete(f"/api/v1/c/{A1}/registry/residents/{kept[2]}").status_code == 204

    matrix = s.get(f"/n/{STREET_A}/modules").text
    assert 'value="disable"' not in matrix  # no one-click off
    assert matrix.count("state-on") >= 2
    off_url = f"/n/{A1}/modules/registry/off?back={STREET_A}"
    assert f'href="{off_url}"' in matrix

    # The old one-click form now leads to the page and changes nothing.
    r = s.post(
        f"/n/{STREET_A}/modules", data={"module": "registry", "target": A1, "action": "disable"}
    )
    assert r.status_code == 302 and f"/n/{A1}/modules/registry/off" in r.headers["Location"]
    assert on_at(app, "registry") == {A1, A2}

    page = s.get(off_url)
    assert page.status_code == 200
    text = page.text
    assert listed(text) == [A1]
    assert "居民：2 条记录保留" in text  # the deleted one is not counted
    assert "数据保留" in text and "居民" in text
    assert on_at(app, "registry") == {A1, A2}  # looking changes nothing

    r = s.post(f"/n/{A1}/modules/registry/off", data={"back": STREET_A})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/n/{STREET_A}/modules")
    assert on_at(app, "registry") == {A2}
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(RegistryResident)
        assert db.session.scalar(stmt.execution_options(include_deleted=True)) == 3
    assert worker.get(f"/api/v1/c/{A1}/registry/residents").status_code == 404
    switch_api(s, A1, "registry", True)  # the data comes back
    assert worker.get(f"/api/v1/c/{A1}/registry/residents").json["total"] == 2


def test_a_bulk_switch_lists_the_communities_it_changes_before_changing_them(as_user, app):
    d = as_user("d_admin")
    switch_api(d, A2, "ledger", True)
    page = d.get(f"/n/{DISTRICT}/modules/ledger/on")
    assert page.status_code == 200
    assert listed(page.text) == [A1, B1]  # A2 has it already
    assert "2 个社区" in page.text
    assert on_at(app, "ledger") == {A2}
    r = d.post(f"/n/{DISTRICT}/modules/ledger/on", data={"back": DISTRICT})
    assert r.status_code == 302
    assert on_at(app, "ledger") == {A1, A2, B1}

    # The matrix's "all off" of a street is a link to the preview, never a form.
    matrix = d.get(f"/n/{STREET_A}/modules").text
    assert f'href="/n/{STREET_A}/modules/ledger/off?back={STREET_A}"' in matrix
    preview = d.get(f"/n/{STREET_A}/modules/ledger/off?back={STREET_A}").text
    assert listed(preview) == [A1, A2]
    d.post(f"/n/{STREET_A}/modules/ledger/off", data={"back": STREET_A})
    assert on_at(app, "ledger") == {B1}


def test_a_switch_on_names_the_dependencies_switched_with_it(as_user, app):
    s = as_user("s_admin")
    page = s.get(f"/n/{STREET_A}/modules/ledger_extra/on").text
    assert listed(page) == [A1, A2]
    assert "测试台账" in page or "Test ledger" in page  # ledger, which ledger_extra needs
    # The matrix's old bulk form leads to the same page.
    r = s.post(f"/n/{STREET_A}/modules", data={"module": "ledger_extra", "target": STREET_A})
    assert r.status_code == 302 and "/modules/ledger_extra/on" in r.headers["Location"]
    assert on_at(app, "ledger_extra") == set()


def test_a_refused_switch_off_says_why_and_changes_nothing(as_user, app):
    s = as_user("s_admin")
    switch_api(s, A1, "ledger_extra", True)  # needs ledger, switched on with it
    page = s.get(f"/n/{A1}/modules/ledger/off")
    assert page.status_code == 200 and 'role="alert"' in page.text
    assert 'type="submit"' not in page.text.split('role="alert"')[1]
    r = s.post(f"/n/{A1}/modules/ledger/off")
    assert r.status_code == 409 and 'role="alert"' in r.text
    assert on_at(app, "ledger") == {A1}


def test_nothing_to_change_offers_no_button(as_user):
    page = as_user("s_admin").get(f"/n/{A1}/modules/ledger/off").text
    assert listed(page) == [] and "没有社区启用" in page
    assert 'class="primary danger"' not in page


def test_switch_pages_refuse_other_places_and_roles(as_user, app, world):
    s = as_user("s_admin")
    switch_api(as_user("d_admin"), DISTRICT, "ledger", True)
    for url in (f"/n/{B1}/modules/ledger/off", f"/n/{DISTRICT}/modules/ledger/off"):
        assert s.get(url).status_code == 404  # another street; above their street
        assert s.post(url).status_code == 404
    # Back to a place outside their scope is refused as well.
    assert s.get(f"/n/{A1}/modules/ledger/off?back={B1}").status_code == 404
    assert s.post(f"/n/{A1}/modules/ledger/off", data={"back": B1}).status_code == 404
    leader = as_user("leader")  # a building leader does not see the community
    assert leader.get(f"/n/{A1}/modules/ledger/off").status_code == 404
    for name in ("c_admin", "worker", "inspector"):  # no modules.manage there
        client = as_user(name)
        assert client.get(f"/n/{A1}/modules/ledger/off").status_code == 403
        assert client.post(f"/n/{A1}/modules/ledger/off").status_code == 403
    assert s.get(f"/n/{A1}/modules/nonexistent/off").status_code == 404
    assert on_at(app, "ledger") == {A1, A2, B1}


def test_an_archived_community_cannot_be_switched(as_user, app, world):
    from tenants.models import Node, NodeStatus

    s = as_user("s_admin")
    switch_api(s, A2, "ledger", True)
    with app.app_context():
        db.session.execute(sa.update(Node).where(Node.ref == A2).values(status=NodeStatus.ARCHIVED))
        db.session.commit()
    r = s.get(f"/n/{A2}/modules/ledger/off?back={STREET_A}")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/n/{STREET_A}/modules")
    assert s.post(f"/n/{A2}/modules/ledger/off").status_code == 302
    assert on_at(app, "ledger") == {A2}


def test_the_api_previews_a_switch_without_changing_anything(as_user, app):
    s = as_user("s_admin")
    r = s.post(
        f"/api/v1/nodes/{STREET_A}/modules",
        json={"module": "ledger_extra", "enabled": True, "dry_run": True},
    )
    assert r.status_code == 200
    assert r.json == {
        "dry_run": True,
        "communities": [A1, A2],
        "also": ["ledger"],
        "refusals": [],
        "records": [],
    }
    assert on_at(app, "ledger_extra") == set() and on_at(app, "ledger") == set()
    switch_api(s, STREET_A, "registry", True)
    resident(as_user("worker"), A1, 104)
    r = s.post(
        f"/api/v1/nodes/{A1}/modules",
        json={"module": "registry", "enabled": False, "dry_run": True},
    )
    assert r.json["communities"] == [A1]
    assert {"ledger": "居民", "kept": 1} in r.json["records"]
    assert on_at(app, "registry") == {A1, A2}
    r = as_user("worker").post(
        f"/api/v1/nodes/{A1}/modules",
        json={"module": "registry", "enabled": False, "dry_run": True},
    )
    assert r.status_code == 403
