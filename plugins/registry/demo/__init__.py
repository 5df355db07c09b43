"""Demo data for ``jiedao demo``: households, residents and units in every demo community.

永安里东社区 (the community of the demo accounts) has about 400 households in twelve six-storey
buildings; the other communities are smaller so the demo starts quickly. ``--scale street``
(``options["scale"] == "street"``) fills 建外街道's four communities with about 20,000
residents instead, for benchmarks. Families, ages and units are made in ``people.py`` and
``units.py``; a community whose registry setting ``rural`` is on (the demo's 农村社区) gets a
village's mix of households and units.

Deterministic (a random generator seeded with the community's code) and idempotent (a community
that already has residents is left alone). Rows go in with bulk INSERTs, so the demo stays fast.
IDs and credit codes are valid (check characters computed) and IDs agree with the birth date,
the sex and where the person's 户口 was first registered.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.db import utcnow
from core.records.history import RecordChange
from tenants.models import Node, NodeKind

from ..models import (
    RegistryHousehold,
    RegistryResident,
    RegistryResidentTag,
    RegistryUnit,
)
from ..validators import CREDIT_ALPHABET, credit_check_character, id_check_character
from ..vocabularies import MODULE
from . import checks, people, units
from .people import ETHNICITIES, ON, Family, Person, person_name

__all__ = ["ON", "insert_rows", "is_rural", "mobile", "person_name", "seed", "seed_community"]

DEMO_DISTRICT = "110105"
DEMO_COMMUNITY = "110105001001"  # 永安里东社区: where the demo accounts work
SPLIT_REGISTRATION_COMMUNITY = "110105001002"  # 建国里社区: where one of them lives (人户分离)
STREET_SCALE_STREET = "110105001"  # 建外街道: the street ``--scale street`` fills
STREET_ADDRESS = "北京市朝阳区"
BRANDS = units.BRANDS
EMPLOYERS = ("科技有限公司", "投资管理有限公司", "医院", "中学", "物流有限公司", "设计研究院",
             "建设集团有限公司", "餐饮有限公司", "律师事务所", "会计师事务所", "传媒有限公司",
             "银行朝阳支行", "保险股份有限公司北京分公司", "家政服务有限公司")  # fmt: skip


@dataclass(frozen=True)
class Layout:
    """How a community's buildings are: entrances, floors, flats a floor, and the share of
    flats with a registered household."""

    entrances: int
    floors: int
    flats: int
    occupied: float


LAYOUTS = {
    "community": Layout(2, 4, 2, 0.75),  # ~140 households in twelve buildings
    "demo": Layout(3, 6, 2, 0.9),  # 永安里东社区: six-storey walk-ups, ~390 households
    "rural": Layout(2, 4, 2, 0.8),
    "street": Layout(3, 18, 4, 0.78),  # high-rises, ~2,000 households a community
}


def is_rural(session: Session, community_id: int) -> bool:
    """Is the community a 农村社区 (the registry setting ``rural``)?"""
    from tenants.modules import module_settings

    return bool(module_settings(session, community_id, MODULE).get("rural"))


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch the registry on in every demo community and fill the empty ones."""
    from tenants import modules
    from tenants.services import find_by_ref

    district = find_by_ref(session, DEMO_DISTRICT)
    if district is None:
        return
    modules.enable(session, district, MODULE)
    scale = options.get("scale") or "demo"
    taken = set(
        session.scalars(
            sa.select(RegistryResident.id_number).where(
                RegistryResident.district_id == district.id,
                RegistryResident.id_number.is_not(None),
            )
        )
    )
    streets = session.scalars(
        sa.select(Node)
        .where(Node.kind == NodeKind.STREET, Node.district_id == district.id)
        .order_by(Node.code)
    ).all()
    for community in modules.communities_under(session, district):
        exists = session.scalar(
            sa.select(RegistryResident.id)
            .where(RegistryResident.community_id == community.id)
            .limit(1)
        )
        if exists is None:
            street = next((s for s in streets if s.id == community.street_id), None)
            if scale == "street" and street is not None and street.code == STREET_SCALE_STREET:
                layout = LAYOUTS["street"]
            elif is_rural(session, community.id):
                layout = LAYOUTS["rural"]
            elif community.code == DEMO_COMMUNITY:
                layout = LAYOUTS["demo"]
            else:
                layout = LAYOUTS["community"]
            others = [s.id for s in streets if s.id != community.street_id]
            seed_community(session, community, layout=layout, taken=taken, streets=others)
    seed_change_report(session)
    demo = find_by_ref(session, DEMO_COMMUNITY)
    neighbour = find_by_ref(session, SPLIT_REGISTRATION_COMMUNITY)
    if demo is not None:
        checks.seed_verifications(session, demo)
        if neighbour is not None:
            checks.seed_split_registration(session, demo, neighbour)


DEMO_BUILDING = "110105001001-b01"  # where the demo building leader (楼长) looks after


def seed_change_report(session: Session) -> None:
    """One 迁入 reported by the demo 楼长, waiting for the worker to verify it (once): a bride
    moving in with a young man who lives alone."""
    from core.changes import services as changes
    from core.changes.models import ChangeReport
    from core.models import User

    building = session.scalar(sa.select(Node).where(Node.ref == DEMO_BUILDING))
    leader = session.scalar(sa.select(User).where(User.username == "building_leader"))
    if building is None or leader is None:
        return
    if session.scalar(sa.select(ChangeReport.id).where(ChangeReport.node_id == building.id)):
        return
    alone = (
        sa.select(RegistryResident.household_id)
        .where(RegistryResident.node_id == building.id)
        .group_by(RegistryResident.household_id)
        .having(sa.func.count() == 1)
    )
    household = session.scalar(
        sa.select(RegistryHousehold.id)
        .join(RegistryResident, RegistryResident.id == RegistryHousehold.head_id)
        .where(
            RegistryHousehold.node_id == building.id,
            RegistryHousehold.id.in_(alone),
            RegistryResident.gender == "M",
            RegistryResident.marital_status == "unmarried",
            RegistryResident.birth_date.between(date(1984, 1, 1), date(2000, 12, 31)),
        )
        .order_by(RegistryHousehold.id)
        .limit(1)
    ) or session.scalar(
        sa.select(RegistryHousehold.id)
        .where(RegistryHousehold.node_id == building.id)
        .order_by(RegistryHousehold.id)
        .limit(1)
    )
    if household is None:
        return
    body = f"110105{date(1993, 4, 18):%Y%m%d}518"
    facts = {
        "household_id": household,
        "name": "林晓雯",
        "id_number": body + id_check_character(body),
        "gender": "F",
        "relation": "spouse",
        "on": (clock.today() - timedelta(days=3)).isoformat(),
    }
    community = session.get(Node, building.community_id)
    changes.submit(session, community, building.as_ref(), "move_in", facts, "新婚迁入", user=leader)


def _credit_code(rng: random.Random, prefix: str) -> str:
    body = prefix + DEMO_DISTRICT + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return body + credit_check_character(body)


def mobile(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "136", "150", "186", "189", "135", "177", "158"])
        + f"{rng.randrange(10**8):08d}"
    )


def _resident_id(rng: random.Random, person: Person, taken: set[str]) -> str:
    """A valid ID: the area code of where the 户口 was first registered, the birth date, a
    sequence whose last digit is odd for a man and even for a woman; unique in the district."""
    while True:
        sequence = rng.randrange(0, 500) * 2 + (1 if person.male else 0)
        body = f"{person.hometown.code}{person.born:%Y%m%d}{sequence:03d}"
        number = body + id_check_character(body)
        if number not in taken:
            taken.add(number)
            return number


def insert_rows(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in one statement (a bulk INSERT); their new ids, in the order of
    ``rows`` (RETURNING sorted by the parameters, on SQLite and PostgreSQL alike)."""
    if not rows:
        return []
    result = session.execute(
        sa.insert(model).returning(model.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars())


class _Community:
    """What filling one community needs: its keys, random source and buildings."""

    def __init__(self, session: Session, community: Node, streets: list[int]) -> None:
        self.session = session
        self.community = community
        self.rng = random.Random(community.code)
        self.keys = {
            "district_id": community.district_id,
            "street_id": community.street_id,
            "community_id": community.community_id,
        }
        now = utcnow()
        self.stamps = {"created_at": now, "updated_at": now}
        self.buildings = session.execute(
            sa.select(Node.id, Node.name)
            .where(Node.kind == NodeKind.BUILDING, Node.community_id == community.id)
            .order_by(Node.code)
        ).all()
        self.streets = streets
        self.place = community.name.removesuffix("社区")
        self.roads = [f"{self.place}{suffix}" for suffix in ("路", "北街", "南街", "中街")]


def seed_community(
    session: Session,
    community: Node,
    *,
    layout: Layout | None = None,
    taken: set[str] | None = None,
    streets: list[int] | None = None,
) -> None:
    """Fill one community: its units, households in its buildings, their members."""
    from ..tags import declared_tags

    c = _Community(session, community, streets or [])
    layout = layout or LAYOUTS["community"]
    rural = is_rural(session, community.id)
    flats = [
        (node_id, building, entrance, f"{floor}0{flat}")
        for node_id, building in c.buildings
        for entrance in range(1, layout.entrances + 1)
        for floor in range(1, layout.floors + 1)
        for flat in range(1, layout.flats + 1)
    ]
    flats = [f for f in flats if c.rng.random() < layout.occupied]
    tags = frozenset(declared_tags())
    families = people.families(c.rng, len(flats), rural, tags)
    unit_rows = _seed_units(c, max(12, len(flats) // 15), rural)
    household_ids = _seed_households(c, flats, families)
    _seed_residents(c, flats, families, household_ids, unit_rows, set() if taken is None else taken)
    _history(c)


def _seed_units(c: _Community, count: int, rural: bool) -> list[dict[str, Any]]:
    rng = c.rng
    rows = []
    for unit in units.units(rng, c.place, count, rural):
        building = rng.choice(c.buildings) if c.buildings and unit.street_front else None
        road = rng.choice(c.roads)
        rows.append(
            {
                **c.keys,
                **c.stamps,
                "node_id": building[0] if building else c.community.id,
                "name": unit.name,
                "credit_code": _credit_code(rng, unit.trade.credit),
                "kind": unit.trade.kind,
                "legal_representative": unit.legal_representative,
                "contact_name": unit.contact_name,
                "contact_phone": mobile(rng),
                "address": f"{STREET_ADDRESS}{road}{rng.randrange(1, 120)}号"
                + (f"（{building[1]}底商）" if building else ""),
                "industry": unit.trade.industry,
                "street_front": unit.street_front,
                "headquarters_street_id": rng.choice(c.streets)
                if unit.trade.branch and c.streets
                else None,
                "business_status": unit.status,
                "size_class": unit.size_class,
                "output_value": unit.output,
                "headcount": unit.headcount,
                "notes": "",
            }
        )
    for row, unit_id in zip(rows, insert_rows(c.session, RegistryUnit, rows), strict=True):
        row["id"] = unit_id
    return rows


def _seed_households(c: _Community, flats: list[Any], families: list[Family]) -> list[int]:
    rows = [
        {
            **c.keys,
            **c.stamps,
            "node_id": node_id,
            "entrance": str(entrance),
            "room": room,
            "head_name": family.members[0].name,
            "tenure": family.tenure,
            "moved_in_on": family.moved_in_on,
            "rental": family.tenure == "rented",
            "tenant_count": len(family.members) if family.tenure == "rented" else None,
            "group_rental": family.group_rental,
            "notes": "",
        }
        for (node_id, _building, entrance, room), family in zip(flats, families, strict=True)
    ]
    return insert_rows(c.session, RegistryHousehold, rows)


def _employer(
    c: _Community, person: Person, local: list[dict[str, Any]], staffed: dict[int, int]
) -> tuple[int | None, str]:
    """Where an employed resident works: now and then a unit of the community (no more of
    them than its headcount), else a named employer elsewhere."""
    rng = c.rng
    if person.employment != "employed":
        return None, ""
    if local and rng.random() < 0.15:
        unit = rng.choice(local)
        if staffed.get(unit["id"], 0) < (unit["headcount"] or 0):
            staffed[unit["id"]] = staffed.get(unit["id"], 0) + 1
            return unit["id"], ""  # a unit of the registry, or a name: not both
    if person.floating and rng.random() < 0.3:
        return None, "个体经营"
    brand = "".join(rng.sample(BRANDS, 2))
    return None, f"北京{brand}{rng.choice(EMPLOYERS)}"


def _arrival(person: Person, family: Family) -> date:
    """来本地日期 of a floating resident: when the household moved in, or, for an adult who
    joined it later, some time after they were 18."""
    grown = person.born + timedelta(days=18 * 366) if person.age >= 18 else person.born
    return min(max(family.moved_in_on or grown, grown), ON - timedelta(days=1))


def _seed_residents(
    c: _Community,
    flats: list[Any],
    families: list[Family],
    household_ids: list[int],
    unit_rows: list[dict[str, Any]],
    taken: set[str],
) -> None:
    rng, community = c.rng, c.community
    local = [u for u in unit_rows if u["business_status"] == "operating" and u["headcount"]]
    staffed: dict[int, int] = {}
    rows: list[dict[str, Any]] = []
    people_in_order: list[Person] = []
    households_of: list[int] = []
    for (node_id, building, entrance, room), family, household_id in zip(
        flats, families, household_ids, strict=True
    ):
        address = f"{STREET_ADDRESS}{community.name}{building}{entrance}单元{room}室"
        ethnicity = rng.choice(ETHNICITIES)
        for person in family.members:
            # a newborn not yet registered (落户) has only its 出生医学证明
            unregistered = (ON - person.born).days < 180 and rng.random() < 0.7
            number = None if unregistered else _resident_id(rng, person, taken)
            arrived = _arrival(person, family) if person.floating else None
            employer_id, employer_name = _employer(c, person, local, staffed)
            where, since = person.away or ("", None)
            rows.append(
                {
                    **c.keys,
                    **c.stamps,
                    "node_id": node_id,
                    "household_id": household_id,
                    "relation": person.relation,
                    "name": person.name,
                    "gender": "M" if person.male else "F",
                    "id_number": number,
                    "id_reversed": number[::-1] if number else None,
                    "birth_certificate_number": f"{rng.choice('NOPQR')}{rng.randrange(10**9):09d}"
                    if person.age < 3
                    else "",
                    "birth_date": person.born,
                    "mobile": mobile(rng) if person.age >= 14 else "",
                    "ethnicity": ethnicity
                    if person.relation != "spouse"
                    else rng.choice(ETHNICITIES),
                    "hukou_address": f"{person.hometown.address}{rng.randrange(1, 200)}号"
                    if person.floating
                    else address,
                    "current_address": where or address,
                    "status": "floating" if person.floating else "registered",
                    "presence": "away"
                    if where
                    else "here_only"
                    if person.floating
                    else "consistent",
                    "out_to": where,
                    "out_since": since,
                    "arrived_on": arrived,
                    "managed_on": min(arrived + timedelta(days=7), ON) if arrived else None,
                    "marital_status": person.marital,
                    "employment": person.employment,
                    "employer_id": employer_id,
                    "employer_name": employer_name,
                    "political_status": person.political,
                    "guardian_relation": person.guardian_relation,
                    "notes": "",
                }
            )
            people_in_order.append(person)
            households_of.append(household_id)
    ids = insert_rows(c.session, RegistryResident, rows)
    id_of = {id(p): i for p, i in zip(people_in_order, ids, strict=True)}
    guardians = [
        {"id": id_of[id(p)], "guardian_id": id_of[id(p.guardian)]}
        for p in people_in_order
        if p.guardian is not None and id(p.guardian) in id_of
    ]
    if guardians:
        c.session.execute(sa.update(RegistryResident), guardians)
    _link_households(c, families, household_ids, id_of)
    tags = [
        {"resident_id": id_of[id(p)], "tag": tag} for p in people_in_order for tag in set(p.tags)
    ]
    if tags:
        c.session.execute(sa.insert(RegistryResidentTag), tags)


def _link_households(
    c: _Community, families: list[Family], household_ids: list[int], id_of: dict[int, int]
) -> None:
    """Each household's head (a member) and, for a rented flat, now and then its landlord:
    the head of a household of the community that owns its flat."""
    owners = [
        id_of[id(f.members[0])]
        for f in families
        if f.tenure == "owned" and f.members[0].away is None and f.members[0].age >= 30
    ]
    rows = []
    for family, household_id in zip(families, household_ids, strict=True):
        row = {"id": household_id, "head_id": id_of[id(family.members[0])], "landlord_id": None}
        if family.tenure == "rented" and owners and c.rng.random() < 0.6:
            row["landlord_id"] = c.rng.choice(owners)
        rows.append(row)
    if rows:
        c.session.execute(sa.update(RegistryHousehold), rows)


def _history(c: _Community) -> None:
    """One "registered" entry per demo row, so every timeline starts somewhere."""
    for object_type, model in (
        ("household", RegistryHousehold),
        ("resident", RegistryResident),
        ("unit", RegistryUnit),
    ):
        rows = c.session.execute(
            sa.select(model.id, model.node_id).where(model.community_id == c.community.id)
        ).all()
        if rows:
            c.session.execute(
                sa.insert(RecordChange),
                [
                    {
                        **c.keys,
                        "node_id": node_id,
                        "object_type": f"registry.{object_type}",
                        "object_id": object_id,
                        "action": "create",
                        "at": c.stamps["created_at"],
                        "username": "demo",
                        "changes": None,
                    }
                    for object_id, node_id in rows
                ],
            )
