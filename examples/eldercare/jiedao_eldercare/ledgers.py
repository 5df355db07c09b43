"""The visits ledger, declared. ``core.sdk`` generates from it the list (filters, sortable
columns, export buttons), the "new" and edit forms, the page of a visit with its history, delete
and restore behind a confirmation, the JSON API, the xlsx/CSV export and the spreadsheet import;
S2 fields (the elder's phone) are masked everywhere for who lacks ``eldercare.sensitive.view``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.sdk import Filter, Ledger, today

from . import services
from .models import EldercareVisit
from .schemas import KINDS, VisitSchema
from .services import EDIT, MODULE, RESTORE, SENSITIVE, VIEW


def _new_visit() -> dict[str, Any]:
    """A new visit is usually today's, by the worker recording it."""
    return {"visit_date": today(), "visitor": current_user.display_name}


visits = Ledger(
    module=MODULE,
    name="visit",
    plural="visits",
    model=EldercareVisit,
    schema=VisitSchema,
    title=_l("Home-care visits"),
    label=_l("Visit"),
    view=VIEW,
    edit=EDIT,
    restore=RESTORE,
    sensitive=SENSITIVE,
    filters=(
        Filter("q", "text", _l("Elder"), column="elder_name"),
        Filter("kind", "choice", _l("Kind of visit"), KINDS),
        Filter("year", "year", _l("Year"), column="visit_date"),
    ),
    order=lambda: [EldercareVisit.visit_date.desc()],
    check=services.check_visit,
    title_of=services.visit_title,
    new_values=_new_visit,
    context=lambda: {"tabs": TABS},
)

LEDGERS = (visits,)
# The overview (this month against the target) and the list, as tabs on both pages.
TABS = [("eldercare.index", _l("This month")), (visits.endpoint("list"), visits.title)]
