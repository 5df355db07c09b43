"""The same person in two communities (人户分离 / 重复登记), and moving a record between them (迁入).

An ID number is registered once per community; across communities it may be live in two — a
person registered where their hukou is and where they live — but usually that is a record left
behind. So registering an ID that is live in another community *the user sees* is refused with
the other record named (409; the API's body lists it under ``duplicates``) until the user either
confirms (``confirm_duplicate``: registered here too, as a separated residence) or transfers the
other record here (:func:`transfer`: the same row, its id and history, moved). An import takes
such a row with a warning its check reports. A community outside the user's scope is never
searched: nothing tells them a person is registered there.

:func:`duplicate_groups` lists, for a street or district, the ID numbers live in more than one
of its communities: one ``GROUP BY id_number`` over the scope keeping the numbers held by more than
one community. The check at registration is an equality on the live-row index
``(id_number, community_id)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import has_request_context
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict
from core.exchange import warning
from core.permissions import Scope, current_scope
from core.sdk import Schema, per_batch, refuse, writable
from core.tree import node_ref
from tenants import modules
from tenants.models import Node, NodeKind

from .households import follow_head
from .models import RegistryResident
from .places import communities_by_id
from .residents import check_id
from .rules import editable, history
from .services import visible_clause
from .validators import mask_id
from .vocabularies import EDIT, MODULE, PRESENT, VIEW


class TransferSchema(Schema):
    """迁入: the community the resident moves into."""

    community = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=100),
        metadata={"description": "the target community's ref"},
    )


class DuplicateElsewhere(Conflict):
    """An ID live in another community of the user's scope; ``details["duplicates"]`` names
    the records (masked ID)."""


def _live() -> sa.ColumnElement[bool]:
    return sa.and_(RegistryResident.deleted_at.is_(None), RegistryResident.status.in_(PRESENT))


def live_elsewhere(
    session: Session, scope: Scope, community: Any, id_number: str
) -> list[RegistryResident]:
    """The live residents with ``id_number`` in communities other than ``community`` that
    ``scope`` may read (``registry.view``, the registry on there), by community. In an import's
    batch, looked up for every ID of the batch at once."""
    batch = per_batch(
        ("registry.live_elsewhere", community.id),
        lambda rows: _live_elsewhere_of(
            session, scope, community, {r["id_number"] for r in rows if r.get("id_number")}
        ),
    )
    if batch is not None and id_number in batch[0]:
        return batch[1].get(id_number, [])
    return _live_elsewhere_of(session, scope, community, {id_number})[1].get(id_number, [])


def _live_elsewhere_of(
    session: Session, scope: Scope, community: Any, numbers: set[str]
) -> tuple[set[str], dict[str, list[RegistryResident]]]:
    """``numbers``, and the records :func:`live_elsewhere` finds for each of them."""
    stmt = (
        sa.select(RegistryResident)
        .where(
            RegistryResident.id_number.in_(numbers),
            RegistryResident.community_id != community.id,
            _live(),
            visible_clause(RegistryResident, scope),
        )
        .order_by(RegistryResident.community_id, RegistryResident.id)
    )
    found: dict[str, list[RegistryResident]] = {}
    for resident in session.scalars(stmt):
        found.setdefault(resident.id_number, []).append(resident)
    return numbers, found


def _where_who(resident: RegistryResident, place: Node) -> dict[str, Any]:
    """A record as the duplicate warnings and lists name it: which one, where, who, its status."""
    return {
        "id": resident.id,
        "community": place.ref,
        "community_name": place.name,
        "name": resident.name,
        "status": resident.status,
    }


def describe_records(
    session: Session, scope: Scope, records: list[RegistryResident]
) -> list[dict[str, Any]]:
    """The records as a warning names them: where, who, the ID masked, and whether the user
    may move them (``registry.edit`` there)."""
    with session.no_autoflush:  # nodes only: an import's pending rows stay for its one flush
        places = communities_by_id(session, {r.community_id for r in records})
    return [
        _where_who(r, places[r.community_id])
        | {
            "id_number": mask_id(r.id_number),
            "can_transfer": scope.allows(EDIT, places[r.community_id].path),
        }
        for r in records
    ]


def refuse_elsewhere(session: Session, community: Any, data: dict[str, Any]) -> list[str]:
    """Before registering ``data`` in ``community``: the names of the other communities (in the
    user's scope) where its ID is live. Refused (409 on ``id_number``) when there are any and
    ``data`` does not carry ``confirm_duplicate``; in an import, noted as the row's warning
    instead. Work outside a request (the demo, the command line) has no user scope to search."""
    confirmed = bool(data.pop("confirm_duplicate", False))
    if not has_request_context() or not data.get("id_number"):  # a newborn without one yet
        return []
    scope = current_scope()
    others = live_elsewhere(session, scope, community, data["id_number"])
    if not others:
        return []
    found = describe_records(session, scope, others)
    places = list(dict.fromkeys(f["community_name"] for f in found))
    message = _(
        "This resident ID is live in %(places)s too (%(names)s). Register here anyway as a "
        "separated residence, or transfer that record here.",
        places="、".join(places),
        names="、".join(dict.fromkeys(f["name"] for f in found)),
    )
    if not confirmed and not warning("id_number", message):
        raise DuplicateElsewhere(message, {"id_number": [message]}, {"duplicates": found})
    return places


# --- moving a record between communities -------------------------------------------------------


def transfer(
    session: Session, resident: RegistryResident, target: Node, user: Any = None
) -> RegistryResident:
    """迁入: ``resident`` moves into ``target`` (a community) — the same row, id and history. It
    leaves its household there (a household is in its community's buildings) and is placed at
    the community; the history and both communities' audit logs say from where to where.
    Refused: a deleted or departed resident, the community it is in, an ID registered in
    ``target`` already (409)."""
    source = editable(session, resident)
    writable(target)
    if target.id == source.id:
        refuse(
            "community",
            _(
                "%(name)s is registered in %(community)s already.",
                name=resident.name,
                community=target.name,
            ),
        )
    if resident.status not in PRESENT:
        refuse(
            "community",
            _("%(name)s has left the register and is not transferred.", name=resident.name),
            conflict=True,
        )
    if resident.id_number:
        check_id(session, target, {"id_number": resident.id_number}, exclude=resident.id)
    changes: dict[str, list[Any]] = {"community": [source.name, target.name]}
    if resident.household is not None:
        changes["household"] = [resident.household.address, None]
        resident.household = None
    if resident.relation:
        changes["relation"] = [resident.relation, None]
        resident.relation = ""
    resident.node = target  # the relationship, so the flush copies the new community's keys
    session.flush()
    follow_head(session, resident, user)  # the household it headed has no head now
    summary = _(
        "Transferred resident %(name)s from %(source)s to %(target)s",
        name=resident.name,
        source=source.name,
        target=target.name,
    )
    history(session, resident, "transfer", changes, summary, user)
    audit.record(  # the community it left keeps a line of it in its own log
        "registry.resident.transfer_out",
        node=node_ref(session, id=source.id),
        object_type=RegistryResident.__tablename__,
        object_id=resident.id,
        summary=summary,
        details={"community": changes["community"]},
        user=user,
    )
    return resident


# --- the list of IDs live in two communities ----------------------------------------------------


@dataclass(frozen=True)
class DuplicateGroups:
    """One page of ID numbers live in more than one community, with their records; ``total``
    such numbers, ``by_community`` how many of them each community holds."""

    total: int
    page: int
    per_page: int
    groups: list[dict[str, Any]]
    by_community: list[dict[str, Any]]

    total_exact = True  # what the pager macro asks of a page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def link_args(self, forward: bool) -> dict[str, int]:
        return {"page": self.page + 1 if forward else self.page - 1}

    def as_json(self) -> dict[str, Any]:
        """The page as the API answers it: a page's counts, its groups as ``items``."""
        counts = {key: getattr(self, key) for key in ("total", "page", "per_page", "pages")}
        return counts | {"items": self.groups, "communities": self.by_community}


def _duplicated(where: sa.ColumnElement[bool]) -> sa.Select:
    """The ID numbers live in more than one community among the residents ``where`` selects
    (children registered without one, by their birth certificate, are not a number).
    "More than one community" is asked as min ≠ max: a hash aggregate, where count(DISTINCT)
    makes PostgreSQL sort the whole scope (a street of 100,000: 140 ms instead of 230)."""
    community = RegistryResident.community_id
    return (
        sa.select(RegistryResident.id_number)
        .where(where, _live(), RegistryResident.id_number.is_not(None))
        .group_by(RegistryResident.id_number)
        .having(sa.func.min(community) != sa.func.max(community))
    )


def duplicate_groups(
    session: Session, where: sa.ColumnElement[bool], *, page: int = 1, per_page: int = 50
) -> DuplicateGroups:
    """The ID numbers live in two or more communities among the residents ``where`` selects
    (the user's scope under a street or district), by ID number, a page of them at a time.
    One aggregate finds the numbers (few, even in a district); who holds them where is read
    by ID number on its index."""
    numbers = list(session.scalars(_duplicated(where).order_by(RegistryResident.id_number)))
    shown = numbers[(page - 1) * per_page : page * per_page]
    counts: dict[int, set[str]] = {}
    for start in range(0, len(numbers), 500):  # equalities on the ID index, a batch at a time
        for cid, number in session.execute(
            sa.select(RegistryResident.community_id, RegistryResident.id_number).where(
                where, _live(), RegistryResident.id_number.in_(numbers[start : start + 500])
            )
        ):
            counts.setdefault(cid, set()).add(number)
    held = [(cid, len(found)) for cid, found in counts.items()]
    rows = (
        session.scalars(
            sa.select(RegistryResident)
            .where(where, _live(), RegistryResident.id_number.in_(shown))
            .order_by(
                RegistryResident.id_number, RegistryResident.community_id, RegistryResident.id
            )
        ).all()
        if shown
        else []
    )
    places = communities_by_id(session, {r.community_id for r in rows} | {cid for cid, _n in held})
    groups: dict[str, dict[str, Any]] = {}
    for r in rows:
        group = groups.setdefault(r.id_number, {"id_number": mask_id(r.id_number), "residents": []})
        arrived = r.arrived_on.isoformat() if r.arrived_on else None
        group["residents"].append(_where_who(r, places[r.community_id]) | {"arrived_on": arrived})
    by_community = sorted(
        (
            {"community": places[cid].ref, "name": places[cid].name, "count": count}
            for cid, count in held
        ),
        key=lambda item: item["community"],
    )
    return DuplicateGroups(len(numbers), page, per_page, list(groups.values()), by_community)


def visible_target(session: Session, scope: Scope, ref: str) -> Node | None:
    """The community ``ref`` if the user may read the registry there and it is on there, else
    ``None``: a community outside the scope is not told apart from one that does not exist."""
    node = session.scalar(
        sa.select(Node).where(Node.ref == (ref or "").strip(), Node.kind == NodeKind.COMMUNITY)
    )
    if node is None or not scope.allows(VIEW, node.path):
        return None
    return node if modules.is_enabled(session, node.id, MODULE) else None
