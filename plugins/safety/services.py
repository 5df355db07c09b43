"""Every domain operation of the safety ledgers that has no package of its own yet: enterprises
and major hazard sources, inspections, their exports and imports.

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Dates are in the platform's time zone (``core.clock.today``); a hazard is overdue when it is not
closed and its deadline is before today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core import audit
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.permissions import current_scope
from core.records.history import actor, diff, plain
from core.records.ledger import empty_value
from plugins.registry.models import RegistryUnit
from tenants.models import Node

from .common import (  # noqa: F401 - re-exported while the sub-areas move out
    CLOSE_MAJOR,
    DEFAULT_SETTINGS,
    EDIT,
    MODULE,
    SENSITIVE,
    VIEW,
    enterprise_in,
    refuse,
    settings,
    today,
    writable,
)
from .hazards.workflow import NOT_CLOSED
from .models import (
    SafetyEnterprise,
    SafetyHazard,
    SafetyHazardSource,
    SafetyInspection,
)

# 风险等级 (four colours: blue, yellow, orange, red)
RISK_LEVELS = {
    "low": _l("Low risk"),
    "general": _l("General risk"),
    "larger": _l("Larger risk"),
    "major": _l("Major risk"),
}
SECTORS = {
    "hazardous_chemicals": _l("Hazardous chemicals"),
    "fireworks": _l("Fireworks"),
    "crowded_place": _l("Crowded place"),
    "gas": _l("Gas"),
    "construction": _l("Construction"),
    "industrial": _l("Industry and trade"),
    "warehouse": _l("Warehousing and logistics"),
    "general": _l("Other sector"),
}
STANDARDISATION = {
    "not_started": _l("Not started"),
    "creating": _l("Creating"),
    "compliant": _l("Compliant"),
}
STANDARD_LEVELS = {
    "": _l("No level"),
    "1": _l("Level 1"),
    "2": _l("Level 2"),
    "3": _l("Level 3"),
    "small": _l("Small and micro"),
}
SOURCE_GRADES = {"1": _l("Grade 1"), "2": _l("Grade 2"), "3": _l("Grade 3"), "4": _l("Grade 4")}

INSPECTION_KINDS = {
    "routine": _l("Routine inspection"),
    "quarterly": _l("Quarterly major inspection"),
    "special": _l("Special inspection"),
    "joint": _l("Joint inspection"),
}
CHECK_RESULTS = {"ok": _l("Passed"), "fail": _l("Failed"), "na": _l("Not applicable")}

# --- shared helpers (every section uses them) ------------------------------------------


def record(
    session: Session,
    obj: Any,
    action: str,
    summary: str,
    changes: dict[str, list[Any]] | None = None,
    user: Any = None,
) -> None:
    """The audit entry of a write of ``obj`` (action ``safety.<table>.<action>``)."""
    table = type(obj).__tablename__
    audit.record(
        f"safety.{table.removeprefix('safety_')}.{action}",
        node=session.get(Node, obj.node_id).as_ref(),
        object_type=table,
        object_id=obj.id,
        summary=summary,
        details={k: [plain(o), plain(n)] for k, (o, n) in (changes or {}).items()} or None,
        user=actor(user),
    )


def live(obj: Any) -> None:
    """A soft-deleted record is read-only."""
    if obj.deleted_at is not None:
        raise DomainError(_("A deleted record cannot be changed."))


def soft_delete(session: Session, obj: Any, label: str, user: Any = None) -> None:
    """Soft delete: the row stays with who and when (lists hide it)."""
    writable(session.get(Node, obj.community_id))
    if obj.deleted_at is not None:
        raise Conflict(_("This record is already deleted."))
    obj.deleted_at = utcnow()
    obj.deleted_by_id = getattr(actor(user), "id", None)
    session.flush()
    record(session, obj, "delete", _("Deleted %(what)s", what=label), user=user)


# === enterprises and major hazard sources =====================================================

ENTERPRISE_FIELDS = (
    "risk_level",
    "sector",
    "standardisation",
    "standard_level",
    "demonstration",
    "principal_name",
    "principal_phone",
    "safety_manager_name",
    "safety_manager_phone",
    "notes",
)
SOURCE_FIELDS = (
    "name",
    "grade",
    "substances",
    "quantity",
    "responsible_person",
    "monitoring",
    "registered_on",
)


def _unit_in(session: Session, community: Node, unit_id: int) -> RegistryUnit:
    unit = session.get(RegistryUnit, unit_id)
    if unit is None or unit.deleted_at is not None:
        refuse("unit_id", _("There is no such unit in the registry."))
    if unit.community_id != community.id:
        refuse(
            "unit_id",
            _(
                "The unit %(name)s is not in %(community)s.",
                name=unit.name,
                community=community.name,
            ),
        )
    return unit


def _check_standard(data: dict[str, Any]) -> None:
    """A standardisation level belongs to a compliant (达标) enterprise only."""
    if data.get("standard_level") and data.get("standardisation") != "compliant":
        refuse("standard_level", _("Only a compliant enterprise has a standardisation level."))


def create_enterprise(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    """Put a registry unit of the community on the enterprise ledger (once)."""
    writable(community)
    unit = _unit_in(session, community, data["unit_id"])
    taken = session.scalar(
        sa.select(SafetyEnterprise.id).where(
            SafetyEnterprise.unit_id == unit.id, SafetyEnterprise.deleted_at.is_(None)
        )
    )
    if taken is not None:
        refuse("unit_id", _("%(name)s is already on the enterprise ledger.", name=unit.name), True)
    values = {k: data[k] for k in ENTERPRISE_FIELDS if data.get(k) is not None}
    _check_standard({"standardisation": "not_started", **values})
    enterprise = SafetyEnterprise(node_id=unit.node_id, unit_id=unit.id, name=unit.name, **values)
    session.add(enterprise)
    session.flush()
    created = {
        k: [None, getattr(enterprise, k)] for k in ENTERPRISE_FIELDS if getattr(enterprise, k)
    }
    record(
        session,
        enterprise,
        "create",
        _("Put %(name)s on the enterprise ledger", name=enterprise.name),
        created,
        user,
    )
    return enterprise


def update_enterprise(
    session: Session, enterprise: SafetyEnterprise, data: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    writable(session.get(Node, enterprise.community_id))
    live(enterprise)
    changes = diff(enterprise, data, ENTERPRISE_FIELDS)
    merged = {k: getattr(enterprise, k) for k in ENTERPRISE_FIELDS} | {
        k: new for k, (_old, new) in changes.items()
    }
    _check_standard(merged)
    for key, (_old, new) in changes.items():
        setattr(enterprise, key, new if new is not None else "")
    if changes:
        session.flush()
        record(
            session,
            enterprise,
            "update",
            _("Changed the enterprise %(name)s", name=enterprise.name),
            changes,
            user,
        )
    return enterprise


def add_hazard_source(
    session: Session, enterprise: SafetyEnterprise, data: dict[str, Any], user: Any = None
) -> SafetyHazardSource:
    """Register a major hazard source (重大危险源) of an enterprise."""
    writable(session.get(Node, enterprise.community_id))
    live(enterprise)
    if data.get("registered_on") and data["registered_on"] > today():
        refuse("registered_on", _("The date cannot be in the future."))
    source = SafetyHazardSource(
        node_id=enterprise.node_id,
        enterprise_id=enterprise.id,
        **{k: data[k] for k in SOURCE_FIELDS if data.get(k) is not None},
    )
    session.add(source)
    session.flush()
    record(
        session,
        source,
        "create",
        _(
            "Registered the major hazard source %(name)s of %(enterprise)s",
            name=source.name,
            enterprise=enterprise.name,
        ),
        {k: [None, getattr(source, k)] for k in SOURCE_FIELDS if getattr(source, k)},
        user,
    )
    return source


# === inspections ==============================================================================

INSPECTION_FIELDS = (
    "kind",
    "planned",
    "planned_on",
    "done_on",
    "area",
    "inspectors",
    "checklist",
    "findings",
)
# The default checklist (安全检查表) offered on a new inspection; users add their own items.
DEFAULT_CHECKLIST = (
    _l("Fire escapes and exits clear, signs lit"),
    _l("Extinguishers and hydrants present and in date"),
    _l("Electrical wiring and sockets safe, no overloaded strips"),
    _l("Gas pipes, valves and alarms in order"),
    _l("Special operators hold valid certificates"),
    _l("Safety rules, responsibilities and emergency plan posted"),
    _l("Hazardous goods stored and labelled properly"),
    _l("Staff trained; drill held this year"),
)


def _check_inspection(data: dict[str, Any]) -> None:
    if data.get("done_on") and data["done_on"] > today():
        refuse("done_on", _("An inspection cannot be done in the future; plan it instead."))
    if not data.get("done_on") and not data.get("planned_on"):
        refuse("planned_on", _("Give the date it was done, or the date it is planned for."))
    for row in data.get("checklist") or []:
        if row.get("result") not in CHECK_RESULTS:
            refuse("checklist", _("Every checklist item needs a result."))


def _inspection_place(session: Session, community: Node, data: dict[str, Any]) -> tuple[int, Any]:
    """Where an inspection (or a hazard) happened: the enterprise's node, a building of the
    community, or the community itself."""
    enterprise = enterprise_in(session, community, data.get("enterprise_id"))
    if enterprise is not None:
        return enterprise.node_id, enterprise
    building = data.get("building")
    if building:
        from plugins.registry.services import building_in

        return building_in(session, community, building).id, None
    return community.id, None


def create_inspection(
    session: Session, community: Node, data: dict[str, Any], user: Any = None
) -> SafetyInspection:
    """Record an inspection done (``done_on``) or planned (``planned_on``)."""
    writable(community)
    _check_inspection(data)
    node_id, enterprise = _inspection_place(session, community, data)
    values = {k: data[k] for k in INSPECTION_FIELDS if data.get(k) is not None}
    values["planned"] = bool(
        data.get("planned") or (data.get("planned_on") and not data.get("done_on"))
    )
    inspection = SafetyInspection(
        node_id=node_id, enterprise_id=enterprise.id if enterprise else None, **values
    )
    session.add(inspection)
    session.flush()
    record(
        session,
        inspection,
        "create",
        _("Recorded an inspection of %(target)s", target=inspection_target(inspection)),
        {k: [None, getattr(inspection, k)] for k in ("kind", "planned_on", "done_on")},
        user,
    )
    return inspection


def update_inspection(
    session: Session, inspection: SafetyInspection, data: dict[str, Any], user: Any = None
) -> SafetyInspection:
    """Edit an inspection, or complete a planned one by giving ``done_on`` and the results."""
    community = session.get(Node, inspection.community_id)
    writable(community)
    live(inspection)
    merged = {k: getattr(inspection, k) for k in INSPECTION_FIELDS} | {
        k: v for k, v in data.items() if k in INSPECTION_FIELDS
    }
    _check_inspection(merged)
    changes = diff(inspection, data, INSPECTION_FIELDS)
    if "enterprise_id" in data or "building" in data:
        node_id, enterprise = _inspection_place(session, community, data)
        new_id = enterprise.id if enterprise else None
        if new_id != inspection.enterprise_id or node_id != inspection.node_id:
            changes["enterprise_id"] = [inspection.enterprise_id, new_id]
            inspection.enterprise_id, inspection.node_id = new_id, node_id
    for key in INSPECTION_FIELDS:
        if key in changes:
            value = changes[key][1]
            setattr(inspection, key, empty_value(SafetyInspection, key) if value is None else value)
    if changes:
        session.flush()
        record(
            session,
            inspection,
            "update",
            _("Changed the inspection of %(target)s", target=inspection_target(inspection)),
            {k: v for k, v in changes.items() if k != "checklist"},
            user,
        )
    return inspection


def inspection_target(inspection: SafetyInspection) -> str:
    """What was inspected, as a list shows it: the enterprise, else the area, else the place."""
    if inspection.enterprise is not None:
        return inspection.enterprise.name
    if inspection.area:
        return inspection.area
    return inspection.node.name if inspection.node is not None else ""


def inspections_query(where: sa.ColumnElement[bool], filters: dict[str, Any]) -> sa.Select:
    """Inspections matching ``where`` and the list's filters: ``kind``, ``state`` (planned or
    done), ``enterprise`` (id), ``since``/``until`` (done or planned date)."""
    stmt = sa.select(SafetyInspection).where(where, SafetyInspection.deleted_at.is_(None))
    if filters.get("kind"):
        stmt = stmt.where(SafetyInspection.kind == filters["kind"])
    if filters.get("state") == "planned":
        stmt = stmt.where(SafetyInspection.done_on.is_(None))
    elif filters.get("state") == "done":
        stmt = stmt.where(SafetyInspection.done_on.is_not(None))
    if filters.get("enterprise"):
        stmt = stmt.where(SafetyInspection.enterprise_id == filters["enterprise"])
    day = sa.func.coalesce(SafetyInspection.done_on, SafetyInspection.planned_on)
    if filters.get("since"):
        stmt = stmt.where(day >= filters["since"])
    if filters.get("until"):
        stmt = stmt.where(day <= filters["until"])
    return stmt.order_by(day.desc(), SafetyInspection.id.desc())


def enterprises_query(where: sa.ColumnElement[bool], filters: dict[str, Any]) -> sa.Select:
    """Live enterprises matching ``where`` and the list's filters: ``sector``, ``risk_level``,
    ``standardisation``, ``q`` (part of the name)."""
    stmt = sa.select(SafetyEnterprise).where(where, SafetyEnterprise.deleted_at.is_(None))
    for key in ("sector", "risk_level", "standardisation"):
        if filters.get(key):
            stmt = stmt.where(getattr(SafetyEnterprise, key) == filters[key])
    if filters.get("q"):
        stmt = stmt.where(SafetyEnterprise.name.contains(filters["q"], autoescape=True))
    return stmt.order_by(SafetyEnterprise.name, SafetyEnterprise.id)


def enterprise_options(session: Session, community: Node) -> list[tuple[int, str]]:
    """(id, name) of the community's live enterprises, for the forms' selects."""
    stmt = (
        sa.select(SafetyEnterprise.id, SafetyEnterprise.name)
        .where(SafetyEnterprise.community_id == community.id, SafetyEnterprise.deleted_at.is_(None))
        .order_by(SafetyEnterprise.name)
    )
    return [(row.id, row.name) for row in session.execute(stmt)]


def units_off_the_ledger(session: Session, community: Node) -> list[tuple[int, str]]:
    """(id, name) of the community's registry units not yet on the enterprise ledger."""
    on_ledger = sa.select(SafetyEnterprise.unit_id).where(SafetyEnterprise.deleted_at.is_(None))
    stmt = (
        sa.select(RegistryUnit.id, RegistryUnit.name)
        .where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.deleted_at.is_(None),
            RegistryUnit.id.not_in(on_ledger),
        )
        .order_by(RegistryUnit.name)
    )
    return [(row.id, row.name) for row in session.execute(stmt)]


def open_hazard_counts(session: Session, community: Node) -> dict[int, int]:
    """Open hazards per enterprise of the community (one grouped query)."""
    stmt = (
        sa.select(SafetyHazard.enterprise_id, sa.func.count())
        .where(
            SafetyHazard.community_id == community.id,
            SafetyHazard.status != NOT_CLOSED,
            SafetyHazard.deleted_at.is_(None),
            SafetyHazard.enterprise_id.is_not(None),
        )
        .group_by(SafetyHazard.enterprise_id)
    )
    return dict(session.execute(stmt).all())


# === exports and imports ======================================================================

# The ledgers as street offices file them upward (安全生产台账): one row per record, labels
# instead of keys, dates as ISO text. Phones of enterprise principals and safety managers are
# personal mobiles of named people even though they are business contacts, so they are masked
# like the registry's unit contact phones, and shown only on ``?unmask=1`` to holders of
# ``registry.sensitive.view`` where the row is (audited).
YES_NO = {True: _l("Yes"), False: _l("No")}


def _labels(choices: dict[str, Any]) -> dict[str, str]:
    return {key: str(label) for key, label in choices.items()}


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def _filter_choice(filters: dict[str, str], key: str, choices: Any) -> str | None:
    """A list filter from the query string: one of ``choices``, else refused (422)."""
    value = (filters.get(key) or "").strip()
    if not value:
        return None
    if value not in choices:
        refuse(key, _("Unknown value: %(value)s.", value=value))
    return value


def _filter_id(filters: dict[str, str], key: str) -> int | None:
    value = (filters.get(key) or "").strip()
    if not value:
        return None
    if not value.isdigit():
        refuse(key, _("Not a valid whole number."))
    return int(value)


def _filter_date(filters: dict[str, str], key: str) -> date | None:
    value = (filters.get(key) or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        refuse(key, _("Not a valid date (YYYY-MM-DD)."))


def _wants_unmasked(filters: dict[str, str]) -> bool:
    return filters.get("unmask") in ("1", "true")


def _unmasked_case(model: Any, filters: dict[str, str]) -> sa.ColumnElement[bool]:
    """Per row: asked for unmasked phones and allowed to see them where the row is."""
    from plugins.registry.services import SENSITIVE as UNMASK

    nodes = current_scope().nodes(UNMASK) if _wants_unmasked(filters) else []
    if not nodes:
        return sa.false()
    return sa.case((model.__scope_clause__(nodes), sa.true()), else_=sa.false())


def _audit_unmasked(name: str, filters: dict[str, str]) -> None:
    from plugins.registry.services import SENSITIVE as UNMASK

    if _wants_unmasked(filters) and current_scope().holds_anywhere(UNMASK):
        audit.record(
            "safety.export.unmasked",
            node=None,
            object_type="export",
            object_id=name,
            summary=_("Exported %(name)s with unmasked phone numbers", name=name),
            details={"filters": filters},
        )


def export_enterprises(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """企业安全生产台账: filters ``risk_level``, ``sector``, ``standardisation``, ``q`` (name)."""
    clean = {
        key: _filter_choice(filters, key, choices)
        for key, choices in (
            ("risk_level", RISK_LEVELS),
            ("sector", SECTORS),
            ("standardisation", STANDARDISATION),
        )
    }
    query = enterprises_query(
        scope_clause(SafetyEnterprise), {**clean, "q": (filters.get("q") or "").strip()}
    )
    _audit_unmasked("safety.enterprises", filters)
    sources = (
        sa.select(sa.func.count(SafetyHazardSource.id))
        .where(
            SafetyHazardSource.enterprise_id == SafetyEnterprise.id,
            SafetyHazardSource.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    open_hazards = (
        sa.select(sa.func.count(SafetyHazard.id))
        .where(
            SafetyHazard.enterprise_id == SafetyEnterprise.id,
            SafetyHazard.status != NOT_CLOSED,
            SafetyHazard.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    stmt = (
        sa.select(
            SafetyEnterprise,
            RegistryUnit.credit_code,
            Node.name,
            sources,
            open_hazards,
            _unmasked_case(SafetyEnterprise, filters),
        )
        .join(RegistryUnit, RegistryUnit.id == SafetyEnterprise.unit_id)
        .join(Node, Node.id == SafetyEnterprise.community_id)
        .where(SafetyEnterprise.id.in_(query.with_only_columns(SafetyEnterprise.id).order_by(None)))
        .order_by(Node.ref, SafetyEnterprise.name, SafetyEnterprise.id)
    )
    return _enterprise_rows(session, stmt)


def _enterprise_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    from plugins.registry.validators import mask_mobile

    sectors, risks = _labels(SECTORS), _labels(RISK_LEVELS)
    states, levels = _labels(STANDARDISATION), _labels(STANDARD_LEVELS)
    for row in session.execute(stmt.execution_options(yield_per=1000)):
        enterprise, code, community, sources, open_hazards, unmasked = row

        def phone(number: str, unmasked: bool = unmasked) -> str:
            return number if unmasked else mask_mobile(number)

        yield {
            "community": community,
            "name": enterprise.name,
            "credit_code": code,
            "sector": sectors.get(enterprise.sector, enterprise.sector),
            "risk_level": risks.get(enterprise.risk_level, enterprise.risk_level),
            "standardisation": states.get(enterprise.standardisation, enterprise.standardisation),
            "standard_level": levels.get(enterprise.standard_level, enterprise.standard_level)
            if enterprise.standard_level
            else "",
            "demonstration": str(YES_NO[bool(enterprise.demonstration)]),
            "principal_name": enterprise.principal_name,
            "principal_phone": phone(enterprise.principal_phone),
            "safety_manager_name": enterprise.safety_manager_name,
            "safety_manager_phone": phone(enterprise.safety_manager_phone),
            "hazard_sources": sources,
            "open_hazards": open_hazards,
        }


def export_hazard_sources(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """重大危险源台账: filters ``enterprise`` (id), ``grade``."""
    where = [
        scope_clause(SafetyHazardSource),
        SafetyHazardSource.deleted_at.is_(None),
        SafetyEnterprise.deleted_at.is_(None),
    ]
    enterprise_id = _filter_id(filters, "enterprise")
    if enterprise_id is not None:
        where.append(SafetyHazardSource.enterprise_id == enterprise_id)
    grade = _filter_choice(filters, "grade", SOURCE_GRADES)
    if grade:
        where.append(SafetyHazardSource.grade == grade)
    stmt = (
        sa.select(SafetyHazardSource, SafetyEnterprise.name, RegistryUnit.credit_code, Node.name)
        .join(SafetyEnterprise, SafetyEnterprise.id == SafetyHazardSource.enterprise_id)
        .join(RegistryUnit, RegistryUnit.id == SafetyEnterprise.unit_id)
        .join(Node, Node.id == SafetyHazardSource.community_id)
        .where(*where)
        .order_by(Node.ref, SafetyEnterprise.name, SafetyHazardSource.id)
    )
    return _source_rows(session, stmt)


def _source_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    grades = _labels(SOURCE_GRADES)
    for source, enterprise, code, community in session.execute(
        stmt.execution_options(yield_per=1000)
    ):
        yield {
            "community": community,
            "enterprise": enterprise,
            "credit_code": code,
            "name": source.name,
            "grade": grades.get(source.grade, source.grade),
            "substances": source.substances,
            "quantity": source.quantity,
            "responsible_person": source.responsible_person,
            "monitoring": source.monitoring,
            "registered_on": _iso(source.registered_on),
        }


def export_inspections(
    session: Session, scope_clause: Callable[[Any], Any], filters: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """安全检查台账: the inspections done (``state=planned`` for the plan), with the list's
    filters ``kind``, ``enterprise`` (id), ``since``/``until``."""
    clean = {
        "kind": _filter_choice(filters, "kind", INSPECTION_KINDS),
        "state": _filter_choice(filters, "state", ("planned", "done")) or "done",
        "enterprise": _filter_id(filters, "enterprise"),
        "since": _filter_date(filters, "since"),
        "until": _filter_date(filters, "until"),
    }
    found = (
        sa.select(sa.func.count(SafetyHazard.id))
        .where(SafetyHazard.inspection_id == SafetyInspection.id, SafetyHazard.deleted_at.is_(None))
        .scalar_subquery()
    )
    from sqlalchemy.orm import joinedload

    stmt = (
        inspections_query(scope_clause(SafetyInspection), clean)
        .add_columns(Node.name, found)
        .join(Node, Node.id == SafetyInspection.community_id)
        .options(joinedload(SafetyInspection.enterprise), joinedload(SafetyInspection.node))
    )
    return _inspection_rows(session, stmt)


def _inspection_rows(session: Session, stmt: sa.Select) -> Iterator[dict[str, Any]]:
    kinds = _labels(INSPECTION_KINDS)
    for inspection, community, found in session.execute(stmt.execution_options(yield_per=500)):
        yield {
            "community": community,
            "done_on": _iso(inspection.done_on or inspection.planned_on),
            "kind": kinds.get(inspection.kind, inspection.kind),
            "target": inspection_target(inspection),
            "inspectors": inspection.inspectors,
            "findings": inspection.findings,
            "hazards_found": found,
        }


# --- imports: one row each (core.exchange.run_import numbers, reports and rolls back) --------


def import_enterprise(
    session: Session, community: Node, row: dict[str, Any], user: Any = None
) -> SafetyEnterprise:
    """One row of an enterprise import: the unit is the community's registry unit with the
    row's credit code, registered first (same transaction) when the registry lacks it."""
    from plugins.registry.services import create_unit

    writable(community)
    unit = session.scalar(
        sa.select(RegistryUnit).where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.credit_code == row["credit_code"],
            RegistryUnit.deleted_at.is_(None),
        )
    )
    if unit is None:
        unit = create_unit(
            session,
            community,
            {"name": row["name"], "credit_code": row["credit_code"], "kind": "enterprise"},
            user,
        )
    data = {key: row.get(key) for key in ENTERPRISE_FIELDS}
    return create_enterprise(session, community, {"unit_id": unit.id, **data}, user)
