"""The environment ledgers on the module's blueprints, the community's overview, and the
门前三包 pages that are not a ledger: shops still lacking a letter, and drafting theirs at once.

The blueprints (``web.py``) check that the plugin is active, that the user holds one of its
permissions at the place and that the module is on there (404 otherwise); the generated views
then require the permission each needs (403) and load records only through the community's
clause, so another community's record is a 404."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from core.db import db
from core.records.ledger import load
from core.sdk import (
    DomainError,
    api_doc,
    can,
    json_body,
    load_form,
    register_ledgers,
    require,
)

from .activities.ledgers import LEDGERS as ACTIVITY_LEDGERS
from .activities.selections import DecideSchema, decide
from .areas.ledgers import LEDGERS as AREA_LEDGERS
from .assessments.ledgers import LEDGERS as ASSESSMENT_LEDGERS
from .common import EDIT, VIEW
from .complaints.ledgers import LEDGERS as COMPLAINT_LEDGERS
from .dashboard.figures import community_summary
from .inspections.ledgers import LEDGERS as INSPECTION_LEDGERS
from .issues.ledgers import LEDGERS as ISSUE_LEDGERS
from .letters.ledgers import LEDGERS as LETTER_LEDGERS
from .letters.ledgers import letters
from .letters.rules import (
    DUTIES,
    generate_drafts,
    renew,
    shops_without_letter,
    state_of,
)
from .sorting.ledgers import LEDGERS as SORTING_LEDGERS
from .upkeep.ledgers import LEDGERS as TANK_LEDGERS
from .web import api, pages, rollup, rollup_api

LEDGERS = [
    *AREA_LEDGERS,
    *INSPECTION_LEDGERS,
    *ASSESSMENT_LEDGERS,
    *ISSUE_LEDGERS,
    *LETTER_LEDGERS,
    *SORTING_LEDGERS,
    *COMPLAINT_LEDGERS,
    *TANK_LEDGERS,
    *ACTIVITY_LEDGERS,
]
register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)


def _refused(exc: DomainError, back: str) -> Any:
    """A page's action refused: nothing written, the reason shown on the page it came from."""
    db.session.rollback()
    flash(exc.message, "error")
    return redirect(back), 303


def _may_edit() -> bool:
    return can(EDIT, g.community.path) and not g.community.is_archived


@pages.get("/")
def index() -> Any:
    """The community's environment overview: this year's figures, what is overdue."""
    require(VIEW)
    return render_template(
        "environment/index.html",
        summary=community_summary(db.session, g.community),
        can_edit=_may_edit(),
    )


@pages.get("/letters/needed")
def letters_needed() -> Any:
    """Street-front shops of the registry with no letter in force nor drafted, the day each
    is due and whether it is past."""
    require(VIEW)
    return render_template(
        "environment/letters_needed.html",
        shops=shops_without_letter(db.session, g.community),
        can_edit=_may_edit(),
    )


@pages.post("/letters/generate")
def generate_letters() -> Any:
    """Draft a letter for every shop lacking one, in one transaction."""
    require(EDIT)
    made = generate_drafts(db.session, g.community)
    db.session.commit()
    flash(_("%(count)s draft letters made.", count=len(made)), "success")
    return redirect(url_for("environment.letters", state="draft"))


@api.get("/letters/needed")
def api_letters_needed() -> Any:
    """Street-front shops lacking a letter: unit id and name, due day, overdue."""
    require(VIEW)
    rows = shops_without_letter(db.session, g.community)
    items = [
        {"unit_id": r["unit"].id, "name": r["unit"].name, "due": r["due"].isoformat(),
         "overdue": r["overdue"]}
        for r in rows
    ]  # fmt: skip
    return {"items": items, "total": len(items)}


@api.post("/letters/generate")
def api_generate_letters() -> Any:
    """Draft a letter for every shop lacking one: ``{"created": n}``, or 422 when none lacks one."""
    require(EDIT)
    made = generate_drafts(db.session, g.community)
    db.session.commit()
    return {"created": len(made), "ids": [m.id for m in made]}, 201


@pages.get("/letters/<int:letter_id>/print")
def print_letter(letter_id: int) -> Any:
    """The 《环境卫生责任区管理责任书》 as it is printed for the shop to sign: the parties, the
    extent and duties, the term and the signature lines."""
    require(VIEW)
    letter = load(letters, letter_id)
    duties = [str(DUTIES[d]) for d in letter.duties or [] if d in DUTIES]
    return render_template(
        "environment/letter_print.html", letter=letter, duties=duties, state=state_of(letter)
    )


@pages.post("/letters/<int:letter_id>/renew")
def renew_letter(letter_id: int) -> Any:
    """续签: next year's draft for the same shop, then its page; a refusal (a draft, or a
    letter renewed already) back on the letter's page."""
    require(EDIT)
    letter = load(letters, letter_id)
    try:
        made = renew(db.session, g.community, letter)
    except DomainError as exc:
        return _refused(exc, url_for("environment.letter", record_id=letter.id))
    db.session.commit()
    flash(_("Renewal drafted."), "success")
    return redirect(url_for("environment.letter", record_id=made.id))


@api.post("/letters/<int:letter_id>/renew")
@api_doc(
    "Renew a signed 门前三包 letter (续签): a draft for the next year with the same shop, "
    "extent and duties; 422 for a draft, terminated or already renewed letter",
    tags=["environment"],
)
def api_renew_letter(letter_id: int) -> Any:
    require(EDIT)
    made = renew(db.session, g.community, load(letters, letter_id))
    db.session.commit()
    return letters.dump_one(made), 201


@pages.post("/selections/decide")
def decide_selection() -> Any:
    """Select the first nominees of a year's 绿色家庭 or 星级楼道 by votes and score."""
    require(EDIT)
    form = load_form(DecideSchema())
    if form.errors:
        for field, messages in form.errors.items():
            flash(f"{field}: {' '.join(map(str, messages))}", "error")
        return redirect(url_for("environment.selections"))
    try:
        chosen = decide(db.session, g.community, form.data)
    except DomainError as exc:
        return _refused(exc, url_for("environment.selections"))
    db.session.commit()
    flash(_("%(count)s nominees selected.", count=len(chosen)), "success")
    return redirect(
        url_for("environment.selections", kind=form.data["kind"], year=form.data["year"])
    )


@api.post("/selections/decide")
@api_doc(
    "Decide a year's selection: {kind, year, quota}; the nominees ranked (families by votes "
    "then score, stairwells by score then votes) and the first quota selected, the others not",
    tags=["environment"],
)
def api_decide_selection() -> Any:
    require(EDIT)
    chosen = decide(db.session, g.community, json_body(DecideSchema()))
    db.session.commit()
    return {"selected": [s.id for s in chosen]}
