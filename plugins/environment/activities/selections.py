"""评选 rules: a 星级楼道 nominee is a stairwell area whose score is the mean of its inspections
that year, its stars from that score (five from 95, four from 90, three from the pass mark
85, two from 80); a 绿色家庭 nominee gets the residents' votes and the panel's score. Deciding
a year's selection ranks the nominees (votes first for families, the score first for
stairwells) and selects the first ``quota`` of them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from core.sdk import DomainError, Schema, refuse, writable
from tenants.models import Node

from ..areas.models import EnvironmentArea
from ..common import live_in, written
from ..inspections.checklists import PASS_MARK
from ..inspections.models import EnvironmentInspection
from .models import EnvironmentSelection
from .schemas import SELECTION_KINDS

TWO_STARS = 80
STAR_MARKS = ((95, 5), (90, 4), (PASS_MARK, 3), (TWO_STARS, 2))


def stars_for(score: float | None) -> int | None:
    """The stars a stairwell's score earns, two to five: the seed counts "五星级楼道3个、四星级
    楼道15个、三星级楼道20个、二星级楼道34个" (003 l.310; spec H "星级楼道 (003 l.310)"). Three
    stars are the sheet's pass mark ("pass mark 85", spec C); the spec gives no other mark, so
    five from 95, four from 90 and two from 80 are this module's; below 80, none."""
    if score is None:
        return None
    return next((stars for mark, stars in STAR_MARKS if score >= mark), None)


def area_score(session: Session, area_id: int, year: int) -> float | None:
    """The mean total of the area's scored inspections in ``year``, to one decimal."""
    mean = session.scalar(
        sa.select(sa.func.avg(EnvironmentInspection.total_score)).where(
            EnvironmentInspection.area_id == area_id,
            EnvironmentInspection.deleted_at.is_(None),
            EnvironmentInspection.total_score.is_not(None),
            sa.extract("year", EnvironmentInspection.done_on) == year,
        )
    )
    return round(float(mean), 1) if mean is not None else None


def check_selection(
    session: Session, community: Node, data: dict[str, Any], s: EnvironmentSelection | None
) -> None:
    """A stairwell nominee names its area, which gives it its name, score and stars."""
    kind, area_id, year = written(data, s, "kind", "area_id", "year")
    if kind != "star_stairwell":
        if not (data.get("nominee") or (s.nominee if s else "")):
            refuse("nominee", _("Name the household nominated."))
        return
    if not area_id:
        refuse("area_id", _("A star stairwell is one of the community's areas: choose it."))
    area = live_in(session, community, EnvironmentArea, area_id, "area_id",
                   _("There is no such area."))  # fmt: skip
    if not (data.get("nominee") or (s.nominee if s else "")):
        data["nominee"] = area.name
    data["node_id"] = area.node_id
    if s is not None:
        s.node_id = area.node_id
    data["score"] = area_score(session, area.id, year) if year else None
    data["stars"] = stars_for(data["score"])


class DecideSchema(Schema):
    """Which year's selection, and how many to select."""

    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(SELECTION_KINDS)))
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(min=2000, max=2100))
    quota = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=1000))


def ranked(session: Session, community: Node, kind: str, year: int) -> list[EnvironmentSelection]:
    """The year's live nominees best first: families by votes then score, stairwells by score
    then votes (none counted as nothing), then as nominated."""
    votes = sa.func.coalesce(EnvironmentSelection.votes, 0)
    score = sa.func.coalesce(EnvironmentSelection.score, 0)
    order = [votes.desc(), score.desc()] if kind == "green_family" else [score.desc(), votes.desc()]
    stmt = sa.select(EnvironmentSelection).where(
        EnvironmentSelection.community_id == community.id,
        EnvironmentSelection.deleted_at.is_(None),
        EnvironmentSelection.kind == kind,
        EnvironmentSelection.year == year,
    )
    return list(session.scalars(stmt.order_by(*order, EnvironmentSelection.id)))


def decide(session: Session, community: Node, data: dict[str, Any]) -> list[EnvironmentSelection]:
    """The first ``quota`` ranked nominees selected, the others not; a stairwell without
    stars (below two stars' 80) is never selected. Each change is in the record's history.
    The spec sets no number of votes (绿色家庭 "评比", 003 l.71): votes rank, the quota
    decides."""
    from .ledgers import selections

    writable(community)
    nominees = ranked(session, community, data["kind"], data["year"])
    if not nominees:
        raise DomainError(_("There are no nominees for that year."))
    chosen: list[EnvironmentSelection] = []
    for nominee in nominees:
        eligible = data["kind"] != "star_stairwell" or nominee.stars is not None
        result = "selected" if eligible and len(chosen) < data["quota"] else "not_selected"
        if result == "selected":
            chosen.append(nominee)
        if nominee.result != result:
            selections.update_record(session, nominee, {"result": result})
    return chosen
