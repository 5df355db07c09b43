"""Finding registry rows: what other plugins call to reference residents and units (see
README.md), the pickers' searches, and the text filters of the lists.

Every lookup applies the user's scope (``registry.view``) and the module switch in SQL and never
returns a soft-deleted row. Name prefixes and ID suffixes are index range scans (``models.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.orm import Session

from core import clock
from core.db import db
from core.permissions import Scope, current_scope
from core.records.history import actor
from core.tree import NodeRef
from tenants.models import Node, NodeKind
from tenants.modules import enabled_communities

from .ages import years_before
from .models import RegistryHousehold, RegistryResident, RegistryUnit
from .validators import mask_id
from .vocabularies import ADULT_AGE, MODULE, PRESENT, VIEW

TextClause = Callable[[Session, str], sa.ColumnElement[bool]]
# Where to look: under a node (a community, a street …), or anywhere the scope reaches (None).
Place = Node | NodeRef | None


# --- what a text asks for --------------------------------------------------------------------


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def prefix_clause(session: Session, column: Any, text: str) -> sa.ColumnElement[bool]:
    """``column`` starts with ``text``, in a form the name/ID indexes serve: ``LIKE 'x%'`` on
    PostgreSQL (``text_pattern_ops`` indexes), a code-point range on SQLite (binary indexes)."""
    if session.get_bind().dialect.name == "postgresql":
        return column.like(_escape_like(text) + "%", escape="\\")
    return sa.and_(column >= text, column < text + "\U0010ffff")


def _looks_like_id(text: str) -> bool:
    return 0 < len(text) <= 18 and text[:-1].isdigit() and (text[-1].isdigit() or text[-1] in "Xx")


def resident_text_clause(session: Session, text: str) -> sa.ColumnElement[bool]:
    """``text``: digits (and a final X) are the end of an ID number, anything else a name prefix."""
    text = text.strip()
    if _looks_like_id(text):
        return prefix_clause(session, RegistryResident.id_reversed, text.upper()[::-1])
    return prefix_clause(session, RegistryResident.name, text)


def household_text_clause(session: Session, text: str) -> sa.ColumnElement[bool]:
    """The head's name starts with ``text``, or the room or the building (``Node``, joined)
    contains it."""
    return sa.or_(
        prefix_clause(session, RegistryHousehold.head_name, text),
        RegistryHousehold.room.contains(text, autoescape=True),
        Node.name.contains(text, autoescape=True),
    )


def unit_text_clause(session: Session, text: str) -> sa.ColumnElement[bool]:
    """A whole credit code, or the start of the unit's name."""
    if len(text) == 18 and text.isalnum():
        return RegistryUnit.credit_code == text.upper()
    return prefix_clause(session, RegistryUnit.name, text)


# --- what a user may see ---------------------------------------------------------------------


def visible_clause(model: Any, scope: Scope, permission: str = VIEW) -> sa.ColumnElement[bool]:
    """Rows of ``model`` that ``scope`` may read, in communities where the registry is on."""
    nodes = scope.nodes(permission)
    if not nodes:
        return sa.false()
    return sa.and_(
        model.__scope_clause__(nodes), model.community_id.in_(enabled_communities(MODULE))
    )


def reachable(
    session: Session, model: Any, row_id: int, community: Node, *where: Any
) -> Any | None:
    """The row ``row_id`` of ``model`` if a record of ``community`` may name it (a guardian, an
    employer, a landlord) and it meets ``where``: what the signed-in user may read in the
    registry; outside a signed-in request (the CLI, the demo) the rows of the community's
    street where the module is on. ``None`` otherwise."""
    if actor() is not None:  # a signed-in request
        named = visible_clause(model, current_scope())
    else:
        named = sa.and_(
            model.street_id == community.street_id,
            model.community_id.in_(enabled_communities(MODULE)),
        )
    return session.scalar(sa.select(model).where(model.id == row_id, named, *where))


def _within(model: Any, place: Place) -> sa.ColumnElement[bool]:
    if place is None:
        return sa.true()
    ref = place.as_ref() if isinstance(place, Node) else place
    return model.__scope_clause__([ref])


def _visible(model: Any, scope: Scope, community: Place) -> sa.Select:
    return sa.select(model).where(visible_clause(model, scope), _within(model, community))


def _search(
    session: Session, text: str, stmt: sa.Select, clause: TextClause, limit: int, *order: Any
) -> list[Any]:
    """The first ``limit`` rows of ``stmt`` that ``clause`` matches for ``text``, in ``order``;
    none for a blank text."""
    text = (text or "").strip()
    if not text:
        return []
    return list(session.scalars(stmt.where(clause(session, text)).order_by(*order).limit(limit)))


# --- lookups ---------------------------------------------------------------------------------


def search_residents(
    session: Session,
    scope: Scope,
    text: str,
    community: Place = None,
    *,
    limit: int = 20,
    status: str | None = None,
) -> list[RegistryResident]:
    """Residents ``scope`` may see (``registry.view``, module on) whose name starts with
    ``text`` or whose ID ends with it, optionally under ``community`` (or any node) and of one
    ``status`` (``floating``: the verification form's)."""
    stmt = _visible(RegistryResident, scope, community)
    if status is not None:
        stmt = stmt.where(RegistryResident.status == status)
    by_name = (RegistryResident.name, RegistryResident.id)
    return _search(session, text, stmt, resident_text_clause, limit, *by_name)


def search_references(
    session: Session,
    scope: Scope,
    text: str,
    community: Node,
    *,
    adults: bool = False,
    limit: int = 20,
) -> list[RegistryResident]:
    """Residents a record of ``community`` may name (a guardian, a landlord): those ``scope``
    sees whose name starts with ``text`` or whose ID ends with it, not deceased — with
    ``adults``, living there and 18 or over — ``community``'s own first."""
    stmt = _visible(RegistryResident, scope, None).where(RegistryResident.status != "deceased")
    if adults:
        stmt = stmt.where(
            RegistryResident.status.in_(PRESENT),
            RegistryResident.birth_date <= years_before(clock.today(), ADULT_AGE),
        )
    own_first = sa.case((RegistryResident.community_id == community.id, 0), else_=1)
    by_name = (RegistryResident.name, RegistryResident.id)
    return _search(session, text, stmt, resident_text_clause, limit, own_first, *by_name)


def _name_contains(_session: Session, text: str) -> sa.ColumnElement[bool]:
    return Node.name.contains(text, autoescape=True)


def search_streets(session: Session, text: str, *, limit: int = 20) -> list[Node]:
    """Streets (街道) whose name contains ``text``: what a branch names as its headquarters'."""
    stmt = sa.select(Node).where(Node.kind == NodeKind.STREET)
    return _search(session, text, stmt, _name_contains, limit, Node.name, Node.id)


def search_units(
    session: Session, scope: Scope, text: str, community: Place = None, *, limit: int = 20
) -> list[RegistryUnit]:
    """Units ``scope`` may see whose name starts with ``text`` (or with that credit code)."""
    stmt = _visible(RegistryUnit, scope, community)
    return _search(session, text, stmt, unit_text_clause, limit, RegistryUnit.name, RegistryUnit.id)


def search_households(
    session: Session, scope: Scope, text: str, community: Place = None, *, limit: int = 20
) -> list[RegistryHousehold]:
    """Households whose head's name starts with ``text`` or whose room or building contains it."""
    stmt = _visible(RegistryHousehold, scope, community).join(
        Node, Node.id == RegistryHousehold.node_id
    )
    order = (Node.code, RegistryHousehold.room, RegistryHousehold.id)
    return _search(session, text, stmt, household_text_clause, limit, *order)


def get_resident(
    session: Session, scope: Scope, resident_id: int, community: Place = None
) -> RegistryResident | None:
    """The resident if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = _visible(RegistryResident, scope, community)
    return session.scalar(stmt.where(RegistryResident.id == resident_id))


def get_household(
    session: Session, scope: Scope, household_id: int, community: Place = None
) -> RegistryHousehold | None:
    """The household if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = _visible(RegistryHousehold, scope, community)
    return session.scalar(stmt.where(RegistryHousehold.id == household_id))


def get_unit(
    session: Session, scope: Scope, unit_id: int, community: Place = None
) -> RegistryUnit | None:
    """The unit if ``scope`` may see it (and it is not deleted), else ``None``."""
    stmt = _visible(RegistryUnit, scope, community)
    return session.scalar(stmt.where(RegistryUnit.id == unit_id))


# --- how a picker names a row ----------------------------------------------------------------


def resident_label(resident: RegistryResident) -> str:
    """Name and masked ID (a newborn registered by the birth certificate has none)."""
    return f"{resident.name} {mask_id(resident.id_number)}".strip()


def unit_label(unit: RegistryUnit) -> str:
    return f"{unit.name} {unit.credit_code}"


def household_label(household: RegistryHousehold) -> str:
    return f"{household.address} {household.head_name}"


def picker_text(
    get: Callable[..., Any], label: Callable[[Any], str], *, here: bool = False
) -> Callable[[int], str | None]:
    """What a picker's box shows for the id its form holds: the row ``get`` finds for the
    signed-in user (with ``here``, in the page's community only), as ``label`` names it;
    ``None`` for one the user may not see."""

    def text(record_id: int) -> str | None:
        community = g.community if here else None
        found = get(db.session, current_scope(), record_id, community)
        return label(found) if found is not None else None

    return text
