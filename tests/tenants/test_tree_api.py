"""The tree through /api/v1/nodes: create, read, update, search, children, and bad input."""

import pytest

from core.db import db
from tenants.models import Node


def create(c, **body):
    return c.post("/api/v1/nodes", json=body)


def test_create_street_community_grid_building(as_user, world):
    c = as_user("d_admin")
    r = create(c, parent="110105", kind="street", code="110105003", name="呼家楼街道")
    assert r.status_code == 201, r.json
    assert r.json["ref"] == "110105003" and r.json["parent"] == "110105"
    assert (
        create(
            c, parent="110105003", kind="community", code="110105003001", name="金台里社区"
        ).status_code
        == 201
    )
    r = create(c, parent="110105003001", kind="grid", code="1", name="第一网格")
    assert r.status_code == 201 and r.json["ref"] == "110105003001-g1"
    r = create(c, parent="110105003001-g1", kind="building", code="07", name="7号楼")
    assert r.status_code == 201 and r.json["ref"] == "110105003001-b07"

    with world.app.app_context():
        building = world.node("110105003001-b07")
        community = world.node("110105003001")
        street = world.node("110105003")
        grid = world.node("110105003001-g1")
        assert building.path == f"{grid.path}{building.id}/"
        assert (building.street_id, building.community_id) == (street.id, community.id)
        assert building.depth == 4

    r = c.get("/api/v1/nodes/110105003")
    assert r.json["counts"] == {"community": 1, "grid": 1, "building": 1}


def test_building_codes_are_unique_per_community_only(as_user):
    c = as_user("d_admin")
    # b01 exists in A1 (under its grid) and in A2 already; a second b01 in A1 conflicts.
    r = create(c, parent="110105001001", kind="building", code="b01", name="重复")
    assert r.status_code == 409
    assert r.json["error"]["fields"]["code"]
    r = create(c, parent="110105001002", kind="building", code="b02", name="2号楼")
    assert r.status_code == 201


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (
            {"parent": "110105", "kind": "community", "code": "110105001009", "name": "x"},
            422,
            "parent",
        ),
        (
            {"parent": "110105001001", "kind": "street", "code": "110105009", "name": "x"},
            422,
            "parent",
        ),
        ({"parent": "110105", "kind": "street", "code": "110106001", "name": "x"}, 422, "code"),
        (
            {"parent": "110105001", "kind": "community", "code": "110105002009", "name": "x"},
            422,
            "code",
        ),
        ({"parent": "110105", "kind": "street", "code": "110105001", "name": "重复"}, 409, "code"),
        (
            {"parent": "110105", "kind": "street", "code": "110105009", "name": "长" * 101},
            422,
            "name",
        ),
        ({"parent": "110105", "kind": "street", "code": "110105009", "name": ""}, 422, "name"),
        ({"parent": "110105", "kind": "village", "code": "110105009", "name": "x"}, 422, "kind"),
        ({"parent": "110105", "kind": "street", "code": "110105009"}, 422, "name"),
        (
            {"parent": "110105", "kind": "street", "code": "110105009", "name": "x", "extra": 1},
            422,
            "extra",
        ),
        ({"parent": "999999", "kind": "street", "code": "999999001", "name": "x"}, 404, None),
    ],
)
def test_bad_input_is_refused_with_a_reason(as_user, world, body, status, field):
    c = as_user("d_admin")
    with world.app.app_context():
        before = db.session.query(Node).count()
    r = create(c, **body)
    assert r.status_code == status, r.json
    error = r.json["error"]
    assert error["message"]
    if field:
        assert field in error["fields"], error
    with world.app.app_context():
        assert db.session.query(Node).count() == before


def test_malformed_json_is_a_400(as_user):
    c = as_user("d_admin")
    r = c.post("/api/v1/nodes", data="{not json", content_type="application/json")
    assert r.status_code == 400
    assert r.json["error"]["code"] == "bad_request"
    r = c.post("/api/v1/nodes", json=["a", "list"])
    assert r.status_code == 400


def test_unknown_node_is_404_json(as_user):
    c = as_user("d_admin")
    r = c.get("/api/v1/nodes/110105999999")
    assert r.status_code == 404
    assert set(r.json["error"]) == {"code", "message", "fields"}


def test_rename_and_correct_a_building_code(as_user, world):
    c = as_user("c_admin")
    r = c.patch("/api/v1/nodes/110105001001-bb02", json={"name": "二号楼", "code": "b2"})
    assert r.status_code == 200, r.json
    assert r.json["ref"] == "110105001001-bb2" and r.json["name"] == "二号楼"
    assert c.get("/api/v1/nodes/110105001001-bb02").status_code == 404
    # A code change that would collide is refused; so is one on a node with children.
    assert c.patch("/api/v1/nodes/110105001001-bb2", json={"code": "b01"}).status_code == 409
    r = as_user("s_admin").patch("/api/v1/nodes/110105001001", json={"code": "110105001009"})
    assert r.status_code == 422 and "code" in r.json["error"]["fields"]
    assert c.patch("/api/v1/nodes/110105001001-bb2", json={}).status_code == 422


def test_search_and_pagination_totals(as_user):
    c = as_user("d_admin")
    r = c.get("/api/v1/nodes?q=1号楼")
    assert r.status_code == 200
    assert r.json["total"] == 3 and {n["ref"] for n in r.json["items"]} == {
        "110105001001-bb01",
        "110105001002-bb01",
        "110105002001-bb01",
    }
    r = c.get("/api/v1/nodes?q=110105001&per_page=2&page=2")
    assert r.json["total"] == 7 and r.json["pages"] == 4 and len(r.json["items"]) == 2
    r = c.get("/api/v1/nodes?kind=street")
    assert [n["ref"] for n in r.json["items"]] == ["110105001", "110105002"]
    assert c.get("/api/v1/nodes?per_page=1000").status_code == 400
    assert c.get("/api/v1/nodes?page=abc").status_code == 400
    assert c.get("/api/v1/nodes?kind=planet").status_code == 422
    assert c.get("/api/v1/nodes?q=%25").json["total"] == 0  # % is literal, not a wildcard


def test_children(as_user):
    c = as_user("d_admin")
    r = c.get("/api/v1/nodes/110105001001/children")
    assert [n["ref"] for n in r.json["items"]] == ["110105001001-bb02", "110105001001-gg1"]
    assert r.json["total"] == 2
