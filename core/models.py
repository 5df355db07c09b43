"""Core tables: accounts, roles, role assignments at tree nodes, API tokens and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.db import Base, PathString, TimestampMixin, utcnow
from core.tree import NODE_TABLE, NodeRef, subtree_clause

NODE_FK = f"{NODE_TABLE}.id"

# One row (id 1) whose value changes with every write that cached request state depends on
# (see ``core.access_cache``).
STAMP_TABLE = "core_access_stamp"
stamp_table = sa.Table(
    STAMP_TABLE,
    Base.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("value", sa.BigInteger, nullable=False),
)


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "core_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64))
    mobile: Mapped[str | None] = mapped_column(sa.String(11))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    # The node the account belongs to: it decides which admins may manage the account.
    home_node_id: Mapped[int] = mapped_column(sa.ForeignKey(NODE_FK), index=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on password change so other sessions of the account stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]

    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Assignment.user_id"
    )

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive accounts
        return self.active

    # The sign-in this object was loaded for (``core.auth``), set at sign-in or by the loader.
    sign_in_ref: str = ""

    def get_id(self) -> str:
        """``<id>:<session_version>:<sign-in id>.<secret>``: what the session and the remember
        cookie carry (changing the password or signing out ends every sign-in)."""
        return f"{self.id}:{self.session_version}:{self.sign_in_ref}"

    def set_password(self, password: str) -> None:
        method = (
            current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
            if has_app_context()
            else "scrypt"
        )
        self.password_hash = generate_password_hash(password, method=method)
        self.session_version = (self.session_version or 0) + 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Role(TimestampMixin, Base):
    """A named bundle of permission patterns (``tenants.view``, ``safety.*``, ``*``)."""

    __tablename__ = "core_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    description: Mapped[str] = mapped_column(sa.String(255), default="")
    builtin: Mapped[bool] = mapped_column(default=False)
    # The node kinds a custom role may be granted at, comma-separated; empty: any kind. A
    # built-in role's kinds are its declaration's (``core.permissions.BuiltinRole.kinds``).
    node_kinds: Mapped[str] = mapped_column(sa.String(64), default="")

    grants: Mapped[list[RolePermission]] = relationship(
        back_populates="role", cascade="all, delete-orphan", order_by="RolePermission.permission"
    )

    @property
    def patterns(self) -> list[str]:
        return [grant.permission for grant in self.grants]


class RolePermission(Base):
    __tablename__ = "core_role_permission"
    __table_args__ = (sa.UniqueConstraint("role_id", "permission"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("core_role.id", ondelete="CASCADE"))
    permission: Mapped[str] = mapped_column(sa.String(128))

    role: Mapped[Role] = relationship(back_populates="grants")


class Assignment(Base):
    """User U holds role R at node N, and therefore in N's whole subtree."""

    __tablename__ = "core_assignment"
    __table_args__ = (sa.UniqueConstraint("user_id", "role_id", "node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_user.id", ondelete="CASCADE"))
    role_id: Mapped[int] = mapped_column(sa.ForeignKey("core_role.id"), index=True)
    node_id: Mapped[int] = mapped_column(sa.ForeignKey(NODE_FK), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))

    user: Mapped[User] = relationship(back_populates="assignments", foreign_keys=[user_id])
    role: Mapped[Role] = relationship()


class SignIn(Base):
    """One sign-in of a user on one device: its session and remember cookies carry this row's id
    and a secret whose SHA-256 digest is kept here, so every sign-in gets cookies of its own and a
    copied cookie stops working when the sign-in ends (sign-out) or grows old (the remember
    duration), whatever the browser was told."""

    __tablename__ = "core_sign_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    address: Mapped[str] = mapped_column(sa.String(64), default="")


class ApiToken(Base):
    """A personal API token; only its SHA-256 digest is stored."""

    __tablename__ = "core_api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(64))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class AuditLog(Base):
    """One attributed write: who did what to which object, where in the tree, and when."""

    __tablename__ = "core_audit_log"
    __table_args__ = (
        sa.Index("ix_core_audit_log_node_path_at", "node_path", "at"),
        sa.Index("ix_core_audit_log_action_at", "action", "at"),
        # An account's sign-ins, a record's entries.
        sa.Index("ix_core_audit_log_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(64), default="")
    node_id: Mapped[int | None] = mapped_column(sa.ForeignKey(NODE_FK))
    # Path at the time of the event, so scope filtering is one range predicate.
    node_path: Mapped[str | None] = mapped_column(PathString())
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(64), default="")
    object_id: Mapped[str] = mapped_column(sa.String(64), default="")
    # The summary as written (in the writer's language), and, for entries written since
    # summaries are translated, its message id and parameters, so each reader sees it in theirs.
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    message: Mapped[str | None] = mapped_column(sa.String(500))
    params: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(45))

    @classmethod
    def __scope_clause__(cls, nodes: list[NodeRef]) -> sa.ColumnElement[bool]:
        return sa.or_(*(subtree_clause(cls.node_path, node.path) for node in nodes))


class Job(Base):
    """A large export or import run in the background (:mod:`core.jobs`): who asked for it and
    where, how far it got, and what came of it. Only the user who asked sees it."""

    __tablename__ = "core_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), index=True
    )
    node_id: Mapped[int | None] = mapped_column(sa.ForeignKey(NODE_FK))
    # queued → running → done or failed
    status: Mapped[str] = mapped_column(sa.String(16), default="queued")
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int | None]
    # What to run (the job kind's arguments), and what came of it: the file of an export, the
    # report of an import.
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # A failure in the user's language, never a traceback.
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


def _users_scope_clause(nodes: list[NodeRef]) -> sa.ColumnElement[bool]:
    from core.tree import node_table

    homes = sa.select(node_table.c.id).where(
        sa.or_(*(subtree_clause(node_table.c.path, node.path) for node in nodes))
    )
    return User.home_node_id.in_(homes)


# Users are scoped by their home node: an admin sees the accounts that belong to their subtree.
User.__scope_clause__ = classmethod(lambda cls, nodes: _users_scope_clause(nodes))  # type: ignore[attr-defined]

# core_serial (the counters of ledger numbers) lives with its logic; imported here so that the
# migrations and the tests' table list see it with the rest of core's tables.
from core.numbering import Serial  # noqa: E402,F401
