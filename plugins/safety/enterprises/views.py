"""The route the enterprise ledger cannot generate: registering a major hazard source at an
enterprise through the API (pages use the hazard-source form, the enterprise chosen)."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from core.api import api_doc, json_body
from core.db import db
from core.records.ledger import load
from tenants.modules import require

from ..common import EDIT, MODULE
from ..web import RECORD, api
from .ledgers import enterprises, hazard_sources
from .rules import add_hazard_source
from .schemas import HazardSourceSchema


@api.post("/enterprises/<int:record_id>/sources")
@api_doc(
    "Register a major hazard source (重大危险源) of an enterprise",
    request_schema=HazardSourceSchema,
    response_schema=HazardSourceSchema,
    status=201,
    tags=[MODULE],
    parameters=RECORD,
)
def api_add_source(record_id: int) -> Any:
    require(EDIT)
    enterprise = load(enterprises, record_id)
    source = add_hazard_source(db.session, enterprise, json_body(HazardSourceSchema()))
    db.session.commit()
    return jsonify(hazard_sources.dump(source)), 201
