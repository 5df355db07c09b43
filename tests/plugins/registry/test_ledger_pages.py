"""What the registry gained from the ledger SDK, and the bugs it fixed (each test failed before).

History in the platform's time zone, only the fields that changed, labels instead of keys;
exports that unmask for holders of the sensitive permission and carry the whole record;
sortable, filterable lists; delete and restore behind a confirmation page.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook

from core import clock

from .conftest import A1, api, make_id, page

WANG = {"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124), "mobile": "13812345678"}


def _create(client, data=None, plural="residents"):
    response = client.post(f"{api()}/{plural}", json=data or WANG)
    assert response.status_code == 201, response.json
    return response.json


def test_history_shows_beijing_time_labels_and_only_what_changed(as_user, enable):
    enable()
    worker = as_user("worker")
    # 23:30 UTC on 1 March is 07:30 on 2 March in Beijing.
    with clock.fixed(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)):
        rid = _create(worker)["id"]
        patched = worker.patch(
            f"{api()}/residents/{rid}", json={"name": "王秀兰", "tags": ["veteran", "empty_nest"]}
        )
        assert patched.status_code == 200
    html = worker.get(f"{page()}/residents/{rid}").text
    timeline = html[html.index('data-registry="timeline"') :]
    assert "2026-03-02 07:30" in timeline and "2026-03-01 23:30" not in timeline
    # The name was sent unchanged: only the registration lists it; tags show their labels.
    assert timeline.count('data-field="name"') == 1
    assert 'data-field="tags"' in timeline and "空巢老人、退役军人" in timeline
    assert "empty_nest" not in timeline and "['" not in timeline


def test_an_admin_exports_full_numbers_and_the_whole_record(as_user, enable):
    enable()
    c_admin, worker = as_user("c_admin"), as_user("worker")
    house = _create(
        c_admin, {"building": "1号楼", "room": "101", "head_name": "王秀兰"}, plural="households"
    )["id"]
    _create(
        c_admin,
        {**WANG, "household_id": house, "relation": "head", "tags": ["veteran"], "notes": "独居"},
    )
    listing = c_admin.get(f"{page()}/").text
    assert 'name="unmask"' in listing  # the list offers full numbers to the permission holder
    assert 'name="unmask"' not in worker.get(f"{page()}/").text

    def sheet(client, query=""):
        r = client.get(f"/n/{A1}/exports/registry.residents.xlsx{query}")
        assert r.status_code == 200
        rows = list(load_workbook(io.BytesIO(r.data)).worksheets[0].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]

    (row,) = sheet(c_admin, "?unmask=1")
    assert row["身份证号"] == WANG["id_number"] and row["手机号码"] == WANG["mobile"]
    assert row["标签"] == "退役军人" and row["与户主关系"] == "户主" and row["备注"] == "独居"
    assert row["所属住户"] == "1号楼101室" and row["楼栋"] == "1号楼"
    assert isinstance(row["出生日期"], datetime) and row["出生日期"].date() == date(1950, 5, 4)
    (masked,) = sheet(worker, "?unmask=1")  # asking is not enough without the permission
    assert masked["身份证号"] != WANG["id_number"] and masked["手机号码"] == "138****5678"


def test_lists_sort_filter_and_refuse_bad_arguments_by_name(as_user, enable):
    enable()
    worker = as_user("worker")
    for name, seq in (("赵六", 201), ("钱七", 202), ("孙八", 203)):
        _create(worker, {"name": name, "id_number": make_id(sequence=seq)})
    names = [i["name"] for i in worker.get(f"{api()}/residents?sort=-name").json["items"]]
    assert names == sorted(names, reverse=True)
    html = worker.get(f"{page()}/?sort=name").text
    assert 'data-sort="name"' in html and 'aria-sort="ascending"' in html
    bad = worker.get(f"{api()}/residents?sort=password")
    assert bad.status_code == 422 and "sort" in bad.json["error"]["fields"]
    assert worker.get(f"{page()}/?status=nonsense").status_code == 422
    bad = worker.get(f"{api()}/residents?building=abc")
    assert bad.status_code == 422 and "building" in bad.json["error"]["fields"]


def test_delete_and_restore_ask_first(as_user, enable):
    enable()
    worker, c_admin = as_user("worker"), as_user("c_admin")
    rid = _create(worker)["id"]
    detail = worker.get(f"{page()}/residents/{rid}").text
    assert f"/residents/{rid}/delete" in detail and "<form" not in detail.split("/delete")[0][-200:]
    ask = worker.get(f"{page()}/residents/{rid}/delete")
    assert ask.status_code == 200 and 'data-confirm="delete"' in ask.text
    assert worker.get(f"{api()}/residents/{rid}").status_code == 200  # asking deleted nothing
    done = worker.post(f"{page()}/residents/{rid}/delete")
    assert done.status_code == 302 and worker.get(f"{api()}/residents/{rid}").status_code == 404
    assert worker.get(f"{page()}/residents/{rid}/restore").status_code == 403
    ask = c_admin.get(f"{page()}/residents/{rid}/restore")
    assert ask.status_code == 200 and 'data-confirm="restore"' in ask.text
    assert c_admin.post(f"{page()}/residents/{rid}/restore").status_code == 302
    assert worker.get(f"{api()}/residents/{rid}").json["deleted"] is False


def test_building_choices_outside_a_community_are_none(app):
    """Regression: a street's export of households asked for the community's buildings."""
    from plugins.registry.schemas import _building_choices

    with app.test_request_context():
        assert _building_choices() == {}
