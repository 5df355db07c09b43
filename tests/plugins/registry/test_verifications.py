"""经常性核查回访 / 每月排查: the verification log of floating residents, its filter "本月未核查",
its indicators, the move-out offer on 已离开, and its migration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from core import clock
from plugins.registry.verifications import RegistryVerification

from .conftest import A1, A2, B1, STREET_A, api, make_id, page

TODAY = date(2026, 6, 15)
NOW = datetime(2026, 6, 15, 4, 0, tzinfo=UTC)
ZHANG = {
    "name": "张伟",
    "id_number": make_id(date(1990, 1, 2), 125),
    "status": "floating",
    "arrived_on": "2026-01-10",
}


def _floating(client, ref=A1, data=ZHANG) -> int:
    r = client.post(f"{api(ref)}/residents", json=data)
    assert r.status_code == 201, r.json
    return r.json["id"]


def _verify(client, resident, ref=A1, **data):
    body = {"resident_id": resident, "verified_on": "2026-06-10", "method": "visit"}
    return client.post(f"{api(ref)}/verifications", json={"result": "present", **body, **data})


def test_a_verification_is_recorded_listed_and_dated_on_the_resident(as_user, enable, world, app):
    enable()
    worker = as_user("worker")
    with app.app_context():
        shown_name = world.user("worker").display_name
    with clock.fixed(NOW):
        rid = _floating(worker)
        first = _verify(worker, rid, verified_on="2026-05-20", method="电话回访")
        assert first.status_code == 201, first.json
        body = first.json
        assert body["method"] == "phone" and body["result"] == "present"
        assert body["resident"] == "张伟" and body["verified_by"] == shown_name
        assert "move_out" not in body
        assert _verify(worker, rid, method="employer", result="changed").status_code == 201
        listed = worker.get(f"{api()}/verifications").json["items"]
        assert [i["verified_on"] for i in listed] == ["2026-06-10", "2026-05-20"]
        assert worker.get(f"{api()}/verifications?method=phone").json["total"] == 1
        assert worker.get(f"{api()}/verifications?resident={rid}").json["total"] == 2
        assert worker.get(f"{api()}/verifications?since=2026-06-01").json["total"] == 1
        resident = worker.get(f"{api()}/residents/{rid}").json
        assert resident["last_verified_on"] == "2026-06-10"
        row = worker.get(f"{api()}/residents").json["items"][0]
        assert row["last_verified_on"] == "2026-06-10"
        assert "2026-06-10" in worker.get(f"{page()}/").text
        detail = worker.get(f"{page()}/residents/{rid}").text
        assert 'data-field="last_verified_on">2026-06-10' in detail
        assert f"/c/{A1}/registry/verifications/new?resident={rid}" in detail
        form = worker.get(f"{page()}/verifications/new?resident={rid}").text
        assert 'value="张伟 ' in form and 'value="2026-06-15"' in form  # the resident and today
        listing = worker.get(f"{page()}/verifications").text
        assert "单位核实" in listing and "信息有变" in listing
        history = worker.get(f"{api()}/verifications/{body['id']}/history").json["items"]
        assert history[0]["action"] == "create"


def test_not_verified_this_month_and_the_indicators(as_user, enable):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    with clock.fixed(NOW):
        done = _floating(s_admin)
        waiting = _floating(
            s_admin, data={**ZHANG, "name": "李娜", "id_number": make_id(date(1992, 3, 4), 126)}
        )
        last_month = _floating(
            s_admin, data={**ZHANG, "name": "王强", "id_number": make_id(date(1993, 3, 4), 127)}
        )
        _floating(
            s_admin,
            A2,
            {**ZHANG, "name": "赵敏", "id_number": make_id(date(1994, 3, 4), 128)},
        )
        s_admin.post(
            f"{api()}/residents",
            json={"name": "孙丽", "id_number": make_id(date(1980, 3, 4), 129)},
        )  # registered, not floating: never "unverified"
        assert _verify(s_admin, done).status_code == 201
        assert _verify(s_admin, last_month, verified_on="2026-05-31").status_code == 201
        unverified = s_admin.get(f"{api()}/residents?unverified=1").json["items"]
        assert sorted(i["name"] for i in unverified) == ["李娜", "王强"]
        assert waiting in {i["id"] for i in unverified}
        assert "本月未核查" in s_admin.get(f"{page()}/").text
        june = s_admin.get(f"/api/v1/nodes/{STREET_A}/indicators?period=2026-06").json["items"]
        values = {i["name"]: i for i in june}
        assert values["registry.floating"]["value"] == 4
        assert values["registry.floating_verified"]["value"] == 1
        share = values["registry.floating_verified_share"]
        assert share["numerator"] == 1 and share["denominator"] == 4 and share["value"] == 25
        may = s_admin.get(f"/api/v1/nodes/{A1}/indicators?period=2026-05").json["items"]
        assert {i["name"]: i["value"] for i in may}["registry.floating_verified"] == 1


def test_bad_input_is_refused_by_field_and_nothing_is_written(as_user, enable, count):
    enable(A1, A2)
    worker, s_admin = as_user("worker"), as_user("s_admin")
    with clock.fixed(NOW):
        rid = _floating(worker)
        registered = worker.post(
            f"{api()}/residents", json={"name": "孙丽", "id_number": make_id(date(1980, 3, 4), 129)}
        ).json["id"]
        elsewhere = _floating(
            s_admin, A2, {**ZHANG, "name": "赵敏", "id_number": make_id(date(1994, 3, 4), 128)}
        )
        cases = {
            "verified_on": {"verified_on": "2026-06-16"},  # tomorrow
            "method": {"method": "letter"},
            "result": {"result": "unknown"},
        }
        for field, bad in cases.items():
            r = _verify(worker, rid, **bad)
            assert r.status_code == 422 and field in r.json["error"]["fields"], (field, r.json)
        early = _verify(worker, rid, verified_on="2026-01-01")  # before arriving on 01-10
        assert (
            early.status_code == 422 and "早于" in early.json["error"]["fields"]["verified_on"][0]
        )
        for other in (registered, elsewhere, 2**40):
            r = _verify(worker, other)
            assert r.status_code == 422 and "resident_id" in r.json["error"]["fields"], other
        nobody = _verify(worker, rid, verified_by_id=999_999)  # no such user holds a role here
        assert nobody.status_code == 422 and "verified_by_id" in nobody.json["error"]["fields"]
        missing = worker.post(f"{api()}/verifications", json={"resident_id": rid})
        assert set(missing.json["error"]["fields"]) >= {"verified_on", "method", "result"}
        form = worker.post(
            f"{page()}/verifications/new",
            data={"resident_id": str(rid), "verified_on": "2026-06-16", "method": "visit"},
        )
        assert form.status_code == 422 and 'value="张伟 ' in form.text
    assert count(RegistryVerification) == 0


def test_others_are_refused(as_user, enable):
    enable(A1, B1)
    d_admin, worker, inspector = as_user("d_admin"), as_user("worker"), as_user("inspector")
    with clock.fixed(NOW):
        b1 = _floating(d_admin, B1)
        vid = _verify(d_admin, b1, ref=B1).json["id"]
        assert worker.get(f"{api(B1)}/verifications").status_code == 404
        assert worker.get(f"{api(B1)}/verifications/{vid}").status_code == 404
        assert worker.get(f"{api()}/verifications/{vid}").status_code == 404  # not via A1
        assert _verify(worker, b1).status_code == 422  # another community's resident
        assert inspector.get(f"{api(B1)}/verifications/{vid}").status_code == 200
        assert _verify(inspector, b1, ref=B1).status_code == 403
        assert inspector.get(f"{page(B1)}/verifications/new").status_code == 403
        assert (
            inspector.patch(f"{api(B1)}/verifications/{vid}", json={"notes": "x"}).status_code
            == 403
        )
        assert as_user("leader").get(f"{page()}/verifications").status_code == 404
        picked = worker.get(f"{api()}/picker/floating?q=张").json["items"]
        assert picked == []  # B1's 张伟 is not the worker's


def test_has_left_offers_the_move_out_step_and_does_not_take_it(as_user, enable):
    enable()
    worker = as_user("worker")
    with clock.fixed(NOW):
        rid = _floating(worker)
        registered = worker.post(
            f"{api()}/residents", json={"name": "孙丽", "id_number": make_id(date(1980, 3, 4), 129)}
        ).json["id"]
        picked = worker.get(f"{api()}/picker/floating?q=张").json["items"]
        assert [i["id"] for i in picked] == [rid]
        assert worker.get(f"{api()}/picker/floating?q=孙").json["items"] == []  # not floating
        assert registered
        left = _verify(worker, rid, result="已离开", verified_on="2026-06-12")
        assert left.status_code == 201
        offer = left.json["move_out"]
        assert offer["on"] == "2026-06-12"
        assert offer["url"] == f"/api/v1/c/{A1}/registry/residents/{rid}/move-out"
        assert worker.get(f"{api()}/residents/{rid}").json["status"] == "floating"  # not silently
        html = worker.get(f"{page()}/verifications/{left.json['id']}").text
        assert 'data-registry="move-out-offer"' in html and 'value="2026-06-12"' in html
        gone = worker.post(offer["url"], json={"on": offer["on"]})
        assert gone.status_code == 200 and gone.json["status"] == "moved_out"
        after = worker.get(f"{api()}/verifications/{left.json['id']}").json
        assert "move_out" not in after
        assert (
            'data-registry="move-out-offer"'
            not in worker.get(f"{page()}/verifications/{left.json['id']}").text
        )
        # The record stays editable after the resident left.
        edited = worker.patch(
            f"{api()}/verifications/{left.json['id']}", json={"notes": "已回老家"}
        )
        assert edited.status_code == 200 and edited.json["notes"] == "已回老家"
        assert _verify(worker, rid).status_code == 422  # no new verification of a departed one


def test_the_workbench_counts_floating_residents_not_verified_this_month(as_user, enable):
    enable()
    worker = as_user("worker")
    with clock.fixed(NOW):
        rid = _floating(worker)
        assert 'data-work="registry.floating_unverified"' in worker.get("/").text
        _verify(worker, rid)
        assert 'data-work="registry.floating_unverified"' not in worker.get("/").text
    with clock.fixed(NOW + timedelta(days=30)):  # a new month: due again
        assert 'data-work="registry.floating_unverified"' in worker.get("/").text
