"""The pages of the newer steps, as a browser posts them: a 物业服务考核 scored from its sheet's
cells; a renewal or a decision the rules refuse comes back to its page with the reason and
writes nothing."""

from __future__ import annotations

import re

import pytest

from .conftest import A1, api, page

PROPERTY_POINTS = (15, 10, 15, 10, 10, 15, 15, 10)


@pytest.fixture
def ready(enable, clock):
    clock("2026-06-15T10:00:00+08:00")
    enable(A1)


def test_an_assessment_is_scored_from_the_cells_of_its_sheet(ready, as_user, shop):
    worker = as_user("worker")
    company = shop(name="安居物业公司", street_front=False, kind="property")
    made = worker.post(api() + "/assessments", json={
        "unit_id": company, "year": 2026, "half": 1, "scheduled_on": "2026-06-15"}).json  # fmt: skip
    html = worker.get(page() + f"/assessments/{made['id']}").text
    items = re.findall(r'name="item-(\d+)" value="([^"]+)"', html)
    assert [text for _n, text in items][:2] == ["工作执行力", "财务管理"] and len(items) == 8
    form = {f"item-{n}": text for n, text in items}
    form |= {f"score-{n}": str(p) for (n, _t), p in zip(items, PROPERTY_POINTS, strict=True)}
    form |= {"score-3": "12", "note-3": "电梯年检过期", "survey_asked": "40",
             "survey_satisfied": "30", "ledger_review": "台账齐全"}  # fmt: skip
    posted = worker.post(page() + f"/assessments/{made['id']}/score", data=form)
    assert posted.status_code == 302
    scored = worker.get(api() + f"/assessments/{made['id']}").json
    assert (scored["status"], scored["score"], scored["satisfaction"]) == ("scored", 97.0, 75.0)
    issues = worker.get(api() + f"/issues?inspection={scored['inspection_id']}").json["items"]
    assert [i["description"] for i in issues] == ["房屋设施：电梯年检过期"]
    shown = worker.get(page() + f"/assessments/{made['id']}").text
    assert 'data-step="score"' not in shown and 'data-step="conclude"' in shown
    assert "发现0个，已整改0个，逾期0个" in shown
    # only the registry's property companies are offered and accepted
    assert "安居物业公司</option>" in worker.get(page() + "/assessments/new").text
    fruit = shop(name="老王水果店")
    assert "老王水果店" not in worker.get(page() + "/assessments/new").text
    refused = worker.post(api() + "/assessments", json={
        "unit_id": fruit, "year": 2026, "half": 2, "scheduled_on": "2026-06-15"})  # fmt: skip
    assert refused.status_code == 422 and "unit_id" in refused.json["error"]["fields"]
    # a sheet left empty is refused on the page, nothing written
    other = worker.post(api() + "/assessments", json={
        "unit_id": company, "year": 2026, "half": 2, "scheduled_on": "2026-06-15"}).json  # fmt: skip
    empty = worker.post(page() + f"/assessments/{other['id']}/score", data={"comment": ""})
    assert empty.status_code == 303
    assert worker.get(api() + f"/assessments/{other['id']}").json["status"] == "scheduled"


def test_a_refused_renewal_or_decision_comes_back_with_its_reason(ready, as_user, shop):
    admin = as_user("c_admin")
    letter = admin.post(api() + "/letters", json={
        "unit_id": shop(), "status": "signed", "signed_on": "2026-01-08"}).json  # fmt: skip
    first = admin.post(page() + f"/letters/{letter['id']}/renew")
    assert first.status_code == 302
    assert "该责任书已续签" not in admin.get(first.headers["Location"]).text
    again = admin.post(page() + f"/letters/{letter['id']}/renew")
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/letters/{letter['id']}")
    back = admin.get(again.headers["Location"]).text
    assert "该责任书已续签" in back and 'data-environment="renew"' not in back
    assert admin.get(api() + "/letters").json["total"] == 2
    none = admin.post(page() + "/selections/decide",
                      data={"kind": "green_family", "year": "2025", "quota": "3"})  # fmt: skip
    assert none.status_code == 303
    assert "该年度没有参评对象" in admin.get(none.headers["Location"]).text


def test_the_linked_resident_is_named_only_on_the_unmasked_page(ready, as_user, app):
    from datetime import date

    from tests.plugins.registry.conftest import make_id

    admin, worker = as_user("c_admin"), as_user("worker")
    person = {"name": "李秀英", "id_number": make_id(date(1960, 5, 1), 124),
              "mobile": "13912345678"}  # fmt: skip
    resident = admin.post(f"/api/v1/c/{A1}/registry/residents", json=person).json
    made = admin.post(api() + "/complaints", json={
        "ticket": "L-1", "received_at": "2026-06-15 08:00", "category": "garbage",
        "complainant": "李秀英", "phone": "13912345678"}).json  # fmt: skip
    url = page() + f"/complaints/{made['id']}"
    unmasked = admin.get(url + "?unmask=1").text
    link = f'href="/c/{A1}/registry/residents/{resident["id"]}">李秀英</a>'
    assert 'data-field="resident"' in unmasked and link in unmasked
    for shown in (admin.get(url).text, worker.get(url).text):
        assert 'data-field="resident"' not in shown and "李秀英" not in shown
    assert worker.get(url + "?unmask=1").status_code == 403
