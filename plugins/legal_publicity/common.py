"""What every legal-publicity sub-area shares: the module's name, its three permission families,
its settings and the ledger family of each."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.sdk import Ledger, module_settings
from core.sdk import today as today  # the platform's today, for every sub-area

MODULE = "legal_publicity"

# 普法: activities, boards, study records, consultations.
VIEW = "legal_publicity.view"
EDIT = "legal_publicity.edit"
RESTORE = "legal_publicity.restore"
SENSITIVE = "legal_publicity.sensitive.view"

# 人民调解: the community's 调委会 keeps the cases, the street's 司法所 reviews serious ones.
MEDIATION_VIEW = "legal_publicity.mediation.view"
MEDIATION_EDIT = "legal_publicity.mediation.edit"
MEDIATION_REVIEW = "legal_publicity.mediation.review"

# 安置帮教: a compartment of its own (S3), the street's 司法所 and named community cadres only.
RESETTLEMENT_VIEW = "legal_publicity.resettlement.view"
RESETTLEMENT_EDIT = "legal_publicity.resettlement.edit"
RESETTLEMENT_CONFIRM = "legal_publicity.resettlement.confirm"

PublicityLedger = Ledger.family(
    module=MODULE, view=VIEW, edit=EDIT, restore=RESTORE, sensitive=SENSITIVE
)
MediationLedger = Ledger.family(
    module=MODULE,
    view=MEDIATION_VIEW,
    edit=MEDIATION_EDIT,
    restore=RESTORE,
    sensitive=SENSITIVE,
)
ResettlementLedger = Ledger.family(
    module=MODULE,
    view=RESETTLEMENT_VIEW,
    edit=RESETTLEMENT_EDIT,
    restore=RESETTLEMENT_CONFIRM,
    sensitive=RESETTLEMENT_VIEW,
)

# Deadlines outside the seeds are per-community settings (programs/README.md).
DEFAULT_SETTINGS: dict[str, Any] = {
    "mediation_days": 30,  # 调解期限: outcome within … days of acceptance
    "followup_days": 15,  # 回访: by the agreement's due date, else … days after the outcome
    "report_within_days": 30,  # 报到: within … days of release
    "care_years": 5,  # 帮教期: … years after release
    "board_cycle_days": 30,  # 宣传栏 renewed every … days (黑板报 every 15)
}


def settings(session: Session, community_id: int) -> dict[str, Any]:
    """The community's legal-publicity settings, defaults filled in."""
    return {**DEFAULT_SETTINGS, **module_settings(session, community_id, MODULE)}


def written(data: dict[str, Any], record: Any, *keys: str) -> tuple[Any, ...]:
    """What ``keys`` will hold once ``data`` is written over ``record`` (None: a new one)."""
    return tuple(data.get(key, getattr(record, key, None)) for key in keys)
