"""Upward reports (上报): a module declares a report (``jiedao_reports``) — its fields, checks
and due days — and core keeps an instance per node and period: auto-filled, overridden with
reasons, submitted, reviewed by the level above, consolidated into the parent's report, locked
and corrected by request. See ``docs/plugins.md`` (Upward reports)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.filing.declaration import REVIEW, SUBMIT, ChangeCheck, Due, Field, Report, SumCheck

__all__ = ["REVIEW", "SUBMIT", "ChangeCheck", "Due", "Field", "Report", "SumCheck"]


def declare_permissions(registry: Any) -> None:
    """Filing and reviewing are the offices' duties whatever the module: a community's or
    street's admin files its reports, the street's and district's admins review the level
    below (the module's own permissions still decide who reads them)."""
    registry.declare(SUBMIT, _l("File upward reports"), grants=["community_admin"])
    registry.declare(
        REVIEW, _l("Review the upward reports of the level below"), grants=["street_admin"]
    )
