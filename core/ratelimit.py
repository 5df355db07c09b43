"""Sign-in throttling (Flask-Limiter): failed sign-ins are counted per account and per address,
so guessing a password gets a 429 with Retry-After long before it could succeed.

Only failures count (a 401), so an office where many people sign in from one address is not
slowed down. The counters live in ``JIEDAO_RATELIMIT_STORAGE`` (``memory://`` by default, one
process; ``redis://…`` for several workers).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[])

PER_ACCOUNT = "10 per 15 minutes"
PER_ADDRESS = "30 per 15 minutes"
# The only requests any limit here counts.
COUNTED_METHODS = frozenset({"POST"})


@limiter.request_filter
def _off_in_this_app() -> bool:
    """One limiter serves the process, and its last ``init_app`` would switch it on or off for
    every app; whether an app counts is its own ``RATELIMIT_ENABLED`` (a process holding
    several apps, as the tests do, keeps each one's setting)."""
    return not current_app.config.get("RATELIMIT_ENABLED", True)


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _account() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


# The sign-in view's limits: decorate it with both.
per_account = limiter.limit(
    PER_ACCOUNT, key_func=_account, methods=sorted(COUNTED_METHODS), deduct_when=_failed
)
per_address = limiter.limit(PER_ADDRESS, methods=sorted(COUNTED_METHODS), deduct_when=_failed)


def init_app(app: Flask) -> None:
    limiter.init_app(app)
    # No default or blueprint limits are set, and a decorated view checks its own limits in
    # its wrapper: the limiter's check before every request would find nothing to count.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
    # Its after-request hook deducts the failures counted "when" (``deduct_when``) and adds the
    # headers of the limit the request was checked against. Only ``COUNTED_METHODS`` are ever
    # checked or counted: for any other request the hook has nothing to do.
    after = app.after_request_funcs.get(None, [])
    for i, hook in enumerate(after):
        if isinstance(hook, partial) and hook.args[:1] == (limiter,):
            after[i] = _only_when_counted(hook)


def _only_when_counted(hook: partial) -> Callable[[Response], Response]:
    def count_failures(response: Response) -> Response:
        if request.method not in COUNTED_METHODS:
            return response
        return hook(response)

    return count_failures
