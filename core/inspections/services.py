"""The domain operations of inspections: templates seeded, chosen and versioned; results
checked against their template and scored; failed items handed to the module's rectification;
rankings of a round; referrals."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.db import has_written
from core.errors import DomainError

from .declare import InspectionLedger
from .models import ChecklistTemplate, ChecklistTemplateItem, InspectionRound, Referral

RESULTS = ("ok", "fail", "na")
# Keys of a result left out when empty, so a hand-added pass/fail row stays item/result/note.
OPTIONAL = ("score", "item_id", "section", "max_points", "rectification_id")


def _refuse(field: str, message: str) -> None:
    raise DomainError(message, {field: [message]})


# --- templates ---------------------------------------------------------------------------------


def _missing_defaults(session: Session, ledger: InspectionLedger) -> list[Any]:
    present = set(
        session.scalars(
            sa.select(ChecklistTemplate.target_kind).where(
                ChecklistTemplate.module == ledger.module, ChecklistTemplate.node_id.is_(None)
            )
        )
    )
    return [d for d in ledger.checklists if d.target_kind not in present]


def _add_defaults(session: Session, ledger: InspectionLedger, declared: list[Any]) -> None:
    for checklist in declared:
        template = ChecklistTemplate(
            module=ledger.module,
            target_kind=checklist.target_kind,
            name=str(checklist.name),
            pass_mark=checklist.pass_mark,
        )
        template.items = [
            ChecklistTemplateItem(
                position=n, section=str(i.section), text=str(i.text), max_points=i.points
            )
            for n, i in enumerate(checklist.check_items())
        ]
        session.add(template)
    session.flush()


def seed_defaults(session: Session, ledger: InspectionLedger) -> None:
    """Each checklist the module declares, as version 1 of the module's default, when absent.

    Seeded inside a page's read-only request, the defaults were rolled back at its end, so
    every page wrote them anew and its form offered item ids the next request would not find.
    A transaction that has written nothing yet is therefore committed with them; one that has
    writes of its own keeps them, to commit or roll back together."""
    missing = _missing_defaults(session, ledger)
    if not missing:
        return
    wrote_before = has_written(session)
    _add_defaults(session, ledger, missing)
    if not wrote_before:
        session.commit()


def _places(community: Any) -> list[int]:
    """The community, its street and its district: the places whose templates it may use."""
    return [i for i in (community.id, community.street_id, community.district_id) if i]


def templates_for(session: Session, ledger: InspectionLedger, community: Any) -> sa.Select:
    """The templates a community sees: the module's defaults and those of its places."""
    seed_defaults(session, ledger)
    return (
        sa.select(ChecklistTemplate)
        .where(
            ChecklistTemplate.module == ledger.module,
            sa.or_(
                ChecklistTemplate.node_id.is_(None),
                ChecklistTemplate.node_id.in_(_places(community)),
            ),
        )
        .order_by(ChecklistTemplate.target_kind, ChecklistTemplate.name, ChecklistTemplate.version)
    )


def current_template(
    session: Session, ledger: InspectionLedger, community: Any, target_kind: str
) -> ChecklistTemplate | None:
    """The active template for a kind of target: the nearest place's newest version (the
    community's own, else its street's, else its district's, else the module's default)."""
    rank = {node: n for n, node in enumerate(_places(community))}
    found = session.scalars(
        templates_for(session, ledger, community).where(
            ChecklistTemplate.target_kind == target_kind, ChecklistTemplate.active.is_(True)
        )
    ).all()
    if not found:
        return None
    return min(found, key=lambda t: (rank.get(t.node_id, len(rank)), -t.version))


def template_in(
    session: Session, ledger: InspectionLedger, community: Any, checklist_id: int
) -> ChecklistTemplate | None:
    """A template by id, when the community may see it."""
    stmt = templates_for(session, ledger, community).where(ChecklistTemplate.id == checklist_id)
    return session.scalars(stmt).first()


def new_results(template: ChecklistTemplate | None) -> list[dict[str, Any]]:
    """A template's items as a new inspection's form offers them, nothing answered yet."""
    if template is None:
        return []
    return [
        {
            "item_id": i.id,
            "section": i.section,
            "item": i.text,
            "max_points": i.max_points,
            "score": None,
            "result": "",
            "note": "",
        }
        for i in template.items
    ]


def edit_template(
    session: Session,
    ledger: InspectionLedger,
    template: ChecklistTemplate,
    community: Any,
    data: dict[str, Any],
) -> ChecklistTemplate:
    """Change a template: in place while unused and kept by this place; else as the next
    version kept by this place, the old one no longer offered to it."""
    items = data.get("items") or []
    if not items:
        _refuse("items", _("A checklist needs at least one item."))
    if template.used or template.node_id != community.id:
        version = session.scalar(
            sa.select(sa.func.max(ChecklistTemplate.version)).where(
                ChecklistTemplate.module == template.module,
                ChecklistTemplate.target_kind == template.target_kind,
                ChecklistTemplate.name == template.name,
            )
        )
        if template.node_id == community.id:
            template.active = False
        edited = ChecklistTemplate(
            module=template.module,
            target_kind=template.target_kind,
            name=template.name,
            version=(version or 0) + 1,
            node_id=community.id,
        )
        session.add(edited)
    else:
        edited = template
        edited.items.clear()
        session.flush()
    edited.name = data.get("name") or template.name
    edited.pass_mark = data.get("pass_mark", template.pass_mark)
    edited.items = [
        ChecklistTemplateItem(
            position=n,
            section=i.get("section") or "",
            text=i["text"],
            max_points=i.get("max_points"),
        )
        for n, i in enumerate(items)
    ]
    session.flush()
    return edited


# --- scoring -----------------------------------------------------------------------------------


def score_results(
    template: ChecklistTemplate | None, results: list[dict[str, Any]] | None, field: str
) -> tuple[list[dict[str, Any]], float | None]:
    """Results checked against their template: an item named by id must be the template's
    (else 422 naming ``field``), one named by its text is matched to it; a score lies within 0
    and the item's 分值, and below the maximum the item fails. Items added by hand stay
    pass/fail. Returns the results and the total (None when nothing was scored)."""
    items = {i.id: i for i in template.items} if template is not None else {}
    by_text = {i.text: i for i in items.values()}
    checked: list[dict[str, Any]] = []
    total: float | None = None
    for row in results or []:
        row = {k: v for k, v in row.items() if v is not None or k not in OPTIONAL}
        item = by_text.get(row.get("item", ""))
        if row.get("item_id") is not None:
            item = items.get(row["item_id"])
            if item is None:
                _refuse(field, _("There is no item %(id)s in this checklist.", id=row["item_id"]))
        if item is None:
            row.pop("score", None)
            checked.append(row)
            continue
        row |= {"item_id": item.id, "item": item.text, "section": item.section}
        score = row.get("score")
        if item.max_points is None or row.get("result") == "na":
            row.pop("score", None)
        elif score is not None:
            if score < 0 or score > item.max_points:
                _refuse(
                    field,
                    _(
                        "The score of %(item)s must be between 0 and %(max)s.",
                        item=item.text,
                        max=f"{item.max_points:g}",
                    ),
                )
            row["result"] = "ok" if score >= item.max_points else "fail"
            total = (total or 0) + score
        if item.max_points is not None:
            row["max_points"] = item.max_points
        checked.append(row)
    return checked, total


def record_scores(
    session: Session,
    ledger: InspectionLedger,
    community: Any,
    data: dict[str, Any],
    record: Any = None,
) -> None:
    """Fill a write's core columns from its results: the template version (as named, else the
    one the record was scored on, else the current one for its target kind), the checked
    results and the total. The version used is marked so that editing it makes a new one."""
    if data.get("round_id") and round_in(session, ledger, community, data["round_id"]) is None:
        _refuse("round_id", _("There is no such inspection round."))
    if ledger.results not in data and not data.get("checklist_id"):
        return
    checklist_id = data.get("checklist_id") or getattr(record, "checklist_id", None)
    if checklist_id:
        template = template_in(session, ledger, community, checklist_id)
        if template is None:
            _refuse("checklist_id", _("There is no such checklist."))
    else:
        kind = data.get("target_kind") or getattr(record, "target_kind", "") or ""
        template = current_template(session, ledger, community, kind)
    results = data.get(ledger.results)
    if results is None and record is not None:
        results = getattr(record, ledger.results)
    checked, total = score_results(template, results, ledger.results)
    if ledger.results in data:
        data[ledger.results] = checked
    data["total_score"] = total
    if template is not None and any(r.get("item_id") for r in checked):
        data["checklist_id"] = template.id
        template.used = True
    elif not data.get("checklist_id"):
        data.pop("checklist_id", None)


def rectify_failed(session: Session, ledger: InspectionLedger, community: Any, record: Any) -> list:
    """Each failed template item not yet rectified, handed to the module's ``on_failed``; the
    record it makes is kept on the result (``rectification_id``)."""
    if ledger.on_failed is None:
        return []
    made = []
    results = [dict(r) for r in getattr(record, ledger.results) or []]
    for row in results:
        if row.get("item_id") is None or row.get("result") != "fail":
            continue
        if row.get("rectification_id"):
            continue
        item = ledger.on_failed(session, community, record, row)
        if item is not None:
            row["rectification_id"] = item.id
            made.append(item)
    if made:
        setattr(record, ledger.results, results)
        session.flush()
    return made


# --- rounds and rankings -----------------------------------------------------------------------


def ranking(session: Session, ledger: InspectionLedger, round_: InspectionRound) -> list[tuple]:
    """The round's scored inspections best first, as (排名, inspection); equal totals share a
    rank and the next rank skips (1, 1, 3)."""
    model = ledger.model
    stmt = sa.select(model).where(model.round_id == round_.id, model.total_score.is_not(None))
    if hasattr(model, "deleted_at"):
        stmt = stmt.where(model.deleted_at.is_(None))
    rows = session.scalars(stmt.order_by(model.total_score.desc(), model.id)).all()
    ranked: list[tuple] = []
    for n, row in enumerate(rows):
        same = ranked and ranked[-1][1].total_score == row.total_score
        ranked.append((ranked[-1][0] if same else n + 1, row))
    return ranked


def failed_items(ledger: InspectionLedger, records: list[Any]) -> list[tuple[Any, dict]]:
    """Each inspection's failed items, for the 通报."""
    return [
        (r, row)
        for r in records
        for row in getattr(r, ledger.results) or []
        if row.get("result") == "fail"
    ]


def create_round(session: Session, ledger: InspectionLedger, community: Any, data: dict) -> Any:
    round_ = InspectionRound(module=ledger.module, node_id=community.id, **data)
    session.add(round_)
    session.flush()
    return round_


def round_in(session: Session, ledger: InspectionLedger, community: Any, round_id: int) -> Any:
    found = session.get(InspectionRound, round_id)
    if found is None or found.module != ledger.module or found.community_id != community.id:
        return None
    return found


# --- referrals ---------------------------------------------------------------------------------


def add_referral(
    session: Session, module: str, owner_type: str, owner: Any, data: dict[str, Any]
) -> Referral:
    """移交: the finding or rectification item handed to another authority, kept with it."""
    referral = Referral(
        module=module,
        owner_type=owner_type,
        owner_id=owner.id,
        node_id=owner.node_id,
        authority=data["authority"],
        reference=data.get("reference") or "",
        referred_on=data.get("referred_on") or date.today(),
        outcome=data.get("outcome") or "",
    )
    session.add(referral)
    session.flush()
    return referral


def referrals_of(session: Session, owner_type: str, owner_id: int) -> list[Referral]:
    return list(
        session.scalars(
            sa.select(Referral)
            .where(Referral.owner_type == owner_type, Referral.owner_id == owner_id)
            .order_by(Referral.referred_on, Referral.id)
        )
    )
