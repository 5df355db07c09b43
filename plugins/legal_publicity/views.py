"""The module's ledgers on its blueprints, the community's overview and the printable
mediation agreement (人民调解协议书).

The blueprints check the plugin, the user's permissions at the place and the module there before
any view runs (404 otherwise); the generated views require each ledger's own permission (403)
and load records through the community's clause, so another community's record is a 404."""

from __future__ import annotations

from typing import Any

from flask import abort, g, render_template
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import NotFound

from core import audit
from core.sdk import can, db, mask, register_ledgers, require, today

from .common import MEDIATION_VIEW, RESETTLEMENT_VIEW, SENSITIVE, VIEW
from .figures import community_overview
from .mediation.ledgers import LEDGERS as MEDIATION_LEDGERS
from .mediation.ledgers import disputes
from .mediation.models import LpDispute
from .mediation.vocabularies import DISPUTE_TYPES
from .publicity.ledgers import LEDGERS as PUBLICITY_LEDGERS
from .resettlement.ledgers import LEDGERS as RESETTLEMENT_LEDGERS
from .resettlement.ledgers import RESETTLED_VISITS
from .web import api, pages, rollup, rollup_api

LEDGERS = [*PUBLICITY_LEDGERS, *MEDIATION_LEDGERS, *RESETTLEMENT_LEDGERS]
register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)
RESETTLED_VISITS.register(pages=pages, api=api)

# The community's ledgers as the overview links them: (endpoint, permission).
SECTIONS = (
    ("legal_publicity.activities", VIEW),
    ("legal_publicity.boards", VIEW),
    ("legal_publicity.studies", VIEW),
    ("legal_publicity.consults", VIEW),
    ("legal_publicity.screenings", MEDIATION_VIEW),
    ("legal_publicity.disputes", MEDIATION_VIEW),
    ("legal_publicity.followups", MEDIATION_VIEW),
    ("legal_publicity.resettled", RESETTLEMENT_VIEW),
    ("legal_publicity.care_visit_due", RESETTLEMENT_VIEW),
    ("legal_publicity.corrections", RESETTLEMENT_VIEW),
)


SECTION_LABELS = {
    "legal_publicity.activities": _l("Activities"),
    "legal_publicity.boards": _l("Publicity boards"),
    "legal_publicity.studies": _l("Study record"),
    "legal_publicity.consults": _l("Legal consultations"),
    "legal_publicity.screenings": _l("Dispute screenings"),
    "legal_publicity.disputes": _l("Mediation cases"),
    "legal_publicity.followups": _l("Follow-ups"),
    "legal_publicity.resettled": _l("Resettlement care"),
    "legal_publicity.care_visit_due": _l("Care visits due"),
    "legal_publicity.corrections": _l("Community correction assistance"),
}


@pages.get("/")
def index() -> Any:
    """The community's overview: the year's figures and the ledgers the user may read."""
    path = g.community.path
    sections = [endpoint for endpoint, permission in SECTIONS if can(permission, path)]
    if not sections:
        raise NotFound()
    return render_template(
        "legal_publicity/index.html",
        sections=sections,
        section_labels=SECTION_LABELS,
        overview=community_overview(db.session, g.community, today().year),
    )


@pages.get("/disputes/<int:record_id>/agreement")
def agreement(record_id: int) -> Any:
    """人民调解协议书, numbered, ready to print and sign (a written agreement only)."""
    require(MEDIATION_VIEW)
    dispute = db.session.get(LpDispute, record_id)
    if dispute is None or dispute.community_id != g.community.id or dispute.deleted_at:
        abort(404)
    if dispute.outcome != "written":
        abort(404)
    full = can(SENSITIVE, g.community.path)
    if full:  # the parties' names and numbers printed in full: recorded
        audit.record(
            "legal_publicity.agreement.printed",
            node=g.community.as_ref(),
            summary=dispute.agreement_number,
            object_type=LpDispute.__tablename__,
            object_id=dispute.id,
        )
        db.session.commit()
    return render_template(
        "legal_publicity/agreement.html",
        dispute=dispute,
        types=DISPUTE_TYPES,
        full=full,
        masked_parties=mask(disputes.reader.fields["parties"], dispute.parties),
    )
