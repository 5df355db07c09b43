"""A role is granted only at the kinds of place it is for: a district admin at a district, a
street admin at a street, community roles in a community. Refusals name the field ``node``."""

import pytest
import sqlalchemy as sa

from core.db import db
from core.models import Assignment
from core.permissions import PermissionRegistry

DISTRICT, STREET_A, A1 = "110105", "110105001", "110105001001"
GRID, BUILDING = "110105001001-gg1", "110105001001-bb02"


def new_account(c, username: str) -> int:
    body = {"username": username, "display_name": username, "password": "first-pass-1"}
    r = c.post("/api/v1/users", json={**body, "home_node": A1})
    assert r.status_code == 201, r.json
    return r.json["id"]


def grant(c, uid: int, role: str, node: str):
    return c.post(f"/api/v1/users/{uid}/assignments", json={"role": role, "node": node})


def assignments(app, uid: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Assignment.id).where(Assignment.user_id == uid)))


@pytest.mark.parametrize(
    ("role", "wrong", "right"),
    [
        ("district_admin", A1, DISTRICT),
        ("district_admin", STREET_A, DISTRICT),
        ("street_admin", A1, STREET_A),
        ("street_admin", DISTRICT, STREET_A),
        ("community_admin", STREET_A, A1),
        ("community_admin", GRID, A1),
        ("program_worker", BUILDING, GRID),
        ("building_leader", A1, BUILDING),
        ("inspector", A1, STREET_A),
    ],
)
def test_each_built_in_role_is_refused_at_a_kind_it_is_not_for(as_user, app, role, wrong, right):
    d = as_user("d_admin")
    uid = new_account(d, "kinds_" + role)
    refused = grant(d, uid, role, wrong)
    assert refused.status_code == 422
    assert list(refused.json["error"]["fields"]) == ["node"]
    assert assignments(app, uid) == []
    assert grant(d, uid, role, right).status_code == 201


def test_the_refusal_says_where_the_role_may_be_given_in_the_readers_language(as_user):
    d = as_user("d_admin")
    uid = new_account(d, "wang_kinds")
    message = grant(d, uid, "district_admin", A1).json["error"]["fields"]["node"][0]
    assert message == "角色“区级管理员”只能在区县授予；永安里东社区是社区。"
    d.post("/locale", data={"locale": "en"})
    message = grant(d, uid, "district_admin", A1).json["error"]["fields"]["node"][0]
    assert message == (
        "The role District admin can only be given at a District; 永安里东社区 is a Community."
    )


def test_the_user_page_refuses_the_grant_with_its_message(as_user, app):
    d = as_user("d_admin")
    uid = new_account(d, "li_kinds")
    r = d.post(f"/users/{uid}/assignments", data={"role": "district_admin", "node": A1})
    assert r.status_code == 303
    page = d.get(f"/users/{uid}").text
    assert "角色“区级管理员”只能在区县授予" in page
    assert assignments(app, uid) == []
    # The choice of roles says where each is given.
    assert "区级管理员 (区县)" in page


def test_custom_roles_are_given_anywhere_unless_their_author_restricts_them(as_user, app):
    c = as_user("c_admin")
    anywhere = {"key": "tree_viewer", "name": "看树", "permissions": ["tenants.view"]}
    assert c.post("/roles", data=anywhere).status_code == 302
    restricted = {**anywhere, "key": "grid_viewer", "node_kinds": ["grid", "building"]}
    assert c.post("/roles", data=restricted).status_code == 302
    roles = {r["key"]: r for r in c.get("/api/v1/roles").json["items"]}
    assert roles["tree_viewer"]["node_kinds"] == []
    assert roles["grid_viewer"]["node_kinds"] == ["grid", "building"]
    assert roles["district_admin"]["node_kinds"] == ["district"]
    uid = new_account(c, "zhou_kinds")
    assert grant(c, uid, "tree_viewer", BUILDING).status_code == 201
    assert grant(c, uid, "tree_viewer", A1).status_code == 201
    refused = grant(c, uid, "grid_viewer", A1)
    assert refused.status_code == 422 and "node" in refused.json["error"]["fields"]
    assert grant(c, uid, "grid_viewer", GRID).status_code == 201
    assert len(assignments(app, uid)) == 3


def test_an_unknown_kind_for_a_custom_role_is_refused_naming_the_field(as_user):
    c = as_user("c_admin")
    body = {"key": "odd_role", "name": "x", "permissions": ["tenants.view"], "node_kinds": "moon"}
    r = c.post("/roles", data=body)
    assert r.status_code == 422 and "moon" in r.text
    assert "odd_role" not in {r["key"] for r in c.get("/api/v1/roles").json["items"]}


def test_a_plugin_role_names_only_known_kinds():
    declared = PermissionRegistry.with_core().for_plugin("demo")
    declared.declare("demo.view", "view")
    role = declared.declare_role("demo_reader", "reader", ["demo.view"], kinds=["street"])
    assert role.kinds == ("street",)
    with pytest.raises(ValueError, match="node kinds"):
        declared.declare_role("demo_other", "other", ["demo.view"], kinds=["moon"])
