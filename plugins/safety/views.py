"""Pages and JSON API of one community, and read views over a street or district.

The blueprints are the platform's ``CommunityBlueprint`` and ``RollupBlueprint``: before any view
runs they check that the plugin is active, that the user holds one of its permissions at the
place and, for a community, that the module is on there (404 otherwise). Each view then requires
the permission it needs (403) and loads records only through the community's or the scope's
clause, so another community's record is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import (
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.api import api_doc, json_body, paginate
from core.db import db
from core.errors import DomainError
from core.forms import empty_form, load_form
from core.permissions import can
from core.sdk import register_ledgers
from tenants.modules import require

from . import services
from .dashboard import views as dashboard_views  # noqa: F401 - the dashboard routes
from .dashboard.figures import community_summary
from .enterprises import views as enterprise_views  # noqa: F401 - adding a hazard source
from .enterprises.ledgers import LEDGERS as ENTERPRISE_LEDGERS
from .hazards import views as hazard_views  # noqa: F401 - the workflow routes
from .hazards import workflow
from .hazards.ledgers import LEDGERS as HAZARD_LEDGERS
from .hazards.ledgers import hazards
from .inspections.ledgers import LEDGERS as INSPECTION_LEDGERS
from .models import (
    SafetyAccident,
    SafetyActivity,
    SafetyHazard,
    SafetyTrainee,
    SafetyTraining,
)
from .schemas import (
    AccidentSchema,
    ActivitySchema,
    TraineeSchema,
    TrainingSchema,
)
from .services import EDIT, MODULE, SENSITIVE, VIEW
from .web import COMMUNITY, PHOTOS, RECORD, api, pages, rollup, rollup_api

LEDGERS = [*ENTERPRISE_LEDGERS, *INSPECTION_LEDGERS, *HAZARD_LEDGERS]
register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)

# === overview, enterprises, hazard sources, inspections, hazards ==============================


def lead_choices() -> dict[str, Any]:
    """Labels the hazard rows of the overview need."""
    return {
        "statuses": workflow.HAZARD_STATUSES,
        "severities": workflow.SEVERITIES,
        "categories": workflow.HAZARD_CATEGORIES,
        "actions": workflow.ACTIONS,
        "today": workflow.today(),
        "is_overdue": workflow.is_overdue,
        "days_overdue": workflow.days_overdue,
    }


def load_record(model: Any, record_id: int) -> Any:
    """A live record of the URL's community (404 otherwise: another community, deleted)."""
    obj = db.session.scalar(
        sa.select(model).where(
            model.id == record_id,
            model.community_id == g.community.id,
            model.deleted_at.is_(None),
        )
    )
    if obj is None:
        abort(404)
    return obj


def can_edit() -> bool:
    return can(EDIT, g.community.path) and not g.community.is_archived


def _save(form: Any, write: Any, done: Any) -> Any:
    """Run a service on a valid form: commit and redirect, or show the refusal (422/409/403)."""
    if not form.ok:
        return None, 422
    try:
        obj = write(form.data)
    except DomainError as exc:
        db.session.rollback()
        form.fail(exc)
        return None, exc.status
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(done(obj)), 200


# --- overview --------------------------------------------------------------------------------


@pages.get("/")
def index() -> Any:
    """The community's safety overview: what is overdue first, then the figures of the year."""
    require(VIEW)
    here = SafetyHazard.community_id == g.community.id
    overdue = db.session.scalars(
        hazards.filtered(db.session, here, {"overdue": True}).limit(20)
    ).all()
    return render_template(
        "safety/index.html",
        overdue=overdue,
        summary=community_summary(db.session, g.community),
        can_edit=can_edit(),
        **lead_choices(),
    )


# === training, accidents, activities, photos ==================================================


TRAINEE_RECORD = [
    *COMMUNITY,
    {"in": "path", "name": "trainee_id", "required": True, "schema": {"type": "integer"}},
]
LIST_FILTERS = [
    {"in": "query", "name": name, "schema": {"type": "string"}, "description": text}
    for name, text in [
        ("year", "a year, e.g. 2026"),
        ("category", "training category (trainings)"),
        ("post", "trainee post (trainings: sessions with such a trainee)"),
        ("kind", "accident or activity kind"),
        ("grade", "accident grade"),
    ]
]
UNMASK = [
    {
        "in": "query",
        "name": "unmask",
        "schema": {"type": "string"},
        "description": "1: casualty details and liability (needs safety.sensitive.view; audited)",
    }
]


def _list_filters(choices: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``?year=`` and the choice filters of a list; a bad value is a translated 422."""
    filters: dict[str, Any] = {}
    year = request.args.get("year", "").strip()
    if year:
        if not (year.isdigit() and 1900 <= int(year) <= 2999):
            message = _("Not a valid year.")
            raise DomainError(_("year must be a year, e.g. 2026."), {"year": [message]})
        filters["year"] = int(year)
    for key, allowed in choices.items():
        value = request.args.get(key, "").strip()
        if value:
            if value not in allowed:
                message = _("Must be one of: %(choices)s.", choices=", ".join(allowed))
                raise DomainError(message, {key: [message]})
            filters[key] = value
    return filters


def _form_data(form: Any, obj: Any, booleans: tuple[str, ...] = ()) -> dict[str, Any]:
    """What an edit form changes: the fields it shows (an unticked box is a no)."""
    data = {k: v for k, v in form.data.items() if obj is None or k in request.form}
    for key in booleans:
        data[key] = request.form.get(key) in ("true", "on")
    return data


def _form_values(schema: ma.Schema, obj: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, field in schema.fields.items():
        if field.dump_only:
            continue
        value = getattr(obj, key, None)
        if value is None:
            continue
        if isinstance(value, bool):
            values[key] = "true" if value else ""
        else:
            values[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return values


def _enterprise_options() -> list[tuple[Any, str]]:
    """The community's enterprises for a select, with an empty choice first."""
    return [
        ("", "—"),
        *((str(i), n) for i, n in services.enterprise_options(db.session, g.community)),
    ]


def _form_page(
    schema: ma.Schema,
    obj: Any,
    save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str],
    title: Any,
    fields: list[tuple[str, str, Any, Any]],
    cancel: str,
    booleans: tuple[str, ...] = (),
) -> Any:
    """A create/edit form: the schema checks the input, the service refuses or saves."""
    require(EDIT)
    form = empty_form(**(_form_values(schema, obj) if obj is not None else {}))
    status = 200
    if request.method == "POST":
        form = load_form(schema)
        response, status = _save(form, lambda _data: save(_form_data(form, obj, booleans)), done)
        if response is not None:
            return response
    return render_template(
        "safety/record_form.html",
        form=form,
        title=title,
        fields=fields,
        cancel=cancel,
        enterprises=_enterprise_options(),
    ), status


def _delete(obj: Any, label: str, endpoint: str) -> Any:
    require(EDIT)
    services.soft_delete(db.session, obj, label)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for(endpoint))


# --- training ------------------------------------------------------------------------------

TRAINING_FORM = [
    ("input", "title", _l("Title"), {"required": True, "maxlength": 200}),
    ("select", "category", _l("Category"), services.TRAINING_CATEGORIES),
    ("date", "held_on", _l("Held on"), {"required": True}),
    ("input", "place", _l("Place"), {"maxlength": 200}),
    ("input", "teacher", _l("Teacher"), {"maxlength": 100}),
    ("input", "hours", _l("Hours"), {"inputmode": "decimal"}),
    ("input", "notes", _l("Notes"), {"maxlength": 2000}),
]
TRAINEE_FORM = [
    ("input", "name", _l("Full name"), {"required": True, "maxlength": 50}),
    ("enterprise", "enterprise_id", _l("Enterprise"), None),
    ("select", "post", _l("Post"), services.POSTS),
    ("input", "certificate_number", _l("Certificate number"), {"maxlength": 40}),
    ("date", "certificate_issued_on", _l("Certificate issued on"), {}),
    ("date", "certificate_expires_on", _l("Certificate expires on"), {}),
    ("checkbox", "passed", _l("Passed"), None),
]


def dump_training(training: SafetyTraining) -> dict[str, Any]:
    data = TrainingSchema().dump(training)
    data["category_label"] = str(services.TRAINING_CATEGORIES.get(training.category, ""))
    data["trainees"] = len(training.trainees)
    return data


def dump_trainee(trainee: SafetyTrainee) -> dict[str, Any]:
    data = TraineeSchema().dump(trainee)
    data["post_label"] = str(services.POSTS.get(trainee.post, ""))
    data["three_posts"] = trainee.post in services.THREE_POSTS
    data["enterprise"] = trainee.enterprise.name if trainee.enterprise else None
    return data


def _training_filters() -> dict[str, Any]:
    return _list_filters({"category": services.TRAINING_CATEGORIES, "post": services.POSTS})


def _progress_year() -> int:
    return _training_filters().get("year") or services.today().year


@pages.get("/trainings")
def trainings() -> Any:
    """培训台账: sessions with filters, and the year's three-post progress against the target."""
    require(VIEW)
    filters = _training_filters()
    page = paginate(
        services.trainings_query(SafetyTraining.community_id == g.community.id, filters)
    )
    return render_template(
        "safety/trainings.html",
        page=page,
        filters=request.args,
        progress=services.training_progress(db.session, g.community, _progress_year()),
        categories=services.TRAINING_CATEGORIES,
        posts=services.POSTS,
        can_edit=can_edit(),
    )


@pages.route("/trainings/new", methods=["GET", "POST"])
def new_training() -> Any:
    return _form_page(
        TrainingSchema(),
        None,
        lambda data: services.create_training(db.session, g.community, data),
        lambda t: url_for("safety.training", record_id=t.id),
        _l("New training"),
        TRAINING_FORM,
        url_for("safety.trainings"),
    )


@pages.route("/trainings/<int:record_id>/edit", methods=["GET", "POST"])
def edit_training(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTraining, record_id)
    return _form_page(
        TrainingSchema(),
        obj,
        lambda data: services.update_training(db.session, obj, data),
        lambda t: url_for("safety.training", record_id=t.id),
        _l("Edit training"),
        TRAINING_FORM,
        url_for("safety.training", record_id=obj.id),
    )


def _training_page(obj: SafetyTraining, form: Any, status: int = 200) -> Any:
    return render_template(
        "safety/training.html",
        record=obj,
        data=dump_training(obj),
        trainees=[dump_trainee(t) for t in obj.trainees],
        form=form,
        fields=TRAINEE_FORM,
        enterprises=_enterprise_options(),
        can_edit=can_edit(),
    ), status


@pages.get("/trainings/<int:record_id>")
def training(record_id: int) -> Any:
    require(VIEW)
    return _training_page(load_record(SafetyTraining, record_id), empty_form(passed="true"))


@pages.post("/trainings/<int:record_id>/delete")
def delete_training(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTraining, record_id)
    return _delete(obj, obj.title, "safety.trainings")


@pages.post("/trainings/<int:record_id>/trainees")
def add_trainee(record_id: int) -> Any:
    """The add-a-trainee form of a session's page; a refusal shows the page again (422)."""
    require(EDIT)
    obj = load_record(SafetyTraining, record_id)
    form = load_form(TraineeSchema())
    if form.ok:
        data = dict(form.data)
        data["passed"] = request.form.get("passed") in ("true", "on")
        try:
            services.add_trainee(db.session, obj, data)
        except DomainError as exc:
            db.session.rollback()
            return _training_page(obj, form.fail(exc), exc.status)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("safety.training", record_id=obj.id))
    return _training_page(obj, form, 422)


@pages.route("/trainees/<int:trainee_id>/edit", methods=["GET", "POST"])
def edit_trainee(trainee_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTrainee, trainee_id)
    return _form_page(
        TraineeSchema(),
        obj,
        lambda data: services.update_trainee(db.session, obj, data),
        lambda t: url_for("safety.training", record_id=t.training_id),
        _l("Edit trainee"),
        TRAINEE_FORM,
        url_for("safety.training", record_id=obj.training_id),
        booleans=("passed",),
    )


@pages.post("/trainees/<int:trainee_id>/delete")
def delete_trainee(trainee_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTrainee, trainee_id)
    services.soft_delete(db.session, obj, obj.name)
    db.session.commit()
    flash(_("Deleted."), "success")
    return redirect(url_for("safety.training", record_id=obj.training_id))


def _certificates() -> list[dict[str, Any]]:
    return services.expiring_certificates(db.session, g.community)


@pages.get("/certificates")
def certificates() -> Any:
    """Certificates expiring within the warning days, and expired ones (flagged)."""
    require(VIEW)
    return render_template(
        "safety/certificates.html",
        items=[(row, dump_trainee(row["trainee"])) for row in _certificates()],
        days=services.settings(db.session, g.community)["certificate_warning_days"],
    )


# --- accidents -----------------------------------------------------------------------------

ACCIDENT_FORM = [
    ("date", "occurred_on", _l("Occurred on"), {"required": True}),
    ("enterprise", "enterprise_id", _l("Enterprise"), None),
    ("input", "place", _l("Place"), {"maxlength": 200}),
    ("select", "kind", _l("Kind"), services.ACCIDENT_KINDS),
    ("select", "grade", _l("Grade"), services.ACCIDENT_GRADES),
    ("input", "deaths", _l("Deaths"), {"inputmode": "numeric"}),
    ("input", "serious_injuries", _l("Serious injuries"), {"inputmode": "numeric"}),
    ("input", "minor_injuries", _l("Minor injuries"), {"inputmode": "numeric"}),
    ("input", "direct_loss", _l("Direct loss (10,000 yuan)"), {"inputmode": "decimal"}),
    ("text", "summary", _l("Summary"), {}),
    ("text", "cause", _l("Cause"), {}),
    ("text", "measures", _l("Measures"), {}),
    ("checkbox", "meeting_held", _l("On-site meeting held"), None),
    ("date", "meeting_on", _l("On-site meeting on"), {}),
    ("text", "lessons", _l("Lessons"), {}),
    ("text", "casualty_details", _l("Casualty details"), {}),
    ("text", "liability", _l("Liability findings"), {}),
]


def dump_accident(accident: SafetyAccident, unmasked: bool = False) -> dict[str, Any]:
    """An accident as JSON; casualty details and liability are "***" unless ``unmasked``."""
    data = AccidentSchema().dump(accident)
    if not unmasked:
        for key in services.ACCIDENT_SENSITIVE_FIELDS:
            data[key] = services.MASK
    data["masked"] = not unmasked
    data["kind_label"] = str(services.ACCIDENT_KINDS.get(accident.kind, ""))
    data["grade_label"] = str(services.ACCIDENT_GRADES.get(accident.grade, ""))
    data["enterprise"] = accident.enterprise.name if accident.enterprise else None
    return data


def _unmask_requested(accident: SafetyAccident) -> bool:
    """``?unmask=1`` by a holder of ``safety.sensitive.view``: audited; otherwise a 403."""
    if request.args.get("unmask") not in ("1", "true"):
        return False
    require(SENSITIVE)
    services.record_unmask(db.session, accident)
    db.session.commit()
    return True


def _accident_filters() -> dict[str, Any]:
    return _list_filters({"kind": services.ACCIDENT_KINDS, "grade": services.ACCIDENT_GRADES})


@pages.get("/accidents")
def accidents() -> Any:
    require(VIEW)
    page = paginate(
        services.accidents_query(SafetyAccident.community_id == g.community.id, _accident_filters())
    )
    return render_template(
        "safety/accidents.html",
        page=page,
        filters=request.args,
        kinds=services.ACCIDENT_KINDS,
        grades=services.ACCIDENT_GRADES,
        can_edit=can_edit(),
    )


@pages.route("/accidents/new", methods=["GET", "POST"])
def new_accident() -> Any:
    return _form_page(
        AccidentSchema(),
        None,
        lambda data: services.create_accident(db.session, g.community, data),
        lambda a: url_for("safety.accident", record_id=a.id),
        _l("Record an accident"),
        ACCIDENT_FORM,
        url_for("safety.accidents"),
    )


@pages.route("/accidents/<int:record_id>/edit", methods=["GET", "POST"])
def edit_accident(record_id: int) -> Any:
    """Editing shows the sensitive fields, so it needs safety.sensitive.view as well."""
    require(EDIT)
    require(SENSITIVE)
    obj = load_record(SafetyAccident, record_id)
    return _form_page(
        AccidentSchema(),
        obj,
        lambda data: services.update_accident(db.session, obj, data),
        lambda a: url_for("safety.accident", record_id=a.id),
        _l("Edit accident"),
        ACCIDENT_FORM,
        url_for("safety.accident", record_id=obj.id),
        booleans=("meeting_held",),
    )


@pages.get("/accidents/<int:record_id>")
def accident(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyAccident, record_id)
    unmasked = _unmask_requested(obj)
    return render_template(
        "safety/accident.html",
        record=obj,
        data=dump_accident(obj, unmasked),
        unmasked=unmasked,
        may_unmask=services.may_see_sensitive(g.community),
        fields=ACCIDENT_FORM,
        history=[
            (entry, services.masked_changes(entry.details, unmasked))
            for entry in services.accident_history(db.session, obj)
        ],
        can_edit=can_edit(),
    )


@pages.post("/accidents/<int:record_id>/delete")
def delete_accident(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyAccident, record_id)
    return _delete(obj, obj.occurred_on.isoformat(), "safety.accidents")


# --- activities ----------------------------------------------------------------------------

ACTIVITY_FORM = [
    ("select", "kind", _l("Kind"), services.ACTIVITY_KINDS),
    ("input", "title", _l("Title"), {"required": True, "maxlength": 200}),
    ("date", "held_on", _l("Held on"), {"required": True}),
    ("input", "place", _l("Place"), {"maxlength": 200}),
    ("input", "headcount", _l("Participants"), {"inputmode": "numeric"}),
    ("input", "organiser", _l("Organiser"), {"maxlength": 100}),
    ("text", "summary", _l("Summary"), {}),
]


def dump_activity(activity: SafetyActivity) -> dict[str, Any]:
    data = ActivitySchema().dump(activity)
    data["kind_label"] = str(services.ACTIVITY_KINDS.get(activity.kind, ""))
    return data


@pages.get("/activities")
def activities() -> Any:
    require(VIEW)
    filters = _list_filters({"kind": services.ACTIVITY_KINDS})
    page = paginate(
        services.activities_query(SafetyActivity.community_id == g.community.id, filters)
    )
    return render_template(
        "safety/activities.html",
        page=page,
        filters=request.args,
        kinds=services.ACTIVITY_KINDS,
        can_edit=can_edit(),
    )


@pages.route("/activities/new", methods=["GET", "POST"])
def new_activity() -> Any:
    return _form_page(
        ActivitySchema(),
        None,
        lambda data: services.create_activity(db.session, g.community, data),
        lambda a: url_for("safety.activity", record_id=a.id),
        _l("Record an activity"),
        ACTIVITY_FORM,
        url_for("safety.activities"),
    )


@pages.route("/activities/<int:record_id>/edit", methods=["GET", "POST"])
def edit_activity(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyActivity, record_id)
    return _form_page(
        ActivitySchema(),
        obj,
        lambda data: services.update_activity(db.session, obj, data),
        lambda a: url_for("safety.activity", record_id=a.id),
        _l("Edit activity"),
        ACTIVITY_FORM,
        url_for("safety.activity", record_id=obj.id),
    )


@pages.get("/activities/<int:record_id>")
def activity(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyActivity, record_id)
    return render_template(
        "safety/activity.html",
        record=obj,
        data=dump_activity(obj),
        fields=ACTIVITY_FORM,
        photos=PHOTOS.block(db.session, "activities", obj),
        can_edit=can_edit(),
    )


@pages.post("/activities/<int:record_id>/delete")
def delete_activity(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyActivity, record_id)
    return _delete(obj, obj.title, "safety.activities")


# --- training, accidents, activities: JSON API ---------------------------------------------


def _api_list(query: sa.Select, dump: Callable[[Any], dict[str, Any]]) -> Any:
    require(VIEW)
    return jsonify(paginate(query).to_json(dump))


@api.get("/trainings")
@api_doc(
    "Training sessions (filters: year, category, post; paginated)",
    response_schema=TrainingSchema,
    paginated=True,
    tags=[MODULE],
    parameters=[*COMMUNITY, *LIST_FILTERS],
)
def api_trainings() -> Any:
    require(VIEW)
    query = services.trainings_query(
        SafetyTraining.community_id == g.community.id, _training_filters()
    )
    return _api_list(query, dump_training)


@api.post("/trainings")
@api_doc(
    "Record a training session (held_on at most one year ahead)",
    request_schema=TrainingSchema,
    response_schema=TrainingSchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_create_training() -> Any:
    require(EDIT)
    obj = services.create_training(db.session, g.community, json_body(TrainingSchema()))
    db.session.commit()
    return jsonify(dump_training(obj)), 201


@api.get("/trainings/progress")
@api_doc(
    "Three-key-post people trained in ?year= (default this year) against the yearly target",
    tags=[MODULE],
    parameters=[*COMMUNITY, LIST_FILTERS[0]],
)
def api_training_progress() -> Any:
    require(VIEW)
    return jsonify(services.training_progress(db.session, g.community, _progress_year()))


@api.get("/trainings/<int:record_id>")
@api_doc("A training session and its trainees", tags=[MODULE], parameters=RECORD)
def api_training(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyTraining, record_id)
    return jsonify(dump_training(obj) | {"items": [dump_trainee(t) for t in obj.trainees]})


@api.patch("/trainings/<int:record_id>")
@api_doc(
    "Change a training session (the fields given)",
    request_schema=TrainingSchema,
    response_schema=TrainingSchema,
    tags=[MODULE],
    parameters=RECORD,
)
def api_update_training(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTraining, record_id)
    services.update_training(db.session, obj, json_body(TrainingSchema(), partial=True))
    db.session.commit()
    return jsonify(dump_training(obj))


@api.delete("/trainings/<int:record_id>")
@api_doc("Delete a training session (soft)", tags=[MODULE], parameters=RECORD)
def api_delete_training(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTraining, record_id)
    services.soft_delete(db.session, obj, obj.title)
    db.session.commit()
    return "", 204


@api.get("/trainings/<int:record_id>/trainees")
@api_doc(
    "The trainees of a session", response_schema=TraineeSchema, tags=[MODULE], parameters=RECORD
)
def api_trainees(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyTraining, record_id)
    return jsonify({"items": [dump_trainee(t) for t in obj.trainees]})


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
    obj = load_record(SafetyTraining, record_id)
    trainee = services.add_trainee(db.session, obj, json_body(TraineeSchema()))
    db.session.commit()
    return jsonify(dump_trainee(trainee)), 201


@api.get("/trainees/<int:trainee_id>")
@api_doc("One trainee", response_schema=TraineeSchema, tags=[MODULE], parameters=TRAINEE_RECORD)
def api_trainee(trainee_id: int) -> Any:
    require(VIEW)
    return jsonify(dump_trainee(load_record(SafetyTrainee, trainee_id)))


@api.patch("/trainees/<int:trainee_id>")
@api_doc(
    "Change a trainee (the fields given)",
    request_schema=TraineeSchema,
    response_schema=TraineeSchema,
    tags=[MODULE],
    parameters=TRAINEE_RECORD,
)
def api_update_trainee(trainee_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTrainee, trainee_id)
    services.update_trainee(db.session, obj, json_body(TraineeSchema(), partial=True))
    db.session.commit()
    return jsonify(dump_trainee(obj))


@api.delete("/trainees/<int:trainee_id>")
@api_doc("Delete a trainee (soft)", tags=[MODULE], parameters=TRAINEE_RECORD)
def api_delete_trainee(trainee_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyTrainee, trainee_id)
    services.soft_delete(db.session, obj, obj.name)
    db.session.commit()
    return "", 204


@api.get("/certificates/expiring")
@api_doc(
    "Certificates expiring within the warning days (setting certificate_warning_days) and "
    "expired ones (expired: true), soonest first",
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_certificates_expiring() -> Any:
    require(VIEW)
    days = services.settings(db.session, g.community)["certificate_warning_days"]
    return jsonify(
        {
            "days": days,
            "today": services.today().isoformat(),
            "items": [
                dump_trainee(row["trainee"])
                | {"expired": row["expired"], "days_left": row["days_left"]}
                for row in _certificates()
            ],
        }
    )


@api.get("/accidents")
@api_doc(
    "Accidents (filters: year, kind, grade; sensitive fields masked)",
    response_schema=AccidentSchema,
    paginated=True,
    tags=[MODULE],
    parameters=[*COMMUNITY, *LIST_FILTERS],
)
def api_accidents() -> Any:
    require(VIEW)
    query = services.accidents_query(
        SafetyAccident.community_id == g.community.id, _accident_filters()
    )
    return _api_list(query, dump_accident)


@api.post("/accidents")
@api_doc(
    "Record an accident",
    request_schema=AccidentSchema,
    response_schema=AccidentSchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_create_accident() -> Any:
    require(EDIT)
    obj = services.create_accident(db.session, g.community, json_body(AccidentSchema()))
    db.session.commit()
    return jsonify(dump_accident(obj)), 201


@api.get("/accidents/<int:record_id>")
@api_doc(
    "One accident (?unmask=1: casualty details and liability, audited; needs "
    "safety.sensitive.view)",
    response_schema=AccidentSchema,
    tags=[MODULE],
    parameters=[*RECORD, *UNMASK],
)
def api_accident(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyAccident, record_id)
    return jsonify(dump_accident(obj, _unmask_requested(obj)))


@api.get("/accidents/<int:record_id>/history")
@api_doc(
    "An accident's history from the audit log, newest first (sensitive values masked unless "
    "?unmask=1 by a holder of safety.sensitive.view, audited)",
    tags=[MODULE],
    parameters=[*RECORD, *UNMASK],
)
def api_accident_history(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyAccident, record_id)
    unmasked = _unmask_requested(obj)
    return jsonify(
        {
            "items": [
                {
                    "at": entry.at.isoformat(),
                    "action": entry.action,
                    "username": entry.username,
                    "changes": services.masked_changes(entry.details, unmasked),
                }
                for entry in services.accident_history(db.session, obj)
            ]
        }
    )


@api.patch("/accidents/<int:record_id>")
@api_doc(
    "Change an accident (the fields given; changing the sensitive ones needs "
    "safety.sensitive.view); the change is kept in its history",
    request_schema=AccidentSchema,
    response_schema=AccidentSchema,
    tags=[MODULE],
    parameters=RECORD,
)
def api_update_accident(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyAccident, record_id)
    data = json_body(AccidentSchema(), partial=True)
    if any(key in data for key in services.ACCIDENT_SENSITIVE_FIELDS):
        require(SENSITIVE)
    services.update_accident(db.session, obj, data)
    db.session.commit()
    return jsonify(dump_accident(obj))


@api.delete("/accidents/<int:record_id>")
@api_doc("Delete an accident (soft)", tags=[MODULE], parameters=RECORD)
def api_delete_accident(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyAccident, record_id)
    services.soft_delete(db.session, obj, obj.occurred_on.isoformat())
    db.session.commit()
    return "", 204


@api.get("/activities")
@api_doc(
    "Publicity activities (filters: year, kind; paginated)",
    response_schema=ActivitySchema,
    paginated=True,
    tags=[MODULE],
    parameters=[*COMMUNITY, *LIST_FILTERS],
)
def api_activities() -> Any:
    require(VIEW)
    filters = _list_filters({"kind": services.ACTIVITY_KINDS})
    query = services.activities_query(SafetyActivity.community_id == g.community.id, filters)
    return _api_list(query, dump_activity)


@api.post("/activities")
@api_doc(
    "Record a publicity activity",
    request_schema=ActivitySchema,
    response_schema=ActivitySchema,
    status=201,
    tags=[MODULE],
    parameters=COMMUNITY,
)
def api_create_activity() -> Any:
    require(EDIT)
    obj = services.create_activity(db.session, g.community, json_body(ActivitySchema()))
    db.session.commit()
    return jsonify(dump_activity(obj)), 201


@api.get("/activities/<int:record_id>")
@api_doc("One activity, with its photos", tags=[MODULE], parameters=RECORD)
def api_activity(record_id: int) -> Any:
    require(VIEW)
    obj = load_record(SafetyActivity, record_id)
    photos = [PHOTOS.dump(p) for p in PHOTOS.items(db.session, "activities", obj.id)]
    return jsonify(dump_activity(obj) | {"photos": photos})


@api.patch("/activities/<int:record_id>")
@api_doc(
    "Change an activity (the fields given)",
    request_schema=ActivitySchema,
    response_schema=ActivitySchema,
    tags=[MODULE],
    parameters=RECORD,
)
def api_update_activity(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyActivity, record_id)
    services.update_activity(db.session, obj, json_body(ActivitySchema(), partial=True))
    db.session.commit()
    return jsonify(dump_activity(obj))


@api.delete("/activities/<int:record_id>")
@api_doc("Delete an activity (soft)", tags=[MODULE], parameters=RECORD)
def api_delete_activity(record_id: int) -> Any:
    require(EDIT)
    obj = load_record(SafetyActivity, record_id)
    services.soft_delete(db.session, obj, obj.title)
    db.session.commit()
    return "", 204
