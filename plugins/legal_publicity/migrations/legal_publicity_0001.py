"""legal_publicity: publicity, mediation and resettlement registers

Revision ID: legal_publicity_0001
Revises: (none: the first revision of the legal_publicity branch)
Create Date: 2026-12-03

The legal_publicity plugin's own Alembic branch, labelled ``legal_publicity``, depending on core's
newest revision and the registry's (a person in care may be a registry resident): boards and
their renewals, study sessions, consultations, screenings and their items, mediation cases with
their sessions, follow-ups and events, the resettlement register and its events.
"""

import sqlalchemy as sa
from alembic import op

from core.migration_tables import index_tenant_keys, platform_columns

revision = "legal_publicity_0001"
down_revision = None
branch_labels = ("legal_publicity",)
depends_on = ["0019_targets", "registry_0005"]


def upgrade() -> None:
    op.create_table(
        "legal_publicity_board",
        *platform_columns("legal_publicity_board"),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("cycle_days", sa.Integer(), nullable=False),
        sa.Column("set_up_on", sa.Date(), nullable=False),
    )
    index_tenant_keys("legal_publicity_board")
    with op.batch_alter_table("legal_publicity_board", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_board_community", ["community_id", "id"], unique=False
        )

    op.create_table(
        "legal_publicity_dispute",
        *platform_columns("legal_publicity_dispute"),
        sa.Column("number", sa.String(length=30), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("dispute_type", sa.String(length=16), nullable=False),
        sa.Column("parties", sa.String(length=500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("risk", sa.String(length=12), nullable=False),
        sa.Column("mediators", sa.String(length=100), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.Column("agreement_number", sa.String(length=30), nullable=False),
        sa.Column("agreement_text", sa.Text(), nullable=False),
        sa.Column("performance_due", sa.Date(), nullable=True),
        sa.Column("judicial_confirm_on", sa.Date(), nullable=True),
        sa.Column("failed_route", sa.String(length=12), nullable=False),
        sa.Column("followup_due", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("notified_on", sa.Date(), nullable=True),
        sa.UniqueConstraint("community_id", "number", name="uq_legal_publicity_dispute_number"),
    )
    index_tenant_keys("legal_publicity_dispute")
    with op.batch_alter_table("legal_publicity_dispute", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_dispute_community_deadline",
            ["community_id", "deadline"],
            unique=False,
        )
        batch_op.create_index(
            "ix_legal_publicity_dispute_community_reg",
            ["community_id", "registered_on", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_legal_publicity_dispute_street_reg",
            ["street_id", "registered_on", "id"],
            unique=False,
        )

    op.create_table(
        "legal_publicity_screening",
        *platform_columns("legal_publicity_screening"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("participants", sa.String(length=500), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
    )
    index_tenant_keys("legal_publicity_screening")
    with op.batch_alter_table("legal_publicity_screening", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_screening_community", ["community_id", "held_on"], unique=False
        )

    op.create_table(
        "legal_publicity_study",
        *platform_columns("legal_publicity_study"),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("leaders_attended", sa.Integer(), nullable=False),
        sa.Column("quiz_score", sa.Integer(), nullable=True),
    )
    index_tenant_keys("legal_publicity_study")
    with op.batch_alter_table("legal_publicity_study", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_study_community", ["community_id", "held_on"], unique=False
        )

    op.create_table(
        "legal_publicity_board_update",
        *platform_columns("legal_publicity_board_update"),
        sa.Column("board_id", sa.Integer(), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["board_id"],
            ["legal_publicity_board.id"],
            name=op.f("fk_legal_publicity_board_update_board_id_legal_publicity_board"),
        ),
    )
    index_tenant_keys("legal_publicity_board_update")
    with op.batch_alter_table("legal_publicity_board_update", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_board_update_board", ["board_id", "updated_on"], unique=False
        )

    op.create_table(
        "legal_publicity_consult",
        *platform_columns("legal_publicity_consult"),
        sa.Column("consulted_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("person", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("group", sa.String(length=12), nullable=False),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("referral", sa.String(length=12), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("result", sa.String(length=500), nullable=False),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["legal_publicity_dispute.id"],
            name=op.f("fk_legal_publicity_consult_dispute_id_legal_publicity_dispute"),
        ),
    )
    index_tenant_keys("legal_publicity_consult")
    with op.batch_alter_table("legal_publicity_consult", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_consult_community", ["community_id", "consulted_on"], unique=False
        )

    op.create_table(
        "legal_publicity_dispute_event",
        *platform_columns("legal_publicity_dispute_event", event=True),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["legal_publicity_dispute.id"],
            name=op.f("fk_legal_publicity_dispute_event_dispute_id_legal_publicity_dispute"),
        ),
    )
    index_tenant_keys("legal_publicity_dispute_event")
    with op.batch_alter_table("legal_publicity_dispute_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_dispute_event_dispute", ["dispute_id", "id"], unique=False
        )

    op.create_table(
        "legal_publicity_dispute_session",
        *platform_columns("legal_publicity_dispute_session"),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("attendees", sa.String(length=300), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["legal_publicity_dispute.id"],
            name=op.f("fk_legal_publicity_dispute_session_dispute_id_legal_publicity_dispute"),
        ),
    )
    index_tenant_keys("legal_publicity_dispute_session")
    with op.batch_alter_table("legal_publicity_dispute_session", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_dispute_session_dispute", ["dispute_id", "held_on"], unique=False
        )

    op.create_table(
        "legal_publicity_followup",
        *platform_columns("legal_publicity_followup"),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("followed_on", sa.Date(), nullable=False),
        sa.Column("fulfilment", sa.String(length=12), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["legal_publicity_dispute.id"],
            name=op.f("fk_legal_publicity_followup_dispute_id_legal_publicity_dispute"),
        ),
    )
    index_tenant_keys("legal_publicity_followup")
    with op.batch_alter_table("legal_publicity_followup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_followup_dispute", ["dispute_id", "followed_on"], unique=False
        )

    op.create_table(
        "legal_publicity_screening_item",
        *platform_columns("legal_publicity_screening_item"),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("parties", sa.String(length=200), nullable=False),
        sa.Column("dispute_type", sa.String(length=16), nullable=False),
        sa.Column("risk", sa.String(length=12), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("referred_to", sa.String(length=12), nullable=False),
        sa.Column("owner", sa.String(length=50), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["legal_publicity_dispute.id"],
            name=op.f("fk_legal_publicity_screening_item_dispute_id_legal_publicity_dispute"),
        ),
        sa.ForeignKeyConstraint(
            ["screening_id"],
            ["legal_publicity_screening.id"],
            name=op.f("fk_legal_publicity_screening_item_screening_id_legal_publicity_screening"),
        ),
    )
    index_tenant_keys("legal_publicity_screening_item")
    with op.batch_alter_table("legal_publicity_screening_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_screening_item_screening", ["screening_id", "id"], unique=False
        )

    op.create_table(
        "legal_publicity_resettled",
        *platform_columns("legal_publicity_resettled"),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("category", sa.String(length=12), nullable=False),
        sa.Column("offence", sa.String(length=12), nullable=False),
        sa.Column("sentence_months", sa.Integer(), nullable=True),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("released_from", sa.String(length=100), nullable=False),
        sa.Column("notice_on", sa.Date(), nullable=True),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("reported_on", sa.Date(), nullable=True),
        sa.Column("care_until", sa.Date(), nullable=True),
        sa.Column("team", sa.String(length=300), nullable=False),
        sa.Column("risk", sa.String(length=8), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=True),
        sa.Column("placement", sa.String(length=12), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["registry_resident.id"],
            name=op.f("fk_legal_publicity_resettled_resident_id_registry_resident"),
        ),
    )
    index_tenant_keys("legal_publicity_resettled")
    with op.batch_alter_table("legal_publicity_resettled", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_resettled_community", ["community_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_legal_publicity_resettled_street", ["street_id", "status"], unique=False
        )

    op.create_table(
        "legal_publicity_resettled_event",
        *platform_columns("legal_publicity_resettled_event", event=True),
        sa.Column("resettled_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["resettled_id"],
            ["legal_publicity_resettled.id"],
            name=op.f("fk_legal_publicity_resettled_event_resettled_id_legal_publicity_resettled"),
        ),
    )
    index_tenant_keys("legal_publicity_resettled_event")
    with op.batch_alter_table("legal_publicity_resettled_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_legal_publicity_resettled_event_resettled", ["resettled_id", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("legal_publicity_resettled_event")
    op.drop_table("legal_publicity_resettled")
    op.drop_table("legal_publicity_screening_item")
    op.drop_table("legal_publicity_followup")
    op.drop_table("legal_publicity_dispute_session")
    op.drop_table("legal_publicity_dispute_event")
    op.drop_table("legal_publicity_consult")
    op.drop_table("legal_publicity_board_update")
    op.drop_table("legal_publicity_study")
    op.drop_table("legal_publicity_screening")
    op.drop_table("legal_publicity_dispute")
    op.drop_table("legal_publicity_board")
