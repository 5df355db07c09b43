"""The demo district 110105 (朝阳区): streets, communities with grids, and buildings.

Deterministic and idempotent: running it again updates names and adds what is missing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tenants import services
from tenants.models import Node, NodeKind

DEMO_DISTRICT = ("110105", "朝阳区")
DEMO_STREETS: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("110105001", "建外街道"): [
        ("110105001001", "永安里东社区"),
        ("110105001002", "建国里社区"),
        ("110105001003", "光华里社区"),
        ("110105001004", "北郎东社区"),
    ],
    ("110105002", "朝外街道"): [
        ("110105002001", "吉祥里社区"),
        ("110105002002", "雅宝里社区"),
        ("110105002003", "芳草地社区"),
    ],
    ("110105003", "呼家楼街道"): [
        ("110105003001", "呼家楼北社区"),
        ("110105003002", "金台里社区"),
        ("110105003003", "核桃园社区"),
    ],
    # 朝阳's rural belt beyond the Fifth Ring Road: a village (村委会 codes run from 2xx)
    ("110105040", "黑庄户地区"): [("110105040201", "郎各庄村")],
}
RURAL_COMMUNITY = "110105040201"  # gets the 农村社区 preset (registry setting ``rural`` on)
BUILDINGS_PER_COMMUNITY = 12
GRIDS_PER_COMMUNITY = 3


def _ensure(
    session: Session,
    parent: Node | None,
    kind: NodeKind,
    code: str,
    name: str,
    community_code: str | None = None,
) -> Node:
    from tenants.codes import make_ref

    existing = services.find_by_ref(session, make_ref(kind, code, community_code))
    if existing is not None:
        existing.name = name
        return existing
    return services.create_node(session, parent=parent, kind=kind.value, code=code, name=name)


def seed_tree(session: Session, _options: dict[str, Any]) -> Node:
    district = _ensure(session, None, NodeKind.DISTRICT, *DEMO_DISTRICT)
    for (street_code, street_name), communities in DEMO_STREETS.items():
        street = _ensure(session, district, NodeKind.STREET, street_code, street_name)
        for community_code, community_name in communities:
            community = _ensure(session, street, NodeKind.COMMUNITY, community_code, community_name)
            grids = [
                _ensure(
                    session,
                    community,
                    NodeKind.GRID,
                    str(g),
                    f"第{'一二三四五'[g - 1]}网格",
                    community_code,
                )
                for g in range(1, GRIDS_PER_COMMUNITY + 1)
            ]
            for number in range(1, BUILDINGS_PER_COMMUNITY + 1):
                grid = grids[(number - 1) * GRIDS_PER_COMMUNITY // BUILDINGS_PER_COMMUNITY]
                _ensure(
                    session,
                    grid,
                    NodeKind.BUILDING,
                    f"{number:02d}",
                    f"{number}号楼",
                    community_code,
                )
    session.flush()
    seed_presets(session, district)
    seed_rural(session, district)
    return district


# Demo presets: (name, description, the modules it takes if installed with their settings;
# None = every active module with its defaults).
DEMO_PRESETS: tuple[tuple[str, str, dict[str, dict[str, Any] | None] | None], ...] = (
    ("标准城市社区", "城市社区常用的全部业务模块", None),
    (
        "农村社区",
        "村改居及农村社区：基础台账、安全生产、计划生育",
        {"registry": {"rural": True}, "safety": None, "family_planning": None},
    ),
)
RURAL_PRESET = "农村社区"


def seed_presets(session: Session, district: Node) -> None:
    """The demo district's module presets, over the plugins installed here."""
    from tenants import modules, presets

    active = [p.name for p in modules.plugin_system().active()]
    for name, description, wanted in DEMO_PRESETS:
        chosen = {m: (wanted or {}).get(m) for m in active if wanted is None or m in wanted}
        existing = session.scalar(
            presets.presets_query(district.id).where(presets.ModulePreset.name == name)
        )
        if existing is None:
            presets.create_preset(
                session, district, name=name, description=description, chosen=chosen
            )
        elif set(existing.modules) != set(chosen):
            presets.update_preset(
                session, existing, name=name, description=description, chosen=chosen
            )


def seed_rural(session: Session, district: Node) -> None:
    """The demo's 农村社区 runs the modules of the rural preset, with its settings (once: a
    community that already runs them keeps its own)."""
    from tenants import modules, presets

    community = services.find_by_ref(session, RURAL_COMMUNITY)
    preset = session.scalar(
        presets.presets_query(district.id).where(presets.ModulePreset.name == RURAL_PRESET)
    )
    if community is None or preset is None or community.is_archived:
        return
    system = modules.plugin_system()
    chosen = {n: s for n, s in preset.modules.items() if system.is_active(n)}
    presets.apply_modules(session, community, chosen)
