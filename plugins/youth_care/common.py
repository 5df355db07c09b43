"""What every youth-care sub-area shares: the module's name, its permissions, the ledger family
and the check that a record names a child in care of the community."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.records.lookup import live_record_of
from core.sdk import Ledger
from core.sdk import today as today  # the platform's today, for every sub-area
from tenants.models import Node

MODULE = "youth_care"
VIEW = "youth_care.view"
EDIT = "youth_care.edit"
RESTORE = "youth_care.restore"
SENSITIVE = "youth_care.sensitive.view"
CONFIRM = "youth_care.entry.confirm"  # 线索 → 在册: the community admin confirms
APPROVE_PAIRING = "youth_care.pairing.approve"  # 拟结对 → 进行中
REVIEW = "youth_care.review"  # the street 关工委 / 民政: assistance above the amount, reports
MANAGE_CHECKLISTS = "youth_care.checklists"  # the 网吧 checklist templates
ASSIGN = "youth_care.assign"  # 包片: children and buildings to workers
REVIEW_ASSISTANCE = "youth_care.assistance.review"  # 登记 → 审核, the community admin
ELDER = "youth_care.elder.visit"  # a 五老 volunteer: visits to the children paired with them

ACCESS = {"module": MODULE, "view": VIEW, "edit": EDIT, "restore": RESTORE}
# Every page of the module knows today (the steps' forms date themselves with it).
YouthLedger = Ledger.family(**ACCESS, sensitive=SENSITIVE, context=lambda: {"today": today()})


def child_in(session: Session, community: Node, child_id: int | None) -> Any:
    """The child in care ``child_id`` of ``community`` (a pairing's, an assistance's)."""
    from .children.models import YouthCareChild

    message = _("There is no such child in care.")
    return live_record_of(session, community, YouthCareChild, child_id, "child_id", message)


def written(data: dict[str, Any], record: Any, *keys: str) -> tuple[Any, ...]:
    """What ``keys`` will hold once ``data`` is written: the data's values, else the edited
    ``record``'s (None for a new record)."""
    return tuple(data.get(key, getattr(record, key, None)) for key in keys)


def child_choices() -> dict[int, str]:
    """The community's children in care (leads too) by id, for a form's select."""
    import sqlalchemy as sa
    from flask import g

    from core.sdk import db
    from plugins.registry.models import RegistryResident

    from .children.models import YouthCareChild

    if "community" not in g:
        return {}
    stmt = (
        sa.select(YouthCareChild.id, RegistryResident.name)
        .join(RegistryResident, RegistryResident.id == YouthCareChild.resident_id)
        .where(YouthCareChild.community_id == g.community.id, YouthCareChild.status != "exited")
        .order_by(RegistryResident.name, YouthCareChild.id)
    )
    return dict(db.session.execute(stmt).all())


def chosen_child() -> tuple[Any, Any]:
    """The child a record is of: chosen in its form, named by the child's name elsewhere."""
    from flask_babel import lazy_gettext as _l

    from core.sdk import chosen_record

    return chosen_record(
        _l("Child in care"), child_choices, lambda r: r.child.resident.name, required=True
    )
