"""A program ledger as a declaration: model + schema + ``Ledger(...)`` give the list page, the
detail page with its history, the forms, delete and restore with confirmation, the JSON API,
the xlsx/CSV export and the row import.

The schema's fields carry their label, sensitivity, list column, filter and form widget
(:func:`core.records.fields.describe`); the ledger adds what belongs to the register as a whole
(its permissions, filters that are not a plain column, the order, how a record is written).
:func:`register_ledgers` adds the routes of a plugin's ledgers to its blueprints; the views
below are thin and shared by every ledger of every plugin, so a fix here fixes them all.

Record-level routes of one plugin share one URL rule per action, with the ledger chosen by the
URL's ``plural`` segment (``/<any(residents,units):plural>/<id>/edit``); list, "new" and detail
routes are per ledger (``/residents``, ``/residents/new``, ``/residents/<id>``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import MANYTOONE, Session, selectinload

from core import audit
from core.api import Page, answer_schema, api_doc, bounded_total, json_body, paginate
from core.db import db, utcnow
from core.errors import Conflict, DomainError, NotPermitted
from core.forms import FormResult, empty_form, load_form, save
from core.permissions import can, current_scope
from core.records.fields import (
    S3,
    choices_of,
    depends_on_record,
    display,
    label_of,
    row_fields,
    sensitivity_of,
    widget_of,
)
from core.records.history import (
    action_label,
    actor,
    diff,
    once_written,
    plain,
    record_change,
    shown_changes,
    timeline,
)
from core.records.sensitivity import (
    HIDDEN,
    WITHHELD,
    mask,
    protect,
    read_changes,
    reveal,
    sensitive_fields,
)
from core.records.softdelete import including_deleted
from core.reports import Column, Export, Import
from core.tenancy import COMMUNITY, module_scope_clause, node_model, require
from core.tree import NodeRef, node_ref

# --- filters ---------------------------------------------------------------------------------

YEAR_RANGE = (1900, 2999)


def plain_digits(text: str) -> bool:
    """Only the digits 0–9: ``str.isdigit`` also takes ``²`` and the like, which ``int``
    refuses (a 500 where a query argument was meant to be refused by name)."""
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class Filter:
    """One query argument of a list, its export and its API.

    ``kind``: ``choice`` (one of ``choices``), ``bool`` (1/true), ``int`` (an id), ``place`` (a
    node id beneath the community, e.g. a building), ``date``, ``year`` or ``text``. ``clause``
    turns the parsed value into a predicate (``clause(session, value)``); without one, the
    ``column`` (default: the filter's name; or a function giving an SQL expression) is compared
    for equality — for ``year`` it is a date column and the year's range is used; ``bound``
    ``"from"`` or ``"to"`` makes a ``date`` filter one end of a range, inclusive. ``order``: the
    order of the rows while the filter is on and no column sort is asked (an overdue list,
    oldest deadline first). A ledger's filter named after one of its schema's fields and given
    no label (``Filter("grade")``) takes that field's label and choices."""

    name: str
    kind: str = "choice"
    label: Any = None
    choices: dict[str, Any] | Callable[[], dict[str, Any]] | None = None
    clause: Callable[[Session, Any], sa.ColumnElement[bool]] | None = None
    column: str | Callable[[], Any] | None = None
    description: str = ""
    order: Callable[[], Sequence[Any]] | None = None
    bound: str | None = None

    @classmethod
    def flag(
        cls, name: str, label: Any, when_on: Callable[[], sa.ColumnElement[bool]], **options: Any
    ) -> Filter:
        """A ``bool`` filter that narrows the list to ``when_on()`` when set (``?overdue=1``) and
        leaves it whole when not (``0`` or absent)."""
        return cls(
            name,
            "bool",
            label,
            clause=lambda _session, on: when_on() if on else sa.true(),
            **options,
        )

    def options(self) -> dict[str, Any]:
        found = self.choices() if callable(self.choices) else (self.choices or {})
        return found

    def parse(self, raw: str) -> Any:
        """The typed value of ``raw``; a :class:`DomainError` naming the argument if it is bad."""
        text = raw.strip()

        def refuse(message: str) -> DomainError:
            return DomainError(message, {self.name: [message]})

        if self.kind == "choice":
            if self.choices is not None and text not in self.options():
                raise refuse(_("Choose from the list."))
            return text
        if self.kind == "bool":
            if text not in ("1", "true", "0", "false"):
                raise refuse(_("Use 1 or 0."))
            return text in ("1", "true")
        if self.kind in ("int", "place"):
            if not plain_digits(text) or len(text) > 9:
                raise refuse(_("Choose from the list."))
            return int(text)
        if self.kind == "date":
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise refuse(_("Not a valid date (YYYY-MM-DD).")) from None
        if self.kind == "year":
            if not plain_digits(text) or not YEAR_RANGE[0] <= int(text) <= YEAR_RANGE[1]:
                raise refuse(_("Give a year between 1900 and 2999."))
            return int(text)
        if len(text) > 100:
            raise refuse(_("Must be at most %(max)s characters.", max=100))
        return text

    def predicate(self, session: Session, model: Any, value: Any) -> sa.ColumnElement[bool]:
        if self.clause is not None:
            return self.clause(session, value)
        column = (
            self.column() if callable(self.column) else getattr(model, self.column or self.name)
        )
        if self.bound is not None:
            return column >= value if self.bound == "from" else column <= value
        if self.kind == "year":
            return sa.and_(column >= date(value, 1, 1), column <= date(value, 12, 31))
        if self.kind == "text":
            return column.contains(value, autoescape=True)
        return column == value

    def openapi(self) -> dict[str, Any]:
        types = {"bool": "boolean", "int": "integer", "place": "integer", "year": "integer"}
        schema: dict[str, Any] = {"type": types.get(self.kind, "string")}
        if self.kind == "date":
            schema["format"] = "date"
        if self.kind == "choice" and self.choices is not None and not callable(self.choices):
            schema["enum"] = list(self.choices)
        return {
            "in": "query",
            "name": self.name,
            "schema": schema,
            "description": self.description or str(self.label or self.name),
        }


def parse_filters(filters: Sequence[Filter], args: Any) -> dict[str, Any]:
    """The arguments of ``args`` that ``filters`` know, parsed; unknown ones are ignored (a
    page's own arguments such as ``page`` share the query string)."""
    parsed: dict[str, Any] = {}
    for spec in filters:
        raw = args.get(spec.name, "")
        if isinstance(raw, str) and raw.strip():
            parsed[spec.name] = spec.parse(raw)
    return parsed


def writable(community: Any) -> None:
    """Refused (422) when ``community`` is archived: its records are read-only."""
    if community.is_archived:
        raise DomainError(_("An archived community is read-only."))


def record_choices(*columns: Any, order: Sequence[Any] = ()) -> Callable[[], dict[int, str]]:
    """The choices of a select or a filter that names another record: the community's live
    records of the ``columns``' table by id, each shown as its ``columns`` joined by a space,
    in ``order`` (default: by the first column). None outside a community."""
    model = columns[0].class_

    def choices() -> dict[int, str]:
        if "community" not in g:
            return {}
        stmt = (
            sa.select(model.id, *columns)
            .where(model.community_id == g.community.id, model.deleted_at.is_(None))
            .order_by(*(order or (columns[0],)), model.id)
        )
        return {row[0]: " ".join(map(str, row[1:])) for row in db.session.execute(stmt)}

    return choices


# --- the declaration -------------------------------------------------------------------------

MASKED_NOTE = "masked or withheld unless ?unmask=1 (needs the sensitive permission)"
# What :meth:`Ledger.dump` adds to a record's own fields, as the API document shows it.
RECORD_FIELDS: dict[str, ma.fields.Field] = {
    "community": ma.fields.String(allow_none=True, metadata={"description": "its community"}),
    "node": ma.fields.String(allow_none=True, metadata={"description": "its place's ref"}),
    "deleted": ma.fields.Boolean(),
    "masked": ma.fields.Boolean(metadata={"description": "identifiers masked (sensitive only)"}),
}


Writer = Callable[..., Any]


@dataclass(frozen=True)
class Steps:
    """Actions on one record beyond editing it (人走注销, 下达整改通知书 …), each ``POST
    /<plural>/<id>/<step>``: as a page (back to the record, a refusal shown there) and in the
    API (the record as JSON; a refusal is a 4xx naming the field). ``run(session, obj, step,
    data)`` does the step with the data ``schema`` loaded; ``permission`` defaults to the
    ledger's edit permission."""

    names: Sequence[str]
    schema: type[ma.Schema]
    run: Callable[[Session, Any, str, dict[str, Any]], Any]
    summary: str = "A step of a record"
    permission: str | None = None

    @property
    def rule(self) -> str:
        return "<any(" + ",".join(f"'{name}'" for name in self.names) + "):step>"


@dataclass(frozen=True)
class Part:
    """Records that belong to another record and are added on its page (a training's trainees,
    an enterprise's hazard sources). ``POST /<plural>/<id>/<path>`` adds one — from the
    record's page (a refusal shows the page again, the form as typed) and in the API — and
    ``GET`` lists them in the API. ``key``: the part's field that names its record, set from the
    URL. ``shown``: the record's page lists them, with a form to add one for editors."""

    ledger: Ledger
    key: str
    path: str = ""  # default: the part ledger's plural
    shown: bool = True

    @property
    def segment(self) -> str:
        return self.path or self.ledger.plural

    @property
    def owner_field(self) -> str:
        """The part's column that names its record (``training`` for ``training_id``): not
        repeated on that record's page."""
        return self.key.removesuffix("_id")

    def items(self, session: Session, owner: Any) -> list[Any]:
        """The live parts of ``owner``, in the part ledger's order."""
        where = getattr(self.ledger.model, self.key) == owner.id
        return list(session.scalars(self.ledger.filtered(session, where, {})))

    def add(self, session: Session, owner: Any, data: dict[str, Any]) -> Any:
        """A new part of ``owner``, written by the part ledger's writer."""
        community = session.get(node_model(), owner.community_id)
        return self.ledger.write_new(session, community, {**data, self.key: owner.id})

    def form_fields(self) -> list[tuple[str, ma.fields.Field]]:
        return [(n, f) for n, f in self.ledger.form_fields(False) if n != self.key]


@dataclass(kw_only=True)
class Ledger:
    """One register of a plugin (居民, 隐患, 培训 …).

    ``module``/``name``: the record's type is ``<module>.<name>`` in history and the audit log;
    ``plural``: its URL segment (default: the name and an s). ``view``/``edit``/``restore``/
    ``sensitive`` are permission names. ``create(session, community, data)`` and
    ``update(session, obj, data)`` write a record and its history (default:
    :meth:`create_record`/:meth:`update_record`, which set the schema's fields on the model,
    placed at the community). ``check(session, community, data, obj)`` adds domain checks to
    the default writers; ``before_restore(session, obj)`` refuses a restore (e.g. the ID was
    registered again meanwhile). ``dump_extra(obj, data)`` adds to
    every record's JSON, ``dump_detail(obj, data)`` only to one record's own (its GET and the
    answers to its writes): what costs a query per record, such as its photos. The "new" form
    starts with the fields' ``load_default`` values, then ``new_values()`` (values known at run
    time: today's date, the signed-in worker's name). ``export_parts=(ledger, parts_of)``
    exports a record once per part (a training session, once per trainee), the part ledger's
    columns beside the record's; a record without parts is a row of its own.
    ``import_schema``/``import_row``: an import of rows shaped otherwise than the form (see
    :meth:`import_spec`)."""

    module: str
    name: str
    plural: str = ""
    model: Any
    schema: type[ma.Schema]
    title: Any
    label: Any
    view: str
    edit: str
    restore: str | None = None
    sensitive: str | None = None
    update_schema: type[ma.Schema] | None = None
    fixed: Sequence[str] = ()  # set when a record is made, left out of its edit form and PATCH
    filters: Sequence[Filter] = ()
    order: Callable[[], Sequence[Any]] | None = None
    query: Callable[[sa.ColumnElement[bool]], sa.Select] | None = None
    options: Callable[[sa.Select], sa.Select] | None = None
    create: Writer | None = None
    update: Writer | None = None
    check: Callable[..., None] | None = None
    before_restore: Callable[[Session, Any], None] | None = None
    title_of: Callable[[Any], str] | None = None
    dump_extra: Callable[[Any, dict[str, Any]], None] | None = None
    dump_detail: Callable[[Any, dict[str, Any]], None] | None = None
    form_values: Callable[[Any], dict[str, Any]] | None = None
    new_values: Callable[[], dict[str, Any]] | None = None
    context: Callable[[], dict[str, Any]] | None = None
    templates: dict[str, str] = field(default_factory=dict)
    list_path: str | None = None
    list_endpoint: str | None = None
    rollup: bool = False
    exportable: bool = True
    importable: bool = True
    import_schema: type[ma.Schema] | None = None
    import_row: Writer | None = None
    export_extra: Sequence[tuple[Column, Callable[[Any], Any]]] = ()
    export_parts: tuple[Ledger, Callable[[Any], Sequence[Any]]] | None = None
    export_order: Callable[[], Sequence[Any]] | None = None  # when filed unlike the list
    place_field: str | None = None  # the form field that names the record's node (a building)
    actions: dict[str, Any] = field(default_factory=dict)
    steps: Steps | None = None
    parts: Sequence[Part] = ()
    workflow: Any = None  # a core.workflow.Workflow: its timeline at GET …/<id>/events
    qualified_actions: bool = False  # the history API names steps as the audit log does
    # The rows of ``model`` that are this ledger's, when several ledgers share one table (the
    # activities of one module): applied to its lists, exports and every record it loads.
    scope: Callable[[], sa.ColumnElement[bool]] | None = None
    # The history's record type when the record is not this module's alone (``core.activity``,
    # one history whichever module's page shows it); default ``<module>.<name>``.
    record_type: str | None = None
    # Records that are listed only inside their community (children in care): the export at a
    # street or district is refused, as the roll-up is never declared; those read counts.
    community_only: bool = False

    @cached_property
    def record_schema(self) -> type[ma.Schema]:
        """A record as the API answers it (:meth:`dump`), for the document: the schema's fields,
        where the record is, whether it is deleted and whether it is masked. A sensitive field
        is text there: masked (S2) or withheld (S3) it keeps no format of its own."""
        hidden = {
            key: ma.fields.String(allow_none=True, metadata={"description": MASKED_NOTE})
            for key in sensitive_fields(self.reader)
        }
        return answer_schema(self.schema, "Record", {**hidden, **RECORD_FIELDS}, self.module)

    @cached_property
    def reader(self) -> ma.Schema:
        """One instance of the schema for reading out (dumps, labels, columns): lists build
        cells for every row, and a schema instance is costly to build."""
        return self.schema()

    def __post_init__(self) -> None:
        # Merge previews and renumbering name a table by its ledger (core.numbering).
        if "__label__" not in vars(self.model):
            self.model.__label__ = self.title
        self.plural = self.plural or f"{self.name}s"
        self.filters = tuple(self._of_field(spec) for spec in self.filters)

    def _of_field(self, spec: Filter) -> Filter:
        """``spec`` with the label and choices of the schema's field it names, when it was
        declared without a label: the schema says them once."""
        if spec.label is not None:
            return spec
        meta = self.schema._declared_fields[spec.name].metadata
        return replace(spec, label=meta["label"], choices=spec.choices or meta.get("choices"))

    @classmethod
    def family(cls, **shared: Any) -> Callable[..., Ledger]:
        """``Ledger`` with what a plugin's ledgers share (module, permissions, context) given
        once; a ledger's own arguments win."""
        return partial(cls, **shared)

    @cached_property
    def edit_schema(self) -> type[ma.Schema]:
        """The schema of edits: ``update_schema``, or the schema without the ``fixed`` fields."""
        base = self.update_schema or self.schema
        if not self.fixed:
            return base
        meta = type("Meta", (getattr(base, "Meta", object),), {"exclude": tuple(self.fixed)})
        return type(f"{base.__name__}Edit", (base,), {"Meta": meta})

    def add_routes(self, pages: Any, api: Any) -> None:
        """Routes of the ledger's own beyond the generated ones (a printable page, its photos),
        added by :func:`register_ledgers`; none by default."""

    # --- names -------------------------------------------------------------------------

    @property
    def object_type(self) -> str:
        return self.record_type or f"{self.module}.{self.name}"

    @property
    def export_name(self) -> str:
        return f"{self.module}.{self.plural}"

    def history_action(self, action: str) -> str:
        """A history step's name in the API: ``update``, or with ``qualified_actions`` the
        audit log's ``<module>.<name>.update``."""
        return f"{self.object_type}.{action}" if self.qualified_actions else action

    def endpoint(self, action: str) -> str:
        """The page endpoint of ``action``: list, new, detail, edit, delete, restore."""
        names = {
            "list": self.list_endpoint or self.plural,
            "new": f"new_{self.name}",
            "detail": self.name,
            "edit": "edit",
            "delete": "delete",
            "restore": "restore",
        }
        return f"{self.module}.{names[action]}"

    def url(self, action: str, obj: Any = None, **args: Any) -> str:
        if obj is not None:
            args["record_id"] = obj.id
        if action in ("edit", "delete", "restore"):
            args["plural"] = self.plural
        return url_for(self.endpoint(action), **args)

    def record_title(self, obj: Any) -> str:
        if self.title_of is not None:
            return self.title_of(obj)
        return str(getattr(obj, "name", None) or getattr(obj, "title", None) or obj.id)

    # --- fields ------------------------------------------------------------------------

    def fields(self) -> dict[str, ma.fields.Field]:
        return dict(self.reader.fields)

    def shown_fields(self) -> list[tuple[str, ma.fields.Field]]:
        """Fields a record shows (dumped and labelled)."""
        return [
            (name, f)
            for name, f in self.fields().items()
            if not f.load_only and "label" in f.metadata and f.metadata.get("shown", True)
        ]

    def form_fields(self, editing: bool) -> list[tuple[str, ma.fields.Field]]:
        schema = self.edit_schema() if editing else self.schema()
        return [
            (name, f)
            for name, f in schema.fields.items()
            if not f.dump_only and "label" in f.metadata and f.metadata.get("form") is not False
        ]

    def columns(self) -> list[tuple[str, ma.fields.Field]]:
        return [(name, f) for name, f in self.shown_fields() if f.metadata.get("column")]

    def sortable(self) -> dict[str, Any]:
        return {
            name: getattr(self.model, name)
            for name, f in self.fields().items()
            if f.metadata.get("sort") and hasattr(self.model, name)
        }

    def has_sensitive(self) -> bool:
        return bool(sensitive_fields(self.reader))

    def s3_fields(self) -> set[str]:
        """Fields whose values only holders of the sensitive permission may see or change."""
        return {name for name, level in sensitive_fields(self.reader).items() if level == S3}

    def hidden_by_record(self, obj: Any) -> set[str]:
        """The fields whose class depends on the record and is S3 in ``obj``: whoever may not
        read them may not change the record at all, lest a change of what the class hangs on
        (a family dispute retyped) show them."""
        return {
            name
            for name, f in self.reader.fields.items()
            if depends_on_record(f) and sensitivity_of(f, obj) == S3
        }

    def may_unmask(self, place: NodeRef | str) -> bool:
        return bool(self.sensitive) and current_scope().allows(self.sensitive, place)

    # --- queries -----------------------------------------------------------------------

    def base_query(self, where: sa.ColumnElement[bool]) -> sa.Select:
        stmt = self.query(where) if self.query is not None else sa.select(self.model).where(where)
        stmt = stmt.options(selectinload(self.model.node), *self.parent_places)
        if self.scope is not None:
            stmt = stmt.where(self.scope())
        return self.options(stmt) if self.options is not None else stmt

    @cached_property
    def parent_places(self) -> tuple[Any, ...]:
        """Loader options for each row's parents (many-to-one: a resident's household, an
        inspection's checklist), with the parents' own places, for a whole page at once: what
        a row shows of a parent (a household's address names its building) costs a statement
        per page, not per row. A parent no row has costs nothing."""
        found = []
        for relation in sa.inspect(self.model).relationships:
            if relation.direction is not MANYTOONE or relation.key == "node":
                continue
            target = relation.mapper.class_
            parent = selectinload(getattr(self.model, relation.key))
            if "node" in sa.inspect(target).relationships:
                parent = parent.selectinload(target.node)
            found.append(parent)
        return tuple(found)

    def filtered(
        self,
        session: Session,
        where: sa.ColumnElement[bool],
        filters: dict[str, Any],
        *,
        deleted: bool = False,
        sort: str | None = None,
    ) -> sa.Select:
        """The ledger's rows under ``where`` with the parsed ``filters``, in the asked order."""
        stmt = self.base_query(where)
        if deleted:
            stmt = including_deleted(stmt).where(self.model.deleted_at.is_not(None))
        for spec in self.filters:
            if spec.name in filters:
                stmt = stmt.where(spec.predicate(session, self.model, filters[spec.name]))
        return stmt.order_by(*self._order(sort, filters))

    def _order(self, sort: str | None, filters: dict[str, Any]) -> list[Any]:
        if sort:
            column = self.sortable()[sort.lstrip("-")]
            return [column.desc() if sort.startswith("-") else column.asc(), self.model.id]
        for spec in self.filters:
            if spec.order is not None and filters.get(spec.name):
                return [*spec.order(), self.model.id]
        if self.order is not None:
            return [*self.order(), self.model.id]
        return [self.model.id.desc()]

    def parse_sort(self, args: Any) -> str | None:
        raw = (args.get("sort") or "").strip()
        if not raw:
            return None
        if raw.lstrip("-") not in self.sortable():
            message = _("This column cannot be sorted.")
            raise DomainError(message, {"sort": [message]})
        return raw

    # --- writes ------------------------------------------------------------------------

    def _writable(self, community: Any) -> None:
        writable(community)

    def model_fields(self) -> tuple[str, ...]:
        """The schema's fields that are the model's columns: what the default writers set and
        the history records (not the id, nor the row's own created/updated times)."""
        columns = set(sa.inspect(self.model).columns.keys()) - {"id", "created_at", "updated_at"}
        return tuple(name for name in self.reader.fields if name in columns)

    def create_record(
        self, session: Session, community: Any, data: dict[str, Any], user: Any = None
    ) -> Any:
        """The default writer: the schema's fields on a new row placed at the community."""
        self._writable(community)
        if self.check is not None:
            self.check(session, community, data, None)
        values = {k: data[k] for k in self.model_fields() if data.get(k) is not None}
        obj = self.model(node_id=data.pop("node_id", None) or community.id, **values)
        session.add(obj)

        def created() -> None:  # as flushed: column defaults filled in
            fields = self.model_fields()
            changes = {k: [None, getattr(obj, k)] for k in fields if getattr(obj, k)}
            self.history(session, obj, "create", changes, user=user)

        once_written(session, created)
        return obj

    def update_record(self, session: Session, obj: Any, data: dict[str, Any]) -> Any:
        """The default editor: changed fields set, the change kept in the history."""
        community = session.get(node_model(), obj.community_id)
        self._writable(community)
        if obj.deleted_at is not None:
            raise DomainError(_("A deleted record cannot be changed; restore it first."))
        if self.check is not None:
            self.check(session, community, data, obj)
        changes = diff(obj, data, self.model_fields())
        for key, (_old, new) in changes.items():
            setattr(obj, key, new if new is not None else empty_value(self.model, key))
        changes |= self.update_related(session, obj, data)
        if changes:
            session.flush()
            self.history(session, obj, "update", changes)
        return obj

    def update_related(self, session: Session, obj: Any, data: dict[str, Any]) -> dict:
        """What an edit changes beyond the record's own columns (rows of other tables), as
        ``{field: [old, new]}`` for the same history entry; a subclass's to say."""
        return {}

    def write_new(self, session: Session, community: Any, data: dict[str, Any]) -> Any:
        writer = self.create or self.create_record
        return writer(session, community, dict(data))

    def write_update(self, session: Session, obj: Any, data: dict[str, Any]) -> Any:
        writer = self.update or self.update_record
        return writer(session, obj, dict(data))

    def history(
        self,
        session: Session,
        obj: Any,
        action: str,
        changes: dict[str, list[Any]] | None,
        summary: str | None = None,
        user: Any = None,
    ) -> None:
        """One history and one audit entry for ``obj`` (protected by the schema's classes)."""
        # Lazy: the audit log keeps the message and shows it in each reader's language.
        what, name = self.label, self.record_title(obj)
        summaries = {
            "create": _l("Registered %(what)s %(name)s", what=what, name=name),
            "update": _l("Changed %(what)s %(name)s", what=what, name=name),
            "delete": _l("Deleted %(what)s %(name)s", what=what, name=name),
            "restore": _l("Restored %(what)s %(name)s", what=what, name=name),
        }
        text = summary or summaries.get(action) or f"{what} {name}"
        record_change(
            session,
            obj,
            object_type=self.object_type,
            action=action,
            changes=changes,
            summary=text,
            schema=self.reader,
            user=user,
        )

    def delete(self, session: Session, obj: Any, user: Any = None) -> None:
        """Soft delete: the row stays with who and when; a restorer can bring it back."""
        community = session.get(node_model(), obj.community_id)
        self._writable(community)
        if obj.deleted_at is not None:
            raise Conflict(_("This record is already deleted."))
        who = actor(user)
        obj.deleted_at = utcnow()
        obj.deleted_by_id = getattr(who, "id", None)
        session.flush()
        self.history(session, obj, "delete", None, user=user)

    def undelete(self, session: Session, obj: Any, user: Any = None) -> None:
        community = session.get(node_model(), obj.community_id)
        self._writable(community)
        if obj.deleted_at is None:
            raise Conflict(_("This record is not deleted."))
        if self.before_restore is not None:
            self.before_restore(session, obj)
        obj.deleted_at = None
        obj.deleted_by_id = None
        session.flush()
        self.history(session, obj, "restore", None, user=user)

    # --- reading out -------------------------------------------------------------------

    def dump(self, obj: Any, unmasked: bool = False, community: str | None = None) -> dict:
        """A record as JSON: S2 masked and S3 hidden unless ``unmasked``."""
        schema = self.reader
        data = protect(schema, schema.dump(obj), unmasked, obj)
        node = obj.node
        data["community"] = community or (g.community.ref if "community" in g else None)
        data["node"] = node.ref if node is not None else None
        data["deleted"] = obj.deleted_at is not None
        if self.has_sensitive():
            data["masked"] = not unmasked
        if self.dump_extra is not None:
            self.dump_extra(obj, data)
        return data

    def dump_one(self, obj: Any, unmasked: bool = False) -> dict:
        """One record's own JSON: :meth:`dump` and what ``dump_detail`` adds."""
        data = self.dump(obj, unmasked)
        if self.dump_detail is not None:
            self.dump_detail(obj, data)
        return data

    def facts(self, obj: Any, unmasked: bool) -> list[dict[str, Any]]:
        """Label, shown text and class of each field of a record, for its page."""
        schema = self.reader
        dumped = schema.dump(obj)
        facts = []
        for name, f in self.shown_fields():
            value = dumped.get(name)
            level = sensitivity_of(f, obj)
            hidden = level == S3 and not unmasked and value not in (None, "", [])
            shown = value if unmasked else mask(f, value, obj)
            facts.append(
                {
                    "name": name,
                    "label": label_of(f, name),
                    "text": "" if hidden else display(f, shown),
                    "hidden": hidden,
                    "widget": widget_of(f),
                    "value": shown,
                    "rows": _fact_rows(f, shown) if not hidden else None,
                }
            )
        return facts

    def cells(self, obj: Any) -> list[dict[str, Any]]:
        """The list columns of a record, masked (lists never unmask)."""
        dumped = self.reader.dump(obj)
        cells = []
        for name, f in self.columns():
            value = mask(f, dumped.get(name), obj)
            cells.append({"name": name, "label": label_of(f, name), "text": display(f, value)})
        return cells

    # --- exports and imports -----------------------------------------------------------

    def export_columns(self) -> list[tuple[Column, ma.fields.Field | None]]:
        found: list[tuple[Column, ma.fields.Field | None]] = [
            (Column("community", _l("Community")), None)
        ]
        for name, f in self.shown_fields():
            if f.metadata.get("export", True):
                found.append((Column(name, f.metadata["label"]), f))
        return found

    def part_columns(self) -> list[tuple[Column, ma.fields.Field | None]]:
        """The columns ``export_parts`` adds: the part ledger's, but for the keys a record's
        own columns use (the record's value stands)."""
        if self.export_parts is None:
            return []
        own = {c.key for c, _f in self.export_columns()} | {c.key for c, _v in self.export_extra}
        return [(c, f) for c, f in self.export_parts[0].export_columns() if c.key not in own]

    def export_spec(self) -> Export:
        columns = [c for c, _f in self.export_columns()] + [c for c, _v in self.export_extra]
        columns += [c for c, _f in self.part_columns()]
        return Export(
            self.export_name,
            self.title,
            self.view,
            columns,
            self.export_rows,
            module=self.module,
            total=self.export_total,
        )

    def export_total(
        self, session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
    ) -> tuple[int, bool]:
        """``(rows, exact)`` the export will write, for an export job's progress: its records
        counted up to :data:`core.api.EXACT_TOTAL_UP_TO`, beyond that the planner's estimate, as
        the list shows its total; never exact where a record is written once per part."""
        parsed = parse_filters(self.filters, filters)
        total, exact = bounded_total(self.filtered(session, scope_clause(self.model), parsed))
        return total, exact and self.export_parts is None

    def export_rows(
        self, session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
    ) -> Iterator[dict[str, Any]]:
        """The export's rows: the user's scope and the list's filters; S2 fields unmasked and S3
        fields included only for holders of the sensitive permission who ask (``unmask=1``),
        row by row where they hold it, audited — S3 values only in one community's export (a
        street's or a district's keeps them withheld: there they are counts only). Streamed in
        batches."""
        parsed = parse_filters(self.filters, filters)
        place = getattr(scope_clause, "place", None)
        s3_here = place is None or place.kind == COMMUNITY
        if self.community_only and not s3_here:
            raise NotPermitted(
                _("%(name)s is exported by each community only.", name=str(self.title))
            )
        wants = filters.get("unmask") in ("1", "true") and bool(self.sensitive)
        nodes = current_scope().nodes(self.sensitive) if wants and self.sensitive else []
        unmasked_case = (
            sa.case((self.model.__scope_clause__(nodes), sa.true()), else_=sa.false())
            if nodes
            else sa.false()
        )
        # Recorded where the user holds the sensitive permission (the places whose rows came
        # out unmasked), so the admins there find it in their audit log.
        for node in nodes if self.has_sensitive() else []:
            audit.record(
                f"{self.module}.export.unmasked",
                node=node,
                object_type="export",
                object_id=self.export_name,
                summary=_l(
                    "Exported %(name)s with its sensitive fields in clear", name=self.export_name
                ),
                details={"filters": filters},
            )
        stmt = self.filtered(session, scope_clause(self.model), parsed)
        if self.export_order is not None:  # a ledger book is filed oldest first
            stmt = stmt.order_by(None).order_by(*self.export_order(), self.model.id)
        # Aliased: a ledger's own query may join the tree already (households by building).
        community_node = sa.orm.aliased(node_model())
        stmt = stmt.add_columns(community_node.name, unmasked_case).join(
            community_node, community_node.id == self.model.community_id
        )
        columns = [(c.key, f, cell_writer(f)) for c, f in self.export_columns()[1:]]
        part_writers = [(c.key, f, cell_writer(f)) for c, f in self.part_columns()]
        for obj, community, unmasked in session.execute(stmt.execution_options(yield_per=500)):
            s3 = unmasked and s3_here
            row: dict[str, Any] = {
                "community": community,
                **self.cells_of(obj, columns, unmasked, s3=s3),
            }
            for column, value_of in self.export_extra:
                row[column.key] = value_of(obj)
            parts = self.export_parts[1](obj) if self.export_parts is not None else ()
            if not parts:
                yield row
            for part in parts:  # a part comes out unmasked with its record
                yield row | self.export_parts[0].cells_of(part, part_writers, unmasked, s3=s3)

    def cells_of(
        self,
        obj: Any,
        columns: list[tuple[str, Any, Callable[[Any], Any]]],
        unmasked: bool,
        *,
        s3: bool | None = None,
    ) -> dict[str, Any]:
        """A record's export cells: each column's value, S2 masked unless ``unmasked``, S3
        withheld unless ``s3`` (default: as ``unmasked``)."""
        dumped = self.reader.dump(obj)
        s3 = unmasked if s3 is None else s3
        return {
            key: write(reveal(f, dumped.get(key), s2=unmasked, s3=s3, record=obj))
            for key, f, write in columns
        }

    def import_spec(self) -> Import:
        """The ledger's import: its schema's loadable labelled fields, written by its writer; or,
        with ``import_schema``, rows of another shape — an exported file, with names where the
        form takes ids — written by ``import_row``, its columns labelled and ordered as the
        export has them."""
        if self.import_schema is None:
            schema, write = self.schema, self.write_new
            fields = [
                (name, f)
                for name, f in self.reader.fields.items()
                if not f.dump_only and "label" in f.metadata and f.metadata.get("imports", True)
            ]
            columns = [
                Column(name, f.metadata["label"], f.metadata.get("former_labels") or ())
                for name, f in fields
            ]
        else:
            schema, write = self.import_schema, self.import_row or self.write_new
            labels = {c.key: c.label for c, _f in self.export_columns()}
            labels |= {
                n: f.metadata["label"] for n, f in self.fields().items() if "label" in f.metadata
            }
            columns = [
                Column(
                    name,
                    f.metadata.get("label") or labels.get(name, name),
                    f.metadata.get("former_labels") or (),
                )
                for name, f in schema().fields.items()
                if not f.dump_only
            ]
            order = list(labels)  # the export's columns first, then the form's, then its own
            columns.sort(key=lambda c: order.index(c.key) if c.key in order else len(order))
        return Import(
            self.export_name,
            self.title,
            self.edit,
            columns,
            schema,
            module=self.module,
            write_row=write,
        )


def _fact_rows(f: ma.fields.Field, value: Any) -> dict[str, Any] | None:
    """A rows field (a checklist) as its page shows it: column labels, and per row the cells
    as read and the row as stored."""
    columns = row_fields(f, "shown")
    if not columns:
        return None
    # A column marked ``sparse`` (a score on a pass/fail checklist) shows only when filled in.
    columns = {
        name: c
        for name, c in columns.items()
        if not c.metadata.get("sparse")
        or any(row.get(name) not in (None, "") for row in value or [])
    }
    return {
        "labels": [label_of(c, name) for name, c in columns.items()],
        "lines": [
            {"value": row, "cells": [display(c, row.get(name)) for name, c in columns.items()]}
            for row in value or []
        ],
    }


def cell_writer(f: ma.fields.Field | None) -> Callable[[Any], Any]:
    """``cell_value`` for one column, with its choice labels translated once, not per cell."""
    labels = {k: str(getattr(v, "label", v)) for k, v in choices_of(f).items()} if f else {}
    if not labels:
        return lambda value: cell_value(f, value)

    def write(value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "、".join(str(HIDDEN) if v == WITHHELD else labels.get(v, str(v)) for v in value)
        return labels.get(value, value) if isinstance(value, str) else cell_value(f, value)

    return write


def cell_value(f: ma.fields.Field | None, value: Any) -> Any:
    """A dumped value as a spreadsheet cell: dates as dates, numbers as numbers, labels for
    choices and yes/no, lists joined."""
    if value is None:
        return None
    if f is not None and isinstance(f, ma.fields.Date) and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    if f is not None and isinstance(f, ma.fields.DateTime) and isinstance(value, str):
        try:
            from core.clock import localtime

            return localtime(datetime.fromisoformat(value)).replace(tzinfo=None)
        except ValueError:
            return value
    if isinstance(value, bool):
        return display(f, value)  # 是/否, as the ledgers are filed, not TRUE/FALSE
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return value
    if f is not None and isinstance(f, ma.fields.Decimal) and isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return display(f, value)


def empty_value(model: Any, key: str) -> Any:
    """What a cleared optional field holds: "" for text columns, None otherwise."""
    column = model.__table__.c[key]
    return "" if isinstance(column.type, sa.String | sa.Text) and not column.nullable else None


# --- views -----------------------------------------------------------------------------------


def _deleted_requested(ledger: Ledger) -> bool:
    if request.args.get("deleted") not in ("1", "true"):
        return False
    if not ledger.restore:
        abort(404)
    require(ledger.restore)
    return True


def community_rows(ledger: Ledger) -> sa.Select:
    """The list of the URL's community, with the request's filters, order and deleted flag."""
    return ledger.filtered(
        db.session,
        ledger.model.community_id == g.community.id,
        parse_filters(ledger.filters, request.args),
        deleted=_deleted_requested(ledger),
        sort=ledger.parse_sort(request.args),
    )


def load(ledger: Ledger, record_id: int, *, deleted_ok: bool = False) -> Any:
    """A record of the URL's community; deleted ones only for restorers (404 otherwise)."""
    stmt = sa.select(ledger.model).where(
        ledger.model.id == record_id, ledger.model.community_id == g.community.id
    )
    if ledger.scope is not None:
        stmt = stmt.where(ledger.scope())
    obj = db.session.scalar(including_deleted(stmt))
    if obj is None:
        abort(404)
    if obj.deleted_at is not None and not (
        deleted_ok and ledger.restore and can(ledger.restore, g.community.path)
    ):
        abort(404)
    return obj


def can_edit(ledger: Ledger) -> bool:
    return can(ledger.edit, g.community.path) and not g.community.is_archived


def _unmask_requested(ledger: Ledger, obj: Any) -> bool:
    """``?unmask=1`` by a holder of the sensitive permission: audited; without it, a 403."""
    if request.args.get("unmask") not in ("1", "true"):
        return False
    if not ledger.sensitive:
        abort(404)
    require(ledger.sensitive)
    audit.record(
        f"{ledger.object_type}.unmask",
        node=node_ref(db.session, id=obj.node_id),
        object_type=type(obj).__tablename__,
        object_id=obj.id,
        summary=_l(
            "Viewed the sensitive fields of %(what)s in clear",
            what=ledger.record_title(obj),
        ),
    )
    db.session.commit()
    return True


def _context(ledger: Ledger) -> dict[str, Any]:
    extra = ledger.context() if ledger.context is not None else {}
    if ledger.workflow is not None:  # the record's next steps and timeline
        extra = {"workflow": ledger.workflow, **extra}
    return {"ledger": ledger, **extra}


def _template(ledger: Ledger, key: str) -> list[str]:
    return [t for t in (ledger.templates.get(key), f"records/{key}.html") if t]


def _list_template(ledger: Ledger, key: str, page: Page, **context: Any) -> str:
    """A page of the ledger's rows in its ``key`` template (``list`` or ``rollup``), with the
    filters of the query string."""
    return render_template(
        _template(ledger, key), page=page, filters=request.args, **context, **_context(ledger)
    )


def list_page(ledger: Ledger) -> Any:
    require(ledger.view)
    page = paginate(community_rows(ledger))
    return _list_template(
        ledger,
        "list",
        page,
        can_edit=can_edit(ledger),
        can_restore=bool(ledger.restore) and can(ledger.restore, g.community.path),
        showing_deleted=request.args.get("deleted") in ("1", "true"),
        may_unmask=ledger.may_unmask(g.community.path),
    )


def _form_value(f: ma.fields.Field, value: Any) -> Any:
    """A value as the form's inputs hold it."""
    if isinstance(f, ma.fields.Boolean):
        return "true" if value else ""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return plain(value)


def _new_values(ledger: Ledger) -> dict[str, Any]:
    """What the "new" form starts with: the fields' defaults, the records named in the query
    string, then the ledger's ``new_values``."""
    fields = dict(ledger.form_fields(False))
    values: dict[str, Any] = {}
    for name, f in fields.items():
        default = f.load_default
        if default is ma.missing:
            continue
        value = default() if callable(default) else default
        if value is not None:
            values[name] = _form_value(f, value)
    # Reached from another record's page (``?enterprise=3``), the form starts with it chosen.
    for name in fields:
        arg = request.args.get(name.removesuffix("_id"), "") if name.endswith("_id") else ""
        if arg.isdigit() and len(arg) <= 9:
            values[name] = arg
    extra = ledger.new_values() if ledger.new_values is not None else {}
    for name, value in extra.items():
        values[name] = _form_value(fields[name], value) if name in fields else plain(value)
    return values


def _form_values(ledger: Ledger, obj: Any) -> dict[str, Any]:
    if ledger.form_values is not None:
        return ledger.form_values(obj)
    values: dict[str, Any] = {}
    for name, f in ledger.form_fields(True):
        value = getattr(obj, name, None)
        if value is not None:
            values[name] = _form_value(f, value)
    if ledger.place_field and obj.node_id != obj.community_id:
        values[ledger.place_field] = obj.node.ref
    return values


def _list_fields(fields: list[tuple[str, ma.fields.Field]]) -> tuple[str, ...]:
    return tuple(
        name
        for name, f in fields
        if widget_of(f) == "checkboxes" or (isinstance(f, ma.fields.List) and not row_fields(f))
    )


def _require_sensitive(ledger: Ledger) -> None:
    """Changing an S3 value, or opening the edit form that shows them, needs the sensitive
    permission: nobody overwrites what they may not read. Recording a new one does not (who
    reports a casualty knows it)."""
    if not ledger.sensitive:
        abort(403)
    require(ledger.sensitive)


def _rows_fields(fields: list[tuple[str, ma.fields.Field]]) -> tuple[str, ...]:
    return tuple(name for name, f in fields if widget_of(f) == "rows")


def _posted(
    schema: ma.Schema, fields: list[tuple[str, ma.fields.Field]], editing: bool = False
) -> tuple[FormResult, dict[str, Any]]:
    """The posted form loaded by ``schema``, and the data to write. An edit changes what the
    form sent, not the fields it leaves out; unticked boxes are not sent, so they count as sent
    empty, and so do tables left empty."""
    multi, rows = _list_fields(fields), _rows_fields(fields)
    booleans = tuple(n for n, f in fields if isinstance(f, ma.fields.Boolean))
    form = load_form(schema, multi=multi, booleans=booleans, rows=rows)
    sent = set(request.form) | set(multi) | set(booleans) | set(rows)
    data = {k: v for k, v in form.data.items() if not editing or k in sent}
    for name in (*multi, *rows):  # no box ticked, no row filled in: an empty list
        data[name] = data.get(name) or []
    return form, data


def form_page(ledger: Ledger, obj: Any = None) -> Any:
    require(ledger.edit)
    editing = obj is not None
    if editing and ledger.s3_fields():
        _require_sensitive(ledger)
    fields = ledger.form_fields(editing)
    form: FormResult = empty_form(**(_form_values(ledger, obj) if editing else _new_values(ledger)))
    status = 200
    if request.method == "POST":
        schema = ledger.edit_schema() if editing else ledger.schema()
        form, data = _posted(schema, fields, editing)
        written: list[Any] = []

        def write() -> None:
            if editing:
                written.append(ledger.write_update(db.session, obj, data))
            else:
                written.append(ledger.write_new(db.session, g.community, data))

        saved, status = save(form, write)
        if saved:
            return redirect(ledger.url("detail", obj if editing else written[0]))
    return render_template(
        _template(ledger, "form"),
        form=form,
        record=obj,
        fields=fields,
        selected=_selected(form, fields),
        **_context(ledger),
    ), status


def _selected(form: FormResult, fields: list[tuple[str, ma.fields.Field]]) -> dict[str, list]:
    """The ticked boxes of each list field (as typed on a failed form)."""
    chosen: dict[str, list] = {}
    for name in _list_fields(fields):
        value = request.form.getlist(name) if request.method == "POST" else form.values.get(name)
        chosen[name] = list(value or [])
    return chosen


def detail_page(
    ledger: Ledger, record_id: int, part_forms: dict[str, FormResult] | None = None
) -> Any:
    """A record's page: its facts, its parts (a form to add one, as typed after a refusal) and
    its history."""
    require(ledger.view)
    obj = load(ledger, record_id, deleted_ok=True)
    unmasked = _unmask_requested(ledger, obj)
    schema = ledger.reader
    history = [
        {
            "at": change.at,
            "action": action_label(change.action, ledger.actions),
            "kind": change.action,
            "username": change.username,
            "changes": shown_changes(schema, change, unmasked),
        }
        for change in timeline(db.session, ledger.object_type, obj.id)
    ]
    return render_template(
        _template(ledger, "detail"),
        record=obj,
        facts=ledger.facts(obj, unmasked),
        data=ledger.dump(obj, unmasked),
        unmasked=unmasked,
        may_unmask=ledger.has_sensitive() and ledger.may_unmask(g.community.path),
        history=history,
        can_edit=can_edit(ledger) and obj.deleted_at is None,
        can_restore=bool(ledger.restore)
        and can(ledger.restore, g.community.path)
        and not g.community.is_archived,
        parts=[
            {
                "part": part,
                "records": part.items(db.session, obj),
                "form": (part_forms or {}).get(part.segment)
                or empty_form(**_new_values(part.ledger)),
                "can_add": can_edit(part.ledger) and obj.deleted_at is None,
            }
            for part in ledger.parts
            if part.shown
        ],
        **_context(ledger),
    )


def add_part_page(ledger: Ledger, part: Part, record_id: int) -> Any:
    """A part added from its record's page; a refusal shows the page again with the form."""
    require(part.ledger.edit)
    owner = load(ledger, record_id)
    form, data = _posted(part.ledger.schema(), part.form_fields())
    saved, status = save(form, lambda: part.add(db.session, owner, data))
    if saved:
        return redirect(ledger.url("detail", owner))
    return detail_page(ledger, record_id, {part.segment: form}), status


def confirm_page(ledger: Ledger, record_id: int, action: str) -> Any:
    """Delete and restore ask first (GET shows what will happen; POST does it)."""
    permission = ledger.edit if action == "delete" else ledger.restore
    if not permission:
        abort(404)
    require(permission)
    obj = load(ledger, record_id, deleted_ok=action == "restore")
    if request.method == "GET":
        return render_template(
            _template(ledger, "confirm"), record=obj, action=action, **_context(ledger)
        )
    try:
        if action == "delete":
            ledger.delete(db.session, obj)
        else:
            ledger.undelete(db.session, obj)
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(ledger.url("detail", obj))
    db.session.commit()
    if action == "delete":
        flash(_("Deleted. An administrator can restore it."), "success")
        return redirect(ledger.url("list"))
    flash(_("Restored."), "success")
    return redirect(ledger.url("detail", obj))


def step_page(ledger: Ledger, record_id: int, step: str) -> Any:
    """A step from the record's page: back to the record, with the refusal if there is one.
    A table the step takes (a scoring sheet) is read from its cells, as a record's form is."""
    steps = ledger.steps
    require(steps.permission or ledger.edit)
    obj = load(ledger, record_id)
    schema = steps.schema()
    form = load_form(schema, rows=_rows_fields(list(schema.fields.items())))
    if save(form, lambda: steps.run(db.session, obj, step, form.data))[0]:
        return redirect(ledger.url("detail", obj))
    messages = dict.fromkeys(str(m) for ms in form.errors.values() for m in ms)
    flash(" ".join(messages), "error")
    return redirect(ledger.url("detail", obj)), 303


# --- API -------------------------------------------------------------------------------------


def api_list(ledger: Ledger) -> Any:
    require(ledger.view)
    page = paginate(community_rows(ledger))
    return jsonify(page.to_json(ledger.dump))


def api_create(ledger: Ledger) -> Any:
    require(ledger.edit)
    obj = ledger.write_new(db.session, g.community, json_body(ledger.schema()))
    db.session.commit()
    return jsonify(ledger.dump_one(obj)), 201


def api_get(ledger: Ledger, record_id: int) -> Any:
    require(ledger.view)
    obj = load(ledger, record_id, deleted_ok=True)
    return jsonify(ledger.dump_one(obj, _unmask_requested(ledger, obj)))


def api_update(ledger: Ledger, record_id: int) -> Any:
    require(ledger.edit)
    obj = load(ledger, record_id)
    schema = ledger.edit_schema()
    data = json_body(schema, partial=True)
    if ledger.s3_fields() & data.keys() or (data and ledger.hidden_by_record(obj)):
        _require_sensitive(ledger)
    ledger.write_update(db.session, obj, data)
    db.session.commit()
    return jsonify(ledger.dump_one(obj))


def api_delete(ledger: Ledger, record_id: int) -> Any:
    require(ledger.edit)
    ledger.delete(db.session, load(ledger, record_id))
    db.session.commit()
    return "", 204


def api_restore(ledger: Ledger, record_id: int) -> Any:
    if not ledger.restore:
        abort(404)
    require(ledger.restore)
    obj = load(ledger, record_id, deleted_ok=True)
    ledger.undelete(db.session, obj)
    db.session.commit()
    return jsonify(ledger.dump_one(obj))


def api_step(ledger: Ledger, record_id: int, step: str) -> Any:
    steps = ledger.steps
    require(steps.permission or ledger.edit)
    obj = load(ledger, record_id)
    steps.run(db.session, obj, step, json_body(steps.schema()))
    db.session.commit()
    return jsonify(ledger.dump(obj))


def api_parts(ledger: Ledger, part: Part, record_id: int) -> Any:
    require(part.ledger.view)
    owner = load(ledger, record_id)
    return jsonify({"items": [part.ledger.dump(p) for p in part.items(db.session, owner)]})


def api_add_part(ledger: Ledger, part: Part, record_id: int) -> Any:
    require(part.ledger.edit)
    owner = load(ledger, record_id)
    obj = part.add(db.session, owner, json_body(part.ledger.schema()))
    db.session.commit()
    return jsonify(part.ledger.dump_one(obj)), 201


def api_events(ledger: Ledger, record_id: int) -> Any:
    """A record's workflow timeline, oldest first."""
    require(ledger.view)
    flow = ledger.workflow
    events = flow.timeline(db.session, load(ledger, record_id))
    return jsonify({"items": [flow.dump_event(e) for e in events]})


def api_history(ledger: Ledger, record_id: int) -> Any:
    """A record's history, newest first; sealed S3 values opened on ``?unmask=1`` for holders."""
    require(ledger.view)
    obj = load(ledger, record_id, deleted_ok=True)
    unmasked = _unmask_requested(ledger, obj)
    return jsonify(
        {
            "items": [
                {
                    "at": change.at.isoformat(),
                    "action": ledger.history_action(change.action),
                    "username": change.username,
                    "changes": read_changes(change.changes, unmasked, ledger.reader),
                }
                for change in timeline(db.session, ledger.object_type, obj.id)
            ]
        }
    )


def rollup_rows(ledger: Ledger) -> sa.Select:
    return ledger.filtered(
        db.session,
        module_scope_clause(ledger.model, ledger.view),
        parse_filters(ledger.filters, request.args),
        sort=ledger.parse_sort(request.args),
    )


def community_refs(items: list[Any]) -> dict[int, Any]:
    """The communities of a page of rows: id → node, in one query."""
    ids = {obj.community_id for obj in items}
    if not ids:
        return {}
    node_cls = node_model()
    return {n.id: n for n in db.session.scalars(sa.select(node_cls).where(node_cls.id.in_(ids)))}


def rollup_api_list(ledger: Ledger) -> Any:
    require(ledger.view)
    page = paginate(rollup_rows(ledger))
    nodes = community_refs(page.items)

    def dump(obj: Any) -> dict[str, Any]:
        node = nodes.get(obj.community_id)
        return ledger.dump(obj, community=node.ref if node is not None else None)

    return jsonify(page.to_json(dump))


def rollup_page(ledger: Ledger) -> Any:
    require(ledger.view)
    page = paginate(rollup_rows(ledger))
    return _list_template(ledger, "rollup", page, communities=community_refs(page.items))


# --- registration ----------------------------------------------------------------------------

PATH_COMMUNITY = {"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}
PATH_NODE = {"in": "path", "name": "node", "required": True, "schema": {"type": "string"}}
PATH_RECORD = {"in": "path", "name": "record_id", "required": True, "schema": {"type": "integer"}}
QUERY_SORT = {
    "in": "query",
    "name": "sort",
    "schema": {"type": "string"},
    "description": "a sortable column; -column for descending",
}
QUERY_DELETED = {
    "in": "query",
    "name": "deleted",
    "schema": {"type": "string"},
    "description": "1: deleted records (needs the restore permission)",
}
QUERY_UNMASK = {
    "in": "query",
    "name": "unmask",
    "schema": {"type": "string"},
    "description": "1: unmasked identifiers (needs the sensitive permission; audited)",
}


def _plural_param(ledgers: Sequence[Ledger]) -> dict[str, Any]:
    return {
        "in": "path",
        "name": "plural",
        "required": True,
        "schema": {"type": "string", "enum": [ledger.plural for ledger in ledgers]},
    }


def _add_step_routes(ledger: Ledger, pages: Any, api: Any) -> None:
    rule = f"/{ledger.plural}/<int:record_id>/{ledger.steps.rule}"
    pages.add_url_rule(
        rule,
        f"{ledger.name}_step",
        lambda record_id, step, ledger=ledger: step_page(ledger, record_id, step),
        methods=["POST"],
    )
    if api is None:
        return
    api.add_url_rule(
        rule,
        f"api_{ledger.name}_step",
        api_doc(
            ledger.steps.summary,
            request_schema=ledger.steps.schema,
            response_schema=ledger.record_schema,
            tags=[ledger.module],
        )(lambda record_id, step, ledger=ledger: api_step(ledger, record_id, step)),
        methods=["POST"],
    )


def _add_part_routes(ledger: Ledger, part: Part, pages: Any, api: Any) -> None:
    rule = f"/{ledger.plural}/<int:record_id>/{part.segment}"
    if part.shown:
        pages.add_url_rule(
            rule,
            f"add_{part.ledger.name}",
            lambda record_id: add_part_page(ledger, part, record_id),
            methods=["POST"],
        )
    if api is None:
        return
    params = [PATH_COMMUNITY, PATH_RECORD]
    kind = part.ledger
    api.add_url_rule(
        rule,
        f"api_{ledger.name}_{part.segment}",
        api_doc(
            f"The {kind.plural} of a {ledger.name}",
            response_schema=kind.record_schema,
            listed=True,
            tags=[kind.module],
            parameters=params,
        )(lambda record_id: api_parts(ledger, part, record_id)),
        methods=["GET"],
    )
    api.add_url_rule(
        rule,
        f"api_add_{kind.name}",
        api_doc(
            f"Add a {kind.name} to a {ledger.name}",
            request_schema=kind.schema,
            response_schema=kind.record_schema,
            status=201,
            tags=[kind.module],
            parameters=params,
        )(lambda record_id: api_add_part(ledger, part, record_id)),
        methods=["POST"],
    )


def register_ledgers(
    ledgers: Sequence[Ledger],
    *,
    pages: Any,
    api: Any = None,
    rollup: Any = None,
    rollup_api: Any = None,
) -> None:
    """Add the routes of a plugin's ledgers to its blueprints (call once, with all of them)."""
    by_plural = {ledger.plural: ledger for ledger in ledgers}
    plurals = ",".join(by_plural)
    any_plural = f"<any({plurals}):plural>"
    tags = [ledgers[0].module] if ledgers else []

    def pick(plural: str) -> Ledger:
        return by_plural[plural]

    for ledger in ledgers:
        base = f"/{ledger.plural}"
        pages.add_url_rule(
            ledger.list_path or base,
            ledger.list_endpoint or ledger.plural,
            lambda ledger=ledger: list_page(ledger),
        )
        pages.add_url_rule(
            f"{base}/new",
            f"new_{ledger.name}",
            lambda ledger=ledger: form_page(ledger),
            methods=["GET", "POST"],
        )
        pages.add_url_rule(
            f"{base}/<int:record_id>",
            ledger.name,
            lambda record_id, ledger=ledger: detail_page(ledger, record_id),
        )
        if ledger.steps is not None:
            _add_step_routes(ledger, pages, api)
        for part in ledger.parts:
            _add_part_routes(ledger, part, pages, api)
        ledger.add_routes(pages, api)
        if ledger.workflow is not None and api is not None:
            api.add_url_rule(
                f"{base}/<int:record_id>/events",
                f"api_{ledger.name}_events",
                api_doc(
                    f"A {ledger.name}'s timeline, oldest first: who, when, from which status to "
                    "which, comment",
                    tags=tags,
                    parameters=[PATH_COMMUNITY, PATH_RECORD],
                )(lambda record_id, ledger=ledger: api_events(ledger, record_id)),
            )
        if api is not None:
            params = [PATH_COMMUNITY, *(f.openapi() for f in ledger.filters), QUERY_SORT]
            if ledger.restore:
                params.append(QUERY_DELETED)
            api.add_url_rule(
                base,
                f"{ledger.name}_list",
                api_doc(
                    f"{ledger.plural.capitalize()} of a community (filters, order, pagination)",
                    response_schema=ledger.record_schema,
                    paginated=True,
                    tags=tags,
                    parameters=params,
                )(lambda ledger=ledger: api_list(ledger)),
                methods=["GET"],
            )
            api.add_url_rule(
                base,
                f"{ledger.name}_create",
                api_doc(
                    f"Register a {ledger.name}",
                    request_schema=ledger.schema,
                    response_schema=ledger.record_schema,
                    status=201,
                    tags=tags,
                    parameters=[PATH_COMMUNITY],
                )(lambda ledger=ledger: api_create(ledger)),
                methods=["POST"],
            )
        if ledger.rollup and rollup is not None:
            rollup.add_url_rule(base, ledger.plural, lambda ledger=ledger: rollup_page(ledger))
        if ledger.rollup and rollup_api is not None:
            rollup_api.add_url_rule(
                base,
                f"rollup_{ledger.plural}",
                api_doc(
                    f"{ledger.plural.capitalize()} across the communities of a street or district",
                    response_schema=ledger.record_schema,
                    paginated=True,
                    tags=tags,
                    parameters=[PATH_NODE, *(f.openapi() for f in ledger.filters), QUERY_SORT],
                )(lambda ledger=ledger: rollup_api_list(ledger)),
            )

    pages.add_url_rule(
        f"/{any_plural}/<int:record_id>/edit",
        "edit",
        lambda plural, record_id: form_page(pick(plural), load(pick(plural), record_id)),
        methods=["GET", "POST"],
    )
    for action in ("delete", "restore"):
        pages.add_url_rule(
            f"/{any_plural}/<int:record_id>/{action}",
            action,
            lambda plural, record_id, action=action: confirm_page(pick(plural), record_id, action),
            methods=["GET", "POST"],
        )
    if api is None:
        return
    record = [PATH_COMMUNITY, _plural_param(ledgers), PATH_RECORD]
    routes: list[tuple[str, str, str, Callable[..., Any], str, list[dict[str, Any]]]] = [
        (
            "",
            "api_record",
            "GET",
            api_get,
            "One record (?unmask=1: unmasked identifiers, audited; needs the sensitive permission)",
            [*record, QUERY_UNMASK],
        ),
        (
            "",
            "api_update",
            "PATCH",
            api_update,
            "Change a record (only the fields given); every change is kept in its history",
            record,
        ),
        (
            "",
            "api_delete",
            "DELETE",
            api_delete,
            "Delete a record (soft: an administrator can restore it)",
            record,
        ),
        ("/restore", "api_restore", "POST", api_restore, "Restore a deleted record", record),
        (
            "/history",
            "api_history",
            "GET",
            api_history,
            "A record's history, newest first: who, when, old and new values (identifiers masked)",
            record,
        ),
    ]
    for suffix, endpoint, method, view, summary, params in routes:
        api.add_url_rule(
            f"/{any_plural}/<int:record_id>{suffix}",
            endpoint,
            api_doc(
                summary, tags=tags, parameters=params, status=204 if method == "DELETE" else 200
            )(lambda plural, record_id, view=view: view(pick(plural), record_id)),
            methods=[method],
        )


def ledgers_exports(ledgers: Sequence[Ledger]) -> list[Export]:
    return [ledger.export_spec() for ledger in ledgers if ledger.exportable]


def ledgers_imports(ledgers: Sequence[Ledger]) -> list[Import]:
    return [ledger.import_spec() for ledger in ledgers if ledger.importable]


__all__ = [
    "Filter",
    "Ledger",
    "Part",
    "Steps",
    "choices_of",
    "ledgers_exports",
    "ledgers_imports",
    "parse_filters",
    "register_ledgers",
]
