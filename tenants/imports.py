"""Spreadsheet import and export of the tree (streets, communities, grids, buildings) and of users.

An import reads the whole sheet, checks every row against the database and the rest of the file,
and writes only if no row has a problem — all in the caller's transaction, so a failure writes
nothing. Re-importing the same file changes nothing and says so (created / updated / unchanged).

The file format is fixed (Chinese headers, whatever the interface language) so that a file
exported by one admin imports for another; the English column keys are accepted as headers too.

Entry points (the onboarding wizard, the web pages, the API and the CLI all call these):

    import_tree(session, filename, content, *, scope, dry_run, under=None) -> TreeImportResult
    import_users(session, filename, content, *, scope, dry_run) -> UserImportResult
    export_tree(session, root) -> bytes;  export_users(session, scope) -> bytes
    tree_template_xlsx() -> bytes;  users_template_xlsx() -> bytes

Reading, header mapping, row numbers, the problem list and the all-or-nothing SAVEPOINT are the
exchange engine's (:mod:`core.exchange`), shared with plugin ledger imports; what is particular
here are the checks, which work on whole sets of rows (one lookup per 1,000 codes) so that a
street's 10,000 buildings check in seconds. A dry run runs every check and writes nothing (the
writes that follow the checks refuse nothing the checks let through).

``scope`` is the importer's :class:`core.permissions.Scope` (``None``: the operator at the command
line, who may do everything). Nodes are created and changed where the scope holds
``tenants.manage``; accounts and roles where it holds ``users.manage`` and the role may be
granted (:func:`core.permissions.may_grant`).
"""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session, aliased, selectinload

from core import audit
from core.accounts import services as accounts
from core.accounts.bulk import one_time_password
from core.db import utcnow
from core.errors import DomainError
from core.exchange import (
    Column,
    HeaderMap,
    Problems,
    Table,
    all_or_nothing,
    collector_paused,
    map_headers,
    read_upload,
    sheet_rows,
    template_xlsx,
    write_xlsx,
)
from core.exchange.importing import ProblemReport
from core.exchange.keys import reserve_ids
from core.models import Assignment, AuditLog, Role, User
from core.permissions import PermissionRegistry, Scope, may_grant, registry
from core.tree import NodeRef, subtree_clause
from core.validation import mobile_number
from tenants import services
from tenants.codes import DIVISION_LENGTHS, code_error, make_ref, parent_code_of
from tenants.models import Node, NodeKind, NodeStatus

BATCH = 1000  # rows per INSERT/UPDATE statement and per IN (...) lookup
MAX_ROWS = 50_000  # rows of one upload (core.exchange.read_upload refuses more)
DISPLAY_NAME_MAX = 64

# The file format: (key, header). Headers are part of the format, not of the interface.
TREE_COLUMNS: tuple[Column, ...] = (
    Column("kind", "类型"),
    Column("code", "代码"),
    Column("name", "名称"),
    Column("parent", "上级代码"),
    Column("grid", "所属网格"),
)
TREE_REQUIRED = ("kind", "code", "name")
USER_COLUMNS: tuple[Column, ...] = (
    Column("username", "用户名"),
    Column("display_name", "姓名"),
    Column("mobile", "手机号"),
    Column("role", "角色"),
    Column("node", "节点代码"),
    Column("node_name", "节点名称"),  # written for people; ignored on import
)
USER_REQUIRED = ("username", "node")

KIND_ORDER = (
    NodeKind.DISTRICT,
    NodeKind.STREET,
    NodeKind.COMMUNITY,
    NodeKind.GRID,
    NodeKind.BUILDING,
)
KIND_WORDS: dict[NodeKind, str] = {
    NodeKind.DISTRICT: "区县",
    NodeKind.STREET: "街道",
    NodeKind.COMMUNITY: "社区",
    NodeKind.GRID: "网格",
    NodeKind.BUILDING: "楼栋",
}
_KIND_ALIASES: dict[str, NodeKind] = {
    **{word: kind for kind, word in KIND_WORDS.items()},
    **{kind.value: kind for kind in NodeKind},
    "区": NodeKind.DISTRICT,
    "楼": NodeKind.BUILDING,
    "楼宇": NodeKind.BUILDING,
}

TREE_EXAMPLE = (
    {"kind": "社区", "code": "110105001003", "name": "示例社区", "parent": "110105001"},
    {"kind": "网格", "code": "1", "name": "第一网格", "parent": "110105001003"},
    {"kind": "楼栋", "code": "01", "name": "1号楼", "parent": "110105001003", "grid": "1"},
)
USER_EXAMPLE = (
    {
        "username": "zhangwei",
        "display_name": "张伟",
        "mobile": "13800138000",
        "role": "community_admin",
        "node": "110105001001",
        "node_name": "永安里东社区",
    },
)


# --- results -------------------------------------------------------------------------------


@dataclass
class ImportResult(ProblemReport):
    """What an import found and did. ``errors``: dicts of row (as the spreadsheet numbers it),
    column (header), value and reason; any error means nothing was written."""

    filename: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: Problems = field(default_factory=Problems)

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.updated)

    def error(self, row: int, column: str, value: Any, reason: str) -> None:
        self.problems.add(row, column, value, reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }


@dataclass
class TreeImportResult(ImportResult):
    pass


@dataclass
class NewAccount:
    username: str
    display_name: str
    password: str  # shown once, never stored in clear


@dataclass
class UserImportResult(ImportResult):
    assignments_added: int = 0
    new_accounts: list[NewAccount] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        body = super().as_dict()
        body["assignments_added"] = self.assignments_added
        body["new_accounts"] = [asdict(a) for a in self.new_accounts]
        return body


# progress(rows_just_checked, total_rows): for progress bars on large files.
Progress = Callable[[int, int], None]


# --- reading -------------------------------------------------------------------------------


def _read(result: ImportResult, filename: str, content: bytes) -> Table | None:
    try:
        table = read_upload(filename, content, max_rows=MAX_ROWS)
    except DomainError as exc:  # the file as a whole: a problem of "row 0"
        result.error(0, "", filename, exc.message)
        return None
    result.rows = len(table.rows)
    return table


def _columns(
    result: ImportResult, table: Table, columns: Sequence[Column], required: Sequence[str]
) -> HeaderMap | None:
    """Which column each header names; None (problems of row 1 noted) when a column is unknown,
    doubled or missing — a wrong header means a wrong file, so rows are not checked then."""
    headers, problems = map_headers(table.headers, columns, required)
    if problems:
        result.problems.extend(problems)
        return None
    return headers


def _open_sheet(
    result: ImportResult,
    filename: str,
    content: bytes,
    columns: Sequence[Column],
    required: Sequence[str],
) -> tuple[Table, HeaderMap, dict[str, str]] | None:
    """The upload read, its headers mapped and each column's header as the file has it (for the
    problems' ``column``); None, with the problems noted, when the file or its header row is
    wrong — then no row is checked."""
    table = _read(result, filename, content)
    if table is None:
        return None
    headers = _columns(result, table, columns, required)
    if headers is None:
        return None
    return table, headers, {c.key: headers.header(c.key) for c in columns}


def _records(table: Table, headers: HeaderMap) -> Iterator[tuple[int, dict[str, str]]]:
    """(spreadsheet row number, cells by column key as text) of each data row."""
    for row in sheet_rows(table, headers):
        yield row.number, row.values


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def operator_scope(session: Session) -> Scope:
    """The command-line operator's scope: everything, at every district."""
    roots = session.execute(
        sa.select(Node.id, Node.kind, Node.ref, Node.name, Node.path).where(
            Node.parent_id.is_(None)
        )
    )
    return Scope(None, [("*", NodeRef(*row)) for row in roots])


def _actor(actor: Any) -> Any:
    if actor is not None:
        return actor
    return current_user if has_request_context() else None


def _common_node(session: Session, paths: Iterable[str]) -> NodeRef | None:
    """The deepest node whose subtree holds every path (where an import's summary is filed)."""
    found = [p for p in paths if p]
    if not found:
        return None
    # The longest common prefix of materialized paths (/1/152/3312/), cut after its last "/".
    prefix = min(found)
    last = max(found)
    while not last.startswith(prefix):
        prefix = prefix[:-1]
    common = prefix[: prefix.rfind("/") + 1].strip("/")
    if not common:
        return None
    from core.tree import node_ref

    return node_ref(session, id=int(common.rsplit("/", 1)[-1]))


# --- tree import ---------------------------------------------------------------------------


@dataclass
class _TreeRow:
    number: int
    kind: NodeKind
    code: str
    name: str
    parent_ref: str | None
    ref: str
    raw: dict[str, str]


@dataclass
class _Place:
    """A node as the import sees it: existing (with an id) or to be created from a row."""

    kind: NodeKind
    code: str
    ref: str
    name: str = ""
    id: int | None = None
    parent_ref: str | None = None
    status: str = NodeStatus.ACTIVE.value
    path: str = ""
    depth: int = 0
    district_id: int | None = None
    street_id: int | None = None
    community_id: int | None = None


def _community_of(parent_ref: str | None) -> str | None:
    """The community code in a community's or grid's ref (``110105001001-gg1`` → ``…001``)."""
    if not parent_ref:
        return None
    head = parent_ref.split("-", 1)[0]
    return head if head.isdigit() and len(head) == DIVISION_LENGTHS[NodeKind.COMMUNITY] else None


def _parse_tree_row(
    result: TreeImportResult,
    number: int,
    raw: dict[str, str],
    labels: dict[str, str],
    under: Node | None,
) -> _TreeRow | None:
    errors_before = len(result.problems)
    kind_text = raw.get("kind", "")
    kind = _KIND_ALIASES.get(kind_text) or _KIND_ALIASES.get(kind_text.lower())
    if not kind_text:
        result.error(number, labels["kind"], None, _("This field is required."))
    elif kind is None:
        result.error(
            number,
            labels["kind"],
            kind_text,
            _("Unknown kind: use %(kinds)s.", kinds="、".join(KIND_WORDS.values())),
        )
    code = raw.get("code", "")
    if not code:
        result.error(number, labels["code"], None, _("This field is required."))
    name = raw.get("name", "")
    message = services.name_error(name)
    if message:
        result.error(number, labels["name"], name, message)
    if kind is None or not code:
        return None
    parent_text = raw.get("parent", "")
    grid = raw.get("grid", "")
    if grid and kind != NodeKind.BUILDING:
        result.error(number, labels["grid"], grid, _("Only buildings belong to a grid."))
    parent_ref: str | None
    if kind == NodeKind.DISTRICT:
        parent_ref = None
        if parent_text:
            result.error(number, labels["parent"], parent_text, _("A district has no parent."))
    elif parent_text:
        parent_ref = parent_text
    elif kind in (NodeKind.STREET, NodeKind.COMMUNITY):
        implied = parent_code_of(code)
        parent_ref = implied[1] if implied else (under.ref if under is not None else None)
    elif under is not None:
        parent_ref = under.ref
    else:
        parent_ref = None
        result.error(
            number,
            labels["parent"],
            None,
            _("Give the code of the community this %(kind)s belongs to.", kind=KIND_WORDS[kind]),
        )
    if grid and kind == NodeKind.BUILDING and parent_ref:
        community = _community_of(parent_ref)
        if community is None or parent_ref != community:
            result.error(
                number,
                labels["parent"],
                parent_text or parent_ref,
                _("With a grid, the parent is the community's 12-digit code."),
            )
        else:
            parent_ref = f"{community}-g{grid}"
    if parent_ref is None and kind != NodeKind.DISTRICT:
        if len(result.problems) == errors_before:
            message = code_error(kind, code, None, None) or _("This field is required.")
            column = labels["code"] if code_error(kind, code, None, None) else labels["parent"]
            result.error(number, column, code if column == labels["code"] else None, message)
        return None
    community = _community_of(parent_ref) or "?"
    ref = code if kind in DIVISION_LENGTHS else make_ref(kind, code, community)
    return _TreeRow(number, kind, code, name, parent_ref, ref, raw)


def _load_places(session: Session, refs: set[str]) -> dict[str, _Place]:
    parent = aliased(Node)
    places: dict[str, _Place] = {}
    ordered = sorted(refs)
    for chunk in _chunks(ordered):
        stmt = (
            sa.select(
                Node.id,
                Node.kind,
                Node.code,
                Node.ref,
                Node.name,
                Node.status,
                Node.path,
                Node.depth,
                Node.district_id,
                Node.street_id,
                Node.community_id,
                parent.ref,
            )
            .outerjoin(parent, parent.id == Node.parent_id)
            .where(Node.ref.in_(chunk))
        )
        for row in session.execute(stmt):
            places[row[3]] = _Place(
                kind=NodeKind(row[1]),
                code=row[2],
                ref=row[3],
                name=row[4],
                id=row[0],
                status=row[5],
                path=row[6],
                depth=row[7],
                district_id=row[8],
                street_id=row[9],
                community_id=row[10],
                parent_ref=row[11],
            )
    return places


def _sibling_names(
    session: Session, parent_ids: set[int]
) -> dict[tuple[int, str, str], tuple[str, str]]:
    """(parent id, kind, name) → (ref, code) of the existing children of these parents."""
    names: dict[tuple[int, str, str], tuple[str, str]] = {}
    for chunk in _chunks(sorted(parent_ids)):
        stmt = sa.select(Node.parent_id, Node.kind, Node.name, Node.ref, Node.code).where(
            Node.parent_id.in_(chunk)
        )
        for parent_id, kind, name, ref, code in session.execute(stmt):
            names.setdefault((parent_id, kind, name), (ref, code))
    return names


@collector_paused()
def import_tree(
    session: Session,
    filename: str,
    content: bytes,
    *,
    scope: Scope | None,
    dry_run: bool,
    under: Node | None = None,
    actor: Any = None,
    progress: Progress | None = None,
) -> TreeImportResult:
    """Check every row of a tree sheet and, if all are good and not ``dry_run``, create and
    rename nodes. ``under``: the parent of grid and building rows whose parent cell is empty
    (the onboarding wizard imports a community's buildings). Raises nothing for bad input: the
    problems are in ``result.errors`` and nothing was written."""
    result = TreeImportResult(filename=filename, dry_run=dry_run)
    sheet = _open_sheet(result, filename, content, TREE_COLUMNS, TREE_REQUIRED)
    if sheet is None:
        return result
    table, headers, labels = sheet
    scope = scope if scope is not None else operator_scope(session)

    rows: list[_TreeRow] = []
    for index, (number, raw) in enumerate(_records(table, headers)):
        row = _parse_tree_row(result, number, raw, labels, under)
        if row is not None:
            rows.append(row)
        if progress and index % 500 == 499:
            progress(500, len(table.rows))

    # Duplicates inside the file: the same place twice.
    first_row: dict[str, int] = {}
    unique: list[_TreeRow] = []
    for row in rows:
        if row.ref in first_row:
            result.error(
                row.number,
                labels["code"],
                row.code,
                _("Duplicate: row %(row)s already has this place.", row=first_row[row.ref]),
            )
            continue
        first_row[row.ref] = row.number
        unique.append(row)
    rows = unique

    wanted = {r.ref for r in rows} | {r.parent_ref for r in rows if r.parent_ref}
    existing = _load_places(session, wanted)
    in_file = {r.ref: r for r in rows}

    def place_of(ref: str | None) -> tuple[NodeKind, str, str | None] | None:
        """(kind, code, path) of a parent in the database or in the file."""
        if ref is None:
            return None
        if ref in existing:
            p = existing[ref]
            return p.kind, p.code, p.path
        if ref in in_file:
            r = in_file[ref]
            return r.kind, r.code, None
        return None

    creates: list[_TreeRow] = []
    updates: list[tuple[_TreeRow, _Place]] = []
    parent_ids = {p.id for p in existing.values() if p.id is not None}
    siblings = _sibling_names(session, parent_ids)
    new_names: dict[tuple[str | None, str, str], int] = {}
    for row in rows:
        current = existing.get(row.ref)
        if current is not None:
            _check_existing(
                result, row, current, scope, labels, siblings, existing, new_names, updates
            )
            continue
        parent = place_of(row.parent_ref)
        parent_kind, parent_code, parent_path = parent if parent else (None, None, None)
        if row.parent_ref is not None and (
            parent is None
            or (parent_path is not None and not scope.allows("tenants.manage", parent_path))
        ):
            # The same words whether or not a place outside the importer's scope exists.
            result.error(
                row.number,
                labels["parent"],
                row.parent_ref,
                _(
                    "No place with code %(code)s in your part of the tree or in this file.",
                    code=row.parent_ref,
                ),
            )
            continue
        message = services.placement_error(row.kind, parent_kind)
        if message:
            result.error(row.number, labels["kind"], row.raw.get("kind"), message)
            continue
        # Grids and buildings have local codes; only division codes nest in their parent's.
        check_parent_code = parent_code if row.kind in DIVISION_LENGTHS else None
        message = code_error(row.kind, row.code, parent_kind, check_parent_code)
        if message:
            result.error(row.number, labels["code"], row.code, message)
            continue
        if row.kind == NodeKind.DISTRICT:
            result.error(
                row.number,
                labels["kind"],
                row.raw.get("kind"),
                _("Districts are created with the command jiedao create-admin."),
            )
            continue
        parent_place = existing.get(row.parent_ref or "")
        if parent_place is not None and parent_place.status == NodeStatus.ARCHIVED:
            result.error(
                row.number,
                labels["parent"],
                row.parent_ref,
                _("Nothing can be added under an archived node."),
            )
            continue
        if _name_taken(siblings, existing, row, new_names, result, labels):
            continue
        creates.append(row)

    if progress:
        progress(len(table.rows) % 500, len(table.rows))
    if result.problems:
        return result
    result.created = len(creates)
    result.updated = len(updates)
    if dry_run or not (creates or updates):
        return result  # an import that changes nothing writes nothing, not even an audit entry
    try:
        with all_or_nothing(session):
            _apply_tree(
                session, result, creates, updates, existing, actor=_actor(actor), under=under
            )
    except DomainError as exc:  # e.g. a place archived meanwhile: nothing of the file is kept
        result.error(0, "", filename, exc.message)
    return result


def _check_existing(
    result: TreeImportResult,
    row: _TreeRow,
    current: _Place,
    scope: Scope,
    labels: dict[str, str],
    siblings: dict[tuple[int, str, str], tuple[str, str]],
    existing: dict[str, _Place],
    new_names: dict[tuple[str | None, str, str], int],
    updates: list[tuple[_TreeRow, _Place]],
) -> None:
    """A row naming an existing place: unchanged, renamed, or refused (scope, kind, a move)."""
    if not scope.allows("tenants.manage", current.path):
        result.error(
            row.number,
            labels["code"],
            row.code,
            _("Code %(code)s is already used outside your part of the tree.", code=row.code),
        )
    elif current.kind != row.kind:
        result.error(
            row.number,
            labels["kind"],
            row.raw.get("kind"),
            _("%(code)s is a %(kind)s.", code=row.code, kind=KIND_WORDS[current.kind]),
        )
    elif current.parent_ref != row.parent_ref:
        result.error(
            row.number,
            labels["parent"],
            row.parent_ref,
            _(
                "%(name)s is under %(parent)s: moving is a tree change, use the node page.",
                name=current.name,
                parent=current.parent_ref,
            ),
        )
    elif current.name == row.name:
        result.unchanged += 1
    elif current.status == NodeStatus.ARCHIVED:
        result.error(row.number, labels["name"], row.name, _("An archived node is read-only."))
    elif not _name_taken(siblings, existing, row, new_names, result, labels):
        updates.append((row, current))


def _name_taken(
    siblings: dict[tuple[int, str, str], tuple[str, str]],
    existing: dict[str, _Place],
    row: _TreeRow,
    new_names: dict[tuple[str | None, str, str], int],
    result: ImportResult,
    labels: dict[str, str],
) -> bool:
    """Two places of one kind with one name under one parent are almost always the same place
    under two codes (a renumbered sheet); refuse rather than double it."""
    key = (row.parent_ref, row.kind.value, row.name)
    if key in new_names:
        result.error(
            row.number,
            labels["name"],
            row.name,
            _("Duplicate: row %(row)s has the same name here.", row=new_names[key]),
        )
        return True
    parent = existing.get(row.parent_ref or "")
    other = siblings.get((parent.id, row.kind.value, row.name)) if parent and parent.id else None
    if other is not None and other[0] != row.ref:
        result.error(
            row.number,
            labels["name"],
            row.name,
            _("%(name)s already exists here with code %(code)s.", name=row.name, code=other[1]),
        )
        return True
    new_names[key] = row.number
    return False


def _apply_tree(
    session: Session,
    result: TreeImportResult,
    creates: list[_TreeRow],
    updates: list[tuple[_TreeRow, _Place]],
    existing: dict[str, _Place],
    *,
    actor: Any,
    under: Node | None,
) -> None:
    for row, place in updates:
        node = session.get(Node, place.id)
        services.update_node(session, node, name=row.name)
    placed = dict(existing)
    created_refs: list[NodeRef] = []
    now = utcnow()
    table = Node.__table__
    # Parents before their children: a level's rows are written after the level above.
    ordered = [r for kind in KIND_ORDER for r in creates if r.kind == kind]
    ids = _new_ids(session, len(ordered))
    values = []
    for row, node_id in zip(ordered, ids, strict=True):
        parent = placed[row.parent_ref]  # type: ignore[index]
        keys = services.tree_keys(node_id, row.kind, parent)  # type: ignore[arg-type]
        columns = {
            "path": keys.path,
            "depth": keys.depth,
            "district_id": keys.district_id,
            "street_id": keys.street_id,
            "community_id": keys.community_id,
        }  # not dataclasses.asdict, which deep-copies: 20,000 calls for 10,000 rows
        placed[row.ref] = _Place(
            kind=row.kind,
            code=row.code,
            ref=row.ref,
            name=row.name,
            id=node_id,
            parent_ref=row.parent_ref,
            **columns,
        )
        values.append(
            {
                "id": node_id,
                "parent_id": parent.id,
                "kind": row.kind.value,
                "code": row.code,
                "ref": row.ref,
                "name": row.name,
                "status": NodeStatus.ACTIVE.value,
                "created_at": now,
                "updated_at": now,
                **columns,
            }
        )
        created_refs.append(NodeRef(node_id, row.kind.value, row.ref, row.name, keys.path))
    # The ids are known before the INSERT, so each row is written whole by one executemany
    # per 1,000 rows: no SELECT of the new ids, no UPDATE of their paths afterwards.
    for batch in _chunks(values):
        session.execute(sa.insert(table), list(batch))
    services.notify_created_many(session, created_refs)
    _audit_created(session, ids, actor)
    paths = [r.path for r in created_refs] + [p.path for _r, p in updates]
    where = under.as_ref() if under is not None else _common_node(session, paths)
    audit.record(
        "tree.import",
        node=where,
        object_type="import",
        object_id=result.filename[:64],
        summary=_l(
            "Imported %(file)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged",
            file=result.filename,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
        ),
        details={
            "file": result.filename,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        user=actor,
    )


def _new_ids(session: Session, count: int) -> list[int]:
    """Ids for ``count`` new nodes, in ascending order, reserved before they are inserted (a
    node's path ends in its own id, so the INSERT can then write the path too); see
    :func:`core.exchange.keys.reserve_ids` for how each database keeps them free."""
    if count == 0:
        return []
    dialect = session.connection().dialect.name
    ids = reserve_ids(session, Node.__table__, count)
    if ids is None:
        raise NotImplementedError(f"tree import: no id reservation for {dialect}")
    return sorted(ids)


def _created_summary(template: str, kinds: dict[str, str]) -> sa.ColumnElement[str]:
    """``template % {"kind": …, "name": …, "code": …}`` of each node, as an SQL expression over
    the node's columns: the words create_node's entry has (kind label, name, ref), cut to the
    500 characters the summary holds."""
    node = Node.__table__.c
    fields: dict[str, sa.ColumnElement[str]] = {
        "kind": sa.case(kinds, value=node.kind, else_=node.kind),
        "name": node.name,
        "code": node.ref,
    }
    pieces: list[sa.ColumnElement[str]] = []
    for index, part in enumerate(re.split(r"%\((kind|name|code)\)s", template)):
        if index % 2:
            pieces.append(fields[part])
        elif part:
            pieces.append(sa.literal(part.replace("%%", "%"), sa.String))
    text = functools.reduce(operator.add, pieces) if pieces else sa.literal("", sa.String)
    return sa.func.substr(text, 1, 500)


def _audit_created(session: Session, ids: list[int], actor: Any) -> None:
    """One ``node.create`` entry per new node (what create_node records), written by one
    INSERT … SELECT from the new rows per 1,000 nodes: the database builds the entries."""
    if not ids:
        return
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    ip = request.remote_addr if has_request_context() else None
    log = AuditLog.__table__
    node = Node.__table__
    # Translated once, filled per node in SQL: the same words create_node records.
    template = _("Created %(kind)s %(name)s (%(code)s)")
    kinds = {kind.value: str(services.KIND_LABELS[kind]) for kind in NodeKind}
    constant = {
        "at": sa.literal(utcnow(), log.c.at.type),
        "user_id": sa.literal(actor.id if authenticated else None, log.c.user_id.type),
        "username": sa.literal(actor.username if authenticated else "", log.c.username.type),
        "action": sa.literal("node.create", log.c.action.type),
        "object_type": sa.literal("node", log.c.object_type.type),
        "ip": sa.literal(ip, log.c.ip.type),
    }
    built = {
        "node_id": node.c.id,
        "node_path": node.c.path,
        "object_id": node.c.ref,
        "summary": _created_summary(template, kinds),
    }
    columns = {**constant, **built}
    for batch in _chunks(ids):
        rows = (
            sa.select(*(value.label(key) for key, value in columns.items()))
            .where(node.c.id.in_(batch))
            .order_by(node.c.id)
        )
        session.execute(sa.insert(log).from_select(list(columns), rows))


# --- tree export and template --------------------------------------------------------------


def tree_template_xlsx() -> bytes:
    """The tree import template: Chinese headers and example rows (a community, grid, building);
    every column is text-formatted, so a code entered with leading zeros keeps them."""
    return template_xlsx(TREE_COLUMNS, TREE_EXAMPLE, "区划")


def users_template_xlsx() -> bytes:
    """The user import template: Chinese headers and an example row."""
    return template_xlsx(USER_COLUMNS, USER_EXAMPLE, "用户")


def tree_rows(session: Session, root: Node | None) -> Iterator[dict[str, Any]]:
    """The subtree of ``root`` (``root`` included; None: the whole tree) as import rows,
    parents before children."""
    parent = aliased(Node)
    stmt = (
        sa.select(Node.kind, Node.code, Node.name, Node.ref, parent.kind, parent.code, parent.ref)
        .outerjoin(parent, parent.id == Node.parent_id)
        .where(subtree_clause(Node.path, root.path) if root is not None else sa.true())
        .order_by(Node.depth, Node.ref)
    )
    for kind, code, name, _ref, parent_kind, parent_code, parent_ref in session.execute(stmt):
        row = {"kind": KIND_WORDS[NodeKind(kind)], "code": code, "name": name, "parent": ""}
        if parent_kind == NodeKind.GRID:
            row["parent"] = _community_of(parent_ref)
            row["grid"] = parent_code
        elif parent_ref:
            row["parent"] = parent_ref
        yield row


def export_tree(session: Session, root: Node | Sequence[Node] | None) -> bytes:
    """The subtree of ``root`` (or of each of several roots; None: the whole tree) as an xlsx
    in the import format (export → edit → import)."""
    roots: Sequence[Node | None] = (
        [root] if root is None or isinstance(root, Node) else sorted(root, key=lambda n: n.path)
    )
    rows = (row for r in roots for row in tree_rows(session, r))
    return write_xlsx(TREE_COLUMNS, rows, "区划")


# --- users ---------------------------------------------------------------------------------


@dataclass
class _UserRow:
    number: int
    username: str
    display_name: str
    mobile: str
    role: Role | None
    node: NodeRef | None
    raw: dict[str, str]


def _role_lookup(session: Session) -> dict[str, Role]:
    """Roles by key, by name and by their built-in label in Chinese and English."""
    roles = session.scalars(sa.select(Role).options(selectinload(Role.grants))).all()
    lookup: dict[str, Role] = {}
    for locale in ("en", "zh_Hans_CN"):
        with force_locale(locale):
            for role in roles:
                lookup.setdefault(accounts.role_label(role), role)
    for role in roles:
        lookup[role.name] = role
        lookup[role.key] = role
    return lookup


def _node_lookup(session: Session, refs: set[str]) -> dict[str, NodeRef]:
    found: dict[str, NodeRef] = {}
    for chunk in _chunks(sorted(refs)):
        stmt = sa.select(Node.id, Node.kind, Node.ref, Node.name, Node.path).where(
            Node.ref.in_(chunk)
        )
        found.update({row[2]: NodeRef(*row) for row in session.execute(stmt)})
    return found


def import_users(
    session: Session,
    filename: str,
    content: bytes,
    *,
    scope: Scope | None,
    dry_run: bool,
    actor: Any = None,
    declared: PermissionRegistry | None = None,
    progress: Progress | None = None,
) -> UserImportResult:
    """Check every row of a users sheet (one row per role: a user with two roles is two rows)
    and, if all are good and not ``dry_run``, create accounts (one-time password, change forced
    at first sign-in), update names and mobiles, and add missing role assignments. Nothing is
    removed: roles not in the file stay."""
    result = UserImportResult(filename=filename, dry_run=dry_run)
    sheet = _open_sheet(result, filename, content, USER_COLUMNS, USER_REQUIRED)
    if sheet is None:
        return result
    table, headers, labels = sheet
    scope = scope if scope is not None else operator_scope(session)
    declared = declared if declared is not None else registry()
    actor = _actor(actor)

    records = list(_records(table, headers))
    roles = _role_lookup(session)
    nodes = _node_lookup(session, {raw.get("node", "") for _n, raw in records} - {""})
    usernames = {raw.get("username", "").lower() for _n, raw in records} - {""}
    users: dict[str, User] = {}
    for chunk in _chunks(sorted(usernames)):
        stmt = (
            sa.select(User)
            .where(sa.func.lower(User.username).in_(chunk))
            .options(selectinload(User.assignments).selectinload(Assignment.role))
        )
        users.update({u.username.lower(): u for u in session.scalars(stmt)})

    rows: list[_UserRow] = []
    for index, (number, raw) in enumerate(records):
        row = _check_user_row(result, number, raw, labels, roles, nodes, scope, declared)
        if row is not None:
            rows.append(row)
        if progress and index % 100 == 99:
            progress(100, len(records))

    # One account may span rows; its name and mobile must agree; (role, place) pairs are unique.
    by_user: dict[str, list[_UserRow]] = defaultdict(list)
    seen_pairs: dict[tuple[str, int | None, int | None], int] = {}
    for row in rows:
        key = row.username.lower()
        first = by_user[key][0] if by_user[key] else None
        by_user[key].append(row)
        if first is not None:
            for field_name in ("display_name", "mobile"):
                mine, theirs = getattr(row, field_name), getattr(first, field_name)
                if mine and theirs and mine != theirs:
                    result.error(
                        row.number,
                        labels[field_name],
                        mine,
                        _("Differs from row %(row)s for the same user.", row=first.number),
                    )
        if row.role is not None and row.node is not None:
            pair = (key, row.role.id, row.node.id)
            if pair in seen_pairs:
                result.error(
                    row.number,
                    labels["role"],
                    row.raw.get("role"),
                    _("Duplicate: row %(row)s already gives this role here.", row=seen_pairs[pair]),
                )
            else:
                seen_pairs[pair] = row.number

    plans: list[tuple[User | None, list[_UserRow]]] = []
    for key, user_rows in by_user.items():
        user = users.get(key)
        first = user_rows[0]
        if user is None:
            if not next((r.display_name for r in user_rows if r.display_name), ""):
                result.error(
                    first.number, labels["display_name"], None, _("This field is required.")
                )
            plans.append((None, user_rows))
            continue
        if not accounts.can_manage_user(session, scope, user):
            result.error(
                first.number,
                labels["username"],
                first.username,
                _("The username %(name)s is taken.", name=first.username),
            )
            continue
        plans.append((user, user_rows))

    if progress:
        progress(len(records) % 100, len(records))
    if result.problems:
        return result

    try:
        with all_or_nothing(session):
            _write_users(session, result, plans, scope, declared, actor, filename)
    except DomainError as exc:  # refused while writing (changed meanwhile): nothing is kept
        result.new_accounts.clear()
        result.error(0, "", filename, exc.message)
    return result


def _write_users(
    session: Session,
    result: UserImportResult,
    plans: list[tuple[User | None, list[_UserRow]]],
    scope: Scope,
    declared: PermissionRegistry,
    actor: Any,
    filename: str,
) -> None:
    """Counts what the checked rows change and, unless a dry run, writes it and audits."""
    dry_run = result.dry_run
    for user, user_rows in plans:
        name = next((r.display_name for r in user_rows if r.display_name), "")
        mobile = next((r.mobile for r in user_rows if r.mobile), "")
        if user is None:
            result.created += 1
            result.assignments_added += sum(1 for r in user_rows if r.role is not None)
            if not dry_run:
                password = one_time_password()
                user = accounts.create_user(
                    session,
                    username=user_rows[0].username,
                    display_name=name,
                    password=password,
                    home_node_id=user_rows[0].node.id,  # type: ignore[union-attr]
                    mobile=mobile or None,
                    must_change_password=True,
                )
                result.new_accounts.append(NewAccount(user.username, name, password))
                _grant_rows(session, scope, declared, user, user_rows, actor)
            continue
        changes = {}
        if name and name != user.display_name:
            changes["display_name"] = name
        if mobile and mobile != (user.mobile or ""):
            changes["mobile"] = mobile
        held = {(a.role_id, a.node_id) for a in user.assignments}
        missing = [
            r
            for r in user_rows
            if r.role is not None and (r.role.id, r.node.id) not in held  # type: ignore[union-attr]
        ]
        if changes or missing:
            result.updated += 1
            result.assignments_added += len(missing)
            if not dry_run:
                if changes:
                    accounts.update_user(session, user, **changes)
                _grant_rows(session, scope, declared, user, missing, actor)
        else:
            result.unchanged += 1
    if not dry_run and (result.created or result.updated):
        paths = [r.node.path for _u, rows_ in plans for r in rows_ if r.node is not None]
        audit.record(
            "users.import",
            node=_common_node(session, paths),
            object_type="import",
            object_id=filename[:64],
            summary=_l(
                "Imported %(file)s: %(created)s accounts created, %(updated)s updated, "
                "%(unchanged)s unchanged",
                file=filename,
                created=result.created,
                updated=result.updated,
                unchanged=result.unchanged,
            ),
            details={
                "file": filename,
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "assignments_added": result.assignments_added,
            },
            user=actor,
        )


def _grant_rows(
    session: Session,
    scope: Scope,
    declared: PermissionRegistry,
    user: User,
    rows: list[_UserRow],
    actor: Any,
) -> None:
    for row in rows:
        if row.role is None or row.node is None:
            continue
        accounts.assign(
            session,
            scope,
            declared,
            user=user,
            role=row.role,
            node=row.node,
            actor_id=getattr(actor, "id", None) if actor is not None else None,
        )


def _check_user_row(
    result: UserImportResult,
    number: int,
    raw: dict[str, str],
    labels: dict[str, str],
    roles: dict[str, Role],
    nodes: dict[str, NodeRef],
    scope: Scope,
    declared: PermissionRegistry,
) -> _UserRow | None:
    errors_before = len(result.problems)
    username = raw.get("username", "")
    if not username:
        result.error(number, labels["username"], None, _("This field is required."))
    elif not accounts.USERNAME.fullmatch(username):
        result.error(
            number,
            labels["username"],
            username,
            _("3–64 letters, digits, '.', '_' or '-', starting with a letter or digit."),
        )
    display_name = raw.get("display_name", "")
    if len(display_name) > DISPLAY_NAME_MAX:
        result.error(
            number,
            labels["display_name"],
            display_name,
            _("Must be at most %(max)s characters.", max=DISPLAY_NAME_MAX),
        )
    mobile = raw.get("mobile", "")
    try:
        mobile_number(mobile)
    except ma.ValidationError as exc:
        result.error(number, labels["mobile"], mobile, " ".join(map(str, exc.messages)))
    role_text = raw.get("role", "")
    role = roles.get(role_text) if role_text else None
    if role_text and role is None:
        result.error(number, labels["role"], role_text, _("Unknown role %(key)s.", key=role_text))
    node_text = raw.get("node", "")
    node = nodes.get(node_text)
    if not node_text:
        result.error(number, labels["node"], None, _("This field is required."))
    elif node is None or not scope.allows("users.manage", node):
        result.error(
            number,
            labels["node"],
            node_text,
            _("No place with code %(code)s in your part of the tree.", code=node_text),
        )
        node = None
    if (
        role is not None
        and node is not None
        and not may_grant(scope, role.patterns, node, declared)
    ):
        result.error(number, labels["role"], role_text, _("Not yours to grant here."))
    elif role is not None and node is not None:
        try:
            accounts.check_role_kind(role, node)
        except DomainError as refusal:
            result.error(number, labels["node"], node_text, " ".join(refusal.fields["node"]))
    if len(result.problems) > errors_before:
        return None
    return _UserRow(number, username, display_name, mobile, role, node, raw)


def user_rows(session: Session, scope: Scope) -> Iterator[dict[str, Any]]:
    """Accounts whose home is in ``scope`` (users.manage), one row per role assignment (a row
    with no role for an account without one), roles named by their Chinese label."""
    nodes = scope.nodes("users.manage")
    if not nodes:
        return
    stmt = (
        sa.select(User)
        .where(User.__scope_clause__(nodes))  # type: ignore[attr-defined]
        .options(selectinload(User.assignments).selectinload(Assignment.role))
        .order_by(User.username)
    )
    users = session.scalars(stmt).all()
    accounts.attach_nodes(session, users)
    with force_locale("zh_Hans_CN"):
        for user in users:
            base = {
                "username": user.username,
                "display_name": user.display_name,
                "mobile": user.mobile or "",
            }
            listed = [a for a in user.assignments if a.node is not None]
            if not listed:
                home = user.home_node
                yield {
                    **base,
                    "role": "",
                    "node": home.ref if home else "",
                    "node_name": home.name if home else "",
                }
            for assignment in sorted(listed, key=lambda a: (a.node.path, a.role.key)):
                yield {
                    **base,
                    "role": accounts.role_label(assignment.role),
                    "node": assignment.node.ref,
                    "node_name": assignment.node.name,
                }


def export_users(session: Session, scope: Scope) -> bytes:
    """The accounts in ``scope`` as an xlsx in the user import format."""
    return write_xlsx(USER_COLUMNS, user_rows(session, scope), "用户")


def raise_for_errors(result: ImportResult) -> None:
    """For callers that prefer an exception (the wizard's 'add by hand' step)."""
    if result.errors:
        raise DomainError(
            _("%(count)s problems; nothing was imported.", count=len(result.errors)),
            {"rows": result.errors},
        )
