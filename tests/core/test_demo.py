"""``jiedao demo`` seeds a district the tests can sign in to, and does it idempotently."""

import sqlalchemy as sa
from click.testing import CliRunner

from core import cli as cli_module
from core.app import create_app
from core.db import db
from core.plugins import load_plugins


def test_demo_seeds_a_district_that_accepts_every_demo_account(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("JIEDAO_DATABASE_URL", url)
    monkeypatch.setenv("JIEDAO_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("JIEDAO_ENV", raising=False)
    monkeypatch.setattr(cli_module, "_app", None)
    load_plugins().call("jiedao_cli", cli=cli_module.cli)
    runner = CliRunner()
    result = runner.invoke(cli_module.cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for username in (
        "admin",
        "street_admin",
        "community_admin",
        "worker",
        "building_leader",
        "inspector",
        "judicial",  # the plugins' accounts (core.accounts.services.demo_account) too
        "care_cadre",
    ):
        assert username in result.output
    again = runner.invoke(cli_module.cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert again.exit_code == 0

    monkeypatch.setattr(cli_module, "_app", None)
    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        },
        WTF_CSRF_ENABLED=False,
    )
    with app.app_context():
        kinds = dict(
            db.session.execute(
                sa.text("SELECT kind, count(*) FROM tenants_node GROUP BY kind")
            ).all()
        )
        users = db.session.execute(sa.text("SELECT count(*) FROM core_user")).scalar()
    assert kinds["district"] == 1 and kinds["street"] >= 2 and kinds["community"] >= 6
    assert kinds["building"] >= 10 * kinds["community"]
    assert users == 8  # the second run created nothing new
    c = app.test_client()
    r = c.post("/login", data={"username": "admin", "password": "jiedao-demo"})
    assert r.status_code == 302
    presets = {p["name"] for p in c.get("/api/v1/nodes/110105/presets").json["items"]}
    assert presets == {"标准城市社区", "农村社区"}
    streets = c.get("/api/v1/nodes/110105/children").json
    assert streets["total"] >= 2
    assert all(len(s["code"]) == 9 and s["code"].startswith("110105") for s in streets["items"])
    w = app.test_client()
    assert (
        w.post("/login", data={"username": "worker", "password": "jiedao-demo"}).status_code == 302
    )
    assert (
        w.get("/api/v1/nodes/110105002").status_code == 404
    )  # the worker sees their community only


def test_create_admin_makes_the_first_district(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    monkeypatch.setenv("JIEDAO_DATABASE_URL", url)
    monkeypatch.setenv("JIEDAO_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("JIEDAO_ENV", "development")
    monkeypatch.setattr(cli_module, "_app", None)
    load_plugins().call("jiedao_cli", cli=cli_module.cli)
    runner = CliRunner()
    assert runner.invoke(cli_module.cli, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(
        cli_module.cli,
        [
            "create-admin",
            "boss",
            "--district",
            "110105",
            "--district-name",
            "朝阳区",
            "--password",
            "a-good-password",
        ],
    )
    assert result.exit_code == 0, result.output
    bad = runner.invoke(
        cli_module.cli,
        [
            "create-admin",
            "boss2",
            "--district",
            "110000",
            "--district-name",
            "北京市",
            "--password",
            "a-good-password",
        ],
    )
    assert bad.exit_code != 0 and "00" in bad.output
    monkeypatch.setattr(cli_module, "_app", None)
    app = create_app(
        {
            "JIEDAO_ENV": "testing",
            "JIEDAO_DATABASE_URL": url,
            "JIEDAO_INSTANCE_PATH": str(tmp_path),
        },
        WTF_CSRF_ENABLED=False,
    )
    c = app.test_client()
    assert (
        c.post("/login", data={"username": "boss", "password": "a-good-password"}).status_code
        == 302
    )
    assert c.get("/api/v1/me").json["permissions"]["tenants.manage"] == ["110105"]
