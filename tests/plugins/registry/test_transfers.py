"""The same resident ID live in two communities (人户分离 / 重复登记): registering warns with the
other record, a confirmation registers here too, 迁入 moves the record with its id and history;
a street lists the pairs; a community outside the user's scope is never told of."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa

from core.db import db
from core.models import AuditLog
from plugins.registry.models import RegistryResident

from .conftest import A1, A2, B1, STREET_A, api, make_id, page

WANG = {"name": "王秀兰", "id_number": make_id(date(1950, 5, 4), 124), "mobile": "13812345678"}
MASKED = WANG["id_number"][:6] + "********" + WANG["id_number"][-4:]


def _create(client, ref, data=None):
    return client.post(f"{api(ref)}/residents", json=data or WANG)


def test_registering_an_id_live_in_another_community_warns_until_confirmed(
    as_user, enable, count, app
):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    first = _create(s_admin, A1).json["id"]
    again = _create(s_admin, A2)
    assert again.status_code == 409
    error = again.json["error"]
    assert "id_number" in error["fields"] and "永安里东社区" in error["fields"]["id_number"][0]
    assert error["duplicates"] == [
        {
            "id": first,
            "community": A1,
            "community_name": "永安里东社区",
            "name": "王秀兰",
            "id_number": MASKED,
            "status": "registered",
            "can_transfer": True,
        }
    ]
    assert count(RegistryResident) == 1
    confirmed = _create(s_admin, A2, {**WANG, "confirm_duplicate": True})
    assert confirmed.status_code == 201
    with app.app_context():
        summary = db.session.scalar(
            sa.select(AuditLog.summary).where(
                AuditLog.action == "registry.resident.create",
                AuditLog.object_id == str(confirmed.json["id"]),
            )
        )
    assert "人户分离" in summary and "永安里东社区" in summary
    # A record that left the register (迁出) is not live: no warning.
    s_admin.post(f"{api(A1)}/residents/{first}/move-out", json={"on": "2026-01-02"})
    other = {"name": "李强", "id_number": make_id(sequence=11)}
    assert _create(s_admin, A1, other).status_code == 201
    s_admin.post(
        f"{api(A1)}/residents/{_ids(s_admin, A1, '李强')}/move-out", json={"on": "2026-01-02"}
    )
    assert _create(s_admin, A2, other).status_code == 201


def _ids(client, ref, name):
    items = client.get(f"{api(ref)}/residents?q={name}").json["items"]
    return items[0]["id"]


def test_the_form_shows_the_other_record_and_both_ways_out(as_user, enable):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    first = _create(s_admin, A1).json["id"]
    form = {"name": "王秀兰", "id_number": WANG["id_number"], "status": "registered"}
    warned = s_admin.post(f"{page(A2)}/residents/new", data=form)
    assert warned.status_code == 409
    html = warned.text
    assert 'data-registry="duplicates"' in html and "永安里东社区" in html and "王秀兰" in html
    assert MASKED in html and "13812345678" not in html
    assert f'formaction="/c/{A1}/registry/residents/{first}/transfer"' in html
    assert 'name="confirm_duplicate" value="1"' in html
    confirmed = s_admin.post(f"{page(A2)}/residents/new", data={**form, "confirm_duplicate": "1"})
    assert confirmed.status_code == 302


def test_a_transfer_moves_the_record_with_its_id_and_history(as_user, enable, app, world):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    house = s_admin.post(
        f"{api(A1)}/households", json={"building": "1号楼", "room": "101", "head_name": "王秀兰"}
    ).json["id"]
    rid = _create(s_admin, A1, {**WANG, "household_id": house, "relation": "head"}).json["id"]
    s_admin.patch(f"{api(A1)}/residents/{rid}", json={"notes": "独居"})
    # From A2's form: the transfer button posts the target community to A1's record.
    moved = s_admin.post(f"{page(A1)}/residents/{rid}/transfer", data={"community": A2})
    assert moved.status_code == 302 and moved.headers["Location"].endswith(
        f"/c/{A2}/registry/residents/{rid}"
    )
    body = s_admin.get(f"{api(A2)}/residents/{rid}").json
    assert body["community"] == A2 and body["node"] == A2 and body["notes"] == "独居"
    assert body["household"] is None and not body["relation"]
    assert s_admin.get(f"{api(A1)}/residents/{rid}").status_code == 404
    history = s_admin.get(f"{api(A2)}/residents/{rid}/history").json["items"]
    assert [h["action"] for h in history] == ["transfer", "update", "create"]
    assert history[0]["changes"]["community"] == ["永安里东社区", "建国里社区"]
    assert history[0]["changes"]["household"] == ["1号楼101室", None]
    timeline = s_admin.get(f"{page(A2)}/residents/{rid}").text
    assert "迁入" in timeline and "社区：永安里东社区 → 建国里社区" in timeline
    with app.app_context():
        logged = db.session.execute(
            sa.select(AuditLog.action, AuditLog.node_path).where(
                AuditLog.action.like("registry.resident.transfer%")
            )
        ).all()
        moved_row = db.session.get(RegistryResident, rid)
        keys = (moved_row.node_id, moved_row.community_id)
        target = world.node(A2).id
    assert sorted(a for a, _p in logged) == [
        "registry.resident.transfer",
        "registry.resident.transfer_out",
    ]
    assert len({p for _a, p in logged}) == 2  # one line in each community's log
    assert keys == (target, target)  # the row's tenant keys moved too
    assert s_admin.get(f"{api(A2)}/residents").json["total"] == 1
    # Back through the API; the same ID already in the target is a 409.
    back = s_admin.post(f"{api(A2)}/residents/{rid}/transfer", json={"community": A1})
    assert back.status_code == 200 and back.json["community"] == A1
    _create(s_admin, A2, {**WANG, "confirm_duplicate": True})
    clash = s_admin.post(f"{api(A1)}/residents/{rid}/transfer", json={"community": A2})
    assert clash.status_code == 409 and "id_number" in clash.json["error"]["fields"]
    same = s_admin.post(f"{api(A1)}/residents/{rid}/transfer", json={"community": A1})
    assert same.status_code == 422 and same.json["error"]["fields"]["community"]
    bad = s_admin.post(f"{api(A1)}/residents/{rid}/transfer", json={"community": ""})
    assert bad.status_code == 422 and "community" in bad.json["error"]["fields"]


def test_a_transfer_needs_registry_edit_at_both_ends(as_user, enable, world, app):
    enable(A1, A2, B1)
    s_admin, d_admin = as_user("s_admin"), as_user("d_admin")
    a2 = _create(s_admin, A2).json["id"]
    b1 = _create(d_admin, B1, {**WANG, "confirm_duplicate": True}).json["id"]
    worker, inspector = as_user("worker"), as_user("inspector")
    # The worker edits A1 only: A2's record is not theirs to move (404), nor B1 a target.
    assert (
        worker.post(f"{api(A2)}/residents/{a2}/transfer", json={"community": A1}).status_code == 404
    )
    mine = _create(worker, A1, {"name": "李强", "id_number": make_id(sequence=11)}).json["id"]
    for target in (A2, B1, "nowhere"):
        r = worker.post(f"{api(A1)}/residents/{mine}/transfer", json={"community": target})
        assert r.status_code == 404, target
    # The inspector reads everywhere, edits nowhere.
    r = inspector.post(f"{api(B1)}/residents/{b1}/transfer", json={"community": A2})
    assert r.status_code == 403
    # A street admin of 建外 does not reach 朝外's B1, from either end.
    r = s_admin.post(f"{api(A2)}/residents/{a2}/transfer", json={"community": B1})
    assert r.status_code == 404
    assert (
        s_admin.post(f"{api(B1)}/residents/{b1}/transfer", json={"community": A2}).status_code
        == 404
    )
    # Viewing the target is not enough: the edit permission is needed there.
    from core.permissions import load_scope
    from plugins.registry import transfers

    with app.test_request_context():
        scope = load_scope(db.session, world.user("inspector").id)
        assert transfers.visible_target(db.session, scope, A2) is not None
        assert not scope.allows("registry.edit", world.node(A2).path)


def test_a_community_outside_the_scope_is_never_told_of(as_user, enable):
    enable(A1, B1)
    d_admin, worker = as_user("d_admin"), as_user("worker")
    assert _create(d_admin, B1).status_code == 201  # 朝外街道, outside the worker's scope
    mine = _create(worker, A1)
    assert mine.status_code == 201, mine.json  # no warning, nothing said of B1
    assert "吉祥里" not in str(mine.json)
    form = worker.post(
        f"{page(A1)}/residents/new",
        data={
            "name": "王秀兰",
            "id_number": make_id(date(1950, 5, 4), 124),
            "status": "registered",
        },
    )
    assert "吉祥里" not in form.text  # already here: the community's own refusal only


def test_a_street_lists_the_ids_live_in_two_of_its_communities(as_user, enable):
    enable(A1, A2, B1)
    s_admin, d_admin = as_user("s_admin"), as_user("d_admin")
    twice = [WANG, {"name": "李强", "id_number": make_id(sequence=11)}]
    for data in twice:
        _create(s_admin, A1, data)
        _create(s_admin, A2, {**data, "confirm_duplicate": True})
    _create(s_admin, A1, {"name": "赵六", "id_number": make_id(sequence=21)})  # once only
    _create(d_admin, B1, {**WANG, "confirm_duplicate": True})  # in the other street
    street = s_admin.get(f"/api/v1/r/{STREET_A}/registry/duplicates").json
    assert street["total"] == 2 and street["node"] == STREET_A
    assert [len(g["residents"]) for g in street["items"]] == [2, 2]
    assert {r["community"] for g in street["items"] for r in g["residents"]} == {A1, A2}
    assert all("********" in g["id_number"] for g in street["items"])
    assert [(c["community"], c["count"]) for c in street["communities"]] == [(A1, 2), (A2, 2)]
    paged = s_admin.get(f"/api/v1/r/{STREET_A}/registry/duplicates?per_page=1&page=2").json
    assert paged["pages"] == 2 and len(paged["items"]) == 1
    district = d_admin.get("/api/v1/r/110105/registry/duplicates").json
    wang = next(g for g in district["items"] if g["id_number"] == MASKED)
    assert {r["community"] for r in wang["residents"]} == {A1, A2, B1}
    assert district["total"] == 2
    overview = s_admin.get(f"/r/{STREET_A}/registry/").text
    assert f'href="/r/{STREET_A}/registry/duplicates"' in overview
    html = s_admin.get(f"/r/{STREET_A}/registry/duplicates").text
    assert "王秀兰" in html and "李强" in html and "赵六" not in html
    assert WANG["id_number"] not in html
    # Workers of one community have no street view; another street's admin sees nothing.
    assert as_user("worker").get(f"/api/v1/r/{STREET_A}/registry/duplicates").status_code == 404
    assert s_admin.get("/api/v1/r/110105002/registry/duplicates").status_code == 404


def test_an_import_reports_an_id_live_elsewhere_as_a_warning(as_user, enable, count):
    enable(A1, A2)
    s_admin = as_user("s_admin")
    _create(s_admin, A1)
    text = f"姓名,身份证号\n王秀兰,{WANG['id_number']}\n李强,{make_id(sequence=11)}\n"

    def upload(query=""):
        return s_admin.post(
            f"/api/v1/nodes/{A2}/imports/registry.residents{query}",
            data={"file": (io.BytesIO(text.encode()), "居民.csv")},
            content_type="multipart/form-data",
        )

    dry = upload("?dry_run=1")
    assert dry.status_code == 200 and dry.json["dry_run"] is True and dry.json["rows"] == 2
    (warning,) = dry.json["warnings"]
    assert warning["row"] == 2 and warning["column"] == "身份证号"
    assert "永安里东社区" in warning["reason"]
    assert count(RegistryResident) == 1
    page_check = s_admin.post(
        f"/n/{A2}/imports/registry.residents",
        data={"file": (io.BytesIO(text.encode()), "居民.csv")},
        content_type="multipart/form-data",
    )
    assert page_check.status_code == 200 and "data-import-warnings" in page_check.text
    assert "永安里东社区" in page_check.text and 'name="token"' in page_check.text
    done = upload()
    assert done.json["created"] == 2 and len(done.json["warnings"]) == 1
    assert count(RegistryResident) == 3
