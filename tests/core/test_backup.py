"""Backup and restore (core.backup, ``jiedao backup`` / ``jiedao restore``): a backup restored into
an empty database holds every row of every table and every uploaded file, byte for byte, and the
app serves from it; a database that is not empty is refused unless ``--force``.

On SQLite the target is a new file; on PostgreSQL (``JIEDAO_TEST_DATABASE_URL``) a scratch
database ``<test database>_restore`` beside the suite's, dropped at the end."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result
from flask import Flask
from sqlalchemy.engine import make_url

from core import backup
from core import cli as cli_module
from core.app import create_app
from core.db import db, make_engine
from tests.conftest import TEST_DATABASE_URL, TEST_PLUGINS, login

A1 = "110105001001"


def image(kind: str, colour: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (5, 4), colour).save(out, kind)
    return out.getvalue()


def counts(app: Flask) -> dict[str, int]:
    """Rows of every table of the app's database."""
    with app.app_context(), db.engine.connect() as conn:
        return backup.table_counts(conn)


def files(app: Flask) -> dict[str, bytes]:
    """Every uploaded file of the app, by its path under the uploads folder."""
    folder = backup.uploads_folder(app)
    return {str(p.relative_to(folder)): p.read_bytes() for p in backup.uploaded_files(folder)}


def jiedao(app: Flask, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """Run ``jiedao ARGS`` as an operator would, against ``app``."""
    monkeypatch.setattr(cli_module, "_app", app)
    return CliRunner().invoke(cli_module.cli, list(args))


@pytest.fixture
def rows(app, world, as_user) -> list[dict]:
    """Hazards with photos in A1: rows in the tree, accounts, modules, safety, serials, audit
    and attachments, and files under the uploads folder. Returns the photos as the API gave them."""
    from plugins.safety.hazards import workflow
    from tenants import modules

    with app.app_context():
        community = world.node(A1)
        modules.enable(db.session, community, "safety")
        ids = [
            workflow.create_hazard(
                db.session, community, {"description": text, "found_on": date(2026, 6, 1)}
            ).id
            for text in ("楼道堆物", "电动车楼道充电")
        ]
        db.session.commit()
    worker = as_user("worker")
    photos = []
    for hazard_id, content in zip(
        ids, [image("PNG", "teal"), image("JPEG", "orange")], strict=True
    ):
        made = worker.post(
            f"/api/v1/c/{A1}/safety/hazards/{hazard_id}/photos",
            data={"photo": (io.BytesIO(content), "现场.jpg")},
            content_type="multipart/form-data",
        )
        assert made.status_code == 201, made.json
        photos.append(made.json | {"content": content})
    return photos


@pytest.fixture
def empty_target(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The app of a freshly set-up server: an empty database and an empty instance folder, the
    same secret key and plugins as ``app``."""
    admin = None
    if TEST_DATABASE_URL:
        url = make_url(TEST_DATABASE_URL)
        scratch = f"{url.database}_restore"
        admin = make_engine(TEST_DATABASE_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{scratch}"'))
        target_url = url.set(database=scratch).render_as_string(hide_password=False)
    else:
        target_url = f"sqlite:///{tmp_path / 'restored.db'}"
    restored = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": target_url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path / "restored-instance"),
            "JIEDAO_SECRET_KEY": app.secret_key,
        },
        WTF_CSRF_ENABLED=False,
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
        PLUGINS="",
        PLUGIN_ENTRY_POINTS=TEST_PLUGINS,
    )
    yield restored
    restored.extensions["jiedao.engine"].dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
        admin.dispose()


def test_a_backup_restored_into_an_empty_database_has_every_row_and_file(
    app, rows, empty_target, tmp_path, monkeypatch
):
    archive = tmp_path / "jiedao.tar.gz"
    before, uploaded = counts(app), files(app)
    assert before["core_attachment"] == 2 and before["safety_hazard"] == 2
    assert {photo["content"] for photo in rows} <= set(uploaded.values())

    made = jiedao(app, monkeypatch, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert f"Backed up {sum(before.values())} rows in {len(before)} tables" in made.output
    manifest = backup.read_manifest(archive)
    kind = "postgresql" if TEST_DATABASE_URL else "sqlite"
    assert manifest.database == kind and manifest.tables == before
    assert manifest.files == len(uploaded)
    assert any(head.startswith("safety_") for head in manifest.heads)
    assert manifest.file_bytes == sum(len(content) for content in uploaded.values())
    with tarfile.open(archive) as tar:
        assert tar.getnames()[:2] == ["manifest.json", backup.DUMP_NAMES[kind]]

    done = jiedao(empty_target, monkeypatch, "restore", str(archive))
    assert done.exit_code == 0, done.output
    assert "every table's rows match the manifest" in done.output
    assert "Warning" not in done.output  # same schema, same secret key

    assert counts(empty_target) == before  # every row of every table
    assert files(empty_target) == uploaded  # every file, byte for byte

    client = empty_target.test_client()
    assert client.get("/healthz").json["database"] == "ok"
    assert login(client, "worker").status_code == 302
    assert client.get(f"/c/{A1}/safety/hazards").status_code == 200
    for photo in rows:
        served = client.get(photo["url"])
        assert served.status_code == 200 and served.data == photo["content"]


def test_restore_refuses_a_target_that_is_not_empty_unless_forced(
    app, rows, empty_target, tmp_path, monkeypatch
):
    archive = tmp_path / "jiedao.tar.gz"
    assert jiedao(app, monkeypatch, "backup", str(archive)).exit_code == 0
    before, uploaded = counts(app), files(app)

    refused = jiedao(app, monkeypatch, "restore", str(archive))
    assert refused.exit_code == 1
    assert "The target is not empty" in refused.output and "--force" in refused.output
    assert counts(app) == before and files(app) == uploaded

    # an empty database beside uploaded files is no empty target either
    stray = backup.uploads_folder(empty_target) / "safety" / "left-over.png"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"\x89PNG")
    refused = jiedao(empty_target, monkeypatch, "restore", str(archive))
    assert refused.exit_code == 1 and "1 uploaded files" in refused.output

    # --force replaces what the target held: the database and the files
    with empty_target.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE left_over (id integer)"))
    forced = jiedao(empty_target, monkeypatch, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert counts(empty_target) == before and files(empty_target) == uploaded
    assert not stray.exists()


def test_a_file_that_is_not_a_backup_is_refused_before_anything_changes(
    app, world, tmp_path, monkeypatch
):
    junk = tmp_path / "notes.tar.gz"
    with tarfile.open(junk, "w:gz") as tar:
        tar.addfile(tarfile.TarInfo("notes.txt"))
    before = counts(app)
    refused = jiedao(app, monkeypatch, "restore", "--force", str(junk))
    assert refused.exit_code == 1 and "is not a Jiedao backup" in refused.output
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not an archive")
    refused = jiedao(app, monkeypatch, "restore", "--force", str(garbage))
    assert refused.exit_code == 1 and "Cannot read" in refused.output
    assert counts(app) == before


def test_restore_says_when_the_schema_is_older_or_the_secret_key_differs(
    app, world, empty_target, tmp_path, monkeypatch
):
    from core import migrate

    archive = tmp_path / "jiedao.tar.gz"
    assert jiedao(app, monkeypatch, "backup", str(archive)).exit_code == 0
    monkeypatch.setattr(empty_target, "secret_key", "a-new-servers-key")
    done = jiedao(empty_target, monkeypatch, "restore", str(archive))
    assert done.exit_code == 0, done.output
    assert "Warning: The secret key differs" in done.output

    config = migrate.alembic_config(
        app.config["DATABASE_URL"], plugins=app.extensions["jiedao.plugins"]
    )
    heads = backup.read_manifest(archive).heads
    assert backup.schema_note(heads, config) == ""
    older = ["safety_0002" if head.startswith("safety_") else head for head in heads]
    assert "run `jiedao db upgrade`" in backup.schema_note(older, config)
    assert "newer Jiedao" in backup.schema_note([*heads, "elsewhere_0009"], config)
