"""``/api/v1``: me, users in scope, their role assignments, roles, audit log, personal tokens."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, request
from flask_login import current_user, login_required

from core import audit_log, reminders
from core.accounts import bulk, services
from core.accounts.schemas import (
    AssignmentCreateSchema,
    AssignmentSchema,
    AuditEntrySchema,
    RoleSchema,
    SignInSchema,
    TokenCreateSchema,
    UserBulkSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
    UserWithPermissionsSchema,
)
from core.api import Operations, json_body, paginate
from core.db import db
from core.models import User
from core.permissions import current_scope, registry, reset_scope, scoped

api = Blueprint("accounts_api", __name__, url_prefix="/api/v1")
ops = Operations(api, tags=["accounts"])
audit_ops = Operations(api, tags=["audit"])
USER_PARAM = [{"in": "path", "name": "user_id", "required": True, "schema": {"type": "integer"}}]


def _dump_user(user: User) -> dict:
    services.attach_nodes(db.session, [user])
    return UserSchema().dump(user)


@ops.get(
    "/me",
    None,
    "The signed-in user, with roles and places",
    response_schema=UserWithPermissionsSchema,
)
@login_required
def me():
    user = db.session.scalar(
        services.with_assignments(sa.select(User).where(User.id == current_user.id))
    )
    body = _dump_user(user)
    body["permissions"] = {
        name: [node.ref for node in current_scope().nodes(name)]
        for name in (p.name for p in registry())
        if current_scope().holds_anywhere(name)
    }
    return jsonify(body)


@ops.get(
    "/notifications",
    None,
    "The signed-in user's unread notifications, newest first (reminders, escalations)",
)
@login_required
def notifications():
    items = [
        {
            "id": n.id,
            "kind": n.kind,
            "title": n.title,
            "url": n.url,
            "created_at": n.created_at.isoformat(),
        }
        for n in reminders.unread(db.session, current_user.id, limit=200)
    ]
    return jsonify({"items": items})


@ops.post("/notifications/read", None, "Mark every unread notification of the signed-in user read")
@login_required
def notifications_read():
    marked = reminders.mark_read(db.session, current_user.id)
    db.session.commit()
    return jsonify({"read": marked})


@ops.post(
    "/me/tokens",
    None,
    "Create a personal API token (shown once)",
    request_schema=TokenCreateSchema,
    status=201,
)
@login_required
def create_token():
    data = json_body(TokenCreateSchema())
    token = services.issue_token(db.session, current_user, data["name"])
    db.session.commit()
    return jsonify({"name": data["name"], "token": token}), 201


@ops.get(
    "/users",
    "users.manage",
    "Users whose account belongs to your part of the tree",
    response_schema=UserSchema,
    paginated=True,
)
def list_users():
    stmt = services.with_assignments(sa.select(User).order_by(User.username))
    page = paginate(scoped(stmt, User, "users.manage"))
    services.attach_nodes(db.session, page.items)
    return jsonify(page.to_json(UserSchema()))


@ops.post(
    "/users",
    "users.manage",
    "Create a user (must change the password at first sign-in)",
    request_schema=UserCreateSchema,
    response_schema=UserSchema,
    status=201,
)
def create_user():
    data = json_body(UserCreateSchema())
    home = services.managed_node(db.session, current_scope(), data.pop("home_node"), "home_node")
    user = services.create_user(db.session, home_node_id=home.id, must_change_password=True, **data)
    db.session.commit()
    return jsonify(_dump_user(user)), 201


@ops.get(
    "/users/<int:user_id>",
    "users.manage",
    "Read a user",
    response_schema=UserSchema,
    parameters=USER_PARAM,
)
def read_user(user_id: int):
    return jsonify(_dump_user(services.user_in_scope_or_404(user_id)))


@ops.patch(
    "/users/<int:user_id>",
    "users.manage",
    "Change a user (name, mobile, active, language, password)",
    request_schema=UserUpdateSchema,
    response_schema=UserSchema,
    parameters=USER_PARAM,
)
def update_user(user_id: int):
    user = services.user_in_scope_or_404(user_id)
    if not services.can_manage_user(db.session, current_scope(), user):
        abort(403)
    data = json_body(UserUpdateSchema())
    password = data.pop("password", None)
    services.update_user(db.session, user, actor=current_user, **data)
    if password:
        services.reset_password(db.session, user, password)
    db.session.commit()
    return jsonify(_dump_user(user))


@ops.post(
    "/users/bulk",
    "users.manage",
    "Disable accounts or give them one-time passwords (returned once), all or nothing",
    request_schema=UserBulkSchema,
)
def bulk_users():
    data = json_body(UserBulkSchema())
    users = bulk.users_in_scope(db.session, bulk.chosen_ids(data["ids"]))
    if data["action"] == "disable":
        changed = bulk.disable(db.session, current_scope(), users, current_user)
        db.session.commit()
        return jsonify({"disabled": changed})
    issued = bulk.reset_passwords(db.session, current_scope(), users)
    db.session.commit()
    items = [{"id": u.id, "username": u.username, "password": p} for u, p in issued]
    response = jsonify({"items": items})
    response.headers["Cache-Control"] = "no-store"
    return response


@ops.get(
    "/users/<int:user_id>/sign-ins",
    "users.manage",
    "The account's latest sign-ins and refused sign-ins, newest first",
    response_schema=SignInSchema,
    listed=True,
    parameters=USER_PARAM,
)
def user_sign_ins(user_id: int):
    user = services.user_in_scope_or_404(user_id)
    return jsonify({"items": SignInSchema().dump(bulk.sign_ins(db.session, user), many=True)})


@ops.post(
    "/users/<int:user_id>/assignments",
    "users.manage",
    "Give a user a role at a node",
    request_schema=AssignmentCreateSchema,
    response_schema=AssignmentSchema,
    status=201,
    parameters=USER_PARAM,
)
def create_assignment(user_id: int):
    user = services.user_in_scope_or_404(user_id)
    data = json_body(AssignmentCreateSchema())
    assignment = services.grant(
        db.session,
        current_scope(),
        registry(),
        user=user,
        role_key=data["role"],
        node_ref_text=data["node"],
        actor_id=current_user.id,
    )
    db.session.commit()
    if user.id == current_user.id:
        reset_scope()
    return jsonify(AssignmentSchema().dump(assignment)), 201


@ops.delete(
    "/users/<int:user_id>/assignments/<int:assignment_id>",
    "users.manage",
    "Remove a role assignment",
    status=204,
    parameters=[
        *USER_PARAM,
        {"in": "path", "name": "assignment_id", "required": True, "schema": {"type": "integer"}},
    ],
)
def delete_assignment(user_id: int, assignment_id: int):
    user = services.user_in_scope_or_404(user_id)
    assignment = next((a for a in user.assignments if a.id == assignment_id), None)
    if assignment is None:
        abort(404)
    services.revoke(db.session, current_scope(), registry(), assignment)
    db.session.commit()
    return "", 204


@ops.get(
    "/roles",
    None,
    "Roles and the permission patterns they carry",
    response_schema=RoleSchema,
    listed=True,
)
@login_required
def list_roles():
    roles = services.roles_with_grants(db.session)
    return jsonify({"items": RoleSchema().dump(roles, many=True)})


AUDIT_PARAMS = [
    {"in": "query", "name": name, "schema": schema, "description": text}
    for name, schema, text in (
        ("action", {"type": "string"}, "one action, e.g. user.login_failed"),
        ("user", {"type": "string"}, "the actor's username"),
        ("from", {"type": "string", "format": "date"}, "first day (platform time zone)"),
        ("to", {"type": "string", "format": "date"}, "last day"),
        ("place", {"type": "string"}, "ref (code) of a node in your scope: its subtree"),
    )
]


@audit_ops.get(
    "/audit",
    "audit.view",
    "Audit log entries in your scope, newest first: labels and summaries in your language, "
    "the link to the record while you may open it",
    response_schema=AuditEntrySchema,
    paginated=True,
    parameters=AUDIT_PARAMS,
)
def list_audit():
    filters = audit_log.parse_filters(db.session, current_scope(), request.args)
    page = paginate(audit_log.entries(filters))
    links = audit_log.links(db.session, current_scope(), page.items)
    places = audit_log.places(db.session, page.items)
    schema = AuditEntrySchema()
    return jsonify(
        page.to_json(
            lambda entry: schema.dump(
                audit_log.describe(entry, places.get(entry.node_id), links.get(entry.id))
            )
        )
    )


@audit_ops.get(
    "/audit/actions",
    "audit.view",
    "Every audit action with its label in your language (the filter's choices)",
    listed=True,
)
def list_audit_actions():
    return jsonify(
        {"items": [{"action": a, "label": label} for a, label in audit_log.action_choices()]}
    )
