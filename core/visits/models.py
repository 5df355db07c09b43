"""Core tables of visits (走访/随访/回访) and of assignments (包片/包保).

A visit belongs to one module (the programme whose quota it counts for) and names its subject by
kind and id (a resident, a household, a unit, a case) with the subject's name kept for lists; its
staff visitors are rows of ``core_visit_visitor`` so "visits by worker" is one indexed query.
An assignment gives a staff user a place (a grid or a building) or a subject, for one module or
for all, from one day until another; "my area" (我的片区) and the per-worker due lists read them.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin, utcnow
from core.tenancy import TenantOwned
from core.tree import NODE_TABLE

SUBJECT_KINDS = ("resident", "household", "unit", "case")


class Visit(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One visit of a subject by staff (and companions), with what was found and asked."""

    __tablename__ = "core_visit"
    __table_args__ = (
        sa.Index("ix_core_visit_subject", "module", "subject_kind", "subject_id", "visited_on"),
    )
    # Each module's visits are a class of their own (``core.visits.declare.visit_model``).
    __mapper_args__ = {"polymorphic_on": "module"}
    __label__ = _l("Visit records")  # merge previews name the table by it

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(40))
    subject_kind: Mapped[str] = mapped_column(sa.String(12))
    subject_id: Mapped[int]
    subject_name: Mapped[str] = mapped_column(sa.String(100), default="")
    visited_on: Mapped[date]
    mode: Mapped[str] = mapped_column(sa.String(12))
    visitor_names: Mapped[str] = mapped_column(sa.String(300), default="")  # for lists
    companions: Mapped[str] = mapped_column(sa.String(200), default="")  # 陪同人员, free text
    findings: Mapped[str] = mapped_column(sa.Text, default="")  # 走访情况
    needs: Mapped[str] = mapped_column(sa.Text, default="")  # 诉求/困难
    next_due: Mapped[date | None]  # 下次走访: a follow-up sooner than the quota asks

    visitors: Mapped[list[VisitVisitor]] = relationship(
        cascade="all, delete-orphan", order_by="VisitVisitor.user_id"
    )

    @property
    def visitor_ids(self) -> list[int]:
        return [v.user_id for v in self.visitors]


class VisitVisitor(Base):
    """A staff user who made a visit."""

    __tablename__ = "core_visit_visitor"
    __table_args__ = (sa.UniqueConstraint("visit_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("core_visit.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("core_user.id", ondelete="CASCADE"), index=True
    )


class AreaAssignment(SoftDeleteMixin, Base):
    """包片/包保: a staff user answers for a place (grid, building) or for a subject, in one
    module (``module``) or in all (empty), from ``since`` until ``until`` (open-ended if empty).
    ``community_id`` scopes it: only admins of that community's subtree see or change it."""

    __tablename__ = "core_area_assignment"
    __table_args__ = (
        sa.Index("ix_core_area_assignment_user", "user_id", "module"),
        sa.Index("ix_core_area_assignment_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("core_user.id", ondelete="CASCADE"))
    community_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)
    node_id: Mapped[int | None] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)
    subject_kind: Mapped[str | None] = mapped_column(sa.String(12))
    subject_id: Mapped[int | None]
    subject_name: Mapped[str] = mapped_column(sa.String(100), default="")
    module: Mapped[str] = mapped_column(sa.String(40), default="")
    since: Mapped[date]
    until: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("core_user.id"))
