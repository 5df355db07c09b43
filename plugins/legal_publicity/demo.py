"""Demo data of legal publicity in the demo district (programs/legal_publicity.md, Demo): per
community a year of 普法 (12 每月一法 and the five observances), three boards (one overdue by 12
days), twenty consultations, the 24 screenings of the year, twelve disputes with their sessions
and follow-ups, and one or two persons in resettlement care. Rows go in with one bulk INSERT per
table and community, so ``jiedao demo --no-serve`` stays fast; seeding is skipped where a
community already has cases (the command runs again on an existing database)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities.models import Activity, ActivityMaterial
from core.sdk import demo_account, today, utcnow
from core.visits.models import Visit
from plugins.registry.demo import insert_rows, mobile, person_name
from tenants.models import Node

from .common import MODULE
from .models import (
    LpBoard,
    LpBoardUpdate,
    LpConsult,
    LpDispute,
    LpDisputeSession,
    LpFollowup,
    LpResettled,
    LpScreening,
    LpScreeningItem,
)

DEMO_DISTRICT = "110105"
# The resettlement register's only readers: the street's 司法所 and a cadre named for it in
# 永安里东社区 (the community of core's demo accounts): (username, name, role, place).
ACCOUNTS = (
    ("judicial", "建外街道司法所 孙志刚", "legal_publicity_judicial", "110105001"),
    ("care_cadre", "永安里东社区 安置帮教专干 周敏", "legal_publicity_care", "110105001001"),
)

# (theme, month, day, title) of the observances; 每月一法 comes on top, one a month.
OBSERVANCES = [
    ("women", 3, 8, "三八妇女维权周法律咨询"),
    ("consumer", 3, 15, "3·15消费者权益保护宣传"),
    ("civil_code", 5, 20, "民法典宣传月进社区"),
    ("anti_drug", 6, 26, "6·26国际禁毒日宣传"),
    ("constitution", 12, 4, "12·4国家宪法日宣传"),
]
# The law each observance explains, and the forms its day takes (现场咨询, 图片展览, 发放资料).
OBSERVANCE_LAWS = {
    "women": "妇女权益保障法、反家庭暴力法",
    "consumer": "消费者权益保护法",
    "civil_code": "民法典",
    "anti_drug": "禁毒法",
    "constitution": "宪法",
}
OBSERVANCE_FORMS = ["counselling", "exhibition", "leaflets"]
LAWS_OF_THE_MONTH = [
    "宪法", "民法典", "反家庭暴力法", "妇女权益保障法", "消费者权益保护法", "国家安全法",
    "禁毒法", "未成年人保护法", "老年人权益保障法", "反电信网络诈骗法", "安全生产法", "人民调解法",
]  # fmt: skip

# (type, what happened, amount range): the demo's twelve disputes (邻里 ×4, 物业 ×3 …).
DISPUTES = [
    ("neighbour", "楼上卫生间漏水，楼下住户天花板受损，双方就维修费用争执", (800, 5000)),
    ("neighbour", "楼上住户夜间噪音扰民，多次协商未果", (0, 0)),
    ("neighbour", "空调外机滴水落在楼下窗台，引发口角", (0, 1500)),
    ("neighbour", "装修震动导致邻居墙面开裂", (2000, 12000)),
    ("property", "业主以服务不到位为由拒交物业费两年", (3000, 9000)),
    ("property", "地下车位被长期占用，业主与物业公司发生纠纷", (0, 2000)),
    ("property", "电梯停运一周，业主要求物业减免费用", (1000, 6000)),
    ("family", "夫妻因子女抚养问题发生矛盾", (0, 0)),
    ("family", "兄妹就父母赡养费分担产生分歧", (6000, 30000)),
    ("housing", "房屋租赁到期，房东拒不退还押金", (2000, 8000)),
    ("damages", "小区内宠物犬咬伤居民，就医疗费赔偿发生争议", (1500, 6000)),
    ("labour", "外来务工人员被拖欠三个月工资", (12000, 60000)),
]
ROUTES = ["written"] * 8 + ["oral"] * 2 + ["failed", "running"]
CONSULT_QUESTIONS = [
    ("family", "离婚后孩子的抚养费如何计算"),
    ("inheritance", "父亲去世未留遗嘱，房产如何继承"),
    ("housing", "租房合同未到期房东要求搬走怎么办"),
    ("labour", "公司不签劳动合同能否要求双倍工资"),
    ("loan", "朋友借钱不还只有微信聊天记录能否起诉"),
    ("consumer", "预付卡商家跑路如何维权"),
    ("property", "物业费上涨是否需要业主同意"),
    ("tort", "小区高空坠物砸坏汽车找谁赔偿"),
]
REFERRALS = ["legal_aid", "legal_aid", "law_firm", "arbitration", "notary"]


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch the module on in the demo district and fill each community once."""
    from tenants import modules
    from tenants.services import find_by_ref

    district = find_by_ref(session, DEMO_DISTRICT)
    if district is None:
        return
    modules.enable(session, district, MODULE)
    for account in ACCOUNTS:
        demo_account(session, options, *account)
    seeded = set(
        session.scalars(
            sa.select(LpDispute.community_id).where(LpDispute.district_id == district.id).distinct()
        )
    )
    for community in modules.communities_under(session, district):
        if community.id not in seeded and modules.is_enabled(session, community.id, MODULE):
            Community(session, community, today()).fill()


class Community:
    """One community's year of legal publicity, mediation and resettlement care."""

    def __init__(self, session: Session, community: Node, day: date) -> None:
        self.session, self.community, self.day = session, community, day
        self.rng = random.Random(f"legal-{community.code}")
        now = utcnow()
        self.row = {
            "district_id": community.district_id,
            "street_id": community.street_id,
            "community_id": community.community_id,
            "node_id": community.id,
            "created_at": now,
            "updated_at": now,
        }

    def rows(self, model: Any, items: list[dict[str, Any]]) -> list[int]:
        return insert_rows(self.session, model, [{**self.row, **item} for item in items])

    def fill(self) -> None:
        self.activities()
        self.boards()
        self.consults()
        self.screenings()
        self.disputes()
        self.resettled()

    def _months_back(self, n: int) -> date:
        """The first of the month ``n`` months before this one."""
        year, month = divmod(self.day.year * 12 + self.day.month - 1 - n, 12)
        return date(year, month + 1, 1)

    def activities(self) -> None:
        rng, items = self.rng, []
        for n in range(12):
            first = self._months_back(n)
            held = min(first + timedelta(days=rng.randrange(3, 25)), self.day)
            law = LAWS_OF_THE_MONTH[(first.month - 1) % 12]
            items.append(("monthly_law", held, f"每月一法：{law}", law, ["lecture", "leaflets"]))
        for theme, month, dom, title in OBSERVANCES:
            held = date(self.day.year, month, dom)
            held = held if held <= self.day else held.replace(year=held.year - 1)
            items.append((theme, held, title, OBSERVANCE_LAWS[theme], OBSERVANCE_FORMS))
        rows = [
            {
                "module": MODULE,
                "kind": theme,
                "title": title,
                "held_on": held,
                "place": "社区居委会活动室",
                "organiser": f"{self.community.name}居委会",
                "partners": "街道司法所、社区法律顾问",
                "target_groups": ["all"] if theme != "women" else ["women"],
                "forms": forms,
                "laws": laws,
                "headcount": rng.randrange(40, 151),
                "summary": "法律顾问现场讲解并解答居民提问",
            }
            for theme, held, title, laws, forms in items
        ]
        ids = self.rows(Activity, rows)
        materials = [
            {
                "activity_id": i,
                "kind": "普法宣传册",
                "quantity": rng.randrange(100, 501),
                "count_unit": "份",
            }
            for i in ids
        ]
        self.rows(ActivityMaterial, materials)

    def boards(self) -> None:
        day = self.day
        boards = self.rows(
            LpBoard,
            [
                {
                    "name": "社区东门法治宣传栏",
                    "kind": "board",
                    "cycle_days": 30,
                    "set_up_on": date(2023, 3, 1),
                },
                {
                    "name": "居委会法治宣传橱窗",
                    "kind": "window",
                    "cycle_days": 30,
                    "set_up_on": date(2023, 3, 1),
                },
                {
                    "name": "3号楼黑板报",
                    "kind": "blackboard",
                    "cycle_days": 15,
                    "set_up_on": date(2023, 3, 1),
                },
            ],
        )
        # The blackboard last renewed 27 days ago: 15-day cycle, 12 days overdue.
        last = [day - timedelta(days=10), day - timedelta(days=20), day - timedelta(days=27)]
        self.rows(
            LpBoardUpdate,
            [
                {"board_id": board, "updated_on": on, "theme": LAWS_OF_THE_MONTH[on.month - 1]}
                for board, on in zip(boards, last, strict=True)
            ],
        )

    def consults(self) -> None:
        rng, rows = self.rng, []
        for n in range(20):
            category, question = CONSULT_QUESTIONS[n % len(CONSULT_QUESTIONS)]
            referral = REFERRALS[n] if n < len(REFERRALS) else "none"
            anonymous = rng.random() < 0.3
            rows.append(
                {
                    "consulted_on": self.day - timedelta(days=rng.randrange(1, 330)),
                    "channel": rng.choice(["visit", "visit", "phone", "event", "online"]),
                    "person": ""
                    if anonymous
                    else person_name(rng, born_year=rng.randrange(1950, 1995)),
                    "phone": "" if anonymous else mobile(rng),
                    "group": rng.choice(["elderly", "other", "other", "dibao", "disabled"]),
                    "category": category,
                    "question": question,
                    "answer": "已结合相关法律规定当场解答"
                    if referral == "none"
                    else "已告知转介途径",
                    "referral": referral,
                    "result": "" if referral == "none" else "已转介",
                }
            )
        self.rows(LpConsult, rows)

    def screenings(self) -> None:
        days = sorted(
            d
            for n in range(12)
            for d in (self._months_back(n), self._months_back(n) + timedelta(days=15))
            if d <= self.day
        )
        kinds = ["festival" if d.month in (1, 9) and d.day == 16 else "routine" for d in days]
        self.screening_ids = self.rows(
            LpScreening,
            [
                {"held_on": d, "kind": k, "participants": "社区书记、调委会主任、网格员、民警"}
                for d, k in zip(days, kinds, strict=True)
            ],
        )
        self.screening_days = days

    def disputes(self) -> None:
        rng, day = self.rng, self.day
        rows, plans, serials = [], [], {"TJ": {}, "XY": {}}

        def number(prefix: str, year: int) -> str:
            serials[prefix][year] = serials[prefix].get(year, 0) + 1
            return f"{prefix}{year}-{serials[prefix][year]:04d}"

        for (kind, summary, (low, high)), route in zip(DISPUTES, ROUTES, strict=True):
            accepted = day - timedelta(days=40 if route == "running" else rng.randrange(45, 320))
            outcome_on = accepted + timedelta(days=rng.randrange(3, 25))
            amount = Decimal(rng.randrange(low, high + 1) // 100 * 100) if high else None
            closed = route in ("written", "oral", "failed")
            rows.append(
                {
                    "number": number("TJ", accepted.year),
                    "source": rng.choice(
                        ["screening", "application", "application", "property", "police"]
                    ),
                    "dispute_type": kind,
                    "parties": f"申请人 {person_name(rng)}；被申请人 {person_name(rng)}",
                    "summary": summary,
                    "amount": amount,
                    "people": 2,
                    "risk": "escalating" if kind == "labour" else "general",
                    "mediators": "调委会主任、法律顾问",
                    "registered_on": accepted,
                    "accepted_on": accepted,
                    "deadline": accepted + timedelta(days=30),
                    "status": {"written": "closed", "oral": "closed", "failed": "closed"}.get(
                        route, "mediating"
                    ),
                    "outcome": route if closed else "",
                    "outcome_on": outcome_on if closed else None,
                    "agreement_number": number("XY", outcome_on.year) if route == "written" else "",
                    "agreement_text": "双方自愿达成如下协议：被申请人于协议签订后十日内一次性支付相关费用。"
                    if route == "written"
                    else "",
                    "performance_due": outcome_on + timedelta(days=10)
                    if route == "written"
                    else None,
                    "failed_route": "lawsuit" if route == "failed" else "",
                    "followup_due": outcome_on + timedelta(days=15)
                    if route in ("written", "oral")
                    else None,
                    "closed_on": outcome_on + timedelta(days=16) if closed else None,
                }
            )
            plans.append((route, accepted, outcome_on))
        ids = self.rows(LpDispute, rows)
        sessions, followups = [], []
        for dispute, (route, accepted, outcome_on) in zip(ids, plans, strict=True):
            sessions.append(
                {
                    "dispute_id": dispute,
                    "held_on": accepted + timedelta(days=2),
                    "place": "社区调解室",
                    "attendees": "双方当事人、调解员",
                    "summary": "听取双方陈述，释法明理",
                }
            )
            if route in ("written", "oral"):
                followups.append(
                    {
                        "dispute_id": dispute,
                        "followed_on": outcome_on + timedelta(days=15),
                        "fulfilment": "kept",
                        "note": "协议已履行，双方满意",
                    }
                )
        self.rows(LpDisputeSession, sessions)
        self.rows(LpFollowup, followups)
        # The first screening of the year found the noise dispute: an item with its owner.
        self.rows(
            LpScreeningItem,
            [
                {
                    "screening_id": self.screening_ids[-1],
                    "description": DISPUTES[1][1],
                    "parties": "楼上楼下住户",
                    "dispute_type": "neighbour",
                    "risk": "general",
                    "action": "mediate",
                    "owner": "调委会主任",
                    "dispute_id": ids[1],
                },
                {
                    "screening_id": self.screening_ids[-1],
                    "description": "两户因楼道堆物发生口角",
                    "parties": "5号楼住户",
                    "dispute_type": "neighbour",
                    "risk": "general",
                    "action": "resolved",
                    "owner": "网格员",
                },
            ],
        )

    def resettled(self) -> None:
        rng, day = self.rng, self.day
        released = date(2024, 9, rng.randrange(2, 28))
        people = [
            {
                "name": person_name(rng, male=True, born_year=day.year - 42),
                "category": "released",
                "offence": "property",
                "sentence_months": 36,
                "released_on": released,
                "released_from": "北京市某监狱",
                "notice_on": released - timedelta(days=30),
                "report_due": released + timedelta(days=30),
                "reported_on": released + timedelta(days=5),
                "care_until": released.replace(year=released.year + 5),
                "team": "司法所专干、社区书记、社区民警、家属",
                "risk": "mid",
                "assessed_on": day - timedelta(days=rng.randrange(10, 150)),
                "placement": "employed",
                "status": "in_care",
            }
        ]
        if rng.random() < 0.5:
            out = day - timedelta(days=200)
            people.append(
                {
                    "name": person_name(rng, male=True, born_year=day.year - 35),
                    "category": "released",
                    "offence": "drugs",
                    "sentence_months": 24,
                    "released_on": out,
                    "released_from": "北京市某戒毒所",
                    "report_due": out + timedelta(days=30),
                    "reported_on": out + timedelta(days=3),
                    "care_until": out.replace(year=out.year + 5),
                    "team": "司法所专干、社区书记、社区民警、志愿者",
                    "risk": "high",
                    "assessed_on": day - timedelta(days=30),
                    "placement": "flexible",
                    "status": "in_care",
                }
            )
        ids = self.rows(LpResettled, people)
        visits = [
            {
                "module": MODULE,
                "subject_kind": "case",
                "subject_id": pid,
                "subject_name": f"BJ-{pid}",
                "visited_on": day - timedelta(days=days),
                "mode": "home",
                "visitor_names": "司法所专干",
                "findings": "工作稳定，思想状况良好",
            }
            for pid, person in zip(ids, people, strict=True)
            for days in ((20, 50) if person["risk"] == "high" else (40,))
        ]
        self.rows(Visit, visits)
