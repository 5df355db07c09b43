"""A 五老 volunteer's own pages: the children paired with them (``/my-children``) and the visit
they record to one (``/my-children/<id>/visits``). The volunteer holds ``youth_care.elder.visit``
and none of the ledgers' permissions: they see no other child, and a child not paired with
them is not found (404)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, g, jsonify, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import Session

from core.forms import empty_form, load_form
from core.sdk import api_doc, db, json_body, require, today
from plugins.registry.models import RegistryResident

from ..children.models import YouthCareChild
from ..common import ELDER
from ..pairings.models import YouthCarePairing
from ..visits import CHILD_VISITS
from ..web import api, pages
from .models import YouthCareElderAccount

FIELDS = ("visited_on", "mode", "companions", "findings", "needs", "next_due")


def my_children(session: Session, community: Any, user_id: int) -> list[tuple[Any, str]]:
    """(child, name) of the children in care of ``community`` with a pairing in progress with
    the volunteer ``user_id`` signs in as, by name."""
    paired = (
        sa.select(YouthCarePairing.id)
        .join(
            YouthCareElderAccount,
            YouthCareElderAccount.volunteer_id == YouthCarePairing.volunteer_id,
        )
        .where(
            YouthCarePairing.child_id == YouthCareChild.id,
            YouthCarePairing.status == "active",
            YouthCarePairing.deleted_at.is_(None),
            YouthCareElderAccount.user_id == user_id,
            YouthCareElderAccount.community_id == community.id,
            YouthCareElderAccount.deleted_at.is_(None),
        )
    )
    stmt = (
        sa.select(YouthCareChild, RegistryResident.name)
        .join(RegistryResident, RegistryResident.id == YouthCareChild.resident_id)
        .where(
            YouthCareChild.community_id == community.id,
            YouthCareChild.status == "active",
            YouthCareChild.deleted_at.is_(None),
            paired.exists(),
        )
        .order_by(RegistryResident.name, YouthCareChild.id)
    )
    return [(child, name) for child, name in session.execute(stmt)]


def my_child(child_id: int) -> tuple[Any, str]:
    """One of the signed-in volunteer's children; 404 for any other."""
    found = [
        c for c in my_children(db.session, g.community, current_user.id) if c[0].id == child_id
    ]
    if not found:
        abort(404)
    return found[0]


def _visit_schema() -> Any:
    return CHILD_VISITS.ledger.schema(only=FIELDS)


def record_visit(child: Any, data: dict[str, Any]) -> Any:
    """The volunteer's visit to ``child``, with them as the visitor."""
    data = {**data, "subject_kind": "resident", "subject_id": child.resident_id}
    return CHILD_VISITS.ledger.write_new(db.session, g.community, data | {"visitor_ids": None})


def _page(form: Any = None, failed: int | None = None) -> Any:
    return render_template(
        "youth_care/my_children.html",
        children=my_children(db.session, g.community, current_user.id),
        blank=empty_form(visited_on=today().isoformat(), mode="home"),
        form=form,
        failed=failed,
        modes=_visit_schema().fields["mode"].metadata["choices"],
    )


def _dump(child: Any, name: str) -> dict[str, Any]:
    return {"id": child.id, "name": name, "level": child.level}


@pages.get("/my-children")
def my_children_page() -> Any:
    require(ELDER)
    return _page()


@pages.post("/my-children/<int:child_id>/visits")
def my_child_visit_page(child_id: int) -> Any:
    require(ELDER)
    child, _name = my_child(child_id)
    form = load_form(_visit_schema())
    if form.ok:
        record_visit(child, form.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".my_children_page"))
    return _page(form, child_id), 422


@api.get("/my-children")
@api_doc(
    "The children in care paired with the signed-in five-elders volunteer (name and level)",
    tags=["youth_care"],
)
def api_my_children() -> Any:
    require(ELDER)
    found = my_children(db.session, g.community, current_user.id)
    return jsonify({"items": [_dump(child, name) for child, name in found]})


@api.post("/my-children/<int:child_id>/visits")
@api_doc(
    "The signed-in volunteer's visit to a child paired with them (404 for any other child)",
    tags=["youth_care"],
    status=201,
)
def api_my_child_visit(child_id: int) -> Any:
    require(ELDER)
    child, _name = my_child(child_id)
    visit = record_visit(child, json_body(_visit_schema()))
    db.session.commit()
    return jsonify({"id": visit.id, "visited_on": visit.visited_on.isoformat()}), 201
