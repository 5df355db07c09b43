"""物业服务考核 (``environment_assessment``) and its timeline."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import WorkflowEventMixin, partial_index
from tenants.models import TenantOwned

if TYPE_CHECKING:
    from plugins.environment.inspections.models import EnvironmentInspection
    from plugins.registry.models import RegistryUnit


class EnvironmentAssessment(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One half-year's assessment of a property company by the joint team (联合考核组): the
    8-area sheet scored (an inspection of the company), the residents' satisfaction survey,
    the review of its ledgers with the issue figures of its areas, what it must rectify and
    the result."""

    __tablename__ = "environment_assessment"
    __table_args__ = (
        partial_index(
            "uq_environment_assessment_unit_half",
            "community_id",
            "unit_id",
            "year",
            "half",
            unique=True,
        ),
        sa.Index("ix_environment_assessment_street_year", "street_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("registry_unit.id"))
    year: Mapped[int]
    half: Mapped[int] = mapped_column(default=1)  # 1: January–June, 2: July–December
    scheduled_on: Mapped[date]
    team: Mapped[str] = mapped_column(sa.String(200), default="")  # 联合考核组
    inspection_id: Mapped[int | None] = mapped_column(sa.ForeignKey("environment_inspection.id"))
    score: Mapped[float | None] = mapped_column(sa.Float)
    survey_asked: Mapped[int | None]
    survey_satisfied: Mapped[int | None]
    ledger_review: Mapped[str] = mapped_column(sa.Text, default="")  # 台账检查
    requirements: Mapped[str] = mapped_column(sa.Text, default="")  # 整改要求
    rectify_by: Mapped[date | None]
    result: Mapped[str | None] = mapped_column(sa.String(12))
    concluded_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(12), default="scheduled")

    unit: Mapped[RegistryUnit] = relationship()
    inspection: Mapped[EnvironmentInspection | None] = relationship()


class EnvironmentAssessmentEvent(WorkflowEventMixin, TenantOwned, Base):
    """One step of an assessment's timeline."""

    __tablename__ = "environment_assessment_event"
    __table_args__ = (
        sa.Index("ix_environment_assessment_event_assessment", "assessment_id", "id"),
    )

    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("environment_assessment.id"))
