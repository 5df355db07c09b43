"""Wires the volunteer register (志愿者与队伍) into the platform through the component hooks:
permissions, pages, navigation, ledgers (their exports), indicators and the demo's volunteers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.hookspecs import hookimpl
from core.navigation import NavEntry
from core.reports import Indicator
from core.sdk import blueprints_hook, lazy_hook
from core.volunteers import models  # noqa: F401 - registers the tables
from core.volunteers.services import EDIT, RESTORE, SENSITIVE, VIEW, team_count, volunteer_count

WORKERS = ["program_worker"]  # and every built-in role above (community and street admins)


@hookimpl
def jiedao_permissions(registry: Any) -> None:
    registry.declare(VIEW, _l("Read the volunteer register"), grants=[*WORKERS, "inspector"])
    registry.declare(EDIT, _l("Keep the volunteer register"), grants=WORKERS)
    registry.declare(RESTORE, _l("Restore deleted volunteers"), grants=["community_admin"])
    registry.declare(SENSITIVE, _l("See volunteers' phone numbers"), grants=WORKERS)


jiedao_blueprints = blueprints_hook("core.volunteers.ledgers")


@hookimpl
def jiedao_navigation() -> list[NavEntry]:
    return [
        NavEntry("volunteers.volunteers", _l("Volunteers"), VIEW, module="volunteers", order=60),
        NavEntry(
            "volunteers.volunteer_teams",
            _l("Volunteer teams"),
            VIEW,
            module="volunteers",
            order=61,
        ),
        NavEntry(
            "volunteers_rollup.volunteers", _l("Volunteers"), VIEW, module="volunteers", order=60
        ),
        NavEntry(
            "volunteers_rollup.volunteer_teams",
            _l("Volunteer teams"),
            VIEW,
            module="volunteers",
            order=61,
        ),
    ]


jiedao_ledgers = lazy_hook("jiedao_ledgers", "core.volunteers.ledgers:LEDGERS")


# The register's figures: key, label, unit and what counts them over the communities.
FIGURES = (
    ("volunteers", _l("Volunteers on the register"), _l("people"), volunteer_count),
    ("teams", _l("Volunteer teams"), _l("teams"), team_count),
)


def _of_any_period(count: Any) -> Any:
    """An indicator's compute(session, communities, period) for a count that is the same in
    every period (the register as it stands)."""
    return lambda session, communities, _period: count(session, communities)


@hookimpl
def jiedao_indicators() -> list[Indicator]:
    return [
        Indicator(f"volunteers.{key}", label, unit, _of_any_period(count), module="volunteers")
        for key, label, unit, count in FIGURES
    ]


jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "core.volunteers.demo:seed")
