"""Visit campaigns (走访慰问, 专项行动): a period, in phases, in which every subject of a module's
audience is to be visited — 春节 and 六一 visits to children in care, 春节 and 中秋 visits to
特殊家庭. A campaign belongs to a community and names its audience by keys of the module's
vocabulary (care categories); no key is everyone the module visits.

``campaign_ledger(visits=…, kinds=…, audience=…)`` gives the module the campaign ledger (list,
form, detail with its progress, history, export, API) on its visit log: a subject is reached
by the campaign's first visit of it on or after its start, in time when on or before its end.
The members are a mapped select (:class:`CampaignMember`), so the pending list, the street's
progress per community and the workbench read it as a table, one query each: members not
yet reached are due while the campaign runs, overdue once it has ended — until visited.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm import registry as orm_registry

from core import clock
from core.api import api_doc, paginate
from core.db import Base, SoftDeleteMixin, TimestampMixin, db, module_subclass
from core.errors import DomainError
from core.records.fields import S1, Choice, Date, Keys, Text, describe
from core.records.ledger import Filter, Ledger, load
from core.tenancy import TenantOwned, require
from core.tree import node_table
from core.validation import Schema, required_text
from core.visits.declare import VisitLedger, visit_model
from core.visits.quotas import SubjectScope
from core.workbench import WorkSource

DUE, OVERDUE = "due", "overdue"
_mapper = orm_registry()


class Campaign(TimestampMixin, SoftDeleteMixin, TenantOwned, Base):
    """One campaign of a module at a community: ``kind`` a key of the module's vocabulary,
    ``phases`` ``[{"name", "ends_on"}]`` in order (each starts the day after the one before),
    ``audience`` keys of the module's audience (empty: all its visit subjects)."""

    __tablename__ = "core_campaign"
    __table_args__ = (sa.Index("ix_core_campaign_module_dates", "module", "ends_on"),)
    __mapper_args__ = {"polymorphic_on": "module"}
    __label__ = _l("Campaigns")

    id: Mapped[int] = mapped_column(primary_key=True)
    module: Mapped[str] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(100))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    phases: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    audience: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str] = mapped_column(sa.Text, default="")


def campaign_model(module: str) -> type[Campaign]:
    """The module's campaigns: ``core_campaign`` rows whose ``module`` is the module's name."""
    return module_subclass(Campaign, module)


def iso_date(text: str) -> None:
    try:
        date.fromisoformat(text)
    except ValueError as exc:
        raise ma.ValidationError(_("Not a valid date.")) from exc


class PhaseSchema(Schema):
    """One phase (阶段): its name and last day; it starts the day after the phase before."""

    name = describe(required_text(40), label=_l("Phase"))
    ends_on = describe(required_text(10, validate=iso_date), label=_l("Phase ends on"))


def campaign_schema(
    kinds: dict[str, Any], audience: Callable[[], dict[str, Any]] | None, sensitivity: str
) -> Any:
    """The campaign form and record: its kind, title, period, phases, audience and notes."""
    fields: dict[str, Any] = {
        "id": ma.fields.Integer(dump_only=True),
        "kind": Choice(_l("Kind of campaign"), kinds, required=True, column=True),
        "title": Text(_l("Title of the campaign"), 100, required=True, column=True),
        "starts_on": Date(_l("Starts on"), required=True, column=True, sort=True),
        "ends_on": Date(_l("Ends on"), required=True, column=True),
        "phases": describe(
            ma.fields.List(ma.fields.Nested(PhaseSchema), load_default=list),
            label=_l("Phases"),
            export=False,
        ),
    }
    if audience is not None:  # S3 when the keys say something of the members (care categories)
        fields["audience"] = Keys(
            _l("Who is to be visited"), audience, default=list, sensitivity=sensitivity
        )
    fields["notes"] = Text(_l("Notes"), 2000, widget="textarea")
    return type("CampaignSchema", (Schema,), fields)


def _refuse(name: str, message: str) -> DomainError:
    return DomainError(message, {name: [message]})


def check_dates(data: dict[str, Any], obj: Campaign | None) -> None:
    """The period runs forwards and its phases end in order inside it, the last on its end."""
    starts = data.get("starts_on", getattr(obj, "starts_on", None))
    ends = data.get("ends_on", getattr(obj, "ends_on", None))
    if starts and ends and ends < starts:
        raise _refuse("ends_on", _("The campaign must end on or after its start."))
    phases = data.get("phases", getattr(obj, "phases", None)) or []
    last = None
    for phase in phases:
        day = date.fromisoformat(phase["ends_on"])
        if (starts and day < starts) or (ends and day > ends) or (last and day <= last):
            raise _refuse("phases", _("Each phase ends after the one before, within the period."))
        last = day
    if phases and ends and last != ends:
        raise _refuse("phases", _("The last phase ends when the campaign does."))


class CampaignMember(SubjectScope):
    """A subject a campaign is to reach, with its first visit since the campaign began."""

    campaign_id: int
    title: str
    kind: str
    starts_on: date
    ends_on: date
    subject_kind: str
    subject_id: int
    name: str
    community_id: int
    node_id: int | None
    reached_on: date | None
    targeted: bool  # the campaign names an audience: its members' names say what they are

    @classmethod
    def pending(cls, day: date) -> sa.ColumnElement[bool]:
        """Not reached, in a campaign that has begun."""
        return sa.and_(cls.reached_on.is_(None), cls.starts_on <= day)  # type: ignore[attr-defined]

    @classmethod
    def running(cls, day: date) -> sa.ColumnElement[bool]:
        return sa.and_(cls.pending(day), cls.ends_on >= day)  # type: ignore[attr-defined]

    @classmethod
    def overdue(cls, day: date) -> sa.ColumnElement[bool]:
        return sa.and_(cls.pending(day), cls.ends_on < day)  # type: ignore[attr-defined]


@dataclass
class CampaignLedger:
    """A module's visit campaigns (see :func:`campaign_ledger`)."""

    module: str
    visits: VisitLedger
    ledger: Ledger
    members_of: Callable[[Any, Any], sa.Select]
    rows: type[CampaignMember] = field(init=False)
    endpoint: str = ""
    rollup_endpoint: str | None = None

    def __post_init__(self) -> None:
        table = self.member_table()
        cls = type(f"CampaignMember_{self.module}", (CampaignMember,), {})
        _mapper.map_imperatively(
            cls, table, primary_key=[table.c.campaign_id, table.c.subject_kind, table.c.subject_id]
        )
        self.rows = cls

    def member_table(self) -> sa.Subquery:
        """Every live campaign's members with their first visit since its start."""
        campaign = self.ledger.model
        subjects = self.members_of(campaign, self.visits.source.subjects).subquery("members")
        visit = visit_model(self.module)
        reached = (
            sa.select(sa.func.min(visit.visited_on))
            .where(
                visit.subject_kind == subjects.c.subject_kind,
                visit.subject_id == subjects.c.subject_id,
                visit.visited_on >= subjects.c.starts_on,
                visit.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        return sa.select(*subjects.c, reached.label("reached_on")).subquery(
            f"campaign_members_{self.module}"
        )

    # --- progress ------------------------------------------------------------------------

    def named(self, targeted: Any) -> Any:
        """Whether members' names may be shown: always for a campaign of everyone, with the
        ledger's ``sensitive`` permission at the community for one naming an audience (its
        members are then, say, the children of prisoners). Given a column, the SQL of it."""
        if self.ledger.sensitive is None or self.ledger.may_unmask(g.community.path):
            return True if isinstance(targeted, bool) else sa.true()
        return not targeted if isinstance(targeted, bool) else sa.not_(targeted)

    def progress(self, session: Any, campaign: Campaign, day: date) -> dict[str, Any]:
        """The campaign's members, those reached in time and late, the pending ones by name
        (when :meth:`named`: else ``pending`` is empty, ``pending_count`` says how many), and
        per phase those reached by its end (``session`` None: the request's)."""
        session = session or db.session
        rows = self.rows
        members = list(
            session.scalars(
                sa.select(rows)
                .where(rows.campaign_id == campaign.id)
                .order_by(rows.reached_on.is_not(None), rows.name, rows.subject_id)
            )
        )
        reached = [m.reached_on for m in members if m.reached_on is not None]
        phases, begins = [], campaign.starts_on
        for phase in campaign.phases:
            ends = date.fromisoformat(phase["ends_on"])
            by_end = sum(1 for r in reached if r <= ends)
            phases.append({"name": phase["name"], "starts_on": begins, "ends_on": ends,
                           "reached": by_end, "current": begins <= day <= ends})  # fmt: skip
            begins = date.fromordinal(ends.toordinal() + 1)
        return {
            "members": len(members),
            "in_time": sum(1 for r in reached if r <= campaign.ends_on),
            "late": sum(1 for r in reached if r > campaign.ends_on),
            "pending": [m for m in members if m.reached_on is None and self.named(m.targeted)],
            "pending_count": sum(1 for m in members if m.reached_on is None),
            "phases": phases,
            "status": self.status(campaign, day),
        }

    @staticmethod
    def status(campaign: Campaign, day: date) -> str:
        if day < campaign.starts_on:
            return "planned"
        return "running" if day <= campaign.ends_on else "ended"

    def by_community(self, session: Any, within: Any, **filters: Any) -> list[tuple]:
        """(community name, campaign id, title, starts, ends, members, reached in time) of the
        campaigns in the communities ``within`` selects, ``kind`` and ``year`` as given."""
        rows = self.rows
        clauses = [within(rows.community_id)]
        if filters.get("kind"):
            clauses.append(rows.kind == filters["kind"])
        if filters.get("year"):
            year = filters["year"]
            clauses.append(rows.ends_on.between(date(year, 1, 1), date(year, 12, 31)))
        in_time = sa.and_(rows.reached_on.is_not(None), rows.reached_on <= rows.ends_on)
        stmt = (
            sa.select(
                node_table.c.name,
                rows.campaign_id,
                rows.title,
                rows.starts_on,
                rows.ends_on,
                sa.func.count(),
                sa.func.count().filter(in_time),
            )
            .join(node_table, node_table.c.id == rows.community_id)
            .where(*clauses)
            .group_by(node_table.c.name, rows.campaign_id, rows.title, rows.starts_on, rows.ends_on)
            .order_by(node_table.c.name, rows.starts_on, rows.campaign_id)
        )
        return [tuple(r) for r in session.execute(stmt)]

    # --- routes --------------------------------------------------------------------------

    def pending_query(self, status: str | None, day: date) -> sa.Select:
        rows = self.rows
        wanted = {DUE: rows.running(day), OVERDUE: rows.overdue(day)}
        return (
            sa.select(rows)
            .where(
                rows.community_id == g.community.id,
                wanted.get(status) if status in wanted else rows.pending(day),
                self.named(rows.targeted),
            )
            .order_by(rows.ends_on, rows.campaign_id, rows.name, rows.subject_id)
        )

    def pending_page(self) -> Any:
        require(self.ledger.view)
        day = clock.today()
        status = request.args.get("status")
        page = paginate(self.pending_query(status, day))
        return render_template(
            "campaigns/pending.html", campaigns=self, page=page, day=day, status=status
        )

    def pending_api(self) -> Any:
        require(self.ledger.view)
        day = clock.today()
        page = paginate(self.pending_query(request.args.get("status"), day))
        return jsonify(page.to_json(lambda row: self.dump_member(row, day)))

    def dump_member(self, row: CampaignMember, day: date) -> dict[str, Any]:
        return {
            "campaign_id": row.campaign_id,
            "campaign": row.title,
            "ends_on": row.ends_on.isoformat(),
            "subject_kind": row.subject_kind,
            "subject_id": row.subject_id,
            "name": row.name,
            "status": OVERDUE if row.ends_on < day else DUE,
        }

    def progress_api(self, record_id: int) -> Any:
        require(self.ledger.view)
        campaign = load(self.ledger, record_id)
        found = self.progress(db.session, campaign, clock.today())
        pending = found.pop("pending")  # pending_count stays: the count is no one's name
        found["pending"] = [{"subject_kind": m.subject_kind, "subject_id": m.subject_id,
                             "name": m.name} for m in pending]  # fmt: skip
        for phase in found["phases"]:
            phase["starts_on"] = phase["starts_on"].isoformat()
            phase["ends_on"] = phase["ends_on"].isoformat()
        return jsonify(found)

    def _rollup_rows(self) -> list[tuple]:
        from core.permissions import current_scope
        from core.tenancy import enabled_communities
        from core.tree import subtree_clause

        nodes = current_scope().nodes(self.ledger.view)
        path = node_table.c.path
        ids = sa.select(node_table.c.id).where(
            node_table.c.kind == "community",
            subtree_clause(path, g.node.path),
            sa.or_(*(subtree_clause(path, n.path) for n in nodes)) if nodes else sa.false(),
            node_table.c.id.in_(enabled_communities(self.module)),
        )
        year = request.args.get("year", "")
        kind = request.args.get("kind") or None
        if kind is not None and kind not in self.kinds():
            raise _refuse("kind", _("Choose from the list."))
        return self.by_community(
            db.session,
            lambda column: column.in_(ids),
            kind=kind,
            year=int(year) if year.isdigit() and len(year) == 4 else None,
        )

    def kinds(self) -> dict[str, Any]:
        return dict(self.ledger.reader.fields["kind"].metadata.get("choices") or {})

    def rollup_page(self) -> Any:
        require(self.ledger.view)
        return render_template(
            "campaigns/rollup.html",
            campaigns=self,
            rows=self._rollup_rows(),
            kinds=self.kinds(),
            filters=request.args,
        )

    def rollup_api(self) -> Any:
        require(self.ledger.view)
        keys = ("community", "campaign_id", "title", "starts_on", "ends_on", "members", "in_time")
        items = [dict(zip(keys, row, strict=True)) for row in self._rollup_rows()]
        for item in items:
            item["starts_on"] = item["starts_on"].isoformat()
            item["ends_on"] = item["ends_on"].isoformat()
        return jsonify({"items": items})

    def register(self, *, pages: Any, api: Any = None, rollup: Any = None, rollup_api=None) -> None:
        """The pending list and progress on the module's blueprints (the ledger's own routes
        come from :func:`core.records.ledger.register_ledgers`), the progress per community on
        its roll-up blueprints if it has them."""
        plural, name = self.ledger.plural, self.ledger.name
        pages.add_url_rule(f"/{plural}/pending", f"{name}_pending", lambda: self.pending_page())
        self.endpoint = f"{pages.name}.{name}_pending"
        if api is not None:
            api.add_url_rule(
                f"/{plural}/pending",
                f"api_{name}_pending",
                api_doc(
                    "Subjects a running or ended campaign has not reached yet (?status=due or "
                    "overdue)",
                    paginated=True,
                    tags=[self.module],
                )(lambda: self.pending_api()),
            )
            api.add_url_rule(
                f"/{plural}/<int:record_id>/progress",
                f"api_{name}_progress",
                api_doc(
                    "A campaign's members, reached in time and late, per phase", tags=[self.module]
                )(lambda record_id: self.progress_api(record_id)),
            )
        if rollup is not None:
            rollup.add_url_rule(
                f"/{plural}/progress", f"{name}_progress", lambda: self.rollup_page()
            )
            self.rollup_endpoint = f"{rollup.name}.{name}_progress"
        if rollup_api is not None:
            rollup_api.add_url_rule(
                f"/{plural}/progress",
                f"api_{name}_progress",
                api_doc(
                    "Campaigns' members and those reached in time, per community (?kind=, ?year=)",
                    tags=[self.module],
                )(lambda: self.rollup_api()),
            )

    def work_sources(self) -> list[WorkSource]:
        """今日待办: subjects a running campaign has yet to reach, and those an ended one missed
        — for a campaign naming an audience, counted for holders of the ledger's ``sensitive``
        permission only, the ones its pending list shows them to."""
        rows, key = self.rows, f"{self.module}.{self.ledger.name}"
        common = {
            "model": rows,
            "endpoint": self.endpoint or f"{self.module}.{self.ledger.name}_pending",
            "module": self.module,
        }
        if self.ledger.sensitive is None:
            readers = [("", self.ledger.view, sa.true())]
        else:
            readers = [
                ("", self.ledger.view, sa.not_(rows.targeted)),
                ("_named", self.ledger.sensitive, rows.targeted == sa.true()),
            ]
        sources = []
        for suffix, permission, which in readers:
            sources += [
                WorkSource(
                    key=f"{key}_overdue{suffix}",
                    label=_l("Not visited in an ended campaign"),
                    where=lambda day, which=which: sa.and_(rows.overdue(day), which),
                    args={"status": OVERDUE},
                    level="overdue",
                    permission=permission,
                    **common,
                ),
                WorkSource(
                    key=f"{key}_due{suffix}",
                    label=_l("Still to visit in a running campaign"),
                    where=lambda day, which=which: sa.and_(rows.running(day), which),
                    args={"status": DUE},
                    level="due",
                    permission=permission,
                    **common,
                ),
            ]
        return sources


def everyone(campaign: Any, subjects: Callable[[], sa.Select]) -> sa.Select:
    """Every visit subject of the campaign's community: the members of an audience-less
    campaign."""
    found = subjects().subquery("subjects")
    return (
        sa.select(
            campaign.id.label("campaign_id"),
            campaign.title,
            campaign.kind,
            campaign.starts_on,
            campaign.ends_on,
            found.c.subject_kind,
            found.c.subject_id,
            found.c.name,
            found.c.community_id,
            found.c.node_id,
            (sa.cast(campaign.audience, sa.String) != "[]").label("targeted"),
        )
        .join(found, found.c.community_id == campaign.community_id)
        .where(campaign.deleted_at.is_(None))
    )


def campaign_ledger(
    *,
    visits: VisitLedger,
    kinds: dict[str, Any],
    audience: Callable[[], dict[str, Any]] | None = None,
    members: Callable[[Any, Callable[[], sa.Select]], sa.Select] = everyone,
    sensitivity: str = S1,
    plural: str = "campaigns",
    name: str = "campaign",
    title: Any = None,
    label: Any = None,
    **ledger_args: Any,
) -> CampaignLedger:
    """A module's visit campaigns on its visit log ``visits``. ``kinds``: the module's kinds of
    campaign (春节走访慰问, 六一); ``audience()``: the keys a campaign may name its audience by;
    ``members(campaign, subjects)``: a select of the columns :func:`everyone` gives, joining the
    campaign (the mapped class) to its members — the module's to narrow by the audience;
    ``sensitivity``: the audience's class (S3: the keys are care categories, and the members of
    a campaign naming one are listed only with the visit log's ``sensitive`` permission). Pass
    ``.ledger`` to ``register_ledgers`` with the module's others, call ``.register(pages=,
    api=, rollup=, rollup_api=)`` and return ``.work_sources()`` from ``jiedao_workbench``."""
    module = visits.module
    model = campaign_model(module)
    holder: dict[str, CampaignLedger] = {}
    ledger = Ledger(
        module=module,
        name=name,
        plural=plural,
        model=model,
        schema=campaign_schema(kinds, audience, sensitivity),
        title=title or _l("Campaigns"),
        label=label or _l("Campaign"),
        view=visits.ledger.view,
        edit=visits.ledger.edit,
        restore=visits.ledger.restore,
        sensitive=visits.ledger.sensitive,
        filters=(Filter("kind", "choice", _l("Kind of campaign"), kinds, column="kind"),),
        order=lambda: [model.starts_on.desc(), model.id.desc()],
        check=lambda _session, _community, data, obj: check_dates(data, obj),
        templates={"detail": "campaigns/detail.html"},
        context=lambda: {"campaigns": holder["c"], "today": clock.today()},
        importable=False,
        **ledger_args,
    )
    campaigns = CampaignLedger(module=module, visits=visits, ledger=ledger, members_of=members)
    holder["c"] = campaigns
    return campaigns


__all__: Sequence[str] = (
    "Campaign",
    "CampaignLedger",
    "CampaignMember",
    "campaign_ledger",
    "campaign_model",
    "everyone",
)
