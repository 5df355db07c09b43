"""safety: the training targets move from the communities' settings to core's targets

Revision ID: safety_0007
Revises: safety_0006
Create Date: 2026-12-02

"全年完成三项岗位人员培训95人" is the street's target (seed 004); stored as a setting per
community it was summed up the tree (a street of five showed 475). Each community whose
settings held a ``training_target`` keeps it as its share of the year the migration runs in
(indicator ``safety.trained``) and the setting goes; the street's own target is set on its
Targets page. Downgrade puts the shares of that year back into the settings.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "safety_0007"
down_revision = "safety_0006"
branch_labels = None
depends_on = "0019_targets"

INDICATOR = "safety.trained"
modules = sa.table(
    "tenants_module",
    sa.column("id", sa.Integer),
    sa.column("community_id", sa.Integer),
    sa.column("module", sa.String),
    sa.column("settings", sa.JSON),
)
targets = sa.table(
    "core_target",
    sa.column("node_id", sa.Integer),
    sa.column("indicator", sa.String),
    sa.column("period", sa.String),
    sa.column("value", sa.Numeric),
    sa.column("note", sa.String),
    sa.column("set_at", sa.DateTime),
)


def _year() -> str:
    return str(datetime.now(UTC).year)


def upgrade() -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    rows = bind.execute(
        sa.select(modules.c.id, modules.c.community_id, modules.c.settings).where(
            modules.c.module == "safety"
        )
    ).all()
    for row_id, community_id, settings in rows:
        if not settings or "training_target" not in settings:
            continue
        kept = {k: v for k, v in settings.items() if k != "training_target"}
        bind.execute(
            targets.insert().values(
                node_id=community_id,
                indicator=INDICATOR,
                period=_year(),
                value=settings["training_target"],
                note="",
                set_at=now,
            )
        )
        bind.execute(modules.update().where(modules.c.id == row_id).values(settings=kept))


def downgrade() -> None:
    bind = op.get_bind()
    shares = dict(
        bind.execute(
            sa.select(targets.c.node_id, targets.c.value).where(
                targets.c.indicator == INDICATOR, targets.c.period == _year()
            )
        ).all()
    )
    rows = bind.execute(
        sa.select(modules.c.id, modules.c.community_id, modules.c.settings).where(
            modules.c.module == "safety", modules.c.community_id.in_(list(shares))
        )
    ).all()
    for row_id, community_id, settings in rows:
        restored = {**(settings or {}), "training_target": int(shares[community_id])}
        bind.execute(modules.update().where(modules.c.id == row_id).values(settings=restored))
        bind.execute(
            targets.delete().where(
                targets.c.node_id == community_id,
                targets.c.indicator == INDICATOR,
                targets.c.period == _year(),
            )
        )
