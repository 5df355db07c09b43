"""The plugin system: discovery, manifests, isolation and hook calls.

Plugins come from the entry-point group ``jiedao.plugins`` (built-ins are declared in setup.cfg
the same way). Each entry point names a module (or object) that carries a ``manifest`` and pluggy
hook implementations. Loading refuses, with a reason, plugins whose name is taken twice, whose
core version range excludes this core, whose dependencies are missing or broken, or whose tables
lack the plugin's prefix. A plugin that raises in a hook is marked broken and unregistered; the
platform keeps serving the rest. Core's own components (``tenants``, ``core.accounts``) go through
the same manager but are trusted: their errors propagate.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

import core
from core import hookspecs
from core.db import Base

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "jiedao.plugins"
NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")

# Core's own parts, registered first and trusted (their errors are bugs, not plugin failures).
INTERNAL_COMPONENTS: tuple[str, ...] = (
    "tenants.component",
    "core.accounts.component",
    "core.changes.component",
    "core.volunteers.component",
)
# Areas of core itself that use the module machinery (permissions named ``<area>.…``, ledgers,
# indicators, exports) and are on in every community: always active, no switch to turn.
CORE_AREAS: frozenset[str] = frozenset({"volunteers"})


@dataclass(frozen=True)
class Manifest:
    """What a plugin says about itself (``manifest = Manifest(...)`` in its module)."""

    name: str
    label: Any  # a lazy translated string
    version: str
    core: str = ">=0.1"  # PEP 440 range of supported core versions
    requires: tuple[str, ...] = ()
    icon: str = "puzzle"
    description: Any = ""


@dataclass
class PluginInfo:
    name: str
    status: str  # "active", "broken" or "off" (not in JIEDAO_PLUGINS)
    reason: str = ""
    manifest: Manifest | None = None
    module: Any = None
    distribution: str = ""
    entry_point: str = ""

    @property
    def package_dir(self) -> Path | None:
        """The folder of a package plugin (its templates/, translations/, migrations/), found
        without running the package, so a plugin that fails to import keeps its migrations."""
        if not self.entry_point:
            return None
        try:
            spec = importlib.util.find_spec(self.entry_point.split(":")[0])
        except (ImportError, ValueError):
            return None
        if spec is None or not spec.submodule_search_locations:
            return None
        return Path(next(iter(spec.submodule_search_locations))).resolve()

    @property
    def active(self) -> bool:
        return self.status == "active"


def _owner_module(entry_point_value: str) -> ModuleType:
    """The module an entry point names (``pkg.mod`` of ``pkg.mod:obj``): a plugin owns the tables
    of the ORM classes defined in it (and, if it is a package, beneath it)."""
    return importlib.import_module(entry_point_value.split(":")[0])


def _tables_of(owners: list[ModuleType], imported: set[str]) -> set[str]:
    """Tables of ORM classes defined in the plugin's module or package (or in the model modules
    its ``jiedao_models`` returns), plus plain tables that appeared while it was imported."""
    mapped: dict[str, str] = {}
    for mapper in Base.registry.mappers:
        mapped[mapper.local_table.name] = mapper.class_.__module__

    def owned_by(module: str) -> bool:
        return any(
            module == o.__name__ or (hasattr(o, "__path__") and module.startswith(o.__name__ + "."))
            for o in owners
        )

    owned = {table for table, module in mapped.items() if owned_by(module)}
    return owned | {t for t in imported if t not in mapped}


# Tables that appeared in the metadata while each entry point was first imported (imports happen
# once per process; later app instances reuse the record).
_IMPORTED_TABLES: dict[str, set[str]] = {}


def _import(entry_point_value: str) -> tuple[Any, set[str]]:
    before = set(Base.metadata.tables)
    target = EntryPoint(name="", value=entry_point_value, group=ENTRY_POINT_GROUP).load()
    _IMPORTED_TABLES.setdefault(entry_point_value, set(Base.metadata.tables) - before)
    return target, _IMPORTED_TABLES[entry_point_value]


def _allow_list(value: str | None) -> set[str] | None:
    if value is None or not value.strip():
        return None
    return {part.strip() for part in value.split(",") if part.strip()}


@dataclass
class PluginSystem:
    """The pluggy manager with core's components and every loadable plugin, in dependency order."""

    manager: pluggy.PluginManager
    plugins: dict[str, PluginInfo] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # active plugins, dependencies first

    @classmethod
    def load(
        cls, allow: str | None = None, eps: Iterable[EntryPoint] | None = None
    ) -> PluginSystem:
        manager = pluggy.PluginManager(hookspecs.PROJECT)
        manager.add_hookspecs(hookspecs)
        for name in INTERNAL_COMPONENTS:
            manager.register(importlib.import_module(name), name=name)
        system = cls(manager)
        allowed = _allow_list(os.environ.get("JIEDAO_PLUGINS") if allow is None else allow)
        system._load_plugins(
            list(entry_points(group=ENTRY_POINT_GROUP)) if eps is None else list(eps), allowed
        )
        return system

    # --- loading -------------------------------------------------------------------------

    def _load_plugins(self, eps: list[EntryPoint], allowed: set[str] | None) -> None:
        by_name: dict[str, list[EntryPoint]] = {}
        for ep in eps:
            by_name.setdefault(ep.name, []).append(ep)
        candidates: dict[str, PluginInfo] = {}
        for name, found in sorted(by_name.items()):
            ep = found[0]
            dist = getattr(getattr(ep, "dist", None), "name", "") or ""
            info = PluginInfo(name, "active", distribution=dist, entry_point=ep.value)
            self.plugins[name] = info
            if len(found) > 1:
                sources = ", ".join(
                    sorted(getattr(getattr(e, "dist", None), "name", "?") or e.value for e in found)
                )
                self._refuse(info, f"the name {name!r} is provided more than once ({sources})")
            elif allowed is not None and name not in allowed:
                info.status, info.reason = "off", "not listed in JIEDAO_PLUGINS"
            elif not set(name) <= NAME_CHARS or not name[:1].isalpha():
                self._refuse(info, "plugin names are lower-case letters, digits and _")
            else:
                candidates[name] = info
        for name in sorted(candidates):
            self._load_one(candidates[name])

    def _load_one(self, info: PluginInfo) -> None:
        try:
            target, imported = _import(info.entry_point)
        except Exception as exc:  # any import failure isolates the plugin
            self._refuse(info, f"failed to import: {type(exc).__name__}: {exc}")
            return
        info.module = target
        manifest = getattr(target, "manifest", None)
        if not isinstance(manifest, Manifest):
            self._refuse(info, "has no manifest (core.plugins.Manifest)")
            return
        info.manifest = manifest
        if manifest.name != info.name:
            self._refuse(
                info, f"manifest name {manifest.name!r} differs from its entry point {info.name!r}"
            )
            return
        try:
            supported = SpecifierSet(manifest.core).contains(
                Version(core.__version__), prereleases=True
            )
        except InvalidSpecifier:
            self._refuse(info, f"its core version range {manifest.core!r} is not valid")
            return
        if not supported:
            self._refuse(info, f"supports core {manifest.core}, this is core {core.__version__}")
            return
        owners = [_owner_module(info.entry_point)]
        models_hook = getattr(target, "jiedao_models", None)
        if callable(models_hook):
            try:
                # A plugin may import its models lazily: the modules it names are its own.
                owners += [m for m in (models_hook() or []) if isinstance(m, ModuleType)]
            except Exception as exc:
                self._refuse(info, f"raised in jiedao_models: {type(exc).__name__}: {exc}")
                return
        tables = _tables_of(owners, imported)
        unprefixed = sorted(t for t in tables if not t.startswith(f"{info.name}_"))
        if unprefixed:
            for table in unprefixed:
                if table in Base.metadata.tables:
                    Base.metadata.remove(Base.metadata.tables[table])
            self._refuse(
                info, f"defines tables without the prefix {info.name}_: {', '.join(unprefixed)}"
            )
            return

    def finish(self) -> None:
        """Check dependencies (after every manifest is known) and register in dependency order."""
        pending = {n: i for n, i in self.plugins.items() if i.status == "active"}
        changed = True
        while changed:
            changed = False
            for name, info in list(pending.items()):
                for dep in info.manifest.requires:
                    dep_info = self.plugins.get(dep)
                    problem = None
                    if dep_info is None:
                        problem = f"requires {dep}, which is not installed"
                    elif dep_info.status == "off":
                        problem = f"requires {dep}, which is not listed in JIEDAO_PLUGINS"
                    elif dep_info.status == "broken":
                        problem = f"requires {dep}, which is broken"
                    if problem:
                        self._refuse(info, problem)
                        pending.pop(name)
                        changed = True
                        break
        self.order = []
        visiting: set[str] = set()

        def visit(name: str, trail: tuple[str, ...]) -> bool:
            if name in self.order:
                return True
            if name in visiting:
                self._refuse(self.plugins[name], "dependency cycle: " + " → ".join((*trail, name)))
                return False
            visiting.add(name)
            ok = all(visit(dep, (*trail, name)) for dep in self.plugins[name].manifest.requires)
            visiting.discard(name)
            if ok and self.plugins[name].status == "active":
                self.order.append(name)
            elif ok:
                return False
            return ok

        for name in sorted(pending):
            if self.plugins[name].status == "active":
                visit(name, ())
        for name in self.order:
            info = self.plugins[name]
            add_specs = getattr(info.module, "jiedao_hookspecs", None)
            try:
                if add_specs is not None:
                    self.manager.add_hookspecs(add_specs)
                self.manager.register(info.module, name=name)
            except Exception as exc:  # a bad hookimpl signature is the plugin's fault
                self._refuse(info, f"cannot be registered: {exc}")
        self.order = [n for n in self.order if self.plugins[n].active]

    def _refuse(self, info: PluginInfo, reason: str) -> None:
        info.status, info.reason = "broken", reason
        log.error("plugin %s is broken: %s", info.name, reason)
        if info.module is not None and self.manager.is_registered(info.module):
            self.manager.unregister(info.module)

    def mark_broken(self, name: str, reason: str) -> None:
        """A plugin failed at run time: unregister it; its routes refuse from now on."""
        info = self.plugins.get(name)
        if info is not None and info.active:
            self._refuse(info, reason)
            self.order = [n for n in self.order if n != name]

    # --- calling hooks -------------------------------------------------------------------

    def call(
        self, hook_name: str, *, per_plugin: Any = None, **kwargs: Any
    ) -> list[tuple[str, Any]]:
        """Call a hook on core's components, then every active plugin in dependency order
        (``tryfirst``/``trylast`` impls first/last).

        Returns ``(name, result)`` for results that are not None. A plugin that raises is marked
        broken (with the error as its reason) and skipped; a core component's error propagates.
        ``per_plugin(name)`` may give a plugin its own keyword arguments (a narrowed registry).
        """
        caller = getattr(self.manager.hook, hook_name)
        results: list[tuple[str, Any]] = []
        impls = caller.get_hookimpls()  # registration order: core's components, then plugins
        ordered = (
            [i for i in impls if i.tryfirst]
            + [i for i in impls if not i.tryfirst and not i.trylast]
            + [i for i in impls if i.trylast]
        )
        for impl in ordered:
            own = kwargs
            if per_plugin is not None and impl.plugin_name not in INTERNAL_COMPONENTS:
                own = {**kwargs, **per_plugin(impl.plugin_name)}
            args = [own[name] for name in impl.argnames]
            if impl.plugin_name in INTERNAL_COMPONENTS:
                result = impl.function(*args)
            else:
                try:
                    result = impl.function(*args)
                except Exception as exc:  # isolate the plugin, keep serving
                    log.exception("plugin %s failed in %s", impl.plugin_name, hook_name)
                    self.mark_broken(
                        impl.plugin_name, f"raised in {hook_name}: {type(exc).__name__}: {exc}"
                    )
                    continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    # --- facts for the app ---------------------------------------------------------------

    def installed(self) -> list[PluginInfo]:
        """Every plugin found, whatever its status (its migrations must stay known)."""
        return [self.plugins[name] for name in sorted(self.plugins)]

    def active(self) -> list[PluginInfo]:
        return [self.plugins[name] for name in self.order if self.plugins[name].active]

    def is_active(self, name: str) -> bool:
        if name in CORE_AREAS:
            return True
        info = self.plugins.get(name)
        return bool(info and info.active)

    def folders(self, sub: str) -> list[Path]:
        """``<package>/<sub>`` of every component and active plugin that has one."""
        found: list[Path] = []
        for name in INTERNAL_COMPONENTS:
            folder = Path(importlib.import_module(name).__file__).resolve().parent / sub
            if folder.is_dir() and folder not in found:
                found.append(folder)
        for info in self.active():
            folder = info.package_dir / sub if info.package_dir else None
            if folder is not None and folder.is_dir() and folder not in found:
                found.append(folder)
        return found


def load_plugins(allow: str | None = None, eps: Iterable[EntryPoint] | None = None) -> PluginSystem:
    system = PluginSystem.load(allow, eps)
    system.finish()
    return system
