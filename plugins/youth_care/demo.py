"""Demo data for ``jiedao demo``: a year of 关工委 work in every demo community.

Youth care is switched on in the demo district (with the registry it needs, whose demo runs
first). Each community whose care ledger is empty gets, from its registry (minors about 17 % of
the residents): six children in care — two in difficulty (one with a disability, one of a 低保
household), two of single-parent families, two migrant children (floating residents) — and,
in the 农村社区 only, two left-behind children; five 五老 (two veteran teachers, a veteran cadre,
a veteran soldier, a veteran model worker) in core's volunteer register; four pairings in
progress; about 45 visits over the year; the parents' school's three steps (a March survey with
38 questionnaires, a May lecture to 32 parents, an October consultation with 18 families); a
10-day winter programme (缤纷冬日), a 4-week summer programme (七彩夏日, 15–20 children a day) and
the half-past-four class (Mon–Thu, 12 children); the 七一 performance (120 people); two
assistance records issued against their signed receipts (a scan each); the year's 春节 and
六一 visit campaigns of every child in care, in three phases each. Deterministic (a
generator seeded with the community's code) and fast: rows go in with bulk INSERTs.
"""

from __future__ import annotations

import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities import Activity
from core.calendar import latest_on_or_before
from core.campaigns import campaign_model
from core.db import utcnow
from core.visits.models import Visit
from core.volunteers.models import Volunteer
from plugins.registry.ages import years_before
from plugins.registry.demo import insert_rows, is_rural, mobile, person_name
from plugins.registry.models import RegistryResident, RegistryResidentTag
from tenants.models import Node

from .assistance.models import RECEIPT_OWNER
from .common import MODULE, today
from .models import (
    YouthCareAssistance,
    YouthCareChild,
    YouthCarePairing,
    YouthCareProgramme,
    YouthCareSession,
)

DEMO_DISTRICT = "110105"
ELDERS = ("teacher", "teacher", "cadre", "soldier", "model")
SKILLS = {"teacher": "学业辅导", "cadre": "宣讲", "soldier": "体育", "model": "宣讲"}
# (kind, month, day, title, headcount) of the parents' school and the 七一 performance
ACTIVITIES = (
    ("ps_survey", 3, 12, "家庭教育问卷调查（回收问卷38份）", 38),
    ("ps_lecture", 5, 16, "父母学校专题讲座：如何与青春期孩子沟通", 32),
    ("ps_consultation", 10, 17, "家庭教育咨询活动", 18),
    ("performance", 7, 1, "“童心向党”七一文艺汇演", 120),
    ("childrens_day", 6, 1, "六一儿童节游园活动", 60),
    ("deed", 9, 1, "为困难学童送书包文具", 12),
)


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch youth care on in the demo district and fill the communities with an empty ledger."""
    from tenants import modules
    from tenants.services import find_by_ref

    district = find_by_ref(session, DEMO_DISTRICT)
    if district is None:
        return
    modules.enable(session, district, MODULE)
    for community in modules.communities_under(session, district):
        if not modules.is_enabled(session, community.id, MODULE):
            continue
        exists = session.scalar(
            sa.select(YouthCareChild.id).where(YouthCareChild.community_id == community.id).limit(1)
        )
        if exists is None:
            seed_community(session, community, today())


def _minors(session: Session, community: Node, day: date) -> list[Any]:
    """The community's live minors, with what picks their care category."""

    def tagged_as(tag: str) -> Any:
        return sa.select(RegistryResidentTag.resident_id).where(RegistryResidentTag.tag == tag)

    dibao_households = sa.select(RegistryResident.household_id).where(
        RegistryResident.id.in_(tagged_as("dibao"))
    )

    return session.execute(
        sa.select(
            RegistryResident.id,
            RegistryResident.node_id,
            RegistryResident.birth_date,
            RegistryResident.status,
            RegistryResident.id.in_(tagged_as("disabled")).label("disabled"),
            RegistryResident.id.in_(tagged_as("left_behind_child")).label("left_behind"),
            RegistryResident.household_id.in_(dibao_households).label("dibao"),
        )
        .where(
            RegistryResident.community_id == community.id,
            RegistryResident.deleted_at.is_(None),
            RegistryResident.status.in_(("registered", "floating")),
            RegistryResident.birth_date > years_before(day, 18),
            RegistryResident.birth_date <= years_before(day, 3),
        )
        .order_by(RegistryResident.id)
    ).all()


def _pick(minors: list[Any], rural: bool) -> list[tuple[Any, list[str], str]]:
    """(minor, categories, level) of the six (eight in the rural community) in care."""
    left = list(minors)
    chosen: list[tuple[Any, list[str], str]] = []

    def take(test: Any, categories: list[str], level: str, under: int = 18) -> None:
        young = [m for m in left if m.birth_date > years_before(today(), under)]
        found = next((m for m in young if test(m)), young[0] if young else None)
        if found is not None:
            left.remove(found)
            chosen.append((found, categories, level))

    if rural:  # 留守儿童 (the rural definition, under 16) first: the village has few minors
        for _ in range(2):
            take(lambda m: m.left_behind, ["left_behind"], "key", under=16)
    take(lambda m: m.disabled, ["disabled"], "key")
    take(lambda m: m.dibao, ["poor_family", "subsistence"], "urgent")
    take(lambda m: m.status == "registered", ["single_parent"], "general")
    take(lambda m: m.status == "registered", ["single_parent"], "key")
    take(lambda m: m.status == "floating", ["migrant"], "general")
    take(lambda m: m.status == "floating", ["migrant"], "general")
    return chosen


def seed_community(session: Session, community: Node, day: date) -> None:
    """Fill one community's youth-care ledgers from its registry."""
    rng = random.Random(f"youth_care-{community.code}")
    now = utcnow()
    keys = {
        "district_id": community.district_id,
        "street_id": community.street_id,
        "community_id": community.community_id,
    }
    row = {**keys, "created_at": now, "updated_at": now}
    picked = _pick(_minors(session, community, day), is_rural(session, community.id))
    if not picked:
        return
    entered = day - timedelta(days=300)
    children = [
        {**row, "node_id": m.node_id, "resident_id": m.id, "categories": categories,
         "level": level, "status": "active", "source": rng.choice(("sweep", "school", "registry")),
         "found_on": entered - timedelta(days=5), "entered_on": entered,
         "guardian_name": person_name(rng, born_year=1982), "guardian_phone": mobile(rng),
         "guardian_relation": rng.choice(("mother", "father", "grandparents")),
         "guardianship": "fair" if level != "general" else "good",
         "responsible": f"{community.name}儿童主任",
         "situation": "父母离异，随母亲生活" if "single_parent" in categories else "",
         "needs": ["study"] if level == "general" else ["living", "mental"]}
        for m, categories, level in picked
    ]  # fmt: skip
    child_ids = insert_rows(session, YouthCareChild, children)
    volunteers = [
        {**row, "node_id": community.id, "name": person_name(rng, born_year=1952),
         "kinds": ["five_elders"], "elder_kind": elder, "skills": SKILLS[elder],
         "since": date(2019, 3, 1), "phone": mobile(rng)}
        for elder in ELDERS
    ]  # fmt: skip
    volunteer_ids = insert_rows(session, Volunteer, volunteers)
    nodes = {c["resident_id"]: c["node_id"] for c in children}
    pairings = [
        {**row, "node_id": children[i]["node_id"], "child_id": child_ids[i],
         "volunteer_id": volunteer_ids[i % len(volunteer_ids)], "starts_on": entered,
         "planned_end_on": entered + timedelta(days=365), "status": "active",
         "frequency": "weekly" if children[i]["level"] == "urgent" else "monthly",
         "content": "学业辅导、心理疏导", "goal": "学习成绩稳步提高，性格开朗"}
        for i in range(min(4, len(children)))
    ]  # fmt: skip
    insert_rows(session, YouthCarePairing, pairings)
    _seed_visits(session, row, children, nodes, day, rng)
    _seed_campaigns(session, row, community, day)
    _seed_activities(session, row, community, day)
    _seed_programmes(session, row, community, day, rng)
    assistance = [
        {**row, "node_id": children[i]["node_id"], "child_id": child_ids[i], "kind": kind,
         "amount": Decimal(amount), "funder": funder, "given_on": latest_on_or_before(day, month, 15),
         "handled_by": f"{community.name}关工委", "status": "issued"}
        for i, (kind, amount, funder, month) in enumerate(
            (("bursary", "1000.00", "charity", 9), ("gift", "500.00", "committee", 1)))
        if i < len(child_ids)
    ]  # fmt: skip
    for assistance_id in insert_rows(session, YouthCareAssistance, assistance):
        _attach_receipt(session, session.get(YouthCareAssistance, assistance_id))


def _attach_receipt(session: Session, record: YouthCareAssistance) -> None:
    """The guardian's signed receipt of an issued assistance: a one-page scan (PDF)."""
    from pypdf import PdfWriter
    from werkzeug.datastructures import FileStorage

    from core.attachments import IMAGES_AND_PDF, add_attachment

    scan = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(595, 842)  # A4
    writer.write(scan)
    scan.seek(0)
    upload = FileStorage(stream=scan, filename="签收单.pdf", content_type="application/pdf")
    add_attachment(
        session, record, upload, module=MODULE, owner_type=RECEIPT_OWNER, types=IMAGES_AND_PDF,
        caption="监护人签收单",
    )  # fmt: skip


def _seed_visits(
    session: Session, row: dict, children: list[dict], nodes: dict, day: date, rng: random.Random
) -> None:
    """About 45 visits over the year: 紧急 weekly lately, 重点 monthly, 一般 quarterly, one of the
    general ones overdue so the due list has work."""
    every = {"urgent": 21, "key": 30, "general": 90}
    rows = []
    for index, child in enumerate(children):
        gap = every[child["level"]]
        last = day - timedelta(days=gap + 10 if index == len(children) - 1 else rng.randrange(2, 6))
        while last > day - timedelta(days=360) and len(rows) < 45:
            rows.append({
                **row, "node_id": nodes[child["resident_id"]], "module": MODULE,
                "subject_kind": "resident", "subject_id": child["resident_id"],
                "subject_name": "", "visited_on": last, "mode": rng.choice(("home", "phone")),
                "visitor_names": "儿童主任", "findings": "孩子学习、生活情况稳定", "needs": "",
            })  # fmt: skip
            last -= timedelta(days=gap)
    names = dict(session.execute(sa.select(RegistryResident.id, RegistryResident.name).where(
        RegistryResident.id.in_([c["resident_id"] for c in children]))).all())  # fmt: skip
    for visit in rows:
        visit["subject_name"] = names.get(visit["subject_id"], "")
    if rows:
        session.execute(sa.insert(Visit), rows)


def _spring_festival(day: date) -> date:
    """The latest 春节 (lunar 1/1) on or before ``day``."""
    from lunar_python import Lunar

    for year in (day.year, day.year - 1):
        solar = Lunar.fromYmd(year, 1, 1).getSolar()
        found = date(solar.getYear(), solar.getMonth(), solar.getDay())
        if found <= day:
            return found
    raise AssertionError("unreachable")


def _seed_campaigns(session: Session, row: dict, community: Node, day: date) -> None:
    """The latest 春节 campaign (two weeks before the festival to a week after) and 六一
    campaign (25 May – 5 June) that have begun, each in three phases: 摸底, 走访慰问, 总结."""
    festival = _spring_festival(day)
    june = latest_on_or_before(day, 5, 25)
    periods = (
        ("spring_festival", f"{festival.year}年春节走访慰问", festival - timedelta(days=14),
         festival + timedelta(days=7)),
        ("childrens_day", f"{june.year}年六一走访慰问", june, june + timedelta(days=11)),
    )  # fmt: skip
    campaigns = []
    for kind, title, starts, ends in periods:
        survey, visits = starts + timedelta(days=3), ends - timedelta(days=2)
        phases = [{"name": "摸底", "ends_on": survey.isoformat()},
                  {"name": "走访慰问", "ends_on": visits.isoformat()},
                  {"name": "总结", "ends_on": ends.isoformat()}]  # fmt: skip
        campaigns.append({**row, "node_id": community.id, "module": MODULE, "kind": kind,
                          "title": title, "starts_on": starts, "ends_on": ends,
                          "phases": phases, "audience": [], "notes": ""})  # fmt: skip
    insert_rows(session, campaign_model(MODULE), campaigns)


def _seed_activities(session: Session, row: dict, community: Node, day: date) -> None:
    rows = [
        {**row, "node_id": community.id, "module": MODULE, "kind": kind, "title": title,
         "held_on": latest_on_or_before(day, month, dom), "place": "社区活动室", "headcount": headcount,
         "organiser": f"{community.name}关工委"}
        for kind, month, dom, title, headcount in ACTIVITIES
    ]  # fmt: skip
    session.execute(sa.insert(Activity), rows)


def _seed_programmes(
    session: Session, row: dict, community: Node, day: date, rng: random.Random
) -> None:
    """缤纷冬日 (10 days), 七彩夏日 (4 weeks of weekdays) and the half-past-four class (Mon–Thu,
    the last eight weeks), each day with its attendance."""
    winter = latest_on_or_before(day, 1, 20)
    summer = latest_on_or_before(day, 7, 13)
    term = day - timedelta(days=56)
    plans = (
        ("winter", "缤纷冬日寒假活动", winter, winter + timedelta(days=13), 20, (12, 18)),
        ("summer", "七彩夏日暑期活动", summer, summer + timedelta(days=27), 20, (15, 20)),
        ("after_school", "阳光四点钟课堂", term, day, 12, (10, 12)),
    )
    programmes = [
        {**row, "node_id": community.id, "kind": kind, "name": name, "starts_on": start,
         "ends_on": end, "venue": "电教室" if kind != "after_school" else "阅览室",
         "capacity": capacity, "consent_required": True,
         "opening": "周一至周四 16:30-18:00" if kind == "after_school" else "周一至周五 9:00-11:30"}
        for kind, name, start, end, capacity, _range in plans
    ]  # fmt: skip
    ids = insert_rows(session, YouthCareProgramme, programmes)
    sessions = []
    for programme_id, (kind, _name, start, end, _capacity, (low, high)) in zip(
        ids, plans, strict=True
    ):
        days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        open_days = [d for d in days if d.weekday() < (4 if kind == "after_school" else 5)]
        for held_on in open_days[:10] if kind == "winter" else open_days:
            if held_on > day:
                break
            sessions.append({**row, "node_id": community.id, "programme_id": programme_id,
                             "held_on": held_on, "attendance": rng.randint(low, high),
                             "present": []})  # fmt: skip
    if sessions:
        session.execute(sa.insert(YouthCareSession), sessions)
