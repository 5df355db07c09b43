"""楼门院长信息反馈: change reports from building leaders, verified by a worker and applied to the
modules that declare the kinds (``jiedao_change_kinds``), then offered to every module
(``jiedao_change_applied``). See :mod:`core.changes.services` for the workflow."""

from core.changes.kinds import ChangeKind, all_kinds, kinds_at
from core.changes.models import ChangeReport, ChangeReportEvent

__all__ = ["ChangeKind", "ChangeReport", "ChangeReportEvent", "all_kinds", "kinds_at"]
