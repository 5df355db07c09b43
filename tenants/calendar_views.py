"""The observance calendar of a place (``/n/<ref>/calendar``): the year's national festivals, its
city's school holidays and the observances of the modules on beneath it, each that expects an
activity with how many were held around it there — "尚未开展" once it has passed with none."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from core.calendar import calendar_year, record_days, status, year_of
from core.clock import today
from core.db import db
from core.school_holidays import city_of, periods
from tenants import modules
from tenants.module_views import modules_running_at
from tenants.views import breadcrumb, load_node

bp = Blueprint("calendar", __name__, template_folder="templates")


@bp.get("/n/<ref>/calendar")
def page(ref: str) -> Any:
    """The year's observances at the place, by month."""
    node = load_node(ref)
    year = calendar_year(request.args)
    day = today()
    place = node.as_ref()
    running = modules_running_at(node)
    entries = [e for e in modules.calendar() if not e.module or e.module in running]
    rows = []
    school = periods(db.session, city_of(node.ref), year)
    found = year_of(entries, year, school) + record_days(
        db.session, entries, year, lambda module: modules.indicator_communities(place, module)
    )
    for occurrence in sorted(found, key=lambda o: (o.start, str(o.entry.label))):
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
