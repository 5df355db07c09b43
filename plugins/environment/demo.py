"""Demo data of the environment module, per city community of the registry's demo district
(spec: "Demo per community"): areas for the buildings, courtyards, lanes, shop frontages and
four sorting stations; six 门前三包 letters (one expired); a year of weekly self-checks and
monthly joint checks (mean 89, two below 85), a spring 除四害 check and two 物业考核 of the
registry's property company (June and December, scored, one with rectification); 30
issues (27 closed, 2 open, 1 overdue, 违建 referred); 15 complaints (响应率 100%, 解决率 86%,
满意率 93%); sorting participation rising from 62% to 84%; four water tanks, one overdue; the
year's activities; eight 绿色家庭 nominees with the residents' votes, the five most voted
selected, and the best-kept stairwells as 星级楼道. Rows go in by bulk inserts, so ``jiedao
demo`` stays fast.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities.models import Activity
from core.clock import zone
from core.db import utcnow
from core.sdk import current_template
from core.visits.assignments import staff_at
from plugins.registry.demo import insert_rows, mobile, person_name
from plugins.registry.models import RegistryUnit
from tenants.models import Node, NodeKind

from .activities.selections import stars_for
from .assessments.rules import result_for
from .common import MODULE, today
from .inspections.checklists import ENV_INSPECTIONS
from .models import (
    EnvironmentArea,
    EnvironmentAssessment,
    EnvironmentAssessmentEvent,
    EnvironmentComplaint,
    EnvironmentInspection,
    EnvironmentIssue,
    EnvironmentLetter,
    EnvironmentSelection,
    EnvironmentSorting,
    EnvironmentTank,
)
from .sorting.rules import households_at
from .upkeep.rules import add_months

DEMO_DISTRICT = "110105"
ASSESSMENT_TEAM = "街道城管科、综治科、城建科、公共卫生"  # 联合考核组 (003 l.265)
JOINT_SCORES = (96, 92, 90, 88, 84, 91, 89, 90, 78, 90, 87, 93)  # mean 89, two below 85
ISSUES = (
    ("piling", 8, "楼道堆放杂物"), ("adverts", 6, "单元门小广告"), ("overflow", 5, "垃圾桶满溢"),
    ("sorting", 5, "厨余垃圾混投"), ("greenery", 3, "绿地被踩踏"), ("water", 2, "雨后积水"),
    ("structure", 1, "私搭乱建棚屋"),
)  # fmt: skip
COMPLAINT_TEXTS = (
    ("garbage", "小区垃圾桶满溢未及时清运"), ("noise", "夜间装修噪音扰民"),
    ("fumes", "底商饭店油烟直排"), ("greenery", "绿地被占用停车"), ("mess", "楼道卫生差"),
)  # fmt: skip


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch environment on in the demo district's city communities and fill the empty ones."""
    from plugins.registry.demo import is_rural
    from tenants import modules
    from tenants.services import find_by_ref

    district = find_by_ref(session, DEMO_DISTRICT)
    if district is None:
        return
    for community in modules.communities_under(session, district):
        if is_rural(session, community.id):
            continue
        if not modules.is_enabled(session, community.id, MODULE):
            modules.enable(session, community, MODULE)
        seeded = sa.select(EnvironmentArea.id).where(EnvironmentArea.community_id == community.id)
        if session.scalar(seeded.limit(1)) is None:
            _Community(session, community, today()).fill()


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=zone())


class _Community:
    """Filling one community: its keys, random source, buildings and the demo's today."""

    def __init__(self, session: Session, community: Node, day: date) -> None:
        self.session, self.community, self.day = session, community, day
        self.rng = random.Random(f"environment-{community.code}")
        now = utcnow()
        self.row = {
            "district_id": community.district_id,
            "street_id": community.street_id,
            "community_id": community.community_id,
            "created_at": now,
            "updated_at": now,
        }
        self.buildings = session.execute(
            sa.select(Node.id, Node.name)
            .where(Node.kind == NodeKind.BUILDING, Node.community_id == community.id)
            .order_by(Node.code)
        ).all()

    def fill(self) -> None:
        areas = self.areas()
        self.letters(areas)
        inspections = self.inspections(areas)
        self.issues(areas, inspections)
        self.assessments(inspections)
        self.complaints()
        self.sorting(areas)
        self.tanks()
        self.activities()
        self.selections(areas, inspections)

    def insert(self, model: Any, rows: list[dict[str, Any]]) -> list[int]:
        return insert_rows(self.session, model, [{**self.row, **r} for r in rows])

    # --- areas and letters -------------------------------------------------------------------

    def areas(self) -> dict[str, list[dict[str, Any]]]:
        staff = staff_at(self.session, self.community)
        keeper = staff[0][0] if staff else None
        c = self.community.id
        rows = [
            {"name": f"{name}楼道", "kind": "stairwell", "node_id": node, "party": "property",
             "floor_leader": person_name(self.rng, self.rng.random() < 0.5)}
            for node, name in self.buildings[:12]
        ]  # fmt: skip
        rows += [{"name": f"{n}号院", "kind": "courtyard", "node_id": c, "party": "property"}
                 for n in (1, 2, 3)]  # fmt: skip
        rows += [{"name": name, "kind": "lane", "node_id": c, "party": "cleaners"}
                 for name in ("东侧胡同", "南侧街巷")]  # fmt: skip
        shops = self.session.execute(
            sa.select(RegistryUnit.id, RegistryUnit.name, RegistryUnit.node_id)
            .where(
                RegistryUnit.community_id == c,
                RegistryUnit.street_front.is_(True),
                RegistryUnit.deleted_at.is_(None),
            )
            .order_by(RegistryUnit.id)
        ).all()
        rows += [{"name": f"{s.name}门前", "kind": "frontage", "node_id": s.node_id,
                  "unit_id": s.id, "party": "shop"} for s in shops]  # fmt: skip
        stations = self.buildings[:4] or [(c, self.community.name)]
        rows += [{"name": f"{name}垃圾分类桶站", "kind": "station", "node_id": node,
                  "party": "community"} for node, name in stations]  # fmt: skip
        company = self.session.execute(
            sa.select(RegistryUnit.id, RegistryUnit.name)
            .where(
                RegistryUnit.community_id == c,
                RegistryUnit.kind == "property",
                RegistryUnit.deleted_at.is_(None),
            )
            .order_by(RegistryUnit.id)
            .limit(1)
        ).first()
        self.company = company
        for r in rows:
            r["keeper_id"] = keeper
            if company is not None and r["kind"] in ("stairwell", "courtyard"):
                r["unit_id"] = company.id  # the property company answers for them
        for r, new_id in zip(rows, self.insert(EnvironmentArea, rows), strict=True):
            r["id"] = new_id
        by_kind: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            by_kind.setdefault(r["kind"], []).append(r)
        return by_kind

    def letters(self, areas: dict[str, list[dict[str, Any]]]) -> None:
        year = self.day.year
        rows = []
        for n, front in enumerate(areas.get("frontage", [])[:6]):
            signed = date(year, 1, 8 + n) if n < 5 else date(year - 1, 1, 12)
            rows.append({
                "unit_id": front["unit_id"], "area_id": front["id"], "node_id": front["node_id"],
                "extent": "门前至马路牙子，两侧至相邻门店分界",
                "duties": ["sanitation", "greening", "order"], "signed_on": signed,
                "valid_until": date(signed.year, 12, 31), "status": "signed",
                "signatory": person_name(self.rng, True),
            })  # fmt: skip
        self.insert(EnvironmentLetter, rows)

    # --- inspections and issues --------------------------------------------------------------

    def results(self, template: Any, score: int) -> list[dict[str, Any]]:
        """The template's items scored so that they add up to ``score``: the points lost
        spread over a few items, which fail."""
        lost = 100 - score
        rows = []
        order = list(template.items)
        self.rng.shuffle(order)
        cut = {}
        for item in order:
            take = min(lost, int(item.max_points // 2))
            if take > 0:
                cut[item.id] = take
                lost -= take
        for item in template.items:
            points = item.max_points - cut.get(item.id, 0)
            rows.append({"item_id": item.id, "item": item.text, "section": item.section,
                         "max_points": item.max_points, "score": float(points),
                         "result": "ok" if points >= item.max_points else "fail"})  # fmt: skip
        return rows

    def inspections(self, areas: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        area_sheet = current_template(self.session, ENV_INSPECTIONS, self.community, "area")
        property_sheet = current_template(self.session, ENV_INSPECTIONS, self.community, "property")
        rotation = [*areas.get("stairwell", []), *areas.get("courtyard", [])] or areas["lane"]
        friday = self.day - timedelta(days=(self.day.weekday() - 4) % 7)
        plan = [(friday - timedelta(weeks=w), "weekly", rotation[w % len(rotation)],
                 self.rng.randint(86, 97), area_sheet) for w in range(52)]  # fmt: skip
        for m, score in enumerate(JOINT_SCORES):
            day = add_months(friday, -m).replace(day=20)
            day = day if day <= self.day else day - timedelta(days=30)
            plan.append((day, "monthly", rotation[(m * 5) % len(rotation)], score, area_sheet))
        spring = date(self.day.year, 4, 15)
        plan.append((spring, "special", rotation[0], 91, area_sheet))
        if self.company is not None:
            company = {"id": self.company.id, "name": self.company.name,
                       "node_id": self.community.id, "property": True}  # fmt: skip
            for day, score in zip(self.assessment_days(), (92, 86), strict=False):
                plan.append((day, "property", company, score, property_sheet))
        rows = [
            {"kind": kind, "done_on": day, "node_id": area["node_id"],
             "area_id": None if area.get("property") else area["id"],
             "target_kind": "property" if kind == "property" else "area",
             "target_id": area["id"], "target_name": area["name"],
             "checklist_id": sheet.id, "total_score": float(score),
             "results": self.results(sheet, score),
             "inspectors": ASSESSMENT_TEAM if kind == "property" else "社区环境专干、物业经理",
             "partners": "城管执法队、物业公司" if kind == "monthly" else ""}
            for day, kind, area, score, sheet in plan
        ]  # fmt: skip
        for r, new_id in zip(rows, self.insert(EnvironmentInspection, rows), strict=True):
            r["id"] = new_id
        return rows

    def issues(self, areas: dict[str, list[dict[str, Any]]], inspections: list[dict]) -> None:
        """30 issues found by the weekly checks: all closed but the last three, of which two
        are still within their deadline and one is past it; the 违建 referred."""
        weekly = [i for i in inspections if i["kind"] == "weekly"]  # newest first
        kinds = [(cat, text) for cat, count, text in ISSUES for _ in range(count)]
        self.rng.shuffle(kinds)
        kinds.sort(key=lambda k: k[0] == "structure", reverse=True)  # referred, so closed
        open_since = {27: 2, 28: 5, 29: 96}  # hours: two within their deadline, one past it
        rows = []
        for n, (category, text) in enumerate(kinds):
            still_open = n in open_since
            source = weekly[4 + n] if not still_open else weekly[0]
            found = (
                utcnow() - timedelta(hours=open_since[n]) if still_open else _at(source["done_on"])
            )
            due = found + timedelta(hours=24 if category == "overflow" else 72)
            status = (
                "rectifying" if still_open else ("referred" if category == "structure" else "done")
            )
            rows.append({
                "category": category, "description": text, "area_id": source["area_id"],
                "inspection_id": source["id"], "node_id": source["node_id"],
                "party": "物业公司", "found_at": found, "found_on": found.astimezone(zone()).date(),
                "deadline_at": due, "status": status,
                "closed_on": None if still_open else (found + timedelta(days=1)).date(),
            })  # fmt: skip
        self.insert(EnvironmentIssue, rows)

    def assessment_days(self) -> list[date]:
        """The last two 物业考核 days (June and December, 003 l.265) up to the demo's today."""
        y = self.day.year
        days = (date(y, 12, 20), date(y, 6, 20), date(y - 1, 12, 20), date(y - 1, 6, 20))
        return [d for d in days if d <= self.day][:2]

    def assessments(self, inspections: list[dict[str, Any]]) -> None:
        """The two half-years' 物业服务考核 of the property company, each on its scored sheet
        (the inspection of kind 物业服务考核), with the residents' survey and the ledger
        review; the weaker one was required to rectify before its result."""
        sheets = [i for i in inspections if i["kind"] == "property"]
        rows, steps = [], []
        for sheet in sheets:
            day, score = sheet["done_on"], sheet["total_score"]
            weaker = score < 90
            asked = 40
            rows.append({
                "unit_id": self.company.id, "year": day.year, "half": 1 if day.month <= 6 else 2,
                "scheduled_on": day, "team": ASSESSMENT_TEAM, "inspection_id": sheet["id"],
                "score": score, "survey_asked": asked, "survey_satisfied": 33 if weaker else 37,
                "ledger_review": "半年度物业服务基础台账齐全" if not weaker
                else "保洁记录缺两周，消防巡查记录不全",
                "requirements": "补齐保洁、消防巡查台账；清理消防通道堆物" if weaker else "",
                "rectify_by": day + timedelta(days=10) if weaker else None,
                "result": result_for(score), "concluded_on": day + timedelta(days=12 if weaker else 2),
                "status": "concluded", "node_id": self.community.id,
            })  # fmt: skip
            taken = [("scheduled", "", "scheduled", day - timedelta(days=14)),
                     ("score", "scheduled", "scored", day)]  # fmt: skip
            if weaker:
                taken.append(("require", "scored", "rectifying", day + timedelta(days=1)))
            taken.append(("conclude", taken[-1][2], "concluded", rows[-1]["concluded_on"]))
            steps.append(taken)
        ids = self.insert(EnvironmentAssessment, rows)
        events = [
            {"assessment_id": new_id, "action": action, "from_status": before,
             "to_status": after, "on": on, "at": _at(on), "username": "",
             "node_id": self.community.id,
             "comment": rows[n]["requirements"] if action == "require" else ""}
            for n, (new_id, taken) in enumerate(zip(ids, steps, strict=True))
            for action, before, after, on in taken
        ]  # fmt: skip
        self.insert(EnvironmentAssessmentEvent, events)

    # --- complaints, sorting, tanks, activities, selections ------------------------------------

    def complaints(self) -> None:
        rows = []
        for n in range(15):
            received = _at(self.day - timedelta(days=20 + n * 22), 9)
            category, content = COMPLAINT_TEXTS[n % len(COMPLAINT_TEXTS)]
            resolved = received + timedelta(days=3)
            rows.append({
                "ticket": f"12345-{self.community.code[-6:]}-{n + 1:03d}",
                "source": "hotline" if n % 3 else "phone", "received_at": received,
                "received_on": received.astimezone(zone()).date(),
                "complainant": person_name(self.rng, n % 2 == 0), "phone": mobile(self.rng),
                "location": self.buildings[n % len(self.buildings)].name if self.buildings else "",
                "category": category, "urgent": n == 4, "content": content,
                "handler": "物业公司", "co_handler": "城管执法队" if n % 5 == 0 else "",
                "contacted_at": received + timedelta(hours=1),
                "resolved_at": resolved, "result": "partly" if n in (3, 9) else "solved",
                "followed_up_at": resolved + timedelta(days=1),
                "satisfaction": "unsatisfied" if n == 9 else ("fairly" if n % 4 == 0 else "satisfied"),
                "status": "archived", "node_id": self.community.id,
                "result_note": "",
            })  # fmt: skip
        self.insert(EnvironmentComplaint, rows)

    def sorting(self, areas: dict[str, list[dict[str, Any]]]) -> None:
        rows = []
        first = date(self.day.year, self.day.month, 1)
        for station in areas.get("station", []):
            covered = households_at(self.session, station["node_id"]) or 60
            for m in range(12):
                month = add_months(first, m - 11)
                share, right = 0.62 + 0.22 * m / 11, 0.70 + 0.18 * m / 11
                rows.append({
                    "month": month, "area_id": station["id"], "node_id": station["node_id"],
                    "covered": covered, "participating": round(covered * share),
                    "checked": 20, "passed": round(20 * right),
                    "kitchen_kg": round(covered * share * 9.5, 1), "duty_hours": 60,
                    "volunteers": 4, "problems": "",
                })  # fmt: skip
        self.insert(EnvironmentSorting, rows)

    def tanks(self) -> None:
        ages = (8, 1, 2, 4)  # months since the last cleaning: the first is overdue
        rows = [
            {"kind": "tank", "facility": f"{name}二次供水水箱", "node_id": node,
             "cleaned_on": add_months(self.day, -age), "cleaned_by": "市政供水清洗公司",
             "quality_ok": True, "notes": "水质检测报告已存档"}
            for (node, name), age in zip(self.buildings[:4], ages, strict=False)
        ]  # fmt: skip
        rows += [
            {"kind": "bait", "facility": f"{name}鼠饵站", "node_id": node,
             "cleaned_on": self.day - timedelta(days=10), "cleaned_by": "社区病媒防制员",
             "quality_ok": True, "notes": ""}
            for node, name in self.buildings[:2]
        ]  # fmt: skip
        self.insert(EnvironmentTank, rows)

    def activities(self) -> None:
        year = self.day.year
        plan = (
            ("planting", date(year, 3, 12), "植树节义务植树", 40, ""),
            ("cleanup", date(year, 4, 10), "爱国卫生月大扫除", 120, ""),
            ("pests", date(year, 4, 18), "春季除四害集中行动", 30, ""),
            ("publicity", date(year, 6, 5), "6.5世界环境日宣传", 80, ""),
            ("batteries", date(year, 9, 20), "废旧电池回收", 35, "回收废旧电池12公斤"),
        )
        rows = [
            {"module": MODULE, "kind": kind, "title": title, "held_on": day,
             "place": f"{self.community.name}广场", "headcount": headcount,
             "organiser": f"{self.community.name}居委会", "summary": summary,
             "target_groups": ["residents", "volunteers"], "node_id": self.community.id}
            for kind, day, title, headcount, summary in plan
            if day <= self.day
        ]  # fmt: skip
        self.session.execute(sa.insert(Activity), [{**self.row, **r} for r in rows])

    def selections(self, areas: dict[str, list[dict[str, Any]]], inspections: list[dict]) -> None:
        """Eight 绿色家庭 nominees with the residents' votes and the panel's score, the five
        most voted selected; each stairwell inspected this year a 星级楼道 nominee with the
        mean of its scores and its stars, the best three with stars selected."""
        year = self.day.year
        votes = sorted(self.rng.sample(range(12, 90), 8), reverse=True)
        rows = [
            {"kind": "green_family", "year": year, "node_id": self.community.id,
             "nominee": f"{person_name(self.rng, True)}家庭", "votes": v,
             "score": float(self.rng.randint(80, 98)),
             "result": "selected" if n < 5 else "not_selected"}
            for n, v in enumerate(votes)
        ]  # fmt: skip
        scores: dict[int, list[float]] = {}
        for i in inspections:
            if i["done_on"].year == year and i["area_id"] is not None:
                scores.setdefault(i["area_id"], []).append(i["total_score"])
        stairwells = [(round(sum(scores[a["id"]]) / len(scores[a["id"]]), 1), a)
                      for a in areas.get("stairwell", []) if a["id"] in scores]  # fmt: skip
        stairwells.sort(key=lambda pair: -pair[0])
        chosen = 0
        for mean, area in stairwells:
            stars = stars_for(mean)
            selected = stars is not None and chosen < 3
            chosen += selected
            rows.append({
                "kind": "star_stairwell", "year": year, "node_id": area["node_id"],
                "nominee": area["name"], "area_id": area["id"], "score": mean, "stars": stars,
                "votes": self.rng.randint(5, 40),
                "result": "selected" if selected else "not_selected",
            })  # fmt: skip
        self.insert(EnvironmentSelection, rows)
