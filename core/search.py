"""Global search from the top bar: places and the people (and organisations) of every ledger,
across the user's whole part of the tree.

Which ledgers it looks in follows from their declarations, so a plugin adds nothing: a ledger
with a search box (a text filter ``q``) whose list shows identifiers (S2 fields among its
columns: ID numbers, phones) is a register of people or organisations. Ledgers with S3 fields
(reproductive health, criminal records …) and those listed only inside their community are
left out: their entries must not be listed across communities at all. Text that is a whole
number (6 to 18 digits, an ID's final X) is matched exactly against the ledger's S2 text
columns (indexed where the plugin indexes them); other digits find nothing, never the end of
an ID; any other text goes through the ledger's own ``q`` filter (a name's start). Every query
keeps to the communities where the user holds the ledger's view permission and its module is
on, and stops at :data:`PER_LEDGER` rows. Identifiers are masked unless the user holds the
ledger's sensitive permission at the record's community; shown in clear, each record's
unmasking is audited as on its own page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.accounts import places
from core.permissions import Scope
from core.records.ledger import Ledger, parse_filters
from core.records.sensitivity import S2, reveal, sensitivity_of
from core.tenancy import enabled_communities, plugin_system
from core.tree import NodeRef, node_refs

TEXT_MAX = 64
PER_LEDGER = 5
NUMBER = re.compile(r"\d{6,18}|\d{17}[Xx]")
DIGITS = re.compile(r"\d+[Xx]?")


def is_number(text: str) -> bool:
    """Digits (an ID's final X allowed): matched exactly, never as a part of a number."""
    return text.isascii() and DIGITS.fullmatch(text) is not None


@dataclass
class RecordHit:
    ledger: Ledger
    record: Any
    title: str
    community: NodeRef | None
    identifiers: list[tuple[str, str, Any]]  # (field, label, value as the user may see it)
    url: str | None


@dataclass
class Results:
    text: str
    places: list[dict[str, str]] = field(default_factory=list)
    records: list[RecordHit] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.places and not self.records


def searchable_ledgers() -> list[Ledger]:
    """The active ledgers of people and organisations (see the module's docstring), worked
    out once per app: the plugins are loaded when it starts."""
    cached = current_app.extensions.get("jiedao.searchable_ledgers")
    if cached is None:
        cached = current_app.extensions["jiedao.searchable_ledgers"] = _searchable()
    return cached


def _searchable() -> list[Ledger]:
    found = []
    for _name, ledgers in plugin_system().call("jiedao_ledgers"):
        for ledger in ledgers:
            if ledger.community_only or ledger.s3_fields():
                continue
            if _identifier_columns(ledger) and _q_filter(ledger) is not None:
                found.append(ledger)
    return found


def _identifier_columns(ledger: Ledger) -> list[tuple[str, Any]]:
    """(field name, its field) of the S2 list columns: what a result shows of a record."""
    return [(name, f) for name, f in ledger.columns() if sensitivity_of(f) == S2]


def _exact_clause(ledger: Ledger, text: str) -> sa.ColumnElement[bool] | None:
    """``text`` equal to one of the ledger's S2 text columns long enough to hold it."""
    columns = sa.inspect(ledger.model).columns
    matches = []
    for name, f in ledger.fields().items():
        if sensitivity_of(f) != S2 or name not in columns:
            continue
        column = columns[name]
        if not isinstance(column.type, sa.String):
            continue
        if column.type.length is not None and column.type.length < len(text):
            continue
        matches.append(column == text.upper())
    return sa.or_(*matches) if matches else None


def _q_filter(ledger: Ledger) -> Any:
    """The ledger's own search box (its text filter ``q``), if it has one."""
    return next((f for f in ledger.filters if f.name == "q" and f.kind == "text"), None)


def _text_clause(session: Session, ledger: Ledger, text: str) -> sa.ColumnElement[bool] | None:
    spec = _q_filter(ledger)
    if spec is None:
        return None
    value = parse_filters([spec], {"q": text}).get("q")
    return spec.predicate(session, ledger.model, value) if value else None


def _records(session: Session, scope: Scope, ledger: Ledger, text: str) -> list[Any]:
    roots = scope.nodes(ledger.view)
    if not roots:
        return []
    if is_number(text):  # a whole number, or nothing: the end of an ID finds no one
        match = _exact_clause(ledger, text) if NUMBER.fullmatch(text) else None
    else:
        match = _text_clause(session, ledger, text)
    if match is None:
        return []
    model = ledger.model
    where = sa.and_(
        model.__scope_clause__(roots),
        model.community_id.in_(enabled_communities(ledger.module)),
        match,
    )
    stmt = ledger.base_query(where).order_by(model.id).limit(PER_LEDGER)
    return list(session.scalars(stmt))


def search(session: Session, scope: Scope, text: str) -> Results:
    """Places the user sees and records of :func:`searchable_ledgers` matching ``text``."""
    text = (text or "").strip()[:TEXT_MAX]
    results = Results(text)
    if not text:
        return results
    found = places.search(session, scope, "tenants.view", text)
    results.places = [
        {**item, "kind": place.kind, "url": url_for("tenants.node", ref=place.ref)}
        for place, item in zip(found, places.labelled(session, found), strict=True)
    ]
    matched = [
        (ledger, record)
        for ledger in searchable_ledgers()
        for record in _records(session, scope, ledger, text)
    ]
    communities = node_refs(session, {record.community_id for _l, record in matched})
    for ledger, record in matched:
        community = communities.get(record.community_id)
        clear = bool(ledger.sensitive) and scope.allows(
            ledger.sensitive, community.path if community else ""
        )
        identifiers = [
            (name, str(f.metadata.get("label", name)), reveal(f, value, s2=clear))
            for name, f in _identifier_columns(ledger)
            if (value := getattr(record, name, None)) not in (None, "")
        ]
        if clear and identifiers:
            _audit_unmask(session, ledger, record)
        results.records.append(
            RecordHit(
                ledger=ledger,
                record=record,
                title=ledger.record_title(record),
                community=community,
                identifiers=identifiers,
                url=ledger.url("detail", record, community=community.ref) if community else None,
            )
        )
    return results


def _audit_unmask(session: Session, ledger: Ledger, record: Any) -> None:
    """The record's identifiers were shown in clear: audited as on the record's own page."""
    node = node_refs(session, {record.node_id}).get(record.node_id)
    audit.record(
        f"{ledger.object_type}.unmask",
        node=node,
        object_type=type(record).__tablename__,
        object_id=record.id,
        summary=_(
            "Viewed the sensitive fields of %(what)s in clear",
            what=ledger.record_title(record),
        ),
        details={"via": "search"},
    )
