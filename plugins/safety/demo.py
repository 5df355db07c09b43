"""Demo data for ``jiedao demo``: a year of safety work in every demo community.

Safety is switched on in the demo district (with the registry it needs; the registry's demo
runs first, dependencies first). Each community where safety is on and whose enterprise ledger
is empty gets: enterprises on top of its registry units (危化品, 烟花爆竹, 人员密集场所, 燃气 …,
standardisation states, one 示范企业), one or two major hazard sources, a year of inspections
(quarterly major inspections, weekly checks of the risky courtyards, special and joint
inspections) with checklists, hazards in every state with their workflow steps (some overdue),
trainings of the three key posts with certificates (some expiring soon), the campaigns of the
calendar and, in the first community only, one accident with its on-site meeting.

Deterministic (a generator seeded with the community's code; dates count back from today in the
platform's zone, so overdue hazards stay overdue) and fast: rows go in with bulk INSERTs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities import Activity
from core.db import utcnow
from core.visits.models import Visit
from plugins.registry.models import RegistryUnit
from tenants.models import Node, NodeKind

from .common import MODULE, today
from .models import (
    SafetyAccident,
    SafetyEnterprise,
    SafetyHazard,
    SafetyHazardEvent,
    SafetyHazardSource,
    SafetyInspection,
    SafetyKeyPost,
    SafetyTrainee,
    SafetyTraining,
)

DEMO_DISTRICT = "110105"
ACCIDENT_COMMUNITY = "110105001001"  # the one demo accident happens here

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国志红玉梅海燕文斌东春雪立新宇浩"

# (sector, risk level, standardisation, standard level) of the first units on the ledger
PROFILES = (
    ("hazardous_chemicals", "major", "compliant", "3"),
    ("gas", "larger", "compliant", "small"),
    ("fireworks", "larger", "creating", ""),
    ("crowded_place", "general", "compliant", "small"),
    ("crowded_place", "general", "creating", ""),
    ("industrial", "low", "not_started", ""),
    ("warehouse", "general", "not_started", ""),
    ("construction", "larger", "creating", ""),
)
SOURCES = {
    "hazardous_chemicals": ("液氨储罐区", "3", "液氨", "18 t"),
    "gas": ("液化石油气储配站", "4", "液化石油气", "25 t"),
}
COURTYARDS = ("{n}号楼院落（群租房）", "{n}号楼地下室", "{n}号楼电动车集中停放点")
CHECKLIST = (
    "消防通道、安全出口畅通，疏散指示标志完好",
    "灭火器、消火栓配置齐全且在有效期内",
    "电气线路规范，无私拉乱接、超负荷用电",
    "燃气管道、阀门、报警装置完好",
    "特种作业人员持证上岗",
    "安全生产责任制、规章制度和应急预案上墙",
    "危险物品分类存放、标识清楚",
    "从业人员经安全培训，本年度开展应急演练",
)
# (description, category, severity, location)
HAZARDS = (
    ("疏散通道堆放杂物，安全出口被货架遮挡", "fire", "general", "一层营业厅"),
    ("灭火器压力不足，部分已过有效期", "fire", "general", "二层走廊"),
    ("配电箱私拉乱接，电线老化裸露", "electrical", "general", "配电室"),
    ("电动车在楼道内充电，飞线充电", "electrical", "general", "单元楼道"),
    ("燃气报警装置失效，未与切断阀联动", "gas", "major", "后厨"),
    ("液化气钢瓶与明火作业间距不足", "gas", "general", "操作间"),
    ("危险化学品未分类存放，缺少安全标签", "chemicals", "major", "仓库"),
    ("储罐区可燃气体检测仪未按期检定", "chemicals", "general", "储罐区"),
    ("外墙广告牌固定件锈蚀松动", "structure", "general", "临街外墙"),
    ("特种设备（电梯）未按期年检", "equipment", "general", "电梯机房"),
    ("安全生产责任制未落实，无隐患排查记录", "management", "general", "办公室"),
    ("员工未经三级安全教育即上岗", "management", "general", "生产车间"),
    ("群租房内设置隔断，占用疏散通道", "fire", "major", "地下室"),
)
# status → its workflow steps after "found" (action, status reached)
STEPS = {
    "found": (),
    "notified": (("notify", "notified"),),
    "rectifying": (("notify", "notified"), ("start", "rectifying")),
    "submitted": (("notify", "notified"), ("start", "rectifying"), ("submit", "submitted")),
    "closed": (
        ("notify", "notified"),
        ("start", "rectifying"),
        ("submit", "submitted"),
        ("close", "closed"),
    ),
}
# per community: (status, days before today it was found, days to rectify); open ones whose
# found + days < today are overdue
HAZARD_PLAN = (
    ("closed", 330, 15),
    ("closed", 290, 15),
    ("closed", 240, 60),
    ("closed", 200, 15),
    ("closed", 150, 15),
    ("closed", 90, 15),
    ("found", 3, 15),
    ("notified", 40, 15),  # overdue
    ("notified", 10, 15),
    ("rectifying", 75, 60),  # overdue
    ("rectifying", 20, 30),
    ("submitted", 25, 15),  # overdue while awaiting re-inspection
    ("submitted", 12, 15),
)
ACTIVITIES = (
    # (kind, month, day, title, place)
    ("safety_month", 6, 16, "“安全生产月”宣传咨询日活动", "社区文化广场"),
    ("fire_day", 11, 9, "“11·9”消防宣传日疏散演练", "社区居委会"),
    ("road_safety_day", 12, 2, "全国交通安全日进社区宣传", "社区主干道"),
    ("ankang_cup", 4, 20, "“安康杯”安全知识竞赛", "社区活动室"),
    ("five_into", 9, 18, "安全宣传“五进”——进企业、进社区、进学校", "辖区企业"),
    ("drill", 3, 28, "燃气泄漏应急处置演练", "社区餐饮集中区"),
)


VISIT_FINDINGS = (
    "消防通道畅通，灭火器在有效期内",
    "安全管理制度上墙，员工培训记录齐全",
    "配电箱周边堆放杂物，已当场要求清理",
    "燃气报警器运行正常，管道无泄漏",
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "136", "150", "186", "189"]) + f"{rng.randrange(10**8):08d}"


def _last(day: date, month: int, dom: int) -> date:
    """The latest ``month``/``dom`` on or before ``day``."""
    candidate = date(day.year, month, dom)
    return candidate if candidate <= day else date(day.year - 1, month, dom)


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch safety on in the demo district and fill the communities with an empty ledger."""
    from tenants import modules
    from tenants.services import find_by_ref

    district = find_by_ref(session, DEMO_DISTRICT)
    if district is None:
        return
    modules.enable(session, district, MODULE)
    day = today()
    for community in modules.communities_under(session, district):
        if not modules.is_enabled(session, community.id, MODULE):
            continue
        exists = session.scalar(
            sa.select(SafetyEnterprise.id)
            .where(SafetyEnterprise.community_id == community.id)
            .limit(1)
        )
        if exists is None:
            seed_community(session, community, day)
    seed_targets(session)


def _insert(session: Session, model: Any, community: Node, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` of ``model`` in one statement; their new ids, in order (each row gets
    its ``id`` too, for the rows that point at it)."""
    after = session.scalar(sa.select(sa.func.max(model.id))) or 0
    session.execute(sa.insert(model), rows)
    ids = list(
        session.scalars(
            sa.select(model.id)
            .where(model.community_id == community.id, model.id > after)
            .order_by(model.id)
        )
    )
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    return ids


@dataclass(frozen=True)
class _Seeding:
    """What each seeding step of one community needs: the session, the community, the tree
    columns every row carries (``keys``; with the timestamps, ``row``), its random source and
    the demo's today."""

    session: Session
    community: Node
    keys: dict[str, Any]
    row: dict[str, Any]
    rng: random.Random
    day: date


def seed_community(session: Session, community: Node, day: date) -> None:
    keys = {
        "district_id": community.district_id,
        "street_id": community.street_id,
        "community_id": community.community_id,
    }
    now = utcnow()
    rng = random.Random(f"safety-{community.code}")
    c = _Seeding(session, community, keys, {**keys, "created_at": now, "updated_at": now}, rng, day)
    units = session.execute(
        sa.select(RegistryUnit.id, RegistryUnit.node_id, RegistryUnit.name, RegistryUnit.kind)
        .where(RegistryUnit.community_id == community.id, RegistryUnit.deleted_at.is_(None))
        .order_by(RegistryUnit.id)
    ).all()
    if not units:
        return
    enterprises = _seed_enterprises(c, units)
    _seed_sources(c, enterprises)
    _seed_hazards(c, enterprises, _seed_inspections(c, enterprises))
    _seed_trainings(c, enterprises)
    _seed_key_posts(c, enterprises)
    _seed_activities(c)
    _seed_visits(c, enterprises)
    if community.code == ACCIDENT_COMMUNITY:
        _seed_accident(c, enterprises)


def _seed_enterprises(c: _Seeding, units: list[Any]) -> list[dict[str, Any]]:
    session, community, rng = c.session, c.community, c.rng
    rows = []
    for index, (unit_id, node_id, name, _kind) in enumerate(units[: len(PROFILES)]):
        sector, risk, state, level = PROFILES[index]
        rows.append(
            {
                **c.row,
                "node_id": node_id,
                "unit_id": unit_id,
                "name": name,
                "sector": sector,
                "risk_level": risk,
                "standardisation": state,
                "standard_level": level,
                "demonstration": index == 0,  # 示范企业: the compliant chemicals enterprise
                "principal_name": _name(rng),
                "principal_phone": _mobile(rng),
                "safety_manager_name": _name(rng),
                "safety_manager_phone": _mobile(rng),
                "notes": "",
            }
        )
    _insert(session, SafetyEnterprise, community, rows)
    return rows


def _seed_sources(c: _Seeding, enterprises: list[dict[str, Any]]) -> None:
    session, day = c.session, c.day
    rows = [
        {
            **c.row,
            "node_id": e["node_id"],
            "enterprise_id": e["id"],
            "name": SOURCES[e["sector"]][0],
            "grade": SOURCES[e["sector"]][1],
            "substances": SOURCES[e["sector"]][2],
            "quantity": SOURCES[e["sector"]][3],
            "responsible_person": e["safety_manager_name"],
            "monitoring": "24小时视频监控，可燃气体浓度在线监测并与紧急切断联锁；每日巡检记录",
            "registered_on": day - timedelta(days=400 + 30 * index),
        }
        for index, e in enumerate(x for x in enterprises if x["sector"] in SOURCES)
    ]
    if rows:
        session.execute(sa.insert(SafetyHazardSource), rows)


def _checklist(rng: random.Random, failing: int = 0) -> list[dict[str, Any]]:
    items = [{"item": text, "result": "ok", "note": ""} for text in CHECKLIST]
    for index in rng.sample(range(len(items)), failing):
        items[index]["result"] = "fail"
        items[index]["note"] = "已下发整改通知"
    return items


def _seed_inspections(c: _Seeding, enterprises: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A year back from ``day``: weekly courtyard checks, quarterly major inspections, special
    and joint inspections of the risky enterprises, and the next quarter's one planned."""
    session, community, rng, day = c.session, c.community, c.rng, c.day
    staff = [_name(rng) for _ in range(3)]
    buildings = list(
        session.execute(
            sa.select(Node.id, Node.name)
            .where(Node.community_id == community.id, Node.kind == NodeKind.BUILDING)
            .order_by(Node.code)
            .limit(3)
        )
    ) or [(community.id, "1号楼")]
    base = {**c.row, "planned": False, "planned_on": None, "enterprise_id": None}
    rows: list[dict[str, Any]] = []
    for week in range(52):
        node_id, building = buildings[week % len(buildings)]
        area = COURTYARDS[week % len(COURTYARDS)].format(n=building.removesuffix("号楼"))
        rows.append(
            {
                **base,
                "node_id": node_id,
                "kind": "weekly" if week % 2 else "routine",
                "done_on": day - timedelta(days=7 * week + 2),
                "area": area,
                "inspectors": "、".join(rng.sample(staff, 2)),
                "checklist": _checklist(rng, 1 if week % 9 == 0 else 0),
                "findings": "每周安全巡查，未发现明显隐患" if week % 9 else "发现隐患，已登记",
            }
        )
    for quarter in range(4):
        rows.append(
            {
                **base,
                "node_id": community.id,
                "kind": "general" if quarter % 2 else "quarterly",
                "done_on": day - timedelta(days=91 * quarter + 20),
                "area": f"{community.name}辖区",
                "inspectors": f"{'、'.join(staff)}、街道安监科",
                "checklist": _checklist(rng, 2),
                "findings": "季度安全大检查：辖区企业、商铺、出租房屋全覆盖",
            }
        )
    risky = [e for e in enterprises if e["risk_level"] in ("major", "larger")] or enterprises
    specials = (
        ("special", 45, "燃气安全专项检查"),
        ("flood", 160, "夏季防汛及有限空间作业专项检查"),
        ("joint", 100, "会同消防救援站、市场监管所联合检查"),
        ("festival", 250, "节前（春节）烟花爆竹及消防安全联合检查"),
        ("supervision", 200, "无主管企业定期督查、不定期抽查"),
    )
    for index, (kind, back, findings) in enumerate(specials):
        target = risky[index % len(risky)]
        rows.append(
            {
                **base,
                "node_id": target["node_id"],
                "enterprise_id": target["id"],
                "kind": kind,
                "done_on": day - timedelta(days=back),
                "area": "",
                "inspectors": f"{staff[0]}、街道安监科、区应急管理局",
                "checklist": _checklist(rng, 2),
                "findings": findings,
            }
        )
    rows.append(
        {
            **base,
            "node_id": community.id,
            "kind": "quarterly",
            "planned": True,
            "planned_on": day + timedelta(days=30),
            "done_on": None,
            "area": f"{community.name}辖区",
            "inspectors": "、".join(staff),
            "checklist": None,
            "findings": "",
        }
    )
    _insert(session, SafetyInspection, community, rows)
    return rows


def _seed_hazards(
    c: _Seeding, enterprises: list[dict[str, Any]], inspections: list[dict[str, Any]]
) -> None:
    """Hazards in every status (some overdue), each with the steps that brought it there."""
    session, community, rng, day = c.session, c.community, c.rng, c.day
    done = [i for i in inspections if i["done_on"] is not None]
    serials: dict[str, int] = {}

    def number(prefix: str, on: date) -> str:
        key = f"{prefix}{on.year}-"
        serials[key] = serials.get(key, 0) + 1
        return f"{key}{serials[key]:04d}"

    rows, steps = [], []
    plan = sorted(HAZARD_PLAN, key=lambda p: -p[1])  # oldest first, so numbers run in order
    for index, (status, back, days) in enumerate(plan):
        found_on = day - timedelta(days=back)
        description, category, severity, location = HAZARDS[index % len(HAZARDS)]
        inspection = min(done, key=lambda i: abs((i["done_on"] - found_on).days))
        enterprise = enterprises[index % len(enterprises)]
        deadline = found_on + timedelta(days=days)
        walk = [("found", "found", found_on)]
        on = found_on
        for action, reached in STEPS[status]:
            on = min(on + timedelta(days=rng.randrange(1, 4) if action != "submit" else 5), day)
            if action == "close":
                on = min(max(on, found_on + timedelta(days=days - 2)), day)
            walk.append((action, reached, on))
        notified = next((on for action, _s, on in walk if action == "notify"), None)
        responsible = enterprise["principal_name"]
        rows.append(
            {
                **c.row,
                "node_id": enterprise["node_id"],
                "number": number("YH", found_on),
                "inspection_id": inspection["id"],
                "enterprise_id": enterprise["id"],
                "description": description,
                "location": location,
                "category": category,
                "severity": severity,
                "status": status,
                "found_on": found_on,
                "found_by": inspection["inspectors"],
                "notice_number": number("ZG", notified) if notified else "",
                "notice_issued_on": notified,
                "deadline": deadline,
                "responsible_person": responsible if notified else "",
                "responsible_phone": enterprise["principal_phone"] if notified else "",
                "measures": "立即清理整改，完善管理制度并组织复查" if notified else "",
                "closed_on": walk[-1][2] if status == "closed" else None,
            }
        )
        steps.append(walk)
    ids = _insert(session, SafetyHazard, community, rows)
    events = []
    for hazard_id, row, walk in zip(ids, rows, steps, strict=True):
        previous = ""
        for action, reached, on in walk:
            events.append(
                {
                    **c.keys,
                    "node_id": row["node_id"],
                    "hazard_id": hazard_id,
                    "action": action,
                    "from_status": previous,
                    "to_status": reached,
                    "at": c.row["created_at"],
                    "on": on,
                    "user_id": None,
                    "username": "demo",
                    "comment": "复查合格，予以销号" if action == "close" else "",
                    "changes": None,
                }
            )
            previous = reached
    session.execute(sa.insert(SafetyHazardEvent), events)


def _seed_trainings(c: _Seeding, enterprises: list[dict[str, Any]]) -> None:
    """Three trainings: the three key posts (certificates, two expiring within 60 days),
    front-line workers, and a fire-safety lecture for residents."""
    session, community, rng, day = c.session, c.community, c.rng, c.day
    trainings = [
        ("三项岗位人员安全生产培训", "three_posts", 200, "街道培训中心", "区应急管理局 刘振华", 16),
        ("新上岗从业人员三级安全教育", "frontline", 120, "社区活动室", "注册安全工程师 周立新", 8),
        ("消防安全知识讲座", "general", 60, "社区居委会", "消防救援站 张海燕", 2),
    ]
    rows = [
        {
            **c.row,
            "node_id": community.id,
            "title": title,
            "category": category,
            "held_on": day - timedelta(days=back),
            "place": place,
            "teacher": teacher,
            "hours": Decimal(hours),
            "notes": "",
        }
        for title, category, back, place, teacher, hours in trainings
    ]
    three_posts, frontline, _lecture = _insert(session, SafetyTraining, community, rows)
    trainees = []
    held = day - timedelta(days=200)
    for index, e in enumerate(enterprises):
        for post, person in (
            ("principal", e["principal_name"]),
            ("safety_manager", e["safety_manager_name"]),
        ):
            # certificates run three years; the first two of each community expire soon
            expires = (
                day + timedelta(days=20 + 15 * len(trainees))
                if len(trainees) < 2
                else held + timedelta(days=3 * 365)
            )
            trainees.append(
                {
                    **c.row,
                    "node_id": e["node_id"],
                    "training_id": three_posts,
                    "name": person,
                    "enterprise_id": e["id"],
                    "post": post,
                    "certificate_number": f"T{community.code[-6:]}{len(trainees) + 1:04d}",
                    "certificate_issued_on": expires - timedelta(days=3 * 365),
                    "certificate_expires_on": expires,
                    "passed": True,
                }
            )
        if e["sector"] in ("hazardous_chemicals", "gas", "construction"):
            trainees.append(
                {
                    **c.row,
                    "node_id": e["node_id"],
                    "training_id": three_posts,
                    "name": _name(rng),
                    "enterprise_id": e["id"],
                    "post": "special_operator",
                    "certificate_number": f"T{community.code[-6:]}{len(trainees) + 1:04d}",
                    "certificate_issued_on": held,
                    "certificate_expires_on": held + timedelta(days=6 * 365),
                    "passed": index % 5 != 4,
                }
            )
    for _ in range(6):
        e = rng.choice(enterprises)
        trainees.append(
            {
                **c.row,
                "node_id": e["node_id"],
                "training_id": frontline,
                "name": _name(rng),
                "enterprise_id": e["id"],
                "post": "frontline",
                "certificate_number": "",
                "certificate_issued_on": None,
                "certificate_expires_on": None,
                "passed": True,
            }
        )
    session.execute(sa.insert(SafetyTrainee), trainees)


def _seed_key_posts(c: _Seeding, enterprises: list[dict[str, Any]]) -> None:
    """三项岗位人员名册: each enterprise's principal and safety manager, a special operator at
    every other one; most certificates valid, one expired, one operator not yet certified, so
    持证上岗率 is below 100 % as inspections find it."""
    rows = []
    for index, enterprise in enumerate(enterprises):
        people = [
            ("principal", enterprise["principal_name"]),
            ("safety_manager", enterprise["safety_manager_name"]),
        ]
        if index % 2 == 0:
            people.append(("special_operator", _name(c.rng)))
        for n, (post, name) in enumerate(people):
            expired = index == 1 and post == "safety_manager"
            uncertified = index == 2 and post == "special_operator"
            expires = c.day - timedelta(days=20) if expired else c.day + timedelta(days=400 + n)
            rows.append(
                {
                    **c.row,
                    "node_id": enterprise["node_id"],
                    "enterprise_id": enterprise["id"],
                    "name": name,
                    "post": post,
                    "on_duty": True,
                    "certificate_number": ""
                    if uncertified
                    else f"AQ{c.community.code[-4:]}{index:02d}{n}",
                    "certificate_expires_on": None if uncertified else expires,
                    "note": "",
                }
            )
    _insert(c.session, SafetyKeyPost, c.community, rows)


def seed_targets(session: Session) -> None:
    """建外街道's targets for this year, as its target letters give them (workplan demo): 三项岗位
    培训 95 at the street split 30/25/25/15, 隐患整改率 ≥ 95 % and 持证上岗率 ≥ 90 % at the
    street and each community. Targets already there are left as they are."""
    from core.targets.models import NodeTarget
    from tenants.services import find_by_ref

    street = find_by_ref(session, "110105001")
    if street is None:
        return
    year = str(today().year)
    communities = session.scalars(
        sa.select(Node)
        .where(Node.parent_id == street.id, Node.kind == NodeKind.COMMUNITY)
        .order_by(Node.code)
    ).all()
    wanted = [(street, "safety.trained", 95)]
    shares = zip(communities, (30, 25, 25, 15), strict=False)  # a merged-away one has none
    wanted += [(c, "safety.trained", v) for c, v in shares]
    for place in [street, *communities]:
        wanted += [(place, "safety.rectification_rate", 95), (place, "safety.certified_rate", 90)]
    have = set(
        session.execute(
            sa.select(NodeTarget.node_id, NodeTarget.indicator).where(NodeTarget.period == year)
        ).all()
    )
    for place, indicator, value in wanted:
        if (place.id, indicator) not in have:
            session.add(
                NodeTarget(
                    node_id=place.id,
                    indicator=indicator,
                    period=year,
                    value=value,
                    note="2月20日签订的目标管理责任书",
                )
            )


def _seed_activities(c: _Seeding) -> None:
    session, community, rng, day = c.session, c.community, c.rng, c.day
    rows = [
        {
            **c.row,
            "node_id": community.id,
            "module": MODULE,
            "kind": kind,
            "title": title,
            "held_on": _last(day, month, dom),
            "place": place,
            "headcount": rng.randrange(40, 300),
            "organiser": f"{community.name}居委会",
            "summary": "发放宣传资料、现场答疑，提升居民和从业人员安全意识",
        }
        for kind, month, dom, title, place in ACTIVITIES
    ]
    session.execute(sa.insert(Activity), rows)


def _seed_visits(c: _Seeding, enterprises: list[dict[str, Any]]) -> None:
    """企业走访: most enterprises visited within their quota (重点 monthly, 一般 quarterly), a
    few not for too long, so the due list has overdue and due-soon rows."""
    rng, day = c.rng, c.day
    rows = []
    for index, enterprise in enumerate(enterprises):
        if index % 5 == 4:
            continue  # never visited yet: overdue
        key = enterprise["risk_level"] in ("larger", "major")
        ago = rng.randrange(5, 40 if key else 120)
        rows.append(
            {
                **c.row,
                "node_id": enterprise["node_id"],
                "module": MODULE,
                "subject_kind": "unit",
                "subject_id": enterprise["unit_id"],
                "subject_name": enterprise["name"],
                "visited_on": day - timedelta(days=ago),
                "mode": "home" if index % 3 else "phone",
                "visitor_names": f"{c.community.name}安全员",
                "findings": rng.choice(VISIT_FINDINGS),
                "needs": "",
            }
        )
    if rows:
        c.session.execute(sa.insert(Visit), rows)


def _seed_accident(c: _Seeding, enterprises: list[dict[str, Any]]) -> None:
    """The one demo accident: a minor fall in a warehouse, with its on-site meeting."""
    session, day = c.session, c.day
    target = next((e for e in enterprises if e["sector"] == "warehouse"), enterprises[-1])
    occurred = day - timedelta(days=120)
    session.execute(
        sa.insert(SafetyAccident),
        [
            {
                **c.row,
                "node_id": target["node_id"],
                "occurred_on": occurred,
                "enterprise_id": target["id"],
                "place": "仓库二层货架区",
                "kind": "fall",
                "grade": "general",
                "deaths": 0,
                "serious_injuries": 0,
                "minor_injuries": 1,
                "direct_loss": Decimal("1.20"),
                "summary": "一名搬运工在未系安全带的情况下登高取货，从约2米高处坠落，左臂骨折。",
                "cause": "登高作业未使用安全防护用品；企业安全教育培训不到位，现场无人监护。",
                "measures": "配备移动登高平台和安全带；开展全员安全再培训；落实作业现场监护制度。",
                "meeting_held": True,
                "meeting_on": occurred + timedelta(days=3),
                "lessons": "召开事故现场会，组织辖区仓储物流企业负责人现场观摩，"
                "举一反三排查登高作业隐患。",
                "casualty_details": "伤者：搬运工王某，男，42岁，左尺骨骨折，住院治疗两周。",
                "liability": "企业主要负责人未履行安全教育培训职责，负主要管理责任。",
            }
        ],
    )
