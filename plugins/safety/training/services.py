"""The training rules: who may be a trainee and what a certificate needs, the year's count of
trained three-post people against the target, and the certificates about to expire."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.figures import percent
from core.reports import Period
from core.sdk import refuse, today
from tenants.models import Node

from ..common import enterprise_in, live_in, settings, written
from .models import SafetyTrainee, SafetyTraining

TRAINING_CATEGORIES = {
    "three_posts": _l("Three key posts"),
    "frontline": _l("Front-line workers"),
    "general": _l("General safety training"),
}
# 三项岗位: the three key posts that need a certificate, then everyone else.
POSTS = {
    "principal": _l("Principal manager"),
    "safety_manager": _l("Safety manager"),
    "special_operator": _l("Special operator"),
    "frontline": _l("Front-line worker"),
    "other": _l("Other trainee"),
}
THREE_POSTS = ("principal", "safety_manager", "special_operator")
CERTIFICATE = ("post", "certificate_number", "certificate_issued_on", "certificate_expires_on")


def live_trainees(stmt: sa.Select) -> sa.Select:
    """``stmt`` over the live trainees of live training sessions."""
    return (
        stmt.select_from(SafetyTrainee)
        .join(SafetyTraining, SafetyTraining.id == SafetyTrainee.training_id)
        .where(SafetyTrainee.deleted_at.is_(None), SafetyTraining.deleted_at.is_(None))
    )


def check_trainee(
    session: Session, community: Node, data: dict[str, Any], trainee: SafetyTrainee | None
) -> None:
    """A new trainee joins a live session of the community and sits at its place; their
    enterprise is of the community; a certificate expires after it was issued, is not issued in
    the future, and a three-post certificate carries its expiry date (the warnings watch it)."""
    if trainee is None:
        message = _("There is no such training.")
        training = live_in(
            session, community, SafetyTraining, data.get("training_id"), "training_id", message
        )
        data["node_id"] = training.node_id
    enterprise_in(session, community, data.get("enterprise_id"))
    post, number, issued, expires = written(data, trainee, *CERTIFICATE)
    if issued and expires and expires < issued:
        refuse("certificate_expires_on", _("The certificate cannot expire before it was issued."))
    if issued and issued > today():
        refuse("certificate_issued_on", _("The date cannot be in the future."))
    if post in THREE_POSTS and number and not expires:
        refuse(
            "certificate_expires_on",
            _("A certificate of the three key posts needs its expiry date."),
        )


def add_trainee(session: Session, training: SafetyTraining, data: dict[str, Any]) -> SafetyTrainee:
    """A person added to a session."""
    from .ledgers import TRAINEES

    return TRAINEES.add(session, training, data)


def training_progress(session: Session, community: Node, year: int) -> dict[str, Any]:
    """Three-key-post people trained in ``year`` (the dashboard's figure) against the
    community's share of the street's target for the year (None until the street splits it)."""
    from core.targets.services import target_of

    from ..dashboard.figures import SAFETY

    period = Period.year(year)
    communities = sa.select(sa.literal(community.id))
    trained = SAFETY.compute(session, SAFETY.by_key["trained"], communities, period)
    target = target_of(session, community, SAFETY.name(SAFETY.by_key["trained"]), period)
    return {
        "year": year,
        "trained": trained,
        "target": target,
        "rate": percent(trained, target),
    }


def expiring_certificates(session: Session, community: Node) -> dict[str, Any]:
    """Certificates of live trainees expiring within the community's warning ``days`` of
    ``today``, and those already expired (``expired``), soonest first."""
    day = today()
    days = int(settings(session, community)["certificate_warning_days"])
    expires = SafetyTrainee.certificate_expires_on
    rows = session.scalars(
        live_trainees(sa.select(SafetyTrainee))
        .where(
            SafetyTrainee.community_id == community.id,
            expires.is_not(None),
            expires <= day + timedelta(days=days),
        )
        .options(selectinload(SafetyTrainee.training), selectinload(SafetyTrainee.enterprise))
        .order_by(SafetyTrainee.certificate_expires_on, SafetyTrainee.id)
    )
    items = [
        {
            "trainee": trainee,
            "expired": trainee.certificate_expires_on < day,
            "days_left": (trainee.certificate_expires_on - day).days,
        }
        for trainee in rows
    ]
    return {"days": days, "today": day, "items": items}
