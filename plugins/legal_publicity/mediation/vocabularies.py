"""The words of 人民调解 as office staff use them (programs/legal_publicity.md E–F)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

SCREENING_KINDS = {
    "routine": _l("Routine (half-monthly)"),
    "festival": _l("Before a festival"),
    "sensitive": _l("Sensitive period"),
}
DISPUTE_TYPES = {
    "family": _l("Marriage and family dispute"),
    "neighbour": _l("Neighbour dispute"),
    "housing": _l("Housing and homestead"),
    "property": _l("Property management dispute"),
    "contract": _l("Contract dispute"),
    "damages": _l("Damages"),
    "labour": _l("Labour dispute"),
    "demolition": _l("Land requisition and demolition"),
    "consumer": _l("Consumer dispute"),
    "medical": _l("Medical dispute"),
    "other": _l("Other dispute"),
}
# What a dispute of these types is about is S3 (programs/README.md: family disputes; health, a
# special category of 个人信息保护法); of the others, S1.
S3_TYPES = ("family", "medical")
RISKS = {
    "general": _l("Ordinary"),
    "escalating": _l("May escalate"),
    "mass": _l("May lead to a mass incident"),
    "criminal": _l("May turn criminal"),
}
# 可能激化 or 群体性: the 司法所 is told at once.
RISKY = ("escalating", "mass", "criminal")
MASS_PEOPLE = 5  # 涉及人数 ≥ 5: a mass dispute (群体性纠纷)

ITEM_ACTIONS = {
    "mediate": _l("Taken into mediation"),
    "refer": _l("Handed over"),
    "watch": _l("Kept stable and watched"),
    "resolved": _l("Settled"),
}
HANDED_TO = {
    "police": _l("Police station"),
    "petitions": _l("Petitions office"),
    "urban": _l("Urban management"),
    "court": _l("Court"),
}
SOURCES = {
    "screening": _l("Found by screening"),
    "application": _l("Applied for by a party"),
    "initiative": _l("Mediated on our initiative"),
    "police": _l("Handed over by the police station"),
    "court": _l("Entrusted by the court"),
    "hotline": _l("Petition or 12345 referral"),
    "property": _l("Referred by the property company"),
}
OUTCOMES = {
    "written": _l("Agreed, written agreement"),
    "oral": _l("Agreed, oral agreement"),
    "failed": _l("Mediation failed"),
}
FAILED_ROUTES = {
    "lawsuit": _l("Lawsuit"),
    "arbitration": _l("Arbitration"),
    "administrative": _l("Administrative handling"),
    "petition": _l("Petition"),
    "dropped": _l("Dropped"),
}
FULFILMENT = {
    "kept": _l("Fulfilled"),
    "partly": _l("Partly fulfilled"),
    "not_kept": _l("Not fulfilled"),
}
DISPUTE_STATUSES = {
    "registered": _l("Registered"),
    "rejected": _l("Not accepted"),
    "accepted": _l("Accepted"),
    "mediating": _l("Being mediated"),
    "agreed": _l("Mediation succeeded"),
    "failed": _l("Mediation failed"),
    "followed_up": _l("Followed up"),
    "closed": _l("Case closed"),
    "archived": _l("Archived"),
}
# Cases whose 30 days run: accepted and not yet concluded.
RUNNING = ("accepted", "mediating")
