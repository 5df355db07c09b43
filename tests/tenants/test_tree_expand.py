"""The expandable tree: a level loads when its node expands, with counts in one grouped query
whatever the number of children; search shows each match's path and opens the tree along it;
nothing outside the user's part of the tree is shown or loaded."""

from __future__ import annotations

import re
from contextlib import contextmanager

import sqlalchemy as sa

from core.db import db
from tenants import services
from tenants.models import Node

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"


def items(html: str) -> list[str]:
    return re.findall(r'<li role="treeitem" data-ref="([^"]+)"', html)


def counts_of(html: str, ref: str) -> dict[str, int]:
    item = html.split(f'data-ref="{ref}"', 1)[1].split("</li>", 1)[0]
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">[^<]*?(\d+)</span>', item)}


@contextmanager
def statements(app):
    """The SQL statements sent meanwhile."""
    sent: list[str] = []

    def listen(conn, cursor, statement, *args):
        sent.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def test_a_node_expands_into_its_children_with_their_counts(as_user, app, world):
    d = as_user("d_admin")
    page = d.get("/tree").text
    assert items(page) == [DISTRICT]  # only the root: nothing beneath is loaded yet
    assert counts_of(page, DISTRICT) == {"street": 2, "community": 3, "grid": 1, "building": 4}
    streets = d.get(f"/tree/children/{DISTRICT}").text
    assert items(streets) == [STREET_A, STREET_B]
    assert counts_of(streets, STREET_A) == {"community": 2, "grid": 1, "building": 3}
    communities = d.get(f"/tree/children/{STREET_A}").text
    assert items(communities) == [A1, A2]
    assert counts_of(communities, A1) == {"grid": 1, "building": 2}
    assert counts_of(communities, A2) == {"building": 1}
    a1 = d.get(f"/tree/children/{A1}").text
    assert set(items(a1)) == {f"{A1}-bb02", f"{A1}-gg1"}
    assert "data-tree-toggle" in a1.split(f'data-ref="{A1}-gg1"')[1]  # the grid expands
    assert "data-tree-toggle" not in a1.split(f'data-ref="{A1}-bb02"')[1].split("</li>")[0]


def test_counts_take_one_grouped_query_however_many_children(app, world):
    with app.app_context():
        street = world.node(STREET_A)
        with statements(app) as few:
            level = services.tree_level(db.session, street)
        assert len(level.rows) == 2
        for n in range(3, 13):
            services.create_node(
                db.session,
                parent=street,
                kind="community",
                code=f"110105001{n:03d}",
                name=f"{n}社区",
            )
        db.session.flush()
        with statements(app) as many:
            level = services.tree_level(db.session, street)
        assert len(level.rows) == 12
        db.session.rollback()
    assert len(few) == len(many) == 2  # the children, their counts


def test_search_gives_each_match_its_path_and_opens_the_tree_along_it(as_user, world):
    d = as_user("d_admin")
    found = d.get("/tree", query_string={"q": "2号楼"}).text
    assert "朝阳区 › 建外街道 › 永安里东社区" in found
    link = f"/tree?open={A1}-bb02#tree"
    assert link in found
    opened = d.get(link.split("#")[0]).text
    assert items(opened) == [DISTRICT, STREET_A, A1, f"{A1}-bb02", f"{A1}-gg1", A2, STREET_B]
    assert re.search(rf'data-ref="{A1}-bb02"[^>]*aria-current="true"', opened)
    assert B1 not in items(opened)  # street B stays closed
    assert 'class="breadcrumb"' in opened and "永安里东社区" in opened.split("breadcrumb")[1]


def test_the_tree_shows_and_loads_only_the_users_part(as_user, world):
    s = as_user("s_admin")
    assert items(s.get("/tree").text) == [STREET_A]
    assert s.get(f"/tree/children/{DISTRICT}").status_code == 404
    assert s.get(f"/tree/children/{STREET_B}").status_code == 404
    opened = s.get(f"/tree?open={B1}-bb01").text  # another street: as if it did not exist
    assert items(opened) == [STREET_A] and 'id="opened-at"' not in opened
    # Opened from their own root, never above it.
    assert items(s.get(f"/tree?open={A1}").text) == [STREET_A, A1, A2]
    leader = as_user("leader")
    assert items(leader.get("/tree").text) == [f"{A1}-bb01"]
    assert leader.get(f"/tree/children/{A1}").status_code == 404
    assert "吉祥里社区" not in s.get("/tree", query_string={"q": "社区"}).text


def test_a_level_beyond_its_size_says_how_many_more(app, world, monkeypatch):
    monkeypatch.setattr(services, "TREE_CHILDREN", 1)
    with app.app_context():
        level = services.tree_level(db.session, world.node(STREET_A))
        assert [r.node.ref for r in level.rows] == [A1] and level.more == 1
        kept = services.tree_level(
            db.session,
            world.node(STREET_A),
            keep=db.session.scalar(sa.select(Node).where(Node.ref == A2)),
        )
        assert [r.node.ref for r in kept.rows] == [A1, A2] and kept.more == 0
