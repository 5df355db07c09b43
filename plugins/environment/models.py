"""The environment tables (all prefixed ``environment_``), gathered from their sub-areas.

Activities are core's activity records (``core_activity``, module ``environment``). Every row
is tenant-owned: its node is its building, else the community. Enumerations are stored as short
English keys; their labels live beside the schemas.
"""

from __future__ import annotations

from .activities.models import EnvironmentSelection
from .areas.models import EnvironmentArea
from .assessments.models import EnvironmentAssessment, EnvironmentAssessmentEvent
from .complaints.models import EnvironmentComplaint, EnvironmentComplaintEvent
from .inspections.models import EnvironmentInspection
from .issues.models import EnvironmentIssue, EnvironmentIssueEvent
from .letters.models import EnvironmentLetter
from .sorting.models import EnvironmentSorting
from .upkeep.models import EnvironmentTank

__all__ = [
    "EnvironmentArea",
    "EnvironmentAssessment",
    "EnvironmentAssessmentEvent",
    "EnvironmentComplaint",
    "EnvironmentComplaintEvent",
    "EnvironmentInspection",
    "EnvironmentIssue",
    "EnvironmentIssueEvent",
    "EnvironmentLetter",
    "EnvironmentSelection",
    "EnvironmentSorting",
    "EnvironmentTank",
]
