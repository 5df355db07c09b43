"""Background jobs (core.jobs): a large export or import answers 202 and runs on the queue as its
user, with the inline path's scope, masking, audit and all-or-nothing writes; the job's page and
API show its status, progress and outcome to that user only. The tests' queue runs jobs inside
the request (``immediate``); one test runs them from a real SQLite queue, as ``jiedao worker``
does. The thresholds are lowered so that a few rows make a "large" file."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import Workbook

from core import jobs
from core.db import db
from core.exchange import estimate_rows
from core.models import AuditLog, Job
from plugins.registry.models import RegistryResident
from tests.plugins.registry.conftest import make_id

A1 = "110105001001"
STREET_A = "110105001"
EXPORT = f"/n/{A1}/exports/registry.residents"
IMPORT_PAGE = f"/n/{A1}/imports/registry.residents"
IMPORT_API = f"/api/v1/nodes/{A1}/imports/registry.residents"
HEADER = "姓名,身份证号,手机号码,户籍状态\n"
FAILED_MESSAGE = "后台任务失败。请重试；如再次失败，请联系管理员。"


@pytest.fixture
def registry(app, world, monkeypatch, as_user):
    """The registry on at A1 with five residents; exports of more than 2 rows and imports of
    files of more than 2 rows run as jobs."""
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 2)
    monkeypatch.setitem(app.config, "IMPORT_INLINE_ROWS", 2)
    worker = as_user("worker")
    for sequence in range(5):
        data = {"name": f"居民{sequence}", "id_number": make_id(sequence=100 + sequence)}
        assert worker.post(f"/api/v1/c/{A1}/registry/residents", json=data).status_code == 201
    return worker


def job_id(response) -> int:
    assert response.status_code == 202, response.text[:500]
    return int(re.fullmatch(r"/jobs/(\d+)", response.headers["Location"]).group(1))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def audit(app, action: str) -> list[AuditLog]:
    with app.app_context():
        stmt = sa.select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        return list(db.session.scalars(stmt))


def residents(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(RegistryResident))


# --- exports -----------------------------------------------------------------------------------


def test_a_large_export_runs_as_a_job_and_only_its_user_sees_it(app, registry, as_user):
    small = registry.get(f"{EXPORT}.csv?q=居民1")  # one row: inline, exactly as before
    assert small.status_code == 200 and small.is_streamed
    assert len(csv_rows(small.data)) == 2  # read to its end, which ends its request context
    r = registry.get(f"{EXPORT}.csv?columns=name,id_number")
    job = job_id(r)
    assert "导出永安里东社区的居民" in r.text and r.headers["Cache-Control"] == "no-store"

    status = registry.get(f"/api/v1/jobs/{job}")
    assert status.status_code == 200
    body = status.json
    assert body["status"] == "done" and body["kind"] == "ledger_export"
    assert body["progress"] == {"done": 5, "total": 5, "estimated": False}
    assert body["result"]["rows"] == 5 and body["error"] is None
    assert body["download_url"] == f"/jobs/{job}/download" and body["finished_at"]

    page = registry.get(f"/jobs/{job}")
    assert page.status_code == 200 and "已完成" in page.text and "下载文件" in page.text
    assert 'http-equiv="refresh"' not in page.text  # ended: no more reloading
    assert page.headers["Cache-Control"] == status.headers["Cache-Control"] == "no-store"

    download = registry.get(body["download_url"])
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert "registry.residents-110105001001.csv" in download.headers["Content-Disposition"]
    rows = csv_rows(download.data)
    assert rows[0] == ["姓名", "身份证号"] and len(rows) == 6
    assert all("****" in row[1] for row in rows[1:])  # the worker sees masked numbers

    # Audited as the inline export is: by the user, once per file.
    entries = audit(app, "export")
    assert [e.username for e in entries] == ["worker", "worker"]
    assert entries[1].details["columns"] == ["name", "id_number"]

    # Another user, even one who may read these residents, finds no such job.
    other = as_user("c_admin")
    for url in (f"/api/v1/jobs/{job}", f"/jobs/{job}", f"/jobs/{job}/download"):
        assert other.get(url).status_code == 404, url
    assert app.test_client().get(f"/api/v1/jobs/{job}").status_code == 401


def test_a_job_exports_the_same_masked_and_unmasked_rows_as_inline(app, registry, as_user):
    """Masking, scope and the unmasking audit are the inline export's: the job's file equals the
    file the same request gives inline."""
    s_admin = as_user("s_admin")
    url = f"/n/{STREET_A}/exports/registry.residents.csv"
    for query in ("", "?unmask=1"):
        queued = s_admin.get(url + query)
        job = job_id(queued)
        from_job = csv_rows(s_admin.get(f"/jobs/{job}/download").data)
        app.config["EXPORT_INLINE_ROWS"] = 5000
        inline = s_admin.get(url + query)
        app.config["EXPORT_INLINE_ROWS"] = 2
        assert inline.status_code == 200
        assert from_job == csv_rows(inline.data)
    unmasked = csv_rows(inline.data)
    assert all("****" not in row[3] for row in unmasked[1:])
    # The worker's masked export is not logged as unmasked; s_admin's two unmasked ones are.
    assert [e.username for e in audit(app, "registry.export.unmasked")] == ["s_admin", "s_admin"]
    json_answer = s_admin.get(url, headers={"Accept": "application/json"})
    assert json_answer.status_code == 202
    assert json_answer.json["job"]["status"] == "done"


def test_a_failing_job_says_so_in_the_users_language_without_a_traceback(
    app, registry, monkeypatch
):
    from core import exchange

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device: /srv/jiedao/instance/jobs")

    monkeypatch.setattr(exchange, "save_xlsx", full_disk)
    files_before = set(jobs_dir(app).glob("*"))
    job = job_id(registry.get(f"{EXPORT}.xlsx"))
    body = registry.get(f"/api/v1/jobs/{job}").json
    assert body["status"] == "failed" and body["error"] == FAILED_MESSAGE
    assert body["download_url"] is None and body["result"] is None
    page = registry.get(f"/jobs/{job}")
    assert FAILED_MESSAGE in page.text and "出错停止" in page.text
    assert "No space" not in page.text and "Traceback" not in page.text
    assert registry.get(f"/jobs/{job}/download").status_code == 404
    assert set(jobs_dir(app).glob("*")) == files_before  # the half-written file is gone
    assert audit(app, "export") == []  # nothing was exported


def test_a_job_refused_at_run_time_gives_the_refusals_message(app, registry, world):
    """A job is checked again when it runs, as its user: a place outside their scope is refused
    as an export there would be, with the 404's message."""
    with app.app_context():
        job = Job(
            kind="ledger_export",
            title="t",
            user_id=world.user("worker").id,
            params={"ref": "110105002001", "name": "registry.residents", "fmt": "csv", "args": {}},
        )
        db.session.add(job)
        db.session.commit()
        jobs.execute(app, job.id)
    body = registry.get(f"/api/v1/jobs/{job.id}").json
    assert body["status"] == "failed"
    assert body["error"] == "未找到，或不在您的管辖范围内。"


def jobs_dir(app):
    from pathlib import Path

    return Path(app.instance_path) / "jobs"


# --- imports -----------------------------------------------------------------------------------


def sheet(*sequences: int, bad: str = "") -> bytes:
    lines = [f"新居民{s},{make_id(sequence=200 + s)},,户籍居民\n" for s in sequences]
    return (HEADER + "".join(lines) + bad).encode()


def upload(client, url, content, filename="居民.csv", **data):
    return client.post(
        url,
        data={"file": (io.BytesIO(content), filename), **data},
        content_type="multipart/form-data",
    )


def test_a_large_import_is_checked_then_imported_by_jobs(app, registry):
    before = residents(app)
    checked = upload(registry, IMPORT_PAGE, sheet(1, 2, 3, 4), next=f"/c/{A1}/registry/")
    check = job_id(checked)
    assert residents(app) == before  # the check wrote nothing
    page = registry.get(f"/jobs/{check}")
    assert 'data-count="rows">4<' in page.text and "立即导入4行" in page.text
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)
    assert registry.get(f"/api/v1/jobs/{check}").json["result"]["ok"] is True

    done = registry.post(IMPORT_PAGE, data={"token": token, "next": f"/c/{A1}/registry/"})
    imported = job_id(done)
    body = registry.get(f"/api/v1/jobs/{imported}").json
    assert body["status"] == "done" and body["progress"] == {
        "done": 4,
        "total": 4,
        "estimated": False,
    }
    assert body["result"]["written"] == 4 and body["result"]["dry_run"] is False
    assert residents(app) == before + 4
    assert "已导入4行到居民" in registry.get(f"/jobs/{imported}").text
    assert [e.details["rows"] for e in audit(app, "import")] == [4]
    assert registry.post(IMPORT_PAGE, data={"token": token}).status_code == 422  # spent


def test_a_large_import_with_a_bad_row_writes_nothing(app, registry):
    before = residents(app)
    staged = jobs_dir(app).parent / "imports"
    staged_before = set(staged.glob("*.bin"))
    bad = "赵六,110105194912310021,123,户籍居民\n"
    for client_call in (
        lambda: upload(registry, IMPORT_API, sheet(1, 2, 3, 4, bad=bad)),
        lambda: upload(registry, IMPORT_PAGE, sheet(1, 2, 3, 4, bad=bad)),
    ):
        r = client_call()
        assert r.status_code == 202
        job = r.json["job"]["id"] if r.is_json else job_id(r)
        result = registry.get(f"/api/v1/jobs/{job}").json["result"]
        assert result["ok"] is False and result["token"] is None
        assert {(p["row"], p["column"]) for p in result["errors"]} == {
            (6, "身份证号"),
            (6, "手机号码"),
        }
        assert result["message"].startswith("第6行：") and "未导入任何数据" in result["message"]
    page = registry.get(f"/jobs/{job}")
    assert "data-import-errors" in page.text and 'name="token"' not in page.text
    assert residents(app) == before  # all or nothing, and the staged files are gone
    assert set(staged.glob("*.bin")) == staged_before


def test_the_api_queues_a_large_import_and_reports_it(app, registry, as_user):
    before = residents(app)
    r = upload(registry, IMPORT_API, sheet(1, 2, 3))
    assert r.status_code == 202 and r.json["job"]["status"] == "done"
    assert r.headers["Location"] == f"/api/v1/jobs/{r.json['job']['id']}"
    assert r.json["job"]["result"]["written"] == 3 and residents(app) == before + 3
    assert as_user("c_admin").get(r.headers["Location"]).status_code == 404
    small = upload(registry, IMPORT_API, sheet(7, 8))  # two rows: inline, as before
    assert small.status_code == 200 and small.json == {"created": 2}


def test_rows_are_estimated_without_parsing_the_file():
    book = Workbook(write_only=True)
    sheet_ = book.create_sheet()
    for i in range(3001):
        sheet_.append([i, "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert estimate_rows("big.xlsx", buffer.getvalue()) == 3000
    assert estimate_rows("a.csv", b"h\n1\n2\n") == 2 and estimate_rows("a.csv", b"h\n1") == 1
    assert estimate_rows("broken.xlsx", b"not a zip") == 0  # reading it refuses it at once


# --- the queue ---------------------------------------------------------------------------------


@pytest.fixture
def sqlite_queue(app, tmp_path):
    """A real SQLite queue for one test: jobs wait until ``run_next()`` runs one, as the worker."""
    kept = app.extensions["jiedao.jobs"]
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    queue = jobs.JobQueue(app, jobs.make_huey(url, app.instance_path))
    app.extensions["jiedao.jobs"] = queue

    def run_next() -> None:
        queue.huey.execute(queue.huey.dequeue())

    yield queue, run_next
    app.extensions["jiedao.jobs"] = kept


def test_a_queued_job_waits_for_the_worker_and_shows_its_progress(app, registry, sqlite_queue):
    queue, run_next = sqlite_queue
    job = job_id(registry.get(f"{EXPORT}.csv"))
    waiting = registry.get(f"/jobs/{job}")
    assert "等待开始" in waiting.text and f'content="2;url=/jobs/{job}"' in waiting.text
    assert registry.get(f"/api/v1/jobs/{job}").json["status"] == "queued"
    assert queue.huey.pending_count() == 1

    # While it runs, the progress comes from the queue's storage.
    with app.app_context():
        db.session.get(Job, job).status = jobs.RUNNING
        db.session.commit()
    queue.huey.put(jobs.progress_key(job), (1200, None))
    assert registry.get(f"/api/v1/jobs/{job}").json["progress"] == {
        "done": 1200,
        "total": None,
        "estimated": False,
    }
    # A district's export of millions counts against the planner's estimate, shown as one.
    queue.huey.put(jobs.progress_key(job), (1200, 2_000_000, True))
    assert registry.get(f"/api/v1/jobs/{job}").json["progress"]["estimated"] is True
    assert "1,200 / 约 2,000,000" in registry.get(f"/jobs/{job}").text
    with app.app_context():
        db.session.get(Job, job).status = jobs.QUEUED
        db.session.commit()

    run_next()
    body = registry.get(f"/api/v1/jobs/{job}").json
    assert body["status"] == "done" and body["progress"] == {
        "done": 5,
        "total": 5,
        "estimated": False,
    }
    assert len(csv_rows(registry.get(body["download_url"]).data)) == 6
    assert queue.huey.pending_count() == 0


def test_the_worker_command_refuses_an_immediate_queue(app, monkeypatch):
    from core import cli as cli_module

    monkeypatch.setattr(cli_module, "_app", app)
    result = CliRunner().invoke(cli_module.cli, ["worker"])
    assert result.exit_code != 0 and "immediate" in result.output
    assert "background jobs" in CliRunner().invoke(cli_module.cli, ["worker", "--help"]).output


def test_the_jobs_url_names_the_queue(tmp_path):
    from huey import RedisHuey, SqliteHuey

    from core.config import ConfigError

    assert isinstance(jobs.make_huey("sqlite:///jobs.db", str(tmp_path)), SqliteHuey)
    assert (tmp_path / "jobs.db").exists()
    assert jobs.make_huey("immediate", str(tmp_path)).immediate
    try:
        import redis  # noqa: F401
    except ImportError:
        with pytest.raises(ConfigError, match="jiedao\\[redis\\]"):
            jobs.make_huey("redis://127.0.0.1:6379/0", str(tmp_path))
    else:
        assert isinstance(jobs.make_huey("redis://127.0.0.1:6379/0", str(tmp_path)), RedisHuey)
    with pytest.raises(ConfigError, match="JIEDAO_JOBS_URL"):
        jobs.make_huey("amqp://rabbit", str(tmp_path))


def test_a_jobs_file_and_report_are_kept_a_day(app, registry):
    """Both hold personal data (an import's problems quote the file's cells): a day after the
    job ended, starting another job forgets them, as staged uploads are forgotten."""
    import os
    from datetime import timedelta

    old = job_id(registry.get(f"{EXPORT}.csv"))
    with app.app_context():
        job = db.session.get(Job, old)
        job.finished_at -= timedelta(hours=25)
        db.session.commit()
        stored = jobs_dir(app) / job.result["file"]
    day_ago = stored.stat().st_mtime - 25 * 3600
    os.utime(stored, (day_ago, day_ago))
    job_id(registry.get(f"{EXPORT}.csv"))
    assert not stored.exists()
    body = registry.get(f"/api/v1/jobs/{old}").json
    assert body["status"] == "done" and body["result"] is None and body["download_url"] is None
    assert "此任务的结果已不再保留" in registry.get(f"/jobs/{old}").text


def test_an_export_job_counts_against_the_rows_it_will_write(app, registry, monkeypatch):
    """The job tells its total before the first row: exact for a few rows, beyond
    EXACT_TOTAL_UP_TO the planner's estimate marked as such (as the list's total)."""
    import core.api

    told: list[tuple[int, int | None, bool]] = []
    kept = jobs.JobProgress.__call__

    def spy(self, rows, total=None, *, estimated=False):
        told.append((rows, total, estimated))
        kept(self, rows, total, estimated=estimated)

    monkeypatch.setattr(jobs.JobProgress, "__call__", spy)
    body = registry.get(f"/api/v1/jobs/{job_id(registry.get(f'{EXPORT}.csv'))}").json
    assert told[0] == (0, 5, False) and body["progress"]["total"] == 5

    told.clear()
    monkeypatch.setattr(core.api, "EXACT_TOTAL_UP_TO", 3)
    monkeypatch.setattr(core.api, "estimated_rows", lambda stmt: 4_000)
    registry.get(f"{EXPORT}.csv")
    assert told[0] == (0, 4_000, True)
