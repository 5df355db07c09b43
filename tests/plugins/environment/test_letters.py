"""门前三包 letters: only with street-front shops, signed by the community admin, valid to 31
December, expired after their date; a new shop of the registry shows as needing one within
15 days (the community's setting); drafts for all of them at once."""

from __future__ import annotations

import pytest

from plugins.environment.models import EnvironmentLetter

from .conftest import A1, B1, api, page


@pytest.fixture
def ready(enable, clock):
    clock("2026-03-10T10:00:00+08:00")
    enable(A1, B1)


def test_a_letter_runs_to_the_year_end_and_expires_after_it(ready, as_user, shop, clock):
    shop_id = shop(A1, name="老王面馆")
    admin = as_user("c_admin")
    r = admin.post(api() + "/letters", json={"unit_id": shop_id, "status": "signed",
                   "signed_on": "2026-03-01", "signatory": "王老板"})  # fmt: skip
    assert r.status_code == 201, r.json
    assert r.json["valid_until"] == "2026-12-31" and r.json["state"] == "已签订"
    assert r.json["shop"] == "老王面馆"
    clock("2026-12-31T23:00:00+08:00")
    admin = as_user("c_admin")  # a new session: the clock moved past the old one's life
    assert admin.get(api() + f"/letters/{r.json['id']}").json["state"] == "已签订"
    clock("2027-01-01T08:00:00+08:00")
    admin = as_user("c_admin")
    assert admin.get(api() + f"/letters/{r.json['id']}").json["state"] == "已到期"
    expired = admin.get(api() + "/letters?state=expired").json["items"]
    assert [x["id"] for x in expired] == [r.json["id"]]
    assert admin.get(api() + "/letters?state=signed").json["items"] == []
    # the January renewal list, and the shop needs a letter again
    assert [x["id"] for x in admin.get(api() + "/letters?renewal=1").json["items"]] == [
        r.json["id"]
    ]
    needed = admin.get(api() + "/letters/needed").json["items"]
    assert [n["name"] for n in needed] == ["老王面馆"]


def test_letters_are_refused_for_other_shops_and_without_the_signing_right(ready, as_user, shop):
    worker = as_user("worker")
    inside = shop(A1, street_front=False)
    r = worker.post(api() + "/letters", json={"unit_id": inside})
    assert r.status_code == 422
    assert r.json["error"]["fields"]["unit_id"] == ["门前三包责任书只与沿街门店签订。"]
    elsewhere = shop(B1)
    r = worker.post(api() + "/letters", json={"unit_id": elsewhere})
    assert r.json["error"]["fields"]["unit_id"] == ["没有这个单位。"]
    front = shop(A1)
    r = worker.post(api() + "/letters", json={"unit_id": front, "status": "signed",
                    "signed_on": "2026-03-01"})  # fmt: skip
    assert r.status_code == 403  # a worker drafts; the community admin signs
    r = as_user("c_admin").post(api() + "/letters", json={"unit_id": front, "status": "signed"})
    assert r.status_code == 422 and r.json["error"]["fields"]["signed_on"] == ["请填写签订日期。"]
    r = as_user("c_admin").post(api() + "/letters", json={"unit_id": front, "signed_on": "2026-03-01",
                                "valid_until": "2026-02-01"})  # fmt: skip
    assert r.json["error"]["fields"]["valid_until"] == ["有效期不能早于签订日期。"]
    # 已到期 follows from the date; it is not set by hand
    r = worker.post(api() + "/letters", json={"unit_id": front, "status": "expired"})
    assert r.status_code == 422 and "status" in r.json["error"]["fields"]


def test_a_new_street_front_shop_needs_a_letter_within_15_days(ready, as_user, shop, clock):
    worker = as_user("worker")
    shop(A1, name="新开花店")
    shop(A1, name="院内仓库", street_front=False)
    needed = worker.get(api() + "/letters/needed").json["items"]
    assert [(n["name"], n["due"], n["overdue"]) for n in needed] == [
        ("新开花店", "2026-03-25", False)
    ]
    clock("2026-03-25T20:00:00+08:00")
    worker = as_user("worker")
    assert worker.get(api() + "/letters/needed").json["items"][0]["overdue"] is False
    clock("2026-03-26T08:00:00+08:00")
    worker = as_user("worker")
    assert worker.get(api() + "/letters/needed").json["items"][0]["overdue"] is True
    html = worker.get(page() + "/letters/needed").text
    assert "新开花店" in html and "data-overdue" in html and "院内仓库" not in html


def test_the_deadline_for_a_new_shop_is_a_setting(app, world, as_user, shop, clock):
    from core.db import db
    from tenants import modules

    clock("2026-03-10T10:00:00+08:00")
    with app.app_context():
        modules.enable(db.session, world.node(A1), "environment", {"new_shop_days": 5})
        db.session.commit()
    shop(A1, name="新开花店")
    assert as_user("worker").get(api() + "/letters/needed").json["items"][0]["due"] == "2026-03-15"


def test_drafts_for_every_shop_lacking_a_letter_at_once(ready, as_user, shop, count):
    worker = as_user("worker")
    for name in ("一号店", "二号店", "三号店"):
        shop(A1, name=name)
    shop(B1, name="别的社区的店")
    r = worker.post(api() + "/letters/generate")
    assert r.status_code == 201 and r.json["created"] == 3
    drafts = worker.get(api() + "/letters?state=draft").json["items"]
    assert sorted(d["shop"] for d in drafts) == ["一号店", "三号店", "二号店"]
    assert worker.get(api() + "/letters/needed").json["items"] == []
    again = worker.post(api() + "/letters/generate")
    assert again.status_code == 422 and count(EnvironmentLetter) == 3
    # the page's button does the same, back to the drafts
    shop(A1, name="四号店")
    r = worker.post(page() + "/letters/generate")
    assert r.status_code == 302 and count(EnvironmentLetter) == 4


def test_the_signing_rate_counts_shops_with_a_letter_in_force(ready, as_user, shop, clock):
    admin = as_user("c_admin")
    ids = [shop(A1, name=f"店{n}") for n in range(4)]
    shop(B1, name="吉祥里的店")
    for unit_id, signed in ((ids[0], "2026-01-05"), (ids[1], "2025-02-01")):
        admin.post(api() + "/letters", json={"unit_id": unit_id, "status": "signed",
                   "signed_on": signed})  # fmt: skip
    admin.post(api() + "/letters", json={"unit_id": ids[2]})  # a draft does not count
    figures = admin.get(f"/api/v1/nodes/{A1}/indicators?period=2026-03").json["items"]
    rate = next(f for f in figures if f["name"] == "environment.letters_rate")
    # 4 street-front shops; only the 2026 letter is in force (the 2025 one ended 2025-12-31)
    assert (rate["numerator"], rate["denominator"], rate["value"]) == (1, 4, 25.0)


def test_a_signed_letter_s_scan_is_kept_with_it(ready, as_user, shop):
    import io

    worker = as_user("worker")
    letter = worker.post(api() + "/letters", json={"unit_id": shop(A1)}).json
    from pypdf import PdfWriter

    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    pdf = out.getvalue()
    r = worker.post(api() + f"/letters/{letter['id']}/photos",
                    data={"photo": (io.BytesIO(pdf), "责任书.pdf")},
                    content_type="multipart/form-data")  # fmt: skip
    assert r.status_code == 201, r.json
    html = worker.get(page() + f"/letters/{letter['id']}").text
    assert "data-attachments" in html and "责任书.pdf" in html
