"""Configuration from JIEDAO_* variables."""

import pytest

from core.app import create_app
from core.config import ConfigError, load_config


def test_production_without_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="JIEDAO_SECRET_KEY"):
        create_app({"JIEDAO_INSTANCE_PATH": str(tmp_path)})
    with pytest.raises(ConfigError):
        load_config({"JIEDAO_ENV": "production", "JIEDAO_INSTANCE_PATH": str(tmp_path)})


def test_demo_generates_and_keeps_a_secret_in_the_instance_folder(tmp_path):
    first = load_config({"JIEDAO_ENV": "demo", "JIEDAO_INSTANCE_PATH": str(tmp_path)})
    second = load_config({"JIEDAO_ENV": "development", "JIEDAO_INSTANCE_PATH": str(tmp_path)})
    assert first["SECRET_KEY"] == second["SECRET_KEY"] and len(first["SECRET_KEY"]) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults_and_overrides(tmp_path):
    config = load_config({"JIEDAO_ENV": "demo", "JIEDAO_INSTANCE_PATH": str(tmp_path)})
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'jiedao.db'}"
    assert config["BABEL_DEFAULT_LOCALE"] == "zh_Hans_CN"
    config = load_config(
        {
            "JIEDAO_ENV": "production",
            "JIEDAO_SECRET_KEY": "s" * 40,
            "JIEDAO_LOCALE": "en",
            "JIEDAO_DATABASE_URL": "postgresql+psycopg://u@h/db",
            "JIEDAO_PER_PAGE": "500",
            "JIEDAO_SESSION_COOKIE_SECURE": "true",
            "JIEDAO_MAX_UPLOAD_MB": "0.5",
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        }
    )
    assert config["MAX_CONTENT_LENGTH"] == 512 * 1024
    assert config["DATABASE_URL"] == "postgresql+psycopg://u@h/db"
    assert config["PER_PAGE"] == 200 and config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    "environ",
    [
        {"JIEDAO_ENV": "staging"},
        {"JIEDAO_LOCALE": "fr"},
        {"JIEDAO_PER_PAGE": "many"},
        {"JIEDAO_MAX_UPLOAD_MB": "lots"},
        {"JIEDAO_MAX_UPLOAD_MB": "0"},
    ],
)
def test_bad_settings_are_named(tmp_path, environ):
    with pytest.raises(ConfigError) as info:
        load_config({"JIEDAO_ENV": "demo", "JIEDAO_INSTANCE_PATH": str(tmp_path), **environ})
    assert next(iter(environ)) in str(info.value)


def test_readme_documents_every_setting():
    from pathlib import Path

    from core.config import SETTINGS

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name
