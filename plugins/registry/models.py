"""The registry's tables (all prefixed ``registry_``).

Every row is tenant-owned: its node is the building it is in when one is known, else the
community, so a building leader's scope reaches the residents of their building and
``community_id``/``street_id``/``district_id`` are indexed keys for every list and roll-up.

Search indexes (see benchmarks/bench_registry.py):

- name prefix: ``(community_id, name)`` and ``(street_id, name)``; on PostgreSQL with
  ``text_pattern_ops`` so ``LIKE '王%'`` uses them whatever the database's collation.
- ID suffix: the ID is also stored reversed (``id_reversed``), so "ends with 1234" is the prefix
  search ``id_reversed LIKE '4321%'`` on ``(community_id, id_reversed)`` / ``(street_id, …)``.
  A reversed column serves a suffix of any length (4 digits, 6, the whole number) with one index,
  where a fixed ``id_suffix`` column would serve one length only.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, SoftDeleteMixin, TimestampMixin
from core.sdk import live_rows, partial_index
from tenants.models import Node, TenantOwned


def _pattern_index(name: str, *columns: str) -> sa.Index:
    text_column = columns[-1]
    return sa.Index(name, *columns, postgresql_ops={text_column: "text_pattern_ops"})


def _order_indexes(table: str) -> list[sa.Index]:
    """What a list's order (name, id) within each scope needs: the pattern indexes above
    cannot serve it on PostgreSQL (registry_0003)."""
    return [
        partial_index(f"ix_{table}_{scope}_order", f"{scope}_id", "name", "id")
        for scope in ("community", "street", "district")
    ]


class RegistryHousehold(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """户: a dwelling in a building (node = the building), with its members."""

    __tablename__ = "registry_household"
    __table_args__ = (
        sa.Index("ix_registry_household_community_address", "community_id", "node_id", "room"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entrance: Mapped[str] = mapped_column(sa.String(20), default="")  # 单元
    room: Mapped[str] = mapped_column(sa.String(20))  # 室
    # 户主: a member (``head_id``); ``head_name`` is kept in step, as lists sort and search on it.
    # use_alter: residents point at households too, so one of the two keys comes after.
    head_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registry_resident.id", use_alter=True)
    )
    head_name: Mapped[str] = mapped_column(sa.String(50))
    tenure: Mapped[str] = mapped_column(sa.String(10), default="owned")  # owned, rented, other
    moved_in_on: Mapped[date | None]
    moved_out_on: Mapped[date | None]
    rental: Mapped[bool] = mapped_column(default=False)  # 出租房屋
    landlord_id: Mapped[int | None] = mapped_column(  # 房东
        sa.ForeignKey("registry_resident.id", use_alter=True)
    )
    tenant_count: Mapped[int | None]  # 承租人数 (≥ 0)
    group_rental: Mapped[bool] = mapped_column(default=False)  # 群租 (only a rental)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    members: Mapped[list[RegistryResident]] = live_rows(
        "RegistryResident", "household_id", "RegistryHousehold", back_populates="household"
    )
    head: Mapped[RegistryResident | None] = relationship(foreign_keys=[head_id])
    landlord: Mapped[RegistryResident | None] = relationship(foreign_keys=[landlord_id])

    @property
    def address(self) -> str:
        building = self.node.name if self.node is not None else ""
        entrance = f"{self.entrance}单元" if self.entrance else ""
        return f"{building}{entrance}{self.room}室"


class RegistryResident(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """居民. Status: registered (户籍), floating (流动人口), moved_out, deceased.

    Floating residents go through 人来登记 (``arrived_on``), 人在管理 (``managed_on``) and
    人走注销 (``departed_on``, status moved_out)."""

    __tablename__ = "registry_resident"
    __table_args__ = (
        _pattern_index("ix_registry_resident_community_name", "community_id", "name"),
        _pattern_index("ix_registry_resident_street_name", "street_id", "name"),
        _pattern_index("ix_registry_resident_community_idrev", "community_id", "id_reversed"),
        _pattern_index("ix_registry_resident_street_idrev", "street_id", "id_reversed"),
        partial_index(
            "uq_registry_resident_community_id_number", "community_id", "id_number", unique=True
        ),
        # The same ID in other communities (transfers.py): registering, and a street's list.
        partial_index("ix_registry_resident_id_number", "id_number", "community_id"),
        # A person looked up by phone across a district (the global search: exact numbers).
        partial_index("ix_registry_resident_mobile", "mobile", "community_id"),
        sa.Index("ix_registry_resident_household_id", "household_id"),
        sa.Index("ix_registry_resident_community_status", "community_id", "status"),
        sa.Index("ix_registry_resident_community_birth", "community_id", "birth_date"),
        sa.Index("ix_registry_resident_employer_id", "employer_id"),
        sa.Index("ix_registry_resident_guardian_id", "guardian_id"),
        *_order_indexes("registry_resident"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    gender: Mapped[str] = mapped_column(sa.String(1))  # M, F (from the ID, or entered)
    # A newborn has no ID until 落户: then the birth certificate number (出生医学证明编号)
    # stands in, and stays as history once the ID is entered.
    id_number: Mapped[str | None] = mapped_column(sa.String(18))
    id_reversed: Mapped[str | None] = mapped_column(sa.String(18))
    birth_certificate_number: Mapped[str] = mapped_column(sa.String(10), default="")
    birth_date: Mapped[date]
    mobile: Mapped[str] = mapped_column(sa.String(11), default="")
    ethnicity: Mapped[str] = mapped_column(sa.String(20), default="汉族")
    hukou_address: Mapped[str] = mapped_column(sa.String(200), default="")
    current_address: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(12), default="registered")
    arrived_on: Mapped[date | None]  # moved in / 人来登记
    managed_on: Mapped[date | None]  # floating: 人在管理 since
    departed_on: Mapped[date | None]  # moved out / 人走注销 / died
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_household.id"))
    relation: Mapped[str] = mapped_column(sa.String(12), default="")  # head, spouse, child …
    marital_status: Mapped[str | None] = mapped_column(sa.String(20))  # 婚姻状况
    presence: Mapped[str] = mapped_column(sa.String(12), default="consistent")  # 人户状态
    out_to: Mapped[str] = mapped_column(sa.String(100), default="")  # 流向地 (presence away)
    out_since: Mapped[date | None]  # 外出日期
    employment: Mapped[str | None] = mapped_column(sa.String(12))  # 就业状况
    # 工作单位: a unit of the registry, or a name when it is elsewhere.
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_unit.id"))
    employer_name: Mapped[str] = mapped_column(sa.String(100), default="")
    political_status: Mapped[str | None] = mapped_column(sa.String(20))  # 政治面貌
    guardian_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registry_resident.id"))
    guardian_relation: Mapped[str] = mapped_column(sa.String(12), default="")  # 与监护人关系
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    household: Mapped[RegistryHousehold | None] = relationship(
        foreign_keys=[household_id], back_populates="members"
    )
    employer: Mapped[RegistryUnit | None] = relationship(foreign_keys=[employer_id])
    guardian: Mapped[RegistryResident | None] = relationship(
        foreign_keys=[guardian_id], remote_side=[id]
    )
    tag_rows: Mapped[list[RegistryResidentTag]] = relationship(
        cascade="all, delete-orphan", order_by="RegistryResidentTag.tag"
    )

    @property
    def tags(self) -> list[str]:
        return [t.tag for t in self.tag_rows]

    @property
    def age_bands(self) -> list[str]:
        """The age bands (未成年, 老年 …) the resident is in today: computed, never stored."""
        from .ages import bands_of

        return bands_of(self.birth_date, self.gender)


class RegistryResidentTag(Base):
    """A program tag on a resident (disabled, dibao, veteran …); tags are declared by plugins
    through the ``registry_tags`` hook."""

    __tablename__ = "registry_resident_tag"
    __table_args__ = (sa.Index("ix_registry_resident_tag_tag", "tag", "resident_id"),)

    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registry_resident.id"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(sa.String(40), primary_key=True)


class RegistryUnit(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """单位: an enterprise, shop, school, property company … in a community (or a building)."""

    __tablename__ = "registry_unit"
    __table_args__ = (
        _pattern_index("ix_registry_unit_community_name", "community_id", "name"),
        _pattern_index("ix_registry_unit_street_name", "street_id", "name"),
        partial_index(
            "uq_registry_unit_community_credit_code", "community_id", "credit_code", unique=True
        ),
        sa.Index("ix_registry_unit_community_kind", "community_id", "kind"),
        *_order_indexes("registry_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    credit_code: Mapped[str] = mapped_column(sa.String(18))
    kind: Mapped[str] = mapped_column(sa.String(20), default="enterprise")
    legal_representative: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(50), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    industry: Mapped[str] = mapped_column(sa.String(50), default="")  # a key of INDUSTRIES
    street_front: Mapped[bool] = mapped_column(default=False)  # 沿街门店
    # A branch (分支机构): the street its headquarters is in (总部所在街道).
    headquarters_street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tenants_node.id"))
    business_status: Mapped[str] = mapped_column(sa.String(12), default="operating")  # 经营状态
    size_class: Mapped[str] = mapped_column(
        sa.String(10), default="below"
    )  # 规上 above / 规下 below
    output_value: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))  # 万元 a year
    headcount: Mapped[int | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    headquarters_street: Mapped[Node | None] = relationship(foreign_keys=[headquarters_street_id])
