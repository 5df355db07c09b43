"""The words of 安置帮教 as the 司法所 uses them (programs/legal_publicity.md G)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CATEGORIES = {
    "released": _l("Released after serving the sentence"),
    "parole": _l("Parole completed"),
    "outside": _l("Temporary execution outside prison completed"),
}
OFFENCES = {
    "property": _l("Property offence"),
    "violence": _l("Violent offence"),
    "drugs": _l("Drug offence"),
    "fraud": _l("Fraud"),
    "gang": _l("Organised crime"),
    "traffic": _l("Traffic offence"),
    "office": _l("Offence in office"),
    "other": _l("Other offence"),
}
RISK_LEVELS = {
    "low": _l("Low risk"),
    "mid": _l("Medium risk"),
    "high": _l("High risk (key person)"),
}
PLACEMENTS = {
    "employed": _l("Employed"),
    "own_business": _l("Own business"),
    "flexible": _l("Flexible work"),
    "dibao": _l("On subsistence allowance"),
    "none": _l("Not placed"),
}
RESETTLED_STATUSES = {
    "pending": _l("Awaiting hand-over"),
    "in_care": _l("Under resettlement help"),
    "proposed": _l("Release from care proposed"),
    "released": _l("Released from care"),
    "reoffended": _l("Reoffended"),
    "lost": _l("Out of contact"),
    "moved": _l("Moved away"),
    "deceased": _l("Deceased"),
}
IN_CARE = ("in_care", "proposed")
TEAM_MIN, TEAM_MAX = 3, 5  # 帮教小组 3–5 members

# 社区矫正 协助: the 司法所 supervises (社区矫正法 2020); the community only helps.
CORRECTION_KINDS = {
    "probation": _l("Probation"),
    "parole": _l("Parole"),
    "supervision": _l("Public surveillance"),
    "outside": _l("Temporary execution outside prison"),
}
# The community's part in the 矫正小组.
CORRECTION_ROLES = {
    "cadre": _l("Community cadre"),
    "grid": _l("Grid worker"),
    "volunteer": _l("Volunteer"),
    "family": _l("Family member"),
}
CORRECTION_STATUSES = {
    "assisting": _l("Being assisted"),
    "ended": _l("Assistance ended"),
}
