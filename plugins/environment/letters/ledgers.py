"""The 门前三包 ledger (门前三包责任书台账（签订名册）): letters by shop, with the renewal list
(in force until this year's end or already expired) and the state as of today."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.db import db
from core.sdk import Filter

from ..common import EnvLedger, today
from .models import EnvironmentLetter
from .rules import LETTER_STATUSES, check_letter, is_renewed, renewed_clause, state_clause
from .schemas import LetterSchema


def _state(_session: Session, state: str) -> sa.ColumnElement[bool]:
    return state_clause(state, today())


def _renewal() -> sa.ColumnElement[bool]:
    """Signed letters that end by 31 December of this year and are not yet renewed: the
    January renewal list."""
    return sa.and_(
        EnvironmentLetter.status == "signed",
        EnvironmentLetter.valid_until <= date(today().year, 12, 31),
        sa.not_(renewed_clause()),
    )


def _scans(letter: EnvironmentLetter) -> object:
    """The signed letter's scans (PDF or photo) with the upload form."""
    from core.db import db

    from ..web import PHOTOS

    return PHOTOS.block(db.session, "letters", letter)


letters = EnvLedger(
    name="letter",
    model=EnvironmentLetter,
    schema=LetterSchema,
    title=_l("Frontage responsibility letters"),
    label=_l("Frontage letter"),
    filters=(
        Filter("state", "choice", _l("State"), LETTER_STATUSES, clause=_state),
        Filter.flag("renewal", _l("To renew"), _renewal),
        Filter("year", "year", _l("Year"), column="signed_on"),
    ),
    order=lambda: [EnvironmentLetter.signed_on.desc(), EnvironmentLetter.id.desc()],
    options=lambda stmt: stmt.options(selectinload(EnvironmentLetter.unit)),
    check=check_letter,
    title_of=lambda x: x.unit.name,
    context=lambda: {"photos": _scans, "renewed": lambda r: is_renewed(db.session, r)},
    templates={"list": "environment/letters.html", "detail": "environment/letter.html"},
)

LEDGERS = [letters]
