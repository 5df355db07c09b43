"""结对帮扶 and 救助帮扶: a pairing proposed by a worker and approved by the community admin,
ended with its outcome, its outcome overdue 30 days after the planned end on the workbench;
assistance reviewed by the community admin (by the street above the community's amount) and
issued only against the signed receipt. Refusals name the field."""

from __future__ import annotations

import io

import pytest

from plugins.youth_care.models import YouthCareAssistance, YouthCarePairing

from .conftest import A1, B1, api
from .helpers import work_items
from .records import signed_receipt, volunteer_in


@pytest.fixture
def paired(ready, app, world, child):
    return {"child": child(), "volunteer": volunteer_in(app, world)}


def test_a_pairing_is_proposed_approved_and_ended(paired, as_user, clock):
    worker, admin = as_user("worker"), as_user("c_admin")
    body = {"child_id": paired["child"], "volunteer_id": paired["volunteer"],
            "starts_on": "2026-06-01", "planned_end_on": "2026-06-30", "frequency": "weekly",
            "goal": "数学成绩提高"}  # fmt: skip
    made = worker.post(api() + "/pairings", json=body)
    assert made.status_code == 201, made.json
    pairing = made.json
    assert (pairing["status"], pairing["deadline"]) == ("proposed", "2026-07-30")
    assert pairing["volunteer"] == "李老师" and pairing["child"].startswith("测试")
    assert work_items(admin)[("youth_care.pairings_proposed", A1)][0] == 1
    url = api() + f"/pairings/{pairing['id']}"
    assert worker.post(url + "/approve", json={}).status_code == 403
    approved = admin.post(url + "/approve", json={})
    assert approved.status_code == 200 and approved.json["status"] == "active"
    clock("2026-07-31T09:00:00+08:00")
    worker = as_user("worker")  # signed in again: the session of June has expired
    assert work_items(worker)[("youth_care.pairings_overdue", A1)][0] == 1
    no_outcome = worker.post(url + "/end", json={"evaluation": "clear"})
    assert no_outcome.status_code == 422 and "outcome" in no_outcome.json["error"]["fields"]
    ended = worker.post(url + "/end", json={"outcome": "期末数学及格", "evaluation": "clear"})
    assert ended.status_code == 200, ended.json
    assert (ended.json["status"], ended.json["evaluation"]) == ("ended", "clear")
    assert ("youth_care.pairings_overdue", A1) not in work_items(worker)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"volunteer_id": None}, "volunteer_id"),
        ({"planned_end_on": "2026-05-01"}, "planned_end_on"),
        ({"frequency": "daily"}, "frequency"),
        ({"child_id": "ELSEWHERE"}, "child_id"),
        ({"volunteer_id": "ELSEWHERE"}, "volunteer_id"),
    ],
)
def test_bad_pairings_are_refused(paired, as_user, app, world, child, count, change, field):
    elsewhere = {"child_id": child(ref=B1), "volunteer_id": volunteer_in(app, world, B1)}
    body = {"child_id": paired["child"], "volunteer_id": paired["volunteer"],
            "starts_on": "2026-06-01"}  # fmt: skip
    body |= {k: elsewhere[k] if v == "ELSEWHERE" else v for k, v in change.items()}
    refused = as_user("worker").post(api() + "/pairings", json=body)
    assert refused.status_code == 422 and field in refused.json["error"]["fields"], refused.json
    assert count(YouthCarePairing) == 0


def test_a_stop_needs_its_reason(paired, as_user):
    worker = as_user("worker")
    body = {"child_id": paired["child"], "unit_id": None, "volunteer_id": paired["volunteer"],
            "starts_on": "2026-06-01"}  # fmt: skip
    pairing = worker.post(api() + "/pairings", json=body).json
    url = api() + f"/pairings/{pairing['id']}/stop"
    assert worker.post(url, json={}).status_code == 422
    stopped = worker.post(url, json={"comment": "家庭搬迁"})
    assert stopped.status_code == 200 and stopped.json["status"] == "stopped"


def test_assistance_is_reviewed_by_the_right_level_and_issued_signed(
    paired, as_user, switch_on, count
):
    switch_on(A1, settings={"street_review_amount": "1000"})
    worker, admin, street = as_user("worker"), as_user("c_admin"), as_user("s_admin")
    child = paired["child"]

    def register(amount: str) -> dict:
        made = worker.post(api() + "/assistance", json={
            "child_id": child, "given_on": "2026-06-10", "kind": "bursary", "amount": amount,
            "funder": "charity",
        })  # fmt: skip
        assert made.status_code == 201, made.json
        return made.json

    small, large = register("800.00"), register("1500.00")
    for body, field in (({"amount": "-1"}, "amount"), ({"kind": "cash"}, "kind"),
                        ({"given_on": "2026-06-16"}, "given_on")):  # fmt: skip
        refused = worker.post(api() + "/assistance", json={
            "child_id": child, "given_on": "2026-06-10", "kind": "bursary", **body})  # fmt: skip
        assert refused.status_code == 422 and field in refused.json["error"]["fields"]
    assert count(YouthCareAssistance) == 2
    assert worker.post(api() + f"/assistance/{small['id']}/review", json={}).status_code == 403
    assert admin.post(api() + f"/assistance/{small['id']}/review", json={}).status_code == 200
    assert admin.post(api() + f"/assistance/{large['id']}/review", json={}).status_code == 403
    assert street.post(api() + f"/assistance/{large['id']}/review", json={}).status_code == 200
    changed = admin.patch(api() + f"/assistance/{small['id']}", json={"amount": "900"})
    assert changed.status_code == 422 and "amount" in changed.json["error"]["fields"]
    unsigned = worker.post(api() + f"/assistance/{small['id']}/issue", json={})
    assert unsigned.status_code == 422 and "receipt" in unsigned.json["error"]["fields"]
    assert signed_receipt(worker, small["id"]).status_code == 201
    issued = worker.post(api() + f"/assistance/{small['id']}/issue", json={})
    assert issued.status_code == 200 and issued.json["status"] == "issued"
    assert issued.json["receipts"] == 1


def test_the_signed_receipt_is_a_file_only_the_sensitive_permission_opens(paired, as_user, app):
    """The receipt names the child and the guardian (S3): a worker keeping the ledger uploads
    it and sees that it is there; the community admin opens it, and the opening is audited; a
    text file is refused naming the field; a deleted receipt no longer counts for the issue."""
    import sqlalchemy as sa

    from core.db import db
    from core.models import AuditLog

    from .conftest import page

    worker, admin = as_user("worker"), as_user("c_admin")
    made = worker.post(api() + "/assistance", json={
        "child_id": paired["child"], "given_on": "2026-06-10", "kind": "gift"}).json  # fmt: skip
    wrong = worker.post(
        api() + f"/assistance/{made['id']}/receipts",
        data={"receipt": (io.BytesIO(b"signed"), "receipt.txt")},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and "receipt" in wrong.json["error"]["fields"]
    receipt = signed_receipt(worker, made["id"]).json
    assert worker.get(receipt["url"]).status_code == 403
    assert worker.get(api() + f"/assistance/{made['id']}/receipts").status_code == 403
    shown = worker.get(page() + f"/assistance/{made['id']}").text
    assert "data-receipts-hidden" in shown and "签收单.png" not in shown
    assert worker.get(api() + f"/assistance/{made['id']}").json["receipts"] == 1
    assert "签收单.png" in admin.get(page() + f"/assistance/{made['id']}").text
    assert admin.get(receipt["url"]).status_code == 200
    with app.app_context():
        opened = db.session.scalars(sa.select(AuditLog.action).where(
            AuditLog.object_type == "core_attachment",
            AuditLog.object_id == str(receipt["id"])).order_by(AuditLog.id)).all()  # fmt: skip
        logged = db.session.scalars(sa.select(AuditLog).where(
            AuditLog.object_type == "core_attachment")).all()  # fmt: skip
        written = " ".join(f"{e.summary} {e.message} {e.params} {e.details}" for e in logged)
    assert opened == ["attachment.create", "attachment.view"]
    assert "签收单" not in written  # the file's name may name the child: never in the log
    assert "签收单" not in admin.get("/audit").text
    assert admin.post(api() + f"/assistance/{made['id']}/review", json={}).status_code == 200
    assert admin.delete(api() + f"/receipts/{receipt['id']}").status_code == 204
    refused = worker.post(api() + f"/assistance/{made['id']}/issue", json={})
    assert refused.status_code == 422 and "receipt" in refused.json["error"]["fields"]


def test_the_steps_are_forms_on_the_records_page(paired, as_user):
    from .conftest import page

    worker, admin = as_user("worker"), as_user("c_admin")
    body = {"child_id": paired["child"], "volunteer_id": paired["volunteer"],
            "starts_on": "2026-06-01"}  # fmt: skip
    pairing = worker.post(api() + "/pairings", json=body).json["id"]
    shown = admin.get(page() + f"/pairings/{pairing}")
    assert 'data-step="approve"' in shown.text and 'data-step="stop"' in shown.text
    assert 'data-step="end"' not in shown.text  # not before it is approved
    done = admin.post(page() + f"/pairings/{pairing}/approve", data={"on": "2026-06-15"})
    assert done.status_code == 302
    shown = admin.get(page() + f"/pairings/{pairing}")
    assert 'data-step="end"' in shown.text and 'name="evaluation"' in shown.text
    ended = worker.post(
        page() + f"/pairings/{pairing}/end",
        data={"on": "2026-06-15", "outcome": "成绩提高", "evaluation": "clear"},
    )
    assert ended.status_code == 302  # fmt: skip
    assert worker.get(api() + f"/pairings/{pairing}").json["status"] == "ended"
    # The inspector reads the page, without the step forms.
    assert "data-steps" not in as_user("inspector").get(page() + f"/pairings/{pairing}").text


def test_a_pairings_contact_frequency_sets_the_childs_visit_quota(paired, as_user, app, clock):
    """A child of general attention visited on 1 June is not due before September; paired weekly it
    is overdue on 15 June and on the workbench; paired every half month it is due soon (16
    June); once the pairing ends, its level's quarter counts again."""
    from core.db import db
    from plugins.youth_care.children.models import YouthCareChild

    from .conftest import page

    worker, admin = as_user("worker"), as_user("c_admin")
    with app.app_context():
        resident = db.session.get(YouthCareChild, paired["child"]).resident_id
    visited = worker.post(api() + "/visits", json={
        "subject_kind": "resident", "subject_id": resident, "visited_on": "2026-06-01",
        "mode": "home"})  # fmt: skip
    assert visited.status_code == 201, visited.json

    def due() -> dict | None:
        """The child on the due list (overdue or due within the week), else None."""
        items = worker.get(api() + "/visits/due").json["items"]
        return {k: items[0][k] for k in ("category", "next_due", "status")} if items else None

    assert due() is None  # visited on 1 June, a quarter
    made = worker.post(api() + "/pairings", json={
        "child_id": paired["child"], "volunteer_id": paired["volunteer"],
        "starts_on": "2026-06-01", "frequency": "weekly"}).json  # fmt: skip
    assert due() is None  # a proposed pairing is no contact yet
    assert admin.post(api() + f"/pairings/{made['id']}/approve", json={}).status_code == 200
    assert due() == {"category": "weekly", "next_due": "2026-06-08", "status": "overdue"}
    assert work_items(worker)[("youth_care.visit_overdue", A1)][0] == 1
    assert "2026-06-08" in worker.get(page() + "/visits/due?status=overdue").text
    changed = worker.patch(api() + f"/pairings/{made['id']}", json={"frequency": "fortnightly"})
    assert changed.status_code == 200, changed.json
    assert due() == {"category": "fortnightly", "next_due": "2026-06-16", "status": "due"}
    assert ("youth_care.visit_overdue", A1) not in work_items(worker)
    ended = worker.post(api() + f"/pairings/{made['id']}/end", json={
        "outcome": "成绩提高", "evaluation": "clear"})  # fmt: skip
    assert ended.status_code == 200, ended.json
    assert due() is None
