"""Sign-in, sign-out, passwords, sessions, CSRF and API tokens."""

import pytest
import sqlalchemy as sa
from flask import Flask

from core.app import create_app
from core.db import db
from core.models import AuditLog
from tests.conftest import PASSWORD, csrf_token_from, login


def test_login_logout(client):
    assert client.get("/").status_code == 302
    assert "请登录后继续。" in client.get("/tree", follow_redirects=True).text
    r = login(client, "s_admin")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "建外街道" in home.text
    assert client.post("/logout").status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_a_saved_cookie_stops_working_at_sign_out(app, client):
    """Regression: a copy of the session cookie (or the remember cookie) taken before signing
    out still signed in afterwards."""
    r = client.post(
        "/login", data={"username": "s_admin", "password": PASSWORD, "remember": "true"}
    )
    assert r.status_code == 302
    saved = {c.key: c.value for c in client._cookies.values()}
    assert "remember_token" in saved and "session" in saved
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    for name, value in saved.items():
        thief.set_cookie(name, value)
    assert thief.get("/").headers["Location"].startswith("/login")
    thief = app.test_client()
    thief.set_cookie("remember_token", saved["remember_token"])
    assert thief.get("/").headers["Location"].startswith("/login")


def _remembered(app: Flask) -> tuple[object, str]:
    client = app.test_client()
    r = client.post(
        "/login", data={"username": "s_admin", "password": PASSWORD, "remember": "true"}
    )
    assert r.status_code == 302
    return client, {c.key: c.value for c in client._cookies.values()}["remember_token"]


def _signs_in(app: Flask, remember_token: str) -> bool:
    browser = app.test_client()
    browser.set_cookie("remember_token", remember_token)
    return browser.get("/").status_code == 200


def test_every_sign_in_gets_a_remember_cookie_of_its_own(app, world):
    """Regression (issue 12, finding 4): the remember cookie was the same at every sign-in."""
    _desk, first = _remembered(app)
    _phone, second = _remembered(app)
    assert first != second
    assert _signs_in(app, first) and _signs_in(app, second)  # two devices, both signed in


def test_a_remember_cookie_stops_working_when_its_sign_in_is_too_old(app, world, jiedao_clock):
    """The remember duration (14 days) holds on the server, whatever the browser keeps."""
    _desk, token = _remembered(app)
    jiedao_clock("2030-01-01T09:00:00+08:00")
    assert not _signs_in(app, token)


def test_a_forged_sign_in_secret_signs_nobody_in(app, world):
    desk, token = _remembered(app)
    with app.app_context():
        from core.models import SignIn

        row = db.session.scalars(sa.select(SignIn).order_by(SignIn.id.desc())).first()
        row.digest = "0" * 64  # the secret in the cookie no longer matches
        db.session.commit()
    assert desk.get("/").headers["Location"].startswith("/login")
    assert not _signs_in(app, token)


def test_the_remember_cookie_follows_the_session_cookies_flags():
    from core.config import load_config

    config = load_config(
        {"JIEDAO_ENV": "testing", "JIEDAO_SESSION_COOKIE_SECURE": "true"}, SECRET_KEY="x"
    )
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SAMESITE"] == config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert config["REMEMBER_COOKIE_DURATION"].days == 14


def test_failed_logins_do_not_reveal_whether_the_user_exists(client, world, app):
    wrong_password = login(client, "s_admin", "not-the-password")
    unknown_user = login(client, "nobody-here", "not-the-password")
    assert wrong_password.status_code == unknown_user.status_code == 401

    def error_of(r):
        return r.text.split('role="alert">')[1].split("<")[0]

    assert error_of(wrong_password) == error_of(unknown_user)
    # The typed username is kept; the password never comes back.
    assert 'value="s_admin"' in wrong_password.text
    assert "not-the-password" not in wrong_password.text
    with app.app_context():
        world.user("s_admin").active = False
        db.session.commit()
    # A wrong password on a disabled account says what any wrong password says.
    guessed = login(client, "s_admin", "not-the-password")
    assert guessed.status_code == 401 and error_of(guessed) == error_of(unknown_user)
    assert "用户名或密码错误。" in guessed.text


def test_a_disabled_account_is_told_so_after_its_correct_password_only(client, world, app):
    with app.app_context():
        world.user("s_admin").active = False
        db.session.commit()
    disabled = login(client, "s_admin")
    assert disabled.status_code == 403
    assert "此账号已停用，请联系管理员重新启用。" in disabled.text
    assert "用户名或密码错误" not in disabled.text
    assert client.get("/").status_code == 302  # not signed in
    wrong = login(client, "s_admin", "not-the-password")
    assert wrong.status_code == 401 and "此账号已停用" not in wrong.text
    with app.app_context():
        failures = db.session.scalars(
            sa.select(AuditLog.details)
            .where(AuditLog.action == "user.login_failed")
            .order_by(AuditLog.id)
        ).all()
    assert [bool(d.get("disabled")) for d in failures] == [True, False]


def test_empty_login_form_is_a_field_error(client):
    r = client.post("/login", data={"username": "", "password": ""})
    assert r.status_code == 422
    assert r.text.count('class="field-error"') == 2


def test_next_is_followed_only_within_the_site(client):
    r = client.post("/login?next=/tree", data={"username": "s_admin", "password": PASSWORD})
    assert r.headers["Location"] == "/tree"
    client.post("/logout")
    r = client.post(
        "/login?next=//evil.example/x", data={"username": "s_admin", "password": PASSWORD}
    )
    assert r.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/\\evil.example/x", "/\\/evil.example", "/\t/evil.example"])
def test_next_that_a_browser_reads_as_another_site_is_refused(client, target):
    """Browsers read a backslash as a slash and drop tabs: ``/\\host`` is ``//host``."""
    r = client.post(
        "/login",
        query_string={"next": target},
        data={"username": "s_admin", "password": PASSWORD},
    )
    assert r.headers["Location"] == "/"


def test_change_password_ends_other_sessions(app, world, as_user):
    first = as_user("worker")
    second = as_user("worker")
    r = first.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "new-password-9",
            "confirm_password": "new-password-9",
        },
    )
    assert r.status_code == 302
    assert first.get("/").status_code == 200  # the session that changed it stays signed in
    assert second.get("/").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert login(fresh, "worker", PASSWORD).status_code == 401
    assert login(fresh, "worker", "new-password-9").status_code == 302


def test_change_password_errors(as_user):
    c = as_user("worker")
    r = c.post(
        "/account/password",
        data={
            "current_password": "wrong",
            "new_password": "new-password-9",
            "confirm_password": "new-password-9",
        },
    )
    assert r.status_code == 422 and 'class="field-error"' in r.text
    r = c.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert r.status_code == 422
    r = c.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "new-password-9",
            "confirm_password": "other-password-9",
        },
    )
    assert r.status_code == 422


def test_new_accounts_must_change_their_password_first(as_user, app):
    admin = as_user("c_admin")
    r = admin.post(
        "/api/v1/users",
        json={
            "username": "newbie",
            "display_name": "新人",
            "password": "first-pass-1",
            "home_node": "110105001001",
        },
    )
    assert r.status_code == 201 and r.json["must_change_password"] is True
    c = app.test_client()
    assert login(c, "newbie", "first-pass-1").status_code == 302
    assert c.get("/tree").headers["Location"] == "/account/password"
    assert c.get("/api/v1/nodes").status_code == 403
    c.post(
        "/account/password",
        data={
            "current_password": "first-pass-1",
            "new_password": "second-pass-2",
            "confirm_password": "second-pass-2",
        },
    )
    assert c.get("/").status_code == 200


def test_session_protection_drops_a_stolen_cookie(client):
    browser = {"User-Agent": "original browser"}
    client.post("/login", data={"username": "s_admin", "password": PASSWORD}, headers=browser)
    assert client.get("/", headers=browser).status_code == 200
    # The same cookie from another browser identity is not accepted (strong protection).
    r = client.get("/", headers={"User-Agent": "somebody else"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_session_protection_drops_a_cookie_from_another_address(app, client):
    """The browser's identifier is worked out once per address and agent (``core.auth``); the
    same agent at another address is still somebody else."""
    browser = {"User-Agent": "original browser"}
    client.post("/login", data={"username": "s_admin", "password": PASSWORD}, headers=browser)
    for _ in range(2):
        assert client.get("/", headers=browser).status_code == 200
    cookie = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    r = thief.get("/", headers=browser, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    proxied = app.test_client()
    proxied.set_cookie("session", cookie)
    r = proxied.get("/", headers={**browser, "X-Forwarded-For": "10.1.2.3"})
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")


def test_csrf_is_enforced_on_forms_and_session_api(database_url, tmp_path, world):
    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": database_url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        },
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
    )
    c = app.test_client()
    assert c.post("/login", data={"username": "s_admin", "password": PASSWORD}).status_code == 400
    token = csrf_token_from(c.get("/login").text)
    assert (
        c.post(
            "/login", data={"username": "s_admin", "password": PASSWORD, "csrf_token": token}
        ).status_code
        == 302
    )
    r = c.patch("/api/v1/nodes/110105001001", json={"name": "改名"})
    assert r.status_code == 400 and r.json["error"]["code"] == "csrf"
    token = csrf_token_from(c.get("/").text)
    r = c.patch("/api/v1/nodes/110105001001", json={"name": "改名"}, headers={"X-CSRFToken": token})
    assert r.status_code == 200
    # Regression: any Authorization header switched the check off for a cookie session, so a
    # forged request only had to add "Bearer junk". Only a token that signs the request in does.
    forged = c.patch(
        "/api/v1/nodes/110105001001",
        json={"name": "伪造"},
        headers={"Authorization": "Bearer junk"},
    )
    assert forged.status_code == 400 and forged.json["error"]["code"] == "csrf"
    made = c.post("/api/v1/me/tokens", json={"name": "脚本"}, headers={"X-CSRFToken": token})
    script = app.test_client()  # no cookie: the token alone signs it in, no CSRF token needed
    signed = {"Authorization": f"Bearer {made.json['token']}"}
    assert (
        script.patch(
            "/api/v1/nodes/110105001001", json={"name": "改名"}, headers=signed
        ).status_code
        == 200
    )
    junk = {"Authorization": "Bearer junk"}
    assert (
        script.patch("/api/v1/nodes/110105001001", json={"name": "x"}, headers=junk).status_code
        == 401
    )


def test_api_tokens(as_user, app, world):
    c = as_user("s_admin")
    r = c.post("/api/v1/me/tokens", json={"name": "report script"})
    assert r.status_code == 201
    token = r.json["token"]
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/me").status_code == 401
    me = anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json["username"] == "s_admin"
    assert me.json["permissions"]["tenants.manage"] == ["110105001"]
    # Tokens work for the API only, and stop working when revoked.
    assert anonymous.get("/tree", headers={"Authorization": f"Bearer {token}"}).status_code == 302
    from core.models import ApiToken

    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    assert c.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert (
        anonymous.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    assert (
        anonymous.get("/api/v1/me", headers={"Authorization": "Bearer jd_nonsense"}).status_code
        == 401
    )


def throttling_app(database_url: str, tmp_path) -> Flask:
    """An app on the test database with sign-in throttling on (the testing default is off)."""
    return create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": database_url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        },
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=True,
        PASSWORD_HASH_METHOD="pbkdf2:sha256:1000",
    )


def test_password_guessing_is_throttled_per_account(database_url, tmp_path, world):
    """Regression (issue 12, finding 5): 200 wrong passwords, no slow-down, then the right one
    worked. After ten failures an account answers 429 with Retry-After, even to the right
    password; another account at the same address still signs in; failures are audited."""
    from core.models import AuditLog

    app = throttling_app(database_url, tmp_path)
    client = app.test_client()
    for _attempt in range(10):
        assert login(client, "s_admin", "guess").status_code == 401
    blocked = login(client, "s_admin")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert login(app.test_client(), "c_admin").status_code == 302
    with app.app_context():
        failed = db.session.scalars(
            sa.select(AuditLog).where(AuditLog.action == "user.login_failed")
        ).all()
        assert len(failed) == 10 and {e.details["address"] for e in failed} == {"127.0.0.1"}


def test_an_app_without_throttling_stays_so_after_another_throttles(
    database_url, tmp_path, client, world
):
    """Regression: the limiter is one per process, and an app that turned it on (the test
    above) turned it on for every app: later sign-ins of the same account got a 429."""
    throttling = throttling_app(database_url, tmp_path)
    guesser = throttling.test_client()
    for _attempt in range(11):
        login(guesser, "s_admin", "guess")
    assert login(guesser, "s_admin").status_code == 429
    for _attempt in range(11):
        assert login(client, "s_admin", "guess").status_code == 401
    assert login(client, "s_admin").status_code == 302
