"""``examples/eldercare``, a third-party plugin package: it installs, the platform discovers it
through its entry point, and its own tests pass against the real platform."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.plugins import (
    assert_all_passed,
    clean_env,
    installed_apart,
    run_package_tests,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "eldercare"
DIST = "jiedao-eldercare"

# What `jiedao plugins list --json` tells, from a fresh interpreter's entry-point discovery.
LIST_PLUGINS = """
import json
from core.plugins import load_plugins

system = load_plugins()
print(json.dumps({
    info.name: {
        "status": info.status,
        "reason": info.reason,
        "version": info.manifest.version if info.manifest else None,
        "distribution": info.distribution,
        "entry_point": info.entry_point,
    }
    for info in system.plugins.values()
}))
"""


def _plugins(tmp_path: Path) -> dict[str, dict]:
    result = subprocess.run(
        [sys.executable, "-c", LIST_PLUGINS],
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_eldercare_installs_is_discovered_and_passes_its_tests(tmp_path):
    with installed_apart(EXAMPLE, tmp_path):
        plugins = _plugins(tmp_path)
        run = run_package_tests(EXAMPLE, tmp_path)
    assert plugins["eldercare"] == {
        "status": "active",
        "reason": "",
        "version": "0.2.0",
        "distribution": DIST,
        "entry_point": "jiedao_eldercare",
    }
    assert_all_passed(run, at_least=22)
    assert "eldercare" not in _plugins(tmp_path)  # gone again with the package


def test_the_pytest_plugin_is_light_and_its_fixtures_are_prefixed():
    """pytest imports ``core.testing`` for every run in the environment (this suite's too): it
    must not pull in the platform, nor bring fixtures that could shadow a project's own."""
    import core.testing

    probe = "import sys, core.testing; print([m for m in {mods!r} if m in sys.modules])"
    heavy = ("flask", "sqlalchemy", "alembic", "tenants", "core.app", "core.db")
    result = subprocess.run(
        [sys.executable, "-c", probe.format(mods=heavy)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    fixtures = [name for name, obj in vars(core.testing).items() if "Fixture" in type(obj).__name__]
    assert len(fixtures) == 7
    assert all(name.startswith("jiedao_") for name in fixtures), fixtures
