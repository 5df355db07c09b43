"""安全生产监察员 (``safety_inspector``), a role the safety plugin declares: at the district it reads
safety everywhere safety is on, and nothing else. Also the core side: plugin-declared roles."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import db

from .conftest import A1, A2, B1, DISTRICT, STREET_A, page


@pytest.fixture
def anquan(world, enable):
    enable(A1, B1)
    world.add_user("anquan", "safety_inspector", DISTRICT)
    return "anquan"


def test_the_role_is_synced_with_its_label(app, world):
    from core.accounts.services import role_label
    from core.models import Role

    with app.app_context():
        role = db.session.scalar(sa.select(Role).where(Role.key == "safety_inspector"))
        assert role.builtin and set(role.patterns) == {"safety.view", "tenants.view"}
        assert role_label(role) in ("安全生产监察员", "Safety inspector")


def test_reads_safety_in_every_community_where_it_is_on(as_user, anquan):
    client = as_user(anquan)
    assert client.get(page(A1) + "/").status_code == 200
    assert client.get(page(B1) + "/").status_code == 200
    assert client.get(page(A2) + "/").status_code == 404  # safety is off there
    assert client.get(f"/r/{DISTRICT}/safety/").status_code == 200
    assert client.get(f"/r/{STREET_A}/safety/").status_code == 200
    assert client.get(f"/api/v1/r/{DISTRICT}/safety/dashboard").status_code == 200


def test_writes_nothing_and_sees_nothing_else(app, world, as_user, anquan):
    from core.permissions import load_scope, registry

    client = as_user(anquan)
    with app.app_context():
        scope = load_scope(db.session, _user_id(anquan))
        assert scope.permissions_at(world.node(B1).path, registry()) == {
            "safety.view",
            "tenants.view",
        }
        assert not scope.holds_anywhere("safety.edit")
        assert not scope.holds_anywhere("safety.hazard.close_major")
        assert not scope.holds_anywhere("safety.sensitive.view")
        assert not scope.holds_anywhere("registry.view") and not scope.holds_anywhere("audit.view")
    # roll-ups read only; the registry and core management are not theirs
    assert client.post(f"/api/v1/r/{DISTRICT}/safety/dashboard").status_code in (403, 405)
    assert client.get(f"/c/{A1}/registry/").status_code == 404
    assert client.get(f"/api/v1/c/{A1}/registry/residents").status_code == 404
    assert client.get(f"/r/{STREET_A}/registry/").status_code == 404
    assert client.get("/api/v1/users").status_code == 403
    assert client.get("/api/v1/audit").status_code in (403, 404)
    assert client.get(f"/api/v1/nodes/{DISTRICT}").status_code == 200  # finds its places


def _user_id(username: str) -> int:
    from core.models import User

    return db.session.scalar(sa.select(User.id).where(User.username == username))


def test_a_district_admin_grants_it_through_the_api_and_the_page(app, world, as_user, enable):
    enable(A1)
    admin = as_user("d_admin")
    uid = admin.post(
        "/api/v1/users",
        json={"username": "jiancha", "display_name": "监察员", "password": "Secret-123",
              "home_node": DISTRICT},
    ).json["id"]  # fmt: skip
    roles = {r["key"]: r["name"] for r in admin.get("/api/v1/roles").json["items"]}
    assert roles["safety_inspector"] in ("安全生产监察员", "Safety inspector")
    assert "safety_inspector" in admin.get(f"/users/{uid}").get_data(as_text=True)
    answer = admin.post(
        f"/api/v1/users/{uid}/assignments", json={"role": "safety_inspector", "node": DISTRICT}
    )
    assert answer.status_code == 201, answer.json
    from core.permissions import load_scope

    with app.app_context():
        scope = load_scope(db.session, uid)
        assert scope.allows("safety.view", f"{world.node(A1).path}")
        assert not scope.holds_anywhere("safety.edit")
    # A street admin holds safety.view at the street only: may grant it there, not above.
    street = as_user("s_admin")
    uid2 = street.post(
        "/api/v1/users",
        json={"username": "jiancha2", "display_name": "街道监察员", "password": "Secret-123",
              "home_node": STREET_A},
    ).json["id"]  # fmt: skip
    assert (
        street.post(
            f"/api/v1/users/{uid2}/assignments",
            json={"role": "safety_inspector", "node": STREET_A},
        ).status_code
        == 201
    )
    assert street.post(
        f"/api/v1/users/{uid2}/assignments", json={"role": "safety_inspector", "node": DISTRICT}
    ).status_code in (403, 404, 422)


def test_a_custom_role_cannot_take_a_plugin_role_key(app, world):
    from core.accounts.services import create_role
    from core.errors import Conflict
    from core.permissions import Scope, registry

    with app.app_context():
        district = world.node(DISTRICT).as_ref()
        scope = Scope(None, [("*", district)])
        with pytest.raises(Conflict):
            create_role(
                db.session,
                scope,
                registry(),
                key="safety_inspector",
                name="x",
                permissions=["safety.view"],
                node=district,
            )


# --- core: PermissionRegistry.declare_role ------------------------------------------------


def _declared():
    from core.permissions import PermissionRegistry

    registry = PermissionRegistry()
    registry.declare("tenants.view", "tree")
    registry.declare("audit.view", "audit")
    registry.declare("eldercare.view", "read")
    registry.declare("eldercare.edit", "write")
    registry.declare("other.view", "other")
    return registry


@pytest.mark.parametrize(
    ("key", "patterns"),
    [
        ("inspector", ["eldercare.view"]),  # not <plugin>_…
        ("other_reader", ["eldercare.view"]),
        ("eldercare_reader", ["other.view"]),  # another plugin's permission
        ("eldercare_reader", ["audit.view"]),  # core permissions other than tenants.view
        ("eldercare_reader", ["*"]),
        ("eldercare_reader", ["eldercare.missing"]),  # undeclared
        ("eldercare_reader", []),
        ("eldercare_Reader", ["eldercare.view"]),
    ],
)
def test_a_plugin_declares_only_its_own_roles(key, patterns):
    plugin = _declared().for_plugin("eldercare")
    with pytest.raises(ValueError):
        plugin.declare_role(key, "x", patterns)


def test_a_plugin_role_is_listed_and_loses_a_broken_plugins_grants():
    registry = _declared()
    plugin = registry.for_plugin("eldercare")
    role = plugin.declare_role("eldercare_reader", "Reader", ["eldercare.*", "tenants.view"])
    assert registry.role("eldercare_reader") == role
    assert registry.role("district_admin").key == "district_admin"
    assert [r.key for r in registry.builtin_roles()][-1] == "eldercare_reader"
    with pytest.raises(ValueError):
        plugin.declare_role("eldercare_reader", "again", ["eldercare.view"])
    registry.remove_prefix("eldercare.")
    assert registry.role("eldercare_reader").patterns == ("tenants.view",)


def test_sync_removes_the_grants_of_a_broken_plugins_role(app, world):
    from core.accounts.services import sync_builtin_roles
    from core.models import Role
    from core.permissions import PermissionRegistry

    declared = PermissionRegistry()
    declared.declare("tenants.view", "tree")
    with app.app_context():
        declared.plugin_roles.update(
            {"safety_inspector": app.extensions["jiedao.permissions"].role("safety_inspector")}
        )
        declared.remove_prefix("safety.")
        sync_builtin_roles(db.session, declared)
        role = db.session.scalar(sa.select(Role).where(Role.key == "safety_inspector"))
        assert set(role.patterns) == {"tenants.view"}
        sync_builtin_roles(db.session)  # the real registry puts it back
        assert set(role.patterns) == {"safety.view", "tenants.view"}
        db.session.rollback()
