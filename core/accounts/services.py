"""Account operations: users, passwords, roles, assignments and tokens — validated and audited."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core import audit
from core.auth import new_token, token_digest
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.models import ApiToken, Assignment, Role, RolePermission, User
from core.permissions import (
    BUILTIN_ROLE_KEYS,
    BUILTIN_ROLES,
    PermissionRegistry,
    Scope,
    builtin_role,
    get_in_scope_or_404,
    may_grant,
    registry,
)
from core.tree import KINDS, NodeRef, node_ref, node_refs

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{2,63}")
ROLE_KEY = re.compile(r"[a-z][a-z0-9_]{2,63}")
PASSWORD_MIN = 8

# The tree's node kinds as admins name them, for the kinds a role may be granted at.
KIND_LABELS: dict[str, object] = {
    "district": _l("District"),
    "street": _l("Street"),
    "community": _l("Community"),
    "grid": _l("Grid"),
    "building": _l("Building"),
}


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(_("Some fields are not valid."), {field: [message]})


def _audit_account(
    session: Session,
    action: str,
    user: User,
    summary: object,
    *,
    actor: User | None = None,
    details: dict | None = None,
) -> None:
    """Account events are filed under the account's home node, so its admins can read them."""
    audit.record(
        action,
        node=node_ref(session, id=user.home_node_id),
        object_type="user",
        object_id=user.id,
        summary=summary,
        details=details,
        user=actor,
    )


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password or "") < PASSWORD_MIN:
        raise _invalid(field, _("A password needs at least %(n)s characters.", n=PASSWORD_MIN))


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    password: str,
    home_node_id: int,
    mobile: str | None = None,
    locale: str | None = None,
    must_change_password: bool = False,
) -> User:
    username = (username or "").strip()
    if not USERNAME.fullmatch(username):
        raise _invalid(
            "username", _("3–64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
        )
    if session.scalar(sa.select(User.id).where(sa.func.lower(User.username) == username.lower())):
        message = _("The username %(name)s is taken.", name=username)
        raise Conflict(message, {"username": [message]})
    check_password_strength(password)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        mobile=mobile or None,
        locale=locale or None,
        home_node_id=home_node_id,
        must_change_password=must_change_password,
        session_version=0,
        active=True,
    )
    user.set_password(password)
    session.add(user)
    session.flush()
    _audit_account(session, "user.create", user, _l("Created account %(name)s", name=username))
    return user


def _check_deactivation(session: Session, user: User, actor: User | None) -> None:
    """Nobody switches their own account off, and a district keeps at least one active
    district admin: either would lock the people who could undo it out."""
    if actor is not None and actor.id == user.id:
        raise _invalid("active", _("You cannot deactivate your own account."))
    district_admin = sa.select(Role.id).where(Role.key == "district_admin")
    held = set(
        session.scalars(
            sa.select(Assignment.node_id).where(
                Assignment.user_id == user.id, Assignment.role_id.in_(district_admin)
            )
        )
    )
    covered = set(
        session.scalars(
            sa.select(Assignment.node_id)
            .join(User, User.id == Assignment.user_id)
            .where(
                Assignment.node_id.in_(held),
                Assignment.role_id.in_(district_admin),
                Assignment.user_id != user.id,
                User.active.is_(True),
            )
        )
    )
    if held - covered:
        raise _invalid(
            "active", _("This is the last active district admin of the district: keep it active.")
        )


def update_user(
    session: Session, user: User, *, actor: User | None = None, **fields: object
) -> User:
    """Change an account; switching it off ends its sessions. ``actor``: who changes it."""
    allowed = {"display_name", "mobile", "active", "locale"}
    data = {k: v for k, v in fields.items() if k in allowed}
    if "mobile" in data and not data["mobile"]:
        data["mobile"] = None
    if user.active and data.get("active") is False:
        _check_deactivation(session, user, actor)
    changed = audit.changes(user, data)
    for key, (_old, new) in changed.items():
        setattr(user, key, new)
    if "active" in changed and not user.active:
        user.session_version += 1  # end the account's sessions
    if changed:
        summary = _l("Changed account %(name)s", name=user.username)
        _audit_account(session, "user.update", user, summary, details=dict(changed))
    return user


def reset_password(session: Session, user: User, password: str) -> None:
    """An admin sets a new password; the user must change it at next sign-in."""
    check_password_strength(password)
    user.set_password(password)
    user.must_change_password = True
    _audit_account(
        session,
        "user.password_reset",
        user,
        _l("Reset the password of %(name)s", name=user.username),
    )


def change_own_password(session: Session, user: User, current: str, new: str) -> None:
    if not user.check_password(current):
        raise _invalid("current_password", _("The current password is not correct."))
    check_password_strength(new, "new_password")
    if current == new:
        raise _invalid("new_password", _("Choose a password different from the current one."))
    user.set_password(new)
    user.must_change_password = False
    _audit_account(
        session,
        "user.password_change",
        user,
        _l("%(name)s changed their password", name=user.username),
        actor=user,
    )


def sync_builtin_roles(session: Session, declared: PermissionRegistry | None = None) -> None:
    """Create the built-in roles and keep their permissions as core declares them plus the
    default grants of the installed plugins (``declared``, the app's registry by default).

    A core role's grant that ``declared`` does not govern (a plugin not loaded here: off,
    broken, uninstalled) stays: ``jiedao db upgrade`` on a host that leaves a plugin out must not
    take its permissions from users of the servers that run it."""
    if declared is None and has_app_context():
        declared = registry()
    governs = (declared if declared is not None else PermissionRegistry.with_core()).governs
    existing = {r.key: r for r in session.scalars(sa.select(Role).where(Role.builtin.is_(True)))}
    specs = declared.builtin_roles() if declared is not None else BUILTIN_ROLES
    for spec in specs:
        role = existing.get(spec.key)
        if role is None:
            role = Role(key=spec.key, name=spec.key, builtin=True)
            session.add(role)
        wanted = set(spec.patterns)
        if declared is not None and "*" not in wanted:
            wanted |= declared.default_grants.get(spec.key, set())
        have = {g.permission: g for g in role.grants}
        for pattern in wanted - have.keys():
            role.grants.append(RolePermission(permission=pattern))
        for pattern in have.keys() - wanted:
            if spec.key not in BUILTIN_ROLE_KEYS or governs(pattern):
                role.grants.remove(have[pattern])
    session.flush()


def role_label(role: Role) -> str:
    """A built-in role's translated label (core's or a plugin's), else the role's name."""
    spec = _declared_role(role)
    return str(spec.label) if spec else role.name


def _role_title(role: Role) -> object:
    """The role's label as a lazy string (a built-in's, read in each reader's language later),
    or a custom role's name: for audit summaries."""
    spec = _declared_role(role)
    return spec.label if spec else role.name


def _declared_role(role: Role):
    """The declaration of a built-in role (core's or a plugin's), if it is one."""
    if not role.builtin:
        return None
    spec = builtin_role(role.key)
    if spec is None and has_app_context():
        spec = registry().role(role.key)
    return spec


def role_kinds(role: Role) -> tuple[str, ...]:
    """The node kinds ``role`` may be granted at, as declared (built-in) or chosen by its
    author (custom); empty: any kind."""
    spec = _declared_role(role)
    if spec is not None:
        return spec.kinds
    return tuple(kind for kind in (role.node_kinds or "").split(",") if kind)


def kinds_label(kinds: Iterable[str]) -> str:
    """``District / Street`` — the kinds in the reader's language, or "any place"."""
    kinds = list(kinds)
    if not kinds:
        return _("any place")
    return " / ".join(str(KIND_LABELS.get(kind, kind)) for kind in kinds)


def check_role_kind(role: Role, node: NodeRef) -> None:
    """A role is granted only at the kinds of node it means (a district admin at a district):
    otherwise a field error on ``node`` naming the kinds allowed."""
    kinds = role_kinds(role)
    if kinds and node.kind not in kinds:
        raise _invalid(
            "node",
            _(
                "The role %(role)s can only be given at a %(kinds)s; %(place)s is a %(kind)s.",
                role=role_label(role),
                kinds=kinds_label(kinds),
                place=node.name,
                kind=kinds_label([node.kind]),
            ),
        )


def _node_kinds(kinds: Iterable[str]) -> str:
    """The kinds a custom role's author chose, checked and in the tree's order."""
    chosen = set(kinds)
    unknown = sorted(chosen - set(KINDS))
    if unknown:
        raise _invalid("node_kinds", _("Unknown place kinds: %(names)s", names=", ".join(unknown)))
    return ",".join(kind for kind in KINDS if kind in chosen)


def create_role(
    session: Session,
    scope: Scope,
    declared: PermissionRegistry,
    *,
    key: str,
    name: str,
    permissions: Iterable[str],
    node: NodeRef,
    node_kinds: Iterable[str] = (),
) -> Role:
    """A custom role; its author must hold every permission in it (at ``node``, their place).
    ``node_kinds``: where it may be granted (none chosen: at any kind of place)."""
    key = (key or "").strip()
    if not ROLE_KEY.fullmatch(key):
        raise _invalid("key", _("3–64 lower-case letters, digits or '_', starting with a letter."))
    if session.scalar(sa.select(Role.id).where(Role.key == key)) or declared.role(key):
        message = _("A role with key %(key)s exists.", key=key)
        raise Conflict(message, {"key": [message]})
    permissions = sorted(set(permissions))
    unknown = [p for p in permissions if p not in declared]
    if not permissions or unknown:
        message = (
            _("Choose one or more known permissions.")
            if not unknown
            else _("Unknown permissions: %(names)s", names=", ".join(unknown))
        )
        raise _invalid("permissions", message)
    if not set(permissions) <= scope.permissions_at(node, declared):
        raise _invalid("permissions", _("A role can only carry permissions you hold yourself."))
    kinds = _node_kinds(node_kinds)
    role = Role(
        key=key,
        name=name.strip() or key,
        builtin=False,
        node_kinds=kinds,
        grants=[RolePermission(permission=p) for p in permissions],
    )
    session.add(role)
    session.flush()
    audit.record(
        "role.create",
        node=node,
        object_type="role",
        object_id=role.key,
        summary=_l("Created role %(name)s", name=role.name),
        details={"permissions": permissions, "node_kinds": kinds},
    )
    return role


def _assignment_at(session: Session, user: User, role: Role, node: NodeRef) -> Assignment | None:
    """``user``'s assignment of ``role`` at ``node``, if any: a role is held once per place."""
    return session.scalar(
        sa.select(Assignment).where(
            Assignment.user_id == user.id,
            Assignment.role_id == role.id,
            Assignment.node_id == node.id,
        )
    )


def _add_assignment(
    session: Session,
    user: User,
    role: Role,
    node: NodeRef,
    summary: object,
    *,
    actor_id: int | None = None,
) -> Assignment:
    """Store a new assignment and audit it under its node, where that node's admins read it;
    both the checked grant and the bootstrap grant end here."""
    assignment = Assignment(
        user_id=user.id, role_id=role.id, node_id=node.id, created_by_id=actor_id
    )
    session.add(assignment)
    session.flush()
    audit.record(
        "assignment.create",
        node=node,
        object_type="user",
        object_id=user.id,
        summary=summary,
    )
    return assignment


def assign(
    session: Session,
    scope: Scope,
    declared: PermissionRegistry,
    *,
    user: User,
    role: Role,
    node: NodeRef,
    actor_id: int | None,
) -> Assignment:
    """Give ``role`` to ``user`` at ``node`` — only at the kinds of place the role is for, within
    the actor's scope and their own rights."""
    check_role_kind(role, node)
    if not may_grant(scope, role.patterns, node, declared):
        raise DomainError(
            _(
                "You can only grant roles at or below your own places, and never more than you hold."
            ),
            {"role": [_("Not yours to grant here.")]},
        )
    if _assignment_at(session, user, role, node) is not None:
        message = _("%(user)s already has this role here.", user=user.username)
        raise Conflict(message, {"role": [message]})
    summary = _l(
        "Gave %(user)s the role %(role)s at %(place)s",
        user=user.username,
        role=_role_title(role),
        place=node.name,
    )
    return _add_assignment(session, user, role, node, summary, actor_id=actor_id)


def assign_builtin(session: Session, user: User, role_key: str, node: NodeRef) -> Assignment:
    """Bootstrap grant (CLI, demo): no actor to check against."""
    sync_builtin_roles(session)
    role = session.scalar(sa.select(Role).where(Role.key == role_key))
    existing = _assignment_at(session, user, role, node)
    if existing:
        return existing
    summary = _l(
        "Gave %(user)s the role %(role)s at %(place)s",
        user=user.username,
        role=_role_title(role),
        place=node.name,
    )
    return _add_assignment(session, user, role, node, summary)


def demo_account(
    session: Session,
    options: dict[str, Any],
    username: str,
    display_name: str,
    role_key: str,
    ref: str,
) -> User | None:
    """A demo account (``jiedao demo``) holding ``role_key`` at the place ``ref``, with the demo
    password, listed in ``options["accounts"]`` for the command to print; made once, reset to
    the demo password on later runs. None when the demo tree has no such place. Plugins call it
    from ``jiedao_demo_seed`` for the roles they declare."""
    node = node_ref(session, ref=ref)
    if node is None:
        return None
    user = session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        user = create_user(
            session,
            username=username,
            display_name=display_name,
            password=options["password"],
            home_node_id=node.id,
        )
    else:
        if not user.check_password(options["password"]):
            user.set_password(options["password"])
        user.active = True
        user.must_change_password = False
    assign_builtin(session, user, role_key, node)
    options.setdefault("accounts", []).append((username, role_key, f"{node.name} ({node.ref})"))
    return user


def revoke(
    session: Session, scope: Scope, declared: PermissionRegistry, assignment: Assignment
) -> None:
    node = node_ref(session, id=assignment.node_id)
    if node is None or not may_grant(scope, assignment.role.patterns, node, declared):
        raise DomainError(_("You can only remove roles that you could have granted."))
    session.delete(assignment)
    audit.record(
        "assignment.delete",
        node=node,
        object_type="user",
        object_id=assignment.user_id,
        summary=_l(
            "Removed the role %(role)s of %(user)s at %(place)s",
            role=_role_title(assignment.role),
            user=assignment.user.username,
            place=node.name,
        ),
    )


def can_manage_user(session: Session, scope: Scope, user: User) -> bool:
    """Manage an account only if it belongs to your subtree and holds nothing outside it, so a
    street admin cannot reset the password of someone who also administers the district."""
    home = node_ref(session, id=user.home_node_id)
    if home is None or not scope.allows("users.manage", home):
        return False
    places = node_refs(session, {a.node_id for a in user.assignments})
    return all(scope.allows("users.manage", place) for place in places.values())


def issue_token(session: Session, user: User, name: str) -> str:
    """Create a personal API token; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 64:
        raise _invalid("name", _("Give the token a name (at most 64 characters)."))
    token = new_token()
    session.add(ApiToken(user_id=user.id, name=name, digest=token_digest(token)))
    _audit_account(
        session, "token.create", user, _l("Created API token %(name)s", name=name), actor=user
    )
    return token


def revoke_token(session: Session, user: User, token: ApiToken) -> None:
    token.revoked_at = utcnow()
    _audit_account(
        session, "token.revoke", user, _l("Revoked API token %(name)s", name=token.name), actor=user
    )


def attach_nodes(session: Session, users: Iterable[User]) -> None:
    """Give users and their assignments a ``home_node``/``node`` (a NodeRef) in one query,
    so lists show place names without one query per row."""
    users = list(users)
    ids = {u.home_node_id for u in users} | {a.node_id for u in users for a in u.assignments}
    refs = node_refs(session, ids)
    for user in users:
        user.home_node = refs.get(user.home_node_id)
        for assignment in user.assignments:
            assignment.node = refs.get(assignment.node_id)


def with_assignments(stmt: sa.Select) -> sa.Select:
    """``stmt``, a select of users, loading their assignments and those roles with them, so a
    page or list showing people's roles runs the same few queries however many there are."""
    return stmt.options(selectinload(User.assignments).selectinload(Assignment.role))


def user_in_scope_or_404(user_id: int) -> User:
    """An account the current user may manage (by home node), with its roles loaded; one
    outside their scope does not exist for them (404)."""
    stmt = with_assignments(sa.select(User).where(User.id == user_id))
    return get_in_scope_or_404(stmt, User, "users.manage")


def roles_with_grants(session: Session) -> list[Role]:
    """Every role with its permission patterns loaded, oldest first: the role lists of the pages
    and the API and the choice of roles to grant all read them so."""
    return list(
        session.scalars(sa.select(Role).options(selectinload(Role.grants)).order_by(Role.id))
    )


def managed_node(session: Session, scope: Scope, ref: str, field: str) -> NodeRef:
    """A node where the user manages users, or a field error that does not reveal whether a node
    outside their scope exists."""
    node = node_ref(session, ref=(ref or "").strip())
    if node is None or not scope.allows("users.manage", node):
        message = _("No place with code %(code)s in your part of the tree.", code=ref)
        raise DomainError(message, {field: [message]})
    return node


def grant(
    session: Session,
    scope: Scope,
    declared: PermissionRegistry,
    *,
    user: User,
    role_key: str,
    node_ref_text: str,
    actor_id: int | None,
) -> Assignment:
    """Resolve a role key and a node code typed by an admin, then :func:`assign`."""
    role = session.scalar(sa.select(Role).where(Role.key == (role_key or "")))
    if role is None:
        message = _("Choose a role.") if not role_key else _("Unknown role %(key)s.", key=role_key)
        raise DomainError(message, {"role": [message]})
    node = managed_node(session, scope, node_ref_text, "node")
    assignment = assign(
        session, scope, declared, user=user, role=role, node=node, actor_id=actor_id
    )
    assignment.node = node
    return assignment
