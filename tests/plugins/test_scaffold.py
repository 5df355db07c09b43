"""``jiedao plugin new``: the generated package is complete, lint-clean, installs, loads as a
plugin and passes its own tests against the real platform."""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from core import scaffold
from tests.plugins import assert_all_passed, installed_apart, run_package_tests

EXPECTED_FILES = [
    "setup.cfg",
    "pyproject.toml",
    "README.md",
    ".gitignore",
    "babel.cfg",
    "jiedao_demo_plug/__init__.py",
    "jiedao_demo_plug/models.py",
    "jiedao_demo_plug/schemas.py",
    "jiedao_demo_plug/services.py",
    "jiedao_demo_plug/ledgers.py",
    "jiedao_demo_plug/views.py",
    "jiedao_demo_plug/migrations/__init__.py",
    "jiedao_demo_plug/migrations/demo_plug_0001.py",
    "jiedao_demo_plug/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
    "jiedao_demo_plug/translations/en/LC_MESSAGES/messages.po",
    "tests/test_demo_plug.py",
]


def _cli() -> click.Group:
    @click.group()
    def cli() -> None:
        """A stand-in for ``jiedao``."""

    scaffold.register(cli)
    return cli


def _ruff(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_plugin_new_writes_a_package_that_installs_and_passes_its_tests(tmp_path):
    result = CliRunner().invoke(
        _cli(),
        ["plugin", "new", "demo_plug", "--path", str(tmp_path), "--label-zh", "演示台账"],
    )
    assert result.exit_code == 0, result.output
    project = tmp_path / "jiedao-demo-plug"
    assert f"Created jiedao-demo-plug in {project}" in result.output
    for name in EXPECTED_FILES:
        assert (project / name).is_file(), name
    assert not list(project.rglob("*.tmpl"))

    setup = configparser.ConfigParser()
    setup.read(project / "setup.cfg")
    assert setup["metadata"]["name"] == "jiedao-demo-plug"
    assert "jiedao>=" in setup["options"]["install_requires"]
    assert setup["options.entry_points"]["jiedao.plugins"].strip() == "demo_plug = jiedao_demo_plug"
    migration = (project / "jiedao_demo_plug/migrations/demo_plug_0001.py").read_text()
    assert f'depends_on = "{scaffold.core_head()}"' in migration
    assert 'branch_labels = ("demo_plug",)' in migration and "down_revision = None" in migration
    assert 'msgstr "演示台账"' in (
        project / "jiedao_demo_plug/translations/zh_Hans_CN/LC_MESSAGES/messages.po"
    ).read_text(encoding="utf-8")

    lint = _ruff("check", ".", cwd=project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _ruff("format", "--check", ".", cwd=project)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr

    with installed_apart(project, tmp_path):
        run = run_package_tests(project, tmp_path)
    assert_all_passed(run, at_least=12)


@pytest.mark.parametrize("name", ["x", "abcdefghijklmnopqrstuvwx"])
def test_short_and_long_names_give_lint_clean_code(tmp_path, name):
    project = scaffold.create_plugin(
        name,
        tmp_path,
        label="A label of forty characters, just so ok",
        label_zh="居家养老" * 10,  # forty characters, each two columns wide
        installed=set(),
    )
    assert project.name == "jiedao-" + name.replace("_", "-")
    assert _ruff("check", ".", cwd=project).returncode == 0
    assert _ruff("format", "--check", ".", cwd=project).returncode == 0


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Demo", "lower-case"),
        ("1demo", "lower-case"),
        ("demo-plug", "lower-case"),
        ("", "lower-case"),
        ("abcdefghijklmnopqrstuvwxy", "too long"),
        ("class", "not a usable"),
        ("demo__plug", "not a usable"),
        ("tenants", "used by the platform"),
        ("modules", "used by the platform"),
        ("ledger", "already installed"),
    ],
)
def test_names_are_checked(tmp_path, name, reason):
    with pytest.raises(scaffold.ScaffoldError, match=reason):
        scaffold.validate_name(name, installed={"ledger"})


def test_an_installed_plugin_name_is_refused_on_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setattr(scaffold, "installed_plugin_names", lambda: {"eldercare"})
    result = CliRunner().invoke(_cli(), ["plugin", "new", "eldercare", "--path", str(tmp_path)])
    assert result.exit_code != 0
    assert "a plugin named 'eldercare' is already installed" in result.output
    assert not (tmp_path / "jiedao-eldercare").exists()


def test_labels_are_checked_and_nothing_is_overwritten(tmp_path):
    with pytest.raises(scaffold.ScaffoldError, match="--label"):
        scaffold.create_plugin("demo", tmp_path, label='Say "hi"', installed=set())
    with pytest.raises(scaffold.ScaffoldError, match="template's own messages"):
        scaffold.create_plugin("demo", tmp_path, label="Title", installed=set())
    (tmp_path / "jiedao-demo").mkdir()
    (tmp_path / "jiedao-demo" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(_cli(), ["plugin", "new", "demo", "--path", str(tmp_path)])
    assert result.exit_code != 0 and "is not empty" in result.output
    assert (tmp_path / "jiedao-demo" / "keep.txt").read_text() == "mine"


def test_the_first_revision_depends_on_cores_newest():
    from alembic.script import ScriptDirectory

    from core.migrate import MIGRATIONS_DIR

    core_revisions = ScriptDirectory(
        str(MIGRATIONS_DIR), version_locations=[str(MIGRATIONS_DIR / "versions")]
    )
    assert scaffold.core_head() == core_revisions.get_current_head()
