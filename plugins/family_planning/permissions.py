"""The module's permissions: the four every ledger uses, the street's review and the district's
approval, and the 卫健 inspector role, which reads the registers of a whole area and sees
reproductive-health data only as counts (it never holds ``family_planning.sensitive.view``)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from .common import APPROVE, REVIEW, VIEW


def declare(registry: Any) -> None:
    """``jiedao_permissions``: what each role may do in family planning."""
    registry.declare_ledger_permissions(
        view=_l("Read the family-planning registers"),
        edit=_l("Keep the family-planning registers"),
        restore=_l("Restore deleted family-planning records"),
        sensitive=_l("See reproductive-health data and full numbers in family planning"),
    )
    registry.declare(
        REVIEW, _l("Review family-planning registrations and reports"), grants=["street_admin"]
    )
    registry.declare(APPROVE, _l("Approve family-planning benefit rolls"))
    registry.declare_role(
        "family_planning_inspector",
        _l("Health commission inspector"),
        [VIEW, "tenants.view"],
        _l("Reads family planning across an area; reproductive-health data only as counts"),
    )
