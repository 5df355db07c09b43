"""The demo community's volunteers (志愿者) and four teams (不少于4支), with a few hours."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.tree import node_ref

from .models import TeamMembership, Volunteer, VolunteerTeam
from .services import record_service

DEMO_COMMUNITY = "110105001001"

# (name, gender, birth year, phone, kinds, 五老 sub-kind, skills)
DEMO_VOLUNTEERS: tuple[tuple[str, str, int, str, list[str], str, str], ...] = (
    ("王秀兰", "female", 1952, "13800001001", ["five_elders"], "teacher", "辅导功课"),
    ("李国强", "male", 1949, "13800001002", ["five_elders", "mediator"], "cadre", "调解纠纷"),
    ("张桂芳", "female", 1960, "13800001003", ["green_keeper"], "", "养花种草"),
    ("刘建军", "male", 1958, "13800001004", ["legal_publicity"], "", "法律咨询"),
    ("陈淑英", "female", 1963, "13800001005", ["family_planning", "building_informant"], "", ""),
    ("赵志华", "male", 1966, "13800001006", ["culture_sports"], "", "太极拳"),
    ("孙丽", "female", 1985, "13800001007", ["grid_worker"], "", ""),
)
# (name, kind, leader's name, founded on, members' names)
DEMO_TEAMS: tuple[tuple[str, str, str, date, tuple[str, ...]], ...] = (
    ("永安里护绿队", "green_keeping", "张桂芳", date(2018, 4, 1), ("张桂芳", "陈淑英")),
    ("法治宣传志愿服务队", "legal_publicity", "刘建军", date(2019, 3, 15), ("刘建军", "李国强")),
    ("五老关爱队", "youth_care", "王秀兰", date(2017, 6, 1), ("王秀兰", "李国强")),
    ("夕阳红太极队", "culture_sports", "赵志华", date(2016, 9, 1), ("赵志华", "陈淑英")),
)


def seed(session: Session, _options: dict[str, Any]) -> None:
    """Adds what is missing (seeding twice changes nothing)."""
    community = node_ref(session, ref=DEMO_COMMUNITY)
    if community is None:
        return
    existing = session.scalar(
        sa.select(sa.func.count()).where(Volunteer.community_id == community.id)
    )
    if existing:
        return
    by_name: dict[str, Volunteer] = {}
    for name, gender, born, phone, kinds, elder, skills in DEMO_VOLUNTEERS:
        volunteer = Volunteer(
            node_id=community.id,
            name=name,
            gender=gender,
            birth_year=born,
            phone=phone,
            kinds=kinds,
            elder_kind=elder,
            skills=skills,
            since=date(2020, 1, 1),
        )
        session.add(volunteer)
        by_name[name] = volunteer
    session.flush()
    for name, kind, leader, founded, member_names in DEMO_TEAMS:
        team = VolunteerTeam(
            node_id=community.id,
            name=name,
            kind=kind,
            leader_id=by_name[leader].id,
            founded_on=founded,
        )
        session.add(team)
        session.flush()
        for member in member_names:
            session.add(
                TeamMembership(
                    node_id=community.id,
                    team_id=team.id,
                    volunteer_id=by_name[member].id,
                    role="leader" if member == leader else "member",
                    since=founded,
                )
            )
    session.flush()
    record_service(session, by_name["张桂芳"].id, date(2026, 3, 12), 3, note="植树节补种")
    record_service(session, by_name["刘建军"].id, date(2026, 12, 1), 2, note="宪法日宣传")
