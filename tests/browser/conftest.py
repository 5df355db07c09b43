"""Fixtures for end-to-end tests that drive the real pages in headless Chromium.

The browser is Debian's ``chromium`` package (``/usr/bin/chromium``, installed by
``.ci/install-browser.sh``) driven through the Python ``playwright`` package; Playwright's own
browser downloads are never used. Without the browser or the package these tests are skipped,
unless ``JIEDAO_REQUIRE_BROWSER`` is set (CI sets it): then they fail, so a missing browser can
never turn a red build green.

The app under test is a second ``create_app`` instance on the test database, served by werkzeug
in a background thread, with CSRF protection ON (unlike the ``app`` fixture) so the forms are
exercised exactly as in production. Each test gets the fresh ``world`` from ``tests/conftest.py``.
"""

from __future__ import annotations

import os
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from flask import Flask, got_request_exception, request
from flask_babel import force_locale, gettext
from werkzeug.serving import make_server

from tests.conftest import make_app

CHROMIUM = Path(os.environ.get("JIEDAO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
SHOTS_DIR = Path(os.environ.get("JIEDAO_SHOTS_DIR", "/tmp/jiedao-shots"))
DEFAULT_TIMEOUT_MS = 10_000


def browser_required() -> bool:
    """CI sets ``JIEDAO_REQUIRE_BROWSER=1``: a missing browser is then a failure, not a skip."""
    value = os.environ.get("JIEDAO_REQUIRE_BROWSER", "").strip().lower()
    return value not in {"", "0", "false", "no"}


def _unavailable(reason: str) -> NoReturn:
    if browser_required():
        pytest.fail(f"JIEDAO_REQUIRE_BROWSER is set but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_playwright() -> None:
    """Call at the top of a test module, before importing playwright: without the package the
    module is skipped, or (``JIEDAO_REQUIRE_BROWSER``) fails to collect, which fails the run."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed (pip install -e .[test])")


# --- the app, served ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app the browser talks to: same database as ``app``, but CSRF protection enabled."""
    live = make_app(
        database_url,
        tmp_path_factory.mktemp("live-instance"),
        WTF_CSRF_ENABLED=True,
        # Answer errors as in production (the 500 page), but remember them: see live_server.
        PROPAGATE_EXCEPTIONS=False,
    )
    assert live.config.get("WTF_CSRF_ENABLED", True), "browser tests must run with CSRF on"
    errors: list[str] = []
    live.extensions["browser_tests.errors"] = errors

    def remember(sender: Flask, exception: BaseException, **_: Any) -> None:
        text = "".join(traceback.format_exception(exception))
        errors.append(f"{request.method} {request.full_path.rstrip('?')}\n{text}")

    got_request_exception.connect(remember, live, weak=False)
    return live


@pytest.fixture
def live_server(live_app: Flask, world) -> Iterator[str]:
    """Serve ``live_app`` on a free local port for one test; yields the base URL.

    Any exception the app raised while serving the test fails it (at teardown), with the
    request and the traceback, even if the page the browser saw looked fine.
    """
    errors: list[str] = live_app.extensions["browser_tests.errors"]
    errors.clear()
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    if errors:
        pytest.fail(
            "the app raised while serving this test:\n\n" + "\n\n".join(errors), pytrace=False
        )


@pytest.fixture
def tr(live_app: Flask) -> Callable[..., str]:
    """``tr("Sign in")`` → what the Chinese pages show for that message.

    That is the zh_Hans_CN translation when the catalogue has one, else the English msgid, so
    assertions hold before and after the translations land.
    """

    def translate(msgid: str, **variables: Any) -> str:
        with live_app.test_request_context(), force_locale("zh_Hans_CN"):
            return gettext(msgid, **variables)

    return translate


# --- the browser --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium, once per session."""
    require_playwright()
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (run .ci/install-browser.sh)")
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        except PlaywrightError as exc:  # installed but broken: always a failure
            pytest.fail(f"could not start {CHROMIUM}: {exc}", pytrace=False)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser, live_server: str) -> Iterator[Callable[..., Any]]:
    """``new_page(**context_options)`` → a page in a fresh context (own cookies), Chinese locale.

    Pages fail the test at teardown if the page threw a JavaScript error or got a 5xx answer.
    """
    contexts = []
    problems: list[str] = []

    def make(**options: Any):
        settings: dict[str, Any] = {
            "base_url": live_server,
            "locale": "zh-CN",
            "timezone_id": "Asia/Shanghai",
            "viewport": DESKTOP,
        }
        settings.update(options)
        context = browser.new_context(**settings)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error on {page.url}: {exc}"))
        page.on(
            "response",
            lambda r: (
                problems.append(f"{r.status} from {r.request.method} {r.url}")
                if r.status >= 500
                else None
            ),
        )
        return page

    yield make
    for context in contexts:
        context.close()
    if problems:
        pytest.fail("problems seen by the browser:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page):
    """A desktop page (1280×800, zh-CN) in its own browser context."""
    return new_page()


@pytest.fixture
def phone_page(new_page):
    """A phone page: 390×844, touch, mobile viewport meta honoured."""
    return new_page(**PHONE)


@pytest.fixture(scope="session")
def shots_dir() -> Path:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return SHOTS_DIR


def wait_for_pickers(page: Any) -> None:
    """Until the page's pickers listen: text typed before the deferred script bound them would
    search nothing (a phone run filled the box first and waited for options in vain)."""
    page.wait_for_selector("[data-picker][data-ready]", state="attached")
