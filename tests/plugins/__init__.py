"""Plugin packages end to end: installed apart, discovered and tested in fresh interpreters.

A plugin package is installed into a folder of the test's own (``pip install --target``), never
into the running environment. The package's own tests run in a subprocess, so the entry
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


def _site(tmp_path: Path) -> Path:
    return tmp_path / "site-packages"


@contextlib.contextmanager
def installed_apart(project: Path, tmp_path: Path) -> Iterator[None]:
    """``pip install --no-deps --target`` the project into a folder of the test's own, which
    only the subprocesses of ``clean_env(tmp_path)`` see: the running environment is never
    changed, so tests running beside this one (pytest-xdist) discover the same plugins."""
    args = ["install", "--no-deps", "--target", str(_site(tmp_path)), str(project)]
    if _builds_without_isolation():
        args.insert(2, "--no-build-isolation")
    before = set(project.glob("*.egg-info")) | set(project.glob("build"))
    try:
        result = pip(*args)
        assert result.returncode == 0, f"pip {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        yield
    finally:
        for leftover in (set(project.glob("*.egg-info")) | set(project.glob("build"))) - before:
            shutil.rmtree(leftover, ignore_errors=True)
        shutil.rmtree(_site(tmp_path), ignore_errors=True)


def clean_env(tmp_path: Path) -> dict[str, str]:
    """The environment for a subprocess: no JIEDAO_* or pytest settings of the outer run, a
    temporary SQLite database for the plugin's tests, and the folder ``installed_apart``
    installs into on the path (while it exists)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("JIEDAO_", "PYTEST_", "PYTHONPATH"))
    }
    env["JIEDAO_TEST_DATABASE_URL"] = f"sqlite:///{tmp_path / 'plugin-tests.db'}"
    if _site(tmp_path).is_dir():
        env["PYTHONPATH"] = str(_site(tmp_path))
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
