"""Demo data for ``jiedao demo``: households, residents and units in every demo community.

Deterministic (a random generator seeded with the community's code) and idempotent (a community
that already has residents is left alone). Rows go in with bulk INSERTs, so the demo stays fast.
IDs and credit codes are valid (check characters computed); names and addresses look real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.db import utcnow
from core.records.history import RecordChange
from tenants.models import Node, NodeKind

from .models import (
    RegistryHousehold,
    RegistryResident,
    RegistryResidentTag,
    RegistryUnit,
)
from .services import MODULE
from .validators import CREDIT_ALPHABET, credit_check_character, id_check_character

DEMO_DISTRICT = "110105"
HOUSEHOLDS_PER_BUILDING = 8
UNITS_PER_COMMUNITY = 12
ON = date(2026, 6, 30)  # "today" of the demo data, so every run yields the same rows

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚"
    "桂英华建国志红玉梅海燕文斌晓东春雪立新宇浩子涵欣怡"
)
HOMETOWNS = [
    ("410102", "河南省郑州市中原区"),
    ("340104", "安徽省合肥市蜀山区"),
    ("510107", "四川省成都市武侯区"),
    ("130102", "河北省石家庄市长安区"),
    ("370102", "山东省济南市历下区"),
    ("430102", "湖南省长沙市芙蓉区"),
]
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族"]
STREET_ADDRESS = "北京市朝阳区"
SHOPS = ["便利店", "超市", "餐馆", "理发店", "药店", "水果店", "洗衣店", "五金店"]
COMPANIES = [
    "科技有限公司",
    "商贸有限公司",
    "物业管理有限公司",
    "文化传媒有限公司",
    "建筑工程有限公司",
]
BRANDS = "华信瑞丰安达盛世恒通鑫源嘉禾金桥宏远天成博雅"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _resident_id(rng: random.Random, area: str, born: date, male: bool) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    body = f"{area}{born:%Y%m%d}{sequence:03d}"
    return body + id_check_character(body)


def _credit_code(rng: random.Random) -> str:
    body = "91" + DEMO_DISTRICT + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return body + credit_check_character(body)


def _mobile(rng: random.Random) -> str:
    return (
        rng.choice(["138", "139", "136", "150", "186", "189", "135"])
        + f"{rng.randrange(10**8):08d}"
    )


def _tags(rng: random.Random, born: date, male: bool) -> Iterator[str]:
    age = (ON - born).days // 365
    if age >= 60 and rng.random() < 0.15:
        yield "empty_nest"
    if age < 16 and rng.random() < 0.08:
        yield "left_behind_child"
    if rng.random() < 0.03:
        yield "disabled"
    if rng.random() < 0.03:
        yield "dibao"
    if male and age >= 30 and rng.random() < 0.04:
        yield "veteran"


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch the registry on in every demo community and fill the empty ones."""
    from tenants import modules
    from tenants.services import find_by_ref

    district = find_by_ref(session, DEMO_DISTRICT)
    if district is None:
        return
    modules.enable(session, district, MODULE)
    for community in modules.communities_under(session, district):
        exists = session.scalar(
            sa.select(RegistryResident.id)
            .where(RegistryResident.community_id == community.id)
            .limit(1)
        )
        if exists is None:
            seed_community(session, community)
    seed_change_report(session)


DEMO_BUILDING = "110105001001-b01"  # where the demo building leader (楼长) looks after


def seed_change_report(session: Session) -> None:
    """One 迁入 reported by the demo 楼长, waiting for the worker to verify it (once)."""
    from core.changes import services as changes
    from core.changes.models import ChangeReport
    from core.models import User

    building = session.scalar(sa.select(Node).where(Node.ref == DEMO_BUILDING))
    leader = session.scalar(sa.select(User).where(User.username == "building_leader"))
    if building is None or leader is None:
        return
    if session.scalar(sa.select(ChangeReport.id).where(ChangeReport.node_id == building.id)):
        return
    household = session.scalar(
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


def seed_community(session: Session, community: Node) -> None:
    rng = random.Random(community.code)
    keys = {
        "district_id": community.district_id,
        "street_id": community.street_id,
        "community_id": community.community_id,
    }
    now = utcnow()
    buildings = session.scalars(
        sa.select(Node)
        .where(Node.kind == NodeKind.BUILDING, Node.community_id == community.id)
        .order_by(Node.code)
    ).all()
    households: list[dict[str, Any]] = []
    for building in buildings:
        for number in range(HOUSEHOLDS_PER_BUILDING):
            households.append(
                {
                    **keys,
                    "node_id": building.id,
                    "entrance": str(number // 4 + 1),
                    "room": f"{number % 4 // 2 + 1}0{number % 2 + 1}",
                    "head_name": _name(rng),
                    "tenure": rng.choice(["owned", "owned", "rented", "other"]),
                    "moved_in_on": date(rng.randrange(1990, 2026), rng.randrange(1, 13), 1),
                    "notes": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    if households:
        session.execute(sa.insert(RegistryHousehold), households)
    household_rows = session.execute(
        sa.select(
            RegistryHousehold.id,
            RegistryHousehold.node_id,
            RegistryHousehold.head_name,
            Node.name,
            RegistryHousehold.entrance,
            RegistryHousehold.room,
        )
        .join(Node, Node.id == RegistryHousehold.node_id)
        .where(RegistryHousehold.community_id == community.id)
        .order_by(RegistryHousehold.id)
    ).all()
    residents: list[dict[str, Any]] = []
    tags: list[tuple[int, str]] = []  # (index in residents, tag)
    seen: set[str] = set()
    for household_id, node_id, head, building, entrance, room in household_rows:
        address = f"{STREET_ADDRESS}{community.name}{building}{entrance}单元{room}室"
        for member in range(rng.choice((1, 2, 2, 3, 3, 4))):
            floating = rng.random() < 0.2
            male = rng.random() < 0.5 if member else True
            born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 365 * 82))
            area, hometown = rng.choice(HOMETOWNS) if floating else ("110105", STREET_ADDRESS)
            number = _resident_id(rng, area, born, male)
            if number in seen:
                continue
            seen.add(number)
            arrived = ON - timedelta(days=rng.randrange(30, 3000)) if floating else None
            residents.append(
                {
                    **keys,
                    "node_id": node_id,
                    "household_id": household_id,
                    "relation": "head"
                    if member == 0
                    else rng.choice(["spouse", "child", "parent"]),
                    "name": head if member == 0 else _name(rng),
                    "gender": "M" if male else "F",
                    "id_number": number,
                    "id_reversed": number[::-1],
                    "birth_date": born,
                    "mobile": _mobile(rng) if (ON - born).days > 16 * 365 else "",
                    "ethnicity": rng.choice(ETHNICITIES),
                    "hukou_address": f"{hometown}{rng.randrange(1, 200)}号",
                    "current_address": address,
                    "status": "floating" if floating else "registered",
                    "arrived_on": arrived,
                    "managed_on": arrived + timedelta(days=7) if arrived else None,
                    "notes": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
            tags += [(len(residents) - 1, tag) for tag in _tags(rng, born, male)]
    if residents:
        session.execute(sa.insert(RegistryResident), residents)
    ids = session.scalars(
        sa.select(RegistryResident.id)
        .where(RegistryResident.community_id == community.id)
        .order_by(RegistryResident.id)
    ).all()
    if tags:
        session.execute(
            sa.insert(RegistryResidentTag),
            [{"resident_id": ids[index], "tag": tag} for index, tag in tags],
        )
    units = []
    for number in range(UNITS_PER_COMMUNITY):
        shop = number % 2 == 0
        brand = "".join(rng.sample(BRANDS, 2))
        units.append(
            {
                **keys,
                "node_id": rng.choice(buildings).id if buildings and shop else community.id,
                "name": f"{community.name[:-2]}{brand}{rng.choice(SHOPS)}"
                if shop
                else f"北京{brand}{rng.choice(COMPANIES)}",
                "credit_code": _credit_code(rng),
                "kind": "shop" if shop else rng.choice(["enterprise", "enterprise", "property"]),
                "legal_representative": _name(rng),
                "contact_name": _name(rng),
                "contact_phone": _mobile(rng),
                "address": f"{STREET_ADDRESS}{community.name[:-2]}路{rng.randrange(1, 99)}号",
                "industry": "retail"
                if shop
                else rng.choice(["it", "retail", "property", "construction"]),
                "size_class": "below" if shop or rng.random() < 0.6 else "above",
                "output_value": rng.randrange(50, 50000),
                "headcount": rng.randrange(2, 300),
                "notes": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    session.execute(sa.insert(RegistryUnit), units)
    _history(session, community, keys, now)


def _history(session: Session, community: Node, keys: dict[str, Any], now: Any) -> None:
    """One "registered" entry per demo row, so every timeline starts somewhere."""
    for object_type, model in (
        ("household", RegistryHousehold),
        ("resident", RegistryResident),
        ("unit", RegistryUnit),
    ):
        rows = session.execute(
            sa.select(model.id, model.node_id).where(model.community_id == community.id)
        ).all()
        if rows:
            session.execute(
                sa.insert(RecordChange),
                [
                    {
                        **keys,
                        "node_id": node_id,
                        "object_type": f"registry.{object_type}",
                        "object_id": object_id,
                        "action": "create",
                        "at": now,
                        "username": "demo",
                        "changes": None,
                    }
                    for object_id, node_id in rows
                ],
            )
