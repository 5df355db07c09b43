"""The volunteer register, teams, memberships and service hours as ledgers, and the blueprints
that serve them in every community (``/c/<community>/volunteers``, ``…/volunteer_teams``) and
over a street or district (``/r/<node>/volunteers``).

Volunteers are core's, not a module's: the blueprints are the platform's community and roll-up
blueprints for the core area ``volunteers`` (:data:`core.tenancy.CORE_AREAS`), on everywhere,
entered by holders of a ``volunteers.*`` permission at the place."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session, selectinload
from werkzeug.exceptions import Forbidden, NotFound

from core.db import db
from core.permissions import current_scope
from core.records.ledger import Filter, Ledger, Part, register_ledgers, writable
from core.tenancy import COMMUNITY, CommunityBlueprint, RollupBlueprint, may_use, node_model

from .models import ServiceRecord, TeamMembership, Volunteer, VolunteerTeam
from .schemas import MembershipSchema, ServiceSchema, TeamSchema, VolunteerSchema
from .services import (
    EDIT,
    RESTORE,
    SENSITIVE,
    VIEW,
    check_membership,
    check_service,
    check_team,
    check_volunteer,
    hours_by_volunteer,
    live_volunteer,
    record_service,
    volunteer_kinds,
)

AREA = "volunteers"


class _CoreArea:
    """A blueprint of a core area: no plugin to be active, no module switch to be on."""

    def _guard(self) -> Any:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        g.place = self._load_place()
        g.module = self.jiedao_module
        return None


class AreaCommunityBlueprint(_CoreArea, CommunityBlueprint):
    def _load_place(self) -> Any:
        node_cls = node_model()
        node = db.session.scalar(
            sa.select(node_cls).where(
                node_cls.ref == g.get("place_ref"), node_cls.kind == COMMUNITY
            )
        )
        if node is None or not may_use(current_scope(), self.jiedao_module, node.path):
            raise NotFound()
        if request.method not in {"GET", "HEAD", "OPTIONS"} and node.is_archived:
            raise Forbidden()
        g.community = node
        return node


class AreaRollupBlueprint(_CoreArea, RollupBlueprint):
    pass


pages = AreaCommunityBlueprint(AREA, AREA, __name__, url_prefix="/c/<community>")
api = AreaCommunityBlueprint(AREA, "volunteers_api", __name__, url_prefix="/api/v1/c/<community>")
rollup = AreaRollupBlueprint(AREA, "volunteers_rollup", __name__, url_prefix="/r/<node>")
rollup_api = AreaRollupBlueprint(
    AREA, "volunteers_rollup_api", __name__, url_prefix="/api/v1/r/<node>"
)

VolunteerLedger = Ledger.family(
    module=AREA, view=VIEW, edit=EDIT, restore=RESTORE, sensitive=SENSITIVE
)


def _of_kind(_session: Session, kind: str) -> sa.ColumnElement[bool]:
    """Volunteers whose kinds hold ``kind``: the JSON list's text holds it quoted (kind keys
    are plain words, so ``"mediator"`` never matches inside another key)."""
    return sa.cast(Volunteer.kinds, sa.String).contains(f'"{kind}"', autoescape=True)


def _write_service(session: Session, community: Any, data: dict[str, Any]) -> ServiceRecord:
    """Manual hours from the volunteer's page or the API, through :func:`record_service`
    (the day's total stays at most 24), kept in the history."""
    writable(community)
    live_volunteer(session, data.get("volunteer_id") or 0, community.id)
    record = record_service(
        session, data["volunteer_id"], data["day"], data["hours"], note=data.get("note") or ""
    )
    created = {k: [None, getattr(record, k)] for k in service.model_fields() if getattr(record, k)}
    service.history(session, record, "create", created)
    return record


def _volunteer_detail(obj: Volunteer, data: dict[str, Any]) -> None:
    """A volunteer's own JSON: the hours served in all, and the teams."""
    total = hours_by_volunteer(db.session, [obj.community_id]).get(obj.id)
    data["service_hours"] = format(total, "f") if total is not None else "0"


service = VolunteerLedger(
    name="service_record",
    plural="service_hours",
    model=ServiceRecord,
    schema=ServiceSchema,
    fixed=("volunteer_id",),
    title=_l("Service hours"),
    label=_l("Service hours"),
    filters=(
        Filter("volunteer", "int", _l("Volunteer"), column="volunteer_id"),
        Filter("from", "date", _l("From"), column="day", bound="from"),
        Filter("to", "date", _l("To"), column="day", bound="to"),
    ),
    order=lambda: [ServiceRecord.day.desc()],
    options=lambda stmt: stmt.options(selectinload(ServiceRecord.volunteer)),
    create=_write_service,
    check=check_service,
    title_of=lambda r: f"{r.day.isoformat()} {r.volunteer.name}",
    importable=False,
)

members = VolunteerLedger(
    name="membership",
    plural="team_members",
    model=TeamMembership,
    schema=MembershipSchema,
    fixed=("team_id",),
    title=_l("Team members"),
    label=_l("Team member"),
    filters=(Filter("team", "int", _l("Team"), column="team_id"),),
    order=lambda: [TeamMembership.team_id, TeamMembership.id],
    options=lambda stmt: stmt.options(
        selectinload(TeamMembership.team), selectinload(TeamMembership.volunteer)
    ),
    check=check_membership,
    title_of=lambda m: f"{m.team.name} {m.volunteer.name}",
    importable=False,
)

volunteers = VolunteerLedger(
    name="volunteer",
    model=Volunteer,
    schema=VolunteerSchema,
    title=_l("Volunteers"),
    label=_l("Volunteer"),
    filters=(
        Filter("q", "text", _l("Full name"), column="name"),
        Filter("kind", "choice", _l("Volunteer kinds"), volunteer_kinds, clause=_of_kind),
        Filter("status"),
    ),
    order=lambda: [Volunteer.name, Volunteer.id],
    check=check_volunteer,
    dump_detail=_volunteer_detail,
    parts=(Part(service, "volunteer_id", path="hours"),),
    rollup=True,
)

teams = VolunteerLedger(
    name="team",
    plural="volunteer_teams",
    model=VolunteerTeam,
    schema=TeamSchema,
    title=_l("Volunteer teams"),
    label=_l("Volunteer team"),
    filters=(Filter("kind"),),
    order=lambda: [VolunteerTeam.name, VolunteerTeam.id],
    options=lambda stmt: stmt.options(
        selectinload(VolunteerTeam.leader),
        selectinload(VolunteerTeam.memberships).selectinload(TeamMembership.volunteer),
    ),
    check=check_team,
    dump_detail=lambda t, data: data.update(items=[members.dump(m) for m in t.memberships]),
    parts=(Part(members, "team_id", path="members"),),
    rollup=True,
)

LEDGERS = [volunteers, teams, members, service]

register_ledgers(LEDGERS, pages=pages, api=api, rollup=rollup, rollup_api=rollup_api)
