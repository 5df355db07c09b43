"""An activity ledger as a module declares it: ``activity_ledger(module="safety", kinds=…)``.

The module gets the usual ledger pages, API, export, import and history at its own URLs
(``/c/<community>/<module>/activities``), listing the activities it owns and those that count
for it as well; each activity's attendees (签到) and materials handed out (发放宣传资料) are parts
added on its page, its photos are core attachments, and ``…/activities/<id>/sign-in-sheet`` is
its printable sign-in sheet (签到表). The rows are core's (``core_activity``), so an activity
shows in every module it counts for, with one history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, selectinload

from core.activities.models import Activity, ActivityAttendee, ActivityMaterial
from core.activities.schemas import AttendeeSchema, MaterialSchema, activity_schema
from core.activities.services import (
    activity_ids,
    count_held,
    counting_for,
    module_choices,
    observance_choices,
    set_modules,
)
from core.attachments import IMAGES, AttachmentRoutes, Owner, attachment_routes
from core.db import db
from core.errors import Conflict, DomainError
from core.records.ledger import Filter, Ledger, Part, load
from core.reports import CalendarEntry, Indicator, Period
from core.tenancy import module_label, require

# Empty rows below the named attendees, for those who sign on the day: at least this many, and
# enough to fill a page of twenty.
SIGN_IN_BLANK_ROWS = 5


def activity_photo_owner(module: str, view: str, edit: str, *, name: str = "activity") -> Owner:
    """The attachment owner of ``module``'s activities, for a plugin that declares its photo
    routes itself (several owners on one blueprint): pass the routes as ``photos=``."""
    return Owner(
        Activity,
        "core.activity",
        view,
        edit,
        page=f"{module}.{name}",
        scope=lambda: counting_for(module),
    )


def _refuse(field: str, message: str) -> DomainError:
    return DomainError(message, {field: [message]})


def kept_here(module: str, activity: Activity) -> None:
    """Only the module that keeps an activity changes it, its attendees and materials: the
    modules it also counts for read it (and add photos). Refused as a conflict, naming the
    keeper, where they should change it."""
    if activity.module != module:
        message = _(
            "This activity is kept by %(module)s; change it there.",
            module=module_label(activity.module),
        )
        raise Conflict(message, {"module": [message]})


@dataclass
class ActivityPartLedger(Ledger):
    """The attendees or the materials of one module's activities: changed only where the
    activity is kept (:func:`kept_here`)."""

    def create_record(
        self, session: Session, community: Any, data: dict[str, Any], user: Any = None
    ) -> Any:
        obj = super().create_record(session, community, data, user)
        if isinstance(obj, ActivityAttendee):
            count_volunteer_hours(session, obj)
        return obj

    def update_record(self, session: Session, obj: Any, data: dict[str, Any]) -> Any:
        kept_here(self.module, obj.activity)
        return super().update_record(session, obj, data)

    def delete(self, session: Session, obj: Any, user: Any = None) -> None:
        kept_here(self.module, obj.activity)
        super().delete(session, obj, user)

    def undelete(self, session: Session, obj: Any, user: Any = None) -> None:
        kept_here(self.module, obj.activity)
        super().undelete(session, obj, user)


def count_volunteer_hours(session: Session, attendee: ActivityAttendee) -> None:
    """An attendee who served as a volunteer (role ``volunteer``) and is on the community's
    volunteer register (the same resident) has the activity's hours added to their service
    hours (服务时长). Only an activity with a start and an end time on one day has hours to
    add; the others are left for the register's manual entry rather than guessed."""
    from core.volunteers.models import Volunteer
    from core.volunteers.services import record_service

    activity = attendee.activity
    if attendee.role != "volunteer" or attendee.resident_id is None:
        return
    if activity.start_time is None or activity.end_time is None:
        return
    if activity.ends_on not in (None, activity.held_on):
        return
    start = activity.start_time.hour * 60 + activity.start_time.minute
    minutes = activity.end_time.hour * 60 + activity.end_time.minute - start
    volunteer = session.scalar(
        sa.select(Volunteer).where(
            Volunteer.community_id == attendee.community_id,
            Volunteer.resident_id == attendee.resident_id,
            Volunteer.status == "active",
            Volunteer.deleted_at.is_(None),
        )
    )
    if volunteer is None or minutes <= 0:
        return
    record_service(
        session, volunteer.id, activity.held_on, round(minutes / 60, 2), "activity", activity.id
    )


def _part_check(module: str) -> Callable[..., None]:
    """A new attendee or material joins a live activity of the community that counts for the
    module, and sits at its place."""

    def check(session: Session, community: Any, data: dict[str, Any], obj: Any) -> None:
        if obj is not None:
            return
        found = session.scalar(
            sa.select(Activity).where(
                Activity.id == (data.get("activity_id") or 0),
                Activity.community_id == community.id,
                counting_for(module),
            )
        )
        if found is None:
            raise _refuse("activity_id", _("There is no such activity."))
        kept_here(module, found)
        data["node_id"] = found.node_id

    return check


@dataclass
class ActivityLedger(Ledger):
    """The activities of one module: a :class:`Ledger` over ``core_activity`` scoped to the
    activities the module owns or that count for it. Made by :func:`activity_ledger`."""

    photos: AttachmentRoutes | None = None
    photos_key: str = ""  # the owners key of the activities in ``photos`` (their plural)
    attendees: Ledger | None = None
    materials: Ledger | None = None

    @property
    def ledgers(self) -> list[Ledger]:
        """The ledger and its parts' ledgers, for the plugin's ``register_ledgers``."""
        return [self, *(p for p in (self.attendees, self.materials) if p is not None)]

    # --- writes -------------------------------------------------------------------------

    def create_record(
        self, session: Session, community: Any, data: dict[str, Any], user: Any = None
    ) -> Activity:
        """A new activity of this module, counting for the modules asked as well."""
        self._writable(community)
        modules = data.pop("counts_for", None) or []
        if self.check is not None:
            self.check(session, community, data, None)
        values = {k: data[k] for k in self.model_fields() if data.get(k) is not None}
        obj = Activity(
            node_id=data.pop("node_id", None) or community.id, **values, module=self.module
        )
        session.add(obj)
        session.flush()
        set_modules(session, obj, modules)
        created = {
            k: [None, getattr(obj, k)]
            for k in self.model_fields()
            if getattr(obj, k) and k != "module"  # the owner is the ledger's, not typed
        }
        if obj.counts_for:
            created["counts_for"] = [None, obj.counts_for]
        self.history(session, obj, "create", created, user=user)
        return obj

    def update_record(self, session: Session, obj: Any, data: dict[str, Any]) -> Activity:
        """Only by the module that keeps it (a 409 naming the keeper otherwise)."""
        kept_here(self.module, obj)
        return super().update_record(session, obj, data)

    def update_related(self, session: Session, obj: Any, data: dict[str, Any]) -> dict:
        """The modules it counts for, in the same history entry as its fields."""
        if "counts_for" not in data:
            return {}
        before = obj.counts_for
        set_modules(session, obj, data["counts_for"] or [])
        return (
            {}
            if sorted(before) == sorted(obj.counts_for)
            else {"counts_for": [before, obj.counts_for]}
        )

    def delete(self, session: Session, obj: Any, user: Any = None) -> None:
        kept_here(self.module, obj)
        super().delete(session, obj, user)

    def undelete(self, session: Session, obj: Any, user: Any = None) -> None:
        kept_here(self.module, obj)
        super().undelete(session, obj, user)

    # --- reading out --------------------------------------------------------------------

    def parts_of(self, session: Session, obj: Activity) -> dict[str, list[Any]]:
        return {part.segment: part.items(session, obj) for part in self.parts}

    def detail(self, obj: Activity, data: dict[str, Any]) -> None:
        """One activity's JSON: its attendees, materials and photos."""
        parts = self.parts_of(db.session, obj)
        data["attendees"] = [self.attendees.dump(a) for a in parts.get("attendees", [])]
        data["materials"] = [self.materials.dump(m) for m in parts.get("materials", [])]
        data["attendee_count"] = len(data["attendees"])
        if self.photos is not None:
            data["photos"] = [
                self.photos.dump(p) for p in self.photos.items(db.session, self.photos_key, obj.id)
            ]

    def photo_block(self, obj: Activity) -> Any:
        return self.photos.block(db.session, self.photos_key, obj) if self.photos else None

    def indicator(self, name: str, label: Any, *kinds: str) -> Indicator:
        """An indicator (活动场次, 件) of the activities counting for the module held in the
        period, of ``kinds`` if given: ``activities.indicator("safety.activities_held", …)``."""
        module = self.module

        def compute(session: Session, communities: sa.Select, period: Period) -> int:
            return count_held(session, module, communities, period.start, period.end, kinds)

        return Indicator(name, label, _l("sessions"), compute, module=module)

    # --- routes -------------------------------------------------------------------------

    def add_routes(self, pages: Any, api: Any) -> None:
        """The sign-in sheet, and the photo routes unless the plugin declared them."""
        if self.photos is None:
            self.photos = attachment_routes(
                pages,
                api,
                owners={self.plural: activity_photo_owner(self.module, self.view, self.edit)},
                name="photo",
                field="photo",
                types=IMAGES,
            )
            self.photos_key = self.plural
        pages.add_url_rule(
            f"/{self.plural}/<int:record_id>/sign-in-sheet",
            f"{self.name}_sign_in_sheet",
            lambda record_id: self.sign_in_sheet(record_id),
        )

    def sign_in_sheet(self, record_id: int) -> Any:
        """签到表: the activity's facts, the named attendees numbered, empty rows to sign."""
        require(self.view)
        activity = load(self, record_id)
        rows = [self.attendees.dump(a) for a in self.parts_of(db.session, activity)["attendees"]]
        return render_template(
            "activities/sign_in_sheet.html",
            ledger=self,
            record=activity,
            data=self.dump(activity),
            attendees=rows,
            named=len(rows),
            blank=max(SIGN_IN_BLANK_ROWS, 20 - len(rows)),
            blank_cells=4,
        )


def activity_ledger(
    module: str,
    *,
    kinds: dict[str, Any],
    view: str,
    edit: str,
    restore: str | None = None,
    sensitive: str | None = None,
    target_groups: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    forms: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    laws: Sequence[str] | None = None,
    calendar: Callable[[], Iterable[CalendarEntry]] | None = None,
    photos: AttachmentRoutes | None = None,
    title: Any = None,
    label: Any = None,
    name: str = "activity",
    plural: str = "activities",
    **options: Any,
) -> ActivityLedger:
    """The activity ledger of ``module``: its ``kinds`` (key → label, the 活动类型), its
    ``target_groups`` (参加对象, several may be ticked), its ``forms`` (形式: 讲座, 现场咨询 …,
    several may be ticked) and the ``laws`` it suggests an activity covered (法律法规, written
    out), if it keeps them; the ``calendar`` entries an activity may answer (the module's
    observances), its permissions. ``photos``: the plugin's own
    :func:`core.attachments.attachment_routes` when it has them on the same blueprint, with
    ``plural`` → :func:`activity_photo_owner` among their owners; otherwise the ledger adds
    photo routes of its own. Further ``options`` go to :class:`Ledger` (filters, templates …).
    Register ``ledger.ledgers`` (the ledger and its attendees' and materials' ledgers)."""
    groups = target_groups if callable(target_groups) else (lambda: dict(target_groups or {}))

    def observances() -> dict[str, Any]:
        return observance_choices(calendar()) if calendar is not None else {}

    forms_of = None if forms is None else forms if callable(forms) else (lambda: dict(forms))
    schema = activity_schema(
        module,
        kinds,
        groups,
        observances,
        lambda: module_choices(module),
        forms_of=forms_of,
        laws=laws,
    )
    shared = {"module": module, "view": view, "edit": edit, "restore": restore}

    def part_ledger(
        kind: str, model: Any, part_schema: Any, part_title: Any, part_label: Any
    ) -> ActivityPartLedger:
        return ActivityPartLedger(
            **shared,
            sensitive=sensitive,
            name=f"{name}_{kind}",
            plural=f"{name}_{kind}s",
            model=model,
            schema=part_schema,
            title=part_title,
            label=part_label,
            fixed=("activity_id",),
            scope=lambda: model.activity_id.in_(activity_ids(module)),
            record_type=f"core.activity_{kind}",
            check=_part_check(module),
            order=lambda: [model.id],
            title_of=lambda obj: str(getattr(obj, "name", None) or getattr(obj, "kind", obj.id)),
            exportable=False,
            importable=False,
        )

    attendees = part_ledger(
        "attendee", ActivityAttendee, AttendeeSchema, _l("Attendance"), _l("Attendee")
    )
    materials = part_ledger(
        "material",
        ActivityMaterial,
        MaterialSchema,
        _l("Materials handed out"),
        _l("Publicity material"),
    )
    options.setdefault(
        "filters",
        (
            Filter("year", "year", _l("Year"), column="held_on"),
            Filter("kind", "choice", _l("Activity type"), kinds),
            Filter(
                "own",
                "bool",
                _l("Kept by this module"),
                clause=lambda _session, value: (
                    (Activity.module == module) if value else (Activity.module != module)
                ),
            ),
        ),
    )
    options.setdefault("templates", {"detail": "activities/detail.html"})
    own_context = options.pop("context", None)
    own_detail = options.pop("dump_detail", None)
    ledger = ActivityLedger(
        **shared,
        sensitive=sensitive,
        name=name,
        plural=plural,
        model=Activity,
        schema=schema,
        title=title or _l("Activity records"),
        label=label or _l("Activity record"),
        order=lambda: [Activity.held_on.desc(), Activity.id.desc()],
        export_order=lambda: [Activity.held_on],
        options=lambda stmt: stmt.options(selectinload(Activity.shared)),
        scope=lambda: counting_for(module),
        record_type="core.activity",
        parts=(
            Part(attendees, "activity_id", path="attendees"),
            Part(materials, "activity_id", path="materials"),
        ),
        photos=photos,
        photos_key=plural if photos is not None else "",
        attendees=attendees,
        materials=materials,
        **options,
    )

    def detail(obj: Activity, data: dict[str, Any]) -> None:
        ledger.detail(obj, data)
        if own_detail is not None:
            own_detail(obj, data)

    def context() -> dict[str, Any]:
        return {
            "module_label": module_label,
            "photos": ledger.photo_block,
            "sign_in_endpoint": f"{module}.{name}_sign_in_sheet",
            **(own_context() if own_context is not None else {}),
        }

    ledger.dump_detail = detail
    ledger.context = context
    return ledger


__all__ = ["ActivityLedger", "activity_ledger", "activity_photo_owner"]
