"""The volunteers' accounts as a ledger the community admin keeps (list, form, history)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.permissions import load_scope
from core.records.lookup import live_record_of
from core.sdk import ChoiceSchema, chosen_record, db, refuse
from core.visits.assignments import staff_at
from core.volunteers.models import Volunteer

from ..common import ASSIGN, ELDER, YouthLedger
from .models import YouthCareElderAccount


def _volunteers() -> dict[int, str]:
    from flask import g

    if "community" not in g:
        return {}
    stmt = (
        sa.select(Volunteer.id, Volunteer.name)
        .where(Volunteer.community_id == g.community.id, Volunteer.deleted_at.is_(None))
        .order_by(Volunteer.name, Volunteer.id)
    )
    return dict(db.session.execute(stmt).all())


def _elders() -> dict[int, str]:
    """The community's users who hold the 五老 volunteer's permission there."""
    from flask import g

    if "community" not in g:
        return {}
    return {
        uid: name
        for uid, name in staff_at(db.session, g.community)
        if load_scope(db.session, uid).allows(ELDER, g.community.path)
    }


class ElderAccountSchema(ChoiceSchema):
    id = ma.fields.Integer(dump_only=True)
    volunteer_id, volunteer = chosen_record(
        _l("Volunteer"), _volunteers, lambda a: a.volunteer.name, required=True
    )
    user_id, user = chosen_record(
        _l("Signs in as"), _elders, lambda a: a.user.display_name, required=True
    )


def check(session: Session, community: Any, data: dict[str, Any], obj: Any) -> None:
    """The volunteer is the community's, the user holds the volunteer's permission there, and
    neither has another account in the community."""
    volunteer_id = data.get("volunteer_id", getattr(obj, "volunteer_id", None))
    user_id = data.get("user_id", getattr(obj, "user_id", None))
    message = _("Choose a volunteer of this community.")
    live_record_of(session, community, Volunteer, volunteer_id, "volunteer_id", message)
    if not user_id or not load_scope(session, user_id).allows(ELDER, community.path):
        refuse("user_id", _("This user is not a five-elders volunteer of this community."))
    for field, value in (("volunteer_id", volunteer_id), ("user_id", user_id)):
        taken = session.scalar(
            sa.select(YouthCareElderAccount.id).where(
                getattr(YouthCareElderAccount, field) == value,
                YouthCareElderAccount.community_id == community.id,
                YouthCareElderAccount.deleted_at.is_(None),
                YouthCareElderAccount.id != (obj.id if obj is not None else 0),
            )
        )
        if taken:
            refuse(field, _("This already has an account in this community."))


elder_accounts = YouthLedger(
    name="elder_account",
    plural="elder_accounts",
    model=YouthCareElderAccount,
    schema=ElderAccountSchema,
    title=_l("Volunteers' accounts"),
    label=_l("Volunteer's account"),
    edit=ASSIGN,
    check=check,
    title_of=lambda a: a.volunteer.name,
    importable=False,
)
LEDGERS = [elder_accounts]
