"""The demo's people: households as families are, on a Beijing age pyramid.

A household is drawn from a kind (a young renter alone, a couple with a child, three
generations, an old couple whose children live elsewhere …) and its members are made to fit:
an adult head (of a couple usually the older one), a spouse of the other gender and a plausible
age, children born when their mother was 22–40, grandparents a generation older still. Names
come from separate pools of men's and women's given names, by the decade people were born in;
children take their father's surname. Nothing here touches the database: ``seed_community``
turns the families into rows.

The mix is tuned so a community looks like a Beijing urban one (2020 census, 朝阳区): about a
fifth aged 60+, births every year, about a fifth of residents married women of 15–49 of whom a
quarter are floating, some registered residents living elsewhere (流出).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

ON = date(2026, 6, 30)  # "today" of the demo data, so every run yields the same rows

SURNAMES = (
    "王王王李李李张张张刘刘刘陈陈杨杨赵赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓"
    "曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟"
)


def _pool(*lines: str) -> tuple[str, ...]:
    return tuple(" ".join(lines).split())


# Given names by sex and by the years people were born in (a 1950s 建国, a 2010s 子轩); the
# pools of men's and women's names share no name.
MALE_NAMES: dict[int, tuple[str, ...]] = {
    1930: _pool(
        "建国 建华 国强 国庆 志强 德明 振华 卫东 德福 长青",
        "树林 福生 宝山 保国 玉山 建设 振国 永福 德胜 继光",
    ),
    1965: _pool(
        "伟 强 军 勇 刚 斌 涛 明 健 志刚 建军",
        "海涛 永刚 立新 卫国 晓东 建平 志勇 国栋 红兵 文斌 利民",
    ),
    1985: _pool(
        "磊 鹏 超 浩 杰 鑫 宇 亮 帅 昊 俊杰",
        "海洋 子健 家豪 天宇 鹏飞 志远 建宇 晓峰 博 思源 凯",
    ),
    2005: _pool(
        "浩然 子轩 宇轩 梓豪 一鸣 博文 子墨 奕辰 沐阳 俊熙",
        "皓轩 宇航 思远 铭泽 锦程 睿 煜城 明轩 嘉懿 天佑",
    ),
}
FEMALE_NAMES: dict[int, tuple[str, ...]] = {
    1930: _pool(
        "秀英 桂英 秀兰 玉兰 桂兰 淑珍 凤英 玉珍 桂芳 淑英",
        "秀珍 玉梅 凤兰 淑兰 素珍 文英 秀云 桂珍 翠兰 金凤",
    ),
    1965: _pool(
        "丽 静 敏 燕 红 艳 芳 霞 娟 玲 丽华",
        "红梅 晓红 海燕 丽娟 春梅 雪梅 秀梅 丽萍 慧 凤霞 晓燕",
    ),
    1985: _pool(
        "婷 倩 雪 琳 颖 晶 璐 丹 娜 晓雯 婷婷",
        "佳慧 思琪 雅琪 晓丽 梦瑶 雨婷 文静 蕾 月 佳琪 晓彤",
    ),
    2005: _pool(
        "子涵 欣怡 梓涵 诗涵 一诺 梦琪 可馨 雨桐 思彤 语嫣",
        "若曦 佳怡 依诺 芷若 安琪 梓萱 雨萱 欣妍 紫萱 语桐",
    ),
}
ETHNICITIES = ["汉族"] * 19 + ["回族", "满族"]


@dataclass(frozen=True)
class Place:
    """Where an ID was issued (its first six digits) and the 户籍地 address that goes with it."""

    code: str
    address: str


BEIJING = Place("110105", "北京市朝阳区")
HOMETOWNS = (  # where Beijing's floating residents come from, the nearest provinces most
    *[Place("130102", "河北省石家庄市长安区")] * 3,
    *[Place("130682", "河北省保定市定州市")] * 3,
    *[Place("131082", "河北省廊坊市三河市")] * 2,
    Place("130281", "河北省唐山市遵化市"),
    *[Place("410102", "河南省郑州市中原区")] * 2,
    *[Place("411302", "河南省南阳市宛城区")] * 2,
    Place("411521", "河南省信阳市罗山县"),
    *[Place("371302", "山东省临沂市兰山区")] * 2,
    Place("370102", "山东省济南市历下区"),
    Place("370781", "山东省潍坊市青州市"),
    Place("341202", "安徽省阜阳市颍州区"),
    Place("340104", "安徽省合肥市蜀山区"),
    Place("230102", "黑龙江省哈尔滨市道里区"),
    Place("140105", "山西省太原市小店区"),
    Place("150102", "内蒙古自治区呼和浩特市新城区"),
    Place("420102", "湖北省武汉市江岸区"),
    Place("511302", "四川省南充市顺庆区"),
    Place("510107", "四川省成都市武侯区"),
    Place("430102", "湖南省长沙市芙蓉区"),
    Place("210102", "辽宁省沈阳市和平区"),
    Place("120101", "天津市和平区"),
)
OUT_TO = (  # 流向地 of registered residents living elsewhere
    "上海市浦东新区", "广东省深圳市南山区", "天津市滨海新区", "河北省廊坊市燕郊镇",
    "江苏省南京市鼓楼区", "浙江省杭州市西湖区", "北京市海淀区", "北京市通州区",
    "北京市昌平区回龙观", "美国加利福尼亚州", "英国伦敦", "四川省成都市高新区",
)  # fmt: skip


@dataclass
class Person:
    male: bool
    born: date
    relation: str
    surname: str
    given: str = ""
    marital: str | None = None  # married: first_marriage or remarried
    floating: bool = False
    hometown: Place = BEIJING
    employment: str | None = None
    political: str | None = None
    away: tuple[str, date] | None = None  # 流出: (流向地, since)
    guardian: Person | None = None
    guardian_relation: str = ""
    tags: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.surname + self.given

    @property
    def age(self) -> int:
        return age_on(self.born, ON)


@dataclass
class Family:
    """One household: members with the head first, and how the flat is held."""

    kind: str
    members: list[Person]
    tenure: str = "owned"  # owned, rented, other
    moved_in_on: date | None = None
    group_rental: bool = False


def age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def given_name(rng: random.Random, male: bool, born: date) -> str:
    pools = MALE_NAMES if male else FEMALE_NAMES
    era = max(e for e in pools if e <= max(born.year, min(pools)))
    return rng.choice(pools[era])


def person_name(rng: random.Random, male: bool | None = None, born_year: int = 1975) -> str:
    """A whole name for someone the registry only names (a unit's legal representative …)."""
    male = rng.random() < 0.55 if male is None else male
    return rng.choice(SURNAMES) + given_name(rng, male, date(born_year, 1, 1))


def _born(rng: random.Random, low: float, high: float, mode: float | None = None) -> date:
    """A birth date of someone aged between ``low`` and ``high`` on the demo's today."""
    years = rng.triangular(low, high + 1, mode if mode is not None else (low + high + 1) / 2)
    return ON - timedelta(days=int(years * 365.25))


def _after(rng: random.Random, born: date, low: float, high: float, mode: float) -> date:
    """The birth date of someone born when a person born on ``born`` was ``low``–``high``."""
    return born + timedelta(days=int(rng.triangular(low, high, mode) * 365.25))


class _Maker:
    """Builds one community's families from its random source and its character."""

    def __init__(self, rng: random.Random, rural: bool, tags: frozenset[str]) -> None:
        self.rng = rng
        self.rural = rural
        self.tags = tags  # the tags declared here: a tag not declared is not given

    def tag(self, person: Person, *keys: str) -> None:
        person.tags += [key for key in keys if key in self.tags]

    # --- people ------------------------------------------------------------------------------

    def person(
        self,
        male: bool,
        born: date,
        relation: str,
        surname: str | None = None,
        home: Place = BEIJING,
    ) -> Person:
        rng = self.rng
        p = Person(
            male=male,
            born=born,
            relation=relation,
            surname=surname or rng.choice(SURNAMES),
            floating=home is not BEIJING,
            hometown=home,
        )
        p.given = given_name(rng, male, born)
        return p

    def hometown(self) -> Place:
        return self.rng.choice(HOMETOWNS)

    def couple(
        self, wife_born: date, home: Place, wife_home: Place | None = None
    ) -> tuple[Person, Person]:
        """(husband, wife): he is 3 years younger to 9 years older, both of marrying age."""
        rng = self.rng
        gap = rng.triangular(-3, 9, 2)
        husband_born = wife_born - timedelta(days=int(gap * 365.25))
        husband_born = min(husband_born, ON - timedelta(days=int(23 * 365.25)))
        husband = self.person(True, husband_born, "spouse", home=home)
        wife = self.person(False, wife_born, "spouse", home=wife_home or home)
        married = "remarried" if rng.random() < (0.12 if husband.age > 45 else 0.04) else None
        husband.marital = wife.marital = married or "first_marriage"
        return husband, wife

    def headed(self, husband: Person, wife: Person) -> list[Person]:
        """The couple, the head first: the older of the two, or now and then the younger."""
        older, younger = (husband, wife) if husband.born <= wife.born else (wife, husband)
        head, other = (older, younger) if self.rng.random() < 0.88 else (younger, older)
        head.relation, other.relation = "head", "spouse"
        return [head, other]

    def children(
        self, father: Person, mother: Person, count: int, relation: str = "child"
    ) -> list[Person]:
        """Up to ``count`` children born when the mother was 22–40, the first at 24–34 as a
        rule; a child older than 24 has left home half of the time."""
        rng = self.rng
        found: list[Person] = []
        born = _after(rng, mother.born, 22, 38, 30)
        for _ in range(count):
            born = max(born, father.born + timedelta(days=int(22.5 * 365.25)))  # a young father
            if born >= ON or age_on(mother.born, born) > 40:
                break
            surname = father.surname if rng.random() < 0.92 else mother.surname
            child = self.person(rng.random() < 0.51, born, relation, surname, father.hometown)
            child.floating = father.floating and mother.floating
            if not child.floating:
                child.hometown = BEIJING
            child.guardian, child.guardian_relation = (
                (mother, "mother") if rng.random() < 0.5 else (father, "father")
            )
            if child.age <= 24 or rng.random() < 0.5:
                found.append(child)
            born = born + timedelta(days=int(rng.triangular(2, 9, 4) * 365.25))
        return found

    def parents_of(self, child: Person, both: bool) -> list[Person]:
        """The parents of an adult ``child``, living with them: 24–36 years older."""
        rng = self.rng
        mother_born = child.born - timedelta(days=int(rng.triangular(24, 36, 28) * 365.25))
        father, mother = self.couple(mother_born, child.hometown)
        father.surname = child.surname
        father.relation = mother.relation = "parent"
        if (both and father.age < 92) or mother.age < 62:
            return [father, mother]
        widowed = mother if rng.random() < 0.72 else father
        widowed.marital = "widowed"
        return [widowed]

    # --- households --------------------------------------------------------------------------

    KINDS_URBAN = (
        ("single_young", 13),
        ("single_middle", 6),
        ("single_old", 6),
        ("young_couple", 10),
        ("nuclear", 30),
        ("three_generations", 8),
        ("old_couple", 9),
        ("old_with_child", 10),
        ("old_with_family", 4),
        ("single_parent", 3),
        ("shared_rental", 2),
    )
    KINDS_RURAL = (
        ("single_young", 8),
        ("single_middle", 3),
        ("single_old", 5),
        ("young_couple", 8),
        ("nuclear", 27),
        ("three_generations", 14),
        ("old_couple", 9),
        ("old_with_child", 7),
        ("old_with_family", 7),
        ("single_parent", 2),
        ("shared_rental", 6),
    )

    def family(self) -> Family:
        rng = self.rng
        kinds = self.KINDS_RURAL if self.rural else self.KINDS_URBAN
        kind = rng.choices([k for k, _w in kinds], [w for _k, w in kinds])[0]
        family = getattr(self, f"_{kind}")()
        family.kind = kind
        for member in family.members:
            self.describe(member)
            self.guard(member, family.members)
        head = family.members[0]
        earliest = max(head.born + timedelta(days=int(20 * 365.25)), date(1985, 1, 1))
        if family.moved_in_on is None:
            span = max((ON - earliest).days, 30)
            family.moved_in_on = min(
                earliest + timedelta(days=rng.randrange(span)), ON - timedelta(days=1)
            )
        return family

    def _single_young(self) -> Family:
        rng = self.rng
        home = self.hometown() if rng.random() < 0.65 else BEIJING
        head = self.person(rng.random() < 0.55, _born(rng, 20, 39, 27), "head", home=home)
        head.marital = "unmarried" if head.age < 32 or rng.random() < 0.7 else "divorced"
        self.away(head, 0.12)
        return self._rented(Family("", [head]), head.floating)

    def _single_middle(self) -> Family:
        rng = self.rng
        home = self.hometown() if rng.random() < 0.3 else BEIJING
        head = self.person(rng.random() < 0.5, _born(rng, 40, 59), "head", home=home)
        head.marital = rng.choices(["divorced", "unmarried", "widowed"], [6, 3, 1])[0]
        self.away(head, 0.08)
        return self._rented(Family("", [head]), head.floating and rng.random() < 0.8)

    def _single_old(self) -> Family:
        rng = self.rng
        head = self.person(rng.random() < 0.3, _born(rng, 62, 96, 78), "head")
        head.marital = rng.choices(["widowed", "divorced", "unmarried"], [85, 10, 5])[0]
        # 独居 and 空巢; where 独居老人 is not a tag of its own, 空巢 stands for living alone
        self.tag(head, "living_alone", "empty_nest")
        return Family("", [head], tenure="owned")

    def _young_couple(self) -> Family:
        rng = self.rng
        home = self.hometown() if rng.random() < 0.4 else BEIJING
        husband, wife = self.couple(_born(rng, 23, 36, 29), home)
        family = Family("", self.headed(husband, wife))
        return self._rented(family, home is not BEIJING)

    def _nuclear(self) -> Family:
        """A couple and one or two children: floating as a family, or a registered husband
        with a wife whose 户口 is still in her home town."""
        rng = self.rng
        draw = rng.random()
        home = self.hometown() if draw < 0.2 else BEIJING
        wife_home = self.hometown() if 0.2 <= draw < 0.3 else None
        husband, wife = self.couple(_born(rng, 26, 56, 43), home, wife_home)
        count = rng.choices([1, 2, 3], [70, 28, 2])[0]
        members = [*self.headed(husband, wife), *self.children(husband, wife, count)]
        self.away(husband, 0.05)
        return self._rented(Family("", members), home is not BEIJING)

    def _three_generations(self) -> Family:
        """A couple, their children and the parents of the head (or the couple's parents
        living in: the head is then the grandfather, the couple listed as child and other)."""
        rng = self.rng
        husband, wife = self.couple(_born(rng, 28, 46, 35), BEIJING)
        children = self.children(husband, wife, rng.choices([1, 2], [70, 30])[0])
        couple = self.headed(husband, wife)
        if self.rural and rng.random() < 0.35:
            return self._left_behind(husband, wife, children)
        parents = self.parents_of(couple[0], both=rng.random() < 0.55)
        return Family("", [*couple, *children, *parents])

    def _left_behind(self, father: Person, mother: Person, children: list[Person]) -> Family:
        """Rural: both parents work away (流出), the grandparents bring up the children."""
        rng = self.rng
        grandparents = self.parents_of(father, both=True)
        grandparents[0].relation = "head"
        if len(grandparents) > 1:
            grandparents[1].relation = "spouse"
        father.relation, mother.relation = "child", "other"
        since = ON - timedelta(days=rng.randrange(200, 2500))
        where = rng.choice(OUT_TO[:6])
        father.away = mother.away = (where, since)
        for child in children:
            child.relation = "other"
            if child.age < 16:
                child.guardian, child.guardian_relation = grandparents[-1], "grandparent"
                self.tag(child, "left_behind_child")
        return Family("", [*grandparents, father, mother, *children])

    def _old_couple(self) -> Family:
        rng = self.rng
        husband, wife = self.couple(_born(rng, 54, 88, 64), BEIJING)
        members = self.headed(husband, wife)
        if rng.random() < 0.6 and "living_alone" in self.tags:  # 空巢: children elsewhere
            for member in members:
                self.tag(member, "empty_nest")
        return Family("", members)

    def _old_with_child(self) -> Family:
        """An older couple (or a widowed parent) with a grown-up child still at home, who is
        now and then away for work or study (流出)."""
        rng = self.rng
        husband, wife = self.couple(_born(rng, 47, 74, 55), BEIJING)
        members = self.headed(husband, wife)
        if rng.random() < 0.2:
            gone = husband if rng.random() < 0.6 else wife
            members.remove(gone)
            left = members[0]
            left.relation = "head"
            left.marital = "widowed" if left.age >= 58 or rng.random() < 0.3 else "divorced"
        children = self.children(husband, wife, 1)
        for child in children:
            self.away(child, 0.3)
        return Family("", members + children)

    def _old_with_family(self) -> Family:
        """Grandparents head the household; their married son, his wife (other) and the
        grandchildren (other) live with them."""
        rng = self.rng
        husband, wife = self.couple(_born(rng, 52, 78, 60), BEIJING)
        members = self.headed(husband, wife)
        sons = [c for c in self.children(husband, wife, 1) if c.age >= 23]
        if not sons:
            return Family("", members)
        son = sons[0]
        son.male, son.surname = True, husband.surname
        son.given = given_name(rng, True, son.born)
        son.guardian, son.guardian_relation = None, ""
        daughter_in_law_born = son.born + timedelta(days=int(rng.triangular(-2, 6, 2) * 365.25))
        if age_on(daughter_in_law_born, ON) < 22:
            return Family("", [*members, son])
        _s, daughter_in_law = self.couple(daughter_in_law_born, BEIJING)
        son.marital = daughter_in_law.marital
        daughter_in_law.relation = "other"
        grandchildren = self.children(son, daughter_in_law, rng.choices([1, 2], [75, 25])[0])
        for child in grandchildren:
            child.relation = "other"
        return Family("", [*members, son, daughter_in_law, *grandchildren])

    def _single_parent(self) -> Family:
        rng = self.rng
        husband, wife = self.couple(_born(rng, 30, 52, 40), BEIJING)
        children = self.children(husband, wife, 1)
        parent = wife if rng.random() < 0.75 else husband
        parent.relation = "head"
        parent.marital = "divorced" if rng.random() < 0.9 else "widowed"
        for child in children:
            child.guardian = parent
            child.guardian_relation = "mother" if parent is wife else "father"
        return Family("", [parent, *children])

    def _shared_rental(self) -> Family:
        """Young workers from elsewhere sharing a flat: a 群租 from four of them."""
        rng = self.rng
        count = rng.choice((2, 3, 4, 5))
        male = rng.random() < 0.6
        members = []
        for number in range(count):
            member = self.person(male, _born(rng, 19, 38, 25), "other", home=self.hometown())
            member.marital = "unmarried"
            if number == 0:
                member.relation = "head"
            members.append(member)
        family = Family("", members, tenure="rented", group_rental=count >= 4)
        family.moved_in_on = ON - timedelta(days=rng.randrange(20, 900))
        return family

    def away(self, p: Person, share: float) -> None:
        """Now and then a registered adult lives elsewhere for work or study (流出)."""
        if not p.floating and p.age >= 18 and self.rng.random() < share:
            since = ON - timedelta(days=self.rng.randrange(60, 3000))
            p.away = (self.rng.choice(OUT_TO), max(since, p.born + timedelta(days=18 * 366)))

    def _rented(self, family: Family, likely: bool) -> Family:
        """Floating households rent (most of them), registered ones own (most of them)."""
        rng = self.rng
        if rng.random() < (0.85 if likely else 0.12):
            family.tenure = "rented"
            family.moved_in_on = ON - timedelta(days=rng.randrange(20, 2200))
        return family

    # --- what everyone is --------------------------------------------------------------------

    def describe(self, p: Person) -> None:
        """Marital status, employment and political status as they go with age."""
        rng, age = self.rng, p.age
        if p.marital is None:
            p.marital = "unmarried"
        p.employment = self._employment(p, age)
        if age < 14:
            p.political = None
        elif age <= 28 and (p.employment == "student" or rng.random() < 0.35):
            p.political = "cyl_member" if rng.random() < 0.85 else "masses"
        else:
            share = 0.14 if age >= 50 and not p.floating else 0.07
            draw = rng.random()
            p.political = (
                "cpc_member"
                if draw < share
                else "cpc_probationary"
                if draw < share + 0.004
                else "democratic_party"
                if draw < share + 0.01
                else "masses"
            )
        if rng.random() < (0.04 if age >= 60 else 0.012):
            self.tag(p, "disabled")
        if not p.floating and rng.random() < 0.01:
            self.tag(p, "dibao")
        if p.male and age >= 35 and rng.random() < 0.04:
            self.tag(p, "veteran")

    def guard(self, p: Person, members: list[Person]) -> None:
        """A minor's guardian is a member of the household (a parent where one lives here);
        an adult has none."""
        if p.age >= 18:
            p.guardian, p.guardian_relation = None, ""
            return
        if p.guardian in members:
            return
        head = members[0]
        p.guardian = head
        if p.relation == "child":
            p.guardian_relation = "father" if head.male else "mother"
        elif p.relation == "other" and head.age - p.age >= 40:
            p.guardian_relation = "grandparent"
        else:
            p.guardian_relation = "other"

    def _employment(self, p: Person, age: int) -> str:
        rng = self.rng
        if age < 6:
            return "preschool"
        if age < 18:
            return "student"
        if age < 23:
            return rng.choices(["student", "employed", "none"], [60, 35, 5])[0]
        retires = 60 if p.male else (50 if rng.random() < 0.5 else 55)
        if age >= retires:
            if p.floating or (self.rural and rng.random() < 0.25):
                return "none" if age >= 65 or rng.random() < 0.5 else "employed"
            return "retired" if age >= 62 or rng.random() < 0.85 else "employed"
        if age < 26 and rng.random() < 0.06:
            return "student"
        weights = [88, 3, 9] if p.male else [80, 3, 17]
        return rng.choices(["employed", "unemployed", "none"], weights)[0]


def families(rng: random.Random, count: int, rural: bool, tags: frozenset[str]) -> list[Family]:
    """``count`` households of one community, tagged with those of ``tags`` that apply."""
    maker = _Maker(rng, rural, tags)
    return [maker.family() for _ in range(count)]
