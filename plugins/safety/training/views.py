"""The training routes the ledgers cannot generate: the year's three-post progress and the
certificates about to expire."""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, request

from core.sdk import api_doc, calendar_year, db, require

from ..common import MODULE, VIEW
from ..web import COMMUNITY, api, pages
from .ledgers import YEAR, trainees
from .services import POSTS, expiring_certificates, training_progress


@api.get("/trainings/progress")
@api_doc(
    "Three-key-post people trained in ?year= (default this year) against the yearly target",
    tags=[MODULE],
    parameters=[*COMMUNITY, YEAR.openapi()],
)
def api_training_progress() -> Any:
    require(VIEW)
    return jsonify(training_progress(db.session, g.community, calendar_year(request.args)))


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
