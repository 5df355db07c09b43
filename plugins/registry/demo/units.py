"""The demo's units: the shops, restaurants, offices and schools a community has, sized as
such places are.

Each kind of place has its registry kind, its industry (a key of FIELDS' list), a headcount
and a yearly output (万元) in the range such a place has, how often it fronts the street, and
the first two characters of its credit code (91 a company, 92 an 个体工商户, 12 a public
institution, 51 a social organisation, N2 a village's collective). A 便利店 has 3–10 staff and
at most 500万元; only a company of 2,000万元 or more is 规上. Chain stores, building sites and
petrol stations are branches, with their head office in another street. Chemicals (液氨 cold
store, liquefied-gas depot, petrol station) and fireworks are found only in a rural community.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .people import person_name

BRANDS = "华信瑞丰安达盛世恒通鑫源嘉禾金桥宏远天成博雅永兴德润和顺佳美福来"
DISHES = ("家常菜馆", "老北京炸酱面馆", "川菜馆", "饺子馆", "涮肉馆", "烤鸭店", "湘菜馆", "麻辣烫")


@dataclass(frozen=True)
class Trade:
    """A kind of place: ``name`` takes {brand}, {place} and {dish} (``|`` between ways of
    naming one)."""

    name: str
    kind: str
    industry: str
    staff: tuple[int, int]
    output: tuple[int, int] | None  # 万元 a year; None: not a business
    street_front: float = 0.0
    credit: str = "91"
    branch: bool = False

    @property
    def once(self) -> bool:
        """A place named after its community alone (its school, its clinic) is there once."""
        return "{brand}" not in self.name and "{dish}" not in self.name


CONVENIENCE = Trade("{brand}便利店（{place}店）", "shop", "retail", (3, 10), (80, 500), 1.0)
SUPERMARKET = Trade(
    "北京{brand}超市有限公司{place}店", "shop", "retail", (18, 60), (600, 1900), 1.0, branch=True
)
RESTAURANT = Trade("{place}{dish}|{brand}{dish}", "shop", "catering", (5, 25), (60, 800), 1.0)
BREAKFAST = Trade("{brand}早点铺", "individual", "catering", (2, 5), (15, 80), 1.0, "92")
HAIRDRESSER = Trade(
    "{brand}美发店", "individual", "resident_services", (2, 8), (15, 120), 1.0, "92"
)
PHARMACY = Trade(
    "北京{brand}大药房{place}店", "shop", "retail", (3, 8), (120, 600), 1.0, branch=True
)
GROCER = Trade("{brand}果蔬店", "individual", "retail", (2, 4), (20, 150), 1.0, "92")
LAUNDRY = Trade("{brand}洗衣店", "individual", "resident_services", (2, 5), (10, 60), 1.0, "92")
HARDWARE = Trade("{brand}五金店", "individual", "retail", (2, 4), (20, 160), 1.0, "92")
COURIER = Trade("{brand}快递驿站", "shop", "logistics", (3, 9), (30, 200), 0.8)
HOTEL = Trade("{brand}快捷酒店（{place}店）", "enterprise", "lodging", (12, 40), (300, 1500), 1.0)
NETCAFE = Trade("{brand}网咖", "entertainment", "culture", (3, 10), (50, 300), 0.8)
KARAOKE = Trade("{brand}KTV", "entertainment", "culture", (10, 30), (200, 900), 0.6)
PROPERTY = Trade("北京{brand}物业管理有限公司", "property", "property", (30, 120), (600, 3000))
SOFTWARE = Trade("北京{brand}科技有限公司", "enterprise", "it", (15, 400), (300, 30000))
TRADING = Trade("北京{brand}商贸有限公司", "enterprise", "retail", (5, 40), (200, 8000))
MEDIA = Trade("北京{brand}文化传媒有限公司", "enterprise", "culture", (5, 60), (100, 3000))
CONSULTING = Trade(
    "北京{brand}企业管理咨询有限公司", "enterprise", "business_services", (5, 80), (100, 5000)
)
CATERING_CO = Trade(
    "北京{brand}餐饮管理有限公司", "enterprise", "catering", (30, 150), (1500, 6000)
)
SITE = Trade(
    "北京{brand}建设集团有限公司{place}项目部",
    "enterprise",
    "construction",
    (40, 200),
    (3000, 20000),
    branch=True,
)
RENOVATION = Trade(
    "北京{brand}建筑工程有限公司{place}老旧小区综合整治项目部",
    "enterprise",
    "construction",
    (30, 120),
    (2000, 9000),
    branch=True,
)
KINDERGARTEN = Trade("北京市朝阳区{place}幼儿园", "school", "education", (25, 60), None, 0.0, "12")
PRIMARY = Trade("北京市朝阳区{place}小学", "school", "education", (50, 120), None, 0.0, "12")
CLINIC = Trade("{place}社区卫生服务站", "institution", "health", (8, 20), None, 0.5, "12")
ELDERS = Trade("{place}老年协会", "social_org", "public", (2, 8), None, 0.0, "51")
CAR_REPAIR = Trade("{brand}汽车修理厂", "shop", "resident_services", (4, 15), (60, 500), 1.0)
# rural only
COLD_STORE = Trade("北京{brand}冷链物流有限公司", "enterprise", "logistics", (30, 90), (1500, 9000))
LPG_DEPOT = Trade("北京{brand}液化石油气供应站", "enterprise", "chemicals", (8, 20), (300, 1500))
PETROL = Trade(
    "中国{brand}石油销售有限公司{place}加油站",
    "enterprise",
    "chemicals",
    (8, 16),
    (1500, 5000),
    0.5,
    branch=True,
)
FIREWORKS = Trade("{place}烟花爆竹临时销售点", "individual", "retail", (2, 4), (10, 40), 1.0, "92")
FURNITURE = Trade(
    "北京{brand}家具制造有限公司", "enterprise", "manufacturing", (20, 80), (300, 3500)
)
BUILDING_MATERIALS = Trade(
    "北京{brand}建材市场有限公司", "enterprise", "logistics", (15, 60), (500, 4000)
)
RECYCLING = Trade("{brand}废品回收站", "individual", "retail", (2, 6), (20, 150), 0.3, "92")
COLLECTIVE = Trade(
    "{place}股份经济合作社", "other", "business_services", (5, 15), (200, 1200), 0.0, "N2"
)

URBAN_CORE = (CONVENIENCE, SUPERMARKET, RESTAURANT, RESTAURANT, HAIRDRESSER, PHARMACY,
              COURIER, PROPERTY, SOFTWARE, TRADING, CLINIC, HARDWARE)  # fmt: skip
URBAN_MORE = (
    (CONVENIENCE, 6), (RESTAURANT, 8), (BREAKFAST, 5), (HAIRDRESSER, 3), (GROCER, 4),
    (LAUNDRY, 3), (HOTEL, 2), (NETCAFE, 1), (KARAOKE, 1), (SOFTWARE, 4), (TRADING, 3),
    (MEDIA, 2), (CONSULTING, 3), (CATERING_CO, 1), (SITE, 1), (KINDERGARTEN, 1),
    (PRIMARY, 1), (ELDERS, 1), (CAR_REPAIR, 1), (COURIER, 1), (HARDWARE, 1),
)  # fmt: skip
RURAL_CORE = (COLD_STORE, LPG_DEPOT, PETROL, FIREWORKS, FURNITURE, BUILDING_MATERIALS,
              COLLECTIVE, SUPERMARKET, RESTAURANT, CONVENIENCE, HARDWARE, RECYCLING,
              CAR_REPAIR, KINDERGARTEN, CLINIC)  # fmt: skip
RURAL_MORE = ((RESTAURANT, 4), (BREAKFAST, 3), (GROCER, 3), (CONVENIENCE, 2), (FURNITURE, 1),
              (CAR_REPAIR, 1), (SITE, 1), (COURIER, 1))  # fmt: skip
# Status besides 在营: a few 停业 and one 歇业 per community at most; a fireworks point sells
# only around the Spring Festival and is 停业 the rest of the year.
SEASONAL = (FIREWORKS,)


@dataclass
class Unit:
    name: str
    trade: Trade
    headcount: int
    output: int | None
    street_front: bool
    status: str
    legal_representative: str
    contact_name: str

    @property
    def size_class(self) -> str:
        """规上 only for a company of 2,000万元 a year or more."""
        big = self.output is not None and self.output >= 2000
        company = self.trade.kind in ("enterprise", "property") and not self.trade.branch
        return "above" if big and company else "below"


def units(rng: random.Random, place: str, count: int, rural: bool) -> list[Unit]:
    """About ``count`` units of a community whose short name is ``place`` (永安里东): the
    everyday ones always, then more drawn by how common each kind of place is."""
    core, more = (RURAL_CORE, RURAL_MORE) if rural else (URBAN_CORE, URBAN_MORE)
    trades = list(core)
    if not rural and rng.random() < 0.5:  # 老旧小区改造: half of the old urban communities
        trades.append(RENOVATION)
    weights = [w for _t, w in more]
    while len(trades) < count:
        trade = rng.choices([t for t, _w in more], weights)[0]
        if not (trade.once and trade in trades):
            trades.append(trade)
    found: list[Unit] = []
    names: set[str] = set()
    closed = 0
    for trade in trades:
        name = _name(rng, trade, place, names)
        low, high = trade.staff
        headcount = round(rng.triangular(low, high, low + (high - low) / 4))
        output = None
        if trade.output is not None:
            # output goes with staff: a bigger place of its kind makes more
            share = (headcount - low) / max(high - low, 1)
            o_low, o_high = trade.output
            output = round(o_low + (o_high - o_low) * min(1.0, share * rng.uniform(0.7, 1.3)))
        status = "operating"
        if trade in SEASONAL or (trade.kind in ("shop", "individual") and rng.random() < 0.06):
            status = "suspended"
        elif trade.kind in ("shop", "individual") and not closed and rng.random() < 0.05:
            status, closed = "closed", 1
        found.append(
            Unit(
                name=name,
                trade=trade,
                headcount=headcount,
                output=output,
                street_front=rng.random() < trade.street_front,
                status=status,
                legal_representative=person_name(rng, born_year=rng.randrange(1960, 1995)),
                contact_name=person_name(rng, born_year=rng.randrange(1970, 2000)),
            )
        )
    return found


def _name(rng: random.Random, trade: Trade, place: str, taken: set[str]) -> str:
    for _ in range(20):
        brand = "".join(rng.sample(BRANDS, 2))
        pattern = rng.choice(trade.name.split("|"))
        name = pattern.format(brand=brand, place=place, dish=rng.choice(DISHES))
        if name not in taken:
            break
    else:
        name = f"{name}（{len(taken) + 1}号）"
    taken.add(name)
    return name
