"""Special-group tags (低保, 残疾人, 留守儿童) are S3: a worker without registry.sensitive.view
never learns which one a resident carries — not on the pages, in the JSON, the export, the
history or the audit log — cannot filter by them or set them, and their saves keep them; the
holder sees them when asking (audited); a street sees counts only. 留守儿童 belongs to rural
communities; 空巢老人 and 独居老人 are two tags."""

from __future__ import annotations

import io
import json
from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from core.db import db
from core.models import AuditLog
from core.records.history import RecordChange
from plugins.registry.models import RegistryResident

from .conftest import A1, STREET_A, api, make_id, page

WANG = {"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124)}
SPECIAL = ("低保", "残疾人", "留守儿童")


def _registered(client, tags=("veteran", "dibao"), data=WANG) -> int:
    r = client.post(f"{api()}/residents", json={**data, "tags": list(tags)})
    assert r.status_code == 201, r.json
    return r.json["id"]


def _sheet(client, ref=A1, query=""):
    r = client.get(f"/n/{ref}/exports/registry.residents.xlsx{query}")
    assert r.status_code == 200, r.text[:300]
    rows = list(load_workbook(io.BytesIO(r.data)).worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_a_worker_sees_hidden_where_the_holder_sees_the_special_group(as_user, enable, app):
    enable()
    c_admin, worker = as_user("c_admin"), as_user("worker")
    rid = _registered(c_admin)
    record = f"{api()}/residents/{rid}"
    detail = f"{page()}/residents/{rid}"

    # The worker: the JSON holds one *** for the special group, never its key.
    assert worker.get(record).json["tags"] == ["veteran", "***"]
    assert worker.get(f"{api()}/residents").json["items"][0]["tags"] == ["veteran", "***"]
    assert worker.get(f"{record}?unmask=1").status_code == 403
    for html in (worker.get(detail).text, worker.get(f"{page()}/").text):
        assert "已隐藏" in html and not any(word in html for word in SPECIAL)
        assert "dibao" not in html
    history = worker.get(f"{record}/history").json["items"]
    assert history[-1]["changes"]["tags"] == [None, ["veteran", "***"]]
    (row,) = _sheet(worker, query="?unmask=1")
    assert row["标签"] == "退役军人、已隐藏"

    # The holder: the same until they ask (audited), then the tag itself.
    assert c_admin.get(record).json["tags"] == ["veteran", "***"]
    assert c_admin.get(f"{record}?unmask=1").json["tags"] == ["dibao", "veteran"]
    shown = c_admin.get(f"{detail}?unmask=1").text
    timeline = shown[shown.index('data-registry="timeline"') :]
    assert "低保、退役军人" in shown and "退役军人、低保" in timeline
    unsealed = c_admin.get(f"{record}/history?unmask=1").json["items"]
    assert unsealed[-1]["changes"]["tags"] == [None, ["veteran", "dibao"]]
    (full,) = _sheet(c_admin, query="?unmask=1")
    assert full["标签"] == "低保、退役军人"
    (plain,) = _sheet(c_admin)
    assert plain["标签"] == "退役军人、已隐藏"  # an export without asking withholds it too

    # Nothing at rest names it: the audit log withholds it, the history seals it.
    with app.app_context():
        details = db.session.scalars(
            sa.select(AuditLog.details).where(AuditLog.action.like("registry.resident.%"))
        ).all()
        stored = db.session.scalars(
            sa.select(RecordChange.changes).where(RecordChange.object_type == "registry.resident")
        ).all()
    assert "dibao" not in json.dumps(details) and "dibao" not in json.dumps(stored)


def test_the_tag_filter_and_the_tag_list_leave_special_groups_to_the_holder(as_user, enable):
    enable()
    c_admin, worker = as_user("c_admin"), as_user("worker")
    _registered(c_admin)
    forged = worker.get(f"{api()}/residents?tag=dibao")
    assert forged.status_code == 422 and "tag" in forged.json["error"]["fields"]
    assert worker.get(f"{page()}/?tag=dibao").status_code == 422
    assert 'value="dibao"' not in worker.get(f"{page()}/").text
    assert worker.get(f"{api()}/residents?tag=veteran").json["total"] == 1
    assert c_admin.get(f"{api()}/residents?tag=dibao").json["total"] == 1
    assert 'value="dibao"' in c_admin.get(f"{page()}/").text
    keys = {i["key"] for i in worker.get(f"{api()}/tags").json["items"]}
    assert {"veteran", "empty_nest", "living_alone"} <= keys
    assert not keys & {"dibao", "disabled", "left_behind_child"}
    held = {i["key"]: i["sensitivity"] for i in c_admin.get(f"{api()}/tags").json["items"]}
    assert held["dibao"] == "S3" and held["disabled"] == "S3" and held["veteran"] == "S1"
    assert "left_behind_child" not in held  # an urban community


def test_a_street_sees_special_groups_as_counts_only(as_user, enable, world):
    enable(A1)
    s_admin = as_user("s_admin")  # holds registry.sensitive.view at the street
    _registered(s_admin)
    for n in range(5):
        _registered(
            s_admin,
            ("disabled",),
            {"name": f"张{n}", "id_number": make_id(date(1960, 1, 2), 200 + n)},
        )
    street = f"/api/v1/r/{STREET_A}/registry/residents"
    assert s_admin.get(f"{street}?tag=dibao").status_code == 422
    items = s_admin.get(street).json["items"]
    assert {tuple(i["tags"]) for i in items} == {("veteran", "***"), ("***",)}
    html = s_admin.get(f"/r/{STREET_A}/registry/").text
    assert not any(word in html for word in SPECIAL)
    # The street's export in clear names the IDs but not the groups; the community's does.
    rows = _sheet(s_admin, STREET_A, "?unmask=1")
    assert WANG["id_number"] in {r["身份证号"] for r in rows}
    assert {r["标签"] for r in rows} == {"退役军人、已隐藏", "已隐藏"}
    assert "低保、退役军人" in {r["标签"] for r in _sheet(s_admin, A1, "?unmask=1")}
    # Counts: five people with a disability are shown, one on 低保 is withheld (under 5).
    year = date.today().year
    figures = s_admin.get(f"/api/v1/nodes/{STREET_A}/indicators?year={year}").json["items"]
    values = {i["name"]: i for i in figures}
    assert values["registry.tag.disabled"]["value"] == 5
    assert values["registry.tag.dibao"]["value"] is None
    assert values["registry.tag.dibao"]["suppressed"] is True
    assert values["registry.tag.veteran"]["value"] == 1  # an S1 tag is not withheld


def test_a_workers_save_keeps_the_special_groups_they_cannot_see(as_user, enable, count):
    enable()
    c_admin, worker = as_user("c_admin"), as_user("worker")
    rid = _registered(c_admin)
    record = f"{api()}/residents/{rid}"
    assert worker.patch(record, json={"tags": ["empty_nest"]}).status_code == 200
    assert c_admin.get(f"{record}?unmask=1").json["tags"] == ["dibao", "empty_nest"]
    # Setting one is refused by name, and nothing changes.
    refused = worker.patch(record, json={"tags": ["empty_nest", "disabled"]})
    assert refused.status_code == 403 and "残疾人" in refused.json["error"]["fields"]["tags"][0]
    assert c_admin.get(f"{record}?unmask=1").json["tags"] == ["dibao", "empty_nest"]
    new = worker.post(
        f"{api()}/residents",
        json={"name": "李强", "id_number": make_id(sequence=11), "tags": ["低保"]},
    )
    assert new.status_code == 403 and count(RegistryResident) == 1
    # The edit form offers the worker no box for it, and saving it unticked keeps it.
    form = worker.get(f"{page()}/residents/{rid}/edit").text
    assert 'value="empty_nest" checked' in form and 'value="dibao"' not in form
    saved = worker.post(
        f"{page()}/residents/{rid}/edit", data={"name": "王秀兰", "id_number": WANG["id_number"]}
    )
    assert saved.status_code == 302
    assert c_admin.get(f"{record}?unmask=1").json["tags"] == ["dibao"]
    held = c_admin.get(f"{page()}/residents/{rid}/edit").text
    assert 'value="dibao" checked' in held


def test_an_import_by_a_worker_may_not_set_a_special_group(as_user, enable, count):
    enable()
    text = f"姓名,身份证号,标签\n王秀兰,{WANG['id_number']},退役军人、低保\n"

    def upload(client):
        return client.post(
            f"/api/v1/nodes/{A1}/imports/registry.residents",
            data={"file": (io.BytesIO(text.encode()), "居民.csv")},
            content_type="multipart/form-data",
        )

    refused = upload(as_user("worker"))
    assert refused.status_code == 422
    assert [(p["row"], p["column"]) for p in refused.json["error"]["rows"]] == [(2, "标签")]
    assert count(RegistryResident) == 0
    c_admin = as_user("c_admin")
    assert upload(c_admin).json == {"created": 1}
    assert c_admin.get(f"{api()}/residents?tag=dibao").json["total"] == 1


def test_left_behind_children_are_recorded_in_rural_communities_only(as_user, enable):
    enable()
    c_admin, s_admin = as_user("c_admin"), as_user("s_admin")
    child = {"name": "小明", "id_number": make_id(date(2015, 6, 1), 131), "tags": ["留守儿童"]}
    urban = c_admin.post(f"{api()}/residents", json=child)
    assert urban.status_code == 422
    assert "农村社区" in urban.json["error"]["fields"]["tags"][0]
    assert 'value="left_behind_child"' not in c_admin.get(f"{page()}/residents/new").text
    settings = f"/api/v1/nodes/{A1}/modules/registry/settings"
    assert s_admin.get(settings).json == {"rural": False}
    assert s_admin.put(settings, json={"rural": True}).json == {"rural": True}
    assert "农村社区" in s_admin.get(f"/n/{A1}/modules/registry/settings").text
    assert 'value="left_behind_child"' in c_admin.get(f"{page()}/residents/new").text
    rural = c_admin.post(f"{api()}/residents", json=child)
    assert rural.status_code == 201, rural.json
    # Switched back to urban: the tag stays on the record (its form still shows it) and the
    # holder may remove it, but not add it to anyone else.
    s_admin.put(settings, json={"rural": False})
    rid = rural.json["id"]
    assert 'value="left_behind_child" checked' in c_admin.get(f"{page()}/residents/{rid}/edit").text
    other = {**child, "name": "小红", "id_number": make_id(date(2015, 7, 1), 132)}
    assert c_admin.post(f"{api()}/residents", json=other).status_code == 422
    assert c_admin.patch(f"{api()}/residents/{rid}", json={"tags": []}).status_code == 200


def test_empty_nest_and_living_alone_are_two_tags(as_user, enable):
    enable()
    worker = as_user("worker")
    rid = _registered(worker, ("空巢老人", "独居老人"))
    assert worker.get(f"{api()}/residents/{rid}").json["tags"] == ["empty_nest", "living_alone"]
    assert "空巢老人、独居老人" in worker.get(f"{page()}/residents/{rid}").text
    assert worker.get(f"{api()}/residents?tag=living_alone").json["total"] == 1
