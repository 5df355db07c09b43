"""Demo data for ``jiedao demo``: family planning in every demo community, on the registry's
demo people.

Per community (deterministic: a generator seeded with its code; dates count back from today):
cards for most married women 15–49 the registry holds (a few left as 应建未建 candidates), a
quarter of them inflow; children now living spread 未育 5 %, 一孩 55 %, 二孩 35 %, 三孩+ 5 %; two
pregnancies; two births in the last year, each with its 生育登记, and registrations in every
other state (one returned for correction, one overdue); a 失独 family in three communities;
about eight 奖励费 recipients (only-child families) on quarterly rolls — the past ones paid, one
returned once on its way, the current quarter drafted — and 奖扶 in the 农村社区 only; four
人口学校 sessions. Rows go in with bulk INSERTs, so ``jiedao demo --no-serve`` stays fast.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.activities import Activity
from core.db import utcnow
from core.reports import Period
from plugins.registry.demo import insert_rows, is_rural
from plugins.registry.models import RegistryResident
from tenants.models import Node

from .benefits.models import FpProgram, FpRoll, FpRollEvent, FpRollLine, FpRollObjection
from .births.models import FpBirthReg, FpBirthRegEvent, FpChild
from .common import MODULE, today
from .families.models import FpFamily
from .supplies.models import FpStockTake, FpSupplyItem, FpSupplyMove
from .women.candidates import candidates
from .women.models import FpWoman

DEMO_DISTRICT = "110105"
SPECIAL_COMMUNITIES = 3  # the first three communities by code keep one 失独 family each
CHILDREN = ((0, 5), (1, 55), (2, 35), (3, 5))  # children now living, % of the women


def seed(session: Session, options: dict[str, Any]) -> None:
    """Switch family planning on in the demo district and fill the communities it is empty in
    (a second run finds every community filled and adds nothing)."""
    from tenants import modules
    from tenants.services import find_by_ref

    if (district := find_by_ref(session, DEMO_DISTRICT)) is None:
        return
    modules.enable(session, district, MODULE)
    filled = set(session.scalars(sa.select(FpWoman.community_id).distinct()))
    running = [
        c
        for c in modules.communities_under(session, district)
        if modules.is_enabled(session, c.id, MODULE)
    ]
    for index, community in enumerate(running):
        if community.id not in filled:
            _Community(session, community, today()).fill(special=index < SPECIAL_COMMUNITIES)


class _Community:
    """Filling one community: its keys, its random source and the day it counts back from."""

    def __init__(self, session: Session, community: Node, day: date) -> None:
        self.session, self.community, self.day = session, community, day
        self.rng = random.Random(f"family_planning-{community.code}")
        now = utcnow()
        self.row = {
            "district_id": community.district_id,
            "street_id": community.street_id,
            "community_id": community.id,
            "created_at": now,
            "updated_at": now,
        }

    def fill(self, special: bool) -> None:
        cards = self._cards()
        self._births_and_registrations(cards)
        families = self._families(special)
        self._rolls(families)
        self._school()
        self._supplies()

    # --- cards ---------------------------------------------------------------------------

    def _children(self) -> int:
        roll = self.rng.randrange(100)
        for count, share in CHILDREN:
            if roll < share:
                return count
            roll -= share
        return 1

    def _cards(self) -> list[dict[str, Any]]:
        women = candidates(self.session, self.community.id, self.day)
        keep = women[: max(len(women) - 2, 0)]  # two left as 应建未建 candidates
        rows = []
        for n, woman in enumerate(keep):
            children = self._children()
            sons = self.rng.randint(0, children)
            inflow = woman.status == "floating"  # the registry says who came from elsewhere
            rows.append(
                {
                    **self.row,
                    "node_id": woman.node_id,
                    "resident_id": woman.id,
                    "married_on": self.day - timedelta(days=self.rng.randrange(200, 7000)),
                    "marriage_kind": "again" if woman.marital_status == "remarried" else "first",
                    "residence": "inflow" if inflow else "local",
                    "platform_on": self.day - timedelta(days=30) if inflow and n % 3 else None,
                    "elsewhere_sons": sons,
                    "elsewhere_daughters": children - sons,
                    "pregnancy": "pregnant" if n in (1, 2) else None,
                    "due_on": self.day + timedelta(days=60 * n) if n in (1, 2) else None,
                    "contraception": self.rng.choice(("iud", "condom", "pill", None)),
                    "filed_on": self.day - timedelta(days=self.rng.randrange(30, 900)),
                    "status": "active",
                }
            )
        for row, card_id in zip(rows, insert_rows(self.session, FpWoman, rows), strict=True):
            row["id"] = card_id
        return rows

    # --- 生育登记 and births ---------------------------------------------------------------

    def _registration(self, card: dict[str, Any], number: int, status: str, ago: int) -> int:
        applied = self.day - timedelta(days=ago)
        row = {
            **self.row,
            "node_id": card["node_id"],
            "number": f"SY{applied.year}-{number:04d}",
            "woman_id": card["id"],
            "child_order": str(min(card["elsewhere_sons"] + card["elsewhere_daughters"] + 1, 4)),
            "channel": "community",
            "applied_on": applied,
            "deadline": applied + timedelta(days=1),
            "registered_on": applied + timedelta(days=1)
            if status in ("registered", "born")
            else None,
            "notified_by": "sms" if status in ("registered", "born") else None,
            "status": status,
            "return_reason": "缺少结婚证复印件" if status == "to_correct" else "",
        }
        reg_id = insert_rows(self.session, FpBirthReg, [row])[0]
        steps = {
            "to_correct": ["correct"],
            "registered": ["register"],
            "born": ["register", "born"],
        }
        path = {"correct": ("submitted", "to_correct"), "register": ("submitted", "registered"),
                "born": ("registered", "born")}  # fmt: skip
        events = [
            {
                "node_id": card["node_id"],
                "district_id": self.row["district_id"],
                "street_id": self.row["street_id"],
                "community_id": self.row["community_id"],
                "birth_reg_id": reg_id,
                "action": action,
                "from_status": path[action][0],
                "to_status": path[action][1],
                "on": applied + timedelta(days=1 + i),
                "username": "worker",
                "comment": row["return_reason"] if action == "correct" else "",
            }
            for i, action in enumerate(steps.get(status, []))
        ]
        insert_rows(self.session, FpBirthRegEvent, events)
        return reg_id

    def _births_and_registrations(self, cards: list[dict[str, Any]]) -> None:
        if len(cards) < 6:
            return
        states = [("born", 300), ("born", 120), ("registered", 40), ("to_correct", 12),
                  ("submitted", 9), ("submitted", 1), ("ended", 200)]  # fmt: skip
        for n, (status, ago) in enumerate(states):
            card = cards[3 + n % (len(cards) - 3)]
            reg_id = self._registration(card, n + 1, status, ago)
            if status == "born":
                self._birth(card, reg_id, self.day - timedelta(days=ago - 100), n)

    def _birth(self, card: dict[str, Any], reg_id: int, born: date, n: int) -> None:
        mother = self.session.get(RegistryResident, card["resident_id"])
        sex = "M" if n % 2 == 0 else "F"
        certificate = f"Q{self.community.code[-6:]}{n:03d}"
        child = {
            **self.row,
            "node_id": mother.node_id,
            "name": f"{mother.name[0]}{'小宝' if sex == 'M' else '小妹'}",
            "gender": sex,
            "birth_date": born,
            "birth_certificate_number": certificate,
            "household_id": mother.household_id,
            "relation": "child",
            "marital_status": "unmarried",
            "status": "registered",
        }
        resident_id = insert_rows(self.session, RegistryResident, [child])[0]
        order = card["elsewhere_sons"] + card["elsewhere_daughters"] + 1
        row = {
            **self.row,
            "node_id": mother.node_id,
            "resident_id": resident_id,
            "woman_id": card["id"],
            "birth_reg_id": reg_id,
            "born_on": born,
            "sex": sex,
            "birth_order": order,
            "hospital": "朝阳区妇幼保健院",
            "certificate_number": certificate,
            "one_thing": ["certificate", "vaccination", "hukou"],
            "match": "same" if n == 0 else "pending",
        }
        insert_rows(self.session, FpChild, [row])

    # --- families and rolls ----------------------------------------------------------------

    def _couples(self, youngest: int, oldest: int) -> list[tuple[int, int, int, int]]:
        """(household, node, husband, wife) of couples whose husband is ``youngest``–``oldest``."""
        husband, wife = sa.orm.aliased(RegistryResident), sa.orm.aliased(RegistryResident)
        low, high = (date(self.day.year - age, self.day.month, 1) for age in (oldest, youngest))
        stmt = (
            sa.select(husband.household_id, husband.node_id, husband.id, wife.id)
            .join(wife, sa.and_(wife.household_id == husband.household_id, wife.id != husband.id))
            .where(
                husband.community_id == self.community.id,
                husband.gender == "M",
                wife.gender == "F",
                husband.relation.in_(("head", "spouse")),
                wife.relation.in_(("head", "spouse")),
                husband.birth_date.between(low, high),
                husband.status.in_(("registered",)),
            )
            .order_by(husband.household_id)
        )
        return [tuple(r) for r in self.session.execute(stmt)]

    def _families(self, special: bool) -> list[dict[str, Any]]:
        rows = []
        for household, node, father, mother in self._couples(45, 62)[:4]:
            rows.append(self._family(household, node, father, mother, ["only_child"]))
        if special:
            lost = self._couples(55, 75)[-1:]
            for household, node, father, mother in lost:
                row = self._family(household, node, father, mother, ["lost_only_child"])
                row.update(child_died_on=self.day - timedelta(days=2000), care_needs=["comfort"])
                rows.append(row)
        if is_rural(self.session, self.community.id):
            for household, node, father, mother in self._couples(60, 80)[:3]:
                rows.append(self._family(household, node, father, mother, ["rural_reward"]))
        for row, family_id in zip(rows, insert_rows(self.session, FpFamily, rows), strict=True):
            row["id"] = family_id
        return rows

    def _family(self, household: int, node: int, father: int, mother: int, kinds: list[str]):
        return {
            **self.row,
            "node_id": node,
            "household_id": household,
            "father_id": father,
            "mother_id": mother,
            "categories": kinds,
            "status": "active",
            "contact_name": "刘芳",
            "gp_signed_on": self.day - timedelta(days=100),
            "recognised_on": self.day - timedelta(days=400),
            "care_needs": [],
        }

    def _rolls(self, families: list[dict[str, Any]]) -> None:
        programs = [("reward", "独生子女父母奖励费", "quarter", Decimal("30.00"), None)]
        if any("rural_reward" in f["categories"] for f in families):
            programs.append(("support", "农村部分计生家庭奖励扶助", "year", Decimal("960.00"), 60))
        for kind, name, cycle, amount, min_age in programs:
            row = {**self.row, "node_id": self.community.id, "kind": kind, "name": name,
                   "cycle": cycle, "amount": amount, "min_age": min_age}  # fmt: skip
            program_id = insert_rows(self.session, FpProgram, [row])[0]
            paid = [f for f in families if set(f["categories"]) & {"only_child", "rural_reward"}]
            paid = [f for f in paid if ("rural_reward" in f["categories"]) == (kind == "support")]
            self._periods(program_id, cycle, amount, paid)

    def _periods(self, program_id: int, cycle: str, amount: Decimal, families: list) -> None:
        current = Period.quarter(self.day.year, (self.day.month - 1) // 3 + 1)
        if cycle == "year":
            periods = [f"{self.day.year - 1}", f"{self.day.year}"]
        else:
            quarters = [(current.start - timedelta(days=92 * k)) for k in (2, 1, 0)]
            periods = [f"{d.year}Q{(d.month - 1) // 3 + 1}" for d in quarters]
        for n, period in enumerate(periods):
            last = n == len(periods) - 1
            end = Period.parse(period).end
            roll = {**self.row, "node_id": self.community.id, "program_id": program_id,
                    "period": period, "status": "draft" if last else "archived",
                    "drafted_on": min(end, self.day), "paid_on": None if last else end + timedelta(days=20),
                    "return_comment": "请补充账号" if n == 0 else ""}  # fmt: skip
            roll_id = insert_rows(self.session, FpRoll, [roll])[0]
            lines = [
                {
                    **self.row,
                    "node_id": self.community.id,
                    "roll_id": roll_id,
                    "resident_id": person,
                    "family_id": f["id"],
                    "amount": amount,
                    "line_kind": "continue" if n else "new",
                    "account_last4": f"{(person * 7) % 10000:04d}",
                    "paid": None if last else True,
                }
                for f in families
                for person in (f["father_id"], f["mother_id"])
            ]
            line_ids = insert_rows(self.session, FpRollLine, lines)
            if not last:
                self._roll_events(roll_id, end, returned=n == 0)
            if n == 0 and line_ids:
                self._objection(roll_id, line_ids[0], end)

    def _objection(self, roll_id: int, line_id: int, end: date) -> None:
        """One objection during the first roll's publicity, checked and dismissed."""
        row = {
            **self.row,
            "node_id": self.community.id,
            "roll_id": roll_id,
            "line_id": line_id,
            "raised_on": end + timedelta(days=3),
            "raised_by": "邻居",
            "content": "反映其子女已另立门户，是否仍符合条件",
            "status": "resolved",
            "outcome": "dismissed",
            "resolution": "经核实仍为独生子女家庭，符合条件",
            "resolved_on": end + timedelta(days=5),
        }
        insert_rows(self.session, FpRollObjection, [row])

    def _roll_events(self, roll_id: int, end: date, returned: bool) -> None:
        steps = ["check", "publicise", "submit"]
        steps += ["return", "submit"] if returned else []
        steps += ["pass", "approve", "pay", "archive"]
        states = {"check": "checked", "publicise": "public", "submit": "street",
                  "return": "returned", "pass": "passed", "approve": "approved",
                  "pay": "paid", "archive": "archived"}  # fmt: skip
        status, rows = "draft", []
        for i, step in enumerate(steps):
            rows.append(
                {
                    "node_id": self.community.id,
                    "district_id": self.row["district_id"],
                    "street_id": self.row["street_id"],
                    "community_id": self.community.id,
                    "roll_id": roll_id,
                    "action": step,
                    "from_status": status,
                    "to_status": states[step],
                    "on": end + timedelta(days=i + 1),
                    "username": "worker",
                    "comment": "请补充账号" if step == "return" else "",
                }
            )
            status = states[step]
        insert_rows(self.session, FpRollEvent, rows)

    def _school(self) -> None:
        year = self.day.year if self.day.month > 9 else self.day.year - 1
        rows = [
            {
                **self.row,
                "node_id": self.community.id,
                "module": MODULE,
                "kind": "school",
                "title": title,
                "held_on": date(year, month, 20),
                "place": f"{self.community.name}人口学校",
                "headcount": self.rng.randrange(30, 80),
                "organiser": f"{self.community.name}居委会",
                "summary": "授课、发放宣传资料",
            }
            for month, title in (
                (3, "优生优育知识讲座"),
                (6, "婚育新风进万家"),
                (9, "生殖健康与避孕节育知情选择"),
                (12, "婴幼儿照护与生育支持政策"),
            )
        ]
        self.session.execute(sa.insert(Activity), rows)

    def _supplies(self) -> None:
        """Six kinds, received at the start of the year, handed out since; one stock-take with
        a difference (two boxes short: damp)."""
        kinds = [
            ("避孕套", "中号", "盒"),
            ("避孕套", "大号", "盒"),
            ("口服避孕药", "21片", "板"),
            ("紧急避孕药", "1片", "盒"),
            ("外用避孕药", "栓剂", "盒"),
            ("避孕针", "1支", "支"),
        ]
        items = [{**self.row, "node_id": self.community.id, "name": n, "spec": s, "unit": u}
                 for n, s, u in kinds]  # fmt: skip
        start = date(self.day.year, 1, 5)
        moves, takes = [], []
        for item_id in insert_rows(self.session, FpSupplyItem, items):
            moves.append({**self.row, "node_id": self.community.id, "item_id": item_id,
                          "moved_on": start, "kind": "in", "quantity": 200})  # fmt: skip
            out = self.rng.randrange(20, 90)
            later = start + timedelta(days=30)
            moves.append({**self.row, "node_id": self.community.id, "item_id": item_id,
                          "moved_on": later, "kind": "out", "quantity": out})  # fmt: skip
            if not takes:
                takes.append({**self.row, "node_id": self.community.id, "item_id": item_id,
                              "taken_on": start + timedelta(days=56), "book": 200 - out,
                              "counted": 198 - out, "reason": "两盒受潮报损"})  # fmt: skip
        insert_rows(self.session, FpSupplyMove, moves)
        insert_rows(self.session, FpStockTake, takes)
