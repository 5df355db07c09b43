"""Hook implementations that import what they answer only when the platform asks.

Most of a plugin's hooks answer with something kept in one of its modules (its ledgers, its
work sources, its demo seeding function). Importing those modules when the plugin loads would
pull in its views, models and settings before the app exists, so each such hook used to be
written by hand as a function with a local import. ``lazy_hook`` is that function, declared in
one line; it is a real pluggy hookimpl, checked by pluggy against the hookspec it names.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from core import hookspecs
from core.hookspecs import hookimpl


def _spec(hook: str) -> Callable[..., Any]:
    """The hookspec function named ``hook``; a typo fails when the plugin is imported."""
    spec = getattr(hookspecs, hook, None)
    if not inspect.isfunction(spec) or not hasattr(spec, f"{hookspecs.PROJECT}_spec"):
        raise ValueError(f"{hook!r} is not a hook declared in core.hookspecs")
    return spec


def _resolve(target: str) -> Any:
    """The object ``target`` names (``"package.module:NAME"`` or ``"package.module:obj.attr"``)."""
    module, _, path = target.partition(":")
    found: Any = importlib.import_module(module)
    for name in path.split("."):
        found = getattr(found, name)
    return found


def lazy_hook(hook: str, target: str) -> Callable[..., Any]:
    """The hookimpl of ``hook`` that answers with ``target`` (``"package.module:attribute"``),
    imported on the first call::

        jiedao_ledgers = lazy_hook("jiedao_ledgers", "jiedao_eldercare.ledgers:LEDGERS")
        jiedao_demo_seed = lazy_hook("jiedao_demo_seed", "jiedao_eldercare.demo:seed")

    A function (or bound method) is called with the hook's arguments and its result is the
    answer; any other object is the answer itself, a list or tuple as a new list (so the caller
    cannot change the plugin's declaration).
    """
    spec = _spec(hook)
    module, _, path = target.partition(":")
    if not module or not path:
        raise ValueError(f"{target!r} should name 'package.module:attribute'")

    def answer(*args: Any) -> Any:
        found = _resolve(target)
        if inspect.isroutine(found):
            return found(*args)
        return list(found) if isinstance(found, list | tuple) else found

    answer.__name__ = answer.__qualname__ = hook
    answer.__doc__ = f"{hook}: answered by {target}."
    # pluggy reads the argument names through ``__wrapped__``: the hookspec's, so pluggy calls
    # ``answer`` with every argument of the hook, in the hookspec's order.
    answer.__wrapped__ = spec  # type: ignore[attr-defined]
    return hookimpl(specname=hook)(answer)


# The blueprints a program plugin's views module usually holds (``CommunityBlueprint`` pages and
# API, ``RollupBlueprint`` pages and API).
BLUEPRINTS = ("pages", "api", "rollup", "rollup_api")


def blueprints_hook(views: str, *names: str) -> Callable[[Any], list[Any]]:
    """A plugin's ``jiedao_blueprints``: the blueprints ``names`` (by default ``pages``, ``api``,
    ``rollup`` and ``rollup_api``) of its module ``views``, imported when the app asks for them
    (the routes' modules import the plugin's models and settings)::

        jiedao_blueprints = blueprints_hook("plugins.registry.views")
        jiedao_blueprints = blueprints_hook("jiedao_eldercare.views", "pages", "api", "rollup")
    """

    @hookimpl
    def jiedao_blueprints(app: Any) -> list[Any]:
        found = importlib.import_module(views)
        return [getattr(found, name) for name in names or BLUEPRINTS]

    return jiedao_blueprints
