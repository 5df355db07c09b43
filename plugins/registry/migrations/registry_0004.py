"""registry 2.0: the fields family planning, safety and youth care need

Revision ID: registry_0004
Revises: registry_0003
Create Date: 2026-12-03

Residents: an ID number becomes optional (a newborn has a 出生医学证明编号 until 落户), and they
gain marital status, 人户状态 (with 流向地 and 外出日期), employment and employer, political
status and a guardian. Households gain their head as a member (``head_id``) and the rental facts
(出租房屋, 房东, 承租人数, 群租). Units gain the street-front flag, a branch's headquarters street
and a business status; ``industry`` becomes a key from a list.

Every row stays. A household's head is the member whose relation is ``head`` (the first one),
else the member named as its head, else nobody; a linked head's name is written to
``head_name``, which stays in step from now on. Unit kind ``social`` becomes ``social_org``. An
industry text is mapped to its key; a text no key fits becomes ``other`` and is kept in the
unit's notes (a line "行业：<text>"). The tags ``elderly`` and ``childbearing_woman`` go: they
are age bands now, computed from the birth date.

Downgrade reverses this: keys become their Chinese label again (a kept text comes back from the
notes), ``social_org`` becomes ``social`` and the new kinds the nearest old one (机关 →
institution, 个体工商户 and 网吧·娱乐场所 → shop), and the two tags are put back on the live
registered and floating residents their age and gender give at the day it runs. It is refused
while a resident has no ID number: the old table cannot hold them.

SQLite: the resident table is rebuilt (batch mode) to let the ID be empty. Dropping the old
copy would fail on the tag rows that point at residents (foreign keys are on), so those rows are
set aside for the rebuild and put back with the same resident ids. The other tables only gain
columns, which SQLite adds in place; their references are added with the column, as SQLite
cannot add a constraint later.
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "registry_0004"
down_revision = "registry_0003"
branch_labels = None
depends_on = None

AGE_TAGS = ("elderly", "childbearing_woman")
NOTE_PREFIX = "行业："

# The industry keys, their label (what a downgrade writes back) and words a free text is known by.
INDUSTRIES = {
    "catering": ("餐饮", ("餐饮", "餐厅", "饭店", "饭馆", "餐馆", "酒楼", "小吃", "快餐")),
    "retail": ("批发和零售", ("零售", "批发", "商贸", "超市", "商店", "便利店", "百货")),
    "lodging": ("住宿", ("住宿", "宾馆", "旅馆", "酒店", "招待所")),
    "construction": ("建筑施工", ("建筑", "施工", "装修", "装饰工程")),
    "manufacturing": ("制造", ("制造", "加工", "工厂", "生产")),
    "logistics": ("交通运输和仓储物流", ("运输", "物流", "仓储", "快递", "交通")),
    "property": ("房地产和物业", ("房地产", "物业")),
    "it": ("信息技术", ("信息", "软件", "互联网", "计算机", "科技")),
    "business_services": ("租赁和商务服务", ("租赁", "商务", "咨询", "广告", "中介")),
    "resident_services": ("居民服务和修理", ("居民服务", "修理", "维修", "美容", "美发", "洗衣", "家政")),
    "education": ("教育", ("教育", "培训", "学校", "幼儿园")),
    "health": ("卫生", ("卫生", "医疗", "医院", "诊所", "药店")),
    "culture": ("文化体育和娱乐", ("文化", "体育", "娱乐", "网吧")),
    "public": ("公共管理和社会组织", ("公共管理", "社会组织", "社会团体")),
    "chemicals": ("危险化学品", ("化学", "化工", "危化")),
    "other": ("其他", ("其他",)),
}  # fmt: skip
NEW_KINDS = {"agency": "institution", "individual": "shop", "entertainment": "shop"}

resident = sa.table(
    "registry_resident",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("gender", sa.String),
    sa.column("birth_date", sa.Date),
    sa.column("status", sa.String),
    sa.column("household_id", sa.Integer),
    sa.column("relation", sa.String),
    sa.column("id_number", sa.String),
    sa.column("deleted_at", sa.DateTime),
)
household = sa.table(
    "registry_household",
    sa.column("id", sa.Integer),
    sa.column("head_id", sa.Integer),
    sa.column("head_name", sa.String),
)
unit = sa.table(
    "registry_unit",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("industry", sa.String),
    sa.column("notes", sa.Text),
)
tag = sa.table("registry_resident_tag", sa.column("resident_id", sa.Integer), sa.column("tag"))


def industry_key(text: str) -> str | None:
    """The key a free text names: a key itself, a label, else the first key one of whose words
    it contains; None when none fits."""
    text = (text or "").strip()
    if text in INDUSTRIES:
        return text
    for key, (label, _words) in INDUSTRIES.items():
        if text == label:
            return key
    for key, (_label, words) in INDUSTRIES.items():
        if any(word in text for word in words):
            return key
    return None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _set_aside_tags() -> list[dict]:
    """On SQLite, the tag rows leave their table while the resident table is rebuilt."""
    conn = op.get_bind()
    rows = [dict(r) for r in conn.execute(sa.select(tag.c.resident_id, tag.c.tag)).mappings()]
    conn.execute(tag.delete())
    return rows


def _put_back(rows: list[dict]) -> None:
    if rows:
        op.get_bind().execute(tag.insert(), rows)


def _add_reference(table: str, column: str, target: str, name: str) -> None:
    """A nullable integer column referencing ``target``(id), in place on both databases."""
    if _sqlite():
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {target} (id)"
        )
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(name, table, target, [column], ["id"])


def _drop_column(table: str, column: str, foreign_key: str | None = None) -> None:
    if _sqlite():  # SQLite 3.35+ drops a plain column in place
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        return
    if foreign_key:
        op.drop_constraint(foreign_key, table, type_="foreignkey")
    op.drop_column(table, column)


def _flag(table: str, column: str) -> None:
    """A NOT NULL boolean, false on every existing row."""
    op.add_column(table, sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false()))


def _text(table: str, column: str, length: int, default: str) -> None:
    op.add_column(
        table,
        sa.Column(column, sa.String(length=length), nullable=False, server_default=default),
    )


def _drop_server_defaults(table: str, columns: list[str]) -> None:
    """The defaults were for the existing rows; the models set their own (SQLite keeps them,
    which the models never rely on)."""
    if not _sqlite():
        for column in columns:
            op.alter_column(table, column, server_default=None)


RESIDENT_FKS = {
    "employer_id": ("registry_unit", "fk_registry_resident_employer_id_registry_unit"),
    "guardian_id": ("registry_resident", "fk_registry_resident_guardian_id_registry_resident"),
}
HOUSEHOLD_FKS = {
    "head_id": ("registry_resident", "fk_registry_household_head_id_registry_resident"),
    "landlord_id": ("registry_resident", "fk_registry_household_landlord_id_registry_resident"),
}
UNIT_FK = "fk_registry_unit_headquarters_street_id_tenants_node"
RESIDENT_INDEXES = {
    "ix_registry_resident_community_birth": ["community_id", "birth_date"],
    "ix_registry_resident_employer_id": ["employer_id"],
    "ix_registry_resident_guardian_id": ["guardian_id"],
}


def _residents_up() -> None:
    conn = op.get_bind()
    conn.execute(tag.delete().where(tag.c.tag.in_(AGE_TAGS)))
    if _sqlite():
        kept = _set_aside_tags()
        with op.batch_alter_table("registry_resident", recreate="always") as batch_op:
            batch_op.alter_column("id_number", existing_type=sa.String(18), nullable=True)
            batch_op.alter_column("id_reversed", existing_type=sa.String(18), nullable=True)
        _put_back(kept)
    else:
        op.alter_column(
            "registry_resident", "id_number", existing_type=sa.String(18), nullable=True
        )
        op.alter_column(
            "registry_resident", "id_reversed", existing_type=sa.String(18), nullable=True
        )
    _text("registry_resident", "birth_certificate_number", 10, "")
    op.add_column("registry_resident", sa.Column("marital_status", sa.String(20), nullable=True))
    _text("registry_resident", "presence", 12, "consistent")
    _text("registry_resident", "out_to", 100, "")
    op.add_column("registry_resident", sa.Column("out_since", sa.Date(), nullable=True))
    op.add_column("registry_resident", sa.Column("employment", sa.String(12), nullable=True))
    _add_reference("registry_resident", "employer_id", *RESIDENT_FKS["employer_id"])
    _text("registry_resident", "employer_name", 100, "")
    op.add_column("registry_resident", sa.Column("political_status", sa.String(20), nullable=True))
    _add_reference("registry_resident", "guardian_id", *RESIDENT_FKS["guardian_id"])
    _text("registry_resident", "guardian_relation", 12, "")
    _drop_server_defaults(
        "registry_resident",
        ["birth_certificate_number", "presence", "out_to", "employer_name", "guardian_relation"],
    )
    for name, columns in RESIDENT_INDEXES.items():
        op.create_index(name, "registry_resident", columns)


def _households_up() -> None:
    for column, (target, name) in HOUSEHOLD_FKS.items():
        _add_reference("registry_household", column, target, name)
    _flag("registry_household", "rental")
    op.add_column("registry_household", sa.Column("tenant_count", sa.Integer(), nullable=True))
    _flag("registry_household", "group_rental")
    _drop_server_defaults("registry_household", ["rental", "group_rental"])

    def member(*condition: sa.ColumnElement) -> sa.ScalarSelect:
        return (
            sa.select(sa.func.min(resident.c.id))
            .where(
                resident.c.household_id == household.c.id,
                resident.c.deleted_at.is_(None),
                *condition,
            )
            .scalar_subquery()
        )

    conn = op.get_bind()
    conn.execute(household.update().values(head_id=member(resident.c.relation == "head")))
    conn.execute(
        household.update()
        .where(household.c.head_id.is_(None))
        .values(head_id=member(resident.c.name == household.c.head_name))
    )
    head_name = (
        sa.select(resident.c.name).where(resident.c.id == household.c.head_id).scalar_subquery()
    )
    conn.execute(
        household.update().where(household.c.head_id.is_not(None)).values(head_name=head_name)
    )


def _units_up() -> None:
    _flag("registry_unit", "street_front")
    _add_reference("registry_unit", "headquarters_street_id", "tenants_node", UNIT_FK)
    _text("registry_unit", "business_status", 12, "operating")
    _drop_server_defaults("registry_unit", ["street_front", "business_status"])
    conn = op.get_bind()
    conn.execute(unit.update().where(unit.c.kind == "social").values(kind="social_org"))
    texts = conn.scalars(sa.select(unit.c.industry).distinct()).all()
    for text in texts:
        if not text or text in INDUSTRIES:
            continue
        key = industry_key(text)
        values: dict = {"industry": key or "other"}
        if key is None:
            line = f"{NOTE_PREFIX}{text}"
            values["notes"] = sa.case((unit.c.notes == "", line), else_=unit.c.notes + "\n" + line)
        conn.execute(unit.update().where(unit.c.industry == text).values(**values))


def upgrade() -> None:
    _residents_up()
    _households_up()
    _units_up()


def _years_before(day: date, years: int) -> date:
    """The day ``years`` before ``day`` (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _retag() -> None:
    """The two tags again, on the live present residents their birth date and gender give."""
    conn = op.get_bind()
    today = date.today()
    present = (
        resident.c.deleted_at.is_(None),
        resident.c.status.in_(("registered", "floating")),
    )
    bands = {
        "elderly": (resident.c.birth_date <= _years_before(today, 60),),
        "childbearing_woman": (
            resident.c.gender == "F",
            resident.c.birth_date <= _years_before(today, 15),
            resident.c.birth_date > _years_before(today, 50),
        ),
    }
    for key, condition in bands.items():
        conn.execute(
            tag.insert().from_select(
                ["resident_id", "tag"],
                sa.select(resident.c.id, sa.literal(key)).where(*present, *condition),
            )
        )


def _units_down() -> None:
    conn = op.get_bind()
    conn.execute(unit.update().where(unit.c.kind == "social_org").values(kind="social"))
    for new, old in NEW_KINDS.items():
        conn.execute(unit.update().where(unit.c.kind == new).values(kind=old))
    rows = conn.execute(sa.select(unit.c.id, unit.c.notes).where(unit.c.industry == "other")).all()
    for row_id, notes in rows:
        lines = (notes or "").split("\n")
        if lines and lines[-1].startswith(NOTE_PREFIX):
            conn.execute(
                unit.update()
                .where(unit.c.id == row_id)
                .values(industry=lines[-1][len(NOTE_PREFIX) :], notes="\n".join(lines[:-1]))
            )
    for key, (label, _words) in INDUSTRIES.items():
        conn.execute(unit.update().where(unit.c.industry == key).values(industry=label))
    _drop_column("registry_unit", "business_status")
    _drop_column("registry_unit", "headquarters_street_id", UNIT_FK)
    _drop_column("registry_unit", "street_front")


def downgrade() -> None:
    conn = op.get_bind()
    without_id = conn.scalar(
        sa.select(sa.func.count()).select_from(resident).where(resident.c.id_number.is_(None))
    )
    if without_id:
        raise RuntimeError(
            f"registry_0004 cannot be downgraded: {without_id} residents have no ID number "
            "(newborns before 落户), which the old registry_resident cannot hold. Enter their "
            "ID numbers or remove them first."
        )
    _units_down()
    for column in ("group_rental", "tenant_count", "rental"):
        _drop_column("registry_household", column)
    for column, (_target, name) in HOUSEHOLD_FKS.items():
        _drop_column("registry_household", column, name)
    for name in RESIDENT_INDEXES:
        op.drop_index(name, table_name="registry_resident")
    for column in (
        "guardian_relation",
        "political_status",
        "employer_name",
        "employment",
        "out_since",
        "out_to",
        "presence",
        "marital_status",
        "birth_certificate_number",
    ):
        _drop_column("registry_resident", column)
    for column, (_target, name) in RESIDENT_FKS.items():
        _drop_column("registry_resident", column, name)
    if _sqlite():
        kept = _set_aside_tags()
        with op.batch_alter_table("registry_resident", recreate="always") as batch_op:
            batch_op.alter_column("id_number", existing_type=sa.String(18), nullable=False)
            batch_op.alter_column("id_reversed", existing_type=sa.String(18), nullable=False)
        _put_back(kept)
    else:
        op.alter_column(
            "registry_resident", "id_number", existing_type=sa.String(18), nullable=False
        )
        op.alter_column(
            "registry_resident", "id_reversed", existing_type=sa.String(18), nullable=False
        )
    _retag()
