"""The training routes the ledgers cannot generate: a session's trainees (its page's form and
the API), the year's three-post progress and the certificates about to expire."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, redirect, render_template

from core.forms import save
from core.records.ledger import detail_page, load
from core.sdk import api_doc, db, json_body, load_form, require

from ..common import EDIT, MODULE, VIEW
from ..web import COMMUNITY, RECORD, api, pages
from .ledgers import YEAR, progress_year, trainees, trainings
from .schemas import TraineeSchema
from .services import POSTS, add_trainee, expiring_certificates, training_progress


@pages.post("/trainings/<int:record_id>/trainees", endpoint="add_trainee")
def add_trainee_page(record_id: int) -> Any:
    """The add-a-trainee form of a session's page; a refusal shows the page again."""
    require(EDIT)
    training = load(trainings, record_id)
    form = load_form(TraineeSchema(), booleans=("passed",))
    saved, status = save(form, lambda: add_trainee(db.session, training, form.data))
    if saved:
        return redirect(trainings.url("detail", training))
    g.trainee_form = form
    return detail_page(trainings, record_id), status


@api.get("/trainings/<int:record_id>/trainees")
@api_doc(
    "The trainees of a session", response_schema=TraineeSchema, tags=[MODULE], parameters=RECORD
)
def api_trainees(record_id: int) -> Any:
    require(VIEW)
    return jsonify({"items": [trainees.dump(t) for t in load(trainings, record_id).trainees]})


@api.post("/trainings/<int:record_id>/trainees")
@api_doc(
    "Add a trainee (three key posts: a certificate number needs its expiry date)",
    request_schema=TraineeSchema,
    response_schema=TraineeSchema,
    status=201,
    tags=[MODULE],
    parameters=RECORD,
)
def api_add_trainee(record_id: int) -> Any:
    require(EDIT)
    trainee = add_trainee(db.session, load(trainings, record_id), json_body(TraineeSchema()))
    db.session.commit()
    return jsonify(trainees.dump_one(trainee)), 201


@api.get("/trainings/progress")
@api_doc(
    "Three-key-post people trained in ?year= (default this year) against the yearly target",
    tags=[MODULE],
    parameters=[*COMMUNITY, YEAR.openapi()],
)
def api_training_progress() -> Any:
    require(VIEW)
    return jsonify(training_progress(db.session, g.community, progress_year()))


@pages.get("/certificates")
def certificates() -> Any:
    """Certificates expiring within the warning days, and expired ones (flagged)."""
    require(VIEW)
    found = expiring_certificates(db.session, g.community)
    return render_template("safety/certificates.html", **found, trainees=trainees, posts=POSTS)


@api.get("/certificates/expiring")
@api_doc(
    "Certificates expiring within the warning days (setting certificate_warning_days) and "
    "expired ones (expired: true), soonest first",
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_certificates_expiring() -> Any:
    require(VIEW)
    found = expiring_certificates(db.session, g.community)
    items = [
        trainees.dump(row["trainee"]) | {"expired": row["expired"], "days_left": row["days_left"]}
        for row in found["items"]
    ]
    return jsonify({"days": found["days"], "today": found["today"].isoformat(), "items": items})
