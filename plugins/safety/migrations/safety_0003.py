"""safety: accident history into the platform's history; S3 values scrubbed from the audit log

Revision ID: safety_0003
Revises: safety_0002
Create Date: 2026-12-02

Accidents kept their history in the audit log, with the casualty details and liability findings
(S3) in clear, so anyone reading ``GET /api/v1/audit`` read them. Every ``safety.accident.*``
entry becomes a step of the accident's history in ``core_record_change`` (who, when, what
changed), and in both tables the S3 values are replaced by ``***``: the audit log keeps only that
they changed. Values cannot be sealed here (sealing needs the running app's secret key), so what
those fields said before this upgrade is no longer kept; values written from now on are sealed in
the history and readable by holders of ``safety.sensitive.view``. The downgrade removes the accidents'
rows from ``core_record_change`` (the audit log still holds every step); scrubbed values do not
come back.
"""

import sqlalchemy as sa
from alembic import op

revision = "safety_0003"
down_revision = "safety_0002"
branch_labels = None
depends_on = "0005_record_change"

S3_FIELDS = ("casualty_details", "liability")
WITHHELD = "***"
ACTIONS = ("create", "update", "delete", "restore")

audit = sa.table(
    "core_audit_log",
    sa.column("id", sa.Integer),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("node_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("object_id", sa.String),
    sa.column("details", sa.JSON),
)
accident = sa.table(
    "safety_accident",
    *(sa.column(c, sa.Integer) for c in ("id", "node_id", "district_id", "street_id")),
    sa.column("community_id", sa.Integer),
)
change = sa.table(
    "core_record_change",
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("user_id", sa.Integer),
    sa.column("username", sa.String),
    sa.column("changes", sa.JSON),
    *(sa.column(c, sa.Integer) for c in ("node_id", "district_id", "street_id", "community_id")),
)


def _scrubbed(details: dict | None) -> dict | None:
    if not details:
        return details
    return {
        key: ([None if v in (None, "") else WITHHELD for v in pair] if key in S3_FIELDS else pair)
        for key, pair in details.items()
    }


def upgrade() -> None:
    conn = op.get_bind()
    places = {row.id: row for row in conn.execute(sa.select(accident))}
    entries = conn.execute(
        sa.select(audit).where(audit.c.action.like("safety.accident.%")).order_by(audit.c.id)
    ).all()
    for entry in entries:
        details = _scrubbed(entry.details)
        if details != entry.details:
            conn.execute(audit.update().where(audit.c.id == entry.id).values(details=details))
        step = entry.action.removeprefix("safety.accident.")
        place = places.get(int(entry.object_id)) if entry.object_id.isdigit() else None
        if step not in ACTIONS or place is None:
            continue  # an unmask entry, or a row of an accident that no longer exists
        conn.execute(
            change.insert().values(
                object_type="safety.accident",
                object_id=place.id,
                action=step,
                at=entry.at,
                user_id=entry.user_id,
                username=entry.username or "",
                changes=details,
                node_id=place.node_id,
                district_id=place.district_id,
                street_id=place.street_id,
                community_id=place.community_id,
            )
        )


def downgrade() -> None:
    op.get_bind().execute(change.delete().where(change.c.object_type == "safety.accident"))
