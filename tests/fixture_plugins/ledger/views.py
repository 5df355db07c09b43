from __future__ import annotations

import sqlalchemy as sa
from flask import g, jsonify, redirect, render_template, request, url_for

from core.db import db
from tenants.modules import CommunityBlueprint, RollupBlueprint, module_scope_clause, require
from tests.fixture_plugins.ledger.models import LedgerRow

pages = CommunityBlueprint("ledger", "ledger", __name__)
api = CommunityBlueprint("ledger", "ledger_api", __name__, api=True)
rollup = RollupBlueprint("ledger", "ledger_rollup", __name__)


@pages.get("/")
def index():
    require("ledger.view")
    rows = db.session.scalars(
        sa.select(LedgerRow).where(LedgerRow.community_id == g.community.id).order_by(LedgerRow.id)
    ).all()
    return render_template("ledger/index.html", rows=rows)


@pages.post("/")
def create():
    require("ledger.edit")
    db.session.add(LedgerRow(title=request.form.get("title", "")[:50], node_id=g.community.id))
    db.session.commit()
    return redirect(url_for("ledger.index"))


@pages.get("/<int:row_id>")
def detail(row_id: int):
    require("ledger.view")
    row = db.session.scalar(
        sa.select(LedgerRow).where(LedgerRow.id == row_id, LedgerRow.community_id == g.community.id)
    )
    return jsonify({"title": row.title}) if row else ("", 404)


@api.get("/rows")
def api_rows():
    require("ledger.view")
    rows = db.session.scalars(sa.select(LedgerRow).where(LedgerRow.community_id == g.community.id))
    return jsonify({"items": [{"id": r.id, "title": r.title} for r in rows]})


@api.post("/rows")
def api_create():
    require("ledger.edit")
    row = LedgerRow(
        title=str((request.get_json(silent=True) or {}).get("title", ""))[:50],
        node_id=g.community.id,
    )
    db.session.add(row)
    db.session.commit()
    return jsonify({"id": row.id}), 201


@rollup.get("/rows")
def rollup_rows():
    stmt = sa.select(LedgerRow.title).where(module_scope_clause(LedgerRow, "ledger.view"))
    return jsonify({"items": sorted(db.session.scalars(stmt))})
