"""Background jobs: large exports and imports run on a task queue, not in a request.

A job is a row of ``core_job`` (:class:`core.models.Job`: who asked for it and where, how far it
got, what came of it) and one task on a `huey <https://huey.readthedocs.io>`_ queue that runs it.
The request that starts a job answers 202 at once; the user follows it on ``/jobs/<id>`` (a page
that refreshes itself) or ``GET /api/v1/jobs/<id>``. Only they see it: anyone else gets the 404
of a job that does not exist.

``JIEDAO_JOBS_URL`` names the queue: ``sqlite:///<file>`` (the default, a file in the instance
folder: nothing else to run), ``redis://host:6379/0`` in production (``pip install
'jiedao[redis]'``), or ``immediate`` (the tests: a job runs inside the request that starts it).
``jiedao worker`` runs the jobs.

A job runs as its user: in a request context of its own, signed in as them, in the language and
from the address of the request that started it, so the views' checks — scope, permissions, the
module switch, masking, audit — run as they would inline. Progress while a job runs is kept in the
queue's storage, not in the database: an import holds its write transaction until it commits,
and on SQLite no other connection could update the job's row meanwhile.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    send_file,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from werkzeug.exceptions import HTTPException

from core.api import api_doc
from core.config import ConfigError
from core.db import db, utcnow
from core.errors import HTTP_MESSAGES, DomainError
from core.models import Job
from core.tree import NodeRef

if TYPE_CHECKING:  # huey is imported when the first job is queued, not at start-up
    from huey.api import Huey, TaskWrapper

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATUS_LABELS = {
    QUEUED: _l("Waiting to start"),
    RUNNING: _l("Running"),
    DONE: _l("Done"),
    FAILED: _l("Stopped with an error"),
}
FILES_KEPT = 24 * 3600  # seconds an export's file is kept for its download
PROGRESS_EVERY = 1.0  # seconds between two progress notes in the queue's storage
REFRESH_SECONDS = 2  # the job page reloads itself this often until the job has ended

log = logging.getLogger(__name__)

# kind → run(params, progress) → the job's result (JSON). Views register what they queue.
Handler = Callable[[dict[str, Any], "JobProgress"], dict[str, Any]]
_handlers: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register ``run(params, progress)`` as what a job of ``kind`` does. It runs in a request
    context as the job's user, may raise :class:`DomainError` or an HTTP error (the job fails with
    its message) and returns the job's result; the job's session is committed after it."""

    def register(run: Handler) -> Handler:
        _handlers[kind] = run
        return run

    return register


# --- the queue -------------------------------------------------------------------------------


REMINDERS_AT = 7  # the day's reminders are written at 07:00 in JIEDAO_TIMEZONE


class JobQueue:
    """The app's huey instance, the one task that runs any job by its id, and the scheduler's
    daily reminders (``core.reminders``), run by ``jiedao worker``."""

    def __init__(self, app: Flask, huey: Huey) -> None:
        from huey import crontab

        self.huey = huey
        self.run: TaskWrapper = huey.task(name="jiedao.run_job")(
            lambda job_id: execute(app, job_id)
        )
        daily = crontab(minute="0", hour=str(utc_hour(REMINDERS_AT)))
        self.reminders: TaskWrapper = huey.periodic_task(daily, name="jiedao.reminders")(
            lambda: write_reminders(app)
        )

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)


def utc_hour(local_hour: int) -> int:
    """``local_hour`` in the platform's time zone as an hour of UTC, which huey's schedule
    keeps (China keeps no summer time, so the hour holds all year)."""
    from core.clock import zone

    offset = datetime.now(zone()).utcoffset() or timedelta(0)
    return (local_hour - int(offset.total_seconds() // 3600)) % 24


def write_reminders(app: Flask) -> int:
    """The day's reminders and escalations (the scheduler's daily task)."""
    from core import clock, reminders

    with app.app_context():
        written = reminders.run(db.session, clock.today())
        db.session.commit()
        return written


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def check_jobs_url(url: str) -> None:
    """A :class:`ConfigError` at start-up for a ``JIEDAO_JOBS_URL`` no queue can be made of."""
    if url == "immediate" or url.startswith("sqlite:///"):
        return
    if url.startswith(REDIS_SCHEMES):
        try:
            import redis  # noqa: F401 - RedisHuey needs it
        except ImportError:
            raise ConfigError(
                "JIEDAO_JOBS_URL is a Redis URL but the redis package is missing: "
                "pip install 'jiedao[redis]'"
            ) from None
        return
    raise ConfigError(
        f"JIEDAO_JOBS_URL must be sqlite:///<file>, redis://host:port/db or immediate, not {url!r}"
    )


def make_huey(url: str, instance_path: str) -> Huey:
    """The huey instance ``JIEDAO_JOBS_URL`` names (see the module docstring)."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey

    check_jobs_url(url)
    if url == "immediate":
        return MemoryHuey("jiedao", immediate=True, results=False)
    if url.startswith(REDIS_SCHEMES):
        return RedisHuey("jiedao", url=url, results=False)
    path = Path(url.removeprefix("sqlite:///"))
    if not path.is_absolute():
        path = Path(instance_path) / path
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("jiedao", filename=str(path), results=False)


_building = threading.Lock()


def init_app(app: Flask) -> None:
    """The jobs' page and API; the queue itself is made on first use (:func:`queue`), so a
    process that queues nothing never imports huey — but a bad ``JIEDAO_JOBS_URL`` stops the
    start now."""
    check_jobs_url(app.config["JOBS_URL"])
    app.extensions["jiedao.jobs"] = None
    app.register_blueprint(bp)
    app.register_blueprint(api)


def queue(app: Flask | None = None) -> JobQueue:
    """The app's job queue, made the first time it is asked for."""
    app = app or current_app
    found = app.extensions.get("jiedao.jobs")
    if found is None:
        with _building:
            found = app.extensions.get("jiedao.jobs")
            if found is None:
                found = JobQueue(app, make_huey(app.config["JOBS_URL"], app.instance_path))
                app.extensions["jiedao.jobs"] = found
    return found


def files_dir() -> Path:
    """Where exports' files wait for their download (``<instance>/jobs``)."""
    path = Path(current_app.instance_path) / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _forget_old_outcomes(now: float) -> None:
    """Exports' files and jobs' results are kept :data:`FILES_KEPT` seconds, as the uploads they
    came from are: both hold personal data (an import's problems quote the file's cells)."""
    for old in files_dir().iterdir():
        if now - old.stat().st_mtime > FILES_KEPT:
            old.unlink(missing_ok=True)
    cutoff = utcnow() - timedelta(seconds=FILES_KEPT)
    db.session.execute(
        sa.update(Job)
        .where(Job.finished_at < cutoff, Job.result.is_not(sa.null()))
        .values(result=sa.null())
    )


def start(kind: str, title: str, params: dict[str, Any], *, node: NodeRef | None, path: str) -> Job:
    """Record a job of the signed-in user, commit it and put it on the queue; returns it as it
    is now (already ended where jobs run immediately). ``path``: the URL it stands for (the
    request context it runs in). The caller's session must hold nothing else to commit."""
    from flask import request

    if kind not in _handlers:
        raise KeyError(f"no job handler for {kind!r}")
    _forget_old_outcomes(time.time())
    job = Job(
        kind=kind,
        title=title[:200],
        user_id=current_user.id,
        node_id=node.id if node is not None else None,
        params={
            **params,
            "path": path,
            "locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
            "ip": request.remote_addr,
        },
    )
    db.session.add(job)
    db.session.commit()
    queue().run(job.id)
    db.session.refresh(job)
    return job


# --- running a job -------------------------------------------------------------------------


class JobProgress:
    """``progress(rows, total, estimated=False)``: ``rows`` more are done of ``total`` (the
    callback of :func:`core.exchange.run_import`); an ``estimated`` total (the planner's, for an
    export of millions of rows) is shown as such. Noted in the queue's storage at most every
    :data:`PROGRESS_EVERY` seconds, where the job's page reads it while the job runs."""

    def __init__(self, huey: Huey, job_id: int) -> None:
        self.huey = huey
        self.key = progress_key(job_id)
        self.done = 0
        self.total: int | None = None
        self.estimated = False
        self._noted = 0.0

    def __call__(self, rows: int, total: int | None = None, *, estimated: bool = False) -> None:
        self.done += rows
        if total is not None:
            self.total, self.estimated = total, estimated
        now = time.monotonic()
        if now - self._noted >= PROGRESS_EVERY:
            self._noted = now
            self.huey.put(self.key, (self.done, self.total, self.estimated))


def progress_key(job_id: int) -> str:
    return f"jiedao.job.{job_id}.progress"


def failure_message(exc: BaseException) -> str:
    """What the user reads about a failed job: a refusal's own message, an HTTP error's usual
    one, else a plain sentence (the traceback goes to the log, never to the user)."""
    if isinstance(exc, DomainError):
        return exc.message
    if isinstance(exc, HTTPException):
        message = getattr(exc, "jiedao_message", None)
        if message:
            return str(message)
        if exc.code in HTTP_MESSAGES:
            return HTTP_MESSAGES[exc.code]()
    return _("The job failed. Try again; if it fails again, tell an administrator.")


def execute(app: Flask, job_id: int) -> None:
    """Run one job (what the queue's task does): mark it running, run its kind's handler as its
    user, then record the outcome. A job that is not waiting (a repeated delivery) is left."""
    from core.models import User

    # An app context of its own: where jobs run immediately, the request that starts one is still
    # there, and the job must not share its session or its signed-in user.
    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None or job.status != QUEUED:
            return
        job.status, job.started_at = RUNNING, utcnow()
        db.session.commit()
        params = dict(job.params)
        progress = JobProgress(queue(app).huey, job_id)
        context = app.test_request_context(
            params.get("path", "/"), environ_base={"REMOTE_ADDR": params.get("ip") or ""}
        )
        result: dict[str, Any] | None = None
        error: str | None = None
        locale = params.get("locale") or app.config["BABEL_DEFAULT_LOCALE"]
        with context, force_locale(locale):
            try:
                user = db.session.get(User, job.user_id)
                if user is None or not login_user(user):
                    abort(403)  # the account was deactivated since
                result = _handlers[job.kind](params, progress)
            except Exception as exc:
                db.session.rollback()
                expected = isinstance(exc, DomainError | HTTPException)
                if not expected:
                    log.exception("job %s (%s) failed", job_id, job.kind)
                error = failure_message(exc)
        job = db.session.get(Job, job_id)
        job.status = FAILED if error is not None else DONE
        job.result, job.error = result, error[:500] if error else None
        job.rows_done = progress.done
        job.rows_total = progress.total if progress.total is not None else progress.done
        job.finished_at = utcnow()
        db.session.commit()
        queue(app).huey.delete(progress.key)


# --- what the user sees --------------------------------------------------------------------


def _own_job(job_id: int) -> Job:
    """The signed-in user's job; anyone else's is a 404, as a job that does not exist."""
    job = db.session.get(Job, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    return job


def _progress_now(job: Job) -> tuple[int, int | None, bool]:
    """Rows done, of how many, and whether that total is an estimate (only while running: an
    ended job counted its rows)."""
    if job.status == RUNNING:
        noted = queue().huey.get(progress_key(job.id), peek=True)
        if noted:
            done, total, *estimated = noted
            return done, total, bool(estimated and estimated[0])
    return job.rows_done, job.rows_total, False


def _file_of(job: Job) -> Path | None:
    stored = (job.result or {}).get("file")
    if job.status != DONE or not stored:
        return None
    path = files_dir() / Path(stored).name
    return path if path.is_file() else None


def as_dict(job: Job) -> dict[str, Any]:
    """A job as the API shows it (and the page reads it)."""
    from flask import url_for

    done, total, estimated = _progress_now(job)
    result = dict(job.result or {})
    result.pop("file", None)  # where it is stored is the server's business
    has_file = _file_of(job) is not None
    return {
        "id": job.id,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "progress": {"done": done, "total": total, "estimated": estimated},
        "result": result or None,
        "error": job.error,
        "download_url": url_for("jobs.download", job_id=job.id) if has_file else None,
        "page_url": url_for("jobs.page", job_id=job.id),
        "created_at": job.created_at.isoformat(),
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def answer(job: Job, *, api_request: bool) -> Response:
    """The 202 of a request that started ``job``: the job as JSON for the API, else its page."""
    from flask import make_response, url_for

    if api_request:
        response = jsonify({"job": as_dict(job)})
        response.headers["Location"] = url_for("jobs_api.job", job_id=job.id)
    else:
        response = make_response(_page(job))
        response.headers["Location"] = url_for("jobs.page", job_id=job.id)
    response.status_code = 202
    response.headers["Cache-Control"] = "no-store"
    return response


# Views that show a finished job's result: kind → template (given ``job`` and ``info``).
_result_templates: dict[str, str] = {}


def result_template(kind: str, template: str) -> None:
    """Show a finished job of ``kind`` with ``template`` (included by the job page)."""
    _result_templates[kind] = template


def _page(job: Job) -> str:
    """The job's page: it reloads itself every few seconds until the job has ended."""
    return render_template(
        "jobs/job.html",
        job=job,
        info=as_dict(job),
        status_label=STATUS_LABELS.get(job.status, job.status),
        refresh=REFRESH_SECONDS if job.status in (QUEUED, RUNNING) else None,
        result_template=_result_templates.get(job.kind),
    )


bp = Blueprint("jobs", __name__)
api = Blueprint("jobs_api", __name__, url_prefix="/api/v1")


@bp.after_request
@api.after_request
def _not_cached(response: Response) -> Response:
    """A job's page, report and file hold personal data: never kept by a browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>")
@login_required
def page(job_id: int):
    return _page(_own_job(job_id))


@bp.get("/jobs/<int:job_id>/download")
@login_required
def download(job_id: int):
    """An export job's file, to the user who asked for it (it was audited when it was made)."""
    job = _own_job(job_id)
    path = _file_of(job)
    if path is None:
        abort(404)
    return send_file(
        path,
        mimetype=job.result.get("mimetype"),
        as_attachment=True,
        download_name=job.result.get("filename") or path.name,
        etag=False,
        conditional=False,
    )


@api.get("/jobs/<int:job_id>")
@login_required
@api_doc(
    "A background job you started (a large export or import): status (queued, running, done, "
    "failed), progress {done, total, estimated} in rows (total null while unknown, estimated "
    "true while it is the planner's estimate of a large export), result (an import's "
    "report; an export's row count), error (why it failed), download_url of an export's file.",
    tags=["jobs"],
    parameters=[{"in": "path", "name": "job_id", "required": True, "schema": {"type": "integer"}}],
)
def job(job_id: int):
    return jsonify(as_dict(_own_job(job_id)))
