"""The global search's page (``/search``, the top bar's box) and API (``/api/v1/search``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Blueprint, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from core import search
from core.api import Operations
from core.db import db
from core.errors import DomainError
from core.permissions import current_scope
from core.validation import Schema

bp = Blueprint("search", __name__)
api = Blueprint("search_api", __name__, url_prefix="/api/v1")
ops = Operations(api, tags=["search"])


class PlaceHitSchema(Schema):
    id = ma.fields.String(metadata={"description": "the place's ref"})
    kind = ma.fields.String()
    label = ma.fields.String(metadata={"description": "name (ref) · the place it lies in"})
    url = ma.fields.String()


class RecordHitSchema(Schema):
    module = ma.fields.String()
    ledger = ma.fields.String(metadata={"description": "the ledger's name"})
    ledger_label = ma.fields.String()
    id = ma.fields.Integer()
    title = ma.fields.String()
    community = ma.fields.String(allow_none=True, metadata={"description": "its community's ref"})
    community_name = ma.fields.String(allow_none=True)
    identifiers = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "ID numbers, phones …: masked without the sensitive permission"},
    )
    url = ma.fields.String(allow_none=True)


class SearchResultsSchema(Schema):
    q = ma.fields.String()
    places = ma.fields.List(ma.fields.Nested(PlaceHitSchema))
    records = ma.fields.List(ma.fields.Nested(RecordHitSchema))


def _text(required: bool) -> str:
    text = request.args.get("q", "").strip()
    if len(text) > search.TEXT_MAX:
        message = _("Must be at most %(max)s characters.", max=search.TEXT_MAX)
        raise DomainError(message, {"q": [message]})
    if required and not text:
        message = _("Type a name, an ID number, a phone number or a place.")
        raise DomainError(message, {"q": [message]})
    return text


def _run(text: str) -> search.Results:
    results = search.search(db.session, current_scope(), text)
    db.session.commit()  # the audit entries of identifiers shown in clear
    return results


def _record_json(hit: search.RecordHit) -> dict[str, Any]:
    return {
        "module": hit.ledger.module,
        "ledger": hit.ledger.name,
        "ledger_label": str(hit.ledger.title),
        "id": hit.record.id,
        "title": hit.title,
        "community": hit.community.ref if hit.community else None,
        "community_name": hit.community.name if hit.community else None,
        "identifiers": {name: value for name, _label, value in hit.identifiers},
        "url": hit.url,
    }


@bp.get("/search")
@login_required
def page():
    """The top bar's search: places, then people and organisations by ledger."""
    try:
        text = _text(required=False)
    except DomainError as exc:
        return render_template(
            "search.html", q="", results=None, error=exc.message, per_ledger=search.PER_LEDGER
        ), 422
    results = _run(text) if text else None
    return render_template(
        "search.html", q=text, results=results, error=None, per_ledger=search.PER_LEDGER
    )


@ops.get(
    "/search",
    None,
    "Search places and people across your part of the tree",
    response_schema=SearchResultsSchema,
    parameters=[
        {
            "in": "query",
            "name": "q",
            "required": True,
            "schema": {"type": "string", "maxLength": search.TEXT_MAX},
            "description": "a name, or a whole ID or phone number (matched exactly)",
        }
    ],
)
@login_required
def api_search():
    results = _run(_text(required=True))
    return jsonify(
        {
            "q": results.text,
            "places": results.places,
            "records": [_record_json(hit) for hit in results.records],
        }
    )
