"""Audit log writes: every write records user, time, node, action, object and a summary.

``record`` adds the entry to the current session, so it commits (or rolls back) with the write.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from core.db import db
from core.models import AuditLog
from core.tree import NodeRef


def record(
    action: str,
    *,
    node: NodeRef | None,
    summary: str,
    object_type: str = "",
    object_id: Any = "",
    details: dict[str, Any] | None = None,
    user: Any = None,
) -> AuditLog:
    actor = user if user is not None else (current_user if has_request_context() else None)
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    entry = AuditLog(
        user_id=actor.id if authenticated else None,
        username=actor.username if authenticated else "",
        node_id=node.id if node else None,
        node_path=node.path if node else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        summary=summary[:500],
        details=details,
        ip=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Old and new values of the fields in ``data`` that differ from ``obj``'s."""
    return {
        key: [getattr(obj, key), value] for key, value in data.items() if getattr(obj, key) != value
    }
