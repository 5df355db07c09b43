"""Targets: what each place must reach, how it was split to the places below, and how far along
it is. A target binds an indicator (any with a ``direction``) at a node in a period; its value
is read live through :func:`core.figures.evaluate`, over the communities beneath the node where
the module runs, so a street's progress is the street's own figure, never a sum of its
communities' percentages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import audit, figures
from core.errors import DomainError, NotPermitted
from core.figures import as_of, evaluate
from core.filing.services import indicators as all_indicators
from core.permissions import Scope
from core.reports import DOWN, UP, Indicator, Period
from core.targets import MANAGE
from core.targets.models import NodeTarget
from core.tenancy import communities_on, may_use, module_on, node_model

# The places that hold targets, and the kind of place each splits its targets to.
SPLITS_TO = {"district": "street", "street": "community"}
LEVELS = ("district", "street", "community")

MET, ON_TRACK, BEHIND, FAR_BEHIND, MISSED, UNSET = (
    "met",
    "on_track",
    "behind",
    "far_behind",
    "missed",
    "unset",
)
LIGHTS = {
    MET: _l("Reached"),
    ON_TRACK: _l("On track"),
    BEHIND: _l("Behind"),
    FAR_BEHIND: _l("Far behind"),
    MISSED: _l("Not reached"),
    UNSET: _l("No target"),
}
COLOURS = {MET: "ok", ON_TRACK: "ok", BEHIND: "warn", FAR_BEHIND: "danger", MISSED: "danger"}
BEHIND_SHARE = Decimal("0.8")  # under 80 % of the prorated expectation is far behind


def targetable() -> dict[str, Indicator]:
    """Indicators that can carry a target: those that say which way is better."""
    return {
        n: i for n, i in all_indicators().items() if i.direction in (UP, DOWN) and not i.optional
    }


def split_rule(indicator: Indicator) -> str:
    """``sum``: the children's shares add up to at least the parent's (a count, a sum);
    ``each``: each child's is at least as strict as the parent's (a rate, a mean)."""
    return "each" if indicator.kind in ("ratio", "mean") else "sum"


def parse_period(text: str | None, day: date) -> Period:
    """The period a target is set for (``2026``, ``2026H1``, ``2026Q1``, ``2026-03``); this
    year when none is named; 422 naming ``period`` when it is not one (as every figure's)."""
    period, _label = figures.parse_period({"period": text} if text else {}, day)
    return period


def target_of(session: Session, node: Any, name: str, period: Period) -> float | int | None:
    """The target of indicator ``name`` held at ``node`` in ``period``, or None."""
    value = session.scalar(
        sa.select(NodeTarget.value).where(
            NodeTarget.node_id == node.id,
            NodeTarget.indicator == name,
            NodeTarget.period == period.key,
        )
    )
    return _number(value)


# --- progress --------------------------------------------------------------------------------


def elapsed_share(period: Period, day: date) -> Decimal:
    """How much of the period has passed by the end of ``day`` (0 before it, 1 after it)."""
    days = (period.end - period.start).days + 1
    passed = (min(day, period.end) - period.start).days + 1
    return Decimal(max(0, min(passed, days))) / Decimal(days)


def light(
    indicator: Indicator, target: Decimal | None, value: Any, period: Period, day: date
) -> tuple[str, Decimal | None]:
    """The progress light and the value expected by ``day``. A flow count is expected to grow
    with the period (a yearly 95 is 47.5 at midyear); a stock or a rate is held to the target
    itself. An "at most" target that a flow count has passed cannot be reached any more."""
    if target is None or value is None:
        return UNSET, None
    value = Decimal(str(value))
    ended = day >= period.end
    prorated = not indicator.stock and indicator.kind in ("count", "sum") and not ended
    if indicator.direction == DOWN:
        if value <= target:
            return (MET if ended else ON_TRACK), target
        return (MISSED if ended or prorated else BEHIND), target
    if value >= target:
        return MET, target
    if ended:
        return MISSED, target
    expected = (
        (target * elapsed_share(period, day)).quantize(Decimal("0.1")) if prorated else target
    )
    if value >= expected:
        return ON_TRACK, expected
    return (BEHIND if value >= expected * BEHIND_SHARE else FAR_BEHIND), expected


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


@dataclass
class _Place:
    id: int
    ref: str
    name: str
    kind: str
    path: str


def _children(session: Session, node: Any, module: str) -> list[_Place]:
    """The places ``node`` splits its targets to where ``module`` runs, in code order."""
    kind = SPLITS_TO.get(node.kind)
    if kind is None:
        return []
    model = node_model()
    under = communities_on(node, module)
    beneath = (
        under if kind == "community" else sa.select(model.parent_id).where(model.id.in_(under))
    )
    stmt = (
        sa.select(model.id, model.ref, model.name, model.kind, model.path)
        .where(model.parent_id == node.id, model.kind == kind, model.id.in_(beneath))
        .order_by(model.code, model.id)
    )
    return [_Place(*row) for row in session.execute(stmt)]


def _stored(
    session: Session, node_ids: list[int], names: list[str], period: Period
) -> dict[tuple[int, str], NodeTarget]:
    if not node_ids or not names:
        return {}
    rows = session.scalars(
        sa.select(NodeTarget).where(
            NodeTarget.node_id.in_(node_ids),
            NodeTarget.indicator.in_(names),
            NodeTarget.period == period.key,
        )
    )
    return {(t.node_id, t.indicator): t for t in rows}


def _value(
    session: Session, every: dict, name: str, place: Any, module: str, period: Period, memos: dict
) -> Any:
    """``name`` at ``place``: its communities where ``module`` runs are read once per place and
    module (ids first, as PostgreSQL plans them better), and each figure once."""
    if (place.id, module) not in memos:
        ids = list(session.scalars(communities_on(place, module)))
        memos[place.id, module] = (sa.select(node_model().id).where(node_model().id.in_(ids)), {})
    communities, memo = memos[place.id, module]
    return evaluate(session, every, name, communities, period, memo).value


def _withheld(indicator: Indicator, place: Any, scope: Scope) -> bool:
    """A compartment's figure at a community, for someone outside it (its
    ``community_permission``): no value, as on the node's figures."""
    return (
        bool(indicator.community_permission)
        and place.kind == "community"
        and not scope.allows(indicator.community_permission, place.path)
    )


def _row(indicator: Indicator, target: NodeTarget | None, value: Any, period, day) -> dict:
    state, expected = light(indicator, target.value if target else None, value, period, day)
    return {
        "target": _number(target.value) if target else None,
        "value": value,
        "expected": _number(expected),
        "light": state,
        "light_label": str(LIGHTS[state]),
        "note": target.note if target else "",
    }


def board(
    session: Session, node: Any, period: Period, scope: Scope, day: date, *, every: bool = False
) -> list[dict[str, Any]]:
    """The targets of ``node`` in ``period`` for the modules the user may read there: each
    with its value, the expected value by ``day`` (as of the period's end once it is over), its
    light, and the split to the places below with theirs and whether the split holds.
    ``every``: also the indicators without a target yet (for someone who may set them)."""
    indicators = all_indicators()
    found = targetable()
    modules = {i.module for i in found.values() if may_use(scope, i.module, node.path)}
    running = {m for m in modules if module_on(session, node, m)}  # one query a module
    candidates = {n: i for n, i in found.items() if i.module in running}
    places: dict[str, list[_Place]] = {}
    for indicator in candidates.values():
        places.setdefault(indicator.module, _children(session, node, indicator.module))
    ids = [node.id, *{p.id for kids in places.values() for p in kids}]
    stored = _stored(session, ids, list(candidates), period)
    taken_on = as_of(period, day)
    memos: dict[tuple[int, str], tuple[sa.Select, dict]] = {}
    items = []
    for name, indicator in candidates.items():
        kids = places[indicator.module]
        own = stored.get((node.id, name))
        shares = {p.id: stored.get((p.id, name)) for p in kids}
        if own is None and not any(shares.values()) and not every:
            continue
        value = None
        if not _withheld(indicator, node, scope):
            value = _value(session, indicators, name, node, indicator.module, period, memos)
        children = [
            {
                "ref": p.ref,
                "name": p.name,
                **_row(
                    indicator,
                    shares[p.id],
                    None
                    if _withheld(indicator, p, scope)
                    else _value(session, indicators, name, p, indicator.module, period, memos),
                    period,
                    taken_on,
                ),
            }
            for p in kids
        ]
        split = [s.value for s in shares.values() if s is not None]
        rule = split_rule(indicator)
        items.append(
            {
                "indicator": name,
                "label": str(indicator.label),
                "unit": str(indicator.unit),
                "module": indicator.module,
                "direction": indicator.direction,
                "rule": rule,
                "description": str(indicator.description),
                **_row(indicator, own, value, period, taken_on),
                # Shares of a count add up; rates do not.
                "split_total": _number(sum(split)) if split and rule == "sum" else None,
                "children": children,
            }
        )
    return items


# --- setting and splitting -------------------------------------------------------------------


def _parse_value(indicator: Indicator, raw: Any, field: str) -> Decimal | None:
    """A target as typed or sent: empty clears it; otherwise a number from 0 (at most 100 for
    a percentage), two decimals at most."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raw = "x"
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        message = _("Enter a number.")
        raise DomainError(message, {field: [message]})
    if value < 0 or value != value.quantize(Decimal("0.01")) or value >= Decimal("1e12"):
        message = _("Enter a number from 0, with at most two decimals.")
        raise DomainError(message, {field: [message]})
    if indicator.kind == "ratio" and value > indicator.per:
        message = _("A rate is at most %(most)s.", most=indicator.per)
        raise DomainError(message, {field: [message]})
    return value


def _check_split(
    indicator: Indicator,
    parent: Decimal | None,
    shares: dict[str, Decimal | None],
    field: str = "shares",
) -> None:
    """Refuse a split that does not hold: shares of a count adding up to less than the
    parent's target; a child's rate less strict than the parent's."""
    given = {ref: v for ref, v in shares.items() if v is not None}
    if parent is None or not given:
        return
    if split_rule(indicator) == "sum":
        total = sum(given.values())
        if total < parent:
            message = _(
                "The shares add up to %(total)s, less than the target %(target)s.",
                total=_number(total),
                target=_number(parent),
            )
            raise DomainError(message, {field: [message]})
        return
    up = indicator.direction == UP
    for ref, value in given.items():
        if (value < parent) if up else (value > parent):
            message = (
                _("Each place's target must be at least %(target)s.", target=_number(parent))
                if up
                else _("Each place's target must be at most %(target)s.", target=_number(parent))
            )
            raise DomainError(message, {f"share-{ref}" if field == "shares" else field: [message]})


def _write(
    session: Session,
    place: Any,
    name: str,
    period: Period,
    value: Decimal | None,
    note: str,
    stored: NodeTarget | None,
    user: Any,
) -> None:
    old = stored.value if stored is not None else None
    if value == old and (stored is None or stored.note == note):
        return
    if value is None:
        session.delete(stored)
    elif stored is None:
        session.add(
            NodeTarget(
                node_id=place.id,
                indicator=name,
                period=period.key,
                value=value,
                note=note,
                set_by_id=getattr(user, "id", None),
            )
        )
    else:
        stored.value, stored.note, stored.set_by_id = value, note, getattr(user, "id", None)
    audit.record(
        "target.set" if value is not None else "target.clear",
        node=place,
        object_type="core_target",
        object_id=f"{name}:{period.key}",
        summary=_l(
            "Target %(indicator)s %(period)s: %(old)s → %(new)s",
            indicator=str(all_indicators()[name].label),
            period=period.label(),
            old=_number(old) if old is not None else "—",
            new=_number(value) if value is not None else "—",
        ),
        details={
            "indicator": name,
            "period": period.key,
            "old": _number(old),
            "new": _number(value),
        },
        user=user,
    )


KEEP = object()  # the place's own target left as it is


def save(
    session: Session,
    node: Any,
    name: str,
    period: Period,
    scope: Scope,
    user: Any,
    *,
    value: Any = KEEP,
    shares: dict[str, Any] | None = None,
    note: str = "",
) -> None:
    """Set ``node``'s target of indicator ``name`` in ``period`` (``value``; empty clears it)
    and its split to the places below (``shares`` by place ref; a share left out is kept), all
    or nothing. The split must hold, and so must the parent's split when the node's own target
    changes. 403 without ``targets.manage`` at the node; 422 naming the field otherwise."""
    indicator = targetable().get(name)
    if indicator is None or not module_on(session, node, indicator.module):
        message = _("No target can be set for this figure here.")
        raise DomainError(message, {"indicator": [message]})
    if node.kind not in LEVELS:
        message = _("Targets are held by districts, streets and communities.")
        raise DomainError(message, {"node": [message]})
    if not scope.allows(MANAGE, node.path):
        raise NotPermitted(_("You may not set targets here."))
    if len(note) > 200:
        message = _("At most %(count)s characters.", count=200)
        raise DomainError(message, {"note": [message]})
    kids = {p.ref: p for p in _children(session, node, indicator.module)}
    unknown = sorted(set(shares or {}) - set(kids))
    if unknown:
        message = _("Not a place this target is split to.")
        raise DomainError(message, {f"share-{unknown[0]}": [message]})
    parent = session.get(node_model(), node.parent_id) if node.parent_id else None
    siblings = (
        {p.ref: p for p in _children(session, parent, indicator.module)}
        if parent is not None and parent.kind in SPLITS_TO
        else {}
    )
    ids = [node.id, *(p.id for p in kids.values()), *(p.id for p in siblings.values())]
    if parent is not None:
        ids.append(parent.id)
    stored = _stored(session, ids, [name], period)

    def current(place_id: int) -> Decimal | None:
        row = stored.get((place_id, name))
        return row.value if row is not None else None

    own = current(node.id) if value is KEEP else _parse_value(indicator, value, "value")
    new_shares = {ref: current(p.id) for ref, p in kids.items()}
    for ref, raw in (shares or {}).items():
        new_shares[ref] = _parse_value(indicator, raw, f"share-{ref}")
    _check_split(indicator, own, new_shares)
    if parent is not None and siblings and own != current(node.id):
        parent_shares = {ref: current(p.id) for ref, p in siblings.items()}
        parent_shares[node.ref] = own
        _check_split(indicator, current(parent.id), parent_shares, field="value")
    _write(session, node, name, period, own, note, stored.get((node.id, name)), user)
    for ref, share in new_shares.items():
        place = kids[ref]
        row = stored.get((place.id, name))
        _write(session, place, name, period, share, row.note if row else "", row, user)
