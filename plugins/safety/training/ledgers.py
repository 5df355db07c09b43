"""The training ledger (培训台账) and its trainees, declared: filters, order, the checks, the
export of one row per trainee."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import g, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.sdk import Filter, Part, WorkSource, calendar_year, db

from ..common import VIEW, SafetyLedger
from .models import SafetyTrainee, SafetyTraining
from .schemas import TraineeSchema, TrainingSchema, training_choices
from .services import POSTS, check_trainee, training_progress

YEAR = Filter("year", "year", _l("Year"), column="held_on")


def _with_post(_session: Session, post: str) -> sa.ColumnElement[bool]:
    """Sessions with at least one trainee of ``post``."""
    return sa.exists().where(
        SafetyTrainee.training_id == SafetyTraining.id,
        SafetyTrainee.post == post,
        SafetyTrainee.deleted_at.is_(None),
    )


def _context() -> dict[str, Any]:
    """The progress of the year asked for (``?year=``, this year by default) above the list."""
    return {
        "progress": lambda: training_progress(db.session, g.community, calendar_year(request.args))
    }


trainees = SafetyLedger(
    name="trainee",
    model=SafetyTrainee,
    schema=TraineeSchema,
    fixed=("training_id",),  # a trainee stays in their session
    title=_l("Trainees"),
    label=_l("Trainee"),
    filters=(
        Filter("q", "text", _l("Full name"), column="name"),
        Filter("post"),
        Filter("training", "int", _l("Training"), training_choices, column="training_id"),
    ),
    order=lambda: [SafetyTrainee.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(SafetyTrainee.training), selectinload(SafetyTrainee.enterprise)
    ),
    check=check_trainee,
    exportable=False,  # the training ledger's export carries them, a row each
    importable=False,
)

# ``/trainings/<id>/trainees``: the session's page lists its trainees with a form to add one.
TRAINEES = Part(trainees, "training_id")

trainings = SafetyLedger(
    name="training",
    model=SafetyTraining,
    schema=TrainingSchema,
    title=_l("Training ledger"),
    label=_l("Training"),
    filters=(
        YEAR,
        Filter("category"),
        Filter("post", "choice", _l("Post"), POSTS, clause=_with_post),
    ),
    order=lambda: [SafetyTraining.held_on.desc(), SafetyTraining.id.desc()],
    options=lambda stmt: stmt.options(
        selectinload(SafetyTraining.trainees).selectinload(SafetyTrainee.enterprise)
    ),
    dump_detail=lambda t, data: data.update(items=[trainees.dump(p) for p in t.trainees]),
    export_parts=(trainees, lambda t: t.trainees),
    export_order=lambda: [SafetyTraining.held_on],
    context=_context,
    templates={"list": "safety/trainings.html"},
    parts=(TRAINEES,),
)

LEDGERS = [trainings, trainees]

# 今日待办: trainees whose certificate has expired (the certificates page lists them first).
TRAINING_WORK = [
    WorkSource(
        "safety.certificates_expired",
        _l("Expired certificates"),
        SafetyTrainee,
        lambda day: sa.and_(
            SafetyTrainee.certificate_expires_on < day,
            SafetyTrainee.training_id.in_(
                sa.select(SafetyTraining.id).where(SafetyTraining.deleted_at.is_(None))
            ),
        ),
        VIEW,
        "safety.certificates",
        level="overdue",
    )
]
