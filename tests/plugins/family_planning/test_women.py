"""The register of married women: filed from the registry, refused when the registry does not
support it, each refusal a translated 422 naming the field; history on every edit."""

from __future__ import annotations

from datetime import date

from .conftest import api, page


def test_a_worker_files_a_woman_the_registry_lists_as_a_candidate(enable, as_user, resident):
    enable()
    woman = resident(name="李红梅")
    resident(name="张老太", born=date(1960, 1, 1))  # 66: not of childbearing age
    resident(name="赵小妹", marital="unmarried", born=date(2000, 1, 1))
    resident(name="钱先生", gender="M")
    worker = as_user("worker")
    listed = worker.get(f"{api()}/candidates").json["candidates"]
    assert [c["name"] for c in listed] == ["李红梅"]
    assert 'data-candidate="李红梅"' in worker.get(f"{page()}/candidates").text
    created = worker.post(f"{api()}/women", json={"resident_id": woman, "residence": "local"})
    assert created.status_code == 201, created.json
    assert created.json["name"] == "李红梅" and created.json["status"] == "active"
    assert created.json["marriage_kind"] == "first"  # from the registry
    assert worker.get(f"{api()}/candidates").json["candidates"] == []


def test_the_registry_decides_who_may_be_filed(enable, as_user, resident):
    enable()
    worker = as_user("worker")
    for name, kw, reason in [
        ("钱先生", {"gender": "M"}, "只为女性建档。"),
        ("张老太", {"born": date(1970, 1, 1)}, "只为15至49周岁的妇女建档。"),
        ("赵小妹", {"marital": "unmarried", "born": date(2000, 1, 1)}, "基础台账中她不是已婚"),
    ]:
        refused = worker.post(f"{api()}/women", json={"resident_id": resident(name=name, **kw)})
        assert refused.status_code == 422
        assert refused.json["error"]["fields"]["resident_id"][0].startswith(reason)
    woman = resident(name="孙丽")
    assert worker.post(f"{api()}/women", json={"resident_id": woman}).status_code == 201
    again = worker.post(f"{api()}/women", json={"resident_id": woman})
    assert again.status_code == 409
    assert again.json["error"]["fields"]["resident_id"] == ["她已建有信息卡。"]


def test_outflow_spouse_and_due_date_are_checked(enable, as_user, resident):
    enable()
    worker = as_user("worker")
    woman = resident(name="周敏")
    outflow = worker.post(f"{api()}/women", json={"resident_id": woman, "residence": "outflow"})
    assert outflow.status_code == 422
    assert "outflow_to" in outflow.json["error"]["fields"]
    female_id = worker.post(
        f"{api()}/women",
        json={
            "resident_id": woman,
            "spouse_name": "吴刚",
            "spouse_id_number": "11010519900401002X",
        },
    )
    assert female_id.status_code == 422 and "spouse_id_number" in female_id.json["error"]["fields"]
    far = worker.post(
        f"{api()}/women",
        json={"resident_id": woman, "pregnancy": "pregnant", "due_on": "2027-06-01"},
    )
    assert far.json["error"]["fields"]["due_on"] == ["预产期须在今天前后300天以内。"]
    not_pregnant = worker.post(
        f"{api()}/women", json={"resident_id": woman, "due_on": "2026-09-01"}
    )
    assert not_pregnant.json["error"]["fields"]["due_on"] == ["只有孕期才填写预产期。"]
    bad_phone = worker.post(f"{api()}/women", json={"resident_id": woman, "outflow_contact": "12"})
    assert bad_phone.status_code == 422 and "outflow_contact" in bad_phone.json["error"]["fields"]


def test_an_edit_is_in_the_history_and_an_exit_keeps_the_card(enable, as_user, card):
    enable()
    worker = as_user("worker")
    card_id = card(name="何静")
    edited = worker.patch(f"{api()}/women/{card_id}", json={"platform_on": "2026-06-01"})
    assert edited.status_code == 200, edited.json
    history = worker.get(f"{api()}/women/{card_id}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert "platform_on" in history[0]["changes"]
    left = worker.post(f"{api()}/women/{card_id}/exit", json={"reason": "moved"})
    assert left.status_code == 200, left.json
    assert (left.json["status"], left.json["exit_reason"]) == ("exited", "moved")
    again = worker.post(f"{api()}/women/{card_id}/exit", json={"reason": "moved"})
    assert again.status_code == 422
    latest = worker.get(f"{api()}/women/{card_id}/history").json["items"][0]
    assert latest["action"] == "exit"


def test_proposed_exits_come_from_the_registry(enable, as_user, card, app, world):
    from core.db import db
    from plugins.family_planning.women.models import FpWoman
    from plugins.registry.models import RegistryResident

    enable()
    # 50 on 1 June 2026, filed when she was 49
    turned_50 = card(name="老大姐", born=date(1976, 6, 1), filed_on=date(2026, 5, 1))
    divorced = card(name="离婚者")
    card(name="在册者")
    with app.app_context():
        woman = db.session.get(FpWoman, divorced)
        db.session.get(RegistryResident, woman.resident_id).marital_status = "divorced"
        db.session.commit()
    exits = as_user("worker").get(f"{api()}/candidates").json["exits"]
    assert sorted((e["id"], e["reason"]) for e in exits) == sorted(
        [(turned_50, "age"), (divorced, "divorce")]
    )
    assert 'data-exit="老大姐"' in as_user("worker").get(f"{page()}/").text
