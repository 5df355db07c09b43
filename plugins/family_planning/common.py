"""What every family-planning sub-area shares: the module's name, its permissions, its
settings and the ledger family its registers are declared with."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.sdk import Ledger, module_settings
from core.sdk import today as today  # the platform's today, for every sub-area
from tenants.models import Node

MODULE = "family_planning"
VIEW = "family_planning.view"
EDIT = "family_planning.edit"
RESTORE = "family_planning.restore"
SENSITIVE = "family_planning.sensitive.view"  # S2 in clear, S3 shown at all
REVIEW = "family_planning.review"  # 街道卫健办: registers 生育登记, reviews rolls
APPROVE = "family_planning.approve"  # 区卫健委: approves the benefit rolls

# The tabs between the module's community pages, by endpoint.
TABS: list[tuple[str, Any]] = [
    ("family_planning.index", _l("Family planning")),
    ("family_planning.candidates", _l("Women to file")),
    ("family_planning.women", _l("Married women")),
    ("family_planning.birth_regs", _l("Birth registrations")),
    ("family_planning.children", _l("Births")),
    ("family_planning.families", _l("Special families")),
    ("family_planning.rolls", _l("Benefit rolls")),
    ("family_planning.activities", _l("Activities")),
    ("family_planning.visits", _l("Follow-up visits")),
    ("family_planning.supply_items", _l("Contraceptives")),
]


# Steps the module takes itself (recording the birth, upholding an objection): no button.
SYSTEM_STEPS = ("born", "reopen")


def tab_context() -> dict[str, Any]:
    """What the module's generated pages add: the tabs on a community's (a street's roll-up
    has none) and the words of the step forms."""
    from core.db import db

    from .births.workflow import NOTICE_WAYS
    from .women.rules import EXIT_REASONS

    tabs = TABS if "community" in g else ()
    return {
        "tabs": tabs,
        "exit_reasons": EXIT_REASONS,
        "notice_ways": NOTICE_WAYS,
        "db": db,
        "system_steps": SYSTEM_STEPS,
    }


ACCESS = {"module": MODULE, "view": VIEW, "edit": EDIT, "restore": RESTORE, "sensitive": SENSITIVE}
FpLedger = Ledger.family(**ACCESS, context=tab_context)

# Policy values kept as settings (the spec's "verify locally"): defaults below.
DEFAULT_SETTINGS: dict[str, Any] = {
    "exit_age": 50,  # 出册 proposed at the 50th birthday
    "filing_days": 30,  # a candidate is filed within … days
    "register_days": 1,  # 生育登记 registered within … working days of a complete application
    "publicity_days": 7,  # 公示 of a benefit roll
    "suppress_below": 5,  # counts from 1 to n−1 hidden at street level
}


def settings(session: Session, community: Node) -> dict[str, Any]:
    """The community's family-planning settings, defaults filled in."""
    return {**DEFAULT_SETTINGS, **module_settings(session, community.id, MODULE)}
