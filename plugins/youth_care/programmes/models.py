"""假期与课后项目 (``youth_care_programme``), its enrolments and its sessions."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import live_rows
from tenants.models import TenantOwned


class YouthCareProgramme(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A holiday or after-school programme of the community."""

    __tablename__ = "youth_care_programme"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    name: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    opening: Mapped[str] = mapped_column(sa.String(100), default="")  # e.g. 周一至周四 16:30-18:00
    venue: Mapped[str] = mapped_column(sa.String(100), default="")
    volunteers: Mapped[str] = mapped_column(sa.String(200), default="")
    capacity: Mapped[int | None]
    consent_required: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    enrolments: Mapped[list[YouthCareEnrolment]] = live_rows(
        "YouthCareEnrolment", "programme_id", "YouthCareProgramme"
    )


class YouthCareEnrolment(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """A child enrolled in a programme, with the guardian's consent."""

    __tablename__ = "youth_care_enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_care_programme.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    resident_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    grade: Mapped[str] = mapped_column(sa.String(16), default="")
    guardian_name: Mapped[str] = mapped_column(sa.String(50), default="")
    guardian_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    consent: Mapped[bool] = mapped_column(default=False)

    programme: Mapped[YouthCareProgramme] = relationship()


class YouthCareSession(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One day a programme was open, with the children present (enrolment ids) and its theme."""

    __tablename__ = "youth_care_session"
    __table_args__ = (sa.Index("ix_youth_care_session_community_day", "community_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("youth_care_programme.id"), index=True)
    held_on: Mapped[date]
    theme: Mapped[str] = mapped_column(sa.String(200), default="")
    present: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    attendance: Mapped[int] = mapped_column(default=0)  # how many were present
    volunteer_hours: Mapped[int | None]

    programme: Mapped[YouthCareProgramme] = relationship()
