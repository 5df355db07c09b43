"""Onboarding pages (the wizard and a district's onboarding state) and module presets; their API.

Views are thin: they load what the user may see (404 otherwise), check the write permission
(403), call :mod:`tenants.onboarding` / :mod:`tenants.presets` and commit or roll back.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from core.accounts import places
from core.api import Operations, Page, json_body, page_args
from core.db import db
from core.errors import DomainError
from core.forms import FormResult, empty_form, refused, typed_id
from core.permissions import current_scope, permission_required, registry, require
from core.reports import write_xlsx
from core.validation import Schema, required_text
from tenants import modules, onboarding, presets
from tenants.models import Node, NodeKind
from tenants.module_views import settings_fields
from tenants.onboarding import OnboardingDraft
from tenants.schemas import REF_PARAM
from tenants.views import breadcrumb, load_node

bp = Blueprint("onboarding", __name__)
api = Blueprint("onboarding_api", __name__, url_prefix="/api/v1")
TAGS = ["onboarding"]
ops = Operations(api, tags=TAGS)


# --- the wizard ------------------------------------------------------------------------------


def _load_draft(draft_id: int) -> OnboardingDraft:
    """An open draft under the user's ``tenants.manage`` scope, else 404."""
    draft = db.session.scalar(
        onboarding.drafts_query().where(OnboardingDraft.id == draft_id).limit(1)
    )
    if draft is None:
        raise NotFound()
    return draft


def _render_step(draft: OnboardingDraft | None, step: str, status: int = 200, **context: Any):
    parent = onboarding.parent_of(db.session, draft) if draft is not None else None
    return render_template(
        f"tenants/onboarding/{step}.html",
        draft=draft,
        step=step,
        parent=parent,
        step_labels=onboarding.STEP_LABELS,
        grid_names={g["code"]: g["name"] for g in draft.grids} if draft is not None else {},
        **context,
    ), status


def _next_step(draft: OnboardingDraft, step: str) -> Any:
    steps = draft.steps
    following = steps[min(steps.index(step) + 1, len(steps) - 1)]
    return redirect(url_for("onboarding.step", draft_id=draft.id, step=following))


@bp.route("/onboarding", methods=["GET", "POST"])
@permission_required("tenants.manage")
def start():
    """Open drafts, and step 1 of a new one: code and name; the parent is shown to confirm."""
    form = empty_form()
    place = None
    status = 200
    if request.method == "POST":
        form = empty_form(code=request.form.get("code", ""), name=request.form.get("name", ""))
        try:
            if request.form.get("confirm") == "yes":
                draft = onboarding.start(
                    db.session,
                    current_scope(),
                    current_user,
                    form.values["code"],
                    form.values["name"],
                )
                db.session.commit()
                return _next_step(draft, "place")
            place = onboarding.infer_place(
                db.session, current_scope(), form.values["code"], form.values["name"]
            )
        except DomainError as exc:
            status = refused(form, exc)
    drafts = db.session.scalars(onboarding.drafts_query()).all()
    return _render_step(None, "place", status, form=form, place=place, drafts=drafts)


@bp.route("/onboarding/<int:draft_id>/<step>", methods=["GET", "POST"])
@login_required
def step(draft_id: int, step: str):
    draft = _load_draft(draft_id)
    if step not in draft.steps:
        raise NotFound()
    handler = _STEPS[step]
    return handler(draft)


def _place(draft: OnboardingDraft):
    form = empty_form(code=draft.code, name=draft.name)
    place = None
    status = 200
    if request.method == "POST":
        form = empty_form(code=request.form.get("code", ""), name=request.form.get("name", ""))
        try:
            place = onboarding.infer_place(
                db.session,
                current_scope(),
                form.values["code"],
                form.values["name"],
                draft_id=draft.id,
            )
            if request.form.get("confirm") == "yes":
                onboarding.update_place(
                    db.session, current_scope(), draft, form.values["code"], form.values["name"]
                )
                db.session.commit()
                return _next_step(draft, "place")
        except DomainError as exc:
            status = refused(form, exc)
    return _render_step(draft, "place", status, form=form, place=place, drafts=[])


def _places(draft: OnboardingDraft, key: str):
    """The grids or buildings step: add by hand, remove, or a sheet (all rows or none)."""
    form = empty_form()
    report = None
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "add")
        try:
            if action == "remove":
                remove = onboarding.remove_grid if key == "grids" else onboarding.remove_building
                remove(draft, request.form.get("code", ""))
            elif action == "upload":
                upload = request.files.get("file")
                table = onboarding.read_sheet(
                    upload.filename if upload else "", upload.read() if upload else b""
                )
                report = onboarding.places_from_sheet(draft, key, table)
                if report.errors:
                    db.session.rollback()
                    flash(_("Nothing was added: correct the rows below and upload again."), "error")
                    return _render_step(draft, key, 422, form=form, report=report)
                flash(_("%(count)s rows added.", count=report.written), "success")
            elif action == "next":
                return _next_step(draft, key)
            else:
                form = empty_form(**{k: request.form.get(k, "") for k in ("code", "name", "grid")})
                if key == "grids":
                    onboarding.add_grid(draft, form.values["code"], form.values["name"])
                else:
                    onboarding.add_building(
                        draft, form.values["code"], form.values["name"], form.values["grid"]
                    )
            db.session.commit()
            return redirect(url_for("onboarding.step", draft_id=draft.id, step=key))
        except DomainError as exc:
            status = refused(form, exc)
    return _render_step(draft, key, status, form=form, report=report)


def _grids(draft: OnboardingDraft):
    return _places(draft, "grids")


def _buildings(draft: OnboardingDraft):
    return _places(draft, "buildings")


def _accounts(draft: OnboardingDraft):
    form = empty_form(role=onboarding.FIRST_ROLES[NodeKind(draft.kind)][0])
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "add")
        try:
            if action == "remove":
                onboarding.remove_account(draft, request.form.get("username", ""))
            elif action == "next":
                return _next_step(draft, "accounts")
            else:
                keys = ("username", "display_name", "mobile", "role")
                form = empty_form(**{k: request.form.get(k, "") for k in keys})
                onboarding.add_account(
                    db.session, current_scope(), registry(), draft, dict(form.values)
                )
            db.session.commit()
            return redirect(url_for("onboarding.step", draft_id=draft.id, step="accounts"))
        except DomainError as exc:
            status = refused(form, exc)
    return _render_step(
        draft,
        "accounts",
        status,
        form=form,
        roles=onboarding.role_choices(db.session, draft),
    )


def _modules(draft: OnboardingDraft):
    parent = onboarding.parent_of(db.session, draft)
    allowed = onboarding.may_choose_modules(current_scope(), parent)
    form = empty_form(preset=str(draft.preset_id or ""))
    status = 200
    if request.method == "POST" and allowed:
        raw_preset = request.form.get("preset", "")
        form = empty_form(preset=raw_preset)
        try:
            onboarding.set_modules(
                db.session,
                current_scope(),
                draft,
                # Typed but no id (2², too long): refused like an unknown preset.
                preset_id=(typed_id(raw_preset) or 0) if raw_preset else None,
                chosen=request.form.getlist("module"),
            )
            db.session.commit()
            return _next_step(draft, "modules")
        except DomainError as exc:
            status = refused(form, exc)
    elif request.method == "POST":
        return _next_step(draft, "modules")
    district_presets = db.session.scalars(presets.presets_query(parent.district_id)).all()
    return _render_step(
        draft,
        "modules",
        status,
        form=form,
        allowed=allowed,
        presets=district_presets,
        preset_options=[("", _("No preset"))] + [(str(p.id), p.name) for p in district_presets],
        installed=modules.plugin_system().active(),
        chosen=set(draft.modules),
    )


def _review(draft: OnboardingDraft):
    if request.method == "POST":
        try:
            onboarding.confirm(db.session, current_scope(), registry(), draft, current_user)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return _review_page(draft, exc.status)
        db.session.commit()
        return redirect(url_for("onboarding.done", draft_id=draft.id))
    return _review_page(draft)


def _load_done(draft_id: int) -> OnboardingDraft:
    """A confirmed draft under the user's ``tenants.manage`` scope, else 404."""
    draft = db.session.scalar(
        onboarding.drafts_query(onboarding.DraftStatus.DONE)
        .where(OnboardingDraft.id == draft_id)
        .limit(1)
    )
    if draft is None:
        raise NotFound()
    return draft


@bp.route("/onboarding/<int:draft_id>/done", methods=["GET", "POST"])
@login_required
def done(draft_id: int):
    """The confirmation page, as often as it is reloaded: the new place and, for the admin who
    confirmed it and for a while, the one-time passwords (a printable sheet) until hidden."""
    draft = _load_done(draft_id)
    # Only the admin who may read them hides them; anyone's visit drops them once expired.
    hide = request.method == "POST" and onboarding.kept_passwords(draft, current_user)
    if hide or onboarding.passwords_expired(draft):
        onboarding.forget_passwords(draft)
        db.session.commit()
    if request.method == "POST":
        if hide:
            flash(_("The one-time passwords are hidden for good."), "info")
        return redirect(url_for("onboarding.done", draft_id=draft.id))
    node = db.session.get(Node, draft.node_id)
    running = sorted(modules.enabled_modules(db.session, node.id))
    response = Response(
        render_template(
            "tenants/onboarding/done.html",
            draft=draft,
            node=node,
            passwords=onboarding.kept_passwords(draft, current_user),
            until=onboarding.passwords_until(draft),
            sign_in_url=url_for("accounts.login", _external=True),
            modules=[modules.module_label(m) for m in running],
        )
    )
    response.headers["Cache-Control"] = "no-store"  # the one-time passwords are on it
    return response


def _review_page(draft: OnboardingDraft, status: int = 200):
    preset = db.session.get(presets.ModulePreset, draft.preset_id) if draft.preset_id else None
    return _render_step(
        draft,
        "review",
        status,
        gaps=onboarding.missing(draft),
        preset=preset,
        roles=dict(onboarding.role_choices(db.session, draft)),
        labels={m: modules.module_label(m) for m in draft.modules},
    )


_STEPS = {
    "place": _place,
    "grids": _grids,
    "buildings": _buildings,
    "accounts": _accounts,
    "modules": _modules,
    "review": _review,
}


@bp.post("/onboarding/<int:draft_id>/discard")
@login_required
def discard(draft_id: int):
    draft = _load_draft(draft_id)
    onboarding.discard(draft)
    db.session.commit()
    flash(_("The draft for %(name)s was discarded.", name=draft.name), "info")
    return redirect(url_for("onboarding.start"))


@bp.get("/onboarding/<any(grids, buildings):key>-template.xlsx")
@login_required
def sheet_template(key: str):
    spec, example = onboarding.SHEETS[key]
    title = _("Grids") if key == "grids" else _("Buildings")
    body = write_xlsx(spec.columns, [example], str(title))
    return Response(
        body,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename={key}-template.xlsx"},
    )


# --- a district's (or street's) onboarding state ------------------------------------------------


def _status_node(ref: str) -> Node:
    node = load_node(ref)
    if node.kind not in (NodeKind.DISTRICT, NodeKind.STREET):
        raise NotFound()
    require("tenants.manage", node.path)
    return node


@bp.route("/n/<ref>/onboarding", methods=["GET", "POST"])
@login_required
def status(ref: str):
    """Each community's accounts, buildings and modules; ticked ones can get a preset."""
    node = _status_node(ref)
    scope = current_scope()
    if request.method == "POST":
        require("modules.manage", node.path)
        try:
            raw = request.form.get("preset", "")
            preset = presets.get_preset(db.session, scope, typed_id(raw) or 0, to_apply=True)
            result = presets.apply_preset(
                db.session,
                scope,
                preset,
                _targets(" ".join(request.form.getlist("community"))),
                exclusive=False,
            )
            db.session.commit()
            flash(_applied(preset, result), "success")
        except (DomainError, NotFound) as exc:
            db.session.rollback()
            message = exc.message if isinstance(exc, DomainError) else _("Choose a preset.")
            flash(message, "error")
        return redirect(url_for("onboarding.status", ref=ref, **request.args))
    incomplete = request.args.get("incomplete") == "1"
    page = Page(onboarding.communities_query(node, incomplete_only=incomplete), *page_args())
    can_apply = scope.allows("modules.manage", node.path)
    return render_template(
        "tenants/onboarding/status.html",
        node=node,
        page=page,
        rows=onboarding.community_status(db.session, page.items),
        drafts=onboarding.drafts_under(db.session, node),
        incomplete=incomplete,
        labels={p.name: modules.module_label(p.name) for p in modules.plugin_system().active()},
        presets=db.session.scalars(presets.presets_query(node.district_id)).all()
        if can_apply
        else [],
        breadcrumb=breadcrumb(node),
    )


# --- presets ---------------------------------------------------------------------------------


def _district(ref: str, permission: str = "modules.manage") -> Node:
    node = load_node(ref)
    if node.kind != NodeKind.DISTRICT:
        raise NotFound()
    require(permission, node.path)
    return node


def _chosen_from_form() -> dict[str, dict[str, Any] | None]:
    """Modules ticked on the preset form, with the settings typed under each."""
    chosen: dict[str, dict[str, Any] | None] = {}
    for name in request.form.getlist("module"):
        schema = modules.settings_schema(name)
        data: dict[str, Any] = {}
        for spec in settings_fields(schema) if schema is not None else []:
            raw = request.form.get(f"{name}.{spec['name']}", "")
            if spec["kind"] == "checkbox":
                data[spec["name"]] = raw in ("true", "on")
            elif raw != "":
                data[spec["name"]] = raw
        chosen[name] = data
    return chosen


def _preset_form_values(preset: presets.ModulePreset | None) -> dict[str, Any]:
    if preset is None:
        return {"name": "", "description": ""}
    values: dict[str, Any] = {"name": preset.name, "description": preset.description}
    for module, settings in preset.modules.items():
        for key, value in settings.items():
            values[f"{module}.{key}"] = "true" if value is True else "" if value is False else value
    return values


def _render_presets(district: Node, form: FormResult, editing=None, status: int = 200):
    installed = modules.plugin_system().active()
    return render_template(
        "tenants/onboarding/presets.html",
        node=district,
        presets=db.session.scalars(presets.presets_query(district.id)).all(),
        form=form,
        editing=editing,
        installed=installed,
        settings={
            p.name: settings_fields(schema)
            for p in installed
            if (schema := modules.settings_schema(p.name)) is not None
        },
        chosen=set(request.form.getlist("module"))
        if request.method == "POST"
        else (set(editing.modules) if editing else set()),
        labels={p.name: modules.module_label(p.name) for p in installed},
        breadcrumb=breadcrumb(district),
    ), status


def _save_preset(
    district: Node, editing: presets.ModulePreset | None, data: dict[str, Any]
) -> presets.ModulePreset:
    """Create a preset of ``district``, or replace ``editing``, from the preset's fields (name,
    description, modules: as :class:`PresetSchema` loads them), and commit."""
    fields = {"name": data["name"], "description": data["description"], "chosen": data["modules"]}
    if editing is None:
        preset = presets.create_preset(db.session, district, **fields)
    else:
        preset = presets.update_preset(db.session, editing, **fields)
    db.session.commit()
    return preset


def _preset_form(district: Node, editing: presets.ModulePreset | None = None):
    """The preset form (a new preset, or ``editing``): shown, or saved and back to the list; a
    refusal shows the form again with the reason."""
    if request.method != "POST":
        return _render_presets(district, empty_form(**_preset_form_values(editing)), editing)
    form = empty_form(**request.form.to_dict())
    try:
        data = {
            "name": request.form.get("name", ""),
            "description": request.form.get("description", ""),
            "modules": _chosen_from_form(),
        }
        preset = _save_preset(district, editing, data)
    except DomainError as exc:
        return _render_presets(district, form, editing, refused(form, exc))
    flash(_("The preset %(name)s was saved.", name=preset.name), "success")
    return redirect(url_for("onboarding.preset_list", ref=district.ref))


@bp.route("/n/<ref>/presets", methods=["GET", "POST"])
@login_required
def preset_list(ref: str):
    return _preset_form(_district(ref))


def _preset_for_form(
    preset_id: int, *, to_apply: bool = False
) -> tuple[presets.ModulePreset, Node]:
    preset = presets.get_preset(db.session, current_scope(), preset_id, to_apply=to_apply)
    return preset, db.session.get(Node, preset.district_id)


@bp.route("/presets/<int:preset_id>", methods=["GET", "POST"])
@login_required
def preset_edit(preset_id: int):
    preset, district = _preset_for_form(preset_id)
    return _preset_form(district, preset)


@bp.post("/presets/<int:preset_id>/delete")
@login_required
def preset_delete(preset_id: int):
    preset, district = _preset_for_form(preset_id)
    presets.delete_preset(db.session, preset)
    db.session.commit()
    flash(_("The preset %(name)s was deleted.", name=preset.name), "info")
    return redirect(url_for("onboarding.preset_list", ref=district.ref))


def _applied(preset: presets.ModulePreset, result: presets.ApplyResult) -> str:
    return _(
        "%(name)s applied to %(count)s communities: %(on)s switched on, %(off)s off.",
        name=preset.name,
        count=result.communities,
        on=len(result.switched_on),
        off=len(result.switched_off),
    )


def _targets(text: str) -> list[Node]:
    """Codes typed by the user (one per line, or separated by commas or spaces)."""
    refs = [r for r in text.replace(",", " ").replace("，", " ").split() if r]
    found = {n.ref: n for n in db.session.scalars(sa.select(Node).where(Node.ref.in_(refs)))}
    missing = [r for r in refs if r not in found]
    if missing:
        message = _(
            "No place with code %(code)s in your part of the tree.", code="、".join(missing)
        )
        raise DomainError(message, {"targets": [message]})
    return [found[r] for r in refs]


PRESET_TARGET_KINDS = (NodeKind.DISTRICT.value, NodeKind.STREET.value, NodeKind.COMMUNITY.value)


@bp.get("/presets/<int:preset_id>/targets")
@login_required
def preset_targets(preset_id: int):
    """The picker of the apply page: the district, streets and communities of the preset's
    district where the user switches modules, found by name or code."""
    _preset, district = _preset_for_form(preset_id, to_apply=True)
    found = places.search(
        db.session,
        current_scope(),
        "modules.manage",
        request.args.get("q", ""),
        kinds=PRESET_TARGET_KINDS,
        within=district.path,
    )
    return jsonify({"items": places.labelled(db.session, found)})


def _picked_targets(refs: list[str]) -> list[tuple[str, str]]:
    """(ref, label) of the targets a form holds, for the picker's list: a place the user may
    switch modules at by its label, anything else as typed (never another's name)."""
    scope = current_scope()
    found = {
        n.ref: n
        for n in db.session.scalars(sa.select(Node).where(Node.ref.in_(refs)))
        if scope.allows("modules.manage", n.path)
    }
    labels = {
        item["id"]: item["label"]
        for item in places.labelled(db.session, [n.as_ref() for n in found.values()])
    }
    return [(ref, labels.get(ref, ref)) for ref in refs]


@bp.route("/presets/<int:preset_id>/apply", methods=["GET", "POST"])
@login_required
def preset_apply(preset_id: int):
    preset, district = _preset_for_form(preset_id, to_apply=True)
    chosen = request.values.getlist("targets")
    form = empty_form(targets=chosen)
    status = 200
    if request.method == "POST":
        form = empty_form(targets=chosen, exclusive=request.form.get("exclusive", ""))
        try:
            result = presets.apply_preset(
                db.session,
                current_scope(),
                preset,
                _targets(" ".join(chosen)),
                exclusive=form.values["exclusive"] in ("true", "on"),
            )
            db.session.commit()
            flash(_applied(preset, result), "success")
            return redirect(url_for("onboarding.preset_apply", preset_id=preset.id))
        except DomainError as exc:
            status = refused(form, exc)
    return render_template(
        "tenants/onboarding/apply.html",
        preset=preset,
        node=district,
        form=form,
        picked=_picked_targets([r for ref in chosen for r in ref.split()]),
        labels={m: modules.module_label(m) for m in preset.modules},
        breadcrumb=breadcrumb(district),
    ), status


# --- API -------------------------------------------------------------------------------------


class PresetSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = required_text(presets.NAME_MAX)
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    modules = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Dict(allow_none=True),
        required=True,
        metadata={"description": "module name → settings (empty for the module's defaults)"},
    )


class PresetApplySchema(Schema):
    targets = ma.fields.List(
        ma.fields.String(),
        required=True,
        validate=ma.validate.Length(min=1),
        metadata={"description": "refs of communities, streets or the district"},
    )
    exclusive = ma.fields.Boolean(
        load_default=False, metadata={"description": "also switch off modules not in the preset"}
    )


class CommunityStatusSchema(Schema):
    ref = ma.fields.String()
    name = ma.fields.String()
    street = ma.fields.String(allow_none=True)
    buildings = ma.fields.Integer()
    accounts = ma.fields.Integer()
    has_admin = ma.fields.Boolean()
    modules = ma.fields.List(ma.fields.String())
    complete = ma.fields.Boolean()


ID_PARAM = [{"in": "path", "name": "preset_id", "required": True, "schema": {"type": "integer"}}]


@ops.get(
    "/nodes/<ref>/onboarding",
    None,
    "What each community under a district or street still lacks",
    response_schema=CommunityStatusSchema,
    paginated=True,
    parameters=[*REF_PARAM, {"in": "query", "name": "incomplete", "schema": {"type": "string"}}],
)
@login_required
def api_status(ref: str):
    node = _status_node(ref)
    page = Page(
        onboarding.communities_query(node, incomplete_only=request.args.get("incomplete") == "1"),
        *page_args(),
    )
    page.items = [r.as_dict() for r in onboarding.community_status(db.session, page.items)]
    return jsonify(page.to_json(CommunityStatusSchema()))


@ops.get("/nodes/<ref>/presets", None, "A district's module presets", response_schema=PresetSchema)
@login_required
def api_presets(ref: str):
    district = _district(ref)
    items = db.session.scalars(presets.presets_query(district.id))
    return jsonify({"items": [p.as_dict() for p in items]})


@ops.post(
    "/nodes/<ref>/presets",
    None,
    "Create a module preset",
    request_schema=PresetSchema,
    response_schema=PresetSchema,
    status=201,
)
@login_required
def api_create_preset(ref: str):
    preset = _save_preset(_district(ref), None, json_body(PresetSchema()))
    return jsonify(preset.as_dict()), 201


@ops.get(
    "/presets/<int:preset_id>",
    None,
    "Read a module preset",
    response_schema=PresetSchema,
    parameters=ID_PARAM,
)
@login_required
def api_preset(preset_id: int):
    return jsonify(_preset_for_form(preset_id)[0].as_dict())


@ops.put(
    "/presets/<int:preset_id>",
    None,
    "Replace a module preset",
    request_schema=PresetSchema,
    response_schema=PresetSchema,
    parameters=ID_PARAM,
)
@login_required
def api_update_preset(preset_id: int):
    preset, district = _preset_for_form(preset_id)
    return jsonify(_save_preset(district, preset, json_body(PresetSchema())).as_dict())


@ops.delete(
    "/presets/<int:preset_id>",
    None,
    "Delete a module preset (soft)",
    status=204,
    parameters=ID_PARAM,
)
@login_required
def api_delete_preset(preset_id: int):
    preset, _district_node = _preset_for_form(preset_id)
    presets.delete_preset(db.session, preset)
    db.session.commit()
    return "", 204


@ops.post(
    "/presets/<int:preset_id>/apply",
    None,
    "Apply a preset to every community under the given places",
    request_schema=PresetApplySchema,
    parameters=ID_PARAM,
)
@login_required
def api_apply_preset(preset_id: int):
    preset, _district_node = _preset_for_form(preset_id, to_apply=True)
    data = json_body(PresetApplySchema())
    result = presets.apply_preset(
        db.session,
        current_scope(),
        preset,
        _targets(" ".join(data["targets"])),
        exclusive=data["exclusive"],
    )
    db.session.commit()
    return jsonify(
        {
            "communities": result.communities,
            "switched_on": [{"community": c, "module": m} for c, m in result.switched_on],
            "switched_off": [{"community": c, "module": m} for c, m in result.switched_off],
        }
    )
