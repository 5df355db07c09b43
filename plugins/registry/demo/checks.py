"""The demo's floating-population checks: verifications of the demo community's floating
residents (经常性核查回访), and one person registered in two communities of 建外街道 (人户分离),
so the verification log, "本月未核查" and the street's list of double registrations have rows.

Dated back from today (the list's "this month" is the real month); idempotent: a community that
already has verifications, and a pair already made, are left alone.
"""

from __future__ import annotations

import random
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core import clock
from core.db import utcnow
from core.models import User
from tenants.models import Node, NodeKind

from ..models import RegistryResident
from ..verifications import RegistryVerification

RESIDENT_COPIED = ("name", "gender", "id_number", "id_reversed", "birth_date", "mobile",
                   "ethnicity", "hukou_address", "marital_status", "employment")  # fmt: skip
NOTES = {
    "present": ("", "在原址居住，登记信息无变化", "与房东核实，仍在租住"),
    "changed": ("手机号已变更，已更新", "已换工作单位", "同住人员有变化"),
    "left": ("房东反映已退租", "电话无人接听，邻居称已搬走"),
}


def seed_verifications(session: Session, community: Node) -> None:
    """Most floating residents checked within the last weeks, some last month, a few never."""
    rng = random.Random(f"verify-{community.code}")
    exists = session.scalar(
        sa.select(RegistryVerification.id)
        .where(RegistryVerification.community_id == community.id)
        .limit(1)
    )
    if exists is not None:
        return
    floating = session.execute(
        sa.select(RegistryResident.id, RegistryResident.node_id, RegistryResident.arrived_on)
        .where(
            RegistryResident.community_id == community.id,
            RegistryResident.status == "floating",
            RegistryResident.deleted_at.is_(None),
        )
        .order_by(RegistryResident.id)
    ).all()
    worker = session.scalar(sa.select(User.id).where(User.username == "worker"))
    today, now = clock.today(), utcnow()
    rows = []
    for resident_id, node_id, arrived_on in floating:
        roll = rng.random()
        if roll < 0.1:
            continue  # never verified yet
        back = rng.randint(0, today.day - 1) if roll < 0.8 else rng.randint(today.day, 55)
        day = max(today - timedelta(days=back), arrived_on or today)
        result = rng.choices(("present", "changed", "left"), (85, 12, 3))[0]
        rows.append({
            "resident_id": resident_id, "verified_on": day, "node_id": node_id,
            "method": rng.choices(("visit", "phone", "employer"), (6, 3, 1))[0],
            "result": result, "notes": rng.choice(NOTES[result]), "verified_by_id": worker,
            "district_id": community.district_id, "street_id": community.street_id,
            "community_id": community.id, "created_at": now, "updated_at": now,
        })  # fmt: skip
    if rows:
        session.execute(sa.insert(RegistryVerification), rows)


def seed_split_registration(session: Session, home: Node, lives_in: Node) -> None:
    """A registered resident of ``home`` who lives in ``lives_in`` and was registered there too,
    as floating (人在户不在): the pair the street's double-registration list shows."""
    person = session.scalar(
        sa.select(RegistryResident)
        .where(
            RegistryResident.community_id == home.id,
            RegistryResident.status == "registered",
            RegistryResident.employment == "employed",
            RegistryResident.id_number.is_not(None),
            RegistryResident.deleted_at.is_(None),
        )
        .order_by(RegistryResident.id)
        .limit(1)
    )
    building = session.scalar(
        sa.select(Node)
        .where(Node.kind == NodeKind.BUILDING, Node.community_id == lives_in.id)
        .order_by(Node.code)
        .limit(1)
    )
    if person is None or building is None:
        return
    taken = session.scalar(
        sa.select(RegistryResident.id).where(
            RegistryResident.community_id == lives_in.id,
            RegistryResident.id_number == person.id_number,
        )
    )
    if taken is not None:
        return
    now, arrived = utcnow(), clock.today() - timedelta(days=200)
    session.execute(
        sa.insert(RegistryResident),
        [{
            **{key: getattr(person, key) for key in RESIDENT_COPIED},
            "status": "floating", "presence": "here_only", "arrived_on": arrived,
            "current_address": f"{building.name}", "node_id": building.id,
            "district_id": lives_in.district_id, "street_id": lives_in.street_id,
            "community_id": lives_in.id, "created_at": now, "updated_at": now,
        }],
    )  # fmt: skip
