"""URL rules whose builders are compiled on the first ``url_for`` that needs them.

Werkzeug compiles two URL builders (Python code generated and compiled per rule) for every rule
as it is added, although a process builds URLs for a fraction of its rules — and a worker that
starts pays for all of them, for every plugin. :class:`LazyBuilderRule` compiles each builder
the first time it is called. It overrides ``Rule._compile_builder``, a private method of
Werkzeug's: :data:`LAZY_BUILDERS` is False when that method is missing (another Werkzeug), and
the app then keeps Werkzeug's own rule class (``tests/core/test_routing.py`` compares every
rule's URLs with Werkzeug's eager builders).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

LAZY_BUILDERS = callable(getattr(Rule, "_compile_builder", None))


class LazyBuilderRule(Rule):
    """A rule that compiles its URL builders on their first call, then keeps them."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        attribute = "_build_unknown" if append_unknown else "_build"

        def first_call(rule: LazyBuilderRule, **values: Any) -> tuple[str, str]:
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, builder)  # later calls go straight to it
            return builder(**values)

        return first_call


def rule_class() -> type[Rule]:
    """The rule class an app should use: the lazy one where this Werkzeug allows it."""
    return LazyBuilderRule if LAZY_BUILDERS else Rule
