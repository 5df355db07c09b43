"""Plugin packages end to end: installed into this virtualenv, tested in fresh interpreters.

These tests change the environment they run in (``pip install -e`` of a plugin package) and
always uninstall in a ``finally``. The package's own tests run in a subprocess, so the entry
points are discovered anew, on a temporary SQLite file (never the ``JIEDAO_TEST_DATABASE_URL``
of the outer run).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, entry_points, version
from importlib.util import find_spec
from pathlib import Path

from packaging.version import Version

PIP_TIMEOUT = 600
PYTEST_TIMEOUT = 600


def pytest_plugin_args() -> list[str]:
    """``-p core.testing`` until the ``jiedao`` pytest11 entry point loads it (pytest refuses the
    same module registered under two names, so never both)."""
    if any(ep.value == "core.testing" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "core.testing"]


def _builds_without_isolation() -> bool:
    """pip needs ``bdist_wheel`` for an editable install without build isolation: from the
    ``wheel`` package, or built into setuptools since 70.1."""
    if find_spec("wheel") is not None:
        return True
    try:
        return Version(version("setuptools")) >= Version("70.1")
    except PackageNotFoundError:
        return False


def pip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pip", *args],
        capture_output=True,
        text=True,
        timeout=PIP_TIMEOUT,
        check=False,
    )


def is_installed(dist: str) -> bool:
    try:
        version(dist)
    except PackageNotFoundError:
        return False
    return True


@contextlib.contextmanager
def installed_editable(project: Path, dist: str) -> Iterator[None]:
    """``pip install --no-deps -e project`` into this interpreter's environment (without build
    isolation when the environment can build wheels), uninstalled again whatever happens."""
    args = ["install", "--no-deps", "-e", str(project)]
    if _builds_without_isolation():
        args.insert(2, "--no-build-isolation")
    before = set(project.glob("*.egg-info"))
    try:
        result = pip(*args)
        assert result.returncode == 0, f"pip {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        yield
    finally:
        removed = pip("uninstall", "-y", dist)
        for leftover in set(project.glob("*.egg-info")) - before:
            shutil.rmtree(leftover, ignore_errors=True)
    assert not is_installed(dist), f"{dist} is still installed:\n{removed.stderr}"


def clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a subprocess: no JIEDAO_* or pytest settings of the outer run, and a
    temporary SQLite database for the plugin's tests."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JIEDAO_", "PYTEST_"))
    }
    env["JIEDAO_TEST_DATABASE_URL"] = f"sqlite:///{tmp_path / 'plugin-tests.db'}"
    return env


def run_package_tests(project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The package's own tests, in a fresh interpreter, from the package's folder (its own
    pytest configuration)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *pytest_plugin_args(),
            str(project / "tests"),
        ],
        cwd=project,
        env=clean_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=PYTEST_TIMEOUT,
        check=False,
    )


def assert_all_passed(run: subprocess.CompletedProcess[str], at_least: int) -> None:
    output = f"{run.stdout}\n{run.stderr}"
    assert run.returncode == 0, output
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) >= at_least, output
    assert not re.search(r"\d+ (failed|skipped|error|xfailed|deselected)", run.stdout), output
