"""Buildings ticked on a community's or grid's page move into one grid or community together:
in one transaction, refused as a whole with every reason when one of them cannot move; the
places to move to are named with their community."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from core.models import AuditLog
from tenants import services
from tenants.models import Node

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
GRID = f"{A1}-gg1"


def add_buildings(app, world, ref: str, codes: list[str]) -> None:
    with app.app_context():
        parent = world.node(ref)
        for code in codes:
            services.create_node(db.session, parent=parent, kind="building", code=code, name=code)
        db.session.commit()


def parents(app, *where: sa.ColumnElement[bool]) -> dict[str, str]:
    """Each building's ref (or each node's that ``where`` picks) → its parent's ref."""
    with app.app_context():
        parent = sa.orm.aliased(Node)
        rows = db.session.execute(
            sa.select(Node.ref, parent.ref)
            .join(parent, parent.id == Node.parent_id)
            .where(*(where or (Node.kind == "building",)))
        )
        return dict(rows.all())


def move(client, place, buildings, parent):
    return client.post(
        f"/api/v1/nodes/{place}/move-buildings", json={"buildings": buildings, "parent": parent}
    )


def test_ticked_buildings_move_into_a_grid_in_one_action(as_user, app, world):
    add_buildings(app, world, A1, ["b03", "b04", "b05"])
    s = as_user("s_admin")
    page = s.get(f"/n/{A1}").text
    assert page.count('name="building"') == 4  # b02–b05; b01 is in the grid already
    assert 'data-check-all="building"' in page
    chosen = [f"{A1}-b{code}" for code in ("b02", "b03", "b04")]
    form = s.get(f"/n/{A1}/move-buildings", query_string={"building": chosen}).text
    assert 'data-url="/n/110105001001/targets/buildings"' in form  # the target picker
    labels = [i["label"] for i in s.get(f"/n/{A1}/targets/buildings?q=网格").json["items"]]
    assert labels == [f"永安里东社区 · 第一网格 ({GRID})"]  # the grid, named with its community
    labels = [i["label"] for i in s.get(f"/n/{A1}/targets/buildings?q=建国").json["items"]]
    assert labels == [f"建外街道 · 建国里社区 ({A2})"]  # a community, named with its street
    r = s.post(f"/n/{A1}/move-buildings", data={"building": chosen, "parent": GRID})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/n/{GRID}")
    now = parents(app)
    assert {ref: now[ref] for ref in chosen} == dict.fromkeys(chosen, GRID)
    assert now[f"{A1}-bb05"] == A1
    with app.app_context():
        moves = db.session.scalar(sa.select(sa.func.count()).where(AuditLog.action == "node.move"))
    assert moves == 3
    assert "3" in s.get(f"/n/{GRID}").text


def test_buildings_move_to_another_community_with_their_refs(as_user, app, world):
    add_buildings(app, world, A1, ["b07"])
    d = as_user("d_admin")
    r = move(d, A1, [f"{A1}-bb02", f"{A1}-bb07"], A2)
    assert r.status_code == 200, r.json
    assert r.json["moved"] == [
        {"old_ref": f"{A1}-bb02", "ref": f"{A2}-bb02"},
        {"old_ref": f"{A1}-bb07", "ref": f"{A2}-bb07"},
    ]
    assert parents(app)[f"{A2}-bb07"] == A2


def test_one_building_that_cannot_move_moves_none_and_every_reason_is_given(as_user, app, world):
    add_buildings(app, world, A1, ["b03"])
    before = parents(app)
    d = as_user("d_admin")
    # 1号楼 (b01) is in the grid already; b02 and b03 could go.
    r = move(d, A1, [f"{A1}-bb01", f"{A1}-bb02", f"{A1}-bb03"], GRID)
    assert r.status_code == 422
    reasons = r.json["error"]["fields"]["buildings"]
    assert len(reasons) == 1 and reasons[0].startswith("1号楼")
    assert "1" in r.json["error"]["message"] and "3" in r.json["error"]["message"]
    # To A2, whose 1号楼 has code b01 too: refused, naming it; b02 does not go alone.
    r = move(d, A1, [f"{A1}-bb01", f"{A1}-bb02"], A2)
    assert r.status_code == 409
    assert [m.split("：")[0] for m in r.json["error"]["fields"]["buildings"]] == ["1号楼"]
    assert "b01" in r.json["error"]["fields"]["buildings"][0]
    # The page shows the reasons and moves nothing either.
    page = d.post(
        f"/n/{A1}/move-buildings", data={"building": [f"{A1}-bb01", f"{A1}-bb02"], "parent": A2}
    )
    assert page.status_code == 409 and 'id="refusals"' in page.text and "1号楼" in page.text
    # Not buildings, no buildings, no target.
    assert move(d, A1, [GRID], A2).status_code == 422
    assert move(d, A1, [], A2).status_code == 422
    r = d.post(f"/n/{A1}/move-buildings", data={"building": [f"{A1}-bb02"]})
    assert r.status_code == 422 and "parent" in r.text
    assert parents(app) == before


def test_bulk_moves_refuse_other_places_and_roles(as_user, app, world):
    before = parents(app)
    s = as_user("s_admin")
    assert s.get(f"/n/{B1}/move-buildings").status_code == 404  # another street
    assert move(s, B1, [f"{B1}-bb01"], B1).status_code == 404
    # A building of another street ticked on A1's page: unknown here.
    assert move(s, A1, [f"{A1}-bb02", f"{B1}-bb01"], GRID).status_code == 404
    # A2's building on A1's page: not beneath A1.
    assert move(s, A1, [f"{A2}-bb01"], GRID).status_code == 404
    # Into another street: the same answer as for a place that does not exist.
    r = move(s, A1, [f"{A1}-bb02"], B1)
    assert r.status_code == 422 and B1 in r.json["error"]["fields"]["parent"][0]
    # A community admin cannot take buildings out of their community.
    r = move(as_user("c_admin"), A1, [f"{A1}-bb02"], A2)
    assert r.status_code == 422
    leader = as_user("leader")
    assert leader.get(f"/n/{A1}/move-buildings").status_code == 404
    for name in ("worker", "inspector"):  # no tenants.manage
        client = as_user(name)
        assert client.get(f"/n/{A1}/move-buildings").status_code == 403
        assert move(client, A1, [f"{A1}-bb02"], GRID).status_code == 403
    assert 'name="building"' not in as_user("inspector").get(f"/n/{A1}").text
    assert parents(app) == before


def test_the_single_move_and_merge_pages_name_targets_with_their_place(as_user):
    d = as_user("d_admin")
    found = d.get(f"/n/{A1}-bb02/targets/move?q=第一").json["items"]
    assert found == [{"id": GRID, "label": f"永安里东社区 · 第一网格 ({GRID})"}]
    found = d.get(f"/n/{A1}/targets/merge?q=吉祥").json["items"]
    assert found == [{"id": B1, "label": f"朝外街道 · 吉祥里社区 ({B1})"}]
    # A refused target is shown by its label when the form comes back.
    page = d.post(f"/n/{A1}-bb02/move", data={"parent": f"{A1}-bb02"})
    assert page.status_code in (403, 409, 422)
    page = d.post(f"/n/{A1}-bb02/move", data={"parent": f"{A1}-bb02"}).text
    assert f'value="永安里东社区 · 2号楼 ({A1}-bb02)"' in page


def test_the_target_pickers_search_only_what_the_user_manages(as_user):
    s = as_user("s_admin")  # street A
    assert s.get(f"/n/{A1}/targets/buildings?q=吉祥").json["items"] == []  # street B
    assert s.get(f"/n/{A1}/targets/merge?q=吉祥").json["items"] == []
    assert s.get(f"/n/{A1}/targets/move?q=朝外").json["items"] == []
    # A node outside the scope: 404; one the user sees but does not manage: 403.
    assert s.get(f"/n/{B1}/targets/buildings?q=网格").status_code == 404
    assert as_user("worker").get(f"/n/{A1}/targets/buildings?q=网格").status_code == 403
    assert as_user("d_admin").get(f"/n/{A1}/targets/elsewhere?q=x").status_code == 404
    # Nothing typed, nothing listed; a building is no community to merge into.
    assert s.get(f"/n/{A1}/targets/buildings").json["items"] == []
    assert s.get(f"/n/{A1}-bb02/targets/merge?q=建国").json["items"] == []
