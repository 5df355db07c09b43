"""Inspections with scored checklists, for every module: versioned checklist templates
(``core_checklist``, ``core_checklist_item``), results checked and scored against the version
used, failed items handed to the module's rectification (``on_failed``), rounds ranked and
announced in a printable 通报, referrals (移交) to another authority.

A module declares :func:`inspection_ledger` and adds :func:`inspection_routes` to its
blueprints; its inspection table takes the :class:`InspectionRecord` columns."""

from core.inspections.declare import CheckItem, Checklist, InspectionLedger, inspection_ledger
from core.inspections.models import (
    ChecklistTemplate,
    ChecklistTemplateItem,
    InspectionRecord,
    InspectionRound,
    Referral,
)
from core.inspections.routes import inspection_routes
from core.inspections.schemas import RESULT_LABELS, ResultSchema, checklist_version, round_choices
from core.inspections.services import (
    current_template,
    new_results,
    ranking,
    record_scores,
    rectify_failed,
    referrals_of,
    score_results,
)

__all__ = [
    "RESULT_LABELS",
    "CheckItem",
    "Checklist",
    "ChecklistTemplate",
    "ChecklistTemplateItem",
    "InspectionLedger",
    "InspectionRecord",
    "InspectionRound",
    "Referral",
    "ResultSchema",
    "checklist_version",
    "current_template",
    "inspection_ledger",
    "inspection_routes",
    "new_results",
    "ranking",
    "record_scores",
    "rectify_failed",
    "referrals_of",
    "round_choices",
    "score_results",
]
