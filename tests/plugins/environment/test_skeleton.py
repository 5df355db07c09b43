"""The plugin loads, its tables match its migration, and its pages answer only where it is on."""

from core.testing import schema_differences

from .conftest import A1, B1, page


def test_models_match_migrations(database_url):
    assert schema_differences(database_url, "environment_") == []


def test_the_overview_answers_where_the_module_is_on(enable, as_user):
    enable(A1)
    worker = as_user("worker")
    html = worker.get(page(A1) + "/").get_data(as_text=True)
    assert "环境卫生" in html
    assert worker.get(page(B1) + "/").status_code == 404


def test_every_message_has_its_chinese_translation():
    from pathlib import Path

    import plugins.environment
    from core.testing import catalogue_gaps

    assert catalogue_gaps(Path(plugins.environment.__file__).parent) == []


def test_the_signing_and_reviewing_permissions_go_to_admins(app, world):
    import sqlalchemy as sa

    from core.db import db
    from core.models import User
    from core.permissions import load_scope, registry

    def held(username: str, ref: str) -> set[str]:
        user_id = db.session.scalar(sa.select(User.id).where(User.username == username))
        scope = load_scope(db.session, user_id)
        found = scope.permissions_at(world.node(ref).path, registry())
        return {p for p in found if p.startswith("environment.")}

    with app.app_context():
        assert held("worker", A1) == {"environment.view", "environment.edit"}
        assert {"environment.letter.sign", "environment.sensitive.view", "environment.checklists",
                "environment.restore"} <= held("c_admin", A1)  # fmt: skip
        assert "environment.review" in held("s_admin", A1)
        assert "environment.review" not in held("c_admin", A1)
        assert held("inspector", A1) == {"environment.view"}
        assert held("leader", A1 + "-bb01") == set()
