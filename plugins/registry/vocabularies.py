"""The registry's vocabularies: its module and permission names, and the choices its records
hold (statuses, relations, unit kinds, industries …) with the labels users see. Schemas, rules,
lists and the demo read them here, so a key and its label are said once."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

MODULE = "registry"
VIEW = "registry.view"
EDIT = "registry.edit"
SENSITIVE = "registry.sensitive.view"
RESTORE = "registry.restore"

STATUSES = {
    "registered": _l("Registered resident"),
    "floating": _l("Floating resident"),
    "moved_out": _l("Moved away"),
    "deceased": _l("Deceased"),
}
PRESENT = ("registered", "floating")
GENDERS = {"M": _l("Male"), "F": _l("Female")}
TENURES = {"owned": _l("Owned"), "rented": _l("Rented"), "other": _l("Other tenure")}
RELATIONS = {
    "head": _l("Head of household"),
    "spouse": _l("Spouse"),
    "child": _l("Child"),
    "parent": _l("Father or mother"),
    "other": _l("Other relation"),
}
UNIT_KINDS = {
    "enterprise": _l("Enterprise"),
    "shop": _l("Shop"),
    "individual": _l("Individual business"),
    "school": _l("School"),
    "property": _l("Property company"),
    "institution": _l("Public institution"),
    "agency": _l("Government agency"),
    "social_org": _l("Social organisation"),
    "entertainment": _l("Internet café or entertainment venue"),
    "other": _l("Other unit"),
}
SIZE_CLASSES = {"above": _l("Above designated size"), "below": _l("Below designated size")}
BUSINESS_STATUSES = {
    "operating": _l("Operating"),
    "suspended": _l("Suspended"),
    "closed": _l("Closed or deregistered"),
    "moved": _l("Moved out of the area"),
}
INDUSTRIES = {
    "catering": _l("Catering"),
    "retail": _l("Wholesale and retail"),
    "lodging": _l("Lodging"),
    "construction": _l("Construction"),
    "manufacturing": _l("Manufacturing"),
    "logistics": _l("Transport, storage and logistics"),
    "property": _l("Real estate and property management"),
    "it": _l("Information technology"),
    "business_services": _l("Leasing and business services"),
    "resident_services": _l("Resident services and repairs"),
    "education": _l("Education"),
    "health": _l("Health"),
    "culture": _l("Culture, sports and entertainment"),
    "public": _l("Public administration and social organisations"),
    "chemicals": _l("Hazardous chemicals"),
    "other": _l("Other industry"),
}
MARITAL_STATUSES = {
    "unmarried": _l("Unmarried"),
    "first_marriage": _l("First marriage, spouse living"),
    "remarried": _l("Remarried, spouse living"),
    "divorced": _l("Divorced"),
    "widowed": _l("Widowed"),
}
# 民法典 第一千零四十七条: the legal marriage age, by gender.
MARRIAGE_AGES = {"M": 22, "F": 20}
PRESENCES = {
    "consistent": _l("Living at the registered address"),
    "here_only": _l("Living here, registered elsewhere (inflow or lodging)"),
    "away": _l("Registered here, living elsewhere (outflow)"),
}
EMPLOYMENTS = {
    "employed": _l("Employed"),
    "unemployed": _l("Registered unemployed"),
    "retired": _l("Retired"),
    "student": _l("In school"),
    "preschool": _l("Preschool child"),
    "none": _l("Not working"),
}
POLITICAL_STATUSES = {
    "cpc_member": _l("CPC member"),
    "cpc_probationary": _l("CPC probationary member"),
    "cyl_member": _l("Communist Youth League member"),
    "masses": _l("The masses (no party)"),
    "democratic_party": _l("Democratic party member"),
}
GUARDIAN_RELATIONS = {
    "father": _l("Father"),
    "mother": _l("Mother"),
    "grandparent": _l("Grandparent"),
    "sibling": _l("Brother or sister"),
    "other": _l("Other guardian"),
}
# 居民身份证法 第二条: a citizen must hold an ID card from 16; younger ones may be without.
ID_REQUIRED_AGE = 16
ADULT_AGE = 18
# The lifecycle steps as a record's history names them.
ACTIONS: dict[str, Any] = {
    "manage": _l("Taken into management"),
    "move_out": _l("Moved away"),
    "death": _l("Died"),
    "transfer": _l("Transferred in"),
}
