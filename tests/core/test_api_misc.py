"""API plumbing: OpenAPI document, health check, error format, one assignments query per request."""

import sqlalchemy as sa
from sqlalchemy import event

from core.db import db


def test_openapi_document_lists_the_endpoints(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    spec = r.json
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path, method in [
        ("/api/v1/nodes", "get"),
        ("/api/v1/nodes", "post"),
        ("/api/v1/nodes/{ref}", "get"),
        ("/api/v1/nodes/{ref}", "patch"),
        ("/api/v1/nodes/{ref}/children", "get"),
        ("/api/v1/users", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/{user_id}", "patch"),
        ("/api/v1/users/{user_id}/assignments", "post"),
        ("/api/v1/me", "get"),
        ("/api/v1/audit", "get"),
    ]:
        assert method in paths[path], (path, method)
    create = paths["/api/v1/nodes"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "NodeCreate"
    )
    assert "NodeCreate" in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["NodeCreate"]["required"]) == {
        "parent",
        "kind",
        "code",
        "name",
    }


def test_openapi_document_validates(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").json)


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json["database"] == "ok" and r.json["version"]
    assert "tenants.component" in r.json["components"]
    # The test app carries deliberately broken plugins, so the platform reports itself degraded.
    assert r.json["status"] == "degraded"
    assert r.json["plugins"]["ledger"]["status"] == "active"


def test_errors_are_json_with_a_4xx(as_user, client):
    assert client.get("/api/v1/nodes").status_code == 401
    assert client.get("/api/v1/nodes").json["error"]["code"] == "unauthorized"
    c = as_user("d_admin")
    r = c.delete("/api/v1/nodes")
    assert r.status_code == 405 and r.json["error"]["code"] == "method_not_allowed"
    r = c.get("/api/v1/nowhere")
    assert r.status_code == 404 and set(r.json["error"]) == {"code", "message", "fields"}
    page = c.get("/nowhere")
    assert page.status_code == 404 and "<html" in page.text


def test_one_query_for_the_users_assignments_per_request(as_user, app):
    c = as_user("s_admin")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        r = c.get("/n/110105001")  # page with breadcrumb, nav, children, links: many checks
        assert r.status_code == 200
        cold = list(statements)
        statements.clear()
        assert c.get("/n/110105001").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assignment_queries = [s for s in cold if "core_assignment" in s]
    assert len(assignment_queries) == 1, assignment_queries
    # No N+1 over children; one of them asks which modules' roll-ups run beneath (the sidebar),
    # one reads the access stamp.
    assert len(cold) <= 12, cold
    # The next request reuses the grants its process loaded while the stamp stands.
    assert not [s for s in statements if "core_assignment" in s], statements
    assert len(statements) < len(cold)


def test_scoped_list_filters_in_sql(as_user, app):
    """The node list is filtered before loading: the SQL carries the street's key."""
    c = as_user("s_admin")
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn, cursor, statement, *a: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        c.get("/api/v1/nodes")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    listing = [
        s
        for s in statements
        if s.lstrip().upper().startswith("SELECT") and "tenants_node.street_id =" in s
    ]
    assert listing, statements
    with app.app_context():
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("tenants_node"))) == 11
        )


def test_an_id_too_large_for_the_database_names_no_record(as_user):
    """Regression (found by fuzzing): /api/v1/presets/9223372036854775808 answered 500, the
    number overflowing SQLite's integer (PostgreSQL's is smaller still)."""
    c = as_user("d_admin")
    for url in ("/api/v1/presets/9223372036854775808", "/api/v1/presets/2147483648"):
        response = c.get(url)
        assert response.status_code == 404, url
        assert response.get_json()["error"]["code"]
    assert c.get("/api/v1/presets/2147483647").status_code == 404  # in range: looked up


def test_text_with_a_nul_character_is_refused_not_stored(as_user, client):
    """Regression (issue 12, finding 7): PostgreSQL cannot store NUL, so a NUL byte in any text
    answered 500 there; it is a 4xx naming the field everywhere."""
    from tests.conftest import PASSWORD

    signed_in = client.post("/login", data={"username": "s_admin\x00", "password": PASSWORD})
    assert 400 <= signed_in.status_code < 500
    c = as_user("d_admin")
    renamed = c.patch("/api/v1/nodes/110105001001", json={"name": "永安里\u0000东"})
    assert renamed.status_code == 422, renamed.json
    searched = c.get("/api/v1/nodes/110105001/children?q=%00")
    assert searched.status_code == 422 and "q" in searched.json["error"]["fields"]


def test_a_nul_character_in_a_path_is_refused_naming_the_parameter(as_user):
    """Regression (issue 12, finding 7): ``/api/v1/nodes/a%00b`` answered 500 on PostgreSQL,
    which cannot compare text holding NUL; a path's text parameters are refused like any other
    text, on every database."""
    c = as_user("d_admin")
    for url, name in (
        ("/api/v1/nodes/a%00b", "ref"),
        ("/api/v1/c/110105001001%00/safety/hazards", "community"),
        ("/api/v1/r/110105%00/safety/hazards", "node"),
        ("/n/110105%00", "ref"),
    ):
        response = c.get(url)
        assert response.status_code == 422, (url, response.status_code)
        if url.startswith("/api/"):
            assert name in response.json["error"]["fields"], url


def test_page_numbers_and_years_out_of_range_are_refused(as_user):
    c = as_user("d_admin")
    for url in (
        "/api/v1/nodes/110105001/children?page=99999999999999999999",
        "/api/v1/nodes/110105001/children?per_page=-3",
    ):
        assert 400 <= c.get(url).status_code < 500, url


def test_a_server_error_speaks_the_users_language(database_url, tmp_path, world):
    """Regression (issue 12, finding 15): the 500 page was werkzeug's English inside the
    Chinese interface; the API's error had no code of its own."""
    from core.app import create_app

    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": database_url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        },
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,
        WTF_CSRF_ENABLED=False,
    )

    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    app.add_url_rule("/api/v1/broken", "api_broken", broken)
    client = app.test_client()
    page = client.get("/broken")
    assert page.status_code == 500 and "服务器出错了" in page.text
    assert "Internal Server Error" not in page.text
    api = client.get("/api/v1/broken")
    assert api.status_code == 500 and api.json["error"]["code"] == "server_error"


def test_an_unreachable_database_is_a_503_that_asks_to_retry(tmp_path):
    """Regression (issue 12, finding 10): while the database was down, pages showed werkzeug's
    bare "Internal Server Error" and the API {"code": "error"}."""
    from core.app import create_app

    gone = tmp_path / "no such folder" / "jiedao.db"  # SQLite cannot open it: like a dead server
    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": f"sqlite:///{gone}",
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        },
        TESTING=False,
        PROPAGATE_EXCEPTIONS=False,
        WTF_CSRF_ENABLED=False,
    )
    client = app.test_client()
    api = client.get("/api/v1/me", headers={"Authorization": "Bearer jd_anything"})
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.json["error"]["code"] == "unavailable"
    page = client.post("/login", data={"username": "s_admin", "password": "x"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "服务暂时不可用" in page.text and "data-unavailable" in page.text


def test_a_database_lost_after_the_answer_does_not_turn_it_into_a_500(as_user, monkeypatch):
    """Regression (issue 12, load test with a PostgreSQL restart): the session's rollback at the
    end of a request ran on a dead connection and raised, so gunicorn answered 500 for a page
    already made; the broken session then stayed with the thread."""
    import sqlalchemy as sa

    from core.db import _AppBoundSession

    worker = as_user("worker")
    close = _AppBoundSession.close
    failures = []

    def dies_once(self):
        if not failures:
            failures.append(1)
            raise sa.exc.OperationalError("ROLLBACK", {}, Exception("terminating connection"))
        return close(self)

    monkeypatch.setattr(_AppBoundSession, "close", dies_once)
    assert worker.get("/").status_code == 200
    assert failures == [1]
    assert worker.get("/api/v1/me").status_code == 200  # the next request has a sound session


def test_every_answer_carries_the_security_headers(as_user, client, app, world):
    """Regression (issue 12, finding 6): no CSP, no framing rule, no referrer policy, and pages
    with personal data cached."""
    anonymous = client.get("/login")
    csp = anonymous.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert anonymous.headers["X-Content-Type-Options"] == "nosniff"
    assert anonymous.headers["Referrer-Policy"] == "same-origin"
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    worker = as_user("worker")
    home = worker.get("/")
    assert home.headers["Cache-Control"] == "no-store"
    api = worker.get("/api/v1/me")
    assert api.headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in api.headers
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node("110105001001"), "registry")
        db.session.commit()
    export = worker.get("/n/110105001001/exports/registry.residents.xlsx")
    assert export.status_code == 200 and export.headers["Cache-Control"] == "no-store"


def test_a_page_with_an_inline_script_names_its_nonce_and_https_is_kept(
    database_url, tmp_path, world
):
    """The policy lets a response's own inline script run (its nonce, new per response), and
    an app whose cookies are Secure tells browsers to keep to HTTPS."""
    import re

    from flask import render_template_string

    from tests.conftest import make_app

    app = make_app(database_url, tmp_path, SESSION_COOKIE_SECURE=True)
    app.add_url_rule(
        "/inline", "inline", lambda: render_template_string('<script nonce="{{ csp_nonce() }}">')
    )
    client = app.test_client()
    nonces = []
    for _ in range(2):
        page = client.get("/inline")
        nonce = re.search(r'nonce="([^"]+)"', page.text).group(1)
        assert f"script-src 'self' 'nonce-{nonce}';" in page.headers["Content-Security-Policy"]
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    plain = client.get("/login")
    assert "nonce-" not in plain.headers["Content-Security-Policy"]


def test_no_template_holds_an_inline_event_handler():
    """The CSP allows no inline script: handlers live in jiedao.js (data-autosubmit, data-print)
    and an inline <script> carries the response's nonce."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in [*root.glob("core/templates/**/*.html"), *root.glob("tenants/templates/**/*.html"),
                 *root.glob("plugins/*/templates/**/*.html")]:  # fmt: skip
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m}" for m in re.findall(r"\son[a-z]+=\"", text)]
        found += [
            f"{path.name}: <script> without a nonce"
            for m in re.finditer(r"<script(?![^>]*\b(src|nonce|type=\"application/json\"))", text)
        ]
    assert found == []


def test_an_id_beyond_the_column_is_a_404_whatever_the_method(as_user, client):
    """Regression (issue 12, finding 7, found by fuzzing): ``PATCH /api/v1/users/2147483648``
    answered 405 "method not allowed", the bound checked after werkzeug had matched the path
    to the GET rule beside it; the document now gives every id its bounds."""
    c = as_user("d_admin")
    for method, url in (
        ("PATCH", "/api/v1/users/2147483648"),
        ("GET", "/api/v1/users/9999999999"),
        ("PUT", "/api/v1/presets/2147483648"),
        ("DELETE", "/api/v1/presets/4251647861881"),
        ("DELETE", "/api/v1/c/110105001001/safety/hazards/2147483648"),
    ):
        response = c.open(url, method=method, json={})
        assert response.status_code == 404, (method, url, response.status_code)
    assert c.patch("/api/v1/users/2147483647", json={}).status_code == 404  # looked up
    doc = client.get("/api/v1/openapi.json").json
    (user_id,) = doc["paths"]["/api/v1/users/{user_id}"]["patch"]["parameters"]
    assert user_id["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def test_a_year_out_of_range_is_a_4xx_naming_the_year(app, world, as_user):
    """Regression (issue 12, finding 7): ``year=-69427822723`` on the indicators answered 500
    (a year beyond what a date holds), and a year of other digits than 0–9 (``²``) did on the
    ledgers' lists; each is a 4xx naming ``year`` on every list, figure and dashboard."""
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node("110105001001"), "safety")
        db.session.commit()
    c = as_user("d_admin")
    apis = [
        "/api/v1/nodes/110105001/indicators",
        "/api/v1/r/110105/safety/dashboard",
        *(
            f"/api/v1/c/110105001001/safety/{plural}"
            for plural in ("accidents", "activities", "trainings", "trainings/progress")
        ),
    ]
    pages = [
        "/r/110105/safety/dashboard",
        "/c/110105001001/safety/accidents",
        "/c/110105001001/safety/trainings/progress",
    ]
    for year in ("-69427822723", "99999999999999999999", "²", "0", "2026.5"):
        for url in apis:
            response = c.get(url, query_string={"year": year})
            assert response.status_code in (400, 422), (url, year, response.status_code)
            assert "year" in response.json["error"]["fields"], (url, year)
        for url in pages:
            response = c.get(url, query_string={"year": year})
            assert 400 <= response.status_code < 500, (url, year, response.status_code)
    assert c.get(apis[0], query_string={"year": "2026"}).status_code == 200


def test_the_document_gives_a_decimal_kept_as_text_as_text(client):
    """Found by fuzzing: an accident's direct_loss answers "303.00" (a Decimal dumped as
    text), while the document said a number."""
    doc = client.get("/api/v1/openapi.json").json
    loss = doc["components"]["schemas"]["SafetyAccidentRecord"]["properties"]["direct_loss"]
    assert loss["type"] == "string" and loss["format"] == "decimal" and loss["nullable"]


def test_each_module_names_its_schemas_in_the_document(client):
    """Two modules naming a schema alike (youth_care's and family_planning's ``Child``, every
    module's visits and activities) used to come out as ``Child``/``Child1``, numbered by the
    order the plugins loaded in; each name now says its module, and apispec warns of no clash."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        doc = client.get("/api/v1/openapi.json").json
    names = set(doc["components"]["schemas"])
    assert {"YouthCareChild", "FamilyPlanningChild", "YouthCareVisit", "SafetyVisit"} <= names
    assert {"SafetyActivityRecord", "EnvironmentAttendeeRecord", "VisitAssignment"} <= names
    assert {"User", "Node", "Assignment"} <= names  # core's own keep their names
    assert not [name for name in names if name[-1].isdigit() or "_" in name.lstrip("_")]
    visit = doc["components"]["schemas"]["YouthCareVisitRecord"]["properties"]
    assert "subject_kind" in visit
