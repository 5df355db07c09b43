"""Pages and JSON API of one community, and a read-only roll-up for streets and districts.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place in the URL and, for a community, that the module is on there (404 otherwise). Each view
then requires the permission it needs (403).
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.api import api_doc, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form
from core.permissions import can
from core.reports import Period
from tenants.modules import (
    CommunityBlueprint,
    RollupBlueprint,
    module_scope_clause,
    module_settings,
    require,
)

from . import EDIT, MODULE, VIEW, services
from .models import EldercareVisit
from .schemas import VisitSchema

pages = CommunityBlueprint(MODULE, MODULE, __name__)
api = CommunityBlueprint(MODULE, "eldercare_api", __name__, api=True)
rollup = RollupBlueprint(MODULE, "eldercare_rollup", __name__, api=True)

COMMUNITY = [{"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}]
NODE = [{"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}]


@pages.get("/")
def index() -> Any:
    require(VIEW)
    community = g.community
    target = module_settings(db.session, community.id, MODULE)["visits_per_month"]
    return render_template(
        "eldercare/index.html",
        page=paginate(services.visits_query(community.id)),
        summary=services.month_summary(db.session, community.id, target, services.today()),
        target=target,
        can_edit=can(EDIT, community.path) and not community.is_archived,
    )


@pages.route("/visits/new", methods=["GET", "POST"])
def record() -> Any:
    require(EDIT)
    form = empty_form(visit_date=services.today().isoformat(), visitor=current_user.display_name)
    status = 200
    if request.method == "POST":
        form = load_form(VisitSchema())
        status = 422
        if form.ok:
            try:
                visit = services.record_visit(db.session, g.community, form.data, current_user)
            except DomainError as exc:
                db.session.rollback()
                form.fail(exc)
                status = exc.status
            else:
                db.session.commit()
                flash(_("Recorded the visit to %(elder)s.", elder=visit.elder_name), "success")
                return redirect(url_for("eldercare.index"))
    return render_template("eldercare/record.html", form=form), status


@api.get("/visits")
@api_doc(
    "Home visits in a community, latest first (?elder= for one elder)",
    response_schema=VisitSchema,
    paginated=True,
    tags=[MODULE],
    parameters=[*COMMUNITY, {"in": "query", "name": "elder", "schema": {"type": "string"}}],
)
def api_visits() -> Any:
    require(VIEW)
    stmt = services.visits_query(g.community.id, request.args.get("elder", "").strip() or None)
    return jsonify(paginate(stmt).to_json(VisitSchema()))


@api.post("/visits")
@api_doc(
    "Record a home visit",
    request_schema=VisitSchema,
    response_schema=VisitSchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_record() -> Any:
    require(EDIT)
    data = json_body(VisitSchema())
    visit = services.record_visit(db.session, g.community, data, current_user)
    db.session.commit()
    return jsonify(VisitSchema().dump(visit)), 201


def _year_arg() -> int:
    """``?year=`` (this year when absent); anything else than a year is a 422."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return services.today().year
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        message = _("year must be a year, e.g. 2026.")
        raise DomainError(message, {"year": [message]})
    return int(raw)


@rollup.get("/summary")
@api_doc(
    "Visits and elders visited per community under a street or district, for a year",
    tags=[MODULE],
    parameters=[*NODE, {"in": "query", "name": "year", "schema": {"type": "integer"}}],
)
def api_summary() -> Any:
    require(VIEW)
    year = _year_arg()
    clause = module_scope_clause(EldercareVisit, VIEW)
    items = services.rollup(db.session, clause, Period.year(year))
    return jsonify(
        {
            "node": g.node.ref,
            "year": year,
            "items": items,
            "visits": sum(i["visits"] for i in items),
        }
    )
