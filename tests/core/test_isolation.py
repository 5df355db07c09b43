"""Tenant isolation: the street admin of street A can neither read nor change anything of street B,
through the pages or the API. The route sweep covers every route the app has, so a new route that
forgets the scope fails here."""

import re

import pytest
import sqlalchemy as sa

from core.db import db
from core.models import ApiToken, Assignment, AuditLog

B_NODE_REFS = ["110105002", "110105002001", "110105002001-bb01"]


@pytest.fixture
def street_b(world, app):
    """An account of street B with a role there and an API token; returns their ids."""
    from core.accounts import services

    uid = world.add_user("b_worker", "program_worker", "110105002001")
    with app.app_context():
        user = world.user("b_worker")
        services.issue_token(db.session, user, "b-token")
        db.session.commit()
        token_id = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.user_id == uid))
        assignment_id = db.session.scalar(sa.select(Assignment.id).where(Assignment.user_id == uid))
    return {"user_id": uid, "assignment_id": assignment_id, "token_id": token_id}


def test_every_route_with_a_b_object_is_refused(app, as_user, street_b):
    c = as_user("s_admin")
    checked = 0
    b_values = {
        "ref": "110105002001",
        "community": "110105002001",
        "node": "110105002",
        "module": "testing_ledger",
        **street_b,
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(b_values.get(m.group(1), 1)), rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = c.open(
                url,
                method=method,
                json={} if rule.rule.startswith("/api/") else None,
                data=None if rule.rule.startswith("/api/") else {"name": "x"},
            )
            assert response.status_code in (403, 404), (method, url, response.status_code)
            checked += 1
    assert checked >= 15


def test_lists_and_searches_show_nothing_of_b(as_user, street_b):
    c = as_user("s_admin")
    api_nodes = c.get("/api/v1/nodes?per_page=200").json
    refs = {n["ref"] for n in api_nodes["items"]}
    assert refs and not refs & set(B_NODE_REFS)
    assert all(r.startswith("110105001") for r in refs)
    assert c.get("/api/v1/nodes?q=吉祥里").json["total"] == 0
    page = c.get("/tree?q=吉祥里").text
    assert "110105002001" not in page
    users = c.get("/api/v1/users?per_page=200").json
    assert "b_worker" not in {u["username"] for u in users["items"]}
    link = f'href="/users/{street_b["user_id"]}"'
    assert link not in c.get("/users").text
    assert link not in c.get("/users?q=b_worker").text


def test_audit_log_shows_only_own_subtree(as_user, app, street_b):
    c = as_user("s_admin")
    entries = c.get("/api/v1/audit?per_page=200").json["items"]
    assert entries, "street A's own entries are visible"
    with app.app_context():
        b_entries = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.summary.contains("b_worker"))
        ).all()
        assert b_entries
    ids = {e["id"] for e in entries}
    assert not ids & {e.id for e in b_entries}
    assert "b_worker" not in c.get("/audit").text


def test_cannot_write_into_b_by_naming_it(as_user, world, app, street_b):
    c = as_user("s_admin")
    r = c.post(
        "/api/v1/nodes",
        json={"parent": "110105002001", "kind": "building", "code": "x1", "name": "x"},
    )
    assert r.status_code == 404
    r = c.post(
        "/api/v1/users",
        json={
            "username": "sneaky",
            "display_name": "x",
            "password": "long-enough-1",
            "home_node": "110105002001",
        },
    )
    assert r.status_code == 422 and "home_node" in r.json["error"]["fields"]
    own = c.post(
        "/api/v1/users",
        json={
            "username": "mine",
            "display_name": "x",
            "password": "long-enough-1",
            "home_node": "110105001001",
        },
    )
    assert own.status_code == 201
    r = c.post(
        f"/api/v1/users/{own.json['id']}/assignments",
        json={"role": "program_worker", "node": "110105002001"},
    )
    assert r.status_code == 422 and "node" in r.json["error"]["fields"]
    r = c.post(
        f"/users/{own.json['id']}/assignments",
        data={"role": "program_worker", "node": "110105002001"},
    )
    assert r.status_code in (302, 303)
    with app.app_context():
        assert world.node("110105002001").name == "吉祥里社区"
        user = world.user("mine")
        assert [a.node_id for a in user.assignments] == []
        assert world.user("sneaky") is None
