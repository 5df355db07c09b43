"""Module presets: a district's named sets of modules with default settings, managed by district
admins and applied to many communities at once."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from core.models import AuditLog
from tenants.models import Node
from tenants.modules import ModuleState
from tenants.presets import ModulePreset

A1, A2, B1 = "110105001001", "110105001002", "110105002001"


def running(app) -> dict[tuple[str, str], dict]:
    """(community ref, module) → settings, for every module that is on."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Node.ref, ModuleState.module, ModuleState.settings)
            .join(Node, Node.id == ModuleState.community_id)
            .where(ModuleState.enabled.is_(True))
        )
        return {(ref, module): settings for ref, module, settings in rows}


def create(client, **body):
    payload = {"name": "标准城市社区", "description": "", "modules": {"ledger": {}}} | body
    return client.post("/api/v1/nodes/110105/presets", json=payload)


def test_create_read_update_delete(app, as_user):
    c = as_user("d_admin")
    r = create(c, modules={"ledger": {"deadline_days": 10}})
    assert r.status_code == 201, r.json
    preset = r.json
    # Settings are completed with the module's defaults.
    assert preset["modules"] == {"ledger": {"deadline_days": 10, "mode": "simple", "notify": False}}
    # A module that needs another brings it along.
    r = create(c, name="农村社区", modules={"ledger_extra": {}})
    assert set(r.json["modules"]) == {"ledger", "ledger_extra"}
    names = [p["name"] for p in c.get("/api/v1/nodes/110105/presets").json["items"]]
    assert names == sorted(["标准城市社区", "农村社区"])
    r = c.put(
        f"/api/v1/presets/{preset['id']}",
        json={"name": "城市社区", "modules": {"ledger": {"mode": "strict"}}},
    )
    assert r.status_code == 200 and r.json["modules"]["ledger"]["mode"] == "strict"
    assert c.delete(f"/api/v1/presets/{preset['id']}").status_code == 204
    assert c.get(f"/api/v1/presets/{preset['id']}").status_code == 404
    with app.app_context():  # soft delete: the row stays
        assert db.session.get(ModulePreset, preset["id"]).deleted_at is not None
        actions = db.session.scalars(
            sa.select(AuditLog.action).where(AuditLog.action.like("preset.%"))
        ).all()
    assert sorted(actions) == ["preset.create", "preset.create", "preset.delete", "preset.update"]
    assert create(c, name="城市社区").status_code == 201  # the deleted name is free again


def test_bad_presets_are_refused(app, as_user):
    c = as_user("d_admin")
    assert create(c).status_code == 201
    for body, field in (
        ({}, "name"),  # taken
        ({"name": ""}, "name"),
        ({"name": "x" * 61}, "name"),
        ({"name": "新", "modules": {"nonexistent": {}}}, "modules"),
        ({"name": "新", "modules": {"ledger": {"deadline_days": 0}}}, "ledger.deadline_days"),
        ({"name": "新", "modules": {"ledger": {"mode": "odd"}}}, "ledger.mode"),
    ):
        r = create(c, **body)
        assert r.status_code == 422, body
        assert field in r.json["error"]["fields"], (body, r.json)
    assert c.post("/api/v1/nodes/110105/presets", data="x").status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ModulePreset)) == 1


def test_only_district_module_managers_manage_presets(as_user):
    preset = create(as_user("d_admin")).json
    s_admin = as_user("s_admin")
    assert create(s_admin).status_code == 404  # the district is outside their view
    assert s_admin.get("/n/110105/presets").status_code == 404
    assert (
        s_admin.put(
            f"/api/v1/presets/{preset['id']}", json={"name": "x", "modules": {}}
        ).status_code
        == 404
    )
    assert s_admin.delete(f"/api/v1/presets/{preset['id']}").status_code == 404
    assert as_user("inspector").get("/n/110105/presets").status_code == 403
    assert (
        as_user("inspector")
        .post(f"/api/v1/presets/{preset['id']}/apply", json={"targets": [A1]})
        .status_code
        == 404
    )
    assert as_user("worker").get(f"/api/v1/presets/{preset['id']}").status_code == 404


def test_apply_to_a_street_keeps_existing_settings(app, as_user):
    c = as_user("d_admin")
    preset = create(c, modules={"ledger": {"deadline_days": 10}}).json
    # A1 already runs ledger with its own settings.
    c.post(
        f"/api/v1/nodes/{A1}/modules",
        json={"module": "ledger", "enabled": True, "settings": {"deadline_days": 99}},
    )
    r = c.post(f"/api/v1/presets/{preset['id']}/apply", json={"targets": ["110105001"]})
    assert r.status_code == 200, r.json
    assert r.json["communities"] == 2
    assert r.json["switched_on"] == [{"community": A2, "module": "ledger"}]
    on = running(app)
    assert on[(A1, "ledger")]["deadline_days"] == 99
    assert on[(A2, "ledger")]["deadline_days"] == 10
    assert (B1, "ledger") not in on
    # Applying again changes nothing.
    again = c.post(f"/api/v1/presets/{preset['id']}/apply", json={"targets": ["110105001"]})
    assert again.json["switched_on"] == [] and running(app) == on


def test_exclusive_apply_switches_off_what_is_not_in_the_preset(app, as_user):
    c = as_user("d_admin")
    preset = create(c).json
    c.post(f"/api/v1/nodes/{B1}/modules", json={"module": "ledger_extra", "enabled": True})
    assert set(running(app)) == {(B1, "ledger"), (B1, "ledger_extra")}
    r = c.post(f"/api/v1/presets/{preset['id']}/apply", json={"targets": [B1], "exclusive": True})
    assert r.status_code == 200, r.json
    assert r.json["switched_off"] == [{"community": B1, "module": "ledger_extra"}]
    assert set(running(app)) == {(B1, "ledger")}


def test_a_street_admin_applies_only_inside_their_street(app, as_user):
    preset = create(as_user("d_admin")).json
    s_admin = as_user("s_admin")
    url = f"/api/v1/presets/{preset['id']}/apply"
    r = s_admin.post(url, json={"targets": [A1, B1]})
    assert r.status_code == 422 and B1 in r.json["error"]["message"]
    assert running(app) == {}  # all or nothing: A1 was not switched on either
    assert s_admin.post(url, json={"targets": ["nowhere"]}).status_code == 422
    assert s_admin.post(url, json={"targets": []}).status_code == 422
    r = s_admin.post(url, json={"targets": [A1]})
    assert r.status_code == 200 and set(running(app)) == {(A1, "ledger")}
    # The apply page works for them too.
    assert s_admin.get(f"/presets/{preset['id']}/apply").status_code == 200


def test_preset_pages(app, as_user):
    c = as_user("d_admin")
    r = c.post(
        "/n/110105/presets",
        data={
            "name": "农村社区",
            "description": "村改居",
            "module": ["ledger"],
            "ledger.deadline_days": "15",
            "ledger.mode": "strict",
        },
    )
    assert r.status_code == 302, r.text
    page = c.get("/n/110105/presets").text
    assert "农村社区" in page and "村改居" in page
    with app.app_context():
        preset = db.session.scalar(sa.select(ModulePreset))
        assert preset.modules["ledger"]["deadline_days"] == 15
        preset_id = preset.id
    r = c.post(
        "/n/110105/presets",
        data={"name": "坏方案", "module": ["ledger"], "ledger.deadline_days": "0"},
    )
    assert r.status_code == 422 and "坏方案" in r.text  # what was typed is kept
    r = c.post(f"/presets/{preset_id}/apply", data={"targets": "110105002"})
    assert r.status_code == 302
    assert set(running(app)) == {(B1, "ledger")}
    assert running(app)[(B1, "ledger")]["mode"] == "strict"
    r = c.post(f"/presets/{preset_id}/apply", data={"targets": "999999"})
    assert r.status_code == 422
    assert c.post(f"/presets/{preset_id}/delete").status_code == 302
    assert c.get("/api/v1/nodes/110105/presets").json["items"] == []
    assert "村改居" not in c.get("/n/110105/presets").text


def test_apply_to_ticked_communities_on_the_onboarding_page(app, as_user):
    preset = create(as_user("d_admin")).json
    s_admin = as_user("s_admin")
    page = s_admin.get("/n/110105001/onboarding").text
    assert 'id="apply-preset"' in page and "标准城市社区" in page
    r = s_admin.post(
        "/n/110105001/onboarding", data={"preset": str(preset["id"]), "community": [A2]}
    )
    assert r.status_code == 302
    assert set(running(app)) == {(A2, "ledger")}
    # A community of another street, slipped into the form, is refused; nothing changes.
    r = s_admin.post(
        "/n/110105001/onboarding", data={"preset": str(preset["id"]), "community": [A1, B1]}
    )
    assert set(running(app)) == {(A2, "ledger")}
    s_admin.post("/n/110105001/onboarding", data={"preset": "0", "community": [A1]})
    assert set(running(app)) == {(A2, "ledger")}
    # Without modules.manage there is no form, and posting is forbidden.
    c_admin = as_user("c_admin")
    assert c_admin.get("/n/110105001/onboarding").status_code == 404


def picked(client, preset_id: int, text: str) -> list[str]:
    answer = client.get(f"/presets/{preset_id}/targets", query_string={"q": text})
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json["items"]]


def test_the_apply_pages_picker_finds_places_of_the_preset_where_modules_are_switched(as_user):
    preset_id = create(as_user("d_admin")).json["id"]
    d = as_user("d_admin")
    assert picked(d, preset_id, "社区") == [A1, A2, B1]  # communities only, no buildings
    assert picked(d, preset_id, "110105") == ["110105", "110105001", "110105002", A1, A2, B1]
    assert picked(d, preset_id, "1号楼") == []  # a building is no target
    assert picked(d, preset_id, "") == []
    labels = [i["label"] for i in d.get(f"/presets/{preset_id}/targets?q=吉祥").json["items"]]
    assert labels == [f"吉祥里社区 ({B1}) · 朝外街道"]
    s = as_user("s_admin")  # street A: nothing of street B, nothing above
    assert picked(s, preset_id, "社区") == [A1, A2]
    assert picked(s, preset_id, "朝阳") == []
    # Who may not use the preset at all gets a 404, as for one that does not exist.
    assert as_user("worker").get(f"/presets/{preset_id}/targets?q=社区").status_code == 404
    assert d.get("/presets/999999/targets?q=社区").status_code == 404


def test_the_apply_page_takes_several_picked_places(app, as_user):
    preset_id = create(as_user("d_admin")).json["id"]
    s = as_user("s_admin")
    page = s.get(f"/presets/{preset_id}/apply").text
    assert f'data-url="/presets/{preset_id}/targets"' in page and "data-multiple" in page
    # A place outside the street, slipped in beside a good one: refused, nothing switched on,
    # and the list comes back with the good one named and the other as it was sent.
    r = s.post(f"/presets/{preset_id}/apply", data={"targets": [A1, B1]})
    assert r.status_code == 422 and B1 in r.text
    assert running(app) == {}
    assert f'<input type="hidden" name="targets" value="{A1}"><span>永安里东社区 ({A1})' in r.text
    assert "吉祥里社区" not in r.text  # not named to someone who may not see it
    r = s.post(f"/presets/{preset_id}/apply", data={"targets": [A1, A2]})
    assert r.status_code == 302
    assert set(running(app)) == {(A1, "ledger"), (A2, "ledger")}
    r = s.post(f"/presets/{preset_id}/apply", data={})
    assert r.status_code == 422 and "field-error" in r.text
