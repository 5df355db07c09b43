"""What a roster entry must respect, and what counts as 持证上岗: on duty with a certificate
that has a number and has not expired on the day counted."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from tenants.models import Node

from ..common import enterprise_in, place_at, refuse, today, written
from ..training.services import POSTS, THREE_POSTS
from .models import SafetyKeyPost

KEY_POSTS = {post: POSTS[post] for post in THREE_POSTS}


def check_key_post(
    session: Session, community: Node, data: dict[str, Any], entry: SafetyKeyPost | None
) -> None:
    """The person is of an enterprise of the community and sits at its place; a certificate
    number comes with its expiry date (the rate counts only certificates valid on the day)."""
    enterprise_id, number, expires = written(
        data, entry, "enterprise_id", "certificate_number", "certificate_expires_on"
    )
    if enterprise_id is None:
        refuse("enterprise_id", _("Choose the enterprise."))
    enterprise = enterprise_in(session, community, enterprise_id)
    if number and not expires:
        refuse(
            "certificate_expires_on",
            _("A certificate of the three key posts needs its expiry date."),
        )
    if entry is None or "enterprise_id" in data:
        place_at(data, entry, enterprise.node_id)


def certified_on(day: date) -> sa.ColumnElement[bool]:
    """On duty on ``day`` with a certificate number valid that day (the figures' predicate)."""
    return sa.and_(
        SafetyKeyPost.on_duty.is_(True),
        SafetyKeyPost.certificate_number != "",
        SafetyKeyPost.certificate_expires_on >= day,
    )


def certified(entry: SafetyKeyPost) -> bool:
    """The same, for one entry today (shown in its row)."""
    expires = entry.certificate_expires_on
    return bool(entry.on_duty and entry.certificate_number and expires and expires >= today())
