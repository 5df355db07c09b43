"""楼门院长信息反馈: a building leader reports a change, a worker verifies it, approval applies it
to the registry in one transaction and offers it to every other module."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.changes.models import ChangeReport, ChangeReportEvent
from core.db import db
from core.models import AuditLog
from plugins.registry.models import RegistryHousehold, RegistryResident, RegistryUnit
from tests.fixture_plugins import change_listener

from .conftest import A1, B1, make_code, make_id

B01, B02 = f"{A1}-bb01", f"{A1}-bb02"
NEWCOMER_ID = make_id(date(1990, 5, 17), 321)


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/changes"


def pages(ref: str = A1) -> str:
    return f"/c/{ref}/changes"


@pytest.fixture
def place(app, world, enable):
    """The registry on at A1 (and B1), a household in each of A1's buildings and one in B1."""
    from plugins.registry import households, residents

    enable(A1, B1)
    with app.app_context():
        made = {}
        for ref, building, room, head in (
            (A1, "b01", "301", "王明"),
            (A1, "b02", "101", "李华"),
            (B1, "b01", "201", "赵强"),
        ):
            community = world.node(ref)
            household = households.create_household(
                db.session, community, {"building": building, "room": room, "head_name": head}
            )
            made[(ref, building)] = household.id
        resident = residents.create_resident(
            db.session,
            world.node(A1),
            {
                "name": "王明",
                "id_number": make_id(date(1950, 1, 2), 111),
                "household_id": made[(A1, "b01")],
                "relation": "head",
            },
        )
        made["resident"] = resident.id
        db.session.commit()
    return made


def rows(app, model, *where):
    with app.app_context():
        stmt = sa.select(model).where(*where).order_by(model.id)
        return list(db.session.scalars(stmt.execution_options(include_deleted=True)))


def ref_of(app, node_id: int) -> str:
    from tenants.models import Node

    with app.app_context():
        return db.session.get(Node, node_id).ref


def move_in(household_id: int, **facts):
    return {
        "kind": "move_in",
        "facts": {
            "household_id": household_id,
            "name": "张新",
            "id_number": NEWCOMER_ID,
            "relation": "spouse",
            "on": "2026-11-20",
            **facts,
        },
        "note": "刚搬来",
    }


def report(client, body, ref: str = A1):
    return client.post(f"{api(ref)}/reports", json=body)


def step(client, report_id: int, name: str, ref: str = A1, **data):
    return client.post(f"{api(ref)}/reports/{report_id}/{name}", json=data)


def test_a_move_in_goes_from_the_leader_through_verification_into_the_household(
    app, as_user, place
):
    leader, worker = as_user("leader"), as_user("worker")
    r = report(leader, move_in(place[(A1, "b01")]))
    assert r.status_code == 201, r.json
    assert r.json["status"] == "reported" and r.json["building"] == B01
    assert r.json["facts"]["id_number"] != NEWCOMER_ID  # S2: masked for the leader too
    report_id = r.json["id"]
    assert rows(app, RegistryResident, RegistryResident.name == "张新") == []

    mine = leader.get(f"{api()}/reports").json
    assert [i["id"] for i in mine["items"]] == [report_id]
    assert "张新" in leader.get(f"{pages()}/{report_id}").text

    # The leader cannot verify their own report (403), the worker can.
    assert step(leader, report_id, "verify").status_code == 403
    r = step(worker, report_id, "verify", comment="上门核实", facts={"relation": "child"})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "verified" and r.json["facts"]["relation"] == "child"
    r = step(worker, report_id, "approve")
    assert r.status_code == 200, r.json
    assert r.json["status"] == "done" and "张新" in r.json["outcome"]

    [resident] = rows(app, RegistryResident, RegistryResident.name == "张新")
    assert resident.household_id == place[(A1, "b01")]
    assert resident.id_number == NEWCOMER_ID and resident.relation == "child"
    assert resident.arrived_on == date(2026, 11, 20) and resident.status == "registered"
    assert ref_of(app, resident.node_id) == B01
    events = rows(app, ChangeReportEvent, ChangeReportEvent.report_id == report_id)
    assert [(e.action, e.to_status) for e in events] == [
        ("report", "reported"),
        ("verify", "verified"),
        ("approve", "done"),
    ]
    # The leader sees the state of their report on their phone page.
    listing = leader.get(f"{pages()}/").text
    assert f'data-report="{report_id}"' in listing and 'data-status="done"' in listing


def test_a_death_marks_the_person_and_a_new_shop_becomes_a_unit(app, as_user, place):
    leader, worker = as_user("leader"), as_user("worker")
    r = report(
        leader, {"kind": "death", "facts": {"resident_id": place["resident"], "on": "2026-11-01"}}
    )
    assert r.status_code == 201, r.json
    death = r.json["id"]
    shop = {"name": "好邻居便利店", "address": "1号楼底商", "on": "2026-11-15"}
    r = report(leader, {"kind": "shop_open", "facts": shop})
    assert r.status_code == 201, r.json
    opened = r.json["id"]
    for report_id in (death, opened):
        assert step(worker, report_id, "verify").status_code == 200

    assert step(worker, death, "approve").status_code == 200
    [person] = rows(app, RegistryResident, RegistryResident.id == place["resident"])
    assert person.status == "deceased" and person.departed_on == date(2026, 11, 1)
    # The report still names the person, who is no longer on the building's list.
    assert '<dd data-fact="resident_id">王明</dd>' in leader.get(f"{pages()}/{death}").text

    # Without its credit code the unit cannot be registered: the approval is refused, naming
    # the field, and the worker adds it by correcting the facts.
    r = step(worker, opened, "approve")
    assert r.status_code == 422 and "credit_code" in r.json["error"]["fields"]
    assert rows(app, RegistryUnit) == []
    assert rows(app, ChangeReport, ChangeReport.id == opened)[0].status == "verified"
    r = step(worker, opened, "return", comment="请补充信用代码")
    assert r.status_code == 200
    r = step(leader, opened, "resubmit", facts={"credit_code": make_code()})
    assert r.status_code == 200 and r.json["status"] == "reported"
    assert step(worker, opened, "verify").status_code == 200
    assert step(worker, opened, "approve").status_code == 200
    [unit] = rows(app, RegistryUnit)
    assert (unit.name, unit.kind, ref_of(app, unit.node_id)) == ("好邻居便利店", "shop", B01)


def test_refused_steps_are_409_and_write_nothing(app, as_user, place):
    leader, worker = as_user("leader"), as_user("worker")
    report_id = report(leader, move_in(place[(A1, "b01")])).json["id"]
    before = len(rows(app, ChangeReportEvent))
    r = step(worker, report_id, "approve")  # not verified yet
    assert r.status_code == 409 and "status" in r.json["error"]["fields"]
    r = step(leader, report_id, "resubmit")  # not returned
    assert r.status_code == 409
    assert step(worker, report_id, "resubmit").status_code == 403  # the leader's step
    assert step(leader, report_id, "reject", comment="x").status_code == 403  # the worker's
    assert step(worker, report_id, "reject").status_code == 422  # a reason is required
    assert step(worker, report_id, "reject", comment="重复上报").status_code == 200
    assert step(worker, report_id, "verify").status_code == 409
    assert len(rows(app, ChangeReportEvent)) == before + 1
    assert rows(app, RegistryResident, RegistryResident.name == "张新") == []
    [kept] = rows(app, ChangeReport)
    assert kept.status == "rejected"


def test_a_failing_apply_refuses_the_approval_and_writes_nothing(app, as_user, place):
    """迁入 of an ID already registered in the community: 409, no resident, no event, no
    audit entry of the approval, the report still verified."""
    leader, worker = as_user("leader"), as_user("worker")
    taken = rows(app, RegistryResident, RegistryResident.id == place["resident"])[0].id_number
    report_id = report(leader, move_in(place[(A1, "b01")], id_number=taken, name="王明")).json["id"]
    assert step(worker, report_id, "verify").status_code == 200
    residents = len(rows(app, RegistryResident))
    audits = len(rows(app, AuditLog))
    change_listener.OFFERED.clear()
    r = step(worker, report_id, "approve")
    assert r.status_code == 409 and "id_number" in r.json["error"]["fields"]
    assert len(rows(app, RegistryResident)) == residents
    assert len(rows(app, AuditLog)) == audits
    assert rows(app, ChangeReport)[0].status == "verified"
    assert [e.action for e in rows(app, ChangeReportEvent)] == ["report", "verify"]
    assert change_listener.OFFERED == []


def test_the_leader_reports_only_at_their_building(app, as_user, place):
    leader = as_user("leader")
    # Another building's household of the same community: refused, naming the field.
    r = report(leader, move_in(place[(A1, "b02")]))
    assert r.status_code == 422 and "household_id" in r.json["error"]["fields"]
    r = report(leader, {**move_in(place[(A1, "b01")]), "building": B02})
    assert r.status_code == 422 and "building" in r.json["error"]["fields"]
    # Bad facts name their fields.
    r = report(leader, move_in(place[(A1, "b01")], id_number="123", on="2099-01-01"))
    assert r.status_code == 422
    assert {"id_number", "on"} <= set(r.json["error"]["fields"])
    # Another community does not exist for them.
    assert report(leader, move_in(place[(B1, "b01")]), ref=B1).status_code == 404
    assert leader.get(f"{pages(B1)}/").status_code == 404
    assert rows(app, ChangeReport) == []
    # The phone form offers the households of their building only.
    form = leader.get(f"{pages()}/new?kind=move_in").text
    assert "301室 王明" in form and "李华" not in form


def test_a_worker_of_another_community_cannot_see_or_verify(app, as_user, world, place):
    leader = as_user("leader")
    report_id = report(leader, move_in(place[(A1, "b01")])).json["id"]
    world.add_user("worker_b1", role="program_worker", at=B1)
    other = as_user("worker_b1")
    assert step(other, report_id, "verify", ref=B1).status_code == 404
    assert step(other, report_id, "verify").status_code == 404
    assert other.get(f"{api()}/reports/{report_id}").status_code == 404
    assert rows(app, ChangeReport)[0].status == "reported"


def test_s2_facts_are_masked_and_never_in_clear_in_the_audit_log(app, as_user, place):
    leader, worker, c_admin = as_user("leader"), as_user("worker"), as_user("c_admin")
    report_id = report(leader, move_in(place[(A1, "b01")])).json["id"]
    corrected = make_id(date(1990, 5, 17), 322)
    r = step(worker, report_id, "verify", facts={"id_number": corrected})
    assert r.status_code == 200
    for client in (leader, worker):
        body = client.get(f"{api()}/reports/{report_id}?unmask=1").json
        assert body["facts"]["id_number"] not in (NEWCOMER_ID, corrected)
        assert body["facts"]["id_number"].endswith(corrected[-4:])
        page = client.get(f"{pages()}/{report_id}?unmask=1").text
        assert corrected not in page and NEWCOMER_ID not in page
    # The community admin holds changes.sensitive.view: asks, sees, and it is audited.
    assert c_admin.get(f"{api()}/reports/{report_id}").json["facts"]["id_number"] != corrected
    assert c_admin.get(f"{api()}/reports/{report_id}?unmask=1").json["facts"]["id_number"] == (
        corrected
    )
    assert rows(app, AuditLog, AuditLog.action == "changes.report.unmask")
    assert step(worker, report_id, "approve").status_code == 200
    with app.app_context():
        audit_text = " ".join(
            f"{a.summary} {a.details}" for a in db.session.scalars(sa.select(AuditLog))
        )
        events_text = " ".join(
            str(e.changes) for e in db.session.scalars(sa.select(ChangeReportEvent))
        )
    for clear in (NEWCOMER_ID, corrected):
        assert clear not in audit_text and clear not in events_text
    assert "changes.report.verify" in {a.action for a in rows(app, AuditLog)}


def test_the_applied_report_is_offered_to_every_module(app, as_user, place):
    system = app.extensions["jiedao.plugins"]
    system.manager.register(change_listener, name="change_listener")
    try:
        change_listener.OFFERED.clear()
        leader, worker = as_user("leader"), as_user("worker")
        report_id = report(leader, move_in(place[(A1, "b01")], on="2026-11-02")).json["id"]
        assert step(worker, report_id, "verify").status_code == 200
        assert change_listener.OFFERED == []
        assert step(worker, report_id, "approve").status_code == 200
        [(kind, status, node_id)] = change_listener.OFFERED
        assert (kind, status, ref_of(app, node_id)) == ("move_in", "done", B01)
    finally:
        system.manager.unregister(name="change_listener")


def test_the_workbench_counts_reports_waiting_to_be_verified(app, as_user, place, world):
    leader, worker = as_user("leader"), as_user("worker")
    first = report(leader, move_in(place[(A1, "b01")])).json["id"]
    report(
        leader, {"kind": "death", "facts": {"resident_id": place["resident"], "on": "2026-11-01"}}
    )
    home = worker.get("/").text
    label = "Change reports waiting to be verified"
    with app.test_request_context():
        from flask_babel import force_locale, gettext

        with force_locale("zh_Hans_CN"):
            label_zh = gettext(label)
    assert label_zh in home or label in home
    from core.permissions import load_scope
    from core.workbench import work_items

    with app.app_context():
        scope = load_scope(db.session, world.user("worker").id)
        items = [
            i
            for i in work_items(db.session, scope, date(2026, 12, 2))
            if i.source.key.startswith("changes.")
        ]
        assert [(i.node.ref, i.count) for i in items] == [(A1, 2)]
    assert step(worker, first, "verify").status_code == 200
    with app.app_context():
        scope = load_scope(db.session, world.user("worker").id)
        items = [
            i
            for i in work_items(db.session, scope, date(2026, 12, 2))
            if i.source.key.startswith("changes.")
        ]
        assert [(i.node.ref, i.count) for i in items] == [(A1, 1)]
        # The leader verifies nothing: no such work item for them.
        scope = load_scope(db.session, world.user("leader").id)
        assert not [
            i
            for i in work_items(db.session, scope, date(2026, 12, 2))
            if i.source.key.startswith("changes.")
        ]


def test_module_off_hides_the_reports(app, as_user, world, place):
    from tenants import modules

    leader = as_user("leader")
    assert report(leader, move_in(place[(A1, "b01")])).status_code == 201
    with app.app_context():
        modules.disable(db.session, world.node(A1), "registry")
        db.session.commit()
    assert leader.get(f"{pages()}/").status_code == 404
    assert report(leader, move_in(place[(A1, "b01")])).status_code == 404


def test_the_phone_page_reports_with_a_form_and_a_photo(app, as_user, place):
    leader = as_user("leader")
    picker = leader.get(f"{pages()}/new").text
    for kind in ("move_in", "move_out", "rental", "birth", "death", "marriage", "divorce"):
        assert f'data-kind="{kind}"' in picker
    assert 'data-kind="shop_open"' in picker and 'data-kind="shop_close"' in picker
    import io

    from tests.core.test_attachments import PNG as png

    r = leader.post(
        f"{pages()}/new?kind=rental",
        data={
            "kind": "rental",
            "household_id": str(place[(A1, "b01")]),
            "tenants": "",
            "on": "2026-11-03",
            "photo": (io.BytesIO(png), "door.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 422 and "field-error" in r.text  # tenants missing
    assert rows(app, ChangeReport) == []
    r = leader.post(
        f"{pages()}/new?kind=rental",
        data={
            "kind": "rental",
            "household_id": str(place[(A1, "b01")]),
            "tenants": "3",
            "on": "2026-11-03",
            "photo": (io.BytesIO(png), "door.png"),
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 303, r.text
    [made] = rows(app, ChangeReport)
    detail = leader.get(r.headers["Location"]).text
    assert "301室 王明" in detail and "changes/photos/" in detail
    photo_url = detail.split('src="')[1].split('"')[0] if 'src="/c/' in detail else None
    assert made.kind == "rental" and made.facts["tenants"] == 3
    assert photo_url is None or leader.get(photo_url).status_code == 200
    # Nothing reaches the registry before a worker completes the report.
    [flat] = rows(app, RegistryHousehold, RegistryHousehold.id == place[(A1, "b01")])
    assert flat.tenure == "owned"


def test_the_sidebar_entries_lead_to_the_community(as_user, place):
    leader, worker, inspector = as_user("leader"), as_user("worker"), as_user("inspector")
    r = leader.get("/changes/")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/c/{A1}/changes/")
    r = worker.get("/changes/queue")
    assert r.status_code == 302 and r.headers["Location"].endswith("?status=reported")
    assert leader.get("/changes/queue").status_code == 404  # verifies nothing
    assert inspector.get("/changes/").status_code == 404
    assert inspector.get(f"{pages()}/").status_code == 404
    assert "信息反馈" in leader.get("/").text


def test_an_apply_that_fails_after_writing_leaves_nothing_behind(app, as_user, place, monkeypatch):
    """All or nothing: the resident the apply already flushed goes with the refused approval."""
    from dataclasses import replace

    from core.errors import DomainError
    from plugins.registry import changes

    def half_done(session, report, facts):
        changes.apply_move_in(session, report, facts)
        raise DomainError("the second half failed", {"household_id": ["the second half failed"]})

    monkeypatch.setattr(
        changes,
        "KINDS",
        [replace(k, apply=half_done) if k.key == "move_in" else k for k in changes.KINDS],
    )
    leader, worker = as_user("leader"), as_user("worker")
    report_id = report(leader, move_in(place[(A1, "b01")])).json["id"]
    assert step(worker, report_id, "verify").status_code == 200
    audits = len(rows(app, AuditLog))
    r = step(worker, report_id, "approve")
    assert r.status_code == 422 and r.json["error"]["fields"] == {
        "household_id": ["the second half failed"]
    }
    assert rows(app, RegistryResident, RegistryResident.name == "张新") == []
    assert len(rows(app, AuditLog)) == audits
    assert rows(app, ChangeReport)[0].status == "verified"


def test_a_photo_is_added_through_the_api_within_the_community(as_user, world, place):
    import io

    from tests.core.test_attachments import PNG

    leader = as_user("leader")
    report_id = report(leader, move_in(place[(A1, "b01")])).json["id"]
    url = f"{api()}/reports/{report_id}/photos"
    r = leader.post(url, data={"photo": (io.BytesIO(b"not an image"), "x.png")})
    assert r.status_code == 422 and "photo" in r.json["error"]["fields"]
    r = leader.post(url, data={"photo": (io.BytesIO(PNG), "door.png")})
    assert r.status_code == 201 and leader.get(r.json["url"]).status_code == 200
    world.add_user("worker_b1", role="program_worker", at=B1)
    other = as_user("worker_b1")
    assert other.get(r.json["url"]).status_code == 404
    assert other.post(url, data={"photo": (io.BytesIO(PNG), "x.png")}).status_code == 404


def test_a_listener_that_breaks_is_switched_off_and_its_writes_undone(app, as_user, place):
    from core.plugins import PluginInfo

    system = app.extensions["jiedao.plugins"]
    breaker = change_listener.Breaks()
    system.manager.register(change_listener, name="change_listener")
    system.manager.register(breaker, name="change_breaker")
    system.plugins["change_breaker"] = PluginInfo("change_breaker", "active", module=breaker)
    system.order.append("change_breaker")
    try:
        change_listener.OFFERED.clear()
        leader, worker = as_user("leader"), as_user("worker")
        report_id = report(leader, move_in(place[(A1, "b01")])).json["id"]
        assert step(worker, report_id, "verify").status_code == 200
        r = step(worker, report_id, "approve")
        assert r.status_code == 200 and r.json["status"] == "done"
        assert system.plugins["change_breaker"].status == "broken"
        [kept] = rows(app, ChangeReport)
        assert kept.note == "刚搬来"  # the broken module's write is gone
        assert rows(app, RegistryResident, RegistryResident.name == "张新")  # applied
        assert change_listener.OFFERED[-1][:2] == ("move_in", "done")  # the others asked again
    finally:
        system.plugins.pop("change_breaker", None)
        system.order = [n for n in system.order if n != "change_breaker"]
        for name in ("change_listener", "change_breaker"):
            if system.manager.has_plugin(name):
                system.manager.unregister(name=name)


def test_a_birth_without_an_id_a_rental_and_a_marriage_fill_the_registry_20_fields(
    app, as_user, place, jiedao_clock
):
    jiedao_clock("2026-12-01T04:00:00+00:00")
    leader, worker = as_user("leader"), as_user("worker")
    house = place[(A1, "b01")]

    def through(body):
        r = report(leader, body)
        assert r.status_code == 201, r.json
        assert step(worker, r.json["id"], "verify").status_code == 200
        return r.json["id"], step(worker, r.json["id"], "approve")

    birth = {"household_id": house, "name": "王小宝", "on": "2026-11-20", "gender": "F"}
    _id, refused = through({"kind": "birth", "facts": birth})  # neither ID nor certificate
    assert refused.status_code == 422
    assert "birth_certificate_number" in refused.json["error"]["fields"]
    assert rows(app, RegistryResident, RegistryResident.name == "王小宝") == []
    _id, done = through(
        {"kind": "birth", "facts": {**birth, "birth_certificate_number": "Q110123456"}}
    )
    assert done.status_code == 200, done.json
    [baby] = rows(app, RegistryResident, RegistryResident.name == "王小宝")
    assert (baby.id_number, baby.birth_certificate_number) == (None, "Q110123456")
    assert (baby.birth_date, baby.gender, baby.relation) == (date(2026, 11, 20), "F", "child")

    _id, let = through(
        {"kind": "rental", "facts": {"household_id": house, "tenants": 4, "on": "2026-11-03"}}
    )
    assert let.status_code == 200
    [flat] = rows(app, RegistryHousehold, RegistryHousehold.id == house)
    assert (flat.rental, flat.tenant_count, flat.tenure) == (True, 4, "rented")

    wed = {"kind": "marriage", "facts": {"resident_id": place["resident"], "on": "2026-11-05"}}
    assert through(wed)[1].status_code == 200
    [wang] = rows(app, RegistryResident, RegistryResident.id == place["resident"])
    assert wang.marital_status == "first_marriage"
    split = {"kind": "divorce", "facts": {"resident_id": place["resident"], "on": "2026-11-06"}}
    assert through(split)[1].status_code == 200
    assert through(wed)[1].status_code == 200
    [wang] = rows(app, RegistryResident, RegistryResident.id == place["resident"])
    assert wang.marital_status == "remarried"
    # The legal marriage age holds here too: the approval is refused and nothing changes.
    teen = {**wed, "facts": {"resident_id": baby.id, "on": "2026-11-25"}}
    _id, under_age = through(teen)
    assert under_age.status_code == 422 and "marital_status" in under_age.json["error"]["fields"]
    [baby] = rows(app, RegistryResident, RegistryResident.id == baby.id)
    assert baby.marital_status is None and baby.notes == ""
