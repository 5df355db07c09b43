"""Long lists: pages walked by cursor return every row exactly once (also when rows are added
meanwhile, in any sortable order, NULLs included), a bad cursor is refused by name, and past
the exact-count threshold the total is shown as the estimate it is."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask import Flask

import core.api
from core.db import db
from plugins.registry.models import RegistryResident
from tenants import modules
from tests.core.test_statements import RowMaker

A1 = "110105001001"
LIST = f"/api/v1/c/{A1}/registry/residents"


@pytest.fixture
def residents(app: Flask, world: Any) -> Any:
    """``add(n)`` → ids of ``n`` new residents of A1, names repeating, some without a date."""
    with app.app_context():
        modules.enable(db.session, world.node(A1), "registry")
        db.session.commit()
    maker = RowMaker([])

    def add(count: int) -> list[int]:
        with app.app_context():
            maker.places = [world.node(A1)]
            ids = []
            for n in range(count):
                row = maker.make(RegistryResident)
                row.name = f"居民{n % 4}"
                row.arrived_on = date(2024, 1, 1 + n % 5) if n % 3 else None
                db.session.flush()
                ids.append(row.id)
            db.session.commit()
            return ids

    return add


def _walk(client: Any, url: str, *, backwards: bool = False, meanwhile: Any = None) -> list[int]:
    seen: list[int] = []
    page = client.get(url).json
    while True:
        assert "items" in page, page
        ids = [item["id"] for item in page["items"]]
        seen = ids + seen if backwards else seen + ids
        if meanwhile is not None:
            meanwhile()
            meanwhile = None
        cursor = page["prev_cursor" if backwards else "next_cursor"]
        if cursor is None:
            if backwards and page["page"] == 2:  # page 1 is reached by number
                first = client.get(f"{url}&page=1").json
                seen = [item["id"] for item in first["items"]] + seen
            return seen
        step = -1 if backwards else 1
        page = client.get(f"{url}&cursor={cursor}&page={page['page'] + step}").json


@pytest.mark.parametrize("sort", ["", "name", "-name", "arrived_on", "-arrived_on"])
def test_a_walk_by_cursor_returns_every_row_once(as_user, residents, sort):
    ids = residents(23)
    client = as_user("worker")
    url = f"{LIST}?per_page=5&sort={sort}"
    forward = _walk(client, url)
    assert sorted(forward) == sorted(ids) and len(forward) == len(ids)
    by_number = [
        item["id"]
        for page in range(1, 6)
        for item in client.get(f"{url}&page={page}").json["items"]
    ]
    assert forward == by_number  # the same order as the numbered pages
    last = client.get(f"{url}&page=5").json
    assert last["next_cursor"] is None and last["prev_cursor"] is not None
    back = _walk(client, f"{url}&page=5", backwards=True)
    assert back == forward


def test_rows_added_during_a_walk_do_not_repeat_or_hide_others(as_user, residents):
    ids = residents(17)
    client = as_user("worker")
    forward = _walk(client, f"{LIST}?per_page=4&sort=name", meanwhile=lambda: residents(6))
    assert set(ids) <= set(forward) and len(forward) == len(set(forward))


@pytest.mark.parametrize("cursor", ["x", "a" * 3000, "eyJvIjoiMSJ9.AAAA"])
def test_a_bad_cursor_is_refused_by_name(as_user, residents, cursor):
    residents(3)
    answer = as_user("worker").get(f"{LIST}?cursor={cursor}")
    assert answer.status_code == 422
    assert "cursor" in answer.json["error"]["fields"]


def test_a_cursor_of_another_order_is_refused(as_user, residents):
    residents(6)
    client = as_user("worker")
    cursor = client.get(f"{LIST}?per_page=2&sort=name").json["next_cursor"]
    answer = client.get(f"{LIST}?per_page=2&sort=-arrived_on&cursor={cursor}")
    assert answer.status_code == 422 and "cursor" in answer.json["error"]["fields"]
    page = as_user("worker").get(f"/c/{A1}/registry/?per_page=2&sort=name&cursor={cursor}")
    assert page.status_code == 200  # the page it was made for


def test_beyond_the_threshold_the_total_is_an_estimate_and_says_so(as_user, residents, monkeypatch):
    residents(12)
    client = as_user("worker")
    monkeypatch.setattr(core.api, "EXACT_TOTAL_UP_TO", 10)
    monkeypatch.setattr(core.api, "estimated_rows", lambda _stmt: 2_000_000)
    answer = client.get(f"{LIST}?per_page=5").json
    assert answer["total"] == 2_000_000 and answer["total_exact"] is False
    assert answer["pages"] == 400_000
    html = client.get(f"/c/{A1}/registry/?per_page=5").get_data(as_text=True)
    assert "约 2,000,000 条" in html


def test_the_estimate_is_the_planners_on_postgresql_and_a_count_elsewhere(
    app, as_user, residents, monkeypatch
):
    residents(12)
    monkeypatch.setattr(core.api, "EXACT_TOTAL_UP_TO", 10)
    answer = as_user("worker").get(f"{LIST}?per_page=5").json
    with app.app_context():
        postgres = db.session.get_bind().dialect.name == "postgresql"
    if postgres:
        assert answer["total_exact"] is False and answer["total"] >= 11
    else:
        assert answer["total_exact"] is True and answer["total"] == 12
    assert len(answer["items"]) == 5 and answer["next_cursor"]
