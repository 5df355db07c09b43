"""Demo data for ``jiedao demo``: a year of safety work in every demo community.

Safety is switched on in the demo district (with the registry it needs; the registry's demo
runs first, dependencies first). Each community where safety is on and whose enterprise ledger
is empty gets: enterprises for the registry units the safety office keeps, each on the sector
its kind has (a restaurant 燃气, a supermarket or hotel 人员密集场所, a building site 建筑施工, a
parcel station 仓储物流, a hardware shop or a property company 其他行业; 危险化学品 and 烟花爆竹
only where the registry has such units, in the rural community), standardisation states and one
示范企业; the major hazard sources of a 液氨 cold store and an LPG depot; a year of inspections
(quarterly major inspections, weekly checks of the risky courtyards, special and joint
inspections) with checklists; hazards in every state with their workflow steps (some overdue),
each of the kind its enterprise has, with counts and places drawn per community; trainings of
the three key posts with certificates (some expiring soon), the campaigns of the calendar and,
in 永安里东社区 only, one accident with its on-site meeting.

Deterministic (a generator seeded with the community's code; dates count back from today in the
platform's zone, so overdue hazards stay overdue) and fast: rows go in with bulk INSERTs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities import Activity
from core.db import utcnow
from core.visits.models import Visit
from plugins.registry.demo import insert_rows, mobile, person_name
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

Hazard = tuple[str, str, str, str]  # (description, category, severity, location)


@dataclass(frozen=True)
class Profile:
    """How a kind of registry unit sits on the safety ledger: its sector and risk, the hazards
    such a place has (texts take {n}, a count, {b}, a building, {f}, a floor) and, for a major
    hazard source, (name, grade, substances, quantity range in t)."""

    sector: str
    risk: str
    hazards: tuple[Hazard, ...]
    source: tuple[str, str, str, tuple[int, int]] | None = None


RESTAURANT = Profile(
    "gas",
    "general",
    (
        ("后厨{n}台燃气泄漏报警器失效，未与紧急切断阀联动", "gas", "major", "后厨"),
        ("燃气灶具熄火保护装置损坏{n}台", "gas", "general", "操作间"),
        ("燃气软管长度超过2米，{n}处穿墙敷设，未改用金属管", "gas", "general", "后厨"),
        ("排油烟管道油垢堆积，已{n}个月未清洗", "fire", "general", "操作间"),
        ("燃气表间堆放纸箱、食用油等可燃物约{n}0公斤", "fire", "general", "燃气表间"),
        ("员工{n}人不会关闭燃气紧急切断阀，未开展燃气安全培训", "management", "general", "后厨"),
    ),
)
CROWDED = Profile(
    "crowded_place",
    "general",
    (
        ("疏散通道堆放货物，{n}号安全出口被货架遮挡", "fire", "general", "营业厅"),
        ("应急照明灯{n}盏不亮，疏散指示标志缺失", "fire", "general", "{f}层走廊"),
        ("灭火器{n}具压力不足，部分已过有效期", "fire", "general", "{f}层"),
        ("{f}层常闭式防火门闭门器损坏，处于常开状态", "fire", "general", "{f}层楼梯间"),
        ("消防控制室值班人员{n}人未持证上岗", "management", "general", "消防控制室"),
        ("库房与营业区未进行防火分隔，堆放纸箱{n}0余件", "fire", "major", "后库"),
    ),
)
SITE = Profile(
    "construction",
    "larger",
    (
        ("{b}号楼外脚手架连墙件缺失{n}处，剪刀撑设置不连续", "structure", "major", "{b}号楼外架"),
        ("基坑临边防护栏杆缺失约{n}0米", "structure", "general", "基坑东侧"),
        ("{n}号塔吊力矩限制器失灵，未经检测继续使用", "equipment", "major", "{n}号塔吊"),
        (
            "临时用电未做到“一机一闸一漏”，{n}台设备共用开关箱",
            "electrical",
            "general",
            "钢筋加工区",
        ),
        ("{n}名作业人员高处作业未系安全带", "management", "general", "{b}号楼{f}层"),
        ("工人宿舍使用大功率电器，私拉电线{n}处", "electrical", "general", "生活区"),
    ),
)
WAREHOUSE = Profile(
    "warehouse",
    "general",
    (
        ("货架堆码高度超过{n}米，无防倾倒措施", "structure", "general", "货架区"),
        ("电动三轮车{n}辆在库内停放充电", "electrical", "general", "分拣区"),
        ("快递包裹堆放堵塞疏散通道，通道宽度不足{n}0厘米", "fire", "general", "分拣区"),
        ("库房二层设置员工宿舍{n}间（“三合一”场所）", "fire", "major", "库房二层"),
    ),
)
WORKSHOP = Profile(
    "industrial",
    "general",
    (
        ("木工车间粉尘清扫不及时，{n}台除尘设备停用", "fire", "major", "木工车间"),
        ("{n}台砂轮机防护罩缺失", "equipment", "general", "打磨工位"),
        ("车间{n}台配电箱未接地，电线老化裸露", "electrical", "general", "生产车间"),
        ("油漆库与生产车间未分隔，存放稀释剂{n}桶", "fire", "general", "油漆库"),
        ("{n}名新员工未经三级安全教育即上岗", "management", "general", "生产车间"),
    ),
)
SMALL = Profile(
    "general",
    "low",
    (
        ("店内私拉乱接电线，使用大功率电热器{n}台", "electrical", "general", "店堂"),
        ("二层阁楼住人{n}名，与经营场所未分隔", "fire", "major", "阁楼"),
        ("外墙广告牌{n}处固定件锈蚀松动", "structure", "general", "临街外墙"),
    ),
)
PROPERTY = Profile(
    "general",
    "low",
    (
        ("{b}号楼楼道内电动自行车飞线充电{n}处", "electrical", "general", "{b}号楼楼道"),
        ("{b}号楼地下室堆放杂物，占用疏散通道", "fire", "general", "{b}号楼地下室"),
        ("{b}号楼地下室群租，设置隔断{n}间", "fire", "major", "{b}号楼地下室"),
        ("{b}号楼电梯{n}部未按期年检", "equipment", "general", "{b}号楼电梯机房"),
        ("{b}号楼室内消火栓{n}处无水带、水枪", "fire", "general", "{b}号楼{f}层"),
    ),
)
COLD_STORE = Profile(
    "hazardous_chemicals",
    "major",
    (
        ("液氨机房有毒气体检测报警仪{n}台未按期检定", "chemicals", "major", "液氨机房"),
        ("{n}号冷库液氨管道阀门处结霜，存在微量泄漏", "chemicals", "major", "制冷管廊"),
        ("储氨器安全阀校验超期{n}个月", "equipment", "general", "储罐区"),
        ("液氨事故应急喷淋装置{n}处无法正常启动", "chemicals", "general", "液氨机房"),
    ),
    ("液氨制冷机房及储氨器", "3", "液氨", (12, 30)),
)
LPG_DEPOT = Profile(
    "gas",
    "major",
    (
        ("储罐区可燃气体报警仪{n}台故障", "gas", "major", "储罐区"),
        ("钢瓶库内空瓶、实瓶混存约{n}0只，未设分区标识", "gas", "general", "钢瓶库"),
        ("{n}台充装秤未按期检定", "equipment", "general", "充装间"),
        ("送气工{n}人未取得燃气从业人员培训证书", "management", "general", "营业室"),
    ),
    ("液化石油气储罐区", "4", "液化石油气", (55, 80)),
)
PETROL = Profile(
    "hazardous_chemicals",
    "larger",
    (
        ("{n}号罐卸油作业时未连接静电接地装置", "chemicals", "general", "卸油口"),
        ("油罐区防雷防静电接地检测超期{n}个月", "chemicals", "general", "油罐区"),
        ("{n}号加油机油气回收装置泄漏", "chemicals", "general", "加油区"),
        ("便利店内违规存放桶装机油{n}0升", "fire", "general", "站内便利店"),
    ),
)
FIREWORKS = Profile(
    "fireworks",
    "larger",
    (
        ("烟花爆竹储存超量，库存超过核定量{n}0箱", "chemicals", "major", "储存间"),
        ("销售点周边{n}0米范围内有明火作业", "fire", "general", "销售点周边"),
        ("销售点未配置灭火器，消防沙不足{n}桶", "fire", "general", "销售点"),
    ),
)
# By the unit's name first (the kinds whose trade the name tells), then by its industry or kind.
BY_NAME = (
    ("冷链", COLD_STORE),
    ("液化石油气", LPG_DEPOT),
    ("加油站", PETROL),
    ("烟花爆竹", FIREWORKS),
    ("超市", CROWDED),
    ("五金", SMALL),
    ("汽车修理", SMALL),
)
BY_INDUSTRY = {
    "catering": RESTAURANT,
    "lodging": CROWDED,
    "construction": SITE,
    "logistics": WAREHOUSE,
    "manufacturing": WORKSHOP,
}
BY_KIND = {"entertainment": CROWDED, "property": PROPERTY}


def profile(name: str, kind: str, industry: str) -> Profile | None:
    """How a unit sits on the safety ledger; None: not one the safety office keeps."""
    for word, found in BY_NAME:
        if word in name:
            return found
    return BY_INDUSTRY.get(industry) or BY_KIND.get(kind)


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
# per community: (status, found between this many days before today and that many, days to
# rectify); an open one whose found + days < today is overdue, whatever day in the range
HAZARD_PLAN = (
    ("closed", 300, 350, 15),
    ("closed", 260, 299, 15),
    ("closed", 220, 250, 60),
    ("closed", 180, 210, 15),
    ("closed", 130, 160, 30),
    ("closed", 80, 100, 15),
    ("found", 1, 5, 15),
    ("notified", 35, 50, 15),  # overdue
    ("notified", 6, 12, 15),
    ("rectifying", 70, 85, 60),  # overdue
    ("rectifying", 15, 25, 30),
    ("submitted", 22, 30, 15),  # overdue while awaiting re-inspection
    ("submitted", 8, 13, 15),
)
EXTRA_CLOSED = (40, 330)  # up to three more closed hazards a community, found in this range
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
    used = {
        (text, number)
        for text, number in session.execute(
            sa.select(SafetyHazard.description, SafetyHazard.number).where(
                SafetyHazard.district_id == district.id
            )
        )
    }
    for community in modules.communities_under(session, district):
        if not modules.is_enabled(session, community.id, MODULE):
            continue
        exists = session.scalar(
            sa.select(SafetyEnterprise.id)
            .where(SafetyEnterprise.community_id == community.id)
            .limit(1)
        )
        if exists is None:
            seed_community(session, community, day, used)
    seed_targets(session)


def _insert(session: Session, model: Any, community: Node, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` of ``model`` in one statement; their new ids, in order (each row gets
    its ``id`` too, for the rows that point at it)."""
    ids = insert_rows(session, model, rows)
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
    profiles: dict[int, Profile] = field(default_factory=dict)  # by unit id
    used: set[tuple[str, str]] = field(default_factory=set)  # hazards' (text, number) so far


def seed_community(
    session: Session, community: Node, day: date, used: set[tuple[str, str]] | None = None
) -> None:
    """Fill one community's safety ledgers; ``used`` holds the (text, number) of the hazards
    of other communities, none of which is repeated here."""
    keys = {
        "district_id": community.district_id,
        "street_id": community.street_id,
        "community_id": community.community_id,
    }
    now = utcnow()
    rng = random.Random(f"safety-{community.code}")
    row = {**keys, "created_at": now, "updated_at": now}
    c = _Seeding(session, community, keys, row, rng, day, used=set() if used is None else used)
    units = session.execute(
        sa.select(
            RegistryUnit.id,
            RegistryUnit.node_id,
            RegistryUnit.name,
            RegistryUnit.kind,
            RegistryUnit.industry,
            RegistryUnit.headcount,
            RegistryUnit.legal_representative,
            RegistryUnit.contact_phone,
        )
        .where(
            RegistryUnit.community_id == community.id,
            RegistryUnit.deleted_at.is_(None),
            RegistryUnit.business_status != "closed",
        )
        .order_by(RegistryUnit.id)
    ).all()
    if not any(profile(u.name, u.kind, u.industry) for u in units):
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


# 安全生产标准化 as it goes with the risk: (weights of compliant, creating, not started)
STANDARDISATION = {
    "major": (8, 2, 0),
    "larger": (5, 4, 1),
    "general": (4, 4, 2),
    "low": (2, 3, 5),
}


def _seed_enterprises(c: _Seeding, units: list[Any]) -> list[dict[str, Any]]:
    """The units the safety office keeps, each with the sector and risk of its kind; a big
    restaurant is a larger risk. The 示范企业 is the compliant one of the highest risk."""
    session, community, rng = c.session, c.community, c.rng
    rows = []
    for unit in units:
        found = profile(unit.name, unit.kind, unit.industry)
        if found is None:
            continue
        c.profiles[unit.id] = found
        risk = found.risk
        if found is RESTAURANT and (unit.headcount or 0) >= 20:
            risk = "larger"
        state = rng.choices(("compliant", "creating", "not_started"), STANDARDISATION[risk])[0]
        small = (unit.headcount or 0) < 100 and risk != "major"
        rows.append(
            {
                **c.row,
                "node_id": unit.node_id,
                "unit_id": unit.id,
                "name": unit.name,
                "sector": found.sector,
                "risk_level": risk,
                "standardisation": state,
                "standard_level": ("small" if small else "3") if state == "compliant" else "",
                "demonstration": False,
                "principal_name": unit.legal_representative or person_name(rng),
                "principal_phone": unit.contact_phone or mobile(rng),
                "safety_manager_name": person_name(rng),
                "safety_manager_phone": mobile(rng),
                "notes": "",
            }
        )
    order = ("major", "larger", "general", "low")
    best = min(
        rows, key=lambda r: (r["standardisation"] != "compliant", order.index(r["risk_level"]))
    )
    best["demonstration"] = True  # 示范企业
    if best["standardisation"] != "compliant":
        best["standardisation"], best["standard_level"] = "compliant", "small"
    _insert(session, SafetyEnterprise, community, rows)
    return rows


def _seed_sources(c: _Seeding, enterprises: list[dict[str, Any]]) -> None:
    """重大危险源 of the enterprises whose kind has one (a 液氨 cold store, an LPG depot)."""
    session, rng, day = c.session, c.rng, c.day
    rows = []
    for e in enterprises:
        source = c.profiles[e["unit_id"]].source
        if source is None:
            continue
        name, grade, substances, (low, high) = source
        rows.append(
            {
                **c.row,
                "node_id": e["node_id"],
                "enterprise_id": e["id"],
                "name": name,
                "grade": grade,
                "substances": substances,
                "quantity": f"{rng.randrange(low, high + 1)} t",
                "responsible_person": e["safety_manager_name"],
                "monitoring": "24小时视频监控，有毒、可燃气体浓度在线监测并与紧急切断联锁；"
                "每日巡检记录",
                "registered_on": day - timedelta(days=rng.randrange(300, 1500)),
            }
        )
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
    staff = [person_name(rng) for _ in range(3)]
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


MEASURES = {
    "fire": "立即清理疏散通道，更换失效消防器材，限期组织复查",
    "gas": "停用故障燃气设施，更换报警装置并与切断阀联动，复查合格后方可使用",
    "electrical": "拆除私拉乱接线路，规范配电并加装漏电保护装置",
    "structure": "立即加固或拆除，设置警示标志和隔离区",
    "equipment": "停止使用，委托有资质的机构检测检验合格后启用",
    "chemicals": "停止相关作业，按规范整改并委托检测，完善应急处置措施",
    "management": "完善安全生产责任制，组织全员培训并建立隐患排查台账",
}


def _hazard_texts(
    c: _Seeding, enterprises: list[dict[str, Any]], numbers: list[str]
) -> list[tuple[dict[str, Any], Hazard]]:
    """An (enterprise, hazard) pair for each hazard number: the enterprises in turn (in a
    shuffled order), each with a hazard of its kind not yet found there, its counts, buildings
    and floors drawn for this community, and never the text and number of a hazard of another
    community."""
    rng = c.rng
    order = rng.sample(enterprises, len(enterprises))

    def shuffled(e: dict[str, Any]) -> list[Hazard]:
        hazards = c.profiles[e["unit_id"]].hazards
        return rng.sample(hazards, len(hazards))

    unused = {e["id"]: shuffled(e) for e in order}
    buildings = max(
        c.session.scalar(
            sa.select(sa.func.count()).where(
                Node.community_id == c.community.id, Node.kind == NodeKind.BUILDING
            )
        )
        or 0,
        1,
    )
    found: list[tuple[dict[str, Any], Hazard]] = []
    turn = 0
    while len(found) < len(numbers):
        enterprise = order[turn % len(order)]
        turn += 1
        left = unused[enterprise["id"]]
        if not left:
            if not any(unused.values()):  # every kind of hazard found once: start again
                unused = {e["id"]: shuffled(e) for e in order}
            continue
        description, category, severity, location = left.pop()
        for _attempt in range(20):
            fill = {
                "n": rng.randrange(2, 10),
                "b": rng.randrange(1, buildings + 1),
                "f": rng.randrange(1, 4),
            }
            text = description.format(**fill)
            if (text, numbers[len(found)]) not in c.used:
                break
        else:
            continue  # this text has been every way it can with this number: another one
        c.used.add((text, numbers[len(found)]))
        found.append((enterprise, (text, category, severity, location.format(**fill))))
    return found


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

    plan = [(status, rng.randint(low, high), days) for status, low, high, days in HAZARD_PLAN]
    plan += [
        ("closed", rng.randint(*EXTRA_CLOSED), rng.choice((15, 30)))
        for _ in range(rng.randrange(4))
    ]
    plan.sort(key=lambda p: -p[1])  # oldest first, so numbers run in order
    numbers = [number("YH", day - timedelta(days=back)) for _status, back, _days in plan]
    texts = _hazard_texts(c, enterprises, numbers)
    rows, steps = [], []
    for (status, back, days), hazard_number, (enterprise, hazard) in zip(
        plan, numbers, texts, strict=True
    ):
        found_on = day - timedelta(days=back)
        description, category, severity, location = hazard
        inspection = min(done, key=lambda i: abs((i["done_on"] - found_on).days))
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
                "number": hazard_number,
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
                "measures": MEASURES.get(category, MEASURES["management"]) if notified else "",
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
                    "name": person_name(rng),
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
                "name": person_name(rng),
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
            people.append(("special_operator", person_name(c.rng)))
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
    """The one demo accident: a minor fall at a parcel station's shelves, with its on-site
    meeting."""
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
                "place": "驿站货架区",
                "kind": "fall",
                "grade": "general",
                "deaths": 0,
                "serious_injuries": 0,
                "minor_injuries": 1,
                "direct_loss": Decimal("1.20"),
                "summary": "一名分拣员未使用登高梯，攀爬货架取件时从约2米高处坠落，左臂骨折。",
                "cause": "登高作业未使用安全防护用品；企业安全教育培训不到位，现场无人监护。",
                "measures": "配备移动登高梯，货架限高并固定；开展全员安全再培训；落实现场监护制度。",
                "meeting_held": True,
                "meeting_on": occurred + timedelta(days=3),
                "lessons": "召开事故现场会，组织辖区仓储物流企业负责人现场观摩，"
                "举一反三排查登高作业隐患。",
                "casualty_details": "伤者：分拣员王某，男，42岁，左尺骨骨折，住院治疗两周。",
                "liability": "企业主要负责人未履行安全教育培训职责，负主要管理责任。",
            }
        ],
    )
