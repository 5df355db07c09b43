"""The global search of the top bar: places and people across the reader's part of the tree,
names by their start, numbers only whole, identifiers masked without the sensitive permission
(and their unmasking audited with it), nothing outside the scope or where the module is off."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from core.db import db
from core.models import AuditLog
from tests.plugins.registry.conftest import make_id

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
PHONE = "13812345678"
WANG_ID = make_id(date(1962, 5, 1), 321)


def volunteer(client, ref: str, name: str, phone: str = "") -> int:
    answer = client.post(
        f"/api/v1/c/{ref}/volunteers", json={"name": name, "phone": phone, "kinds": ["mediator"]}
    )
    assert answer.status_code == 201, answer.json
    return answer.json["id"]


def found(client, text: str) -> dict:
    answer = client.get("/api/v1/search", query_string={"q": text})
    assert answer.status_code == 200, answer.json
    return answer.json


def titles(client, text: str) -> list[tuple[str, str]]:
    return [(r["title"], r["community"]) for r in found(client, text)["records"]]


@pytest.fixture
def people(as_user):
    d = as_user("d_admin")
    volunteer(as_user("worker"), A1, "王秀兰", PHONE)
    volunteer(d, B1, "王秀英", "13900001111")
    return d


def test_names_are_found_across_the_readers_scope_only(people, as_user):
    assert sorted(titles(people, "王秀")) == [("王秀兰", A1), ("王秀英", B1)]
    assert titles(as_user("s_admin"), "王秀") == [("王秀兰", A1)]  # street A only
    assert titles(as_user("c_admin"), "王秀英") == []
    assert titles(as_user("leader"), "王秀") == []  # no volunteer register at a building


def test_numbers_match_whole_and_are_masked_without_the_permission(people, as_user, app):
    hit = found(as_user("inspector"), PHONE)["records"]
    assert [(h["title"], h["identifiers"]) for h in hit] == [("王秀兰", {"phone": "138****5678"})]
    assert found(as_user("inspector"), PHONE[:7])["records"] == []  # a part of a number: no
    assert found(as_user("inspector"), PHONE[-4:])["records"] == []
    page = as_user("inspector").get("/search", query_string={"q": PHONE}).text
    results = page.split('id="found-records"', 1)[1]
    assert "王秀兰" in results and "138****5678" in results and PHONE not in results
    worker = as_user("worker")
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    # The worker may see the phone: shown in clear, and audited like an unmasking.
    hit = found(worker, PHONE)["records"]
    assert hit[0]["identifiers"] == {"phone": PHONE}
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditLog).order_by(AuditLog.id.desc()).limit(1)
        ).all()
        after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog))
    assert after == before + 1
    assert entries[0].action == "volunteers.volunteer.unmask"
    assert entries[0].details == {"via": "search"}


def test_a_result_links_to_the_record_and_places_to_the_tree(people, as_user):
    s = as_user("s_admin")
    [hit] = found(s, "王秀兰")["records"]
    assert hit["url"].startswith(f"/c/{A1}/") and s.get(hit["url"]).status_code == 200
    places = found(s, "建国")["places"]
    assert [(p["id"], p["kind"]) for p in places] == [(A2, "community")]
    assert found(as_user("c_admin"), "建国")["places"] == []  # another community
    assert found(s, "朝外")["places"] == []  # another street
    page = s.get("/search", query_string={"q": "建国"}).text
    assert f'href="/n/{A2}"' in page and f"open={A2}" in page


def test_residents_by_their_whole_id_number_masked_for_those_without_the_permission(as_user, world):
    from core.db import db as database
    from tenants import modules

    with world.app.app_context():
        modules.enable(database.session, world.node(A1), "registry")
        database.session.commit()
    worker = as_user("worker")
    answer = worker.post(
        f"/api/v1/c/{A1}/registry/residents", json={"name": "李建华", "id_number": WANG_ID}
    )
    assert answer.status_code == 201, answer.json
    [hit] = found(as_user("inspector"), WANG_ID)["records"]
    assert hit["title"] == "李建华" and hit["ledger"] == "resident"
    assert hit["identifiers"]["id_number"] != WANG_ID and "*" in hit["identifiers"]["id_number"]
    assert found(as_user("inspector"), WANG_ID[-6:])["records"] == []  # no partial numbers
    assert found(as_user("s_admin"), "李建")["records"][0]["title"] == "李建华"
    # Where the registry is off, its residents are not searched.
    with world.app.app_context():
        modules.disable(database.session, world.node(A1), "registry")
        database.session.commit()
    assert found(as_user("d_admin"), WANG_ID)["records"] == []


@pytest.mark.parametrize(
    ("query", "status"), [({}, 422), ({"q": "  "}, 422), ({"q": "王" * 65}, 422)]
)
def test_bad_input_is_refused_by_name(as_user, query, status):
    answer = as_user("d_admin").get("/api/v1/search", query_string=query)
    assert answer.status_code == status
    assert "q" in answer.json["error"]["fields"]


def test_the_page_and_the_top_bar(as_user, client):
    d = as_user("d_admin")
    home = d.get("/tree").text
    assert 'action="/search"' in home  # the top bar's box
    assert d.get("/search").status_code == 200
    assert d.get("/search", query_string={"q": "王" * 65}).status_code == 422
    assert 'id="no-results"' in d.get("/search", query_string={"q": "没有这个人"}).text
    assert client.get("/search").status_code == 302  # to the sign-in page
    assert client.get("/api/v1/search?q=王").status_code == 401
