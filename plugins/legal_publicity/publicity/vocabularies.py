"""The words of 普法 as office staff use them (programs/legal_publicity.md A–D)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# 普法活动 主题: the activity's kind in core's activity records.
THEMES = {
    "constitution": _l("Constitution (12.4)"),
    "civil_code": _l("Civil Code"),
    "monthly_law": _l("Law of the month"),
    "anti_drug": _l("Anti-drug (6.26)"),
    "national_security": _l("National security (4.15)"),
    "consumer": _l("Consumer rights (3.15)"),
    "women": _l("Women's rights"),
    "elderly": _l("Rights of the elderly"),
    "minors": _l("Protection of minors"),
    "anti_fraud": _l("Anti-fraud"),
    "anti_cult": _l("Anti-cult"),
    "work_safety_law": _l("Work Safety Law"),
    "other": _l("Other theme"),
}

# 对象 of an activity.
AUDIENCES = {
    "youth": _l("Young people"),
    "elderly": _l("Elderly residents"),
    "women": _l("Women"),
    "migrants": _l("Migrant workers"),
    "idle": _l("Idle youths of the community"),
    "released": _l("Released persons"),
    "leaders": _l("Residents' group and building leaders"),
    "workers": _l("Enterprise staff"),
    "all": _l("All residents"),
}

# 形式 of an activity (several may be ticked).
FORMS = {
    "lecture": _l("Lecture"),
    "counselling": _l("On-site legal advice"),
    "quiz": _l("Knowledge contest"),
    "exhibition": _l("Picture exhibition"),
    "leaflets": _l("Handing out materials"),
    "performance": _l("Cultural performance"),
    "film": _l("Educational film"),
    "online": _l("Online posts"),
}
# The laws an activity most often covers, offered as suggestions (any law may be written).
LAWS = (
    "宪法",
    "民法典",
    "人民调解法",
    "禁毒法",
    "国家安全法",
    "消费者权益保护法",
    "妇女权益保障法",
    "老年人权益保障法",
    "未成年人保护法",
    "反电信网络诈骗法",
    "反有组织犯罪法",
    "安全生产法",
)

BOARD_KINDS = {
    "board": _l("Bulletin board"),
    "window": _l("Display window"),
    "screen": _l("Electronic screen"),
    "blackboard": _l("Blackboard newspaper"),
    "wall": _l("Rule-of-law culture wall"),
}
# 黑板报(每半月一期)、宣传橱窗(每月更换一次) (seed 001 l.81).
DEFAULT_CYCLES = {"blackboard": 15}

STUDY_AUDIENCES = {
    "cadres": _l("Community cadres"),
    "leaders": _l("Residents' group leaders"),
    "residents": _l("Residents"),
}

CHANNELS = {
    "visit": _l("Walk-in"),
    "phone": _l("By phone"),
    "event": _l("At an activity"),
    "online": _l("Over the internet"),
}
CONSULT_GROUPS = {
    "elderly": _l("Elderly"),
    "disabled": _l("Disabled"),
    "dibao": _l("Subsistence allowance household"),
    "destitute": _l("Destitute"),
    "other": _l("Other group"),
}
CONSULT_CATEGORIES = {
    "family": _l("Marriage and family"),
    "inheritance": _l("Inheritance"),
    "housing": _l("Housing"),
    "labour": _l("Labour"),
    "loan": _l("Loans"),
    "consumer": _l("Consumer matters"),
    "property": _l("Property management"),
    "tort": _l("Tort"),
    "other": _l("Other kind of matter"),
}
# A question of these matters and its answer are S3 (family matters; an inheritance is one, and
# it becomes a family dispute when referred to mediation); of the others, S1.
S3_CATEGORIES = ("family", "inheritance")
REFERRALS = {
    "none": _l("No referral"),
    "legal_aid": _l("Legal aid centre"),
    "law_firm": _l("Law firm"),
    "notary": _l("Notary office"),
    "arbitration": _l("Labour arbitration"),
    "court": _l("Court"),
    "mediation": _l("People's mediation"),
}
