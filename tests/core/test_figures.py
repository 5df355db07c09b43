"""core.figures over a plain ledger table: both statement shapes (one scan, or a count per
condition combined with UNION ALL) give the same hand-counted figures, and a figure declared as
exclusive arms counts what the OR of its arms counts."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core import figures
from core.db import db
from core.figures import Figure, FigureSet, Source, percent
from core.reports import Period
from tenants.models import Node
from tests.fixture_plugins.ledger.models import LedgerRow

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
YEAR = Period.year(2026)
# A1: a1, a2, b, c, c; A2: b, x; B1: none.
TITLES = {A1: ["a1", "a2", "b", "c", "c"], A2: ["b", "x"], B1: []}


def _rows(select: sa.Select) -> sa.Select:
    return select.select_from(LedgerRow)


ROWS = FigureSet(
    "ledger",
    (
        Figure("all", "All", "rows", "row", where=lambda p, d: sa.true()),
        Figure("alphas", "A titles", "rows", "row", where=lambda p, d: LedgerRow.title.like("a%")),
        Figure(
            "b_or_c",
            "B or C",
            "rows",
            "row",
            arms=lambda p, d: (LedgerRow.title == "b", LedgerRow.title == "c"),
        ),
        Figure(
            "letters",
            "Letters",
            "letters",
            "row",
            lambda p, d: sa.func.sum(sa.func.length(LedgerRow.title)),
        ),
        Figure("alpha_share", "A share", "%", share_of=("alphas", "all")),
    ),
    lambda: {"row": Source(LedgerRow.community_id, _rows)},
)
EXPECTED = {
    A1: {"all": 5, "alphas": 2, "b_or_c": 3, "letters": 7, "alpha_share": 40.0},
    A2: {"all": 2, "alphas": 0, "b_or_c": 1, "letters": 2, "alpha_share": 0.0},
    B1: {"all": 0, "alphas": 0, "b_or_c": 0, "letters": 0, "alpha_share": None},
}


@pytest.fixture
def rows(app, world):
    with app.app_context():
        for ref, titles in TITLES.items():
            db.session.add_all(LedgerRow(title=t, node_id=world.node(ref).id) for t in titles)
        db.session.commit()
        yield {ref: world.node(ref).id for ref in TITLES}


@pytest.mark.parametrize("shape", ["counts", "scan"])
def test_both_shapes_give_the_hand_counted_figures(rows, monkeypatch, shape):
    monkeypatch.setitem(figures.SHAPES, db.engine.dialect.name, shape)
    communities = sa.select(Node.id).where(Node.id.in_(list(rows.values())))
    per = ROWS.per_community(db.session, communities, YEAR)
    assert {ref: per[cid] for ref, cid in rows.items()} == EXPECTED
    totals = ROWS.compute_all(db.session, communities, YEAR)
    assert totals == {"ledger.all": 7, "ledger.alphas": 2, "ledger.b_or_c": 4, "ledger.letters": 9}
    assert ROWS.compute(db.session, ROWS.by_key["alpha_share"], communities, YEAR) == percent(2, 7)
    one = sa.select(sa.literal(rows[A2]))
    assert ROWS.compute(db.session, ROWS.by_key["b_or_c"], one, YEAR) == 1


def test_the_arms_of_a_figure_are_counted_apart_and_add_up_to_their_or(rows, monkeypatch):
    monkeypatch.setitem(figures.SHAPES, db.engine.dialect.name, "counts")
    statements: list[str] = []

    def seen(*args):
        statements.append(args[2])

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    try:
        per = ROWS.per_community(db.session, sa.select(sa.literal(rows[A1])), YEAR)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
    figure = ROWS.by_key["b_or_c"]
    either = figure.where(YEAR, YEAR.end)  # the drill-down's predicate: the OR of the arms
    counted = db.session.scalar(
        sa.select(sa.func.count()).where(LedgerRow.community_id == rows[A1], either)
    )
    assert per[rows[A1]]["b_or_c"] == counted == 3
    # The communities' ids, then one statement for the table: five SELECTs, the arms apart.
    union = [s for s in statements if "UNION ALL" in s]
    assert len(union) == 1 and union[0].count("UNION ALL") == 4
