"""The enterprise ledger with its major hazard sources, and the inspections ledger with its
checklist: their generated pages and API, and what they never tell of another community."""

from __future__ import annotations

import re

import pytest

from .conftest import A1, B1, api, beijing, page


@pytest.fixture
def ready(enable, clock):
    enable(A1, B1)
    clock(beijing("2026-06-15 10:00"))


def test_another_communitys_enterprise_or_unit_is_refused_as_a_missing_one(
    ready, as_user, enterprise, unit
):
    """Issue 12, finding 3: the refusal named the other community's record ("企业
    吉祥里成博水果店不在永安里东社区"), telling a worker what another tenant keeps."""
    foreign = enterprise(B1, name="吉祥里成博水果店")
    foreign_unit = unit(B1, name="吉祥里五金店")
    worker = as_user("worker")
    for path, base, key, theirs in (
        ("/inspections", {"done_on": "2026-06-02"}, "enterprise_id", foreign),
        (
            "/hazards",
            {"description": "灭火器过期", "found_on": "2026-06-01"},
            "enterprise_id",
            foreign,
        ),
        ("/enterprises", {}, "unit_id", foreign_unit),
    ):
        refused = worker.post(api() + path, json={**base, key: theirs})
        missing = worker.post(api() + path, json={**base, key: 999999})
        assert refused.status_code == missing.status_code == 422, path
        assert refused.json == missing.json, path
        assert list(refused.json["error"]["fields"]) == [key]
        assert "吉祥里" not in refused.text


def test_the_list_counts_open_hazards_and_the_page_lists_what_the_enterprise_has(
    ready, as_user, enterprise
):
    worker = as_user("worker")
    firm = enterprise(A1, name="北京华信化工有限公司", principal_phone="13812345678")
    for description in ("储罐区检测仪未检定", "灭火器过期"):
        body = {"description": description, "found_on": "2026-06-01", "enterprise_id": firm}
        assert worker.post(api() + "/hazards", json=body).status_code == 201
    source = worker.post(
        f"{api()}/enterprises/{firm}/sources", json={"name": "液氨储罐区", "grade": "3"}
    )
    assert source.status_code == 201, source.json
    assert source.json["enterprise"] == "北京华信化工有限公司"
    inspection = {"done_on": "2026-06-02", "enterprise_id": firm, "kind": "special"}
    assert worker.post(api() + "/inspections", json=inspection).status_code == 201

    listed = worker.get(page() + "/enterprises").text
    row = re.search(rf'<tr data-record="{firm}">(.*?)</tr>', listed, re.S).group(1)
    assert "北京华信化工有限公司" in row and re.search(r">\s*2\s*</td>", row)
    shown = worker.get(f"{page()}/enterprises/{firm}").text
    assert "液氨储罐区" in shown and "灭火器过期" in shown
    assert 'data-safety="inspections"' in shown and "138****5678" in shown
    assert "13812345678" not in shown
    data = worker.get(f"{api()}/enterprises/{firm}").json
    assert [s["name"] for s in data["hazard_sources"]] == ["液氨储罐区"]
    assert (data["open_hazards"], data["principal_phone"]) == (2, "138****5678")
    unmasked = as_user("c_admin").get(f"{api()}/enterprises/{firm}?unmask=1").json
    assert unmasked["principal_phone"] == "13812345678"


def test_the_new_enterprise_form_offers_only_units_off_the_ledger(ready, as_user, unit, enterprise):
    enterprise(A1, name="已在台账企业")
    free = unit(A1, name="未上台账企业")
    form = as_user("worker").get(page() + "/enterprises/new").text
    units = re.search(r'<select id="f-unit_id".*?</select>', form, re.S).group(0)
    assert re.search(rf'<option value="{free}"[^>]*>未上台账企业</option>', units)
    assert "已在台账企业" not in units


def test_an_inspection_starts_with_the_default_checklist_and_shows_its_rows(ready, as_user):
    worker = as_user("worker")
    form = worker.get(page() + "/inspections/new").text
    assert 'data-safety="checklist-form"' in form and 'name="item-8"' in form
    refused = worker.post(
        page() + "/inspections/new",
        data={"kind": "routine", "done_on": "2026-06-01", "item-1": "疏散通道", "item-2": "灭火器"},
    )
    assert refused.status_code == 422
    assert 'value="灭火器"' in refused.text  # what was typed stays
    made = worker.post(
        page() + "/inspections/new",
        data={"kind": "routine", "done_on": "2026-06-01", "area": "车库", "item-1": "灭火器"}
        | {"result-1": "fail", "note-1": "过期"},
    )
    assert made.status_code == 302, made.text[:300]
    shown = worker.get(made.headers["Location"]).text
    assert re.search(r'<tr class="overdue"><td>灭火器</td><td>[^<]+</td><td>过期</td></tr>', shown)
    inspection = int(made.headers["Location"].rsplit("/", 1)[1])
    assert worker.get(f"{api()}/inspections/{inspection}").json["checklist"] == [
        {"item": "灭火器", "result": "fail", "note": "过期"}
    ]


def test_a_deleted_enterprise_comes_back_through_an_admin(ready, as_user, enterprise):
    worker, admin = as_user("worker"), as_user("c_admin")
    firm = enterprise(A1)
    assert worker.post(f"{page()}/enterprises/{firm}/delete").status_code == 302
    assert worker.get(f"{api()}/enterprises/{firm}").status_code == 404
    assert worker.post(f"{page()}/enterprises/{firm}/restore").status_code == 403
    assert admin.post(f"{page()}/enterprises/{firm}/restore").status_code == 302
    history = worker.get(f"{api()}/enterprises/{firm}/history").json["items"]
    assert [h["action"] for h in history] == ["restore", "delete", "create"]


def test_an_id_no_column_holds_is_a_422_on_its_field(ready, as_user):
    """On PostgreSQL such an id reached the database, which refused it: a 500."""
    worker = as_user("worker")
    for path, body, key in (
        ("/inspections", {"done_on": "2026-06-02"}, "enterprise_id"),
        ("/enterprises", {}, "unit_id"),
        ("/hazard_sources", {"name": "液氨储罐区", "grade": "3"}, "enterprise_id"),
    ):
        refused = worker.post(api() + path, json={**body, key: 10**20})
        assert refused.status_code == 422 and list(refused.json["error"]["fields"]) == [key]
