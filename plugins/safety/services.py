"""Every domain operation of the safety ledgers: enterprises and major hazard sources,
inspections, the hidden-danger workflow, training, accidents, activities, photos, indicators,
exports and imports.

Services validate, flush, record history and audit, and raise ``DomainError``; views commit.
Dates are in the platform's time zone (``core.clock.today``); a hazard is overdue when it is not
closed and its deadline is before today.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l

from core import clock

MODULE = "safety"
VIEW = "safety.view"
EDIT = "safety.edit"
CLOSE_MAJOR = "safety.hazard.close_major"
SENSITIVE = "safety.sensitive.view"

# 风险等级 (four colours: blue, yellow, orange, red)
RISK_LEVELS = {
    "low": _l("Low risk"),
    "general": _l("General risk"),
    "larger": _l("Larger risk"),
    "major": _l("Major risk"),
}
SECTORS = {
    "hazardous_chemicals": _l("Hazardous chemicals"),
    "fireworks": _l("Fireworks"),
    "crowded_place": _l("Crowded place"),
    "gas": _l("Gas"),
    "construction": _l("Construction"),
    "industrial": _l("Industry and trade"),
    "warehouse": _l("Warehousing and logistics"),
    "general": _l("Other sector"),
}
STANDARDISATION = {
    "not_started": _l("Not started"),
    "creating": _l("Creating"),
    "compliant": _l("Compliant"),
}
STANDARD_LEVELS = {
    "": _l("No level"),
    "1": _l("Level 1"),
    "2": _l("Level 2"),
    "3": _l("Level 3"),
    "small": _l("Small and micro"),
}
SOURCE_GRADES = {"1": _l("Grade 1"), "2": _l("Grade 2"), "3": _l("Grade 3"), "4": _l("Grade 4")}

INSPECTION_KINDS = {
    "routine": _l("Routine inspection"),
    "quarterly": _l("Quarterly major inspection"),
    "special": _l("Special inspection"),
    "joint": _l("Joint inspection"),
}
CHECK_RESULTS = {"ok": _l("Passed"), "fail": _l("Failed"), "na": _l("Not applicable")}

HAZARD_STATUSES = {
    "found": _l("Found"),
    "notified": _l("Notice issued"),
    "rectifying": _l("Rectifying"),
    "submitted": _l("Awaiting re-inspection"),
    "closed": _l("Closed"),
}
OPEN_STATUSES = ("found", "notified", "rectifying", "submitted")
SEVERITIES = {"general": _l("General hazard"), "major": _l("Major hazard")}
HAZARD_CATEGORIES = {
    "fire": _l("Fire safety"),
    "electrical": _l("Electrical"),
    "gas": _l("Gas"),
    "chemicals": _l("Hazardous chemicals"),
    "structure": _l("Buildings and structures"),
    "equipment": _l("Equipment"),
    "management": _l("Management"),
    "other": _l("Other hazard"),
}

TRAINING_CATEGORIES = {
    "three_posts": _l("Three key posts"),
    "frontline": _l("Front-line workers"),
    "general": _l("General safety training"),
}
# 三项岗位: the three key posts that need a certificate, then everyone else.
POSTS = {
    "principal": _l("Principal manager"),
    "safety_manager": _l("Safety manager"),
    "special_operator": _l("Special operator"),
    "frontline": _l("Front-line worker"),
    "other": _l("Other trainee"),
}
THREE_POSTS = ("principal", "safety_manager", "special_operator")

ACCIDENT_GRADES = {
    "general": _l("General accident"),
    "larger": _l("Larger accident"),
    "major": _l("Major accident"),
    "especially_major": _l("Especially major accident"),
}
ACCIDENT_KINDS = {
    "fire": _l("Fire"),
    "traffic": _l("Traffic"),
    "fall": _l("Fall from height"),
    "electric_shock": _l("Electric shock"),
    "gas": _l("Gas poisoning or explosion"),
    "machinery": _l("Machinery"),
    "collapse": _l("Collapse"),
    "other": _l("Other accident"),
}
ACCIDENT_SENSITIVE_FIELDS = ("casualty_details", "liability")

ACTIVITY_KINDS = {
    "safety_month": _l("Safety production month"),
    "fire_day": _l("11.9 Fire Safety Day"),
    "road_safety_day": _l("National Road Traffic Safety Day"),
    "ankang_cup": _l("Ankang Cup"),
    "five_into": _l("Safety into five places"),
    "drill": _l("Emergency drill"),
    "other": _l("Other activity"),
}

DEFAULT_SETTINGS: dict[str, Any] = {
    "general_deadline_days": 15,  # 一般隐患: rectify within … days of the finding
    "major_deadline_days": 60,  # 重大隐患
    "training_target": 95,  # 全年完成三项岗位人员培训95人 (seed 004)
    "certificate_warning_days": 60,
}


def today() -> date:
    """Today in the platform's time zone (``JIEDAO_TIMEZONE``)."""
    return clock.today()


# === enterprises and major hazard sources (lead) ==============================================


# === inspections (lead) =======================================================================


# === hazards and their workflow (lead) ========================================================


# === training, accidents, activities, photos (training helper) ================================


# === indicators and the dashboard (dashboard helper) ==========================================


# === exports and imports (exports helper) =====================================================
