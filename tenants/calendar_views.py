"""The observance calendar of a place (``/n/<ref>/calendar``): the year's national festivals and
the observances of the modules on beneath it, each that expects an activity with how many were
held around it there — "尚未开展" once it has passed with none."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from core.calendar import calendar_year, status, year_of
from core.clock import today
from core.db import db
from core.tree import subtree_clause
from tenants import modules
from tenants.models import Node, NodeKind
from tenants.views import breadcrumb, load_node

bp = Blueprint("calendar", __name__, template_folder="templates")


@bp.get("/n/<ref>/calendar")
def page(ref: str) -> Any:
    """The year's observances at the place, by month."""
    node = load_node(ref)
    year = calendar_year(request.args)
    day = today()
    place = node.as_ref()
    running = _running_beneath(node)
    entries = [e for e in modules.calendar() if not e.module or e.module in running]
    rows = []
    for occurrence in year_of(entries, year):
        module = occurrence.entry.module
        communities = modules.indicator_communities(place, module) if module else None
        found = status(db.session, occurrence, communities, day) if module else None
        rows.append({"occurrence": occurrence, "status": found})
    return render_template(
        "tenants/calendar.html",
        node=node,
        year=year,
        rows=rows,
        today=day,
        breadcrumb=[*breadcrumb(node), (_("Calendar"), None)],
        labels={p.name: p.manifest.label for p in modules.plugin_system().active() if p.manifest},
    )


def _running_beneath(node: Node) -> set[str]:
    """The active modules on at one community or more at or beneath ``node``."""
    system = modules.plugin_system()
    communities = sa.select(Node.id).where(
        Node.kind == NodeKind.COMMUNITY, subtree_clause(Node.path, node.path)
    )
    stmt = (
        sa.select(modules.ModuleState.module)
        .distinct()
        .where(
            modules.ModuleState.enabled.is_(True), modules.ModuleState.community_id.in_(communities)
        )
    )
    return {m for m in db.session.scalars(stmt) if system.is_active(m)}
