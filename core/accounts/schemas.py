"""Schemas of accounts, roles and assignments (API bodies and HTML forms alike)."""

from __future__ import annotations

import marshmallow as ma

from core.api import answer_schema
from core.config import SUPPORTED_LOCALES
from core.validation import Schema, mobile_number, record_id, required_text


class LoginSchema(Schema):
    username = required_text(64)
    password = required_text(256)
    remember = ma.fields.Boolean(load_default=False)


class PasswordChangeSchema(Schema):
    current_password = required_text(256)
    new_password = required_text(256)
    confirm_password = required_text(256)

    @ma.validates_schema
    def _same(self, data, **_kwargs):
        from flask_babel import gettext as _

        if data.get("new_password") != data.get("confirm_password"):
            raise ma.ValidationError({"confirm_password": [_("The two new passwords differ.")]})


class AssignmentSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    role = ma.fields.Function(lambda a: a.role.key, dump_only=True)
    role_label = ma.fields.Function(lambda a: _role_label(a.role), dump_only=True)
    node = ma.fields.Function(lambda a: a.node.ref if a.node else None, dump_only=True)
    node_name = ma.fields.Function(lambda a: a.node.name if a.node else None, dump_only=True)


def _role_label(role) -> str:
    from core.accounts.services import role_label

    return role_label(role)


def _role_kinds(role) -> tuple[str, ...]:
    from core.accounts.services import role_kinds

    return role_kinds(role)


class UserSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    username = ma.fields.String(dump_only=True)
    display_name = ma.fields.String(dump_only=True)
    mobile = ma.fields.String(dump_only=True, allow_none=True)
    active = ma.fields.Boolean(dump_only=True)
    locale = ma.fields.String(dump_only=True, allow_none=True)
    home_node = ma.fields.Function(
        lambda u: u.home_node.ref if u.home_node else None, dump_only=True
    )
    must_change_password = ma.fields.Boolean(dump_only=True)
    last_login_at = ma.fields.DateTime(dump_only=True, allow_none=True)
    assignments = ma.fields.List(ma.fields.Nested(AssignmentSchema), dump_only=True)


# The signed-in user (``/me``): the places where each permission they hold applies.
UserWithPermissionsSchema = answer_schema(
    UserSchema,
    "WithPermissions",
    {"permissions": ma.fields.Dict(ma.fields.String(), ma.fields.List(ma.fields.String()))},
)


class UserCreateSchema(Schema):
    username = required_text(64)
    display_name = required_text(64)
    password = required_text(256)
    home_node = required_text(
        64, metadata={"description": "ref (code) of the node the account belongs to"}
    )
    mobile = ma.fields.String(load_default=None, allow_none=True, validate=mobile_number)
    locale = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.OneOf(SUPPORTED_LOCALES)
    )


class UserUpdateSchema(Schema):
    display_name = ma.fields.String(validate=ma.validate.Length(min=1, max=64))
    mobile = ma.fields.String(allow_none=True, validate=mobile_number)
    active = ma.fields.Boolean()
    locale = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(SUPPORTED_LOCALES))
    password = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(min=1, max=256),
        metadata={"description": "new password; must be changed at next sign-in"},
    )


class AssignmentCreateSchema(Schema):
    role = required_text(64, metadata={"description": "role key, e.g. street_admin"})
    node = required_text(64, metadata={"description": "ref (code) of the node"})


class RoleSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    key = ma.fields.String(dump_only=True)
    name = ma.fields.Function(_role_label, dump_only=True)
    builtin = ma.fields.Boolean(dump_only=True)
    permissions = ma.fields.Function(lambda r: r.patterns, dump_only=True)
    node_kinds = ma.fields.Function(
        lambda r: list(_role_kinds(r)),
        dump_only=True,
        metadata={"description": "node kinds the role may be granted at; empty: any"},
    )


class RoleCreateSchema(Schema):
    key = required_text(64)
    name = required_text(64)
    permissions = ma.fields.List(
        ma.fields.String(), required=True, validate=ma.validate.Length(min=1)
    )
    node_kinds = ma.fields.List(ma.fields.String(), load_default=list)


class TokenCreateSchema(Schema):
    name = required_text(64)


class AuditEntrySchema(Schema):
    id = ma.fields.Integer()
    at = ma.fields.DateTime()
    username = ma.fields.String()
    action = ma.fields.String()
    action_label = ma.fields.String(metadata={"description": "the action in your language"})
    object_type = ma.fields.String()
    object_id = ma.fields.String()
    summary = ma.fields.String(
        metadata={"description": "in your language (older entries: as written)"}
    )
    place = ma.fields.String(allow_none=True, metadata={"description": "ref of the node"})
    place_name = ma.fields.String(allow_none=True)
    details = ma.fields.Dict(allow_none=True)
    url = ma.fields.String(
        allow_none=True, metadata={"description": "the record's page, while you may open it"}
    )


class UserBulkSchema(Schema):
    action = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(("disable", "reset_password")),
        metadata={"description": "disable, or reset_password (one-time passwords, shown once)"},
    )
    ids = ma.fields.List(record_id(), required=True, metadata={"description": "user ids"})


class SignInSchema(Schema):
    at = ma.fields.DateTime()
    ok = ma.fields.Function(lambda e: e.action == "user.login")
    disabled = ma.fields.Function(lambda e: bool((e.details or {}).get("disabled")))
    address = ma.fields.String(attribute="ip", allow_none=True)
