"""Onboarding a street or community: a wizard whose draft lives in the database until confirmed.

Steps: the place (its 区划代码 and name; the parent is inferred from the code's prefix) →
grids (optional) → buildings, each directly in the community or in one of its grids (typed or from
a sheet) → first accounts → modules (a preset or toggles) → review. The
draft is saved at every step, so an admin can leave and come back (or a colleague with the same
rights can finish it). Nothing reaches the tree until the review is confirmed, and then all of it
is written in one transaction. The one-time passwords of the new accounts are kept sealed (encrypted
with the secret key) on the confirmed draft for :data:`PASSWORDS_SHOWN_FOR`, for the admin who
confirmed it to read or print, reload included; then, or when that admin hides them, they are gone.

The district's onboarding page (:func:`community_status`) shows what each community still lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column

from core.accounts.bulk import one_time_password
from core.accounts.services import USERNAME, assign, create_user
from core.db import Base, TimestampMixin, utcnow
from core.errors import DomainError
from core.exchange import (
    MAX_ROWS,
    Column,
    ImportReport,
    Table,
    UnreadableFile,
    read_table,
    run_import,
)
from core.models import Assignment, Role, User
from core.permissions import PermissionRegistry, Scope, may_grant, scoped
from core.records.sensitivity import seal, unseal
from core.tree import NODE_TABLE, subtree_clause
from core.validation import Schema, mobile_number, required_text
from tenants import modules, presets, services
from tenants.codes import code_error, parent_code_of
from tenants.models import KIND_LABELS, Node, NodeKind, NodeStatus
from tenants.modules import ModuleState


class DraftStatus:
    DRAFT = "draft"
    DONE = "done"
    DISCARDED = "discarded"


STEP_LABELS = {
    "place": _l("Place"),
    "grids": _l("Grids"),
    "buildings": _l("Buildings"),
    "accounts": _l("Accounts"),
    "modules": _l("Modules"),
    "review": _l("Review"),
}
STEPS = {
    NodeKind.STREET: ("place", "accounts", "review"),
    NodeKind.COMMUNITY: ("place", "grids", "buildings", "accounts", "modules", "review"),
}
# The roles a wizard hands out at a new place of each kind.
FIRST_ROLES = {
    NodeKind.STREET: ("street_admin", "inspector"),
    NodeKind.COMMUNITY: ("community_admin", "program_worker"),
}


class OnboardingDraft(TimestampMixin, Base):
    """A street or community being onboarded. ``data`` holds the later steps:
    ``grids`` [{code, name}], ``buildings`` [{code, name, grid}] (``grid``: a grid's code or
    None), ``accounts`` [{username, display_name, mobile, role}], ``modules`` {module: settings}
    and ``preset_id``; once confirmed, ``passwords`` (sealed) and who may read them until when."""

    __tablename__ = "tenants_onboarding"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(16), default=DraftStatus.DRAFT, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
    node_id: Mapped[int | None] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"))
    completed_at: Mapped[datetime | None]

    @property
    def steps(self) -> tuple[str, ...]:
        return STEPS[NodeKind(self.kind)]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[NodeKind(self.kind)])

    @property
    def grids(self) -> list[dict[str, str]]:
        return list((self.data or {}).get("grids", []))

    @property
    def buildings(self) -> list[dict[str, str]]:
        return list((self.data or {}).get("buildings", []))

    @property
    def accounts(self) -> list[dict[str, str]]:
        return list((self.data or {}).get("accounts", []))

    @property
    def modules(self) -> dict[str, dict[str, Any]]:
        return dict((self.data or {}).get("modules", {}))

    @property
    def preset_id(self) -> int | None:
        return (self.data or {}).get("preset_id")

    def _set(self, key: str, value: Any) -> None:
        # A new dict, so SQLAlchemy sees the JSON column change.
        self.data = {**(self.data or {}), key: value}


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(message, {field_name: [message]})


# --- reading ---------------------------------------------------------------------------------


def drafts_query(status: str = DraftStatus.DRAFT) -> sa.Select:
    """Drafts (newest first) whose parent lies in the user's ``tenants.manage`` scope."""
    stmt = (
        sa.select(OnboardingDraft)
        .join(Node, Node.id == OnboardingDraft.parent_id)
        .where(OnboardingDraft.status == status)
        .order_by(OnboardingDraft.updated_at.desc(), OnboardingDraft.id.desc())
    )
    return scoped(stmt, Node, "tenants.manage")


def parent_of(session: Session, draft: OnboardingDraft) -> Node:
    return session.get(Node, draft.parent_id)


# --- step 1: the place -----------------------------------------------------------------------


@dataclass
class Place:
    kind: NodeKind
    code: str
    name: str
    parent: Node


def infer_place(
    session: Session, scope: Scope, code: str, name: str, *, draft_id: int | None = None
) -> Place:
    """Read a new place from its code: 9 digits is a street, 12 a community; the parent is the
    code's prefix and must be in the user's ``tenants.manage`` scope."""
    code = (code or "").strip()
    found = parent_code_of(code)
    if found is None:
        raise _invalid(
            "code", _("Enter the 9-digit code of a street or the 12-digit code of a community.")
        )
    parent_kind, parent_code = found
    kind = NodeKind.STREET if parent_kind == NodeKind.DISTRICT else NodeKind.COMMUNITY
    error = code_error(kind, code, parent_kind, parent_code)
    if error:
        raise _invalid("code", error)
    parent = services.find_by_ref(session, parent_code)
    if parent is None or not scope.allows("tenants.manage", parent.path):
        raise _invalid(
            "code",
            _(
                "There is no %(kind)s with code %(code)s in your part of the tree.",
                kind=KIND_LABELS[parent_kind],
                code=parent_code,
            ),
        )
    if parent.status == NodeStatus.ARCHIVED:
        raise _invalid("code", _("%(name)s is archived.", name=parent.name))
    existing = services.find_by_ref(session, code)
    if existing is not None:
        raise _invalid(
            "code", _("Code %(code)s is already used by %(name)s.", code=code, name=existing.name)
        )
    other = session.scalar(
        sa.select(OnboardingDraft).where(
            OnboardingDraft.code == code,
            OnboardingDraft.status == DraftStatus.DRAFT,
            OnboardingDraft.id != (draft_id or 0),
        )
    )
    if other is not None:
        raise _invalid(
            "code", _("%(code)s is already being onboarded (draft %(id)s).", code=code, id=other.id)
        )
    return Place(kind, code, services._validate_name(name), parent)


def start(session: Session, scope: Scope, user: User, code: str, name: str) -> OnboardingDraft:
    place = infer_place(session, scope, code, name)
    draft = OnboardingDraft(
        parent_id=place.parent.id,
        kind=place.kind.value,
        code=place.code,
        name=place.name,
        data={},
        status=DraftStatus.DRAFT,
        created_by_id=user.id,
    )
    session.add(draft)
    session.flush()
    return draft


def update_place(
    session: Session, scope: Scope, draft: OnboardingDraft, code: str, name: str
) -> Place:
    """Correct the code or name; a different kind of place would need other steps, so the kind
    stays (start a new draft instead)."""
    place = infer_place(session, scope, code, name, draft_id=draft.id)
    if place.kind.value != draft.kind:
        raise _invalid(
            "code",
            _(
                "This draft is for a %(kind)s; start a new one for another kind.",
                kind=draft.kind_label,
            ),
        )
    draft.code, draft.name, draft.parent_id = place.code, place.name, place.parent.id
    return place


# --- step 2: buildings -----------------------------------------------------------------------


def _local_code(value: str) -> None:
    error = code_error(NodeKind.BUILDING, value, NodeKind.COMMUNITY, None)
    if error:
        raise ma.ValidationError(error)


class GridSchema(Schema):
    code = ma.fields.String(
        required=True, validate=_local_code, metadata={"label": _l("Grid code")}
    )
    name = required_text(services.NAME_MAX, metadata={"label": _l("Name")})


class BuildingSchema(Schema):
    code = ma.fields.String(
        required=True, validate=_local_code, metadata={"label": _l("Building code")}
    )
    name = required_text(services.NAME_MAX, metadata={"label": _l("Name")})
    grid = ma.fields.String(
        load_default=None, allow_none=True, validate=_local_code, metadata={"label": _l("Grid")}
    )


@dataclass(frozen=True)
class SheetSpec:
    """A sheet the wizard reads, as :func:`core.exchange.run_import` runs it: columns, the
    schema of a row and what takes each checked row."""

    columns: tuple[Column, ...]
    schema: type[ma.Schema]
    write_row: Callable[[Any, Any, dict[str, Any]], Any] | None = None


GRID_SHEET = SheetSpec(
    columns=(Column("code", _l("Grid code")), Column("name", _l("Name"))), schema=GridSchema
)
BUILDING_SHEET = SheetSpec(
    columns=(
        Column("code", _l("Building code")),
        Column("name", _l("Name")),
        Column("grid", _l("Grid code"), former=("所属网格",)),
    ),
    schema=BuildingSchema,
)
# Codes as the demo district's: grid 1 (ref …-g1), building 01 (ref …-b01).
GRID_EXAMPLE = {"code": "1", "name": "第一网格"}
BUILDING_EXAMPLE = {"code": "01", "name": "1号楼", "grid": "1"}
SHEETS = {"grids": (GRID_SHEET, GRID_EXAMPLE), "buildings": (BUILDING_SHEET, BUILDING_EXAMPLE)}


def _duplicate(code: str, taken: set[str]) -> str | None:
    if code.lower() in taken:
        return _("Code %(code)s is already used in this community.", code=code)
    return None


def _grid_error(draft: OnboardingDraft, data: dict[str, Any]) -> str | None:
    """Why a building's grid is not one of the draft's grids, or None."""
    grid = data.get("grid") or None
    codes = {g["code"].lower(): g["code"] for g in draft.grids}
    data["grid"] = codes.get(grid.lower(), grid) if grid else None
    if grid is not None and grid.lower() not in codes:
        return _("There is no grid %(code)s in this draft: add it in the grids step.", code=grid)
    return None


def _loaded(schema: ma.Schema, values: dict[str, Any]) -> dict[str, Any]:
    try:
        return schema.load(values)
    except ma.ValidationError as exc:
        from core.errors import validation_fields

        raise DomainError(_("Some fields are not valid."), validation_fields(exc)) from None


def add_grid(draft: OnboardingDraft, code: str, name: str) -> None:
    data = _loaded(GridSchema(), {"code": code or "", "name": name or ""})
    error = _duplicate(data["code"], {g["code"].lower() for g in draft.grids})
    if error:
        raise _invalid("code", error)
    draft._set("grids", [*draft.grids, data])


def remove_grid(draft: OnboardingDraft, code: str) -> None:
    """Refused while buildings of the draft are in the grid (they would lose their place)."""
    inside = [b["name"] for b in draft.buildings if (b.get("grid") or "").lower() == code.lower()]
    if inside:
        raise _invalid(
            "code",
            _(
                "Buildings are in this grid: %(names)s. Remove them or put them elsewhere first.",
                names="、".join(inside),
            ),
        )
    draft._set("grids", [g for g in draft.grids if g["code"] != code])


def add_building(draft: OnboardingDraft, code: str, name: str, grid: str | None = None) -> None:
    data = _loaded(BuildingSchema(), {"code": code or "", "name": name or "", "grid": grid or None})
    error = _duplicate(data["code"], {b["code"].lower() for b in draft.buildings})
    if error:
        raise _invalid("code", error)
    error = _grid_error(draft, data)
    if error:
        raise _invalid("grid", error)
    draft._set("buildings", [*draft.buildings, data])


def remove_building(draft: OnboardingDraft, code: str) -> None:
    draft._set("buildings", [b for b in draft.buildings if b["code"] != code])


def places_from_sheet(draft: OnboardingDraft, key: str, table: Table) -> ImportReport:
    """Every row of a grids or buildings sheet checked (columns, code rules, duplicates in the
    sheet and in the draft, a building's grid among the draft's); the rows are added only if no
    row has a problem."""
    spec, _example = SHEETS[key]
    existing = draft.grids if key == "grids" else draft.buildings
    taken = {p["code"].lower() for p in existing}
    added: list[dict[str, Any]] = []

    def add(_session: Any, _community: Any, data: dict[str, Any]) -> None:
        error = _duplicate(data["code"], taken)
        if error:
            raise _invalid("code", error)
        if key == "buildings":
            error = _grid_error(draft, data)
            if error:
                raise _invalid("grid", error)
        taken.add(data["code"].lower())
        added.append(data)

    report = run_import(None, replace(spec, write_row=add), table, None, dry_run=False)
    if report.ok:
        draft._set(key, [*existing, *added])
    return report


def buildings_from_sheet(draft: OnboardingDraft, table: Table) -> ImportReport:
    """:func:`places_from_sheet` for buildings."""
    return places_from_sheet(draft, "buildings", table)


def read_sheet(filename: str, content: bytes) -> Table:
    """The uploaded sheet, or a refusal that names the accepted formats."""
    if not content:
        raise _invalid("file", _("Choose a file to upload."))
    try:
        return read_table(filename or "", content, limit=MAX_ROWS)
    except UnreadableFile:
        raise _invalid(
            "file",
            _("This file cannot be read: upload .xlsx, or .csv in UTF-8 or GBK."),
        ) from None


# --- step 3: accounts ------------------------------------------------------------------------


class AccountSchema(Schema):
    username = required_text(64)
    display_name = required_text(100)
    mobile = ma.fields.String(load_default=None, allow_none=True, validate=mobile_number)
    role = required_text(64)


def role_choices(session: Session, draft: OnboardingDraft) -> list[tuple[str, str]]:
    from core.accounts.services import role_label

    keys = FIRST_ROLES[NodeKind(draft.kind)]
    roles = session.scalars(sa.select(Role).where(Role.key.in_(keys))).all()
    by_key = {r.key: r for r in roles}
    return [(key, role_label(by_key[key])) for key in keys if key in by_key]


def add_account(
    session: Session,
    scope: Scope,
    declared: PermissionRegistry,
    draft: OnboardingDraft,
    values: dict[str, Any],
) -> None:
    try:
        data = AccountSchema().load({k: v for k, v in values.items() if v not in (None, "")})
    except ma.ValidationError as exc:
        from core.errors import validation_fields

        raise DomainError(_("Some fields are not valid."), validation_fields(exc)) from None
    username = data["username"]
    if not USERNAME.fullmatch(username):
        raise _invalid(
            "username", _("3–64 letters, digits, '.', '_' or '-', starting with a letter or digit.")
        )
    taken = session.scalar(
        sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    )
    if taken or username.lower() in {a["username"].lower() for a in draft.accounts}:
        raise _invalid("username", _("The username %(name)s is taken.", name=username))
    role = session.scalar(sa.select(Role).where(Role.key == data["role"]))
    if role is None or role.key not in FIRST_ROLES[NodeKind(draft.kind)]:
        raise _invalid("role", _("Choose a role."))
    parent = parent_of(session, draft)
    if not may_grant(scope, role.patterns, parent.as_ref(), declared):
        raise _invalid("role", _("Not yours to grant here."))
    draft._set("accounts", [*draft.accounts, data])


def remove_account(draft: OnboardingDraft, username: str) -> None:
    draft._set("accounts", [a for a in draft.accounts if a["username"] != username])


# --- step 4: modules -------------------------------------------------------------------------


def may_choose_modules(scope: Scope, parent: Node) -> bool:
    return scope.allows("modules.manage", parent.path)


def set_modules(
    session: Session,
    scope: Scope,
    draft: OnboardingDraft,
    *,
    preset_id: int | None,
    chosen: list[str],
) -> None:
    """Keep a preset's modules with its settings, plus any toggled on by hand (with defaults)."""
    parent = parent_of(session, draft)
    if not may_choose_modules(scope, parent):
        raise DomainError(_("Modules are chosen by an admin who may switch them on here."))
    selected: dict[str, dict[str, Any] | None] = {}
    if preset_id is not None:
        preset = session.get(presets.ModulePreset, preset_id)
        if (
            preset is None
            or preset.deleted_at is not None
            or preset.district_id != parent.district_id
        ):
            raise _invalid("preset", _("Choose one of the district's presets."))
        selected.update(preset.modules)
    for name in chosen:
        selected.setdefault(name, None)
    draft._set("modules", presets.clean_modules(selected))
    draft._set("preset_id", preset_id or None)


# --- step 5: review and confirm --------------------------------------------------------------


def missing(draft: OnboardingDraft) -> list[str]:
    """What the new place will still lack (shown at review; it does not block)."""
    gaps: list[str] = []
    admin_role = FIRST_ROLES[NodeKind(draft.kind)][0]
    if draft.kind == NodeKind.COMMUNITY and not draft.buildings:
        gaps.append(_("No buildings yet."))
    if not any(a["role"] == admin_role for a in draft.accounts):
        gaps.append(_("No admin account yet."))
    if draft.kind == NodeKind.COMMUNITY and not draft.modules:
        gaps.append(_("No modules switched on yet."))
    return gaps


@dataclass
class Confirmed:
    node: Node
    passwords: list[tuple[str, str, str]] = field(default_factory=list)  # username, name, pw
    modules: list[str] = field(default_factory=list)


def confirm(
    session: Session,
    scope: Scope,
    declared: PermissionRegistry,
    draft: OnboardingDraft,
    actor: User,
) -> Confirmed:
    """Create the place, its buildings, accounts and modules — all or nothing (the caller
    commits, or rolls back on a refusal)."""
    if draft.status != DraftStatus.DRAFT:
        raise DomainError(_("This draft was already confirmed or discarded."))
    place = infer_place(session, scope, draft.code, draft.name, draft_id=draft.id)
    node = services.create_node(
        session, parent=place.parent, kind=place.kind.value, code=place.code, name=place.name
    )
    grids: dict[str, Node] = {}
    for grid in draft.grids:
        try:
            grids[grid["code"].lower()] = services.create_node(
                session, parent=node, kind="grid", code=grid["code"], name=grid["name"]
            )
        except DomainError as exc:
            raise type(exc)(
                _("Grid %(code)s: %(message)s", code=grid["code"], message=exc.message)
            ) from None
    for building in draft.buildings:
        grid_code = (building.get("grid") or "").lower()
        try:
            services.create_node(
                session,
                parent=grids.get(grid_code, node),
                kind="building",
                code=building["code"],
                name=building["name"],
            )
        except DomainError as exc:
            raise type(exc)(
                _("Building %(code)s: %(message)s", code=building["code"], message=exc.message)
            ) from None
    result = Confirmed(node)
    roles = {r.key: r for r in session.scalars(sa.select(Role))}
    for account in draft.accounts:
        password = one_time_password()
        try:
            user = create_user(
                session,
                username=account["username"],
                display_name=account["display_name"],
                password=password,
                home_node_id=node.id,
                mobile=account.get("mobile"),
                must_change_password=True,
            )
            assign(
                session,
                scope,
                declared,
                user=user,
                role=roles[account["role"]],
                node=node.as_ref(),
                actor_id=actor.id,
            )
        except DomainError as exc:
            raise type(exc)(
                _("Account %(name)s: %(message)s", name=account["username"], message=exc.message)
            ) from None
        result.passwords.append((user.username, user.display_name, password))
    if draft.modules:
        if not may_choose_modules(scope, place.parent):
            raise DomainError(_("Modules are chosen by an admin who may switch them on here."))
        applied = presets.apply_modules(session, node, draft.modules)
        result.modules = [module for _ref, module in applied.switched_on]
    draft.status, draft.node_id, draft.completed_at = DraftStatus.DONE, node.id, utcnow()
    _keep_passwords(draft, result.passwords, actor)
    services.record_node_event(
        "onboarding.confirm",
        node,
        _("Onboarded %(kind)s %(name)s", kind=node.kind_label, name=node.name),
        {
            "grids": len(draft.grids),
            "buildings": len(draft.buildings),
            "accounts": [a["username"] for a in draft.accounts],
            "modules": result.modules,
            "preset_id": draft.preset_id,
        },
    )
    return result


PASSWORDS_SHOWN_FOR = timedelta(minutes=30)


def _keep_passwords(
    draft: OnboardingDraft, passwords: list[tuple[str, str, str]], actor: User
) -> None:
    if passwords:
        until = utcnow() + PASSWORDS_SHOWN_FOR
        kept = {"sealed": seal(passwords), "user_id": actor.id, "until": until.isoformat()}
        draft._set("passwords", kept)


def kept_passwords(draft: OnboardingDraft, user: User) -> list[tuple[str, str, str]]:
    """The one-time passwords of a confirmed draft as (username, name, password): only for the
    admin who confirmed it and only for :data:`PASSWORDS_SHOWN_FOR`; else none."""
    kept = (draft.data or {}).get("passwords")
    if not kept or kept.get("user_id") != user.id:
        return []
    if utcnow() > datetime.fromisoformat(kept["until"]):
        return []
    opened = unseal(kept["sealed"])
    return [tuple(p) for p in opened] if isinstance(opened, list) else []


def passwords_until(draft: OnboardingDraft) -> datetime | None:
    kept = (draft.data or {}).get("passwords")
    return datetime.fromisoformat(kept["until"]) if kept else None


def forget_passwords(draft: OnboardingDraft) -> None:
    """The confirming admin has handed the passwords out: nobody can read them again."""
    draft._set("passwords", None)


def passwords_expired(draft: OnboardingDraft) -> bool:
    """Does the draft still hold passwords whose time is over (to be forgotten)?"""
    until = passwords_until(draft)
    return until is not None and utcnow() > until


def discard(draft: OnboardingDraft) -> None:
    """Drafts are kept (status discarded), never deleted."""
    if draft.status == DraftStatus.DRAFT:
        draft.status = DraftStatus.DISCARDED


# --- the district's view ---------------------------------------------------------------------


@dataclass
class CommunityStatus:
    community: Node
    street: Node | None
    buildings: int
    accounts: int
    has_admin: bool
    modules: list[str]

    @property
    def gaps(self) -> list[str]:
        gaps = []
        if not self.has_admin:
            gaps.append(_("No community admin"))
        if not self.buildings:
            gaps.append(_("No buildings"))
        if not self.modules:
            gaps.append(_("No modules"))
        return gaps

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.community.ref,
            "name": self.community.name,
            "street": self.street.ref if self.street else None,
            "buildings": self.buildings,
            "accounts": self.accounts,
            "has_admin": self.has_admin,
            "modules": self.modules,
            "complete": not self.gaps,
        }


def _has_building(community_id: Any) -> sa.Exists:
    child = aliased(Node)
    return sa.exists().where(
        child.community_id == community_id,
        child.kind == NodeKind.BUILDING,
        child.status == NodeStatus.ACTIVE,
    )


def _has_admin(community_id: Any) -> sa.Exists:
    placed = aliased(Node)
    return (
        sa.exists()
        .where(Assignment.node_id == placed.id, placed.community_id == community_id)
        .where(Assignment.role_id == Role.id, Role.key == "community_admin")
        .where(Assignment.user_id == User.id, User.active.is_(True))
    )


def _has_module(community_id: Any) -> sa.Exists:
    return sa.exists().where(
        ModuleState.community_id == community_id, ModuleState.enabled.is_(True)
    )


def communities_query(node: Node, *, incomplete_only: bool = False) -> sa.Select:
    """Active communities under ``node``, by code; optionally only those still lacking
    a community admin, a building or a module."""
    stmt = modules.communities_query(node)
    if incomplete_only:
        stmt = stmt.where(
            sa.or_(
                ~_has_building(Node.id),
                ~_has_admin(Node.id),
                ~_has_module(Node.id),
            )
        )
    return stmt


def community_status(session: Session, communities: list[Node]) -> list[CommunityStatus]:
    """Buildings, accounts, admin and modules of a page of communities: four grouped queries."""
    ids = [c.id for c in communities]
    if not ids:
        return []
    buildings = dict(
        session.execute(
            sa.select(Node.community_id, sa.func.count())
            .where(
                Node.community_id.in_(ids),
                Node.kind == NodeKind.BUILDING,
                Node.status == NodeStatus.ACTIVE,
            )
            .group_by(Node.community_id)
        ).all()
    )
    placed = (
        sa.select(Node.community_id, Assignment.user_id, Role.key)
        .join(Assignment, Assignment.node_id == Node.id)
        .join(Role, Role.id == Assignment.role_id)
        .join(User, User.id == Assignment.user_id)
        .where(Node.community_id.in_(ids), User.active.is_(True))
    )
    accounts: dict[int, set[int]] = {}
    admins: set[int] = set()
    for community_id, user_id, role_key in session.execute(placed):
        accounts.setdefault(community_id, set()).add(user_id)
        if role_key == "community_admin":
            admins.add(community_id)
    running: dict[int, list[str]] = {}
    for community_id, module in session.execute(
        sa.select(ModuleState.community_id, ModuleState.module)
        .where(ModuleState.community_id.in_(ids), ModuleState.enabled.is_(True))
        .order_by(ModuleState.module)
    ):
        running.setdefault(community_id, []).append(module)
    streets = {
        s.id: s
        for s in session.scalars(
            sa.select(Node).where(Node.id.in_({c.street_id for c in communities}))
        )
    }
    return [
        CommunityStatus(
            community=c,
            street=streets.get(c.street_id),
            buildings=buildings.get(c.id, 0),
            accounts=len(accounts.get(c.id, ())),
            has_admin=c.id in admins,
            modules=running.get(c.id, []),
        )
        for c in communities
    ]


def drafts_under(session: Session, node: Node) -> list[OnboardingDraft]:
    """Open drafts whose new place would lie under ``node``."""
    stmt = (
        sa.select(OnboardingDraft)
        .join(Node, Node.id == OnboardingDraft.parent_id)
        .where(OnboardingDraft.status == DraftStatus.DRAFT, subtree_clause(Node.path, node.path))
        .order_by(OnboardingDraft.code)
    )
    return list(session.scalars(stmt))
