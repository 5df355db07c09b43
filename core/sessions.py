"""The signed session cookie, verified once per cookie value and process.

Flask checks the cookie's signature and decodes its JSON on every request; with the access cache
(``core.access_cache``) that became one of the largest costs of a page. A cookie's value is
immutable: the same string verifies with the same keys to the same data, signed at the same
time. So each process keeps what a verified cookie held, by the cookie's value and the keys,
and checks only its age again. A cookie is kept only when every value in it is a plain scalar
(a value a view could change in place, such as the list of flashed messages, is decoded anew
each time). Nothing is kept for a cookie that failed to verify.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import BadSignature

_SCALARS = (str, int, float, bool, type(None))


class VerifiedCookieSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, with the verified cookies of this process remembered."""

    def __init__(self, max_entries: int = 4096) -> None:
        self.max_entries = max_entries
        self._verified: OrderedDict[tuple[Any, str], tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not app.secret_key:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()), value)
        found = self._verified.get(key)
        if found is not None:
            signed_at, data = found
            if time.time() - signed_at > max_age:
                return self.session_class()
            return self.session_class(data)
        serializer = self.get_signing_serializer(app)
        assert serializer is not None  # a secret key is set
        try:
            data, signed = serializer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(isinstance(v, _SCALARS) for v in data.values()):
            with self._lock:
                self._verified[key] = (signed.timestamp(), dict(data))
                while len(self._verified) > self.max_entries:
                    self._verified.popitem(last=False)
        return self.session_class(data)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if session.modified or self.should_set_cookie(app, session):
            super().save_session(app, session, response)
        elif session.accessed:
            # Unchanged and kept: all Flask would do is say the answer varies by cookie, which
            # it does by parsing the Vary header into a set; most answers have none.
            if any(name.lower() == "vary" for name, _value in response.headers):
                response.vary.add("Cookie")
            else:
                response.headers.add("Vary", "Cookie")


def init_app(app: Flask) -> None:
    app.session_interface = VerifiedCookieSessions()
