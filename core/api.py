"""JSON API plumbing shared by every ``/api/v1`` endpoint: request bodies through marshmallow,
pagination with totals, and the OpenAPI 3 document built from the endpoints themselves."""

from __future__ import annotations

import copy
import hashlib
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import partialmethod
from typing import Any, TypeVar

import marshmallow as ma
import sqlalchemy as sa
from flask import Flask, current_app, request
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression
from werkzeug.exceptions import BadRequest
from werkzeug.routing import AnyConverter, IntegerConverter

import core
from core.db import EXPLAIN, db
from core.errors import DomainError

F = TypeVar("F", bound=Callable[..., Any])
MAX_PAGE = 1_000_000
MAX_PER_PAGE = 200


def json_body(schema: ma.Schema, *, partial: bool = False) -> dict[str, Any]:
    """The request's JSON object loaded through ``schema`` (400 if not JSON, 422 if invalid)."""
    data = request.get_json(silent=True)
    if data is None or not isinstance(data, dict):
        exc = BadRequest()
        exc.jiedao_message = _("The request body must be a JSON object.")  # type: ignore[attr-defined]
        raise exc
    return schema.load(data, partial=partial)


def page_args() -> tuple[int, int]:
    """``?page=&per_page=`` with bounds; bad values are a 400, not a 500."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", current_app.config["PER_PAGE"]))
    except ValueError:
        exc = BadRequest()
        exc.jiedao_message = _("page and per_page must be whole numbers.")  # type: ignore[attr-defined]
        raise exc from None
    # A page beyond MAX_PAGE would push the OFFSET past what the database can count.
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= MAX_PER_PAGE:
        exc = BadRequest()
        exc.jiedao_message = _(
            "page is between 1 and %(pages)s; per_page is between 1 and %(max)s.",
            pages=MAX_PAGE,
            max=MAX_PER_PAGE,
        )  # type: ignore[attr-defined]
        raise exc
    return page, per_page


# Up to this many rows a total is counted exactly; beyond, the database's estimate is shown.
EXACT_TOTAL_UP_TO = 10_000
CURSOR_SALT = "jiedao.page-cursor"


def bad_cursor() -> DomainError:
    message = _("This page link is not valid any more; start again from the first page.")
    return DomainError(message, {"cursor": [message]})


@dataclass(frozen=True)
class _Key:
    """One term of a list's order: an expression and its direction."""

    expr: Any
    descending: bool

    def walked(self, backwards: bool) -> Any:
        descending = self.descending != backwards
        return self.expr.desc() if descending else self.expr.asc()


def order_keys(stmt: sa.Select) -> list[_Key] | None:
    """The terms of ``stmt``'s ORDER BY when they can carry a cursor: plain ascending or
    descending expressions ending with a primary key (so no two rows share a position)."""
    keys = []
    for clause in stmt._order_by_clauses:
        element, descending = clause, False
        if isinstance(clause, UnaryExpression):
            if clause.modifier not in (operators.asc_op, operators.desc_op):
                return None
            element, descending = clause.element, clause.modifier is operators.desc_op
        keys.append(_Key(element, descending))
    if not keys or not getattr(keys[-1].expr, "primary_key", False):
        return None
    return keys


def _order_print(keys: list[_Key]) -> str:
    """What a cursor is bound to: the order it was made in (another sort refuses it)."""
    text = "|".join(f"{'-' if k.descending else ''}{k.expr}" for k in keys)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _plain_key(value: Any) -> Any:
    """A sort key value as JSON; dates and decimals tagged, so they come back as they were."""
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, str | int | float):
        return value
    raise TypeError(type(value).__name__)


def _typed_key(value: Any) -> Any:
    if isinstance(value, dict):
        (tag, text), *_rest = value.items()
        return {"t": datetime.fromisoformat, "d": date.fromisoformat, "n": Decimal}[tag](text)
    return value


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=CURSOR_SALT)


def encode_cursor(keys: list[_Key], values: Sequence[Any], backwards: bool) -> str | None:
    """An opaque, signed cursor: the rows after (or before) ``values`` in the order ``keys``;
    None when a value cannot be carried (the page links fall back to page numbers)."""
    try:
        plain = [_plain_key(v) for v in values]
    except TypeError:
        return None
    payload = {"o": _order_print(keys), "b": int(backwards), "k": plain}
    return _serializer().dumps(payload)


def decode_cursor(raw: str, keys: list[_Key] | None) -> tuple[bool, list[Any]]:
    """``(backwards, values)`` of a cursor made for this order; anything else is refused by
    name (a 422), never a 500."""
    if keys is None or len(raw) > 2000:
        raise bad_cursor()
    try:
        payload = _serializer().loads(raw)
        if payload["o"] != _order_print(keys) or len(payload["k"]) != len(keys):
            raise ValueError
        return bool(payload["b"]), [_typed_key(v) for v in payload["k"]]
    except (BadData, KeyError, TypeError, ValueError, ArithmeticError):
        raise bad_cursor() from None


def _beyond(keys: list[_Key], values: list[Any], backwards: bool, nulls_largest: bool) -> Any:
    """Rows strictly past ``values`` in the walk's direction (row-value comparison spelled
    out, so mixed directions and NULLs work; PostgreSQL sorts NULL as the largest value,
    SQLite as the smallest)."""

    def same(expr: Any, value: Any) -> Any:
        return expr.is_(None) if value is None else expr == value

    def past(key: _Key, value: Any) -> Any:
        greater = key.descending == backwards
        if value is None:  # past NULL: the non-null values, if NULL sorts before them
            return key.expr.is_not(None) if greater != nulls_largest else sa.false()
        bare = key.expr > value if greater else key.expr < value
        return sa.or_(bare, key.expr.is_(None)) if greater == nulls_largest else bare

    terms = []
    for i, key in enumerate(keys):
        equal = [same(k.expr, v) for k, v in zip(keys[:i], values[:i], strict=True)]
        terms.append(sa.and_(*equal, past(key, values[i])))
    return sa.or_(*terms)


def estimated_rows(stmt: sa.Select) -> int | None:
    """The planner's estimate of the rows ``stmt`` reads (PostgreSQL); None elsewhere."""
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    probe = sa.select(sa.literal_column("1")).select_from(stmt.subquery())
    options = {**stmt.get_execution_options(), EXPLAIN: True}
    plan = db.session.execute(probe.execution_options(**options)).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_total(stmt: sa.Select) -> tuple[int, bool]:
    """``(total, exact)`` of ``stmt``'s rows: counted up to :data:`EXACT_TOTAL_UP_TO`, beyond
    it the planner's estimate (never below what was counted). Where there is no estimate
    (SQLite, the embedded default for smaller offices) the rows are counted."""
    bare = stmt.order_by(None)
    options = stmt.get_execution_options()

    def count(rows: sa.Select) -> int:
        counted = sa.select(sa.func.count()).select_from(rows.subquery())
        return db.session.scalar(counted.execution_options(**options)) or 0

    found = count(bare.limit(EXACT_TOTAL_UP_TO + 1))
    if found <= EXACT_TOTAL_UP_TO:
        return found, True
    estimate = estimated_rows(bare)
    if estimate is None:
        return count(bare), True
    return max(estimate, found), False


class Page:
    """One page of a select, with the total of the whole filtered select (exact, or marked as
    an estimate beyond :data:`EXACT_TOTAL_UP_TO` rows).

    Pages are reached by number (``?page=``, an OFFSET: fine for the first pages) or, from the
    previous/next links, by ``?cursor=`` (the sort key of the row next to the page, signed):
    a page reached that way costs the same at the end of millions of rows as at the start. A
    cursor needs an order ending with the primary key; other selects page by number only."""

    def __init__(
        self,
        stmt: sa.Select,
        page: int,
        per_page: int,
        *,
        scalars: bool = True,
        cursor: str | None = None,
    ) -> None:
        self.page = page
        self.per_page = per_page
        self.total, self.total_exact = bounded_total(stmt)
        keys = order_keys(stmt) if scalars else None
        backwards, values = decode_cursor(cursor, keys) if cursor else (False, None)
        width = len(stmt.column_descriptions)  # what one row holds: an entity is one
        paged = stmt.add_columns(*(k.expr for k in keys)) if keys else stmt
        if values is not None:
            nulls_largest = db.session.get_bind().dialect.name != "sqlite"
            paged = paged.where(_beyond(keys, values, backwards, nulls_largest))
            paged = paged.order_by(None).order_by(*(k.walked(backwards) for k in keys))
        else:
            paged = paged.offset((page - 1) * per_page)
        rows = list(db.session.execute(paged.limit(per_page + 1)))
        more = len(rows) > per_page
        rows = rows[:per_page]
        if backwards:
            rows.reverse()
        if values is None:
            self.has_prev, self.has_next = page > 1, more
        elif backwards:
            self.has_prev, self.has_next = more, True
            self.page = page if more else 1
        else:
            self.has_prev, self.has_next = True, more
        self.items = [row[0] for row in rows] if scalars else rows
        self.next_cursor = self.prev_cursor = None
        if keys and rows:
            if self.has_next:
                self.next_cursor = encode_cursor(keys, rows[-1][width:], False)
            if self.has_prev and self.page > 2:
                self.prev_cursor = encode_cursor(keys, rows[0][width:], True)

    @property
    def pages(self) -> int:
        pages = max(1, math.ceil(self.total / self.per_page))
        # Walking by cursor, or past an estimate, the page numbers are what the walk shows.
        return max(pages, self.page + 1) if self.has_next else pages

    def link_args(self, forward: bool) -> dict[str, Any]:
        """The query arguments of the next (or previous) page's link: its number, and its
        cursor where there is one (the first page needs none)."""
        target = self.page + 1 if forward else self.page - 1
        cursor = self.next_cursor if forward else self.prev_cursor
        return {"page": target, "cursor": cursor}

    def to_json(self, dump: ma.Schema | Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """The page as the API answers it; items dumped by a schema or a function of one row."""
        items = (
            dump.dump(self.items, many=True)
            if isinstance(dump, ma.Schema)
            else [dump(item) for item in self.items]
        )
        return {
            "items": items,
            "page": self.page,
            "per_page": self.per_page,
            "total": self.total,
            "total_exact": self.total_exact,
            "pages": self.pages,
            "next_cursor": self.next_cursor,
            "prev_cursor": self.prev_cursor,
        }


def paginate(stmt: sa.Select, *, scalars: bool = True) -> Page:
    page, per_page = page_args()
    cursor = request.args.get("cursor", "").strip() or None
    return Page(stmt, page, per_page, scalars=scalars, cursor=cursor)


class PageSchema(ma.Schema):
    """The page fields of every paginated answer (:meth:`Page.to_json`); the document adds each
    operation's ``items`` beside them (``allOf``), so the schema leaves other keys open."""

    class Meta:
        unknown = ma.EXCLUDE  # no additionalProperties: false, which would forbid ``items``

    page = ma.fields.Integer(required=True)
    per_page = ma.fields.Integer(required=True)
    total = ma.fields.Integer(
        required=True, metadata={"description": "exact, or an estimate when total_exact is false"}
    )
    total_exact = ma.fields.Boolean(
        required=True,
        metadata={"description": f"false: more than {EXACT_TOTAL_UP_TO} rows, total estimated"},
    )
    pages = ma.fields.Integer(required=True)
    next_cursor = ma.fields.String(
        allow_none=True,
        metadata={"description": "pass as ?cursor= (with page=page+1) for the next page"},
    )
    prev_cursor = ma.fields.String(
        allow_none=True,
        metadata={"description": "pass as ?cursor= (with page=page-1) for the previous page"},
    )


def _as_answered(field: ma.fields.Field) -> ma.fields.Field:
    """``field`` as a dump shows it: present or not, and — unless a record cannot be stored
    without it — possibly null; its value any of its choices (blank when it is optional), its
    input checks (lengths, patterns) dropped, as they judge what is sent, not what is read. A
    decimal kept as text (``Decimal(as_string=True)``) is text there, ``"303.00"``."""
    if isinstance(field, ma.fields.Decimal) and field.as_string:
        metadata = {**field.metadata, "format": "decimal"}
        field = ma.fields.String(required=field.required, allow_none=True, metadata=metadata)
    answered = copy.copy(field)
    answered.required = False
    answered.allow_none = answered.allow_none or not field.required
    choices = field.metadata.get("choices")
    keys = list(choices) if isinstance(choices, dict) else []
    answered.validators = (
        [ma.validate.OneOf([*keys, *([] if field.required else [""])])] if keys else []
    )
    return answered


def answer_schema(
    schema: type[ma.Schema],
    suffix: str,
    fields: dict[str, ma.fields.Field],
    area: str | None = None,
) -> type[ma.Schema]:
    """``schema`` as an answer shows it (each field :func:`_as_answered`), with the ``fields``
    the answer adds beside its own (where a record is, a count), named ``<schema><suffix>`` in
    the document, after ``area`` (the module the answer is of, see :func:`schema_name`). For
    the document only: views dump with their own schema and add those keys themselves. Other
    keys are left open, for what a plugin adds to its records."""
    base_meta = getattr(schema, "Meta", object)
    declared = schema._declared_fields
    # A dump leaves out what is only read in; a key of that name an answer adds is left open.
    unread = tuple(key for key, field in declared.items() if field.load_only and key not in fields)
    exclude = (*getattr(base_meta, "exclude", ()), *unread)
    meta = type("Meta", (base_meta,), {"unknown": ma.EXCLUDE, "exclude": exclude})
    name = schema.__name__.removesuffix("Schema") + suffix + "Schema"
    answered = {key: _as_answered(field) for key, field in declared.items()}
    area = area or schema_area(schema)
    return type(
        name,
        (schema,),
        {
            **answered,
            **fields,
            "Meta": meta,
            "__doc__": schema.__doc__,
            "__module__": schema.__module__,
            "openapi_area": area,
        },
    )


def schema_area(schema: type[ma.Schema]) -> str | None:
    """The module a schema belongs to: its ``openapi_area``, else the plugin whose package
    declares it (``plugins.youth_care.…`` → ``youth_care``, ``jiedao_eldercare.…`` →
    ``eldercare``), else none (core's and the tenants' own)."""
    area = getattr(schema, "openapi_area", None)
    if area:
        return str(area)
    top, _, rest = schema.__module__.partition(".")
    if top in ("core", "tenants"):
        return None
    return rest.partition(".")[0] if top == "plugins" else top.removeprefix("jiedao_")


def schema_name(schema: Any) -> str:
    """A schema's name in the document: its class name without ``Schema``, after its module
    (``YouthCareChild``, ``FamilyPlanningChild``). Two modules may name their schemas alike;
    apispec's own answer to a clash is a number suffix that changes with the plugins
    installed, so a client generated against one deployment would misread another's."""
    from apispec.ext.marshmallow.common import resolve_schema_cls

    cls = resolve_schema_cls(schema)
    cls = cls[0] if isinstance(cls, list) else cls
    area = schema_area(cls)
    prefix = "".join(word.title() for word in area.split("_")) if area else ""
    name = cls.__name__.removesuffix("Schema")
    return name if name.startswith(prefix) else prefix + name


class ErrorSchema(ma.Schema):
    class _Body(ma.Schema):
        code = ma.fields.String()
        message = ma.fields.String()
        fields = ma.fields.Dict()

    error = ma.fields.Nested(_Body)


def api_doc(
    summary: str,
    *,
    request_schema: type[ma.Schema] | None = None,
    response_schema: type[ma.Schema] | None = None,
    paginated: bool = False,
    listed: bool = False,
    status: int = 200,
    tags: list[str] | None = None,
    parameters: list[dict[str, Any]] | None = None,
) -> Callable[[F], F]:
    """Describe an endpoint for the OpenAPI document; one view serves one method. The answer
    is one ``response_schema``, a :class:`Page` of them (``paginated``) or all of them under
    ``items`` (``listed``)."""

    def decorator(view: F) -> F:
        view._api_doc = {  # type: ignore[attr-defined]
            "summary": summary,
            "request": request_schema,
            "response": response_schema,
            "paginated": paginated,
            "listed": listed,
            "status": status,
            "tags": tags or [],
            "parameters": parameters or [],
        }
        return view

    return decorator


class Operations:
    """The API operations of one blueprint, each declared in one decorator: its method and
    rule, the permission it needs somewhere in the tree (``None``: signed-in checks are the
    view's own) and its OpenAPI description, with the blueprint's tags. Path parameters are
    typed from the rule, so only query parameters need naming.

        ops = Operations(api, tags=["tree"])

        @ops.post("/<ref>/archive", "tenants.manage", "Archive a node", response_schema=S)
        def archive(ref): ...
    """

    def __init__(self, blueprint: Any, *, tags: list[str]) -> None:
        self.blueprint = blueprint
        self.tags = tags

    def route(
        self, method: str, rule: str, permission: str | None, summary: str, **doc: Any
    ) -> Callable[[F], F]:
        from core.permissions import permission_required

        def decorator(view: F) -> F:
            view = api_doc(summary, tags=self.tags, **doc)(view)
            if permission is not None:
                view = permission_required(permission)(view)
            self.blueprint.route(rule, methods=[method])(view)
            return view

        return decorator

    # ``ops.get(rule, permission, summary, **doc)`` is ``ops.route("GET", rule, …)``; likewise.
    get = partialmethod(route, "GET")
    post = partialmethod(route, "POST")
    patch = partialmethod(route, "PATCH")
    put = partialmethod(route, "PUT")
    delete = partialmethod(route, "DELETE")


def _operation(doc: dict[str, Any], method: str) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": doc["summary"], "tags": doc["tags"], "responses": {}}
    writes = method != "get"
    params = list(doc["parameters"])
    if doc["paginated"]:
        params += [
            {
                "in": "query",
                "name": "page",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
            },
            {
                "in": "query",
                "name": "per_page",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            },
            {
                "in": "query",
                "name": "cursor",
                "schema": {"type": "string", "maxLength": 2000},
                "description": "a page's next_cursor or prev_cursor (opaque)",
            },
        ]
    if params:
        op["parameters"] = params
    if doc["request"] is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": doc["request"]}},
        }
    body: dict[str, Any] = {"description": "OK"}
    if doc["response"] is not None:
        items = {
            "type": "object",
            "required": ["items"],
            "properties": {"items": {"type": "array", "items": doc["response"]}},
        }
        schema: Any = doc["response"]
        if doc["paginated"]:
            schema = {"allOf": [{"$ref": "#/components/schemas/Page"}, items]}
        elif doc["listed"]:
            schema = items
        body["content"] = {"application/json": {"schema": schema}}
    op["responses"][str(doc["status"])] = body
    error = {"description": "Error", "content": {"application/json": {"schema": "Error"}}}
    # 401 without a valid session or token; 409 when a write conflicts with what is stored.
    for code in ("400", "401", "403", "404", *(["409"] if writes else []), "422"):
        op["responses"][code] = error
    return op


def _integer_bounds(converter: Any) -> dict[str, Any]:
    """What an ``<int:…>`` converter accepts, as JSON schema bounds."""
    bounds = {} if converter.signed else {"minimum": 0}
    if converter.min is not None:
        bounds["minimum"] = converter.min
    if converter.max is not None:
        bounds["maximum"] = converter.max
    return bounds


def _path_parameters(rule: Any, given: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The path parameters of a URL rule: those its documentation names, then the others,
    typed from the rule's converters (``int`` → an integer within the converter's bounds,
    ``any(a,b)`` → an enum). An integer the documentation names gets the bounds too, so the
    document never offers an id that the route does not match."""
    found = []
    for param in given:
        converter = rule._converters.get(param["name"]) if param.get("in") == "path" else None
        if isinstance(converter, IntegerConverter):
            param = {**param, "schema": {**_integer_bounds(converter), **param["schema"]}}
        found.append(param)
    named = {p["name"] for p in given if p.get("in") == "path"}
    for name in sorted(rule.arguments - named):
        converter = rule._converters.get(name)
        schema: dict[str, Any] = {"type": "string"}
        if isinstance(converter, IntegerConverter):
            schema = {"type": "integer", **_integer_bounds(converter)}
        elif isinstance(converter, AnyConverter):
            schema = {"type": "string", "enum": sorted(converter.items)}
        found.append({"in": "path", "name": name, "required": True, "schema": schema})
    return found


def build_openapi(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every documented route. apispec is imported here, at the first
    request of the document, not when a worker starts."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin
    from apispec_webframeworks.flask import FlaskPlugin

    spec = APISpec(
        title="Jiedao API",
        version=core.__version__,
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin(schema_name_resolver=schema_name)],
        info={
            "description": '街道 platform API. Errors: {"error": {"code", "message", "fields"}}.'
        },
    )
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.schema("Page", schema=PageSchema)
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": "session"}
    )
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer"})
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        doc = getattr(view, "_api_doc", None)
        if doc is None:
            continue
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        doc = {
            **doc,
            "parameters": _path_parameters(rule, doc["parameters"]),
        }
        operations = {method.lower(): _operation(doc, method.lower()) for method in methods}
        spec.path(view=view, app=app, operations=operations)
    return spec.to_dict()
