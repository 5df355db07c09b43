"""The legal-publicity tables (all prefixed ``legal_publicity_``), gathered from the sub-areas.

Publicity activities are core's activity records (``core_activity``, module ``legal_publicity``)
and visits to resettled persons core's visits. Every row is tenant-owned; enumerations are short
English keys whose labels live beside the rules.
"""

from __future__ import annotations

from .mediation.models import (
    LpDispute,
    LpDisputeEvent,
    LpDisputeSession,
    LpFollowup,
    LpScreening,
    LpScreeningItem,
)
from .publicity.models import LpBoard, LpBoardUpdate, LpConsult, LpStudy
from .resettlement.models import LpCorrection, LpCorrectionVisit, LpResettled, LpResettledEvent

__all__ = [
    "LpBoard",
    "LpBoardUpdate",
    "LpConsult",
    "LpCorrection",
    "LpCorrectionVisit",
    "LpDispute",
    "LpDisputeEvent",
    "LpDisputeSession",
    "LpFollowup",
    "LpResettled",
    "LpResettledEvent",
    "LpScreening",
    "LpScreeningItem",
    "LpStudy",
]
