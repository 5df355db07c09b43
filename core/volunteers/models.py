"""志愿者与队伍: the volunteer register, teams, memberships and service hours
(``core_volunteer``, ``core_volunteer_team``, ``core_team_membership``,
``core_service_record``).

A volunteer may be a resident; ``resident_id`` is a plain number with no foreign key: the
residents live in the registry plugin, and core never depends on a plugin's tables (the table
must exist, and stay valid, with the registry off or absent). The registry can resolve it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.records.softdelete import live_rows
from core.tenancy import TenantOwned


class Volunteer(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A person in the community's volunteer register (志愿者), with one or more kinds."""

    __tablename__ = "core_volunteer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    gender: Mapped[str] = mapped_column(sa.String(10), default="")
    birth_year: Mapped[int | None]
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    resident_id: Mapped[int | None] = mapped_column(index=True)  # registry's resident, no FK
    kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    elder_kind: Mapped[str] = mapped_column(sa.String(20), default="")  # 五老's sub-kind
    skills: Mapped[str] = mapped_column(sa.String(200), default="")
    since: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(10), default="active")
    left_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")


class VolunteerTeam(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A team (志愿者队伍: 护绿队, 法治宣传队, 文体队 …) led by one of the volunteers."""

    __tablename__ = "core_volunteer_team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(30), default="other")
    leader_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_volunteer.id"))
    founded_on: Mapped[date | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    leader: Mapped[Volunteer | None] = relationship(foreign_keys=[leader_id])
    memberships: Mapped[list[TeamMembership]] = live_rows(
        "TeamMembership", "team_id", "VolunteerTeam"
    )


class TeamMembership(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A volunteer in a team (队员), with a role and since/until."""

    __tablename__ = "core_team_membership"
    __table_args__ = (sa.Index("ix_core_team_membership_team", "team_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("core_volunteer_team.id"))
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("core_volunteer.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default="member")
    since: Mapped[date | None]
    until: Mapped[date | None]

    team: Mapped[VolunteerTeam] = relationship(foreign_keys=[team_id])
    volunteer: Mapped[Volunteer] = relationship(foreign_keys=[volunteer_id])


class ServiceRecord(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """Hours a volunteer served on a day (服务时长): from a source record (``source_kind`` such
    as ``activity`` or ``visit`` and its id) or entered by hand (``manual`` with a note)."""

    __tablename__ = "core_service_record"
    __table_args__ = (
        sa.Index("ix_core_service_record_volunteer_day", "volunteer_id", "day"),
        sa.Index("ix_core_service_record_source", "source_kind", "source_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volunteer_id: Mapped[int] = mapped_column(sa.ForeignKey("core_volunteer.id"))
    day: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(4, 1))
    source_kind: Mapped[str] = mapped_column(sa.String(40), default="manual")
    source_id: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    volunteer: Mapped[Volunteer] = relationship(foreign_keys=[volunteer_id])


MODELS: tuple[Any, ...] = (Volunteer, VolunteerTeam, TeamMembership, ServiceRecord)
