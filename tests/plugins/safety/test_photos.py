"""Photos of inspections, hazards and activities: only real JPEG, PNG or WebP files, stored
under the instance folder, served only within the community, soft deleted."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest

from core.attachments import Attachment
from core.db import db

from .conftest import A1, A2, B1, api, page

NOW = "2026-06-15T10:00:00+08:00"


def image(kind: str) -> bytes:
    """A real, tiny image (the content check opens and verifies it)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "orange").save(out, kind)
    return out.getvalue()


JPEG = image("JPEG")
PNG = image("PNG")
EXT = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
WEBP = image("WEBP")


@pytest.fixture
def ready(enable, clock):
    enable(A1, A2, B1)
    clock(NOW)


@pytest.fixture
def owners(app, world):
    """``owners(ref)`` → {"inspections": id, "hazards": id, "activities": id} in ``ref``."""
    from plugins.safety.activities.ledgers import activities
    from plugins.safety.hazards import workflow
    from plugins.safety.inspections.ledgers import inspections

    def make(ref: str = A1) -> dict[str, int]:
        with app.app_context():
            community = world.node(ref)
            inspection = inspections.write_new(
                db.session, community, {"done_on": date(2026, 6, 1), "area": "小区东门"}
            )
            hazard = workflow.create_hazard(
                db.session,
                community,
                {"description": "消防通道堵塞", "found_on": date(2026, 6, 1)},
            )
            activity = activities.write_new(
                db.session,
                community,
                {"kind": "drill", "title": "演练", "held_on": date(2026, 6, 2)},
            )
            db.session.commit()
            return {"inspections": inspection.id, "hazards": hazard.id, "activities": activity.id}

    return make


def upload(client, url: str, content: bytes, name: str = "photo.jpg", **form):
    return client.post(
        url,
        data={"photo": (io.BytesIO(content), name), **form},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("plural", ["inspections", "hazards", "activities"])
@pytest.mark.parametrize(
    "content, kind", [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")]
)
def test_upload_and_serve(ready, app, as_user, owners, plural, content, kind):
    rid = owners()[plural]
    worker = as_user("worker")
    made = upload(worker, api() + f"/{plural}/{rid}/photos", content, "x.bin", caption="整改前")
    assert made.status_code == 201, made.json
    assert made.json["content_type"] == kind and made.json["caption"] == "整改前"
    served = worker.get(made.json["url"])
    assert served.status_code == 200 and served.mimetype == kind and served.data == content
    with app.app_context():
        stored = db.session.get(Attachment, made.json["id"])
        path = os.path.join(app.instance_path, "uploads", "safety", stored.stored_as)
        assert os.path.isfile(path) and stored.stored_as.endswith(
            kind.split("/")[1][:4].replace("jpeg", "jpg")
        )
    listed = worker.get(api() + f"/{plural}/{rid}/photos").json["items"]
    assert [p["id"] for p in listed] == [made.json["id"]]


def test_a_jpg_that_is_really_text_is_refused(ready, as_user, owners, count):
    rid = owners()["hazards"]
    worker = as_user("worker")
    refused = upload(worker, api() + f"/hazards/{rid}/photos", b"just some text, not a photo")
    assert refused.status_code == 422 and "photo" in refused.json["error"]["fields"]
    assert upload(worker, api() + f"/hazards/{rid}/photos", b"").status_code == 422
    missing = worker.post(
        api() + f"/hazards/{rid}/photos", data={}, content_type="multipart/form-data"
    )
    assert missing.status_code == 422
    back = upload(
        worker,
        page() + f"/hazards/{rid}/photos",
        b"GIF89a fake",
        next=f"/c/{A1}/safety/hazards/{rid}",
    )
    assert back.status_code == 303 and back.headers["Location"].endswith(f"/safety/hazards/{rid}")
    assert count(Attachment) == 0


def test_too_large_an_upload_is_a_413(ready, app, as_user, owners, count):
    rid = owners()["activities"]
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        refused = upload(
            as_user("worker"), api() + f"/activities/{rid}/photos", JPEG + b"\x00" * 2048
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert refused.status_code == 413
    assert count(Attachment) == 0


def test_the_page_upload_goes_back_and_delete_is_soft(ready, as_user, owners, count):
    rid = owners()["activities"]
    worker = as_user("worker")
    done = upload(worker, page() + f"/activities/{rid}/photos", PNG, "a.png")
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"/c/{A1}/safety/activities/{rid}")
    shown = worker.get(page() + f"/activities/{rid}")
    assert "data-photo=" in shown.text
    pid = worker.get(api() + f"/activities/{rid}/photos").json["items"][0]["id"]
    evil = upload(worker, page() + f"/activities/{rid}/photos", PNG, next="//evil.example/")
    assert evil.headers["Location"].endswith(f"/safety/activities/{rid}")
    assert worker.post(page() + f"/photos/{pid}/delete").status_code == 302
    assert worker.get(page() + f"/photos/{pid}").status_code == 404
    assert worker.delete(api() + f"/photos/{pid}").status_code == 404
    assert count(Attachment) == 2  # soft


def test_photos_only_within_the_community(ready, app, world, as_user, owners):
    mine, other = owners(A1), owners(A2)
    worker = as_user("worker")
    admin = as_user("s_admin")  # street A: may work in A2 as well
    theirs = upload(admin, api(A2) + f"/hazards/{other['hazards']}/photos", JPEG)
    assert theirs.status_code == 201
    pid = theirs.json["id"]
    for plural in ("inspections", "hazards", "activities"):
        # another community's record under my community's URL
        assert upload(worker, api() + f"/{plural}/{other[plural]}/photos", JPEG).status_code == 404
        assert upload(worker, page() + f"/{plural}/{other[plural]}/photos", JPEG).status_code == 404
        assert worker.get(api() + f"/{plural}/{other[plural]}/photos").status_code == 404
    assert worker.get(page() + f"/photos/{pid}").status_code == 404
    assert worker.get(page(A2) + f"/photos/{pid}").status_code == 404
    assert worker.delete(api() + f"/photos/{pid}").status_code == 404
    assert worker.post(page() + f"/photos/{pid}/delete").status_code == 404
    assert admin.get(page(A2) + f"/photos/{pid}").status_code == 200
    assert admin.get(page() + f"/photos/{pid}").status_code == 404  # wrong community in URL
    assert worker.get(api(B1) + f"/hazards/{mine['hazards']}/photos").status_code == 404
    assert count_photos(app) == 1

    reader = as_user("inspector")
    assert reader.get(page(A2) + f"/photos/{pid}").status_code == 200
    assert upload(reader, api() + f"/hazards/{mine['hazards']}/photos", JPEG).status_code == 403
    assert reader.delete(api(A2) + f"/photos/{pid}").status_code == 403

    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    assert admin.get(page(A2) + f"/photos/{pid}").status_code == 404


def count_photos(app) -> int:
    import sqlalchemy as sa

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def test_attachment_services_on_safety_records(ready, app, world, owners):
    from werkzeug.datastructures import FileStorage

    from core.attachments import add_attachment, attachments_of
    from plugins.safety.models import SafetyHazard

    rid = owners()["hazards"]
    with app.test_request_context():
        hazard = db.session.get(SafetyHazard, rid)
        upload = FileStorage(io.BytesIO(JPEG), filename="..\\..\\x.jpg")
        photo = add_attachment(db.session, hazard, upload, module="safety")
        assert photo.filename == "x.jpg" and photo.owner_type == "safety.hazard"
        assert [p.id for p in attachments_of(db.session, "safety.hazard", rid)] == [photo.id]
        hazard.deleted_at = photo.at  # a deleted record takes no attachments
        with pytest.raises(Exception) as refused:
            add_attachment(
                db.session, hazard, FileStorage(io.BytesIO(JPEG), "x.jpg"), module="safety"
            )
        assert getattr(refused.value, "status", None) == 422
        db.session.rollback()
