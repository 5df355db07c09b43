"""Targets (目标) at any node of the tree, bound to an indicator and a period: a street holds
"全年完成三项岗位人员培训95人" and splits it down to its communities; progress is computed live
from the indicator, against a time-prorated expectation, with a light. Any indicator with a
``direction`` can carry a target: "up" reads as at least, "down" as at most. A count or sum is
split so that the children's shares add up to at least the parent's; a rate is split so that
each child's is at least as strict as the parent's. See ``docs/plugins.md`` (Targets)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

MANAGE = "targets.manage"


def declare_permissions(registry: Any) -> None:
    """The street office sets its targets and splits them to its communities (the district
    holds it everywhere); communities read theirs, never set them."""
    registry.declare(
        MANAGE, _l("Set targets and split them to the places below"), grants=["street_admin"]
    )
