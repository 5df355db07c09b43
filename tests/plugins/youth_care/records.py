"""One record of every youth-care ledger in a community, made through the API as its staff
would, for the route sweeps and the masking tests."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from core.db import db

from .conftest import A1, api


def volunteer_in(app, world, ref: str = A1, name: str = "李老师") -> int:
    """A 老教师 of the community's volunteer register; returns its id."""
    from core.volunteers.models import Volunteer

    with app.app_context():
        volunteer = Volunteer(
            node_id=world.node(ref).id, name=name, kinds=["five_elders"], elder_kind="teacher"
        )
        db.session.add(volunteer)
        db.session.commit()
        return volunteer.id


def one_of_each(client, app, world, resident, unit, ref: str = A1, admin=None) -> dict[str, int]:
    """A child in care (S3 categories), a pairing, an assistance record, a programme with an
    enrolment and a session, an activity with an attendee, a material and a photo, a venue
    check and an inspection round, the assistance's signed receipt, a summer visit campaign of
    the children of prisoners (an S3 audience); with the community's ``admin`` the child is
    confirmed in care and visited (S3 findings) and the volunteer's account linked."""
    base = api(ref)
    born = resident(date(2014, 5, 1), ref, "张小明")

    def post(path: str, body: dict) -> int:
        answer = client.post(base + path, json=body)
        assert answer.status_code == 201, (path, answer.json)
        return answer.json["id"]

    ids = {"children": post("/children", {
        "resident_id": born, "categories": ["prisoner_parent", "single_parent"],
        "situation": "父亲服刑，母亲外出务工", "guardian_name": "张奶奶",
        "guardian_phone": "13800138000", "guardianship": "fair", "level": "key",
    })}  # fmt: skip
    volunteer = volunteer_in(app, world, ref)
    ids["pairings"] = post("/pairings", {
        "child_id": ids["children"], "volunteer_id": volunteer,
        "starts_on": "2026-03-01", "planned_end_on": "2026-12-31",
    })  # fmt: skip
    ids["assistance"] = post("/assistance", {
        "child_id": ids["children"], "given_on": "2026-06-01", "kind": "bursary", "amount": "500"
    })  # fmt: skip
    ids["programmes"] = post("/programmes", {
        "kind": "summer", "name": "七彩夏日", "starts_on": "2026-06-01", "ends_on": "2026-08-31",
        "capacity": 20,
    })  # fmt: skip
    programme = ids["programmes"]
    ids["enrolments"] = post(f"/programmes/{programme}/enrolments", {
        "name": "王小红", "guardian_phone": "13900139000", "consent": True,
    })  # fmt: skip
    ids["sessions"] = post(f"/programmes/{programme}/sessions", {
        "held_on": "2026-06-10", "present": [str(ids["enrolments"])],
    })  # fmt: skip
    ids["activities"] = post("/activities", {
        "held_on": "2026-06-01", "kind": "ps_lecture", "title": "家庭教育讲座", "headcount": 32,
    })  # fmt: skip
    ids["activity_attendees"] = post(
        f"/activities/{ids['activities']}/attendees", {"name": "家长甲"}
    )
    ids["activity_materials"] = post(f"/activities/{ids['activities']}/materials", {
        "kind": "家庭教育手册", "quantity": 30,
    })  # fmt: skip
    cafe = unit("entertainment", ref, "网吧甲")
    ids["venue_checks"] = ids["inspections"] = post("/venue_checks", {
        "unit_id": cafe, "done_on": "2026-06-12", "checklist": [
            {"item": "未接纳未成年人", "result": "fail", "note": "发现未成年人"}]})  # fmt: skip
    templates = client.get(base + "/checklists").json["items"]
    ids["checklists"] = templates[0]["id"]  # the venue checklist (the district's default)
    ids["inspection-rounds"] = post("/inspection-rounds", {"name": "暑期网吧专项巡查"})
    if admin is not None:
        confirmed = admin.post(base + f"/children/{ids['children']}/confirm", json={})
        assert confirmed.status_code == 200, confirmed.json
        ids["visits"] = post("/visits", {
            "subject_kind": "resident", "subject_id": born, "visited_on": "2026-06-12",
            "mode": "home", "findings": "孩子情绪低落，奶奶身体不好", "needs": "需要学业辅导",
        })  # fmt: skip
    ids["campaigns"] = post("/campaigns", {
        "kind": "other", "title": "暑期走访慰问", "starts_on": "2026-06-13",
        "ends_on": "2026-06-30", "audience": ["prisoner_parent"],
    })  # fmt: skip
    if admin is not None:  # the volunteer's account: the admin's to link
        elder = world.add_user(f"elder{ref}", "youth_care_elder", ref)
        linked = admin.post(base + "/elder_accounts", json={
            "volunteer_id": volunteer, "user_id": elder})  # fmt: skip
        assert linked.status_code == 201, linked.json
        ids["elder_accounts"] = linked.json["id"]
    photo = io.BytesIO()
    Image.new("RGB", (4, 3), "orange").save(photo, "PNG")
    photo.seek(0)
    uploaded = client.post(
        base + f"/activities/{ids['activities']}/photos",
        data={"photo": (photo, "photo.png")},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    ids["photos"] = uploaded.json["id"]
    receipt = signed_receipt(client, ids["assistance"], ref)
    assert receipt.status_code == 201, receipt.json
    ids["receipts"] = receipt.json["id"]
    return ids


def signed_receipt(client, assistance_id: int, ref: str = A1):
    """Upload a scan of the guardian's signed receipt (a small PNG) to an assistance record."""
    scan = io.BytesIO()
    Image.new("RGB", (4, 3), "white").save(scan, "PNG")
    scan.seek(0)
    return client.post(
        api(ref) + f"/assistance/{assistance_id}/receipts",
        data={"receipt": (scan, "签收单.png")},
        content_type="multipart/form-data",
    )
