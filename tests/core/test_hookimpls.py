"""One-line hooks (``core.sdk.lazy_hook``, ``blueprints_hook``): real hookimpls that pluggy checks
against the hookspec, importing what they answer only when they are called."""

from __future__ import annotations

import sys
import types

import pluggy
import pytest

from core import hookspecs
from core.sdk import blueprints_hook, lazy_hook

TARGET = "tests.core.lazy_target_for_hooks"


@pytest.fixture
def target_module():
    """A module that counts the calls it answers, imported only through the hooks."""
    module = types.ModuleType(TARGET)
    module.LEDGERS = ("visits", "households")
    module.seeded = []
    module.seed = lambda session, options: module.seeded.append((session, options))
    module.Schema = type("Schema", (), {})
    module.figures = types.SimpleNamespace(indicators=lambda: ["residents"])
    module.pages, module.api, module.rollup, module.rollup_api = "p", "a", "r", "ra"
    sys.modules[TARGET] = module
    yield module
    sys.modules.pop(TARGET, None)


def manager_with(**hooks) -> pluggy.PluginManager:
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(types.SimpleNamespace(**hooks), name="plugin")
    return manager


def test_a_value_is_the_answer_and_a_function_is_called_with_the_hooks_arguments(target_module):
    manager = manager_with(
        jiedao_ledgers=lazy_hook("jiedao_ledgers", f"{TARGET}:LEDGERS"),
        jiedao_demo_seed=lazy_hook("jiedao_demo_seed", f"{TARGET}:seed"),
        jiedao_settings_schema=lazy_hook("jiedao_settings_schema", f"{TARGET}:Schema"),
        jiedao_indicators=lazy_hook("jiedao_indicators", f"{TARGET}:figures.indicators"),
    )
    answer = manager.hook.jiedao_ledgers()
    assert answer == [["visits", "households"]]
    answer[0].append("changed")
    assert target_module.LEDGERS == ("visits", "households")
    manager.hook.jiedao_demo_seed(session="session", options={"scale": "demo"})
    assert target_module.seeded == [("session", {"scale": "demo"})]
    assert manager.hook.jiedao_settings_schema() == [target_module.Schema]  # a class is a value
    assert manager.hook.jiedao_indicators() == [["residents"]]


def test_the_target_is_imported_at_the_first_call_only():
    hook = lazy_hook("jiedao_ledgers", "tests.core.no_such_module:LEDGERS")
    manager_with(jiedao_ledgers=hook)  # registering does not import
    with pytest.raises(ModuleNotFoundError):
        hook()


def test_pluggy_sees_the_hookspecs_arguments():
    hook = lazy_hook("jiedao_demo_seed", f"{TARGET}:seed")
    manager = manager_with(jiedao_demo_seed=hook)
    (impl,) = manager.hook.jiedao_demo_seed.get_hookimpls()
    assert impl.argnames == ("session", "options")
    assert hook.__name__ == "jiedao_demo_seed"


def test_an_unknown_hook_or_a_target_without_attribute_fails_at_once():
    with pytest.raises(ValueError, match="not a hook"):
        lazy_hook("jiedao_ledger", f"{TARGET}:LEDGERS")
    with pytest.raises(ValueError, match="module:attribute"):
        lazy_hook("jiedao_ledgers", TARGET)


def test_blueprints_hook_answers_with_the_named_blueprints(target_module):
    every = manager_with(jiedao_blueprints=blueprints_hook(TARGET))
    assert every.hook.jiedao_blueprints(app=None) == [["p", "a", "r", "ra"]]
    some = manager_with(jiedao_blueprints=blueprints_hook(TARGET, "pages", "api"))
    assert some.hook.jiedao_blueprints(app=None) == [["p", "a"]]
