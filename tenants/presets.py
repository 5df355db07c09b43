"""Module presets: named sets of modules with default settings (标准城市社区, 农村社区 …).

A district keeps its own presets; district admins (``modules.manage`` at the district) manage
them and apply them in the onboarding wizard or to many communities at once. A preset's settings
are *defaults*: applying it sets them where it switches a module on, and leaves the settings of a
module that a community already runs alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column

from core import audit
from core.db import Base, TimestampMixin, utcnow
from core.errors import DomainError
from core.permissions import Scope
from core.tree import NODE_TABLE
from tenants import modules
from tenants.models import Node, NodeKind

NAME_MAX = 60
DESCRIPTION_MAX = 200


class ModulePreset(TimestampMixin, Base):
    """A district's named set of modules; ``modules`` maps module name → default settings."""

    __tablename__ = "tenants_module_preset"

    id: Mapped[int] = mapped_column(primary_key=True)
    district_id: Mapped[int] = mapped_column(sa.ForeignKey(f"{NODE_TABLE}.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    description: Mapped[str] = mapped_column(sa.String(DESCRIPTION_MAX), default="")
    modules: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    deleted_at: Mapped[datetime | None]

    @property
    def module_names(self) -> list[str]:
        return sorted(self.modules or {})

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "modules": {name: dict(settings) for name, settings in sorted(self.modules.items())},
        }


def district_of(session: Session, node: Node) -> Node:
    return node if node.kind == NodeKind.DISTRICT else session.get(Node, node.district_id)


def presets_query(district_id: int) -> sa.Select:
    return (
        sa.select(ModulePreset)
        .where(ModulePreset.district_id == district_id, ModulePreset.deleted_at.is_(None))
        .order_by(ModulePreset.name)
    )


def get_preset(
    session: Session, scope: Scope, preset_id: int, *, to_apply: bool = False
) -> ModulePreset:
    """A live preset the user may manage (``modules.manage`` at its district) or, ``to_apply``,
    use (``modules.manage`` anywhere in the district, e.g. a street admin); else 404."""
    from werkzeug.exceptions import NotFound

    preset = session.get(ModulePreset, preset_id)
    if preset is None or preset.deleted_at is not None:
        raise NotFound()
    district = session.get(Node, preset.district_id)
    if district is None:
        raise NotFound()
    allowed = scope.allows("modules.manage", district.path) or (
        to_apply and any(n.path.startswith(district.path) for n in scope.nodes("modules.manage"))
    )
    if not allowed:
        raise NotFound()
    return preset


def _invalid(field_name: str, message: str) -> DomainError:
    return DomainError(message, {field_name: [message]})


def clean_modules(chosen: dict[str, dict[str, Any] | None]) -> dict[str, dict[str, Any]]:
    """Validate module names and settings; add what the chosen modules depend on."""
    system = modules.plugin_system()
    clean: dict[str, dict[str, Any]] = {}
    for name, settings in chosen.items():
        if not system.is_active(name):
            raise _invalid("modules", _("There is no module named %(name)s.", name=name))
        try:
            clean[name] = modules.validated_settings(name, settings or {})
        except DomainError as exc:
            # Name the module in the message: the preset form shows several settings forms.
            raise DomainError(
                _(
                    "%(module)s: %(message)s",
                    module=modules.module_label(name),
                    message=exc.message,
                ),
                {f"{name}.{k}": v for k, v in exc.fields.items()} or {"modules": [exc.message]},
            ) from exc
    for name in list(clean):
        for dependency in modules.dependencies(name):
            clean.setdefault(dependency, modules.validated_settings(dependency, {}))
    return clean


def _clean_text(name: str, description: str) -> tuple[str, str]:
    name = (name or "").strip()
    description = (description or "").strip()
    if not name:
        raise _invalid("name", _("Give the preset a name."))
    if len(name) > NAME_MAX:
        raise _invalid("name", _("At most %(n)s characters.", n=NAME_MAX))
    if len(description) > DESCRIPTION_MAX:
        raise _invalid("description", _("At most %(n)s characters.", n=DESCRIPTION_MAX))
    return name, description


def _check_unique(session: Session, district_id: int, name: str, exclude: int | None) -> None:
    stmt = sa.select(ModulePreset.id).where(
        ModulePreset.district_id == district_id,
        ModulePreset.deleted_at.is_(None),
        ModulePreset.name == name,
    )
    if exclude is not None:
        stmt = stmt.where(ModulePreset.id != exclude)
    if session.scalar(stmt):
        raise _invalid("name", _("There is already a preset named %(name)s.", name=name))


def create_preset(
    session: Session,
    district: Node,
    *,
    name: str,
    description: str = "",
    chosen: dict[str, dict[str, Any] | None],
) -> ModulePreset:
    if district.kind != NodeKind.DISTRICT:
        raise DomainError(_("Presets belong to a district."))
    name, description = _clean_text(name, description)
    _check_unique(session, district.id, name, None)
    preset = ModulePreset(
        district_id=district.id, name=name, description=description, modules=clean_modules(chosen)
    )
    session.add(preset)
    session.flush()
    audit.record(
        "preset.create",
        node=district.as_ref(),
        object_type="preset",
        object_id=preset.id,
        summary=_l("Created the module preset %(name)s", name=name),
        details=preset.as_dict(),
    )
    return preset


def update_preset(
    session: Session,
    preset: ModulePreset,
    *,
    name: str,
    description: str = "",
    chosen: dict[str, dict[str, Any] | None],
) -> ModulePreset:
    name, description = _clean_text(name, description)
    _check_unique(session, preset.district_id, name, preset.id)
    old = preset.as_dict()
    preset.name, preset.description, preset.modules = name, description, clean_modules(chosen)
    new = preset.as_dict()
    changes = {k: [old[k], new[k]] for k in new if old[k] != new[k]}
    if changes:
        audit.record(
            "preset.update",
            node=session.get(Node, preset.district_id).as_ref(),
            object_type="preset",
            object_id=preset.id,
            summary=_l("Changed the module preset %(name)s", name=name),
            details=changes,
        )
    return preset


def delete_preset(session: Session, preset: ModulePreset) -> None:
    """Soft delete: communities that used the preset keep their modules."""
    preset.deleted_at = utcnow()
    audit.record(
        "preset.delete",
        node=session.get(Node, preset.district_id).as_ref(),
        object_type="preset",
        object_id=preset.id,
        summary=_l("Deleted the module preset %(name)s", name=preset.name),
    )


@dataclass
class ApplyResult:
    communities: int = 0
    switched_on: list[tuple[str, str]] = field(default_factory=list)  # (community ref, module)
    switched_off: list[tuple[str, str]] = field(default_factory=list)


def apply_modules(
    session: Session,
    community: Node,
    chosen: dict[str, dict[str, Any]],
    *,
    exclusive: bool = False,
    result: ApplyResult | None = None,
) -> ApplyResult:
    """Switch ``chosen`` modules on at one community, each with its default settings where it
    is newly switched on; with ``exclusive``, switch off the active modules not chosen."""
    result = result or ApplyResult()
    result.communities += 1
    running = modules.enabled_modules(session, community.id)
    for name in modules.dependency_order(list(chosen)):
        if name not in running:
            modules.enable(session, community, name, settings=chosen.get(name) or {})
            result.switched_on.append((community.ref, name))
    if exclusive:
        extra = [m for m in running if m not in chosen]
        for name in reversed(modules.dependency_order(extra)):
            modules.disable(session, community, name)
            result.switched_off.append((community.ref, name))
    return result


def apply_preset(
    session: Session, scope: Scope, preset: ModulePreset, targets: list[Node], *, exclusive: bool
) -> ApplyResult:
    """Apply ``preset`` to every community under ``targets`` — each in the actor's
    ``modules.manage`` scope and in the preset's district — in one transaction."""
    if not targets:
        raise _invalid("targets", _("Name at least one community, street or district."))
    communities: dict[int, Node] = {}
    for target in targets:
        if target.district_id != preset.district_id or not scope.allows(
            "modules.manage", target.path
        ):
            raise _invalid(
                "targets",
                _("No place with code %(code)s in your part of the tree.", code=target.ref),
            )
        if target.is_archived:
            raise _invalid("targets", _("%(name)s is archived.", name=target.name))
        for community in modules.communities_under(session, target):
            communities[community.id] = community
    chosen = {n: s for n, s in preset.modules.items() if modules.plugin_system().is_active(n)}
    result = ApplyResult()
    for community in communities.values():
        apply_modules(session, community, chosen, exclusive=exclusive, result=result)
    audit.record(
        "preset.apply",
        node=session.get(Node, preset.district_id).as_ref(),
        object_type="preset",
        object_id=preset.id,
        summary=_l(
            "Applied the module preset %(name)s to %(count)s communities",
            name=preset.name,
            count=result.communities,
        ),
        details={
            "targets": [t.ref for t in targets],
            "exclusive": exclusive,
            "switched_on": result.switched_on,
            "switched_off": result.switched_off,
        },
    )
    return result
