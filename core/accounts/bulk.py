"""Actions on many accounts at once (disable, one-time passwords, export) and an account's
sign-in history. A bulk action is all or nothing: every chosen account must be in the admin's
subtree and theirs to change, or nothing is written."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound

from core.accounts import services
from core.db import utcnow
from core.errors import DomainError
from core.exchange import Column
from core.models import AuditLog, User
from core.permissions import Scope, scope_clause
from core.validation import MAX_ID

MAX_BULK = 500  # accounts in one bulk action: a page of users, several times over
SIGN_IN_ACTIONS = ("user.login", "user.login_failed")
# Characters nobody misreads when a password is read out or copied from paper.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

EXPORT_COLUMNS: tuple[Column, ...] = (
    Column("username", _l("Username")),
    Column("display_name", _l("Name")),
    Column("mobile", _l("Mobile")),
    Column("home", _l("Belongs to")),
    Column("roles", _l("Roles")),
    Column("active", _l("Status")),
    Column("last_login_at", _l("Last sign-in")),
)


def one_time_password() -> str:
    """12 characters from :data:`PASSWORD_ALPHABET`; the account must change it at sign-in."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(12))


def chosen_ids(raw: Iterable[Any]) -> list[int]:
    """The account ids a form or a body names, or a refusal on ``ids``."""
    try:
        ids = list(dict.fromkeys(int(value) for value in raw))
    except (TypeError, ValueError):
        ids = []
    if not ids or len(ids) > MAX_BULK:
        message = _("Choose between 1 and %(n)s accounts.", n=MAX_BULK)
        raise DomainError(message, {"ids": [message]})
    if any(not 1 <= value <= MAX_ID for value in ids):  # never sent to the database
        message = _("There is no such record.")
        raise DomainError(message, {"ids": [message]})
    return ids


def users_in_scope(session: Session, ids: Sequence[int]) -> list[User]:
    """The chosen accounts, through the admin's scope (by home node), with their roles; an id
    outside it does not exist for them, and then none is returned (404)."""
    stmt = services.with_assignments(sa.select(User).where(User.id.in_(ids)))
    stmt = stmt.where(scope_clause(User, "users.manage")).order_by(User.username)
    users = list(session.scalars(stmt))
    if len(users) != len(ids):
        raise NotFound()
    return users


def _refuse(problems: list[str]) -> None:
    if problems:
        message = _("Nothing was changed: %(problems)s", problems="; ".join(problems))
        raise DomainError(message, {"ids": problems})


def manageable(session: Session, scope: Scope, users: Sequence[User]) -> None:
    """Every account must be the admin's to change (no roles above them), else nothing is."""
    _refuse(
        [
            _("%(name)s holds roles outside your part of the tree", name=user.username)
            for user in users
            if not services.can_manage_user(session, scope, user)
        ]
    )


def disable(session: Session, scope: Scope, users: Sequence[User], actor: User) -> int:
    """Switch the accounts off (their sessions end); the ones off already stay as they are.
    Refused as a whole when one is the admin's own or a district's last district admin."""
    manageable(session, scope, users)
    problems: list[str] = []
    changed = 0
    for user in users:
        if not user.active:
            continue
        try:
            services.update_user(session, user, actor=actor, active=False)
            changed += 1
        except DomainError as exc:
            reason = next(iter(exc.fields.values()), [exc.message])[0]
            problems.append(f"{user.username}: {reason}")
    _refuse(problems)
    return changed


def reset_passwords(
    session: Session, scope: Scope, users: Sequence[User]
) -> list[tuple[User, str]]:
    """A one-time password for each account, to be shown once: only their hashes are kept, and
    each account must choose its own at its next sign-in."""
    manageable(session, scope, users)
    issued = []
    for user in users:
        password = one_time_password()
        services.reset_password(session, user, password)
        issued.append((user, password))
    return issued


def export_rows(session: Session, users: Sequence[User]) -> Iterator[dict[str, Any]]:
    """One row per account, its roles and places in one cell, for :data:`EXPORT_COLUMNS`."""
    services.attach_nodes(session, users)
    for user in users:
        roles = "；".join(
            f"{services.role_label(a.role)} · {a.node.name if a.node else ''}"
            for a in user.assignments
        )
        yield {
            "username": user.username,
            "display_name": user.display_name,
            "mobile": user.mobile or "",
            "home": user.home_node.name if user.home_node else "",
            "roles": roles,
            "active": _("Active") if user.active else _("Disabled"),
            "last_login_at": user.last_login_at,
        }


def sign_ins(session: Session, user: User, limit: int = 50) -> list[AuditLog]:
    """The account's latest sign-ins and refused sign-ins, newest first, from the audit log
    (filed under the account's home node, which the admin's scope covers)."""
    stmt = (
        sa.select(AuditLog)
        .where(
            AuditLog.object_type == "user",
            AuditLog.object_id == str(user.id),
            AuditLog.action.in_(SIGN_IN_ACTIONS),
        )
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def stamp() -> str:
    """The date part of an export's file name."""
    return utcnow().strftime("%Y%m%d")
