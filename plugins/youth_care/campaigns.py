"""春节 and 六一 visits (走访慰问) as core's visit campaigns (``core.campaigns``) on the visit log
of children in care: the community sets the period and its phases, and every child in care —
or those of the care categories it names — is to be visited in it. The categories are S3: a
campaign naming one lists its children only to those who may see the categories; the others
read its counts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.sdk import S3, campaign_ledger, everyone

from .children.models import YouthCareChild
from .children.rules import CATEGORIES
from .visits import CHILD_VISITS

KINDS = {
    "spring_festival": _l("Spring Festival visits"),
    "childrens_day": _l("Children's Day visits"),
    "other": _l("Other visit campaign"),
}


def _names(column: Any, key: str) -> sa.ColumnElement[bool]:
    """A JSON list of keys (a child's categories, a campaign's audience) holding ``key``."""
    return sa.cast(column, sa.String).like(f'%"{key}"%')


def members(campaign: Any, subjects: Callable[[], sa.Select]) -> sa.Select:
    """The children in care of the campaign's community — of a category it names, if it names
    any — who were in care by its end."""
    stmt = everyone(campaign, subjects)
    audience = campaign.audience
    of_audience = sa.or_(
        sa.cast(audience, sa.String) == "[]",
        *(sa.and_(_names(audience, key), _names(YouthCareChild.categories, key))
          for key in CATEGORIES),
    )  # fmt: skip
    child = sa.select(YouthCareChild.id).where(
        YouthCareChild.resident_id == stmt.selected_columns.subject_id,
        YouthCareChild.community_id == campaign.community_id,
        YouthCareChild.status == "active",
        YouthCareChild.deleted_at.is_(None),
        sa.or_(YouthCareChild.entered_on.is_(None), YouthCareChild.entered_on <= campaign.ends_on),
        of_audience,
    )
    return stmt.where(child.exists())


CAMPAIGNS = campaign_ledger(
    visits=CHILD_VISITS,
    kinds=KINDS,
    audience=lambda: dict(CATEGORIES),
    members=members,
    sensitivity=S3,
    title=_l("Visit campaigns"),
    label=_l("Visit campaign"),
    community_only=True,
)
LEDGERS = [CAMPAIGNS.ledger]
