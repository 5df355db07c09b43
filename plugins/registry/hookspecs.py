"""Hooks the registry offers to the plugins that require it (``Manifest(requires=("registry",))``).

Registered by the platform because ``plugins.registry`` points ``jiedao_hookspecs`` here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.hookspecs import hookspec
from core.sdk import S1


@dataclass(frozen=True)
class Tag:
    """A program tag residents can carry, e.g. ``Tag("veteran", _l("Veteran"))``.

    ``key``: lower-case letters, digits and ``_``, unique across plugins (prefix yours with your
    plugin's name, e.g. ``safety_firewarden``); ``label``: lazily translated text.

    ``sensitivity``: ``S1`` (default) is shown to the registry's viewers; ``S3`` marks a special
    group (低保, 残疾人, 留守儿童): only holders of ``registry.sensitive.view`` at the community
    see it, set it or filter by it — everyone else sees "已隐藏" where a resident carries one,
    never which, and their saves keep it; at a street or district it is a count only (the
    indicator ``registry.tag.<key>``, counts under 5 withheld). ``setting``: the name of a
    registry setting (``rural``, 农村社区) that must be on in the community for the tag to be
    offered there; elsewhere adding it is refused on ``tags``."""

    key: str
    label: Any
    module: str = ""
    sensitivity: str = S1
    setting: str = ""


@hookspec
def registry_tags() -> list[Tag]:
    """Return the resident tags this plugin declares (a list of :class:`Tag`)."""
