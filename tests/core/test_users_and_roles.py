"""Users, roles and grants: admins act only within their subtree and never hand out more than
they hold."""

import pytest
import sqlalchemy as sa

from core.db import db
from core.errors import DomainError
from core.models import AuditLog


def new_user(c, username, home="110105001001", **extra):
    body = {
        "username": username,
        "display_name": username,
        "password": "first-pass-1",
        "home_node": home,
    }
    return c.post("/api/v1/users", json={**body, **extra})


def test_community_admin_creates_a_worker_and_gives_a_role(as_user, app):
    c = as_user("c_admin")
    r = new_user(c, "zhang", mobile="13812345678")
    assert r.status_code == 201, r.json
    uid = r.json["id"]
    r = c.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "program_worker", "node": "110105001001"}
    )
    assert r.status_code == 201 and r.json["node"] == "110105001001"
    user = c.get(f"/api/v1/users/{uid}").json
    assert [(a["role"], a["node"]) for a in user["assignments"]] == [
        ("program_worker", "110105001001")
    ]
    assert user["home_node"] == "110105001001"
    # Giving the same role twice is a conflict, not a duplicate row.
    assert (
        c.post(
            f"/api/v1/users/{uid}/assignments",
            json={"role": "program_worker", "node": "110105001001"},
        ).status_code
        == 409
    )


def test_user_input_errors(as_user):
    c = as_user("c_admin")
    assert new_user(c, "ab").status_code == 422  # too short
    assert new_user(c, "bad name").status_code == 422
    assert new_user(c, "zhang2", mobile="1381234567").json["error"]["fields"]["mobile"]
    assert new_user(c, "zhang3", password="short").json["error"]["fields"]["password"]
    assert new_user(c, "zhang4", locale="fr").status_code == 422
    assert new_user(c, "WORKER").status_code == 409  # usernames are case-insensitive
    assert new_user(c, "x" * 65).status_code == 422


def test_no_one_grants_above_their_node_or_beyond_their_rights(as_user, world):
    c = as_user("c_admin")
    uid = new_user(c, "lili").json["id"]
    # Above their own node:
    r = c.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "program_worker", "node": "110105001"}
    )
    assert r.status_code == 422
    # A role that carries more than they hold (street admin has modules.manage, they do not):
    r = c.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "street_admin", "node": "110105001001"}
    )
    assert r.status_code == 422
    r = c.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "district_admin", "node": "110105001001"}
    )
    assert r.status_code == 422
    assert (
        c.post(
            f"/api/v1/users/{uid}/assignments", json={"role": "nonsense", "node": "110105001001"}
        ).status_code
        == 422
    )
    # At or below: fine.
    r = c.post(
        f"/api/v1/users/{uid}/assignments",
        json={"role": "building_leader", "node": "110105001001-bb02"},
    )
    assert r.status_code == 201
    # The street admin may grant community admin in their street, but not district admin.
    s = as_user("s_admin")
    assert (
        s.post(
            f"/api/v1/users/{uid}/assignments",
            json={"role": "community_admin", "node": "110105001002"},
        ).status_code
        == 201
    )
    assert (
        s.post(
            f"/api/v1/users/{uid}/assignments", json={"role": "district_admin", "node": "110105001"}
        ).status_code
        == 422
    )


def test_users_without_users_manage_are_refused(as_user):
    for username in ("worker", "leader", "inspector"):
        c = as_user(username)
        assert c.get("/api/v1/users").status_code == 403
        assert c.get("/users").status_code == 403
        assert new_user(c, "x_" + username).status_code == 403


def test_an_account_with_roles_above_the_admin_is_not_theirs_to_change(as_user, world, app):
    # d_admin gives a street-A account a district-wide role; the street admin may no longer change it.
    d = as_user("d_admin")
    uid = new_user(d, "wang", home="110105001").json["id"]
    assert (
        d.post(
            f"/api/v1/users/{uid}/assignments", json={"role": "inspector", "node": "110105"}
        ).status_code
        == 201
    )
    s = as_user("s_admin")
    assert s.get(f"/api/v1/users/{uid}").status_code == 200  # they see the account of their street
    assert s.patch(f"/api/v1/users/{uid}", json={"password": "taken-over-1"}).status_code == 403
    assert (
        s.post(f"/users/{uid}", data={"display_name": "x", "password": "taken-over-1"}).status_code
        == 403
    )
    district_assignment = s.get(f"/api/v1/users/{uid}").json["assignments"][0]["id"]
    assert s.delete(f"/api/v1/users/{uid}/assignments/{district_assignment}").status_code == 422
    assert d.patch(f"/api/v1/users/{uid}", json={"active": False}).status_code == 200


def test_disable_account_ends_its_sessions(as_user, world):
    worker = as_user("worker")
    admin = as_user("c_admin")
    with world.app.app_context():
        uid = world.user("worker").id
    r = admin.patch(f"/api/v1/users/{uid}", json={"active": False})
    assert r.status_code == 200 and r.json["active"] is False
    assert worker.get("/").status_code == 302


def test_an_admin_cannot_lock_the_district_out(as_user, world, app):
    """Regression: a district admin could deactivate their own account, and so the district's
    last district admin; both are refused with the field named, and nothing changes."""
    from core.accounts import services as accounts
    from core.models import User

    admin = as_user("d_admin")
    with app.app_context():
        me = world.user("d_admin").id
    own = admin.patch(f"/api/v1/users/{me}", json={"active": False})
    assert own.status_code == 422 and own.json["error"]["fields"]["active"]
    with app.app_context():
        assert db.session.get(User, me).active is True
        # Another account switching it off: still the last district admin of 110105.
        with pytest.raises(DomainError) as refused:
            accounts.update_user(db.session, db.session.get(User, me), active=False)
        assert "active" in refused.value.fields
        db.session.rollback()
    assert admin.get("/").status_code == 200  # still signed in


def test_user_pages(as_user, world):
    c = as_user("c_admin")
    assert "worker" in c.get("/users").text
    r = c.post(
        "/users/new",
        data={
            "username": "zhao",
            "display_name": "赵六",
            "home_node": "110105001001",
            "password": "first-pass-1",
            "mobile": "123",
        },
    )
    assert r.status_code == 422
    assert 'value="赵六"' in r.text and 'value="123"' in r.text  # typed input is kept
    r = c.post(
        "/users/new",
        data={
            "username": "zhao",
            "display_name": "赵六",
            "home_node": "110105001001",
            "password": "first-pass-1",
            "mobile": "13912345678",
        },
    )
    assert r.status_code == 302
    uid = int(r.headers["Location"].rsplit("/", 1)[1])
    r = c.post(f"/users/{uid}/assignments", data={"role": "program_worker", "node": "110105001001"})
    assert r.status_code == 302
    page = c.get(f"/users/{uid}").text
    assert "110105001001" in page
    assert (
        c.post(f"/users/{uid}", data={"display_name": "赵六六", "active": "true"}).status_code
        == 302
    )
    with world.app.app_context():
        assert world.user("zhao").display_name == "赵六六"


def test_custom_roles_carry_only_what_their_author_holds(as_user, world):
    c = as_user("c_admin")
    r = c.post(
        "/roles",
        data={
            "key": "tree_keeper",
            "name": "楼栋管理员",
            "permissions": ["tenants.view", "tenants.manage"],
        },
    )
    assert r.status_code == 302
    r = c.post("/roles", data={"key": "mod_boss", "name": "x", "permissions": ["modules.manage"]})
    assert r.status_code == 422
    r = c.post("/roles", data={"key": "Bad Key", "name": "x", "permissions": ["tenants.view"]})
    assert r.status_code == 422 and 'value="Bad Key"' in r.text
    roles = {r["key"]: r for r in c.get("/api/v1/roles").json["items"]}
    assert roles["tree_keeper"]["permissions"] == ["tenants.manage", "tenants.view"]
    assert "mod_boss" not in roles


def test_every_write_is_audited(as_user, world, app):
    c = as_user("c_admin")
    uid = new_user(c, "sun").json["id"]
    c.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "program_worker", "node": "110105001001"}
    )
    c.patch("/api/v1/nodes/110105001001-bb02", json={"name": "二号楼"})
    c.post(
        "/api/v1/nodes",
        json={"parent": "110105001001", "kind": "building", "code": "b03", "name": "3号楼"},
    )
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.username == "c_admin").order_by(AuditLog.id)
        ).all()
        actions = [r.action for r in rows]
        assert actions == [
            "user.login",
            "user.create",
            "assignment.create",
            "node.update",
            "node.create",
        ]
        update = rows[3]
        assert update.details == {"name": ["2号楼", "二号楼"]}
        assert update.node_path == world.node("110105001001-bb02").path
        assert all(r.user_id == world.user("c_admin").id and r.at is not None for r in rows)
    entries = c.get("/api/v1/audit").json
    assert entries["items"][0]["action"] == "node.create"


def test_audit_page_needs_audit_view(as_user):
    assert as_user("worker").get("/audit").status_code == 403
    assert as_user("inspector").get("/audit").status_code == 200
