"""Audit log writes: every write records user, time, node, action, object and a summary.

``record`` adds the entry to the current session, so it commits (or rolls back) with the write.
A summary given as a lazy string (``lazy_gettext("Created account %(name)s", name=...)``) is
kept as its message id and parameters beside the text, so :func:`summary_of` shows it in the
reader's language; a plain string is kept as written.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_babel import gettext
from flask_babel.speaklater import LazyString
from flask_login import current_user

from core.db import db
from core.models import AuditLog
from core.tree import NodeRef


def record(action: str, **entry: Any) -> AuditLog:
    """Add an entry to the session: ``node``, ``summary`` and the rest as :func:`entry_values`
    takes them."""
    added = AuditLog(**entry_values(action, **entry))
    db.session.add(added)
    return added


def entry_values(
    action: str,
    *,
    node: NodeRef | None,
    summary: str | LazyString,
    object_type: str = "",
    object_id: Any = "",
    details: dict[str, Any] | None = None,
    user: Any = None,
) -> dict[str, Any]:
    """The columns of the entry :func:`record` adds (``at`` aside, the table's default), for
    callers that insert many entries in one statement (an import's history)."""
    actor = user if user is not None else (current_user if has_request_context() else None)
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    return {
        "user_id": actor.id if authenticated else None,
        "username": actor.username if authenticated else "",
        "node_id": node.id if node else None,
        "node_path": node.path if node else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id or ""),
        "summary": str(summary)[:500],
        "message": _message_id(summary),
        "params": _message_params(summary),
        "details": details,
        "ip": request.remote_addr if has_request_context() else None,
    }


def _is_message(value: Any) -> bool:
    """A ``lazy_gettext`` string: one message id, its parameters by name."""
    return isinstance(value, LazyString) and value._func is gettext and len(value._args) == 1


def _message_id(summary: Any) -> str | None:
    return summary._args[0][:500] if _is_message(summary) else None


def _message_params(summary: Any) -> dict[str, Any] | None:
    """The parameters, as JSON: a lazy one (a role's label) keeps its own message id."""
    if not _is_message(summary):
        return None
    params: dict[str, Any] = {}
    for key, value in summary._kwargs.items():
        if _is_message(value) and not value._kwargs:
            params[key] = {"msgid": value._args[0]}
        elif value is None or isinstance(value, int | float | bool):
            params[key] = value
        else:
            params[key] = str(value)
    return params


def summary_of(entry: AuditLog) -> str:
    """The entry's summary in the reader's language: from its message id and parameters, or,
    for an entry written before summaries were kept so (or with a plain text), its text."""
    if not entry.message:
        return entry.summary
    params = {
        key: gettext(value["msgid"]) if isinstance(value, dict) else value
        for key, value in (entry.params or {}).items()
    }
    translated = gettext(entry.message)
    try:
        return translated % params if params or "%(" in translated else translated
    except (KeyError, TypeError, ValueError):  # a message whose parameters changed since
        return entry.summary


def changes(obj: Any, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Old and new values of the fields in ``data`` that differ from ``obj``'s."""
    return {
        key: [getattr(obj, key), value] for key, value in data.items() if getattr(obj, key) != value
    }
