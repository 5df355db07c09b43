"""registry_0004 on a database that holds registry_0003's rows: every row stays, households get
their head as a member, unit kind ``social`` becomes ``social_org``, industry texts become keys
(an unknown text kept in the notes), the 老年人/育龄妇女 tags give way to age bands that say what
they said; the downgrade brings all of it back and refuses while a resident has no ID."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from core.db import db
from tests.core.test_attachments import (
    fresh_database_url,  # noqa: F401 - the fixture
    migrated_app,
)

from .conftest import A1, api, make_code, make_id

BUILDING = "110105001001-bb01"
NOW = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def _rows(table: str) -> int:
    return db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {table}"))


def _insert(table: str, values: dict) -> int:
    keys = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    db.session.execute(sa.text(f"INSERT INTO {table} ({keys}) VALUES ({marks})"), values)
    return db.session.scalar(sa.text(f"SELECT MAX(id) FROM {table}"))


def _tags() -> set[tuple[str, str]]:
    rows = db.session.execute(
        sa.text(
            "SELECT r.name, t.tag FROM registry_resident_tag t "
            "JOIN registry_resident r ON r.id = t.resident_id"
        )
    )
    return set(rows.all())


def test_registry_0004_up_and_down_keeps_every_row(fresh_database_url, tmp_path):  # noqa: F811
    from core import migrate
    from core.testing import build_world, login
    from plugins.registry.ages import band_clause
    from plugins.registry.models import RegistryResident
    from tenants import modules
    from tests.conftest import ACCOUNTS, WORLD, plugins_for_tests

    url, plugins = fresh_database_url, plugins_for_tests()
    migrate.upgrade(url, plugins=plugins)
    app = migrated_app(url, tmp_path)
    try:
        world = build_world(app, WORLD, ACCOUNTS)
        with app.app_context():
            modules.enable(db.session, world.node(A1), "registry")
            db.session.commit()
            building, community = world.node(BUILDING), world.node(A1)
            keys = {
                "node_id": building.id,
                "district_id": building.district_id,
                "street_id": building.street_id,
                "community_id": community.id,
                "created_at": NOW,
                "updated_at": NOW,
                "notes": "",
            }
            db.session.remove()
        migrate.downgrade(url, "registry@registry_0003", plugins=plugins)
        with app.app_context():
            houses = {
                head: _insert(
                    "registry_household",
                    {**keys, "entrance": "", "room": room, "head_name": head, "tenure": "owned"},
                )
                for room, head in (("101", "张伟"), ("102", "李娜"), ("103", "无名"))
            }
            people = {}
            for n, (name, gender, born, house, relation, status, tags) in enumerate(
                [
                    ("张伟", "M", date(1950, 3, 1), "张伟", "head", "registered", ["elderly", "dibao"]),
                    ("李娜", "F", date(1985, 7, 1), "李娜", "spouse", "registered", ["childbearing_woman"]),
                    ("王五", "M", date(2015, 1, 1), "李娜", "child", "registered", []),
                    ("赵六", "F", date(1940, 1, 1), "无名", "other", "floating", ["elderly"]),
                    ("钱七", "F", date(1990, 1, 1), "无名", "other", "moved_out", ["childbearing_woman"]),
                ]
            ):  # fmt: skip
                number = make_id(born, 100 + n * 2 + (gender == "M"))
                people[name] = _insert(
                    "registry_resident",
                    {
                        **keys,
                        "name": name,
                        "gender": gender,
                        "id_number": number,
                        "id_reversed": number[::-1],
                        "birth_date": born,
                        "mobile": "",
                        "ethnicity": "汉族",
                        "hukou_address": "",
                        "current_address": "",
                        "status": status,
                        "household_id": houses[house],
                        "relation": relation,
                    },
                )
                for tag in tags:
                    db.session.execute(
                        sa.text("INSERT INTO registry_resident_tag VALUES (:r, :t)"),
                        {"r": people[name], "t": tag},
                    )
            units = {}
            for n, (name, kind, industry, notes) in enumerate(
                [
                    ("协会", "social", "餐饮业", ""),
                    ("老店", "shop", "奇怪行业", "老字号"),
                    ("公司", "enterprise", "", ""),
                    ("软件公司", "enterprise", "信息技术", ""),
                ]
            ):
                units[name] = _insert(
                    "registry_unit",
                    {
                        **keys,
                        "name": name,
                        "credit_code": make_code(f"MA0{n:05d}X"),
                        "kind": kind,
                        "legal_representative": "",
                        "contact_name": "",
                        "contact_phone": "",
                        "address": "",
                        "industry": industry,
                        "size_class": "below",
                        "notes": notes,
                    },
                )
            db.session.commit()
            tagged = _tags()
            db.session.remove()

        migrate.upgrade(url, plugins=plugins)
        with app.app_context():
            counts = {
                t: _rows(t) for t in ("registry_resident", "registry_household", "registry_unit")
            }
            assert counts == {"registry_resident": 5, "registry_household": 3, "registry_unit": 4}
            heads = dict(
                db.session.execute(
                    sa.text("SELECT head_name, head_id FROM registry_household")
                ).all()
            )
            # by the relation head; by the name among the members; nobody fits
            assert heads == {"张伟": people["张伟"], "李娜": people["李娜"], "无名": None}
            found = {
                name: (kind, industry, notes)
                for name, kind, industry, notes in db.session.execute(
                    sa.text("SELECT name, kind, industry, notes FROM registry_unit")
                )
            }
            assert found == {
                "协会": ("social_org", "catering", ""),
                "老店": ("shop", "other", "老字号\n行业：奇怪行业"),
                "公司": ("enterprise", "", ""),
                "软件公司": ("enterprise", "it", ""),
            }
            assert _tags() == {("张伟", "dibao")}
            present = RegistryResident.status.in_(("registered", "floating"))
            for band, tag in (("elderly", "elderly"), ("childbearing", "childbearing_woman")):
                clause = band_clause(band, RegistryResident.birth_date, RegistryResident.gender)
                banded = set(
                    db.session.scalars(sa.select(RegistryResident.name).where(clause, present))
                )
                assert banded == {name for name, t in tagged if t == tag} - {"钱七"}, band
            presence = db.session.scalar(sa.text("SELECT DISTINCT presence FROM registry_resident"))
            assert presence == "consistent"
            db.session.remove()
        client = app.test_client()
        assert login(client, "c_admin").status_code == 302
        elderly = client.get(f"{api()}/residents?age_band=elderly").json
        assert sorted(i["name"] for i in elderly["items"]) == ["张伟", "赵六"]
        household = client.get(f"{api()}/households/{houses['李娜']}").json
        assert household["head_id"] == people["李娜"]
        baby = client.post(
            f"{api()}/residents",
            json={"name": "小宝", "birth_certificate_number": "Q110123456",
                  "birth_date": "2025-12-01", "gender": "F"},
        )  # fmt: skip
        assert baby.status_code == 201, baby.json

        with pytest.raises(RuntimeError, match="1 residents have no ID number"):
            migrate.downgrade(url, "registry@registry_0003", plugins=plugins)
        with app.app_context():
            assert _rows("registry_resident") == 6  # refused: nothing was undone
            db.session.execute(
                sa.text("DELETE FROM registry_resident WHERE id = :i"), {"i": baby.json["id"]}
            )
            db.session.commit()
            db.session.remove()
        migrate.downgrade(url, "registry@registry_0003", plugins=plugins)
        with app.app_context():
            counts = {
                t: _rows(t) for t in ("registry_resident", "registry_household", "registry_unit")
            }
            assert counts == {"registry_resident": 5, "registry_household": 3, "registry_unit": 4}
            # The tags come back on the residents living there whom their age gives them.
            assert _tags() == tagged - {("钱七", "childbearing_woman")}
            back = {
                name: (kind, industry, notes)
                for name, kind, industry, notes in db.session.execute(
                    sa.text("SELECT name, kind, industry, notes FROM registry_unit")
                )
            }
            assert back == {
                "协会": ("social", "餐饮", ""),
                "老店": ("shop", "奇怪行业", "老字号"),
                "公司": ("enterprise", "", ""),
                "软件公司": ("enterprise", "信息技术", ""),
            }
            columns = {c["name"] for c in sa.inspect(db.engine).get_columns("registry_household")}
            assert "head_id" not in columns and "rental" not in columns
            resident_columns = sa.inspect(db.engine).get_columns("registry_resident")
            id_number = next(c for c in resident_columns if c["name"] == "id_number")
            assert id_number["nullable"] is False
            db.session.remove()
        migrate.upgrade(url, plugins=plugins)  # and up again
        with app.app_context():
            assert _rows("registry_resident") == 5 and _tags() == {("张伟", "dibao")}
            db.session.remove()
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
