"""Every step of the hazard workflow from every status, as data written by hand: allowed, or
refused with its reason and nothing written; the extension on request (延期申请, once, with a
reason and a later deadline) and the street's listing for supervision (挂牌督办)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from plugins.safety.models import SafetyHazard, SafetyHazardEvent

from .conftest import A1, api

STATUSES = ("found", "notified", "rectifying", "submitted", "closed")
# status → the steps it allows (everything else is refused with 409).
ALLOWED = {
    "found": {"notify", "supervise"},
    "notified": {"start", "submit", "extend", "supervise"},
    "rectifying": {"submit", "extend", "supervise"},
    "submitted": {"close", "reopen", "supervise"},
    "closed": set(),
}
DATA = {
    "notify": {"responsible_person": "李建国"},
    "start": {},
    "submit": {},
    "close": {},
    "reopen": {"comment": "线路仍未穿管", "deadline": "2026-06-30"},
    "extend": {"comment": "整改材料待采购", "deadline": "2026-07-15"},
    "supervise": {"comment": "重点督办"},
}
# status → (status, deadline, supervised_on) after the step, where it changes.
AFTER = {
    ("found", "notify"): "notified",
    ("notified", "start"): "rectifying",
    ("notified", "submit"): "submitted",
    ("rectifying", "submit"): "submitted",
    ("submitted", "close"): "closed",
    ("submitted", "reopen"): "rectifying",
}


@pytest.fixture
def hazard_in(app, world, enable, clock):
    enable(A1)
    clock("2026-06-15T10:00:00+08:00")

    def make(status: str, severity: str = "general") -> int:
        with app.app_context():
            hazard = SafetyHazard(
                node_id=world.node(A1).id,
                number=f"YH2026-{status}",
                description="配电箱未上锁",
                found_on=date(2026, 6, 1),
                deadline=date(2026, 6, 16),
                status=status,
                severity=severity,
                closed_on=date(2026, 6, 10) if status == "closed" else None,
            )
            db.session.add(hazard)
            db.session.commit()
            return hazard.id

    return make


def _state(app, hazard_id: int) -> tuple:
    with app.app_context():
        h = db.session.get(SafetyHazard, hazard_id)
        events = db.session.scalar(
            sa.select(sa.func.count()).where(SafetyHazardEvent.hazard_id == hazard_id)
        )
        return h.status, h.deadline, h.supervised_on, h.reopened, h.closed_on, events


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("step", list(DATA))
def test_every_step_from_every_status(hazard_in, as_user, app, status, step):
    hid = hazard_in(status)
    before = _state(app, hid)
    answer = as_user("s_admin").post(f"{api()}/hazards/{hid}/{step}", json=DATA[step])
    after = _state(app, hid)
    if step not in ALLOWED[status]:
        assert answer.status_code == 409, answer.json
        assert "status" in answer.json["error"]["fields"]
        assert after == before  # nothing written
        return
    assert answer.status_code == 200, answer.json
    assert after[0] == AFTER.get((status, step), status)
    assert after[5] == before[5] + 1  # one event on the timeline
    if step == "extend":
        assert after[1] == date(2026, 7, 15)
    if step == "supervise":
        assert after[2] == date(2026, 6, 15)


def test_the_extension_needs_a_reason_and_a_later_deadline_and_comes_once(hazard_in, as_user, app):
    hid = hazard_in("rectifying")
    admin = as_user("s_admin")
    url = f"{api()}/hazards/{hid}/extend"
    silent = admin.post(url, json={"deadline": "2026-07-15"})
    assert silent.status_code == 422 and "comment" in silent.json["error"]["fields"]
    earlier = admin.post(url, json={"deadline": "2026-06-10", "comment": "x"})
    assert earlier.status_code == 422 and "deadline" in earlier.json["error"]["fields"]
    assert _state(app, hid)[1] == date(2026, 6, 16)
    assert admin.post(url, json=DATA["extend"]).status_code == 200
    again = admin.post(url, json={"deadline": "2026-08-01", "comment": "再延"})
    assert again.status_code == 409 and "status" in again.json["error"]["fields"]
    assert _state(app, hid)[1] == date(2026, 7, 15)
    events = admin.get(f"{api()}/hazards/{hid}/events").json["items"]
    assert events[-1]["action"] == "extend" and events[-1]["comment"] == "整改材料待采购"
    assert events[-1]["changes"] == {"deadline": ["2026-06-16", "2026-07-15"]}


def test_only_the_street_lists_a_hazard_for_supervision_once(hazard_in, as_user, app):
    hid = hazard_in("notified", severity="major")
    url = f"{api()}/hazards/{hid}/supervise"
    worker = as_user("worker")
    denied = worker.post(url, json={})
    assert denied.status_code == 403 and _state(app, hid)[2] is None
    admin = as_user("s_admin")
    assert admin.post(url, json={}).status_code == 200
    assert admin.post(url, json={}).status_code == 409
    listed = worker.get(f"{api()}/hazards?supervised=1").json
    assert [h["id"] for h in listed["items"]] == [hid]
    page = worker.get(f"/c/{A1}/safety/hazards/{hid}").get_data(as_text=True)
    assert "data-supervised" in page
