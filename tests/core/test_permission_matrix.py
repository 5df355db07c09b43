"""Each built-in role, assigned at community A1, against A1 itself, a descendant, an ancestor and a
sibling subtree — read and write, through the API and the pages, as real HTTP requests."""

import pytest

ROLES = [
    "district_admin",
    "street_admin",
    "community_admin",
    "program_worker",
    "building_leader",
    "inspector",
]
WRITERS = {"district_admin", "street_admin", "community_admin"}  # roles carrying tenants.manage

TARGETS = {
    "own": "110105001001",
    "descendant": "110105001001-bb02",
    "ancestor": "110105001",
    "sibling": "110105001002",
    "sibling_descendant": "110105001002-bb01",
}


def expected(role: str, relation: str, action: str) -> int:
    inside = relation in {"own", "descendant"}
    if not inside:
        return 404  # outside the subtree the node does not exist for this user
    if action == "read":
        return 200
    return 200 if role in WRITERS else 403


@pytest.fixture
def client_for(world, as_user):
    def make(role: str):
        username = f"m_{role}"
        world.add_user(username, role, "110105001001")
        return as_user(username)

    return make


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", list(TARGETS))
def test_api_matrix(client_for, role, relation):
    c = client_for(role)
    ref = TARGETS[relation]
    read = c.get(f"/api/v1/nodes/{ref}")
    assert read.status_code == expected(role, relation, "read"), read.json
    write = c.patch(f"/api/v1/nodes/{ref}", json={"name": "改名"})
    assert write.status_code == expected(role, relation, "write"), write.json
    children = c.post(
        "/api/v1/nodes", json={"parent": ref, "kind": "building", "code": "zz9", "name": "新楼"}
    )
    if role not in WRITERS:
        want = 403  # creating nodes is not theirs anywhere; nothing about the parent is revealed
    elif relation not in {"own", "descendant"}:
        want = 404
    else:
        want = 201 if relation == "own" else 422  # a building takes no children
    assert children.status_code == want, children.json


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("relation", list(TARGETS))
def test_page_matrix(client_for, role, relation):
    c = client_for(role)
    ref = TARGETS[relation]
    assert c.get(f"/n/{ref}").status_code == expected(role, relation, "read")
    edit = c.post(
        f"/n/{ref}/edit", data={"name": "改名", "code": ref.split("-b")[-1] if "-b" in ref else ref}
    )
    want = expected(role, relation, "write")
    assert edit.status_code == (302 if want == 200 else want)


def test_written_names_stick_only_where_allowed(client_for, world):
    c = client_for("program_worker")
    c.patch("/api/v1/nodes/110105001001", json={"name": "改名"})
    with world.app.app_context():
        assert world.node("110105001001").name == "永安里东社区"
