"""The session cookie, verified once per value and process (``core.sessions``): what a browser
replaying a cookie gets must not change because another request verified it first."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from flask import Flask, jsonify, session

from core import sessions
from tests.conftest import login


@pytest.fixture
def small_app() -> Flask:
    app = Flask("sessions")
    app.secret_key = "first key"
    app.permanent_session_lifetime = timedelta(seconds=60)
    app.session_interface = sessions.VerifiedCookieSessions()

    @app.post("/set")
    def set_values():
        session["n"] = 1
        session["items"] = ["a"]
        return ""

    @app.post("/change")
    def change():
        session["n"] += 1
        session["items"].append("b")  # in place, as flash() does with its list
        session.modified = True
        return ""

    @app.get("/get")
    def get_values():
        return jsonify(n=session.get("n"), items=session.get("items"))

    return app


def _cookie(client) -> str:
    return client.get_cookie("session").value


def _replay(app: Flask, cookie: str) -> dict:
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    return browser.get("/get").get_json()


def test_a_replayed_cookie_reads_what_it_was_signed_with(small_app):
    client = small_app.test_client()
    client.post("/set")
    first = _cookie(client)
    assert client.get("/get").get_json() == {"n": 1, "items": ["a"]}  # verified, remembered
    client.post("/change")
    assert client.get("/get").get_json() == {"n": 2, "items": ["a", "b"]}
    # The first cookie still reads as it was signed: neither the scalar nor the list changed.
    assert _replay(small_app, first) == {"n": 1, "items": ["a"]}


def test_a_remembered_cookie_still_expires(small_app, monkeypatch):
    client = small_app.test_client()
    client.post("/set")
    cookie = _cookie(client)
    assert _replay(small_app, cookie)["n"] == 1
    assert _replay(small_app, cookie)["n"] == 1
    later = time.time() + 61
    monkeypatch.setattr(sessions.time, "time", lambda: later)
    assert _replay(small_app, cookie) == {"n": None, "items": None}


def test_a_tampered_or_rekeyed_cookie_signs_nothing(small_app):
    client = small_app.test_client()
    client.post("/set")
    cookie = _cookie(client)
    assert _replay(small_app, cookie)["n"] == 1
    payload, _dot, rest = cookie.partition(".")
    forged = payload[:-2] + ("AA" if payload[-2:] != "AA" else "BB") + "." + rest
    assert _replay(small_app, forged) == {"n": None, "items": None}
    small_app.secret_key = "second key"
    assert _replay(small_app, cookie) == {"n": None, "items": None}


def test_a_flash_shows_once_with_the_platform_app(client):
    """A flash is a list kept in the session, changed in place: it shows on the next page and
    not again, however often the cookie before it was verified."""
    login(client, "s_admin")
    for _ in range(3):
        assert client.get("/").status_code == 200
    page = client.post("/logout", follow_redirects=True)
    assert "您已退出登录。" in page.text
    assert "您已退出登录。" not in client.get("/login").text


def test_an_answer_that_read_the_session_varies_by_cookie(small_app):
    @small_app.get("/varied")
    def varied():
        session.get("n")
        return "", 200, {"Vary": "Accept-Language"}

    @small_app.get("/untouched")
    def untouched():
        return ""

    client = small_app.test_client()
    client.post("/set")
    assert client.get("/get").headers["Vary"] == "Cookie"
    assert set(client.get("/varied").headers["Vary"].split(", ")) == {"Accept-Language", "Cookie"}
    assert "Vary" not in client.get("/untouched").headers
    changed = client.post("/change")
    assert changed.headers["Vary"] == "Cookie" and "session=" in changed.headers["Set-Cookie"]
