"""Sign-in with flask-login: session cookies for pages, session or personal API token for the API."""

from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import Flask, Request, current_app, flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from flask_login.utils import _create_identifier
from werkzeug.exceptions import Unauthorized

from core import access_cache
from core.db import db, utcnow
from core.errors import is_api_request
from core.models import ApiToken, SignIn, User

login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
# "strong": a session whose identifier (IP + user agent) changes is dropped, not just unmarked.
login_manager.session_protection = "strong"
_IDENTIFIERS: dict[tuple[str | None, ...], str] = {}
_MAX_IDENTIFIERS = 4096


def _session_identifier() -> str:
    """Flask-Login's identifier of the browser (a SHA-512 of its address and user agent), worked
    out once per address and agent: the protection compares it on every request."""
    environ = request.environ  # a dict: a missing header costs no exception
    key = (
        environ.get("HTTP_X_FORWARDED_FOR"),
        environ.get("REMOTE_ADDR"),
        environ.get("HTTP_USER_AGENT"),
    )
    found = _IDENTIFIERS.get(key)
    if found is None:
        found = _create_identifier()
        if len(_IDENTIFIERS) >= _MAX_IDENTIFIERS:
            _IDENTIFIERS.clear()
        _IDENTIFIERS[key] = found
    return found


login_manager._session_identifier_generator = _session_identifier

TOKEN_PREFIX = "jd_"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def start_sign_in(user: User, address: str | None) -> None:
    """A new sign-in of ``user`` (a row and a fresh secret): the cookies that ``login_user``
    then sets are this sign-in's own, different at every sign-in."""
    secret = secrets.token_urlsafe(24)
    row = SignIn(user_id=user.id, digest=token_digest(secret), address=(address or "")[:64])
    db.session.add(row)
    db.session.flush()
    user.sign_in_ref = f"{row.id}.{secret}"


def end_sign_in(user: User) -> None:
    """The current sign-in (the one the loader verified) ends: its cookies sign nobody in."""
    parts = _split(user.sign_in_ref)
    row = db.session.get(SignIn, parts[0]) if parts else None
    if row is not None and row.user_id == user.id:
        row.ended_at = utcnow()


def _split(ref: str) -> tuple[int, str] | None:
    """``<sign-in id>.<secret>`` → (id, secret); None for anything else."""
    row_id, _dot, secret = ref.partition(".")
    if not row_id.isdigit() or len(row_id) > 12 or not secret:
        return None
    return int(row_id), secret


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Session ids are ``<id>:<session_version>:<sign-in>``: changing the password or signing
    out ends every session; a sign-in that ended or is older than the remember duration signs
    nobody in, whatever its cookie says. The user and the sign-in come in one query, or from
    the process's cache while the access stamp stands (``core.access_cache``)."""
    try:
        raw_id, version, ref = user_id.split(":")
        uid = int(raw_id)
    except ValueError:
        return None
    parts = _split(ref)
    if parts is None or len(raw_id) > 12:
        return None
    users = access_cache.kept("users")
    cached = users.get(user_id) if users is not None else None
    if cached is not None:
        snapshot, signed_in_at = cached
        if signed_in_at < utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]:
            return None
        user = access_cache.attach(snapshot)
        user.sign_in_ref = ref
        return user
    found = db.session.execute(
        sa.select(User, SignIn)
        .join(SignIn, SignIn.user_id == User.id)
        .where(User.id == uid, SignIn.id == parts[0])
    ).first()
    if found is None:
        return None
    user, row = found
    oldest = utcnow() - current_app.config["REMEMBER_COOKIE_DURATION"]
    if (
        str(user.session_version) != version
        or row.digest != token_digest(parts[1])
        or row.ended_at is not None
        or row.created_at < oldest
    ):
        return None
    if users is not None:
        users.put(user_id, (access_cache.detached_copy(user), row.created_at))
    user.sign_in_ref = ref
    return user


@login_manager.request_loader
def load_user_from_token(req: Request) -> User | None:
    header = req.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or not req.path.startswith("/api/"):
        return None
    token = header.removeprefix("Bearer ").strip()
    row = db.session.scalars(
        sa.select(ApiToken).where(
            ApiToken.digest == token_digest(token), ApiToken.revoked_at.is_(None)
        )
    ).first()
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    db.session.commit()
    g.token_user = row.user  # signed in by its token, not by a cookie (see the CSRF check)
    return row.user


@login_manager.unauthorized_handler
def unauthorized():
    if is_api_request():
        raise Unauthorized()
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
