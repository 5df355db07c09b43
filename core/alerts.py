"""Immediate notices (即报): a case that must be told of at once — a dispute that may escalate,
a mass dispute — becomes a notification for the holders of a permission at some places (the
community's staff, the street's 司法所) in the transaction that records it, instead of waiting
for the daily reminders. Each notice is written once per user and key; users read it on their
home page with the reminders (``GET /api/v1/notifications``)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import force_locale
from sqlalchemy.orm import Session

from core.reminders import ESCALATED, _write, holders


def notify_holders(
    session: Session,
    permission: str,
    node_ids: Iterable[int],
    *,
    key: str,
    title: str,
    url: str,
    node_id: int | None = None,
    kind: str = ESCALATED,
) -> int:
    """Tell the users assigned at ``node_ids`` with ``permission`` of ``title`` (a page at
    ``url``), once per user and ``key``; returns how many notifications were new."""
    users: set[int] = set()
    for place in node_ids:
        users |= holders(session, permission, place)
    with force_locale("zh_Hans_CN"):  # written once, read in Chinese first
        text = str(title)[:300]
    wanted = [
        {
            "user_id": user,
            "key": key[:160],
            "kind": kind,
            "title": text,
            "url": url[:300],
            "node_id": node_id,
        }
        for user in sorted(users)
    ]
    return _write(session, wanted)
