"""What ``core.sdk`` gives a small plugin beyond the ledger views: one import for everything,
module settings read from core, "new" forms that start from the schema's defaults and the
ledger's ``new_values``, and unmasked exports that the admins of the place find in their audit
log. The registry plugin (built on the SDK) is the ledger used here."""

from __future__ import annotations

import re
from datetime import date

import pytest

import core.sdk
from core.db import db
from core.records.ledger import Ledger, _new_values
from plugins.registry.models import RegistryResident
from plugins.registry.schemas import ResidentSchema
from tests.plugins.registry.conftest import make_code, make_id

A1 = "110105001001"


@pytest.fixture
def enable(app, world):
    from tenants import modules

    def switch(module: str, ref: str = A1) -> None:
        with app.app_context():
            modules.enable(db.session, world.node(ref), module)
            db.session.commit()

    return switch


def test_the_sdk_exports_what_it_lists():
    missing = [name for name in core.sdk.__all__ if not hasattr(core.sdk, name)]
    assert missing == []
    for name in ("db", "today", "now", "can", "module_settings", "node_refs", "NodeRef"):
        assert name in core.sdk.__all__


def test_module_settings_come_from_core_with_the_plugins_defaults(app, world, enable):
    from tenants import modules

    enable("ledger")
    with app.app_context():
        community = world.node(A1)
        assert core.sdk.module_settings(db.session, community.id, "ledger") == {
            "deadline_days": 30,
            "mode": "simple",
            "notify": False,
        }
        modules.update_settings(db.session, community, "ledger", {"deadline_days": 60})
        db.session.commit()
        assert core.sdk.module_settings(db.session, community.id, "ledger")["deadline_days"] == 60
    assert modules.module_settings is core.sdk.module_settings  # one reader, not two


def test_a_new_form_starts_from_the_schemas_defaults(as_user, enable):
    enable("registry")
    form = as_user("worker").get(f"/c/{A1}/registry/residents/new").text
    # ResidentSchema.status has load_default="registered": that choice is taken already.
    assert re.search(r'<option value="registered"[^>]* selected|value="registered" checked', form)


def test_new_values_fill_in_what_is_known_at_run_time(app):
    ledger = Ledger(
        module="registry",
        name="resident",
        plural="residents",
        model=RegistryResident,
        schema=ResidentSchema,
        title="Residents",
        label="Resident",
        view="registry.view",
        edit="registry.edit",
        new_values=lambda: {"arrived_on": date(2026, 3, 1), "name": "王"},
    )
    with app.test_request_context():
        values = _new_values(ledger)
    assert values["status"] == "registered"  # the schema's default
    assert values["arrived_on"] == "2026-03-01"  # as the date input holds it
    assert values["name"] == "王"


def test_an_unmasked_export_is_in_the_audit_log_of_the_place(as_user, enable):
    """Regression: the entry was written without a node, so no admin's audit log showed it."""
    enable("registry")
    c_admin = as_user("c_admin")
    created = c_admin.post(
        f"/api/v1/c/{A1}/registry/residents",
        json={"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124)},
    )
    assert created.status_code == 201, created.json
    assert c_admin.get(f"/n/{A1}/exports/registry.residents.xlsx?unmask=1").status_code == 200
    for admin in ("d_admin", "s_admin", "c_admin"):
        entries = as_user(admin).get("/api/v1/audit").json["items"]
        unmasked = [e for e in entries if e["action"] == "registry.export.unmasked"]
        assert [e["username"] for e in unmasked] == ["c_admin"], admin


def test_a_records_own_json_adds_what_its_list_rows_leave_out(app, as_user, enable):
    from dataclasses import replace

    from plugins.registry.ledgers import residents

    enable("registry")
    created = as_user("worker").post(
        f"/api/v1/c/{A1}/registry/residents",
        json={"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124)},
    )
    assert created.status_code == 201, created.json
    ledger = replace(residents, dump_detail=lambda obj, data: data.update(visits=[obj.id]))
    with app.test_request_context():
        obj = db.session.get(RegistryResident, created.json["id"])
        assert ledger.dump_one(obj)["visits"] == [obj.id]
        assert "visits" not in ledger.dump(obj)


def test_a_ledger_may_name_its_history_steps_as_the_audit_log_does():
    from dataclasses import replace

    from plugins.registry.ledgers import residents

    assert residents.history_action("update") == "update"
    qualified = replace(residents, qualified_actions=True)
    assert qualified.history_action("update") == "registry.resident.update"


def test_a_ledger_whose_query_joins_the_tree_exports(as_user, enable):
    """Regression: the households' own join of the tree made the export's join ambiguous."""
    enable("registry")
    worker = as_user("worker")
    made = worker.post(
        f"/api/v1/c/{A1}/registry/households",
        json={"building": "1号楼", "room": "101", "head_name": "王秀兰"},
    )
    assert made.status_code == 201, made.json
    export = worker.get(f"/n/{A1}/exports/registry.households.csv")
    assert export.status_code == 200 and "王秀兰" in export.data.decode("utf-8-sig")


def test_an_export_may_carry_a_row_per_part_of_a_record(app, world, as_user, enable):
    from dataclasses import replace

    from flask import g

    from plugins.registry.ledgers import households, residents

    enable("registry")
    worker = as_user("worker")
    base = f"/api/v1/c/{A1}/registry"
    for room in ("101", "102"):
        made = worker.post(
            f"{base}/households", json={"building": "1号楼", "room": room, "head_name": "王秀兰"}
        )
        assert made.status_code == 201, made.json
    for sequence in (124, 131):
        member = {"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), sequence)}
        joined = worker.post(f"{base}/residents", json={**member, "household_id": made.json["id"]})
        assert joined.status_code == 201, joined.json
    ledger = replace(households, export_parts=(residents, lambda h: h.members))
    keys = [c.key for c in ledger.export_spec().columns]
    assert keys.count("notes") == 1 and "id_number" in keys and "room" in keys
    with app.test_request_context():
        community = g.community = world.node(A1)
        rows = list(ledger.export_rows(db.session, lambda m: m.community_id == community.id, {}))
    by_room = sorted((row["room"], row.get("id_number")) for row in rows)
    assert [room for room, _id in by_room] == ["101", "102", "102"]
    assert by_room[0][1] is None and "*" in by_room[1][1]  # a part's S2 stays masked


def test_an_export_may_file_its_rows_unlike_the_list(app, world, as_user, enable):
    from dataclasses import replace

    from flask import g

    from plugins.registry.ledgers import residents

    enable("registry")
    worker = as_user("worker")
    for name, sequence in (("李建国", 131), ("王秀兰", 124)):  # the list: by name
        made = worker.post(
            f"/api/v1/c/{A1}/registry/residents",
            json={"name": name, "id_number": make_id(date(1950, 5, 4), sequence)},
        )
        assert made.status_code == 201, made.json
    newest_first = replace(residents, export_order=lambda: [RegistryResident.id.desc()])
    with app.test_request_context():
        community = g.community = world.node(A1)
        where = lambda m: m.community_id == community.id  # noqa: E731
        assert [r["name"] for r in residents.export_rows(db.session, where, {})] == [
            "李建国",
            "王秀兰",
        ]
        assert [r["name"] for r in newest_first.export_rows(db.session, where, {})] == [
            "王秀兰",
            "李建国",
        ]


def test_a_field_another_field_shows_stays_in_the_form_and_ids_read_as_their_choice():
    import marshmallow as ma

    from core.records.fields import describe, display

    class Model:
        pass

    class CaseSchema(ma.Schema):
        enterprise_id = describe(
            ma.fields.Integer(), label="Enterprise", choices={7: "瑞丰燃气"}, shown=False
        )
        enterprise = describe(ma.fields.String(dump_only=True), label="Enterprise")

    ledger = Ledger(
        module="t",
        name="case",
        model=Model,
        schema=CaseSchema,
        title="Cases",
        label="Case",
        view="t.view",
        edit="t.edit",
    )
    assert [name for name, _f in ledger.shown_fields()] == ["enterprise"]
    assert [c.key for c, _f in ledger.export_columns()] == ["community", "enterprise"]
    assert [name for name, _f in ledger.form_fields(editing=False)] == ["enterprise_id"]
    chosen = CaseSchema().fields["enterprise_id"]
    assert display(chosen, 7) == "瑞丰燃气" and display(chosen, 8) == "8"


def test_records_of_a_ledger_show_as_a_table_on_another_page(app, world, as_user, enable):
    """``records/_related.html``: another ledger's records with its list columns, each linked."""
    import sqlalchemy as sa
    from flask import g, render_template_string

    from plugins.registry.ledgers import units
    from plugins.registry.models import RegistryUnit
    from tests.plugins.registry.conftest import make_code

    enable("registry")
    body = {
        "name": "朝阳燃气站",
        "credit_code": make_code("MA01GAX01"),
        "contact_phone": "13812345678",
    }
    assert as_user("worker").post(f"/api/v1/c/{A1}/registry/units", json=body).status_code == 201
    template = '{% from "records/_related.html" import related %}{{ related(ledger, items) }}'
    with app.test_request_context():
        g.place = world.node(A1)
        items = db.session.scalars(sa.select(RegistryUnit)).all()
        html = render_template_string(template, ledger=units, items=items)
        empty = render_template_string(template, ledger=units, items=[])
    unit_id = items[0].id
    assert f'<a href="/c/{A1}/registry/units/{unit_id}">朝阳燃气站</a>' in html
    assert "138****5678" in html and "13812345678" not in html  # masked, as in the list
    assert 'class="muted empty"' in empty


def test_a_records_history_keeps_its_facts_not_its_timestamps(as_user, enable):
    """The first history entry listed created_at, unlabelled, among what was registered."""
    enable("registry")
    worker = as_user("worker")
    body = {"name": "朝阳燃气站", "credit_code": make_code("MA01GAX02")}
    unit = worker.post(f"/api/v1/c/{A1}/registry/units", json=body).json
    (created,) = worker.get(f"/api/v1/c/{A1}/registry/units/{unit['id']}/history").json["items"]
    assert "name" in created["changes"] and "created_at" not in created["changes"]
