from __future__ import annotations

from core.sdk import CommunityBlueprint, activity_ledger, register_ledgers

from . import EDIT, RESTORE, SENSITIVE, VIEW, calendar_entries

pages = CommunityBlueprint("outreach", "outreach", __name__)
api = CommunityBlueprint("outreach", "outreach_api", __name__, api=True)

activities = activity_ledger(
    "outreach",
    kinds={"lecture": "讲座", "stall": "咨询摊位", "other": "其他"},
    target_groups={"youth": "青少年", "elderly": "老年人"},
    forms={"lecture": "讲座", "exhibition": "图片展览"},
    laws=("宪法", "民法典"),
    calendar=calendar_entries,
    view=VIEW,
    edit=EDIT,
    restore=RESTORE,
    sensitive=SENSITIVE,
)
register_ledgers(activities.ledgers, pages=pages, api=api)
