"""生育登记 and 出生人口登记: registration, never approval (no step refuses a child by its
order); the street registers; a returned application names what to correct; a birth registers
the child in the registry and marks its registration born."""

from __future__ import annotations

from datetime import date

from .conftest import api


def _apply(client, card_id: int, order: str = "1", **more):
    body = {"woman_id": card_id, "child_order": order, **more}
    return client.post(f"{api()}/birth_regs", json=body)


def test_a_registration_goes_from_submitted_to_born(enable, as_user, card, app):
    enable()
    worker, street = as_user("worker"), as_user("s_admin")
    card_id = card(name="陈琳", pregnancy="pregnant", due_on=date(2026, 9, 1))
    created = _apply(worker, card_id, "1", applied_on="2026-06-12")
    assert created.status_code == 201, created.json
    reg = created.json
    assert reg["status"] == "submitted" and reg["number"] == "SY2026-0001"
    assert reg["deadline"] == "2026-06-15"  # one working day after Friday 12 June
    assert reg["order_mismatch"] is False
    # Only the street registers; a worker's attempt is refused.
    assert worker.post(f"{api()}/birth_regs/{reg['id']}/register", json={}).status_code == 403
    returned = street.post(f"{api()}/birth_regs/{reg['id']}/correct", json={"comment": ""})
    assert returned.status_code == 422 and "comment" in returned.json["error"]["fields"]
    returned = street.post(
        f"{api()}/birth_regs/{reg['id']}/correct", json={"comment": "缺结婚证复印件"}
    )
    assert returned.json["status"] == "to_correct"
    assert worker.get(f"{api()}/birth_regs/{reg['id']}").json["return_reason"] == "缺结婚证复印件"
    assert worker.post(f"{api()}/birth_regs/{reg['id']}/resubmit", json={}).status_code == 200
    no_way = street.post(f"{api()}/birth_regs/{reg['id']}/register", json={})
    assert no_way.status_code == 422 and "notified_by" in no_way.json["error"]["fields"]
    done = street.post(
        f"{api()}/birth_regs/{reg['id']}/register", json={"notified_by": "in_person"}
    )
    assert done.json["status"] == "registered"
    born = worker.post(
        f"{api()}/children",
        json={
            "woman_id": card_id,
            "name": "陈小宝",
            "born_on": "2026-06-14",
            "sex": "M",
            "certificate_number": "P123456789",
            "birth_reg_id": reg["id"],
        },
    )
    assert born.status_code == 201, born.json
    assert born.json["child"] == "陈小宝" and born.json["birth_order"] == 1
    assert worker.get(f"{api()}/birth_regs/{reg['id']}").json["status"] == "born"
    woman = as_user("c_admin").get(f"{api()}/women/{card_id}?unmask=1").json
    assert (woman["sons"], woman["pregnancy"], woman["due_on"]) == (1, "none", None)
    events = [
        e["action"] for e in worker.get(f"{api()}/birth_regs/{reg['id']}/events").json["items"]
    ]
    assert events == ["correct", "resubmit", "register", "born"]


def test_a_third_or_fourth_child_is_registered_and_a_mismatch_only_warns(enable, as_user, card):
    enable()
    worker = as_user("worker")
    card_id = card(name="刘芳", elsewhere_sons=1, elsewhere_daughters=2)
    fourth = _apply(worker, card_id, "4")
    assert fourth.status_code == 201 and fourth.json["order_mismatch"] is False
    mismatch = _apply(worker, card_id, "2")
    assert mismatch.status_code == 201 and mismatch.json["order_mismatch"] is True
    refused_steps = {"reject", "refuse", "deny"}
    assert not refused_steps & set(worker.get(f"{api()}/birth_regs/{fourth.json['id']}").json)


def test_a_birth_needs_a_valid_certificate_number_and_a_card_here(enable, as_user, card):
    enable("110105001001", "110105001002")
    worker = as_user("worker")
    card_id = card(name="黄丽")
    bad = worker.post(
        f"{api()}/children",
        json={
            "woman_id": card_id,
            "name": "黄宝",
            "born_on": "2026-06-01",
            "sex": "F",
            "certificate_number": "123",
        },
    )
    assert bad.status_code == 422 and "certificate_number" in bad.json["error"]["fields"]
    elsewhere = card("110105001002", name="别处")
    other = worker.post(f"{api()}/birth_regs", json={"woman_id": elsewhere, "child_order": "1"})
    assert other.status_code == 422 and "woman_id" in other.json["error"]["fields"]
