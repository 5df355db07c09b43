"""The app factory: configuration, database, languages, sign-in, components and their parts."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import sqlalchemy as sa
from flask import Flask, Response, g, jsonify, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

import core
import core.activities  # maps core_activity and its attendees, materials, modules
import core.attachments  # maps core_attachment, so tree moves re-home its rows
import core.campaigns  # maps core_campaign
import core.filing.models  # maps core_filing_instance and its events
import core.inspections  # maps core_checklist, core_inspection_round, core_referral
import core.reminders  # maps core_notification
import core.school_holidays  # maps core_school_holiday
import core.targets.models  # maps core_target
import core.visits  # maps core_visit, core_visit_visitor, core_area_assignment
import core.workdays  # maps core_holiday
from core import auth, i18n, jobs, ratelimit, sessions
from core.api import build_openapi
from core.config import load_config
from core.db import db
from core.errors import DomainError, error_payload, is_api_request, register_error_handlers
from core.navigation import NavEntry, visible_entries
from core.permissions import PermissionRegistry, current_scope
from core.plugins import INTERNAL_COMPONENTS, PluginSystem, load_plugins
from core.routing import rule_class
from core.validation import MAX_ID

csrf = CSRFProtect()
CORE_DIR = Path(__file__).resolve().parent


def numbers_up_to(limit: int) -> str:
    """A regular expression (no capturing group) for the whole numbers 0 … ``limit`` written
    in decimal: shorter numbers, then each digit of ``limit`` in turn lowered."""
    text = str(limit)
    width = len(text)
    choices = [rf"\d{{1,{width - 1}}}"] if width > 1 else []
    for i, digit in enumerate(map(int, text)):
        lowest = 1 if i == 0 and width > 1 else 0
        rest = width - i - 1
        if digit > lowest:
            choices.append(
                text[:i] + f"[{lowest}-{digit - 1}]" + (rf"\d{{{rest}}}" if rest else "")
            )
    choices.append(text)
    return "(?:" + "|".join(choices) + ")"


class RecordId(IntegerConverter):
    """``<int:…>`` in every route: an id fits the database's integer column, so a larger number
    names no record (404) rather than failing in the database (500). The bound is in the
    pattern, not only checked after matching: a number that matched the pattern and failed the
    check made werkzeug answer 405 on a path where another method's rule had matched."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
        if not self.signed and not self.fixed_digits and self.min is None:
            self.regex = numbers_up_to(self.max)


class PlatformFlask(Flask):
    """Flask, remembering what :meth:`ensure_sync` answered for each hook and view: Flask asks
    ``inspect`` whether each is a coroutine function on every request (eleven times a page)."""

    _MAX_REMEMBERED = 10_000

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        remembered = self.__dict__.setdefault("_jiedao_sync", {})
        found = remembered.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(remembered) < self._MAX_REMEMBERED:
                remembered[func] = found
        return found


def create_app(
    environ: dict[str, str] | None = None, *, serving: bool = True, **overrides: Any
) -> Flask:
    """Build the platform app from ``JIEDAO_*`` settings (``environ``) plus explicit overrides;
    ``serving=False`` for a command that answers no requests (see ``load_config``)."""
    config = load_config(environ, serving=serving, **overrides)
    app = PlatformFlask(
        "core", instance_path=config["INSTANCE_PATH"], instance_relative_config=True
    )
    app.url_rule_class = rule_class()  # URL builders compiled on first use
    app.url_map.converters["int"] = RecordId
    app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=app.config["LOG_LEVEL"])

    db.init_app(app)
    sessions.init_app(app)
    auth.init_app(app)
    ratelimit.init_app(app)
    jobs.init_app(app)
    register_error_handlers(app)
    _refuse_nul_characters(app)
    _security_headers(app)
    _register_csrf(app)

    plugins = load_plugins(app.config.get("PLUGINS"), app.config.get("PLUGIN_ENTRY_POINTS"))
    app.extensions["jiedao.plugins"] = plugins

    permissions = PermissionRegistry.with_core()
    plugins.call(
        "jiedao_permissions",
        per_plugin=lambda name: {"registry": permissions.for_plugin(name)},
        registry=permissions,
    )
    app.extensions["jiedao.permissions"] = permissions

    translation_dirs = [CORE_DIR / "translations", *plugins.folders("translations")]
    translation_dirs += [Path(p) for _n, p in plugins.call("jiedao_translations")]
    i18n.init_app(app, list(dict.fromkeys(translation_dirs)))
    template_dirs = [
        *plugins.folders("templates"),
        *(Path(p) for _n, p in plugins.call("jiedao_templates")),
    ]
    app.jinja_loader = ChoiceLoader(
        [app.jinja_loader, FileSystemLoader([str(d) for d in template_dirs])]
    )

    for name, blueprints in plugins.call("jiedao_blueprints", app=app):
        _register_blueprints(app, plugins, name, blueprints)

    navigation: list[NavEntry] = [
        e for _name, entries in plugins.call("jiedao_navigation") for e in entries
    ]
    app.extensions["jiedao.navigation"] = sorted(navigation, key=lambda e: (e.order, e.endpoint))
    for info in plugins.plugins.values():
        if not info.active:
            permissions.remove_prefix(f"{info.name}.")

    _register_core_routes(app)
    _register_template_helpers(app)
    plugins.call("jiedao_app_ready", app=app)
    return app


def _register_blueprints(
    app: Flask, plugins: PluginSystem, name: str, blueprints: list[Any]
) -> None:
    """Core's components register what they like; a plugin's blueprints must be the kinds that
    enforce scope and the module switch (they carry ``jiedao_module`` = the plugin's name)."""
    if name in INTERNAL_COMPONENTS:
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
        return
    wrong = [bp.name for bp in blueprints if getattr(bp, "jiedao_module", None) != name]
    if wrong:
        plugins.mark_broken(
            name,
            "blueprints must be CommunityBlueprint or RollupBlueprint of "
            f"module {name!r}: {', '.join(wrong)}",
        )
        return
    try:
        for blueprint in blueprints:
            app.register_blueprint(blueprint)
    except Exception as exc:  # a clash with another blueprint's name, a bad rule …
        plugins.mark_broken(name, f"its blueprints cannot be registered: {exc}")


def _register_core_routes(app: Flask) -> None:
    @app.get("/healthz")
    def healthz():
        """Liveness and database reachability, for load balancers and monitoring."""
        try:
            db.session.execute(sa.text("SELECT 1"))
            database = "ok"
        except sa.exc.SQLAlchemyError as exc:
            app.logger.error("health check: database unreachable: %s", exc)
            database = "unavailable"
        system: PluginSystem = app.extensions["jiedao.plugins"]
        plugins = {
            info.name: {
                "status": info.status,
                "reason": info.reason,
                "version": info.manifest.version if info.manifest else None,
            }
            for info in system.plugins.values()
        }
        broken = any(p["status"] == "broken" for p in plugins.values())
        body = {
            "status": "ok" if database == "ok" and not broken else "degraded",
            "database": database,
            "version": core.__version__,
            "components": list(INTERNAL_COMPONENTS),
            "plugins": plugins,
        }
        # Broken plugins degrade the platform but it still serves: only a lost database is a 503.
        return jsonify(body), 200 if database == "ok" else 503

    @app.get("/api/v1/openapi.json")
    def openapi():
        return jsonify(build_openapi(app))


def _register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def navigation_context() -> dict[str, Any]:
        if not current_user.is_authenticated:
            return {"nav_entries": []}
        entries = visible_entries(
            app.extensions["jiedao.navigation"], current_scope().holds_anywhere
        )
        return {"nav_entries": entries}

    def url_with(**changes: Any) -> str:
        """The current page's URL with some query arguments changed (pagination links). A
        page's cursor holds only for the list it was made on, so any other link drops it."""
        args = request.args.to_dict()
        args.pop("cursor", None)
        args.update({k: v for k, v in changes.items() if v is not None})
        return url_for(request.endpoint, **(request.view_args or {}), **args)

    from core import records
    from core.clock import localtime

    records.init_app(app)

    app.jinja_env.filters["localtime"] = lambda instant, fmt="%Y-%m-%d %H:%M": (
        localtime(instant).strftime(fmt) if instant else ""
    )
    app.jinja_env.globals.update(
        jiedao_version=core.__version__,
        locale_labels=i18n.LOCALE_LABELS,
        url_with=url_with,
        get_locale=get_locale,
    )


def _security_headers(app: Flask) -> None:
    """Every answer says what the browser may do with it: scripts only from the platform or
    carrying this response's nonce, no framing, no sniffing, no referrer beyond the site, HTTPS
    only once cookies are Secure; pages and files for a signed-in user are not cached."""

    def csp_nonce() -> str:
        """This response's nonce, for an inline ``<script nonce="{{ csp_nonce() }}">``."""
        if "csp_nonce" not in g:
            g.csp_nonce = secrets.token_urlsafe(16)
        return g.csp_nonce

    app.jinja_env.globals["csp_nonce"] = csp_nonce

    policy = (
        "default-src 'self'; script-src 'self'{nonce}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    policy_without_nonce = policy.format(nonce="")
    always = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
    ]
    if app.config.get("SESSION_COOKIE_SECURE"):
        always.append(("Strict-Transport-Security", "max-age=31536000"))

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        # One pass over the few headers the view set (werkzeug's lookup of a missing header
        # raises and catches an HTTP exception: twice a response, the larger part of this hook).
        chosen = {name.lower(): value for name, value in headers}
        if "content-security-policy" not in chosen:
            nonce = g.get("csp_nonce")
            value = policy.format(nonce=f" 'nonce-{nonce}'") if nonce else policy_without_nonce
            headers.add("Content-Security-Policy", value)
        for name, value in always:
            headers[name] = value
        signed_in = "_user_id" in session or g.get("token_user") is not None
        # What a signed-in user is shown stays out of caches, unless the view chose otherwise
        # (a photo is private to the browser that fetched it).
        cache_chosen = chosen.get("cache-control", "no-cache") != "no-cache"
        if signed_in and not cache_chosen and not request.path.startswith("/static/"):
            headers["Cache-Control"] = "no-store"
        return response


def _refuse_nul_characters(app: Flask) -> None:
    """No text may hold a NUL character: PostgreSQL cannot store or compare one (a 500 there),
    and no person types one. Refused before any view, naming the argument, the field or the
    path's parameter (422)."""

    def refuse(name: str | None) -> NoReturn:
        message = _("Text may not contain the NUL character.")
        raise DomainError(message, {name.replace("\x00", ""): [message]} if name else None)

    @app.url_value_preprocessor
    def _check_path(_endpoint: str | None, values: dict[str, Any] | None) -> None:
        """The path's own text (``/nodes/<ref>``), before a blueprint looks a place up by it."""
        for key, value in (values or {}).items():
            if isinstance(value, str) and "\x00" in value:
                refuse(key)

    @app.before_request
    def _check_nul() -> None:
        if not request.query_string and not request.mimetype:
            return  # no arguments, and a body without a type is parsed as neither form nor JSON
        try:
            form = request.form
        except RequestEntityTooLarge:
            return  # the view names the field that was too large
        for source in (request.args, form):
            for key, value in source.items(multi=True):
                if "\x00" in key or "\x00" in value:
                    refuse(key)
        if request.is_json and b"\\u0000" in request.get_data():
            refuse(None)


def _register_csrf(app: Flask) -> None:
    """Every state-changing request carries a CSRF token (form field or ``X-CSRFToken`` header),
    except token-authenticated API calls, which send no cookie and so cannot be forged."""
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)

    @app.before_request
    def _check_csrf() -> None:
        if request.method in {"GET", "HEAD", "OPTIONS"} or not app.config.get(
            "WTF_CSRF_ENABLED", True
        ):
            return
        # Exempt only a request that a token signs in: it carries no cookie session to forge.
        # With a session, a Bearer header is ignored (the session signs in first) and the
        # request needs its CSRF token like any other.
        bearer = request.headers.get("Authorization", "").startswith("Bearer ")
        if request.path.startswith("/api/") and bearer:
            user = current_user._get_current_object()
            if g.get("token_user") is user or not user.is_authenticated:
                return
        csrf.protect()

    @app.errorhandler(CSRFError)
    def _csrf_error(exc: CSRFError):
        message = _("Your form expired or came from elsewhere. Reload the page and try again.")
        if is_api_request():
            response = jsonify(error_payload("csrf", message))
            return response, 400
        return render_template("error.html", status=400, message=message), 400
