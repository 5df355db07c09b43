"""The youth-care figures: one SQL aggregate each over the communities a figure covers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tenants.models import Node

from .children.models import YouthCareChild
from .common import today
from .pairings.models import YouthCarePairing


def community_summary(session: Session, community: Node) -> dict[str, Any]:
    """The overview's counts: children in care, leads, pairings in progress."""
    here = YouthCareChild.community_id == community.id

    def children(*where: Any) -> int:
        stmt = sa.select(sa.func.count()).select_from(YouthCareChild).where(here, *where)
        return session.scalar(stmt) or 0

    pairings = (
        sa.select(sa.func.count())
        .select_from(YouthCarePairing)
        .where(YouthCarePairing.community_id == community.id, YouthCarePairing.status == "active")
    )
    return {
        "in_care": children(YouthCareChild.status == "active"),
        "leads": children(YouthCareChild.status == "lead"),
        "pairings": session.scalar(pairings) or 0,
        "year": today().year,
    }
