"""safety: photos move to the platform's attachments (core_attachment)

Revision ID: safety_0002
Revises: safety_0001
Create Date: 2026-11-24

Every row of ``safety_photo`` becomes a ``core_attachment`` of module ``safety`` with owner type
``safety.inspection``, ``safety.hazard`` or ``safety.activity`` (caption, uploader, time and
deletion kept); then ``safety_photo`` is dropped. The files stay where they are: core keeps a
module's files in ``uploads/<module>/<stored_as>``, which is where safety kept them. Photos get
new ids (``core_attachment`` is shared by every module). The downgrade copies them back.
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_0002"
down_revision = "safety_0001"
branch_labels = None
depends_on = "0007_attachments"

PREFIX = "safety."
OWNER_TYPES = ("inspection", "hazard", "activity")
COPIED = (
    "owner_id",
    "filename",
    "stored_as",
    "content_type",
    "size",
    "caption",
    "at",
    "user_id",
    "deleted_at",
    "node_id",
    "district_id",
    "street_id",
    "community_id",
)


def _table(name: str, *extra: str):
    return sa.table(
        name,
        sa.column("id", sa.Integer),
        sa.column("owner_type", sa.String),
        *(sa.column(c) for c in (*COPIED, *extra)),
    )


photo = _table("safety_photo")
attachment = _table("core_attachment", "module", "kind")


def upgrade() -> None:
    op.execute(
        attachment.insert().from_select(
            ["module", "owner_type", "kind", *COPIED],
            sa.select(
                sa.literal("safety"),
                sa.literal(PREFIX) + photo.c.owner_type,
                sa.literal(""),
                *(photo.c[c] for c in COPIED),
            ).order_by(photo.c.id),
        )
    )
    op.drop_table("safety_photo")


def downgrade() -> None:
    op.create_table(
        "safety_photo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("stored_as", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("caption", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("node_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("street_id", sa.Integer(), nullable=True),
        sa.Column("community_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["node_id"], ["tenants_node.id"], name=op.f("fk_safety_photo_node_id_tenants_node")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["core_user.id"], name=op.f("fk_safety_photo_user_id_core_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_photo")),
    )
    with op.batch_alter_table("safety_photo", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_safety_photo_community_id"), ["community_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_safety_photo_district_id"), ["district_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_safety_photo_node_id"), ["node_id"], unique=False)
        batch_op.create_index("ix_safety_photo_owner", ["owner_type", "owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_safety_photo_street_id"), ["street_id"], unique=False)
    safety_photos = sa.and_(
        attachment.c.module == "safety",
        attachment.c.owner_type.in_([PREFIX + t for t in OWNER_TYPES]),
    )
    op.execute(
        photo.insert().from_select(
            ["owner_type", *COPIED],
            sa.select(
                sa.func.substr(attachment.c.owner_type, len(PREFIX) + 1),
                *(attachment.c[c] for c in COPIED),
            )
            .where(safety_photos)
            .order_by(attachment.c.id),
        )
    )
    op.execute(attachment.delete().where(safety_photos))
