"""``jiedao plugin new NAME``: write a complete, installable plugin package to start from.

The package (``<DIR>/jiedao-<name>/``, distribution ``jiedao-<name>``, import package
``jiedao_<name>``) imports only ``core.sdk``: a manifest and hooks, a ``TenantOwned`` model
``<name>_entry`` (soft-deleted) with its first migration on the plugin's own Alembic branch, a
described marshmallow schema, a ``Ledger`` declaration whose list, forms, detail with history,
delete/restore, JSON API, export and import core generates (``register_ledgers``,
``ledgers_exports``, ``ledgers_imports``), a rule that reads a per-community setting, zh_Hans_CN
and en catalogues and tests that run against the real platform with the ``core.testing``
fixtures.

The files come from ``core/scaffold_template``: paths and contents are filled in with
``string.Template`` (``${name}``, ``${package}`` …; ``{name}``/``{package}`` in file names), and the
``.tmpl`` suffix is dropped so the templates are not Python modules of their own.
"""

from __future__ import annotations

import keyword
import re
import string
from dataclasses import dataclass
from datetime import date
from importlib.metadata import PackageNotFoundError, distribution, entry_points
from importlib.util import find_spec
from pathlib import Path

import click

import core

TEMPLATE_DIR = Path(__file__).resolve().parent / "scaffold_template"
TEMPLATE_SUFFIX = ".tmpl"
RENAMES = {"gitignore": ".gitignore"}
ENTRY_POINT_GROUP = "jiedao.plugins"  # core.plugins.ENTRY_POINT_GROUP (kept light to import)

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
MAX_NAME_LENGTH = 24  # "fk_<name>_entry_deleted_by_id_core_user" stays within PostgreSQL's 63
LABEL_PATTERN = re.compile(r"[^\"'\\%$`{}<>\n\r\t]+")
MAX_LABEL_LENGTH = 40
# Names core or its components use for blueprints, permission prefixes or tables.
RESERVED_NAMES = frozenset(
    {"accounts", "api", "audit", "core", "jiedao", "migrations", "modules", "plugins", "static"}
    | {"tenants", "test", "tests", "users"}
)
# Messages of the template's catalogue: a label equal to one of them would repeat a msgid.
TEMPLATE_MESSAGES = frozenset(
    {"Entries kept per community.", "Entry", "Notes", "Notes are required", "Recorded", "Title"}
    | {"Notes are required in this community."}
)


class ScaffoldError(ValueError):
    """The plugin cannot be created as asked (the message says why)."""


@dataclass(frozen=True)
class PluginNames:
    name: str  # plugin and module name, table and permission prefix: demo_plug
    package: str  # import package: jiedao_demo_plug
    dist: str  # distribution and folder: jiedao-demo-plug
    model: str  # model class: DemoPlugEntry

    @classmethod
    def of(cls, name: str) -> PluginNames:
        camel = "".join(part.capitalize() for part in name.split("_"))
        return cls(name, f"jiedao_{name}", "jiedao-" + name.replace("_", "-"), f"{camel}Entry")


def installed_plugin_names() -> set[str]:
    """Names in the ``jiedao.plugins`` entry-point group of this environment."""
    return {ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)}


def validate_name(name: str, installed: set[str] | None = None) -> PluginNames:
    """Check a plugin name: a lower-case identifier, not reserved, not taken by an installed
    plugin, distribution or importable package."""
    if not NAME_PATTERN.fullmatch(name or ""):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use lower-case letters, digits and _, "
            "starting with a letter (e.g. eldercare, safety_check)"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ScaffoldError(f"{name!r} is too long: at most {MAX_NAME_LENGTH} characters")
    if keyword.iskeyword(name) or "__" in name or name.endswith("_"):
        raise ScaffoldError(f"{name!r} is not a usable plugin name")
    if name in RESERVED_NAMES:
        raise ScaffoldError(f"{name!r} is used by the platform itself; choose another name")
    if name in (installed_plugin_names() if installed is None else installed):
        raise ScaffoldError(f"a plugin named {name!r} is already installed")
    names = PluginNames.of(name)
    try:
        distribution(names.dist)
    except PackageNotFoundError:
        pass
    else:
        raise ScaffoldError(f"the distribution {names.dist} is already installed")
    if find_spec(names.package) is not None:
        raise ScaffoldError(f"a package named {names.package} can already be imported")
    return names


def validate_label(label: str, option: str = "--label") -> str:
    """A module label: it is written into Python strings, templates and catalogues."""
    label = " ".join((label or "").split())
    if not label or not LABEL_PATTERN.fullmatch(label) or len(label) > MAX_LABEL_LENGTH:
        raise ScaffoldError(
            f"{option}: 1 to {MAX_LABEL_LENGTH} characters without quotes, backslashes, "
            "%, $, `, {, }, < or >"
        )
    if option == "--label" and label in TEMPLATE_MESSAGES:
        raise ScaffoldError(f"{option}: {label!r} is one of the template's own messages")
    return label


def core_head() -> str:
    """The newest revision of core's migrations (a plugin's first revision depends on it)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from core.migrate import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:  # pragma: no cover - core always has migrations
        raise ScaffoldError("core has no migrations")
    return head


def _core_versions() -> tuple[str, str]:
    """(core range for the manifest, requirement for setup.cfg) from this core's version."""
    major, minor = (int(part) for part in core.__version__.split(".")[:2])
    return f">={major}.{minor},<{major + 1}", f"jiedao>={major}.{minor}"


def template_values(
    names: PluginNames, label: str, label_zh: str, today: date | None = None
) -> dict[str, str]:
    core_range, core_requirement = _core_versions()
    return {
        "name": names.name,
        "package": names.package,
        "dist": names.dist,
        "model": names.model,
        "label": label,
        "label_zh": label_zh,
        "core_range": core_range,
        "core_requirement": core_requirement,
        "core_head": core_head(),
        "today": (today or date.today()).isoformat(),
    }


def _target_path(relative: Path, values: dict[str, str]) -> Path:
    parts = []
    for part in relative.parts:
        part = part.replace("{name}", values["name"]).replace("{package}", values["package"])
        part = part.removesuffix(TEMPLATE_SUFFIX)
        parts.append(RENAMES.get(part, part))
    return Path(*parts)


def create_plugin(
    name: str,
    path: str | Path = ".",
    *,
    label: str | None = None,
    label_zh: str | None = None,
    installed: set[str] | None = None,
    today: date | None = None,
) -> Path:
    """Write the plugin package ``<path>/jiedao-<name>/`` and return its folder."""
    names = validate_name(name, installed)
    label = validate_label(label or name.replace("_", " ").capitalize())
    label_zh = validate_label(label_zh or label, "--label-zh")
    target = Path(path).expanduser().resolve() / names.dist
    if target.exists() and any(target.iterdir()):
        raise ScaffoldError(f"{target} exists and is not empty")
    values = template_values(names, label, label_zh, today)
    sources = sorted(
        p for p in TEMPLATE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    )
    rendered: dict[Path, str] = {}
    for source in sources:
        relative = source.relative_to(TEMPLATE_DIR)
        try:
            text = string.Template(source.read_text(encoding="utf-8")).substitute(values)
        except (KeyError, ValueError) as exc:  # a template bug, not the user's
            raise RuntimeError(f"scaffold template {relative}: {exc}") from exc
        rendered[target / _target_path(relative, values)] = text
    for destination, text in rendered.items():
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(text, encoding="utf-8")
    return target


def register(cli: click.Group) -> None:
    """Add ``jiedao plugin new`` to the command line."""

    @cli.group("plugin")
    def plugin() -> None:
        """Write new plugins."""

    @plugin.command("new")
    @click.argument("name")
    @click.option(
        "--path",
        "path",
        default=".",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="folder to create jiedao-NAME/ in",
    )
    @click.option("--label", default=None, help="English name of the module (default: from NAME)")
    @click.option("--label-zh", default=None, help="Chinese name of the module (default: --label)")
    def new(name: str, path: Path, label: str | None, label_zh: str | None) -> None:
        """Create a plugin package NAME (lower-case letters, digits and _)."""
        try:
            target = create_plugin(name, path, label=label, label_zh=label_zh)
        except ScaffoldError as exc:
            raise click.ClickException(str(exc)) from None
        names = PluginNames.of(name)
        click.echo(f"Created {names.dist} in {target}")
        click.echo("Next:")
        click.echo(f"  pip install -e {target}")
        click.echo("  jiedao db upgrade")
        click.echo(f"  jiedao modules enable {name} --node <community code>")
        click.echo(f"  pytest {target / 'tests'}")
