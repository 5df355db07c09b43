"""今日待办 and 催办 of family planning: registrations past their one working day (to the
street's reviewers), women the registry says still need a card and objections to a publicised
roll waiting for an answer (to the workers), visits due or overdue by the quotas; the reminders
of the registrations' deadlines."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.sdk import Reminder, WorkSource
from plugins.registry.models import RegistryResident

from .benefits.models import FpRollObjection
from .births.models import FpBirthReg
from .common import EDIT, REVIEW
from .visits.ledgers import VISITS
from .women.candidates import qualifying_clause
from .women.models import FpWoman


def _overdue(day: Any) -> sa.ColumnElement[bool]:
    return sa.and_(FpBirthReg.status == "submitted", FpBirthReg.deadline < day)


def _unfiled(day: Any) -> sa.ColumnElement[bool]:
    card = sa.exists().where(
        FpWoman.resident_id == RegistryResident.id,
        FpWoman.status == "active",
        FpWoman.deleted_at.is_(None),
    )
    return sa.and_(qualifying_clause(day), ~card)


def work_sources() -> list[WorkSource]:
    return [
        WorkSource(
            "family_planning.birth_regs_overdue",
            _l("Birth registrations past their deadline"),
            FpBirthReg,
            _overdue,
            REVIEW,
            "family_planning.birth_regs",
            "family_planning_rollup.birth_regs",
            {"overdue": 1},
            level="overdue",
        ),
        WorkSource(
            "family_planning.candidates",
            _l("Married women without a card"),
            RegistryResident,
            _unfiled,
            EDIT,
            "family_planning.candidates",
            level="todo",
        ),
        WorkSource(
            "family_planning.objections_open",
            _l("Objections to benefit rolls awaiting resolution"),
            FpRollObjection,
            lambda _day: FpRollObjection.status == "open",
            EDIT,
            "family_planning.roll_objections",
            args={"status": "open"},
            level="todo",
        ),
        *VISITS.work_sources(),
    ]


def _title(reg: FpBirthReg, kind: str) -> str:
    if kind == "due":
        return _(
            "Birth registration %(number)s is due on %(day)s", number=reg.number, day=reg.deadline
        )
    return _(
        "Birth registration %(number)s is past its deadline %(day)s",
        number=reg.number,
        day=reg.deadline,
    )


def reminders() -> list[Reminder]:
    return [
        Reminder(
            "family_planning.birth_reg",
            FpBirthReg,
            "deadline",
            lambda: sa.and_(FpBirthReg.status == "submitted", FpBirthReg.deleted_at.is_(None)),
            REVIEW,
            _title,
            lambda r, community: f"/c/{community}/family_planning/birth_regs/{r.id}",
            soon=1,
        ),
        *VISITS.reminders(),
    ]
