"""A minimal ledger plugin for the tests: one tenant-owned table, list/create pages and API."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.navigation import NavEntry
from core.plugins import Manifest
from core.reports import CalendarEntry, Column, Export, Import, Indicator

manifest = Manifest(
    name="ledger",
    label=_l("Test ledger"),
    version="1.0.0",
    core=">=0.1,<1",
    icon="book",
)

# Lifecycle calls, for the tests to look at.
EVENTS: list[tuple[str, str, str]] = []


@hookimpl
def jiedao_models() -> list[Any]:
    from tests.fixture_plugins.ledger import models

    return [models]


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare(
        "ledger.view",
        _l("Read the test ledger"),
        grants=["community_admin", "street_admin", "program_worker", "inspector"],
    )
    registry.declare(
        "ledger.edit", _l("Write the test ledger"), grants=["community_admin", "program_worker"]
    )


@hookimpl
def jiedao_blueprints(app: Any) -> list[Any]:
    from tests.fixture_plugins.ledger.views import api, pages, rollup

    return [pages, api, rollup]


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [NavEntry("ledger.index", _l("Test ledger"), "ledger.view", module="ledger")]


class Settings(ma.Schema):
    deadline_days = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=1, max=365),
        metadata={"label": _l("Deadline (days)")},
    )
    mode = ma.fields.String(
        load_default="simple",
        validate=ma.validate.OneOf(["simple", "strict"]),
        metadata={"label": _l("Mode")},
    )
    notify = ma.fields.Boolean(load_default=False, metadata={"label": _l("Notify")})


@hookimpl
def jiedao_settings_schema() -> type[ma.Schema]:
    return Settings


@hookimpl
def jiedao_module_enabled(session: Any, community: Any, module: str, settings: dict) -> None:
    EVENTS.append(("enabled", module, community.ref))


@hookimpl
def jiedao_module_disabled(session: Any, community: Any, module: str) -> None:
    EVENTS.append(("disabled", module, community.ref))


def _count_rows(session: Any, communities: sa.Select, period: Any) -> int:
    from tests.fixture_plugins.ledger.models import LedgerRow

    stmt = sa.select(sa.func.count()).where(LedgerRow.community_id.in_(communities))
    return session.scalar(stmt) or 0


@hookimpl
def jiedao_indicators() -> list[Indicator]:
    return [Indicator("ledger.rows", _l("Ledger rows"), _l("rows"), _count_rows, module="ledger")]


def _export_rows(session: Any, scope_clause: Any, filters: dict[str, str]) -> Any:
    from tests.fixture_plugins.ledger.models import LedgerRow

    stmt = sa.select(LedgerRow).where(scope_clause(LedgerRow)).order_by(LedgerRow.id)
    for row in session.scalars(stmt):
        yield {"title": row.title, "node": row.node_id}


@hookimpl
def jiedao_exports() -> list[Export]:
    return [
        Export(
            "ledger.rows",
            _l("Ledger rows"),
            "ledger.view",
            [Column("title", _l("Title")), Column("node", _l("Place"))],
            _export_rows,
            module="ledger",
        )
    ]


@hookimpl
def jiedao_calendar() -> list[CalendarEntry]:
    return [CalendarEntry(12, 4, _l("Constitution Day"), module="ledger")]


@hookimpl
def jiedao_node_created(session: Any, node: Any) -> None:
    EVENTS.append(("node_created", node.kind, node.ref))


@hookimpl
def jiedao_node_moved(session: Any, node: Any, old_parent: Any, new_parent: Any) -> None:
    EVENTS.append(("node_moved", node.ref, f"{old_parent.ref}>{new_parent.ref}"))


@hookimpl
def jiedao_node_merged(session: Any, source: Any, target: Any) -> None:
    from tests.fixture_plugins.ledger.models import LedgerRow

    # Rows are already moved when plugins are told.
    left = session.scalar(sa.select(sa.func.count()).where(LedgerRow.community_id == source.id))
    EVENTS.append(("node_merged", source.ref, f"{target.ref} left={left}"))


@hookimpl
def jiedao_node_archived(session: Any, node: Any) -> None:
    EVENTS.append(("node_archived", node.kind, node.ref))


@hookimpl
def jiedao_node_restored(session: Any, node: Any) -> None:
    EVENTS.append(("node_restored", node.kind, node.ref))


class RowIn(ma.Schema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=50))
    size = ma.fields.Integer(load_default=None, validate=ma.validate.Range(min=0))


def _save_rows(session: Any, community: Any, rows: list[dict]) -> int:
    from tests.fixture_plugins.ledger.models import LedgerRow

    session.add_all(LedgerRow(title=row["title"], node_id=community.id) for row in rows)
    session.flush()
    return len(rows)


@hookimpl
def jiedao_imports() -> list[Import]:
    return [
        Import(
            "ledger.rows",
            _l("Ledger rows"),
            "ledger.edit",
            [Column("title", "标题"), Column("size", "数量")],
            RowIn,
            _save_rows,
        )
    ]
