"""The safety pages and API: enterprises, inspections, hazards; every route refuses users outside
its scope (404), without the permission (403) and where the module is off (404)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from plugins.safety.models import SafetyEnterprise, SafetyHazard, SafetyInspection

from .conftest import A1, A2, B1, DISTRICT, STREET_A, api, beijing, page


@pytest.fixture
def world_on(enable, clock):
    enable(A1, A2, B1)
    clock(beijing("2026-06-15 10:00"))


def _hazard(client, ref=A1, **data):
    body = {"description": "灭火器过期", "found_on": "2026-06-01", **data}
    response = client.post(f"{api(ref)}/hazards", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_every_page_answers_for_a_worker(world_on, as_user, enterprise):
    worker = as_user("worker")
    company = enterprise(A1, sector="gas")
    hazard = _hazard(worker, enterprise_id=company)
    inspection = worker.post(
        f"{api()}/inspections",
        json={
            "done_on": "2026-06-02",
            "enterprise_id": company,
            "kind": "quarterly",
            "checklist": [{"item": "灭火器", "result": "fail"}],
        },
    ).get_json()
    worker.post(f"{api()}/hazards/{hazard['id']}/notify", json={"responsible_person": "李建国"})
    for path in (
        "/",
        "/enterprises",
        "/enterprises/new",
        f"/enterprises/{company}",
        f"/enterprises/{company}/edit",
        "/inspections",
        "/inspections/new",
        f"/inspections/{inspection['id']}",
        f"/inspections/{inspection['id']}/edit",
        "/hazards",
        "/hazards?overdue=1&severity=major&status=open&since=2026-01-01",
        "/hazards/new",
        f"/hazards/{hazard['id']}",
        f"/hazards/{hazard['id']}/edit",
        f"/hazards/{hazard['id']}/notice",
    ):
        response = worker.get(page() + path)
        assert response.status_code == 200, path
    notice = worker.get(f"{page()}/hazards/{hazard['id']}/notice").get_data(as_text=True)
    assert "ZG2026-0001" in notice and "李建国" in notice


def test_the_overdue_hazard_stands_out_on_the_overview_and_the_street_list(
    world_on, as_user, clock
):
    worker = as_user("worker")
    late = _hazard(worker, deadline="2026-06-10")
    _hazard(worker, deadline="2026-06-30")
    overview = worker.get(page() + "/").get_data(as_text=True)
    assert f'data-hazard="{late["id"]}" class="overdue"' in overview
    street = as_user("s_admin").get(f"/r/{STREET_A}/safety/hazards?overdue=1")
    assert street.status_code == 200
    listed = as_user("s_admin").get(f"/api/v1/r/{STREET_A}/safety/hazards?overdue=1").get_json()
    assert [(h["number"], h["community"], h["overdue"]) for h in listed["items"]] == [
        ("YH2026-0001", A1, True)
    ]


def test_form_posts_write_and_refusals_show_on_the_form(world_on, as_user, unit, count):
    worker = as_user("worker")
    unit_id = unit(A1, name="朝阳燃气站")
    response = worker.post(
        f"{page()}/enterprises/new",
        data={
            "unit_id": unit_id,
            "sector": "gas",
            "risk_level": "larger",
            "standardisation": "compliant",
            "standard_level": "2",
            "demonstration": "y",
        },
    )
    assert response.status_code == 302
    assert count(SafetyEnterprise, SafetyEnterprise.name == "朝阳燃气站") == 1
    again = worker.post(
        f"{page()}/enterprises/new",
        data={
            "unit_id": unit_id,
            "sector": "gas",
            "risk_level": "low",
            "standardisation": "not_started",
        },
    )
    assert again.status_code == 409
    assert "已在企业台账" in again.get_data(as_text=True) or "already" in again.get_data(
        as_text=True
    )
    bad = worker.post(
        f"{page()}/hazards/new",
        data={
            "description": "x",
            "found_on": "2026-06-05",
            "deadline": "2026-06-01",
            "category": "fire",
            "severity": "general",
        },
    )
    assert bad.status_code == 422
    assert count(SafetyHazard) == 0


def test_inspections_of_an_enterprise_in_another_community_are_refused(
    world_on, as_user, enterprise, count
):
    elsewhere = enterprise(B1)
    worker = as_user("worker")
    response = worker.post(
        f"{api()}/inspections", json={"done_on": "2026-06-02", "enterprise_id": elsewhere}
    )
    assert response.status_code == 422
    assert "enterprise_id" in response.get_json()["error"]["fields"]
    future = worker.post(f"{api()}/inspections", json={"done_on": "2026-06-16"})
    assert future.status_code == 422
    assert count(SafetyInspection) == 0


def test_the_workflow_through_the_api_with_the_major_sign_off(world_on, as_user):
    worker, street = as_user("worker"), as_user("s_admin")
    hazard = _hazard(worker, severity="major")
    base = f"{api()}/hazards/{hazard['id']}"
    assert worker.post(f"{base}/close", json={}).status_code == 409  # never re-inspected
    assert worker.post(f"{base}/notify", json={"responsible_person": "王强"}).status_code == 200
    assert worker.post(f"{base}/submit", json={"comment": "已整改"}).status_code == 200
    refused = as_user("c_admin").post(f"{base}/close", json={})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"]
    assert worker.get(base).get_json()["status"] == "submitted"
    closed = street.post(f"{base}/close", json={"comment": "复查合格"})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"
    events = worker.get(f"{base}/events").get_json()["items"]
    assert [e["action"] for e in events] == ["found", "notify", "submit", "close"]
    assert events[-1]["username"] == "s_admin"


def test_bad_input_is_a_translated_422_never_a_500(world_on, as_user):
    worker = as_user("worker")
    for path, body in [
        ("/hazards", {"description": "x", "found_on": "not a date"}),
        ("/hazards", {"description": "", "found_on": "2026-06-01"}),
        ("/hazards", {"description": "x", "found_on": "2026-06-01", "severity": "huge"}),
        ("/inspections", {"kind": "routine"}),
        ("/enterprises", {"unit_id": 999999}),
    ]:
        response = worker.post(api() + path, json=body)
        assert response.status_code == 422, (path, body)
        assert response.get_json()["error"]["message"]
    assert worker.get(f"{page()}/hazards?since=yesterday").status_code == 422


@pytest.mark.parametrize(
    ("user", "ref", "status"),
    [
        ("worker", B1, 404),  # another street
        ("worker", A2, 404),  # another community of the same street
        ("leader", A1, 404),  # a building leader holds no safety permission
        ("inspector", A1, 403),  # reads, never writes
    ],
)
def test_writes_outside_scope_or_without_permission_are_refused(
    world_on, as_user, user, ref, status, count
):
    client = as_user(user)
    assert (
        client.post(
            f"{api(ref)}/hazards", json={"description": "x", "found_on": "2026-06-01"}
        ).status_code
        == status
    )
    assert client.post(f"{page(ref)}/hazards/new", data={"description": "x"}).status_code == status
    assert count(SafetyHazard) == 0


def test_another_communitys_records_are_not_found_under_this_community(
    world_on, as_user, enterprise
):
    street = as_user("s_admin")
    hazard = _hazard(street, ref=A2)
    company = enterprise(A2)
    for path in (f"/hazards/{hazard['id']}", f"/enterprises/{company}"):
        assert street.get(page(A1) + path).status_code == 404
        assert street.get(api(A1) + path).status_code == 404
    assert street.post(f"{api(A1)}/hazards/{hazard['id']}/notify", json={}).status_code == 404
    assert as_user("worker").get(f"{api(A2)}/hazards/{hazard['id']}").status_code == 404


def test_the_street_list_covers_only_communities_with_the_module_on(world_on, as_user, app, world):
    from core.db import db
    from tenants import modules

    street = as_user("s_admin")
    _hazard(street, ref=A1)
    _hazard(street, ref=A2)
    _hazard(as_user("d_admin"), ref=B1)
    listed = street.get(f"/api/v1/r/{STREET_A}/safety/hazards").get_json()
    assert sorted(h["community"] for h in listed["items"]) == [A1, A2]
    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    listed = street.get(f"/api/v1/r/{STREET_A}/safety/hazards").get_json()
    assert [h["community"] for h in listed["items"]] == [A1]
    assert street.get(f"{api(A2)}/hazards").status_code == 404
    with app.app_context():
        modules.enable(db.session, world.node(A2), "safety")
        db.session.commit()
    listed = street.get(f"/api/v1/r/{STREET_A}/safety/hazards").get_json()
    assert sorted(h["community"] for h in listed["items"]) == [A1, A2]
    district = as_user("d_admin").get(f"/api/v1/r/{DISTRICT}/safety/hazards").get_json()
    assert district["total"] == 3
    assert street.get(f"/api/v1/r/{DISTRICT}/safety/hazards").status_code == 404


def test_an_inspection_is_recorded_through_the_form_with_its_checklist(world_on, as_user, app):
    """The form's checklist inputs (item-N, result-N, note-N) used to be refused as unknown
    fields: every save answered 422 with no message."""
    from core.db import db

    worker = as_user("worker")
    response = worker.post(
        f"{page()}/inspections/new",
        data={
            "kind": "routine",
            "done_on": "2026-06-01",
            "area": "1号楼地下车库",
            "inspectors": "张三",
            "item-0": "疏散通道",
            "result-0": "ok",
            "item-1": "灭火器",
            "result-1": "fail",
            "note-1": "过期两具",
            "item-2": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        inspection = db.session.scalars(sa.select(SafetyInspection)).one()
        assert [(c["item"], c["result"]) for c in inspection.checklist] == [
            ("疏散通道", "ok"),
            ("灭火器", "fail"),
        ]
        assert inspection.checklist[1]["note"] == "过期两具"
    stray = worker.post(f"{page()}/inspections/new", data={"kind": "routine", "bogus": "1"})
    assert stray.status_code == 422 and "bogus" in stray.get_data(as_text=True)


def test_clearing_an_inspections_findings_through_the_api_is_not_a_500(world_on, as_user):
    """Found by schemathesis: PATCH {"findings": null} wrote NULL into a NOT NULL column."""
    worker = as_user("worker")
    created = worker.post(
        f"{api()}/inspections",
        json={"kind": "routine", "done_on": "2026-06-01", "area": "车库", "findings": "堵塞"},
    )
    assert created.status_code == 201, created.json
    url = f"{api()}/inspections/{created.json['id']}"
    cleared = worker.patch(url, json={"findings": None, "planned": False, "planned_on": None})
    assert cleared.status_code == 200, cleared.json
    assert worker.get(url).json["findings"] == ""
