"""``visit_ledger(...)``: a module's visit log (走访记录) with its quotas, declared.

The module gives its permissions, the subjects it visits (a select, see :mod:`core.visits.quotas`)
and the quota per category; core gives the visit ledger (list, form, detail, history, export,
API), the due list (应访: 逾期未访, 即将到期) per community, per worker and across a street, the
assignments page (包片) of the module, a workbench count and a reminder. Visits of one module are
rows of ``core_visit`` mapped to a class of the module's own (single-table inheritance on
``module``), so a ledger never reads another module's visits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session, selectinload

from core import audit, clock
from core.api import api_doc, json_body, paginate
from core.db import db, module_subclass
from core.errors import DomainError
from core.forms import empty_form, load_form, refused
from core.models import User
from core.permissions import current_scope
from core.records.fields import S1, S2, S3, Choice, Date, RecordId, Text, describe
from core.records.ledger import Filter, Ledger, parse_filters
from core.reminders import Reminder
from core.tenancy import enabled_communities, require
from core.tree import node_table, subtree_clause
from core.validation import Schema, not_future, record_id
from core.visits import assignments
from core.visits.models import SUBJECT_KINDS, AreaAssignment, Visit, VisitVisitor
from core.visits.quotas import (
    DUE_SOON,
    OVERDUE,
    DueRow,
    QuotaSource,
    VisitQuota,
    Within,
    due_rows,
    narrowed,
)
from core.workbench import WorkSource


def visit_modes() -> dict[str, Any]:
    return {
        "home": _l("Visit in person"),
        "phone": _l("By phone"),
        "online": _l("WeChat or video"),
        "interview": _l("Interview"),
        "other": _l("Other"),
    }


def status_labels() -> dict[str, Any]:
    return {
        OVERDUE: _l("Overdue for a visit"),
        DUE_SOON: _l("Due soon"),
        "ok": _l("Visited in time"),
    }


def _refuse(name: str, message: str) -> DomainError:
    return DomainError(message, {name: [message]})


def _staff_choices() -> dict[str, Any]:
    if "community" not in g:
        return {}
    return {str(uid): name for uid, name in assignments.staff_at(db.session, g.community)}


def visit_schema(kinds: Sequence[str], sensitivity: str, module: str | None = None) -> type[Schema]:
    """The visit form and record of ``module``: the subject, when and how, who, what was found
    and asked."""
    if sensitivity not in (S1, S2, S3):
        raise ValueError(f"sensitivity must be S1, S2 or S3, not {sensitivity!r}")
    labels = assignments.subject_kind_labels()
    hidden = {"mask": lambda v: "***" if v else v} if sensitivity == S2 else {}

    class VisitSchema(Schema):
        id = ma.fields.Integer(dump_only=True)
        subject_kind = Choice(
            _l("Subject type"), {k: labels[k] for k in kinds}, required=True, widget="select"
        )
        subject_id = RecordId(_l("Subject"), required=True, shown=False)
        subject_name = Text(_l("Visited subject"), dump_only=True, column=True)
        visited_on = Date(
            _l("Visit date"), required=True, validate=not_future, column=True, sort=True
        )
        mode = Choice(_l("Visit mode"), visit_modes(), required=True, column=True)
        visitor_ids = describe(
            ma.fields.List(record_id(), load_default=None, allow_none=True),
            label=_l("Visitors"),
            widget="checkboxes",
            choices=_staff_choices,
            shown=False,
        )
        visitor_names = Text(_l("Visited by"), dump_only=True, column=True)
        companions = Text(_l("Companions"), 200)
        findings = Text(_l("What was found"), 4000, sensitivity=sensitivity, **hidden)
        needs = Text(_l("Needs and difficulties"), 2000, sensitivity=sensitivity, **hidden)
        next_due = Date(_l("Next visit"), column=True)

    VisitSchema.openapi_area = module  # type: ignore[attr-defined]
    return VisitSchema


def visit_model(module: str) -> type[Visit]:
    """The module's visits: ``core_visit`` rows whose ``module`` is the module's name."""
    return module_subclass(Visit, module)


@dataclass
class VisitLedger:
    """A module's visit log and its quotas (see :func:`visit_ledger`)."""

    module: str
    source: QuotaSource
    ledger: Ledger
    rows: type[DueRow]
    assign: str | None
    soon: int = 7
    kinds: Sequence[str] = field(default_factory=tuple)
    # The due list's endpoints, known once :meth:`register` has added them.
    due_endpoint: str = ""
    rollup_due_endpoint: str | None = None

    # --- writing -------------------------------------------------------------------------

    def subject(self, session: Session, community: Any, kind: str, subject_id: int) -> Any:
        """The subject's row of the module's select in ``community``; 422 naming it if none."""
        subjects = self.source.subjects().subquery()
        found = session.execute(
            sa.select(subjects.c.name, subjects.c.node_id).where(
                subjects.c.subject_kind == kind,
                subjects.c.subject_id == subject_id,
                subjects.c.community_id == community.id,
            )
        ).first()
        if found is None:
            raise _refuse("subject_id", _("Choose a subject of this community."))
        return found

    def visitors(self, session: Session, community: Any, ids: list[int] | None) -> list[User]:
        """The staff who visited: the given users (each holding a role there), or the signed-in
        user when none are given."""
        wanted = list(dict.fromkeys(ids or ([current_user.id] if current_user else [])))
        if not wanted:
            raise _refuse("visitor_ids", _("This field is required."))
        for uid in wanted:
            if not assignments.holds_role_at(session, uid, community):
                raise _refuse("visitor_ids", _("This user holds no role in this community."))
        users = session.scalars(sa.select(User).where(User.id.in_(wanted))).all()
        return sorted(users, key=lambda u: wanted.index(u.id))

    def _check_dates(self, data: dict[str, Any], visited_on: date | None) -> None:
        if data.get("next_due") and visited_on and data["next_due"] <= visited_on:
            raise _refuse("next_due", _("The next visit must come after this one."))

    def create(self, session: Session, community: Any, data: dict[str, Any]) -> Visit:
        found = self.subject(session, community, data["subject_kind"], data["subject_id"])
        users = self.visitors(session, community, data.pop("visitor_ids", None))
        self._check_dates(data, data.get("visited_on"))
        data |= {
            "subject_name": found.name,
            "node_id": found.node_id or community.id,
            "visitor_names": "、".join(u.display_name for u in users)[:300],
        }
        obj = self.ledger.create_record(session, community, data)
        obj.visitors = [VisitVisitor(user_id=u.id) for u in users]
        session.flush()
        return obj

    def update(self, session: Session, obj: Visit, data: dict[str, Any]) -> Visit:
        community = session.get(type(g.community), obj.community_id)
        ids = data.pop("visitor_ids", None)
        self._check_dates(data, data.get("visited_on", obj.visited_on))
        if ids is not None:
            users = self.visitors(session, community, ids)
            data["visitor_names"] = "、".join(u.display_name for u in users)[:300]
            kept = {v.user_id: v for v in obj.visitors}  # unchanged rows stay (unique per visit)
            obj.visitors = [kept.get(u.id) or VisitVisitor(user_id=u.id) for u in users]
        return self.ledger.update_record(session, obj, data)

    # --- the due list --------------------------------------------------------------------

    def due_filters(self) -> list[Filter]:
        rows = self.rows
        return [
            Filter("status", "choice", _l("Status"), {OVERDUE: "", DUE_SOON: ""}),
            Filter("category", "choice", _l("Category"), self.source.categories()),
            Filter("worker", "int", _l("Assigned worker")),
            Filter("mine", "bool", _l("My area")),
            Filter("place", "place", _l("Place"), column=lambda: rows.node_id),
        ]

    def worker_clause(self, rows: Any, user_id: int) -> sa.ColumnElement[bool]:
        return assignments.mine_clause(
            user_id,
            node_column=rows.node_id,
            subject_column=rows.subject_id,
            kind_column=rows.subject_kind,
            module=self.module,
        )

    def due_query(self, within: Within, args: Any, day: date) -> sa.Select:
        """Subjects of the communities ``within`` selects that are overdue or due soon (or as
        ``args`` filter them), the longest overdue first."""
        rows = narrowed(self.rows, self.source, within)
        parsed = parse_filters(self.due_filters(), args)
        status = parsed.get("status")
        wanted = {
            OVERDUE: rows.overdue(day),
            DUE_SOON: rows.due_soon(day, self.soon),
        }
        clauses = [wanted[status] if status else sa.or_(*wanted.values())]
        if "category" in parsed:
            clauses.append(rows.category == parsed["category"])
        if parsed.get("mine"):
            clauses.append(self.worker_clause(rows, current_user.id))
        if "worker" in parsed:
            clauses.append(self.worker_clause(rows, parsed["worker"]))
        if "place" in parsed:
            place = db.session.execute(
                sa.select(node_table.c.path).where(node_table.c.id == parsed["place"])
            ).scalar()
            if place is None:
                raise _refuse("place", _("Choose from the list."))
            inner = sa.select(node_table.c.id).where(node_table.c.path.like(place + "%"))
            clauses.append(rows.node_id.in_(inner))
        return (
            sa.select(rows)
            .where(*clauses)
            .order_by(rows.remind_on, rows.name, rows.subject_kind, rows.id)
        )

    def dump_due(self, row: DueRow, day: date, community: str | None = None) -> dict[str, Any]:
        categories = self.source.categories()
        return {
            "subject_kind": row.subject_kind,
            "subject_id": row.subject_id,
            "name": row.name,
            "category": row.category,
            "category_label": str(categories.get(row.category, row.category)),
            "last_visit": row.last_visit.isoformat() if row.last_visit else None,
            "next_due": row.next_due.isoformat() if row.next_due else None,
            "status": row.status(day, self.soon),
            "community": community,
        }

    def counts(
        self, session: Session, within: Within, day: date, *, wide: bool = False
    ) -> dict[int, tuple[int, int]]:
        """(overdue, due soon) per community of those ``within`` selects: one query. ``wide``:
        many communities (a street), whose visits are grouped at once rather than looked up."""
        rows = narrowed(self.rows, self.source, within, narrow_visits=not wide)
        stmt = sa.select(
            rows.community_id,
            sa.func.count().filter(rows.overdue(day)),
            sa.func.count().filter(rows.due_soon(day, self.soon)),
        ).group_by(rows.community_id)
        return {key: (int(o or 0), int(d or 0)) for key, o, d in session.execute(stmt)}

    def counts_by_worker(
        self, session: Session, within: Within, day: date
    ) -> list[tuple[int, str, int, int]]:
        """(user id, name, overdue, due soon) of each worker with subjects assigned in the
        communities ``within`` selects: their grids' and buildings' subjects and their own; one
        query."""
        rows = narrowed(self.rows, self.source, within)
        place = node_table.alias("assigned_place")
        subject_place = node_table.alias("subject_place")
        per_subject = (
            sa.select(
                AreaAssignment.user_id,
                rows.subject_kind,
                rows.id,
                rows.next_due,
                rows.last_visit,
            )
            .select_from(rows)
            .join(subject_place, subject_place.c.id == rows.node_id, isouter=True)
            .join(
                AreaAssignment,
                sa.and_(
                    assignments.active(day),
                    AreaAssignment.module.in_(["", self.module]),
                    AreaAssignment.community_id == rows.community_id,
                ),
            )
            .join(place, place.c.id == AreaAssignment.node_id, isouter=True)
            .where(
                sa.or_(
                    subject_place.c.path.like(place.c.path.concat("%")),
                    sa.and_(
                        AreaAssignment.subject_kind == rows.subject_kind,
                        AreaAssignment.subject_id == rows.id,
                    ),
                ),
            )
            .distinct()
            .subquery()
        )
        late = sa.or_(per_subject.c.last_visit.is_(None), per_subject.c.next_due < day)
        soon = per_subject.c.next_due.between(day, day + timedelta(days=self.soon))
        stmt = (
            sa.select(
                User.id,
                User.display_name,
                sa.func.count().filter(late),
                sa.func.count().filter(soon),
            )
            .join(per_subject, per_subject.c.user_id == User.id)
            .group_by(User.id, User.display_name)
            .order_by(User.display_name, User.id)
        )
        return [(uid, name, int(o), int(d)) for uid, name, o, d in session.execute(stmt)]

    # --- routes --------------------------------------------------------------------------

    def register(self, *, pages: Any, api: Any = None, rollup: Any = None) -> None:
        """The due list and assignment routes on the module's blueprints (the ledger's own
        routes come from :func:`core.records.ledger.register_ledgers`)."""
        plural = self.ledger.plural
        name = self.ledger.name
        pages.add_url_rule(f"/{plural}/due", f"{name}_due", self.due_page)
        self.due_endpoint = f"{pages.name}.{name}_due"
        pages.add_url_rule(
            "/assignments", "assignments", self.assignments_page, methods=["GET", "POST"]
        )
        pages.add_url_rule(
            "/assignments/<int:assignment_id>/end",
            "end_assignment",
            self.end_assignment_page,
            methods=["POST"],
        )
        if api is not None:
            params = [f.openapi() for f in self.due_filters()]
            api.add_url_rule(
                f"/{plural}/due",
                f"api_{name}_due",
                api_doc(
                    "Subjects overdue or due soon for a visit (应访): last visit, next due date",
                    paginated=True,
                    tags=[self.module],
                    parameters=params,
                )(lambda: self.due_api()),
            )
            api.add_url_rule(
                "/assignments",
                "api_assignments",
                api_doc("Assignments (包片) of the community", tags=[self.module])(
                    lambda: self.assignments_api()
                ),
                methods=["GET"],
            )
            api.add_url_rule(
                "/assignments",
                "api_assign",
                api_doc(
                    "Assign a grid, a building or a subject to a worker",
                    request_schema=assignments.VisitAssignmentSchema,
                    status=201,
                    tags=[self.module],
                )(lambda: self.assign_api()),
                methods=["POST"],
            )
            api.add_url_rule(
                "/assignments/<int:assignment_id>",
                "api_end_assignment",
                api_doc("End an assignment", status=204, tags=[self.module])(
                    lambda assignment_id: self.end_assignment_api(assignment_id)
                ),
                methods=["DELETE"],
            )
        if rollup is not None:
            rollup.add_url_rule(f"/{plural}/due", f"{name}_due", self.due_rollup_page)
            self.rollup_due_endpoint = f"{rollup.name}.{name}_due"

    @staticmethod
    def _here(community_id: Any) -> sa.ColumnElement[bool]:
        return community_id == g.community.id

    def _visible(self) -> Within:
        """The communities under the roll-up's place that the user may read and where the module
        is on."""
        nodes = current_scope().nodes(self.ledger.view)
        path = node_table.c.path
        ids = sa.select(node_table.c.id).where(
            node_table.c.kind == "community",
            subtree_clause(path, g.node.path),
            sa.or_(*(subtree_clause(path, n.path) for n in nodes)) if nodes else sa.false(),
            node_table.c.id.in_(enabled_communities(self.module)),
        )
        return lambda community_id: community_id.in_(ids)

    def due_page(self) -> Any:
        require(self.ledger.view)
        day = clock.today()
        page = paginate(self.due_query(self._here, request.args, day))
        totals = self.counts(db.session, self._here, day).get(g.community.id, (0, 0))
        return render_template(
            "visits/due.html",
            visits=self,
            page=page,
            day=day,
            totals=totals,
            workers=self.counts_by_worker(db.session, self._here, day),
            statuses=status_labels(),
            filters=request.args,
        )

    def due_api(self) -> Any:
        require(self.ledger.view)
        day = clock.today()
        page = paginate(self.due_query(self._here, request.args, day))
        return jsonify(page.to_json(lambda r: self.dump_due(r, day, g.community.ref)))

    def due_rollup_page(self) -> Any:
        require(self.ledger.view)
        day = clock.today()
        counts = self.counts(db.session, self._visible(), day, wide=True)
        names = (
            dict(
                db.session.execute(
                    sa.select(node_table.c.id, node_table.c.name).where(
                        node_table.c.id.in_(list(counts))
                    )
                ).all()
            )
            if counts
            else {}
        )
        communities = sorted(
            ((names.get(cid, ""), cid, o, d) for cid, (o, d) in counts.items() if o or d),
            key=lambda row: (-row[2], row[0]),
        )
        return render_template(
            "visits/due_rollup.html",
            visits=self,
            day=day,
            communities=communities,
            total=(sum(c[2] for c in communities), sum(c[3] for c in communities)),
        )

    # --- assignments ---------------------------------------------------------------------

    def _assign_permission(self) -> str:
        return self.assign or self.ledger.edit

    def _assignments(self) -> list[AreaAssignment]:
        stmt = (
            sa.select(AreaAssignment)
            .where(
                AreaAssignment.community_id == g.community.id,
                AreaAssignment.module.in_(["", self.module]),
                AreaAssignment.deleted_at.is_(None),
            )
            .order_by(AreaAssignment.since.desc(), AreaAssignment.id)
        )
        return list(db.session.scalars(stmt))

    def _dump_assignment(self, row: AreaAssignment, users: dict[int, str], places: dict) -> dict:
        return {
            "id": row.id,
            "user_id": row.user_id,
            "user": users.get(row.user_id, ""),
            "node": places.get(row.node_id) if row.node_id else None,
            "subject_kind": row.subject_kind,
            "subject_id": row.subject_id,
            "subject_name": row.subject_name,
            "module": row.module,
            "since": row.since.isoformat(),
            "until": row.until.isoformat() if row.until else None,
        }

    def _names(self, rows: list[AreaAssignment]) -> tuple[dict[int, str], dict[int, str]]:
        users = (
            dict(
                db.session.execute(
                    sa.select(User.id, User.display_name).where(
                        User.id.in_({r.user_id for r in rows})
                    )
                ).all()
            )
            if rows
            else {}
        )
        node_ids = {r.node_id for r in rows if r.node_id}
        places = (
            dict(
                db.session.execute(
                    sa.select(node_table.c.id, node_table.c.name).where(
                        node_table.c.id.in_(node_ids)
                    )
                ).all()
            )
            if node_ids
            else {}
        )
        return users, places

    def _load_assignment(self, assignment_id: int) -> AreaAssignment:
        row = db.session.scalar(
            sa.select(AreaAssignment).where(
                AreaAssignment.id == assignment_id,
                AreaAssignment.community_id == g.community.id,
                AreaAssignment.module.in_(["", self.module]),
                AreaAssignment.deleted_at.is_(None),
            )
        )
        if row is None:
            abort(404)
        return row

    def _fill_subject(self, data: dict[str, Any]) -> dict[str, Any]:
        if data.get("subject_id") and data.get("subject_kind"):
            found = self.subject(db.session, g.community, data["subject_kind"], data["subject_id"])
            data["subject_name"] = found.name
        return data

    def _assign(self, data: dict[str, Any]) -> AreaAssignment:
        """A new assignment at the URL's community, in the audit log of the community."""
        row = assignments.assign(
            db.session, g.community, self._fill_subject(data), module=self.module, by=current_user
        )
        users, places = self._names([row])
        what = places.get(row.node_id) if row.node_id else row.subject_name
        audit.record(
            f"{self.module}.assignment.create",
            node=g.community.as_ref(),
            object_type=AreaAssignment.__tablename__,
            object_id=row.id,
            summary=_l("Assigned %(what)s to %(user)s", what=what, user=users.get(row.user_id, "")),
        )
        return row

    def _end(self, assignment_id: int) -> None:
        row = self._load_assignment(assignment_id)
        assignments.end(db.session, row, current_user)
        audit.record(
            f"{self.module}.assignment.end",
            node=g.community.as_ref(),
            object_type=AreaAssignment.__tablename__,
            object_id=row.id,
            summary=_l("Ended an assignment"),
        )

    def assignments_page(self) -> Any:
        require(self.ledger.view)
        form = empty_form()
        if request.method == "POST":
            require(self._assign_permission())
            form = load_form(assignments.VisitAssignmentSchema())
            if form.ok:
                try:
                    self._assign(form.data)
                except DomainError as exc:
                    refused(form, exc)
                else:
                    db.session.commit()
                    flash(_("Saved."), "success")
                    return redirect(url_for(".assignments"))
        rows = self._assignments()
        users, places = self._names(rows)
        place_choices = db.session.execute(
            sa.select(node_table.c.id, node_table.c.name, node_table.c.kind)
            .where(
                node_table.c.kind.in_(assignments.PLACE_KINDS),
                node_table.c.path.like(g.community.path + "%"),
            )
            .order_by(node_table.c.path)
        ).all()
        return render_template(
            "visits/assignments.html",
            visits=self,
            rows=[self._dump_assignment(r, users, places) for r in rows],
            staff=assignments.staff_at(db.session, g.community),
            places=place_choices,
            kinds={k: assignments.subject_kind_labels()[k] for k in self.kinds},
            can_assign=require_quietly(self._assign_permission()),
            form=form,
        ), (422 if form.errors else 200)

    def end_assignment_page(self, assignment_id: int) -> Any:
        require(self._assign_permission())
        self._end(assignment_id)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for(".assignments"))

    def assignments_api(self) -> Any:
        require(self.ledger.view)
        rows = self._assignments()
        users, places = self._names(rows)
        return jsonify({"items": [self._dump_assignment(r, users, places) for r in rows]})

    def assign_api(self) -> Any:
        require(self._assign_permission())
        row = self._assign(json_body(assignments.VisitAssignmentSchema()))
        db.session.commit()
        users, places = self._names([row])
        return jsonify(self._dump_assignment(row, users, places)), 201

    def end_assignment_api(self, assignment_id: int) -> Any:
        require(self._assign_permission())
        self._end(assignment_id)
        db.session.commit()
        return "", 204

    # --- workbench and reminders ---------------------------------------------------------

    def work_sources(self) -> list[WorkSource]:
        """今日待办: subjects overdue for a visit, and due within ``soon`` days."""
        rows, name = self.rows, self.ledger.name
        common = {
            "model": rows,
            "permission": self.ledger.view,
            "endpoint": self.due_endpoint or f"{self.module}.{name}_due",
            "rollup_endpoint": self.rollup_due_endpoint,
            "module": self.module,
        }
        return [
            WorkSource(
                key=f"{self.module}.{name}_overdue",
                label=_l("Visits overdue"),
                where=rows.overdue,
                args={"status": OVERDUE},
                level="overdue",
                **common,
            ),
            WorkSource(
                key=f"{self.module}.{name}_due",
                label=_l("Visits due soon"),
                where=lambda day: rows.due_soon(day, self.soon),
                args={"status": DUE_SOON},
                level="due",
                **common,
            ),
        ]

    def reminders(self) -> list[Reminder]:
        """Overdue visits told to the community's staff who write visits, once per subject
        and due date."""
        plural = self.ledger.plural

        def title(row: DueRow, kind: str) -> str:
            return _("%(name)s is overdue for a visit", name=row.name)

        return [
            Reminder(
                key=f"{self.module}.{self.ledger.name}",
                model=self.rows,
                deadline="remind_on",
                running=sa.true,
                permission=self.ledger.edit,
                title=title,
                url=lambda row, ref: f"/c/{ref}/{self.module}/{plural}/due",
                module=self.module,
            )
        ]


def require_quietly(permission: str) -> bool:
    """Whether the user holds ``permission`` at the route's place (no 403: for what a page
    shows)."""
    return current_scope().allows(permission, g.place.path)


def _named_subject(kinds: Sequence[str]) -> dict[str, Any]:
    """The subject a "Record a visit" link names (``?subject_kind=&subject_id=``, from the due
    list or a campaign), for the new visit's form; the only kind when the module has one."""
    kind = request.args.get("subject_kind", kinds[0] if len(kinds) == 1 else "")
    number = request.args.get("subject_id", "")
    values: dict[str, Any] = {"subject_kind": kind} if kind in kinds else {}
    if number.isascii() and number.isdigit() and len(number) <= 9:
        values["subject_id"] = int(number)
    return values


def visit_ledger(
    *,
    module: str,
    subjects: Callable[[], sa.Select],
    quotas: Sequence[VisitQuota],
    view: str,
    edit: str,
    restore: str | None = None,
    sensitive: str | None = None,
    assign: str | None = None,
    sensitivity: str = S1,
    kinds: Sequence[str] = ("unit",),
    soon: int = 7,
    plural: str = "visits",
    name: str = "visit",
    title: Any = None,
    label: Any = None,
    **ledger_args: Any,
) -> VisitLedger:
    """A module's visit log with quotas. ``subjects()``: a select of labelled columns
    ``subject_kind, subject_id, category, community_id, node_id, name`` (one row per live
    subject); ``quotas``: one :class:`VisitQuota` per category; ``kinds``: the subject kinds a
    visit may name; ``sensitivity``: the class of the findings and needs; ``assign``: the
    permission that assigns places and subjects (default: ``edit``); ``soon``: days ahead that
    count as "due soon". Pass ``.ledger`` to ``register_ledgers`` with the module's others,
    call ``.register(pages=, api=, rollup=)`` for the due list and assignments, and return
    ``.work_sources()`` from ``jiedao_workbench`` and ``.reminders()`` from ``jiedao_reminders``."""
    unknown = set(kinds) - set(SUBJECT_KINDS)
    if unknown:
        raise ValueError(f"unknown subject kinds {sorted(unknown)}")
    model = visit_model(module)
    source = QuotaSource(module, name, subjects, tuple(quotas))
    holder: dict[str, VisitLedger] = {}
    filters = (
        Filter("subject_kind", "choice", _l("Subject type"), column="subject_kind"),
        Filter("subject", "int", _l("Subject"), column="subject_id"),
        Filter("mode", "choice", _l("Visit mode"), visit_modes()),
        Filter("from", "date", _l("From"), column="visited_on", bound="from"),
        Filter("to", "date", _l("To"), column="visited_on", bound="to"),
        Filter(
            "visitor",
            "int",
            _l("Visited by"),
            clause=lambda _s, uid: model.id.in_(
                sa.select(VisitVisitor.visit_id).where(VisitVisitor.user_id == uid)
            ),
        ),
        assignments.mine_filter(
            model, subject_column="subject_id", kind_column="subject_kind", module=module
        ),
    )
    ledger = Ledger(
        module=module,
        name=name,
        plural=plural,
        model=model,
        schema=visit_schema(kinds, sensitivity, module),
        title=title or _l("Visit records"),
        label=label or _l("Visit"),
        view=view,
        edit=edit,
        restore=restore,
        sensitive=sensitive,
        fixed=("subject_kind", "subject_id"),
        filters=ledger_args.pop("filters", filters),
        order=lambda: [model.visited_on.desc()],
        options=lambda stmt: stmt.options(selectinload(model.visitors)),
        create=lambda session, community, data: holder["v"].create(session, community, data),
        update=lambda session, obj, data: holder["v"].update(session, obj, data),
        title_of=lambda obj: f"{obj.subject_name} {obj.visited_on.isoformat()}",
        new_values=lambda: _named_subject(kinds),
        importable=False,
        **ledger_args,
    )
    visits = VisitLedger(
        module=module,
        source=source,
        ledger=ledger,
        rows=due_rows(source),
        assign=assign,
        soon=soon,
        kinds=tuple(kinds),
    )
    holder["v"] = visits
    return visits
