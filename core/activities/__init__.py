"""Activity records (活动记录) for every module: a campaign, lecture, drill or visit day with its
time, type, theme, place, organisers, target groups, headcount, named attendance, materials
handed out, photos and brief. One activity is owned by one module and may count for others too.

A module declares its ledger (:func:`activity_ledger`) and its calendar's
``expects=activities_held(module, kind…)``; the tables, pages, API, export, sign-in sheet and
counting are core's.
"""

from core.activities.ledger import ActivityLedger, activity_ledger, activity_photo_owner
from core.activities.models import Activity, ActivityAttendee, ActivityMaterial, ActivityModule
from core.activities.schemas import ROLES
from core.activities.services import activities_held, count_held, counting_for, observance_key

__all__ = [
    "ROLES",
    "Activity",
    "ActivityAttendee",
    "ActivityLedger",
    "ActivityMaterial",
    "ActivityModule",
    "activities_held",
    "activity_ledger",
    "activity_photo_owner",
    "count_held",
    "counting_for",
    "observance_key",
]
