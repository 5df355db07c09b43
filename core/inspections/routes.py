"""The pages and API core adds to a module's blueprints for its inspections: checklist
templates (list, edit, versions), rounds with their ranking and printable 通报, referrals.

They sit on the module's ``CommunityBlueprint``s, so the module being off, the user having no
permission of it, or the record belonging to another community answer as every module page does
(404, 403, 404)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core.api import api_doc, json_body
from core.db import db
from core.errors import DomainError
from core.permissions import can
from core.tenancy import require
from core.validation import Schema, optional_text, required_text

from . import services
from .declare import InspectionLedger
from .models import ChecklistTemplate, InspectionRound


class ItemSchema(Schema):
    section = optional_text(100)
    text = required_text(300)
    max_points = ma.fields.Float(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=1000)
    )


class ChecklistSchema(Schema):
    name = optional_text(200)
    pass_mark = ma.fields.Float(load_default=None, allow_none=True)
    items = ma.fields.List(ma.fields.Nested(ItemSchema), required=True)


class RoundSchema(Schema):
    name = required_text(200)
    starts_on = ma.fields.Date(load_default=None, allow_none=True)
    ends_on = ma.fields.Date(load_default=None, allow_none=True)


class ReferralSchema(Schema):
    authority = required_text(200)
    reference = optional_text(100)
    referred_on = ma.fields.Date(required=True)
    outcome = optional_text(2000)


def checklist_json(t: ChecklistTemplate) -> dict[str, Any]:
    return {
        "id": t.id,
        "target_kind": t.target_kind,
        "name": t.name,
        "version": t.version,
        "active": t.active,
        "used": t.used,
        "pass_mark": t.pass_mark,
        "max_score": t.max_score,
        "node_id": t.node_id,
        "items": [
            {"id": i.id, "section": i.section, "text": i.text, "max_points": i.max_points}
            for i in t.items
        ],
    }


def parse_lines(text: str) -> list[dict[str, Any]]:
    """The edit form's items, one a line: ``section | text | points`` (points empty for a
    pass/fail item; the section may be left out)."""
    items: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) == 1:
            parts = ["", parts[0], ""]
        elif len(parts) == 2:
            parts = ["", *parts]
        section, item, points = parts[0], parts[1], parts[2]
        value = None
        if points:
            try:
                value = float(points)
            except ValueError:
                value = -1
            if value < 0:
                message = _("Line %(n)s: the points must be a number, 0 or more.", n=n)
                raise DomainError(message, {"items": [message]})
        items.append({"section": section, "text": item, "max_points": value})
    return ItemSchema(many=True).load(items)


class ReferralBlocks:
    """``block(owners, record)`` → what the ``referrals`` macro (``inspections/_referrals.html``)
    shows on a record's page: its referrals, the form's address, whether the user may add one."""

    def __init__(self, ledger: InspectionLedger, pages: str, owners: Mapping[str, Any]) -> None:
        self.ledger, self.pages, self.owners = ledger, pages, owners

    def block(self, owners: str, record: Any) -> dict[str, Any]:
        owner_type = self.owners[owners][1]
        return {
            "referrals": services.referrals_of(db.session, owner_type, record.id),
            "url": url_for(f"{self.pages}.add_referral", owners=owners, record_id=record.id),
            "can_edit": can(self.ledger.edit, g.community.path) and not g.community.is_archived,
        }


def inspection_routes(
    ledger: InspectionLedger,
    pages: Blueprint,
    api: Blueprint | None = None,
    referral_owners: Mapping[str, tuple[Any, str]] | None = None,
) -> ReferralBlocks:
    """Add the checklist, round, ranking, 通报 and referral pages (and JSON endpoints) of
    ``ledger`` to a module's community blueprints. ``referral_owners``: URL segment →
    (model, owner type) of what may be referred (the inspection, the rectification item)."""
    owners = {"inspections": (ledger.model, ledger.owner_type), **(referral_owners or {})}
    segment = f"<any({','.join(owners)}):owners>/<int:record_id>"

    def template_or_404(checklist_id: int) -> ChecklistTemplate:
        found = services.template_in(db.session, ledger, g.community, checklist_id)
        return found if found is not None else abort(404)

    def round_or_404(round_id: int) -> InspectionRound:
        found = services.round_in(db.session, ledger, g.community, round_id)
        return found if found is not None else abort(404)

    def owner_or_404(name: str, record_id: int) -> tuple[Any, str]:
        model, owner_type = owners[name]
        found = db.session.get(model, record_id)
        if found is None or found.community_id != g.community.id:
            abort(404)
        if getattr(found, "deleted_at", None) is not None:
            abort(404)
        return found, owner_type

    def context() -> dict[str, Any]:
        return {
            "inspections": ledger,
            "can_manage": can(ledger.manage, g.community.path),
            "can_edit": can(ledger.edit, g.community.path) and not g.community.is_archived,
            "target_label": lambda kind: str(ledger.targets.get(kind, kind)),
        }

    def writable() -> None:
        if g.community.is_archived:
            raise DomainError(_("An archived community is read-only."))

    # --- checklists --------------------------------------------------------------------------

    def checklists_page() -> Any:
        require(ledger.view)
        found = db.session.scalars(services.templates_for(db.session, ledger, g.community)).all()
        return render_template("inspections/checklists.html", templates=found, **context())

    def checklist_page(checklist_id: int) -> Any:
        require(ledger.view)
        template = template_or_404(checklist_id)
        return render_template("inspections/checklist.html", template=template, **context())

    def edit_checklist_page(checklist_id: int) -> Any:
        require(ledger.manage)
        template = template_or_404(checklist_id)
        errors: dict[str, Any] = {}
        lines = "\n".join(
            " | ".join([i.section, i.text, "" if i.max_points is None else f"{i.max_points:g}"])
            for i in template.items
        )
        if request.method == "POST":
            lines = request.form.get("items", "")
            try:
                writable()
                data = {
                    "name": request.form.get("name", "").strip() or template.name,
                    "items": parse_lines(lines),
                }
                mark = request.form.get("pass_mark", "").strip()
                data["pass_mark"] = float(mark) if mark else None
                edited = services.edit_template(db.session, ledger, template, g.community, data)
                db.session.commit()
                return redirect(url_for(f"{pages.name}.checklist", checklist_id=edited.id))
            except ValueError:
                errors = {"pass_mark": [_("The pass mark must be a number.")]}
            except ma.ValidationError as exc:
                errors = {"items": [_("Each item needs its text (up to 300 characters).")]}
                del exc
            except DomainError as exc:
                errors = exc.fields or {"items": [str(exc)]}
            db.session.rollback()
        return render_template(
            "inspections/checklist_edit.html",
            template=template,
            lines=lines,
            errors=errors,
            **context(),
        ), (422 if errors else 200)

    pages.add_url_rule("/checklists", "checklists", checklists_page)
    pages.add_url_rule("/checklists/<int:checklist_id>", "checklist", checklist_page)
    pages.add_url_rule(
        "/checklists/<int:checklist_id>/edit",
        "edit_checklist",
        edit_checklist_page,
        methods=["GET", "POST"],
    )

    # --- rounds ------------------------------------------------------------------------------

    def rounds_page() -> Any:
        require(ledger.view)
        errors: dict[str, Any] = {}
        if request.method == "POST":
            require(ledger.edit)
            try:
                writable()
                data = RoundSchema().load(
                    {k: v for k, v in request.form.items() if k != "csrf_token" and v}
                )
                made = services.create_round(db.session, ledger, g.community, data)
                db.session.commit()
                return redirect(url_for(f"{pages.name}.inspection_round", round_id=made.id))
            except ma.ValidationError as exc:
                errors = exc.messages  # type: ignore[assignment]
            except DomainError as exc:
                errors = exc.fields or {"name": [str(exc)]}
        found = db.session.scalars(
            sa.select(InspectionRound)
            .where(
                InspectionRound.module == ledger.module,
                InspectionRound.community_id == g.community.id,
            )
            .order_by(InspectionRound.id.desc())
        ).all()
        return render_template(
            "inspections/rounds.html", rounds=found, errors=errors, **context()
        ), (422 if errors else 200)

    def round_page(round_id: int, template: str = "inspections/round.html") -> Any:
        require(ledger.view)
        round_ = round_or_404(round_id)
        ranked = services.ranking(db.session, ledger, round_)
        return render_template(
            template,
            round=round_,
            ranked=ranked,
            failed=services.failed_items(ledger, [r for _n, r in ranked]),
            title_of=ledger.title_of,
            **context(),
        )

    def bulletin_page(round_id: int) -> Any:
        return round_page(round_id, "inspections/bulletin.html")

    pages.add_url_rule(
        "/inspection-rounds", "inspection_rounds", rounds_page, methods=["GET", "POST"]
    )
    pages.add_url_rule("/inspection-rounds/<int:round_id>", "inspection_round", round_page)
    pages.add_url_rule(
        "/inspection-rounds/<int:round_id>/bulletin", "inspection_bulletin", bulletin_page
    )

    def add_referral_page(owners: str, record_id: int) -> Any:
        """移交 from a record's page: kept, or the refusal flashed, back on that page."""
        require(ledger.edit)
        owner, owner_type = owner_or_404(owners, record_id)
        back = request.form.get("next") or ""
        if not back.startswith("/") or back.startswith("//"):
            back = request.path
        try:
            writable()
            data = ReferralSchema().load(
                {k: v for k, v in request.form.items() if k not in ("csrf_token", "next") and v}
            )
            services.add_referral(db.session, ledger.module, owner_type, owner, data)
            db.session.commit()
            flash(_("The referral is recorded."), "success")
        except ma.ValidationError as exc:
            db.session.rollback()
            names = {"authority": _("Referring authority"), "referred_on": _("Referred on")}
            for name, messages in exc.messages.items():  # type: ignore[union-attr]
                flash(f"{names.get(name, name)}: {' '.join(map(str, messages))}", "error")
        except DomainError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        return redirect(back)

    pages.add_url_rule(f"/referrals/{segment}", "add_referral", add_referral_page, methods=["POST"])

    blocks = ReferralBlocks(ledger, pages.name, owners)
    if api is None:
        return blocks

    # --- the API -----------------------------------------------------------------------------

    def api_checklists() -> Any:
        require(ledger.view)
        found = db.session.scalars(services.templates_for(db.session, ledger, g.community)).all()
        db.session.commit()
        return {"items": [checklist_json(t) for t in found]}

    def api_checklist(checklist_id: int) -> Any:
        require(ledger.view)
        return checklist_json(template_or_404(checklist_id))

    def api_edit_checklist(checklist_id: int) -> Any:
        require(ledger.view)
        template = template_or_404(checklist_id)
        require(ledger.manage)
        writable()
        data = json_body(ChecklistSchema())
        edited = services.edit_template(db.session, ledger, template, g.community, data)
        db.session.commit()
        return checklist_json(edited), 200

    def api_new_round() -> Any:
        require(ledger.view)
        require(ledger.edit)
        writable()
        made = services.create_round(db.session, ledger, g.community, json_body(RoundSchema()))
        db.session.commit()
        return round_json(made, []), 201

    def api_rounds() -> Any:
        require(ledger.view)
        found = db.session.scalars(
            sa.select(InspectionRound)
            .where(
                InspectionRound.module == ledger.module,
                InspectionRound.community_id == g.community.id,
            )
            .order_by(InspectionRound.id)
        ).all()
        return {"items": [round_json(r, None) for r in found]}

    def round_json(round_: InspectionRound, ranked: list | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": round_.id,
            "name": round_.name,
            "starts_on": round_.starts_on.isoformat() if round_.starts_on else None,
            "ends_on": round_.ends_on.isoformat() if round_.ends_on else None,
        }
        if ranked is not None:
            body["ranking"] = [
                {
                    "rank": n,
                    "inspection_id": r.id,
                    "target": ledger.title_of(r),
                    "total_score": r.total_score,
                }
                for n, r in ranked
            ]
        return body

    def api_round(round_id: int) -> Any:
        require(ledger.view)
        round_ = round_or_404(round_id)
        return round_json(round_, services.ranking(db.session, ledger, round_))

    def api_new_referral(owners: str, record_id: int) -> Any:
        require(ledger.view)
        owner, owner_type = owner_or_404(owners, record_id)
        require(ledger.edit)
        writable()
        data = json_body(ReferralSchema())
        made = services.add_referral(db.session, ledger.module, owner_type, owner, data)
        db.session.commit()
        return referral_json(made), 201

    def api_referrals(owners: str, record_id: int) -> Any:
        require(ledger.view)
        owner, owner_type = owner_or_404(owners, record_id)
        found = services.referrals_of(db.session, owner_type, owner.id)
        return {"items": [referral_json(r) for r in found]}

    def referral_json(r: Any) -> dict[str, Any]:
        return {
            "id": r.id,
            "owner_type": r.owner_type,
            "owner_id": r.owner_id,
            "authority": r.authority,
            "reference": r.reference,
            "referred_on": r.referred_on.isoformat(),
            "outcome": r.outcome,
        }

    tags = [ledger.module]
    for rule, endpoint, view, method, summary, extra in (
        ("/checklists", "checklists", api_checklists, "GET",
         "The checklist templates this community scores on (its own, its street's and "
         "district's, the module's defaults), newest version of each", {}),
        ("/checklists/<int:checklist_id>", "checklist", api_checklist, "GET",
         "A checklist template with its items", {}),
        ("/checklists/<int:checklist_id>", "edit_checklist", api_edit_checklist, "PUT",
         "Replace a template's items; a template already used, or another place's, becomes "
         "the community's next version", {"request_schema": ChecklistSchema}),
        ("/inspection-rounds", "inspection_rounds", api_rounds, "GET",
         "The community's inspection rounds", {}),
        ("/inspection-rounds", "new_inspection_round", api_new_round, "POST",
         "Open an inspection round", {"request_schema": RoundSchema, "status": 201}),
        ("/inspection-rounds/<int:round_id>", "inspection_round", api_round, "GET",
         "A round with the ranking of its targets by total score (ties share a rank)", {}),
        (f"/referrals/{segment}", "referrals", api_referrals, "GET",
         "The referrals (移交) of an inspection or a rectification item", {}),
        (f"/referrals/{segment}", "new_referral", api_new_referral, "POST",
         "Refer an inspection or a rectification item to another authority",
         {"request_schema": ReferralSchema, "status": 201}),
    ):  # fmt: skip
        documented = api_doc(summary, tags=tags, **extra)(view)
        api.add_url_rule(rule, endpoint, documented, methods=[method])
    return blocks
