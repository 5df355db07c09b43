"""Configuration from ``JIEDAO_*`` environment variables (twelve-factor), with an instance folder.

Every setting has one name, one default and one line of documentation in ``SETTINGS``; the README's
configuration table is generated from the same list so the two cannot drift apart.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("production", "development", "demo", "testing")


class ConfigError(RuntimeError):
    """The platform cannot start with the configuration it was given."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("JIEDAO_ENV", "production", "production, development, demo or testing; empty = unset"),
    Setting(
        "JIEDAO_INSTANCE_PATH",
        "./instance",
        "folder for the SQLite file, generated secret key, compiled catalogues",
    ),
    Setting(
        "JIEDAO_DATABASE_URL",
        "sqlite:///<instance>/jiedao.db",
        "SQLAlchemy URL; PostgreSQL: postgresql+psycopg://user@host/db",
    ),
    Setting(
        "JIEDAO_SECRET_KEY",
        None,
        "signs session cookies; required to serve in production (refuses to start without it)",
    ),
    Setting("JIEDAO_LOCALE", "zh_Hans_CN", "default interface language (zh_Hans_CN or en)"),
    Setting("JIEDAO_TIMEZONE", "Asia/Shanghai", "time zone used to show dates and times"),
    Setting("JIEDAO_PER_PAGE", "50", "default page size of lists and API pages (max 200)"),
    Setting(
        "JIEDAO_SESSION_COOKIE_SECURE",
        "false",
        "send the session and remember-me cookies over HTTPS only (set true behind TLS)",
    ),
    Setting("JIEDAO_LOG_LEVEL", "INFO", "logging level"),
    Setting(
        "JIEDAO_ACCESS_LISTEN",
        "true",
        "PostgreSQL: learn of changes to users, grants and module switches by LISTEN/NOTIFY "
        "(one connection per process) instead of one read per request; false = read per request",
    ),
    Setting(
        "JIEDAO_MAX_UPLOAD_MB",
        "20",
        "largest upload (spreadsheet imports, attachments) in MB; larger requests get a 413",
    ),
    Setting(
        "JIEDAO_PLUGINS",
        None,
        "comma-separated allow-list of plugins to load (default: every installed one)",
    ),
    Setting(
        "JIEDAO_RATELIMIT_STORAGE",
        "memory://",
        "where failed sign-ins are counted; redis://host:6379 when several workers serve",
    ),
    Setting(
        "JIEDAO_JOBS_URL",
        "sqlite:///<instance>/jobs.db",
        "queue of background jobs (large exports and imports) that `jiedao worker` runs; "
        "redis://host:6379/0 in production; immediate runs them in the request",
    ),
    Setting(
        "JIEDAO_EXPORT_INLINE_ROWS",
        "5000",
        "exports with more rows than this run as background jobs",
    ),
    Setting(
        "JIEDAO_IMPORT_INLINE_ROWS",
        "2000",
        "imports of files with more rows than this run as background jobs",
    ),
    Setting(
        "JIEDAO_AUDIT_RETENTION_DAYS",
        "0",
        "days the audit log keeps entries before `jiedao audit purge` deletes them; "
        "0 keeps them for ever, otherwise at least 180",
    ),
)

# The Cybersecurity Law (网络安全法, art. 21) asks for network logs to be kept six months.
AUDIT_RETENTION_MIN_DAYS = 180

SUPPORTED_LOCALES = ("zh_Hans_CN", "en")


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def load_config(
    environ: dict[str, str] | None = None, *, serving: bool = True, **overrides: Any
) -> dict[str, Any]:
    """Return the Flask config mapping for the environment (``os.environ`` by default).

    Only an app that serves (``serving``) needs ``JIEDAO_SECRET_KEY`` in production: commands
    such as ``jiedao db upgrade`` sign nothing and get a throwaway key. An empty ``JIEDAO_ENV``
    counts as unset."""
    env = dict(os.environ if environ is None else environ)
    mode = overrides.pop("ENV", None) or (env.get("JIEDAO_ENV") or "").strip() or "production"
    if mode not in ENVIRONMENTS:
        raise ConfigError(f"JIEDAO_ENV must be one of {', '.join(ENVIRONMENTS)}, not {mode!r}")
    instance = Path(env.get("JIEDAO_INSTANCE_PATH") or Path.cwd() / "instance").resolve()
    locale = env.get("JIEDAO_LOCALE") or "zh_Hans_CN"
    if locale not in SUPPORTED_LOCALES:
        raise ConfigError(
            f"JIEDAO_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}, not {locale!r}"
        )
    try:
        per_page = max(1, min(200, int(env.get("JIEDAO_PER_PAGE") or 50)))
    except ValueError as exc:
        raise ConfigError("JIEDAO_PER_PAGE must be a whole number") from exc
    try:
        max_upload_mb = float(env.get("JIEDAO_MAX_UPLOAD_MB") or 20)
    except ValueError as exc:
        raise ConfigError("JIEDAO_MAX_UPLOAD_MB must be a number of megabytes") from exc
    if max_upload_mb <= 0:
        raise ConfigError("JIEDAO_MAX_UPLOAD_MB must be more than 0")
    inline_rows = {
        key: _whole_number(env, key, default)
        for key, default in (
            ("JIEDAO_EXPORT_INLINE_ROWS", 5000),
            ("JIEDAO_IMPORT_INLINE_ROWS", 2000),
        )
    }
    retention = _whole_number(env, "JIEDAO_AUDIT_RETENTION_DAYS", 0)
    if 0 < retention < AUDIT_RETENTION_MIN_DAYS:
        raise ConfigError(
            f"JIEDAO_AUDIT_RETENTION_DAYS must be 0 (keep for ever) or at least "
            f"{AUDIT_RETENTION_MIN_DAYS} days (six months), not {retention}"
        )
    config: dict[str, Any] = {
        "JIEDAO_ENV": mode,
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": env.get("JIEDAO_DATABASE_URL") or f"sqlite:///{instance / 'jiedao.db'}",
        "SECRET_KEY": env.get("JIEDAO_SECRET_KEY") or None,
        "BABEL_DEFAULT_LOCALE": locale,
        "BABEL_DEFAULT_TIMEZONE": env.get("JIEDAO_TIMEZONE") or "Asia/Shanghai",
        "PER_PAGE": per_page,
        "MAX_CONTENT_LENGTH": int(max_upload_mb * 1024 * 1024),
        "SESSION_COOKIE_SECURE": _truthy(env.get("JIEDAO_SESSION_COOKIE_SECURE")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SECURE": _truthy(env.get("JIEDAO_SESSION_COOKIE_SECURE")),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=14),
        "LOG_LEVEL": env.get("JIEDAO_LOG_LEVEL") or "INFO",
        "RATELIMIT_STORAGE_URI": env.get("JIEDAO_RATELIMIT_STORAGE") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # The suite signs in hundreds of times from one address; its own test turns it on.
        "RATELIMIT_ENABLED": mode != "testing",
        "PLUGINS": env.get("JIEDAO_PLUGINS") or "",
        # The tests run every job inside the request that starts it.
        "JOBS_URL": env.get("JIEDAO_JOBS_URL")
        or ("immediate" if mode == "testing" else f"sqlite:///{instance / 'jobs.db'}"),
        "EXPORT_INLINE_ROWS": inline_rows["JIEDAO_EXPORT_INLINE_ROWS"],
        "IMPORT_INLINE_ROWS": inline_rows["JIEDAO_IMPORT_INLINE_ROWS"],
        "AUDIT_RETENTION_DAYS": retention,
        "TESTING": mode == "testing",
        # The suite reads the stamp per request: a change made through another app (a second
        # server of a test) is seen at once; the listener's own tests turn it on.
        "ACCESS_CACHE_LISTEN": _truthy(
            env.get("JIEDAO_ACCESS_LISTEN") or ("false" if mode == "testing" else "true")
        ),
        "WTF_CSRF_TIME_LIMIT": None,
        "JSON_AS_ASCII": False,
    }
    config.update(overrides)
    if not config["SECRET_KEY"]:
        if config["JIEDAO_ENV"] != "production":
            config["SECRET_KEY"] = _instance_secret(Path(config["INSTANCE_PATH"]))
        elif not serving:
            config["SECRET_KEY"] = secrets.token_hex(32)  # kept nowhere: a command signs nothing
        else:
            raise ConfigError(
                "JIEDAO_SECRET_KEY is not set. A production start needs a long random secret "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
    return config


def _whole_number(env: dict[str, str], key: str, default: int) -> int:
    try:
        value = int(env.get(key) or default)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a whole number") from exc
    if value < 0:
        raise ConfigError(f"{key} must be 0 or more")
    return value


def _instance_secret(instance: Path) -> str:
    """Dev/demo/test only: keep a generated key in the instance folder so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
