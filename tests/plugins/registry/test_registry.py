"""The registry plugin end to end: records, history, masking, lifecycle, scope, imports, exports."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from openpyxl import load_workbook

import plugins.registry
from core.db import db
from core.models import AuditLog
from core.records.history import RecordChange
from core.testing import catalogue_gaps, schema_differences
from plugins.registry.models import (
    RegistryHousehold,
    RegistryResident,
    RegistryUnit,
)

from .conftest import A1, A2, B1, STREET_A, api, make_code, make_id, page


def today() -> date:
    """Today where the platform counts days (JIEDAO_TIMEZONE, Asia/Shanghai by default)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


WANG = {"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124), "mobile": "13812345678"}


def create(client, data=None, ref=A1, plural="residents"):
    return client.post(f"{api(ref)}/{plural}", json=data or WANG)


def test_the_plugin_is_active_and_its_migration_matches_its_models(app, database_url):
    info = app.extensions["jiedao.plugins"].plugins["registry"]
    assert info.status == "active", info.reason
    assert schema_differences(database_url, "registry_") == []


def test_every_message_is_translated():
    folder = Path(plugins.registry.__file__).parent
    assert catalogue_gaps(folder, "zh_Hans_CN") == []
    assert catalogue_gaps(folder, "en") == []


def test_a_resident_is_registered_with_birth_date_and_gender_from_the_id(as_user, enable):
    enable()
    worker = as_user("worker")
    r = create(worker, {**WANG, "tags": ["空巢老人", "退役军人"]})
    assert r.status_code == 201, r.json
    body = r.json
    # Beside the masked ID, the birth date shows only its year (its eight digits are the
    # hidden ones); the gender is not among them.
    assert body["birth_date"] == "1950" and body["gender"] == "F"
    assert body["id_number"] == WANG["id_number"][:6] + "********" + WANG["id_number"][-4:]
    assert body["mobile"] == "138****5678" and body["masked"] is True
    assert sorted(body["tags"]) == ["empty_nest", "veteran"]
    listed = worker.get(f"{api()}/residents?q=王").json
    assert [i["name"] for i in listed["items"]] == ["王秀兰"]
    assert worker.get(f"{api()}/residents?q={WANG['id_number'][-4:]}").json["total"] == 1
    assert worker.get(f"{api()}/residents?q=李").json["total"] == 0
    assert worker.get(f"{api()}/residents?tag=empty_nest").json["total"] == 1
    assert worker.get(f"{api()}/residents?tag=veteran").json["total"] == 1
    assert worker.get(f"{api()}/residents?tag=living_alone").json["total"] == 0
    html = worker.get(f"{page()}/").text
    assert "王秀兰" in html and WANG["id_number"] not in html and "138****5678" in html


def test_bad_input_is_refused_field_by_field_in_chinese_and_english(as_user, enable, count):
    enable()
    worker = as_user("worker")
    bad = {"name": " ", "id_number": "110105194912310021", "mobile": "1381234"}
    r = create(worker, bad)
    assert r.status_code == 422
    fields = r.json["error"]["fields"]
    assert set(fields) == {"name", "id_number", "mobile"}
    assert "校验码" in fields["id_number"][0]
    assert "11 位" in fields["mobile"][0]
    r = create(worker, {**WANG, "id_number": "110105194902300021"})
    assert "不是有效日期" in r.json["error"]["fields"]["id_number"][0]
    r = create(worker, {**WANG, "gender": "M"})
    assert r.status_code == 422 and r.json["error"]["fields"]["gender"]
    worker.post("/locale", data={"locale": "en"})
    r = create(worker, {**WANG, "id_number": "1101051949"})
    assert r.json["error"]["fields"]["id_number"] == [
        "A resident ID has 18 characters; this one has 10."
    ]
    unit = create(worker, {"name": "某公司", "credit_code": "91350100M000100Y44"}, plural="units")
    assert unit.status_code == 422
    assert unit.json["error"]["fields"]["credit_code"] == [
        "The check character of the unified social credit code is wrong."
    ]
    assert count(RegistryResident) == 0 and count(RegistryUnit) == 0


def test_an_id_is_registered_once_per_community(as_user, enable, count):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    assert create(s_admin).status_code == 201
    again = create(s_admin, {**WANG, "name": "王秀英"})
    assert again.status_code == 409
    assert "已在永安里东社区登记" in again.json["error"]["fields"]["id_number"][0]
    # Another community keeps its own register: live here too only once confirmed (人户分离).
    elsewhere = create(s_admin, ref=A2)
    assert elsewhere.status_code == 409 and elsewhere.json["error"]["duplicates"]
    assert create(s_admin, {**WANG, "confirm_duplicate": True}, ref=A2).status_code == 201
    assert count(RegistryResident) == 2
    code = make_code()
    assert (
        create(s_admin, {"name": "甲公司", "credit_code": code}, plural="units").status_code == 201
    )
    dup = create(s_admin, {"name": "乙公司", "credit_code": code}, plural="units")
    assert dup.status_code == 409 and dup.json["error"]["fields"]["credit_code"]


def test_a_household_must_be_in_a_building_of_its_community(as_user, enable, count, world, app):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    house = {"building": "110105001002-bb01", "room": "301", "head_name": "张伟"}  # A2's building
    r = create(s_admin, house, plural="households")
    assert r.status_code == 422
    assert r.json["error"]["fields"]["building"] == ["楼栋110105001002-bb01不属于永安里东社区。"]
    assert count(RegistryHousehold) == 0
    ok = create(s_admin, {**house, "building": "1号楼", "entrance": "2"}, plural="households")
    assert ok.status_code == 201, ok.json
    assert ok.json["address"] == "1号楼2单元301室" and ok.json["node"] == "110105001001-bb01"
    member = create(s_admin, {**WANG, "household_id": ok.json["id"], "relation": "户主"})
    assert member.status_code == 201 and member.json["relation"] == "head"
    assert member.json["node"] == "110105001001-bb01"  # lives in the household's building
    # A household of A1 cannot take members registered in A2.
    other = create(s_admin, {**WANG, "household_id": ok.json["id"]}, ref=A2)
    assert other.status_code == 422 and other.json["error"]["fields"]["household_id"]
    detail = s_admin.get(f"{page()}/households/{ok.json['id']}").text
    assert "王秀兰" in detail


def test_the_floating_population_lifecycle(as_user, enable, app):
    enable()
    worker = as_user("worker")
    arrived = today() - timedelta(days=30)
    r = create(worker, {**WANG, "status": "floating", "arrived_on": arrived.isoformat()})
    assert r.status_code == 201 and r.json["status"] == "floating"
    rid = r.json["id"]
    url = f"{api()}/residents/{rid}"
    early = worker.post(f"{url}/manage", json={"on": (arrived - timedelta(days=1)).isoformat()})
    assert early.status_code == 422 and early.json["error"]["fields"]["managed_on"]
    managed = worker.post(f"{url}/manage", json={"on": (arrived + timedelta(days=2)).isoformat()})
    assert managed.status_code == 200 and managed.json["managed_on"]
    assert worker.post(f"{url}/manage", json={"on": today().isoformat()}).status_code == 409
    assert worker.get(f"{api()}/residents?status=floating").json["total"] == 1
    gone = worker.post(f"{url}/move-out", json={"on": today().isoformat()})
    assert gone.status_code == 200
    assert gone.json["status"] == "moved_out" and gone.json["departed_on"] == today().isoformat()
    twice = worker.post(f"{url}/move-out", json={"on": today().isoformat()})
    assert twice.status_code == 409
    assert "已注销" in twice.json["error"]["message"] or "已" in twice.json["error"]["message"]
    history = worker.get(f"{url}/history").json["items"]
    assert [h["action"] for h in history] == ["move_out", "manage", "create"]
    assert history[0]["changes"]["status"] == ["floating", "moved_out"]
    future = create(
        worker,
        {
            **WANG,
            "id_number": make_id(sequence=7),
            "arrived_on": "2999-01-01",
            "status": "floating",
        },
    )
    assert future.status_code == 422 and future.json["error"]["fields"]["arrived_on"]


def test_every_edit_is_kept_with_who_when_and_old_and_new_values(as_user, enable, app):
    enable()
    worker = as_user("worker")
    rid = create(worker).json["id"]
    url = f"{api()}/residents/{rid}"
    assert worker.patch(url, json={"name": "王秀英"}).status_code == 200
    assert worker.patch(url, json={"mobile": "13900001111", "tags": ["veteran"]}).status_code == 200
    assert worker.patch(url, json={"mobile": "139"}).status_code == 422  # nothing changes
    history = worker.get(f"{url}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "update", "create"]
    assert history[1]["changes"] == {"name": ["王秀兰", "王秀英"]}
    assert history[0]["changes"]["mobile"] == ["138****5678", "139****1111"]  # masked for workers
    assert history[0]["changes"]["tags"] == [[], ["veteran"]]
    assert {h["username"] for h in history} == {"worker"}
    with app.app_context():
        # History never keeps an S2 value in clear (shared/programs/README.md): masked as shown.
        stored = db.session.scalars(
            sa.select(RecordChange).where(
                RecordChange.object_type == "registry.resident", RecordChange.object_id == rid
            )
        ).all()
        assert any(
            c.changes and c.changes.get("mobile") == ["138****5678", "139****1111"] for c in stored
        )
        assert not any("13900001111" in str(c.changes) for c in stored)
    html = worker.get(f"{page()}/residents/{rid}").text
    assert 'data-registry="timeline"' in html and "王秀兰 → 王秀英" in html
    assert "13900001111" not in html


def test_ids_are_masked_without_the_permission_and_unmasking_is_audited(as_user, enable, app):
    enable()
    worker, c_admin = as_user("worker"), as_user("c_admin")
    rid = create(worker).json["id"]
    url = f"{page()}/residents/{rid}"
    assert WANG["id_number"] not in worker.get(url).text
    assert worker.get(f"{url}?unmask=1").status_code == 403
    assert worker.get(f"{api()}/residents/{rid}?unmask=1").status_code == 403
    shown = c_admin.get(url).text
    assert WANG["id_number"] not in shown and "data-unmask" in shown  # masked until asked
    assert WANG["id_number"] in c_admin.get(f"{url}?unmask=1").text
    body = c_admin.get(f"{api()}/residents/{rid}?unmask=1").json
    assert body["id_number"] == WANG["id_number"] and body["mobile"] == WANG["mobile"]
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "registry.resident.unmask")
        ).all()
        assert [e.username for e in entries] == ["c_admin", "c_admin"]
        assert all(e.object_id == str(rid) for e in entries)


def test_exports_apply_scope_filters_and_masking(as_user, enable, app):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    create(s_admin)
    create(s_admin, {"name": "李强", "id_number": make_id(sequence=11)}, ref=A2)
    worker = as_user("worker")  # only A1

    def rows(client, ref, query=""):
        r = client.get(f"/n/{ref}/exports/registry.residents.xlsx{query}")
        assert r.status_code == 200, r.text[:300]
        sheet = load_workbook(io.BytesIO(r.data)).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    table = rows(worker, A1, "?unmask=1")
    assert table[0][:4] == ["社区", "姓名", "性别", "身份证号"]
    assert [r[1] for r in table[1:]] == ["王秀兰"] and table[1][3].startswith("110105****")
    assert worker.get(f"/n/{A2}/exports/registry.residents.xlsx").status_code == 404
    assert [r[1] for r in rows(s_admin, STREET_A, "?q=李")[1:]] == ["李强"]
    unmasked = rows(s_admin, STREET_A, "?unmask=1")
    assert {r[3] for r in unmasked[1:]} == {WANG["id_number"], make_id(sequence=11)}
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditLog.username).where(AuditLog.action == "registry.export.unmasked")
        ).all()
    assert actions == ["s_admin"]  # the worker's request was not unmasked, so not logged as such


def test_imports_check_every_row_and_write_all_or_nothing(as_user, enable, count):
    enable()
    worker = as_user("worker")
    good = f"姓名,身份证号,手机号码,户籍状态,标签\n王秀兰,{WANG['id_number']},13812345678,户籍居民,退役军人\n"
    second = f"李强,{make_id(sequence=11)},,流动人口,\n"
    bad_row = "赵六,110105194912310021,123,户籍居民,\n"

    def upload(text, encoding="utf-8", query=""):
        data = {"file": (io.BytesIO(text.encode(encoding)), "居民.csv")}
        return worker.post(
            f"/api/v1/nodes/{A1}/imports/registry.residents{query}",
            data=data,
            content_type="multipart/form-data",
        )

    r = upload(good + second + bad_row, "gbk")
    assert r.status_code == 422
    problems = {(p["row"], p["column"]) for p in r.json["error"]["rows"]}
    assert problems == {(4, "身份证号"), (4, "手机号码")}
    assert count(RegistryResident) == 0
    # A duplicate inside the file is found while saving: still nothing is written.
    r = upload(good + second + f"王二,{WANG['id_number']},,户籍居民,\n")
    assert r.status_code == 409 and "第4行" in r.json["error"]["message"]
    r = upload(
        good
        + second
        + f"王二,{WANG['id_number']},,户籍居民,\n"
        + f"李三,{make_id(sequence=11)},,,\n"
    )
    assert r.status_code == 409 and r.json["error"]["message"].startswith("2行未通过")
    assert [m[:3] for m in r.json["error"]["fields"]["id_number"]] == ["第4行", "第5行"]
    assert count(RegistryResident) == 0 and count(RecordChange) == 0
    dry = upload(good + second, "gbk", "?dry_run=1")
    assert dry.status_code == 200 and dry.json == {"dry_run": True, "rows": 2}
    assert count(RegistryResident) == 0
    done = upload(good + second, "gbk")
    assert done.status_code == 200 and done.json == {"created": 2}
    listed = worker.get(f"{api()}/residents?status=floating").json["items"]
    assert [i["name"] for i in listed] == ["李强"]
    assert worker.get(f"{api()}/residents?tag=veteran").json["total"] == 1


def test_an_import_names_the_resident_who_holds_an_id_already(as_user, enable, count):
    """The batch finds no lookup of its own IDs; the database's unique index refuses the batch,
    and the row written on its own names the record that holds the ID, as before."""
    enable()
    worker = as_user("worker")
    assert create(worker).status_code == 201
    text = f"姓名,身份证号\n李强,{make_id(sequence=11)}\n王二,{WANG['id_number']}\n"
    r = worker.post(
        f"/api/v1/nodes/{A1}/imports/registry.residents",
        data={"file": (io.BytesIO(text.encode()), "居民.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 409
    [refusal] = r.json["error"]["rows"]
    assert (refusal["row"], refusal["column"]) == (3, "身份证号")
    assert "已在永安里东社区登记" in refusal["reason"] and "王秀兰" in refusal["reason"]
    assert count(RegistryResident) == 1


def test_an_import_of_several_batches_keeps_every_history_or_writes_nothing(
    app, as_user, enable, count, monkeypatch
):
    from core.exchange import importing

    monkeypatch.setattr(importing, "BATCH_ROWS", 20)  # 70 rows: four batches
    enable()
    worker = as_user("worker")
    people = [
        (f"居民{i}", make_id(born=date(1960 + i % 40, 1, 1 + i % 28), sequence=i))
        for i in range(70)
    ]

    def upload(rows):
        text = "姓名,身份证号,手机号码,户籍状态\n" + "".join(
            f"{name},{number},{mobile},户籍居民\n" for name, number, mobile in rows
        )
        data = {"file": (io.BytesIO(text.encode()), "居民.csv")}
        return worker.post(
            f"/api/v1/nodes/{A1}/imports/registry.residents",
            data=data,
            content_type="multipart/form-data",
        )

    rows = [(name, number, "13812345678") for name, number in people]
    bad = [*rows[:65], (rows[65][0], rows[65][1], "123"), *rows[66:]]  # row 67, the last batch
    r = upload(bad)
    assert r.status_code == 422
    assert [(p["row"], p["column"]) for p in r.json["error"]["rows"]] == [(67, "手机号码")]
    again = [*rows[:60], (rows[60][0], rows[3][1], "13812345678"), *rows[61:]]  # row 62
    r = upload(again)
    assert r.status_code == 409
    assert [(p["row"], p["column"]) for p in r.json["error"]["rows"]] == [(62, "身份证号")]
    assert count(RegistryResident) == count(RecordChange) == 0
    assert count(AuditLog, AuditLog.action == "registry.resident.create") == 0
    r = upload(rows)
    assert r.status_code == 200 and r.json == {"created": 70}
    with app.app_context():
        made = {r.id: r for r in db.session.scalars(sa.select(RegistryResident))}
        assert sorted(r.id_number for r in made.values()) == sorted(n for _name, n in people)
        entries = db.session.scalars(
            sa.select(RecordChange).where(RecordChange.object_type == "registry.resident")
        ).all()
        assert sorted(e.object_id for e in entries) == sorted(made)  # one entry each
        for entry in entries:
            resident = made[entry.object_id]
            assert entry.action == "create" and entry.changes["name"] == [None, resident.name]
            assert entry.changes["id_number"][1] != resident.id_number  # masked (S2)
            assert entry.community_id == resident.community_id
        logged = db.session.scalars(
            sa.select(AuditLog.object_id).where(AuditLog.action == "registry.resident.create")
        ).all()
        assert sorted(int(i) for i in logged) == sorted(made)


def test_a_worker_of_one_community_sees_nothing_of_another(as_user, enable):
    enable(A1, A2, B1)
    s_admin, d_admin = as_user("s_admin"), as_user("d_admin")
    b1 = create(d_admin, {**WANG, "name": "吉祥"}, ref=B1).json["id"]
    a2 = create(s_admin, {**WANG, "name": "建国"}, ref=A2).json["id"]
    worker = as_user("worker")
    for ref, rid in ((B1, b1), (A2, a2)):
        assert worker.get(f"{page(ref)}/").status_code == 404
        assert worker.get(f"{page(ref)}/residents/{rid}").status_code == 404
        assert worker.get(f"{api(ref)}/residents").status_code == 404
        assert worker.get(f"{api(ref)}/residents/{rid}").status_code == 404
        assert create(worker, ref=ref).status_code == 404
        # …nor through their own community's URL
        assert worker.get(f"{api()}/residents/{rid}").status_code == 404
        assert worker.patch(f"{api()}/residents/{rid}", json={"name": "x"}).status_code == 404
    assert worker.get(f"{api()}/picker/residents?q=吉").json["items"] == []
    assert worker.get(f"/api/v1/r/{STREET_A}/registry/residents").status_code == 404
    street = s_admin.get(f"/api/v1/r/{STREET_A}/registry/residents").json
    assert [i["name"] for i in street["items"]] == ["建国"]  # not B1's resident
    assert s_admin.get("/api/v1/r/110105002/registry/residents").status_code == 404
    assert as_user("leader").get(f"{page()}/").status_code == 404  # no registry permission
    inspector = as_user("inspector")  # reads everywhere, writes nowhere
    assert inspector.get(f"{page(B1)}/residents/{b1}").status_code == 200
    assert create(inspector, ref=B1).status_code == 403
    assert inspector.get(f"{page(B1)}/residents/new").status_code == 403
    record = f"{api(B1)}/residents/{b1}"
    assert inspector.patch(record, json={"name": "x"}).status_code == 403
    assert inspector.delete(record).status_code == 403
    assert inspector.post(f"{record}/move-out", json={"on": "2026-01-01"}).status_code == 403
    assert inspector.post(f"{record}/restore").status_code == 403
    assert inspector.get(f"{record}?unmask=1").status_code == 403
    assert inspector.post(f"{page(B1)}/residents/{b1}/delete").status_code == 403


def test_where_the_module_is_off_its_pages_refuse(as_user, enable):
    enable(A1)
    s_admin = as_user("s_admin")
    assert s_admin.get(f"{page(A1)}/").status_code == 200
    off = s_admin.get(f"{api(A2)}/residents")
    assert off.status_code == 404 and "未启用" in off.json["error"]["message"]
    assert s_admin.get(f"{page(A2)}/units").status_code == 404
    assert create(s_admin, ref=A2).status_code == 404


def test_deletion_is_soft_and_an_admin_restores(as_user, enable, count):
    enable()
    worker, c_admin = as_user("worker"), as_user("c_admin")
    rid = create(worker).json["id"]
    assert worker.delete(f"{api()}/residents/{rid}").status_code == 204
    assert count(RegistryResident) == 1  # still there
    assert worker.get(f"{api()}/residents").json["total"] == 0
    assert worker.get(f"{api()}/residents/{rid}").status_code == 404
    assert worker.get(f"{api()}/residents?deleted=1").status_code == 403
    assert worker.post(f"{api()}/residents/{rid}/restore").status_code == 403
    # The ID is free again while the record is deleted; restoring then would duplicate it.
    assert create(worker).status_code == 201
    assert c_admin.post(f"{api()}/residents/{rid}/restore").status_code == 409
    other = worker.get(f"{api()}/residents").json["items"][0]["id"]
    assert worker.delete(f"{api()}/residents/{other}").status_code == 204
    assert c_admin.get(f"{api()}/residents?deleted=1").json["total"] == 2
    restored = c_admin.post(f"{api()}/residents/{rid}/restore")
    assert restored.status_code == 200 and restored.json["deleted"] is False
    assert worker.get(f"{api()}/residents").json["total"] == 1
    actions = [h["action"] for h in worker.get(f"{api()}/residents/{rid}/history").json["items"]]
    assert actions == ["restore", "delete", "create"]


def test_forms_show_field_errors_and_save(as_user, enable):
    enable()
    worker = as_user("worker")
    form = worker.post(
        f"{page()}/residents/new",
        data={"name": "刘芳", "id_number": "110105198503071239", "status": "registered"},
    )
    assert form.status_code == 422 and "校验码" in form.text and 'value="刘芳"' in form.text
    ok = worker.post(
        f"{page()}/residents/new",
        data={
            "name": "刘芳",
            "id_number": make_id(sequence=124),
            "status": "floating",
            "tags": ["veteran"],
        },
    )
    assert ok.status_code == 302
    detail = worker.get(ok.headers["Location"]).text
    assert "流动人口" in detail and "退役军人" in detail
    rid = int(ok.headers["Location"].rstrip("/").split("/")[-1])
    arrived = worker.get(f"{api()}/residents/{rid}").json["arrived_on"]
    assert arrived == today().isoformat()  # a floating resident's registration day
    edit = worker.post(
        f"{page()}/residents/{rid}/edit",
        data={"name": "刘芳芳", "id_number": make_id(sequence=124)},
    )
    assert edit.status_code == 302
    after = worker.get(f"{api()}/residents/{rid}").json
    assert after["arrived_on"] == arrived and after["tags"] == []  # box unticked: tag removed
    assert "刘芳 → 刘芳芳" in worker.get(f"{page()}/residents/{rid}").text
    moved = worker.post(f"{page()}/residents/{rid}/move-out", data={"on": today().isoformat()})
    assert moved.status_code == 302
    again = worker.post(
        f"{page()}/residents/{rid}/move-out",
        data={"on": today().isoformat()},
        follow_redirects=True,
    )
    assert "已迁出" in again.text
    unit = worker.post(
        f"{page()}/units/new",
        data={
            "name": "永安便利店",
            "credit_code": make_code(),
            "kind": "shop",
            "size_class": "below",
            "building": "110105001001-bb01",
            "contact_phone": "13800001111",
        },
    )
    assert unit.status_code == 302, unit.text
    assert "永安便利店" in worker.get(f"{page()}/units?kind=shop").text
    house = worker.post(
        f"{page()}/households/new",
        data={
            "building": "110105001001-bb02",
            "room": "101",
            "head_name": "周杰",
            "tenure": "rented",
        },
    )
    assert house.status_code == 302
    assert "2号楼101室" in worker.get(f"{page()}/households").text


def test_indicators_and_the_street_summary(as_user, enable):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    create(s_admin, WANG)  # born 1950: in the 老年 band, no tag needed
    create(
        s_admin, {"name": "李强", "id_number": make_id(sequence=11), "status": "floating"}, ref=A2
    )
    create(s_admin, {"name": "某店", "credit_code": make_code(), "kind": "shop"}, plural="units")
    year = today().year
    items = s_admin.get(f"/api/v1/nodes/{STREET_A}/indicators?year={year}").json["items"]
    values = {i["name"]: i["value"] for i in items if i["module"] == "registry"}
    assert values["registry.residents"] == 2 and values["registry.floating"] == 1
    assert values["registry.units"] == 1 and values["registry.units.shop"] == 1
    assert values["registry.band.elderly"] == 1 and values["registry.households"] == 0
    summary = s_admin.get(f"/api/v1/r/{STREET_A}/registry/summary").json
    assert summary["residents"] == 2
    assert [(i["community"], i["floating"]) for i in summary["items"]] == [(A1, 0), (A2, 1)]
    assert "永安里东社区" in s_admin.get(f"/r/{STREET_A}/registry/").text


def test_other_plugins_search_and_pick_through_the_services(as_user, enable, app, world):
    from core.permissions import load_scope
    from plugins.registry import services, tags

    enable(A1, A2)
    s_admin = as_user("s_admin")
    rid = create(s_admin).json["id"]
    create(s_admin, {"name": "王磊", "id_number": make_id(sequence=31)}, ref=A2)
    picked = s_admin.get(f"{api()}/picker/residents?q=王").json["items"]
    assert [(i["id"], i["name"]) for i in picked] == [(rid, "王秀兰")]
    assert "********" in picked[0]["label"]
    with app.test_request_context():
        worker_scope = load_scope(db.session, world.user("worker").id)
        street_scope = load_scope(db.session, world.user("s_admin").id)
        assert [r.name for r in services.search_residents(db.session, worker_scope, "王")] == [
            "王秀兰"
        ]
        assert sorted(
            r.name for r in services.search_residents(db.session, street_scope, "王")
        ) == [
            "王磊",
            "王秀兰",
        ]
        tail = make_id(sequence=31)[-6:]
        assert [r.name for r in services.search_residents(db.session, street_scope, tail)] == [
            "王磊"
        ]
        assert services.get_resident(db.session, worker_scope, rid).name == "王秀兰"
        other = services.search_residents(db.session, street_scope, "王磊")[0].id
        assert services.get_resident(db.session, worker_scope, other) is None
        assert services.get_resident(db.session, street_scope, other, world.node(A1)) is None
        assert "veteran" in tags.declared_tags()


def test_demo_data_is_valid_deterministic_and_idempotent(app, world):
    from plugins.registry import demo
    from plugins.registry.validators import check_credit_code, check_resident_id

    def snapshot():
        with app.app_context():
            return db.session.execute(
                sa.select(RegistryResident.name, RegistryResident.id_number).order_by(
                    RegistryResident.id
                )
            ).all()

    with app.test_request_context():
        demo.seed(db.session, {})
        db.session.commit()
    first = snapshot()
    assert len(first) > 20
    with app.test_request_context():
        demo.seed(db.session, {})  # a second run adds nothing
        db.session.commit()
        # a newborn not yet registered (落户) has no ID, only a birth certificate number
        assert all(n is None or check_resident_id(n) is None for _name, n in first)
        codes = db.session.scalars(sa.select(RegistryUnit.credit_code)).all()
        assert codes and all(check_credit_code(c) is None for c in codes)
    assert snapshot() == first


def test_units_and_households_import_from_xlsx_all_or_nothing(as_user, enable, count):
    from openpyxl import Workbook

    enable(A1, A2)
    worker = as_user("worker")

    def xlsx(rows):
        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def upload(name, rows, query=""):
        return worker.post(
            f"/api/v1/nodes/{A1}/imports/{name}{query}",
            data={"file": (io.BytesIO(xlsx(rows)), "import.xlsx")},
            content_type="multipart/form-data",
        )

    header = ["单位名称", "统一社会信用代码", "单位类型", "规模", "从业人数"]
    good = ["永安便利店", make_code("MA0000001"), "商铺", "规下", 5]
    wrong = ["某公司", "91350100M000100Y44", "企业", "规上", 20]
    r = upload("registry.units", [header, good, wrong])
    assert r.status_code == 422
    assert [(p["row"], p["column"]) for p in r.json["error"]["rows"]] == [(3, "统一社会信用代码")]
    assert count(RegistryUnit) == 0
    assert upload("registry.units", [header, good]).json == {"created": 1}
    assert worker.get(f"{api()}/units?kind=shop").json["items"][0]["headcount"] == 5

    header = ["楼栋", "单元", "门牌号", "户主", "住房性质"]
    ours = ["1号楼", "1", "101", "张伟", "自有住房"]
    theirs = ["110105001002-bb01", "1", "102", "李娜", "租住"]  # a building of 建国里社区
    r = upload("registry.households", [header, ours, theirs])
    assert r.status_code == 422 and "第3行" in r.json["error"]["message"]
    assert count(RegistryHousehold) == 0
    assert upload("registry.households", [header, ours]).json == {"created": 1}


def test_the_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/api/v1/c/{community}/registry/residents" in paths
    assert "post" in paths["/api/v1/c/{community}/registry/residents"]
    assert "/api/v1/c/{community}/registry/{plural}/{record_id}/history" in paths
    assert "/api/v1/r/{node}/registry/summary" in paths


def test_the_picker_macro_points_at_the_search_endpoint(app, world):
    from flask import render_template_string

    from core.forms import empty_form

    template = (
        '{% from "registry/_picker.html" import registry_picker %}'
        '{{ registry_picker(form, "resident_id", "居民", community="110105001001") }}'
    )
    with app.test_request_context("/"):
        html = render_template_string(template, form=empty_form(resident_id=7))
    assert 'data-url="/api/v1/c/110105001001/registry/picker/residents"' in html
    assert 'name="resident_id" value="7"' in html


def test_every_page_renders_for_each_kind(as_user, enable):
    enable()
    c_admin = as_user("c_admin")
    house = create(
        c_admin, {"building": "1号楼", "room": "101", "head_name": "张伟"}, plural="households"
    ).json["id"]
    resident = create(c_admin, {**WANG, "household_id": house, "relation": "head"}).json["id"]
    unit = create(c_admin, {"name": "甲公司", "credit_code": make_code()}, plural="units").json[
        "id"
    ]
    for plural, rid in (("residents", resident), ("households", house), ("units", unit)):
        for url in (
            f"{page()}/{plural}/{rid}",
            f"{page()}/{plural}/{rid}/edit",
            f"{page()}/{plural}/new",
            f"{page()}/{plural if plural != 'residents' else ''}?deleted=1",
        ):
            assert c_admin.get(url).status_code == 200, url
    edit = c_admin.get(f"{page()}/households/{house}/edit").text
    assert 'value="110105001001-bb01" selected' in edit and 'value="101"' in edit
    assert "张伟" in c_admin.get(f"{page()}/households?q=张").text
    assert "张伟" not in c_admin.get(f"{page()}/households?q=李").text
    moved = c_admin.post(
        f"{page()}/households/{house}/edit",
        data={
            "building": "110105001001-bb02",
            "room": "101",
            "head_name": "张伟",
            "tenure": "owned",
        },
    )
    assert moved.status_code == 302
    body = c_admin.get(f"{api()}/residents/{resident}").json
    assert body["node"] == "110105001001-bb02"  # members moved with their household


def test_no_surface_rebuilds_a_masked_id_from_the_birth_date(as_user, enable):
    """Regression (issue 12, finding 1): the masked ID hid exactly its eight birth-date digits
    while the birth date stood in clear beside it, so a read-only inspector rebuilt every ID.
    Without the sensitive permission the birth date shows its year only: in the community's
    list and record, the district's roll-up, the export and the history."""
    enable()
    created = create(as_user("worker"), WANG)
    assert created.status_code == 201, created.json
    rid, full = created.json["id"], WANG["id_number"]
    inspector = as_user("inspector")
    seen = [
        inspector.get(f"{api()}/residents").json["items"][0],
        inspector.get(f"{api()}/residents/{rid}").json,
        inspector.get("/api/v1/r/110105/registry/residents").json["items"][0],
    ]
    assert [r["birth_date"] for r in seen] == ["1950"] * 3
    export = inspector.get(f"/n/{A1}/exports/registry.residents.csv").data.decode("utf-8-sig")
    assert "1950-05-04" not in export and full[6:14] not in export
    page_text = inspector.get(f"{page()}/residents/{rid}").text
    assert "1950-05-04" not in page_text and full not in page_text
    # A holder of registry.sensitive.view who asks sees the whole date (audited).
    admin = as_user("c_admin")
    assert admin.get(f"{api()}/residents/{rid}?unmask=1").json["birth_date"] == "1950-05-04"


def test_floating_residents_wait_on_the_workbench_until_taken_into_management(as_user, enable):
    enable()
    worker = as_user("worker")
    zhang = {"name": "张伟", "id_number": make_id(date(1990, 1, 2), 125), "status": "floating"}
    rid = create(worker, {**WANG, "status": "floating"}).json["id"]
    assert create(worker, zhang).status_code == 201
    assert create(worker, {**WANG, "id_number": make_id(date(1960, 1, 2), 126)}).status_code == 201

    def waiting() -> tuple[str, str] | None:
        html = worker.get("/").get_data(as_text=True)
        found = re.search(
            r'data-work="registry.floating_unmanaged" data-node="[^"]+">\s*<a href="([^"]+)">'
            r'<strong class="count">(\d+)</strong>',
            html,
        )
        return (found.group(1).replace("&amp;", "&"), found.group(2)) if found else None

    link, count = waiting()
    assert count == "2" and link == f"/c/{A1}/registry/?unmanaged=1"
    assert (
        worker.get(
            link.replace("/c/", "/api/v1/c/").replace("/registry/", "/registry/residents")
        ).json["total"]
        == 2
    )
    today_ = today().isoformat()
    assert worker.post(f"{api()}/residents/{rid}/manage", json={"on": today_}).status_code == 200
    assert waiting()[1] == "1"


def test_a_household_id_too_large_for_the_database_is_refused_on_its_field(as_user, enable):
    """Regression (issue 12, finding 7): a resident naming household 2**63 answered 500."""
    enable()
    response = create(
        as_user("worker"), {"name": "张三", "id_number": make_id(), "household_id": 2**63}
    )
    assert response.status_code == 422
    assert "household_id" in response.json["error"]["fields"]
