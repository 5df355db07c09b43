"""Attachments (core.attachments): types judged by content, the size limit, no file left behind
by a failed transaction, files served only within the community, the module and the view
permission, soft delete with audit, a safe ``next``, and safety's photos carried over by its
migration. Safety is the module under test: its photos are core attachments."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from core.attachments import IMAGES_AND_PDF, Attachment, add_attachment, attachments_of
from core.db import db
from core.models import Assignment, AuditLog, Role, RolePermission
from core.records.softdelete import get_any, including_deleted

A1, A2, B1, STREET_B = "110105001001", "110105001002", "110105002001", "110105002"
NOW = "2026-06-15T10:00:00+08:00"


def image(kind: str, size: tuple[int, int] = (4, 3)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, kind)
    return out.getvalue()


def pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PNG, JPEG, GIF = image("PNG"), image("JPEG"), image("GIF")
POLYGLOT = PNG + b"<html><body><script>alert(document.cookie)</script></body></html>"


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/safety"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/safety"


def upload(client, url: str, content: bytes, name: str = "photo.png", **form):
    return client.post(
        url,
        data={"photo": (io.BytesIO(content), name), **form},
        content_type="multipart/form-data",
    )


def files_under(folder: Path) -> set[str]:
    """Every file below ``folder`` (temporary ones included), as relative paths."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def uploads(app) -> Path:
    return Path(app.instance_path) / "uploads"


@pytest.fixture
def hazard(app, world, jiedao_clock):
    """``hazard(ref=A1)``: safety on there and a new hazard; returns the hazard's id."""
    from plugins.safety.hazards import workflow
    from tenants import modules

    jiedao_clock(NOW)

    def make(ref: str = A1) -> int:
        with app.app_context():
            community = world.node(ref)
            modules.enable(db.session, community, "safety")
            created = workflow.create_hazard(
                db.session, community, {"description": "楼道堆物", "found_on": date(2026, 6, 1)}
            )
            db.session.commit()
            return created.id

    return make


def the_hazard(hazard_id: int):
    from plugins.safety.models import SafetyHazard

    return db.session.get(SafetyHazard, hazard_id)


def error_of(response, field: str = "photo") -> str:
    return response.json["error"]["fields"][field][0]


# --- what a file is ---------------------------------------------------------------------------


def test_the_type_is_judged_by_the_content_not_the_name(hazard, as_user, uploads):
    rid = hazard()
    worker = as_user("worker")
    url = api() + f"/hazards/{rid}/photos"
    before = files_under(uploads)
    for content, name in [
        (b"just some text", "x.jpg"),
        (GIF, "x.png"),  # a real image, but not an allowed type
        (PNG[:40], "x.png"),  # begins like a PNG, is not one
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "x.png"),
        (pdf(), "x.jpg"),  # PDFs are not allowed for safety's photos
    ]:
        refused = upload(worker, url, content, name)
        assert refused.status_code == 422, name
        assert "JPEG, PNG, WebP" in error_of(refused)
        assert "只能上传" in error_of(refused)  # translated (the default locale is Chinese)
    assert files_under(uploads) == before
    made = upload(worker, url, JPEG, "scan.png")
    assert made.status_code == 201 and made.json["content_type"] == "image/jpeg"
    assert made.json["filename"] == "scan.png" and made.json["kind"] == ""


def test_an_empty_or_missing_file_names_the_field(hazard, as_user):
    rid = hazard()
    worker = as_user("worker")
    url = api() + f"/hazards/{rid}/photos"
    empty = upload(worker, url, b"", "x.png")
    assert empty.status_code == 422 and error_of(empty) == "文件为空。"
    missing = worker.post(url, data={"caption": "x"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and error_of(missing) == "请选择要上传的文件。"


def test_too_large_a_file_is_a_413_naming_the_field(app, hazard, as_user, uploads):
    rid = hazard()
    worker = as_user("worker")
    before = files_under(uploads)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # as JIEDAO_MAX_UPLOAD_MB=2 sets it
    try:
        big = JPEG + b"\x00" * (2 * 1024 * 1024)
        refused = upload(worker, api() + f"/hazards/{rid}/photos", big)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert refused.status_code == 413
    assert error_of(refused) == "文件超过 2 MB。"
    assert files_under(uploads) == before


def test_a_use_may_take_less_than_the_platform_limit(app, world, hazard, uploads):
    rid = hazard()
    before = files_under(uploads)
    with app.test_request_context():
        with pytest.raises(Exception) as refused:
            add_attachment(
                db.session,
                the_hazard(rid),
                FileStorage(io.BytesIO(JPEG), "x.jpg"),
                module="safety",
                max_bytes=len(JPEG) - 1,
            )
        assert refused.value.status == 413 and list(refused.value.fields) == ["file"]
        db.session.rollback()
    assert files_under(uploads) == before


def test_pdf_where_a_use_allows_it_served_as_a_download(app, world, hazard, uploads):
    from core.attachments import attachment_file_response

    rid = hazard()
    content = pdf()
    with app.test_request_context():
        made = add_attachment(
            db.session,
            the_hazard(rid),
            FileStorage(io.BytesIO(content), "签收单"),
            module="safety",
            types=IMAGES_AND_PDF,
        )
        db.session.commit()
        assert made.content_type == "application/pdf" and made.stored_as.endswith(".pdf")
        response = attachment_file_response(made)
        response.direct_passthrough = False
        assert response.mimetype == "application/pdf" and response.get_data() == content
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;")
        assert "filename*=UTF-8''%E7%AD%BE%E6%94%B6%E5%8D%95.pdf" in disposition
        response.close()


def test_caption_and_kind_are_validated(app, world, hazard):
    rid = hazard()
    with app.test_request_context():

        def attach(**details):
            return add_attachment(
                db.session,
                the_hazard(rid),
                FileStorage(io.BytesIO(PNG), "x.png"),
                module="safety",
                **details,
            )

        made = attach(kind="before", kinds=("before", "after"), caption="整改前")
        assert (made.kind, made.caption) == ("before", "整改前")
        for details, field in [
            ({"kind": "sideways", "kinds": ("before", "after")}, "kind"),
            ({"kind": "before"}, "kind"),  # this use has no kinds
            ({"caption": "长" * 201}, "caption"),
        ]:
            with pytest.raises(Exception) as refused:
                attach(**details)
            assert refused.value.status == 422 and field in refused.value.fields
        db.session.rollback()


# --- no orphan files --------------------------------------------------------------------------


def test_a_rolled_back_upload_leaves_the_uploads_folder_unchanged(app, world, hazard, uploads):
    rid = hazard()
    before = files_under(uploads)
    with app.test_request_context():
        made = add_attachment(
            db.session, the_hazard(rid), FileStorage(io.BytesIO(PNG), "x.png"), module="safety"
        )
        written = files_under(uploads) - before
        assert len(written) == 1 and next(iter(written)).endswith(".part")  # not yet in place
        assert not (uploads / "safety" / made.stored_as).exists()
        db.session.rollback()
    assert files_under(uploads) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_a_session_closed_without_commit_leaves_no_file(app, world, hazard, uploads):
    rid = hazard()
    before = files_under(uploads)
    with app.test_request_context():
        add_attachment(
            db.session, the_hazard(rid), FileStorage(io.BytesIO(PNG), "x.png"), module="safety"
        )
    # the app context ended: its session was removed (closed) without a commit
    assert files_under(uploads) == before


def test_a_rolled_back_savepoint_drops_its_file_and_the_commit_keeps_the_rest(
    app, world, hazard, uploads
):
    rid = hazard()
    before = files_under(uploads)
    with app.test_request_context():
        owner = the_hazard(rid)
        kept = add_attachment(
            db.session, owner, FileStorage(io.BytesIO(PNG), "kept.png"), module="safety"
        )
        savepoint = db.session.begin_nested()
        add_attachment(
            db.session, owner, FileStorage(io.BytesIO(JPEG), "gone.jpg"), module="safety"
        )
        savepoint.rollback()
        inner = db.session.begin_nested()
        released = add_attachment(
            db.session, owner, FileStorage(io.BytesIO(JPEG), "released.jpg"), module="safety"
        )
        inner.commit()  # released, not committed: the file still waits
        assert not (uploads / "safety" / released.stored_as).exists()
        db.session.commit()
        names = {kept.stored_as, released.stored_as}
    assert files_under(uploads) - before == {f"safety/{name}" for name in names}
    with app.app_context():
        assert [a.filename for a in attachments_of(db.session, "safety.hazard", rid)] == [
            "kept.png",
            "released.jpg",
        ]


def test_an_upload_refused_by_the_database_leaves_no_file(app, world, hazard, as_user, uploads):
    """The hazard sits at a building that was archived: the attachment's flush is refused."""
    from core.permissions import load_scope
    from tenants import changes

    rid = hazard()
    with app.app_context():
        building = world.node(f"{A1}-bb02")
        the_hazard(rid).node_id = building.id
        db.session.commit()
        changes.archive(
            db.session, building, scope=load_scope(db.session, world.user("c_admin").id)
        )
        db.session.commit()
    before = files_under(uploads)
    refused = upload(as_user("worker"), api() + f"/hazards/{rid}/photos", PNG)
    assert refused.status_code == 409
    assert files_under(uploads) == before


# --- served only within scope -----------------------------------------------------------------


@pytest.fixture
def photo(hazard, as_user):
    """A photo of a hazard in A2, uploaded by the street admin; returns its id."""
    rid = hazard(A2)
    made = upload(as_user("s_admin"), api(A2) + f"/hazards/{rid}/photos", PNG, "门口.png")
    assert made.status_code == 201, made.json
    return made.json["id"]


def test_another_communitys_attachment_is_a_404(photo, hazard, as_user):
    hazard(A1)
    worker = as_user("worker")  # program worker of A1
    assert worker.get(page() + f"/photos/{photo}").status_code == 404
    assert worker.post(page() + f"/photos/{photo}/delete").status_code == 404
    assert worker.delete(api() + f"/photos/{photo}").status_code == 404
    assert worker.get(page(A2) + f"/photos/{photo}").status_code == 404  # not in their scope
    admin = as_user("s_admin")
    assert admin.get(page(A2) + f"/photos/{photo}").status_code == 200
    assert admin.get(page() + f"/photos/{photo}").status_code == 404  # the URL's community


def test_a_module_switched_off_hides_its_attachments(app, world, photo, as_user):
    from tenants import modules

    admin = as_user("s_admin")
    assert admin.get(page(A2) + f"/photos/{photo}").status_code == 200
    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    assert admin.get(page(A2) + f"/photos/{photo}").status_code == 404
    assert admin.delete(api(A2) + f"/photos/{photo}").status_code == 404


def test_without_the_view_permission_it_is_a_403(app, world, photo, as_user):
    """An account holding only safety.sensitive.view at A2 reaches the module, not the photo."""
    uid = world.add_user("sensitive_only", home=A2)
    with app.app_context():
        role = Role(key="sensitive_only", name="只看敏感信息", description="")
        role.grants.append(RolePermission(permission="safety.sensitive.view"))
        db.session.add(role)
        db.session.flush()
        db.session.add(Assignment(user_id=uid, role_id=role.id, node_id=world.node(A2).id))
        db.session.commit()
    client = as_user("sensitive_only")
    assert client.get(page(A2) + f"/photos/{photo}").status_code == 403
    reader = as_user("inspector")  # may read everything, write nothing
    assert reader.get(page(A2) + f"/photos/{photo}").status_code == 200
    assert reader.delete(api(A2) + f"/photos/{photo}").status_code == 403
    assert reader.post(page(A2) + f"/photos/{photo}/delete").status_code == 403


def test_the_serving_helper_checks_community_module_and_permission(app, world, photo):
    from flask import g
    from flask_login import login_user

    from core.attachments import serve_attachment
    from core.permissions import reset_scope

    def served(username: str, ref: str, **kwargs) -> int:
        with app.test_request_context():
            login_user(world.user(username))
            reset_scope()
            g.community, g.module = world.node(ref), "safety"
            try:
                response = serve_attachment(
                    db.session, photo, permission=kwargs.pop("permission", "safety.view"), **kwargs
                )
            except Exception as exc:  # werkzeug's HTTPException
                return exc.code
            response.close()
            return response.status_code

    assert served("s_admin", A2) == 200
    assert served("s_admin", A1) == 404  # not this community's
    assert served("s_admin", A2, module="registry") == 404  # not this module's
    assert served("s_admin", A2, owner_types=["safety.activity"]) == 404
    assert served("inspector", A2, permission="safety.edit") == 403


def test_a_polyglot_is_served_as_the_image_it_is(hazard, as_user):
    rid = hazard()
    worker = as_user("worker")
    made = upload(worker, api() + f"/hazards/{rid}/photos", POLYGLOT, "x.html")
    assert made.status_code == 201 and made.json["content_type"] == "image/png"
    served = worker.get(made.json["url"])
    assert served.status_code == 200 and served.data == POLYGLOT
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Security-Policy"] == "sandbox"
    assert served.headers["Content-Disposition"] == "inline; filename=x.png"
    assert "private" in served.headers["Cache-Control"]
    named = upload(worker, api() + f"/hazards/{rid}/photos", JPEG, "整改前 1.JPG")
    disposition = worker.get(named.json["url"]).headers["Content-Disposition"]
    assert disposition.startswith("inline;")
    assert "filename*=UTF-8''%E6%95%B4%E6%94%B9%E5%89%8D%201.JPG" in disposition


# --- soft delete and audit --------------------------------------------------------------------


def test_soft_delete_hides_it_and_both_steps_are_audited(app, world, hazard, as_user, uploads):
    rid = hazard()
    worker = as_user("worker")
    made = upload(worker, api() + f"/hazards/{rid}/photos", PNG, "前.png", caption="整改前")
    pid = made.json["id"]
    assert worker.delete(api() + f"/photos/{pid}").status_code == 204
    assert worker.get(made.json["url"]).status_code == 404
    assert worker.get(api() + f"/hazards/{rid}/photos").json == {"items": []}
    assert worker.delete(api() + f"/photos/{pid}").status_code == 404
    with app.app_context():
        row = get_any(db.session, Attachment, pid)  # deleted rows are hidden from plain reads
        user = world.user("worker")
        assert row.deleted_at is not None and row.deleted_by_id == user.id
        assert (uploads / "safety" / row.stored_as).is_file()  # the file stays
        entries = db.session.scalars(
            sa.select(AuditLog)
            .where(AuditLog.object_type == "core_attachment", AuditLog.object_id == str(pid))
            .order_by(AuditLog.id)
        ).all()
        assert [e.action for e in entries] == ["attachment.create", "attachment.delete"]
        assert {e.user_id for e in entries} == {user.id}
        assert {e.node_id for e in entries} == {the_hazard(rid).node_id}
        assert entries[0].details["owner"] == [None, f"safety.hazard:{rid}"]
        assert "前.png" in entries[0].summary


def test_a_tree_move_rehomes_attachments(app, world, hazard, as_user):
    from core.permissions import load_scope
    from tenants import changes

    rid = hazard()
    pid = upload(as_user("worker"), api() + f"/hazards/{rid}/photos", PNG).json["id"]
    with app.app_context():
        street_b = world.node(STREET_B)
        community = world.node(A1)
        changes.move(
            db.session,
            community,
            street_b,
            code=changes.suggest_community_code(db.session, street_b),
            scope=load_scope(db.session, world.user("d_admin").id),
        )
        db.session.commit()
        assert db.session.get(Attachment, pid).street_id == street_b.id


# --- where the upload form sends the user back ------------------------------------------------


@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example/", "/\\evil.example/", "//evil.example/", "https://evil.example/", "/\n/x"],
)
def test_next_only_goes_to_a_local_path(hazard, as_user, target):
    rid = hazard()
    done = upload(as_user("worker"), page() + f"/hazards/{rid}/photos", PNG, next=target)
    assert done.status_code == 302
    assert done.headers["Location"] == f"/c/{A1}/safety/hazards/{rid}"


def test_next_to_a_local_page_is_followed(hazard, as_user):
    rid = hazard()
    target = f"/c/{A1}/safety/hazards?status=open"
    done = upload(as_user("worker"), page() + f"/hazards/{rid}/photos", PNG, next=target)
    assert done.status_code == 302 and done.headers["Location"] == target


def test_the_page_shows_the_block_with_the_upload_form(hazard, as_user):
    rid = hazard()
    worker = as_user("worker")
    upload(worker, api() + f"/hazards/{rid}/photos", PNG, caption="整改前")
    shown = worker.get(page() + f"/hazards/{rid}")
    assert 'data-safety="photos"' in shown.text and shown.text.count("data-photo=") == 1
    assert 'name="photo"' in shown.text and 'accept="image/jpeg,image/png,image/webp"' in shown.text
    assert "整改前" in shown.text
    read_only = as_user("inspector").get(page() + f"/hazards/{rid}")
    assert "data-photo=" in read_only.text and 'name="photo"' not in read_only.text


# --- safety's photos before core had attachments -------------------------------------------------

MIGRATION_SCHEMA = "jiedao_attachments_migration"


def migrated_app(url: str, tmp_path):
    """The test app on a database a migration test upgraded itself (``fresh_database_url``)."""
    from core.app import create_app
    from tests.conftest import TEST_PLUGINS

    return create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path / "instance"),
        },
        WTF_CSRF_ENABLED=False,
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        PLUGINS="",
        PLUGIN_ENTRY_POINTS=TEST_PLUGINS,
    )


@pytest.fixture
def fresh_database_url(tmp_path):
    """A database of its own: a new SQLite file, or a new schema on the PostgreSQL server."""
    from core.db import make_engine
    from tests.conftest import TEST_DATABASE_URL

    if not TEST_DATABASE_URL:
        yield f"sqlite:///{tmp_path / 'attachments-migration.db'}"
        return
    admin = make_engine(TEST_DATABASE_URL)
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {MIGRATION_SCHEMA} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {MIGRATION_SCHEMA}"))
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{MIGRATION_SCHEMA}"
    with admin.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {MIGRATION_SCHEMA} CASCADE"))
    admin.dispose()


def test_a_photo_uploaded_before_the_upgrade_is_served_after_it(fresh_database_url, tmp_path):
    """safety_0002 carries safety_photo rows into core_attachment (files stay where they were);
    its downgrade carries them back."""
    from core import migrate
    from core.db import utcnow
    from core.testing import build_world, login
    from plugins.safety.hazards import workflow
    from tenants import modules
    from tests.conftest import ACCOUNTS, WORLD, plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    legacy = sa.table(
        "safety_photo",
        *(sa.column(c) for c in ("owner_type", "owner_id", "filename", "stored_as")),
        *(sa.column(c) for c in ("content_type", "size", "caption", "user_id", "node_id")),
        *(sa.column(c) for c in ("district_id", "street_id", "community_id")),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("deleted_at", sa.DateTime(timezone=True)),
    )
    app = migrated_app(url, tmp_path)
    try:
        world = build_world(app, WORLD, ACCOUNTS)
        with app.app_context():
            community = world.node(A1)
            modules.enable(db.session, community, "safety")
            found = workflow.create_hazard(
                db.session,
                community,
                {"description": "电动车楼道充电", "found_on": date(2026, 5, 1)},
            )
            db.session.commit()
            rid, worker_id = found.id, world.user("worker").id
            keys = {k: getattr(community, k) for k in ("district_id", "street_id", "community_id")}
            db.session.remove()
        # The hazard is made with today's model, then safety goes back to how it was.
        migrate.downgrade(url, "safety@safety_0001", plugins=plugins)
        with app.app_context():
            db.session.execute(
                legacy.insert(),
                [
                    {
                        "owner_type": "hazard",
                        "owner_id": rid,
                        "filename": f"{name}.png",
                        "stored_as": f"{name}-legacy.png",
                        "content_type": "image/png",
                        "size": len(PNG),
                        "caption": caption,
                        "user_id": worker_id,
                        "node_id": community.id,
                        **keys,
                        "at": utcnow(),
                        "deleted_at": deleted,
                    }
                    for name, caption, deleted in [("门口", "整改前", None), ("旧", "", utcnow())]
                ],
            )
            db.session.commit()
        folder = Path(app.instance_path) / "uploads" / "safety"
        folder.mkdir(parents=True)
        (folder / "门口-legacy.png").write_bytes(PNG)

        migrate.upgrade(url, plugins=plugins)

        client = app.test_client()
        assert login(client, "worker").status_code == 302
        items = client.get(api() + f"/hazards/{rid}/photos").json["items"]
        assert [(p["filename"], p["caption"], p["owner_type"]) for p in items] == [
            ("门口.png", "整改前", "safety.hazard")
        ]
        served = client.get(items[0]["url"])
        assert served.status_code == 200 and served.data == PNG
        assert served.mimetype == "image/png"
        with app.app_context():
            every = including_deleted(sa.select(Attachment).order_by(Attachment.id))
            rows = db.session.scalars(every).all()
            assert [(a.module, a.user_id, a.deleted_at is None) for a in rows] == [
                ("safety", worker_id, True),
                ("safety", worker_id, False),  # a deleted photo stays deleted, and kept
            ]
            db.session.remove()

        migrate.downgrade(url, "safety@safety_0001", plugins=plugins)
        engine = app.extensions["jiedao.engine"]
        with engine.connect() as conn:
            back = conn.execute(
                sa.text(
                    "SELECT owner_type, owner_id, filename, caption FROM safety_photo ORDER BY id"
                )
            ).all()
            left = conn.execute(sa.text("SELECT count(*) FROM core_attachment")).scalar()
        assert [tuple(r) for r in back] == [
            ("hazard", rid, "门口.png", "整改前"),
            ("hazard", rid, "旧.png", ""),
        ]
        assert left == 0
    finally:
        app.extensions["jiedao.engine"].dispose()


def test_opening_a_file_of_an_audited_owner_is_in_the_audit_log(app, hazard, as_user, monkeypatch):
    import dataclasses

    from plugins.safety.web import PHOTOS

    rid = hazard()
    worker = as_user("worker")
    made = upload(worker, api() + f"/hazards/{rid}/photos", PNG, "签收单.png")
    opened = lambda: [  # noqa: E731 - read twice
        e.action
        for e in db.session.scalars(
            sa.select(AuditLog).where(AuditLog.object_id == str(made.json["id"]))
        )
        if e.action == "attachment.view"
    ]
    assert worker.get(made.json["url"]).status_code == 200
    with app.app_context():
        assert opened() == []  # photos of hazards are not audited
    audited = dataclasses.replace(PHOTOS.owners["hazards"], audited=True)
    monkeypatch.setitem(PHOTOS.owners, "hazards", audited)
    assert worker.get(made.json["url"]).status_code == 200
    with app.app_context():
        assert opened() == ["attachment.view"]


def test_an_audited_owners_file_names_stay_out_of_the_audit_log(app, hazard, as_user, monkeypatch):
    """A signed receipt's file name may name the child it was for (S3): the audit log of its
    upload and deletion says which file by number, never by name."""
    import dataclasses

    from plugins.safety.web import PHOTOS

    audited = dataclasses.replace(PHOTOS.owners["hazards"], audited=True)
    monkeypatch.setitem(PHOTOS.owners, "hazards", audited)
    rid = hazard()
    worker = as_user("worker")
    made = upload(worker, api() + f"/hazards/{rid}/photos", PNG, "王小明签收单.png")
    assert worker.delete(api() + f"/photos/{made.json['id']}").status_code == 204
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditLog).where(
                AuditLog.object_type == "core_attachment",
                AuditLog.object_id == str(made.json["id"]),
            )
        ).all()
        assert [e.action for e in entries] == ["attachment.create", "attachment.delete"]
        for entry in entries:
            assert "王小明" not in entry.summary and "王小明" not in str(entry.details)
            assert f"#{made.json['id']}" in entry.summary
