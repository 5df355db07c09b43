"""Tree changes: move, merge, archive and restore carry every record with them, refuse what crosses
the user's scope or makes no sense (writing nothing), keep history and tell the plugins."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.db import db
from core.errors import Conflict
from core.models import Assignment, AuditLog, User
from tenants.codes import make_ref
from tenants.models import Node, NodeKind
from tenants.modules import ModuleState
from tests.fixture_plugins import ledger
from tests.fixture_plugins.ledger.models import LedgerRow

DISTRICT, STREET_A, STREET_B = "110105", "110105001", "110105002"
A1, A2, B1 = "110105001001", "110105001002", "110105002001"
PLACES = [A1, f"{A1}-gg1", f"{A1}-bb01", f"{A1}-bb02", A2, f"{A2}-bb01", B1, f"{B1}-bb01"]


# --- helpers -----------------------------------------------------------------------------------


def add_rows(world, per_place: int = 3) -> dict[str, int]:
    """``per_place`` ledger rows at each community, grid and building; returns ids by title."""
    with world.app.app_context():
        for ref in PLACES:
            node = world.node(ref)
            for i in range(per_place):
                db.session.add(LedgerRow(title=f"{ref}#{i}", node=node))
        db.session.commit()
        return dict(db.session.execute(sa.select(LedgerRow.title, LedgerRow.id)).all())


def snapshot(app) -> tuple:
    """Everything a tree change may touch, to assert that a refusal wrote nothing."""
    with app.app_context():
        nodes = db.session.execute(
            sa.select(
                Node.id,
                Node.ref,
                Node.code,
                Node.path,
                Node.parent_id,
                Node.depth,
                Node.street_id,
                Node.community_id,
                Node.status,
                Node.merged_into_id,
            ).order_by(Node.id)
        ).all()
        rows = db.session.execute(
            sa.select(
                LedgerRow.id,
                LedgerRow.node_id,
                LedgerRow.district_id,
                LedgerRow.street_id,
                LedgerRow.community_id,
            ).order_by(LedgerRow.id)
        ).all()
        assignments = db.session.execute(
            sa.select(Assignment.user_id, Assignment.role_id, Assignment.node_id).order_by(
                Assignment.id
            )
        ).all()
        modules = db.session.execute(
            sa.select(ModuleState.community_id, ModuleState.module, ModuleState.enabled)
        ).all()
        audits = db.session.scalar(
            sa.select(sa.func.count(AuditLog.id)).where(
                sa.or_(AuditLog.action.like("node.%"), AuditLog.action.like("module.%"))
            )
        )
        return nodes, rows, assignments, sorted(modules), audits


def assert_consistent(app) -> None:
    """Every node's path, depth, keys and ref follow from its parent; every row's keys from its
    node — nothing orphaned, nothing stale."""
    with app.app_context():
        nodes = {n.id: n for n in db.session.scalars(sa.select(Node))}
        for node in nodes.values():
            parent = nodes.get(node.parent_id)
            if parent is None:
                assert node.path == f"/{node.id}/" and node.depth == 0
                continue
            assert node.path == f"{parent.path}{node.id}/", node
            assert node.depth == parent.depth + 1, node
            assert node.district_id == parent.district_id, node
            if node.kind != NodeKind.STREET:
                assert node.street_id == parent.street_id, node
            if node.kind in (NodeKind.GRID, NodeKind.BUILDING):
                assert node.community_id == parent.community_id, node
                community = nodes[node.community_id]
                assert node.ref == make_ref(NodeKind(node.kind), node.code, community.code), node
        mismatched = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(LedgerRow)
            .outerjoin(Node, Node.id == LedgerRow.node_id)
            .where(
                sa.or_(
                    Node.id.is_(None),
                    LedgerRow.district_id != Node.district_id,
                    LedgerRow.street_id != Node.street_id,
                    sa.and_(Node.community_id.is_(None), LedgerRow.community_id.is_not(None)),
                    LedgerRow.community_id != Node.community_id,
                )
            )
        )
        assert mismatched == 0


def row_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(LedgerRow.id)))


def rows_at(app, ref: str) -> set[str]:
    """Titles of the rows whose community key is the community ``ref``."""
    with app.app_context():
        community = db.session.scalar(sa.select(Node.id).where(Node.ref == ref))
        return set(
            db.session.scalars(
                sa.select(LedgerRow.title).where(LedgerRow.community_id == community)
            )
        )


def node_of(app, ref: str) -> Node | None:
    with app.app_context():
        node = db.session.scalar(sa.select(Node).where(Node.ref == ref))
        if node is not None:
            db.session.expunge(node)
        return node


@pytest.fixture
def ledger_on(world, app):
    """The test ledger switched on in every community of the world."""
    from tenants import modules

    with app.app_context():
        modules.enable(db.session, world.node(DISTRICT), "ledger")
        db.session.commit()


def move(client, ref, parent, code=None):
    body = {"parent": parent} | ({"code": code} if code else {})
    return client.post(f"/api/v1/nodes/{ref}/move", json=body)


# --- move --------------------------------------------------------------------------------------


def test_moving_a_community_to_another_street_carries_its_subtree_and_every_row(
    world, app, as_user, ledger_on
):
    titles = add_rows(world)
    world.add_user("b_admin", "street_admin", STREET_B)
    before_rows = row_count(app)
    a1_rows = rows_at(app, A1)
    ledger.EVENTS.clear()

    r = move(as_user("d_admin"), A1, STREET_B, code="110105002002")
    assert r.status_code == 200, r.json
    assert r.json["ref"] == "110105002002" and r.json["parent"] == STREET_B
    assert r.json["moved"]["nodes"] == 4 and r.json["moved"]["rows"]["ledger_row"] == 12

    # The subtree follows: refs rewritten, paths under street B, keys of street B.
    new = "110105002002"
    for ref in (new, f"{new}-gg1", f"{new}-bb01", f"{new}-bb02"):
        assert node_of(app, ref) is not None, ref
    assert node_of(app, A1) is None and node_of(app, f"{A1}-bb01") is None
    street_b = node_of(app, STREET_B)
    building = node_of(app, f"{new}-bb01")
    assert building.path.startswith(street_b.path) and building.street_id == street_b.id
    assert_consistent(app)

    # Rows: none lost, none orphaned, keys of the new street, same community id.
    assert row_count(app) == before_rows
    assert rows_at(app, new) == a1_rows
    with app.app_context():
        row = db.session.get(LedgerRow, titles[f"{A1}-bb01#0"])
        assert (row.street_id, row.community_id) == (street_b.id, building.community_id)

    # Visible at the new place: street B's admin sees them, street A's admin no longer does.
    b_rollup = as_user("b_admin").get(f"/r/{STREET_B}/ledger/rows").json["items"]
    a_rollup = as_user("s_admin").get(f"/r/{STREET_A}/ledger/rows").json["items"]
    assert set(b_rollup) >= a1_rows and not set(a_rollup) & a1_rows
    assert as_user("b_admin").get(f"/c/{new}/ledger/").status_code == 200
    assert as_user("s_admin").get(f"/c/{new}/ledger/").status_code == 404

    assert ("node_moved", new, f"{STREET_A}>{STREET_B}") in ledger.EVENTS
    # History: on the node, and where it left and arrived.
    page = as_user("d_admin").get(f"/n/{new}").text
    assert 'data-action="node.move"' in page
    assert 'data-action="node.move_out"' in as_user("d_admin").get(f"/n/{STREET_A}").text
    assert 'data-action="node.move_in"' in as_user("d_admin").get(f"/n/{STREET_B}").text


def test_a_community_needs_a_new_code_in_another_street_and_is_told_a_free_one(world, app, as_user):
    before = snapshot(app)
    r = move(as_user("d_admin"), A1, STREET_B)
    assert r.status_code == 422
    assert "110105002002" in r.json["error"]["message"]
    assert r.json["error"]["fields"]["suggestion"] == "110105002002"
    for code, status in (("110105001003", 422), ("110105002001", 409), ("11010500200x", 422)):
        r = move(as_user("d_admin"), A1, STREET_B, code=code)
        assert r.status_code == status, (code, r.json)
        assert r.json["error"]["fields"]["code"]
    assert snapshot(app) == before


def test_a_street_admin_cannot_move_into_another_street(world, app, as_user):
    add_rows(world, 1)
    world.add_user("s_admin_viewer", "street_admin", STREET_A)
    with app.app_context():
        from core.accounts import services

        user = world.user("s_admin_viewer")
        services.assign_builtin(db.session, user, "inspector", world.node(DISTRICT).as_ref())
        db.session.commit()
    before = snapshot(app)
    s = as_user("s_admin")
    # Street B is outside street A's admin's view: same answer as for a place that does not exist.
    r = move(s, A1, STREET_B, code="110105002002")
    assert r.status_code == 422 and "110105002" in r.json["error"]["fields"]["parent"][0]
    assert move(s, A1, "999999999", code="999999999001").json == {
        **r.json,
        "error": {
            **r.json["error"],
            "message": r.json["error"]["message"].replace("110105002", "999999999"),
            "fields": {
                "parent": [r.json["error"]["fields"]["parent"][0].replace("110105002", "999999999")]
            },
        },
    }
    # Seeing street B (an inspector role at the district) is not managing it: 403 with the reason.
    r = move(as_user("s_admin_viewer"), A1, STREET_B, code="110105002002")
    assert r.status_code == 403 and "朝外街道" in r.json["error"]["message"]
    # A building of street B moved into street A by street A's admin: B's building is invisible.
    assert move(s, f"{B1}-bb01", A1).status_code == 404
    # A community admin cannot take a building out of their community either.
    assert move(as_user("c_admin"), f"{A1}-bb02", A2).status_code == 422
    # Workers manage nothing.
    assert move(as_user("worker"), f"{A1}-bb02", f"{A1}-gg1").status_code == 403
    assert snapshot(app) == before


@pytest.mark.parametrize(
    ("ref", "parent"),
    [
        (A1, f"{A1}-gg1"),  # a cycle: under its own grid
        (A1, A1),  # under itself
        (A1, DISTRICT),  # wrong kind of target
        (f"{A1}-bb02", f"{A2}-bb01"),  # a building under a building
        (STREET_A, DISTRICT),  # streets do not move
        (f"{A1}-bb02", A1),  # already there
    ],
)
def test_cycles_wrong_kinds_and_non_moves_are_refused_with_the_reason(
    world, app, as_user, ref, parent
):
    before = snapshot(app)
    r = move(as_user("d_admin"), ref, parent)
    assert r.status_code == 422, r.json
    assert r.json["error"]["fields"]["parent"] == [r.json["error"]["message"]]
    assert snapshot(app) == before


def test_refusal_reasons_name_the_problem(world, app, as_user):
    d = as_user("d_admin")
    reasons = {
        (A1, f"{A1}-gg1"): "不能移到它自己下面",
        (A1, DISTRICT): "只能设在",
        (STREET_A, DISTRICT): "不能移动",
        (f"{A1}-bb02", A1): "已经在",
    }
    for (ref, parent), fragment in reasons.items():
        assert fragment in move(d, ref, parent).json["error"]["message"], (ref, parent)


def test_moving_a_building_to_another_community_checks_its_code(world, app, as_user, ledger_on):
    add_rows(world, 2)
    d = as_user("d_admin")
    before_rows = row_count(app)
    # b02 is free in B1: it moves as is.
    r = move(d, f"{A1}-bb02", B1)
    assert r.status_code == 200 and r.json["ref"] == f"{B1}-bb02"
    assert f"{A1}-bb02#0" in rows_at(app, B1) and f"{A1}-bb02#0" not in rows_at(app, A1)
    # b01 of A2 clashes with B1's b01: refused with a free code suggested, nothing written.
    before = snapshot(app)
    r = move(d, f"{A2}-bb01", B1)
    assert r.status_code == 409 and r.json["error"]["fields"]["suggestion"] == "b01-2"
    assert snapshot(app) == before
    r = move(d, f"{A2}-bb01", B1, code="b01-2")
    assert r.status_code == 200 and r.json["ref"] == f"{B1}-bb01-2" and r.json["code"] == "b01-2"
    # Inside a community: from its grid to the community itself; the ref stays.
    r = move(d, f"{A1}-bb01", A1)
    assert r.status_code == 200 and r.json["ref"] == f"{A1}-bb01"
    assert node_of(app, f"{A1}-bb01").depth == 3
    assert row_count(app) == before_rows
    assert_consistent(app)


def test_moving_a_grid_takes_its_buildings_and_refuses_clashes(world, app, as_user, ledger_on):
    add_rows(world, 1)
    d = as_user("d_admin")
    r = move(d, f"{A1}-gg1", B1)  # its building b01 clashes with B1's b01
    assert r.status_code == 409 and "b01" in r.json["error"]["message"]
    with app.app_context():
        db.session.execute(sa.update(Node).where(Node.ref == f"{B1}-bb01").values(code="b09"))
        db.session.execute(sa.update(Node).where(Node.ref == f"{B1}-bb01").values(ref=f"{B1}-bb09"))
        db.session.commit()
    r = move(d, f"{A1}-gg1", B1)
    assert r.status_code == 200, r.json
    assert node_of(app, f"{B1}-bb01").parent_id == node_of(app, f"{B1}-gg1").id
    assert f"{A1}-bb01#0" in rows_at(app, B1)
    assert_consistent(app)


# --- merge -------------------------------------------------------------------------------------


def test_merging_moves_places_rows_modules_assignments_and_archives_the_source(world, app, as_user):
    from tenants import modules

    add_rows(world, 2)
    with app.app_context():
        modules.enable(db.session, world.node(A2), "ledger", {"deadline_days": 7})
        modules.enable(db.session, world.node(A2), "ledger_extra")
        modules.enable(db.session, world.node(A1), "ledger", {"deadline_days": 60})
        db.session.commit()
    world.add_user("a2_admin", "community_admin", A2)
    world.add_user("both", "program_worker", A2)
    with app.app_context():
        from core.accounts import services

        services.assign_builtin(
            db.session, world.user("both"), "program_worker", world.node(A1).as_ref()
        )
        db.session.commit()
    before_rows = row_count(app)
    moving = rows_at(app, A2)
    s = as_user("s_admin")
    ledger.EVENTS.clear()

    # Dry run: the counts, and the clash of building b01 (A1 has a b01 under its grid).
    r = s.post(f"/api/v1/nodes/{A2}/merge", json={"into": A1, "dry_run": True})
    assert r.status_code == 200, r.json
    body = r.json
    assert body["nodes"] == {"building": 1} and body["rows"] == {"ledger_row": 4}
    assert body["assignments"] == 2 and body["users"] == 2
    assert body["modules"] == ["ledger", "ledger_extra"] and body["new_modules"] == ["ledger_extra"]
    assert body["clashes"] == [
        {"kind": "building", "code": "b01", "name": "1号楼", "new_code": "b01-002"}
    ]
    # Without the suffix option the clash refuses the merge, naming it; nothing written.
    before = snapshot(app)
    r = s.post(f"/api/v1/nodes/{A2}/merge", json={"into": A1})
    assert r.status_code == 409 and "b01" in r.json["error"]["message"]
    assert snapshot(app) == before

    r = s.post(f"/api/v1/nodes/{A2}/merge", json={"into": A1, "rename_clashes": True})
    assert r.status_code == 200, r.json
    assert r.json["node"]["status"] == "archived" and r.json["node"]["merged_into"] == A1
    # Places: A2's building is A1's now, with the suffix.
    building = node_of(app, f"{A1}-bb01-002")
    assert building is not None and building.parent_id == node_of(app, A1).id
    assert node_of(app, f"{A2}-bb01") is None
    # Rows: all of A2's are in A1, none lost or orphaned; A2's own rows belong to A1.
    assert row_count(app) == before_rows
    assert rows_at(app, A1) >= moving and rows_at(app, A2) == set()
    with app.app_context():
        a1 = world.node(A1)
        own = db.session.scalars(
            sa.select(LedgerRow.node_id).where(LedgerRow.title.like(f"{A2}#%"))
        ).all()
        assert own == [a1.id, a1.id]
        # Modules: ledger_extra switched on at A1; A1 keeps its own ledger settings.
        assert modules.enabled_modules(db.session, a1.id) == {"ledger", "ledger_extra"}
        assert modules.module_settings(db.session, a1.id, "ledger")["deadline_days"] == 60
        # Assignments moved (the duplicate dropped), accounts belong to A1.
        both = world.user("both")
        assert [a.node_id for a in both.assignments] == [a1.id]
        assert world.user("a2_admin").assignments[0].node_id == a1.id
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(User.home_node_id == world.node(A2).id)
            )
            == 0
        )
    assert_consistent(app)
    assert ("node_merged", A2, f"{A1} left=0") in ledger.EVENTS
    assert ("enabled", "ledger_extra", A1) in ledger.EVENTS
    # The former A2 admin now works in A1 and sees the rows there.
    assert as_user("a2_admin").get(f"/c/{A1}/ledger/").status_code == 200
    # A2's page says where it went; it is archived and read-only.
    page = as_user("s_admin").get(f"/n/{A2}").text
    assert 'id="merged-into"' in page and f'href="/n/{A1}"' in page
    assert 'data-action="node.merge"' in page
    assert 'data-action="node.merge_in"' in as_user("s_admin").get(f"/n/{A1}").text
    r = s.post(f"/api/v1/nodes/{A2}/restore")
    assert r.status_code == 409


@pytest.mark.parametrize(
    ("source", "into", "user", "status"),
    [
        (A1, A1, "d_admin", 422),  # into itself
        (A1, STREET_B, "d_admin", 422),  # not a community
        (STREET_A, STREET_B, "d_admin", 422),  # merging non-communities
        (f"{A1}-bb02", A2, "d_admin", 422),
        (A1, B1, "s_admin", 422),  # B1 is outside street A
        (A1, A2, "c_admin", 403),  # c_admin manages A1 only (and cannot see A2: 422 below)
        (A1, A2, "worker", 403),
    ],
)
def test_merge_refusals_write_nothing(world, app, as_user, source, into, user, status):
    add_rows(world, 1)
    before = snapshot(app)
    r = as_user(user).post(f"/api/v1/nodes/{source}/merge", json={"into": into})
    expected = 422 if user == "c_admin" else status  # A2 does not exist for a community admin
    assert r.status_code == expected, r.json
    assert snapshot(app) == before


def test_an_archived_target_is_refused(world, app, as_user):
    d = as_user("d_admin")
    assert d.post(f"/api/v1/nodes/{B1}/archive").status_code == 200
    before = snapshot(app)
    r = d.post(f"/api/v1/nodes/{A1}/merge", json={"into": B1})
    assert r.status_code == 409 and r.json["error"]["fields"]["into"]
    r = move(d, f"{A1}-bb02", B1)
    assert r.status_code == 409 and r.json["error"]["fields"]["parent"]
    assert snapshot(app) == before


# --- archive and restore -----------------------------------------------------------------------


def test_archiving_makes_writes_fail_and_reads_work_and_restore_brings_it_back(
    world, app, as_user, ledger_on
):
    add_rows(world, 1)
    d, worker = as_user("d_admin"), as_user("worker")
    ledger.EVENTS.clear()
    # A building archived on its own first: it stays archived when the community comes back.
    assert d.post(f"/api/v1/nodes/{A1}-bb02/archive").json["archived"] == 1
    r = d.post(f"/api/v1/nodes/{A1}/archive")
    assert r.status_code == 200 and r.json["archived"] == 3 and r.json["status"] == "archived"
    assert ("node_archived", "community", A1) in ledger.EVENTS
    assert d.post(f"/api/v1/nodes/{A1}/archive").status_code == 409  # already

    # Reads work.
    assert worker.get(f"/c/{A1}/ledger/").status_code == 200
    assert f"{A1}#0" in worker.get(f"/api/v1/c/{A1}/ledger/rows").text
    page = d.get(f"/n/{A1}").text
    assert "badge-warn" in page and f"/n/{A1}/restore" in page
    # Writes fail: the plugin's pages, the tree, the modules…
    assert worker.post(f"/api/v1/c/{A1}/ledger/rows", json={"title": "x"}).status_code == 403
    assert (
        d.post(
            "/api/v1/nodes", json={"parent": A1, "kind": "building", "code": "b09", "name": "9号楼"}
        ).status_code
        == 422
    )
    assert d.patch(f"/api/v1/nodes/{A1}", json={"name": "改名"}).status_code == 422
    assert (
        d.post(f"/api/v1/nodes/{A1}/modules", json={"module": "ledger", "enabled": False})
    ).status_code == 422
    # … and any code path writing a tenant-owned row of an archived place (checked at flush).
    with app.app_context():
        db.session.add(LedgerRow(title="sneaky", node=world.node(f"{A1}-bb01")))
        with pytest.raises(Conflict):
            db.session.flush()
        db.session.rollback()
        row = db.session.scalar(sa.select(LedgerRow).where(LedgerRow.title == f"{A1}#0"))
        row.title = "edited"
        with pytest.raises(Conflict):
            db.session.commit()
        db.session.rollback()
        row = db.session.scalar(sa.select(LedgerRow).where(LedgerRow.title == f"{A1}#0"))
        db.session.delete(row)
        with pytest.raises(Conflict):
            db.session.commit()
        db.session.rollback()
        # Moving a row out of an archived place is a write there too.
        row = db.session.scalar(sa.select(LedgerRow).where(LedgerRow.title == f"{A1}#0"))
        row.node_id = world.node(B1).id
        with pytest.raises(Conflict):
            db.session.commit()
        db.session.rollback()
    # Archived places are not offered as targets.
    assert f"{A1}-gg1" not in d.get(f"/n/{A2}-bb01/move").text

    r = d.post(f"/api/v1/nodes/{A1}/restore")
    assert r.status_code == 200 and r.json["restored"] == 3 and r.json["status"] == "active"
    assert ("node_restored", "community", A1) in ledger.EVENTS
    assert node_of(app, f"{A1}-bb02").status == "archived"  # archived before, on its own
    assert node_of(app, f"{A1}-bb01").status == "active"
    assert worker.post(f"/api/v1/c/{A1}/ledger/rows", json={"title": "x"}).status_code == 201
    assert d.post(f"/api/v1/nodes/{A1}/restore").status_code == 422  # not archived


def test_archive_refusals(world, app, as_user):
    d = as_user("d_admin")
    assert d.post(f"/api/v1/nodes/{DISTRICT}/archive").status_code == 422
    assert as_user("worker").post(f"/api/v1/nodes/{A1}/archive").status_code == 403
    assert as_user("c_admin").post(f"/api/v1/nodes/{A2}/archive").status_code == 404
    assert as_user("c_admin").post(f"/api/v1/nodes/{STREET_A}/archive").status_code == 404
    assert as_user("inspector").post(f"/api/v1/nodes/{A1}/archive").status_code == 403
    d.post(f"/api/v1/nodes/{A1}/archive")
    before = snapshot(app)
    r = d.post(f"/api/v1/nodes/{A1}-bb02/restore")  # its community is still archived
    assert r.status_code == 409 and "永安里东社区" in r.json["error"]["message"]
    assert snapshot(app) == before


# --- pages and history -------------------------------------------------------------------------


def test_move_page_offers_targets_suggests_a_code_and_moves(world, app, as_user):
    d = as_user("d_admin")
    found = d.get(f"/n/{A1}/targets/move?q=街道").json["items"]
    assert [t["id"] for t in found] == [STREET_B]  # not its own street
    page = d.get(f"/n/{A1}/move?parent={STREET_B}").text
    assert 'value="110105002002"' in page
    r = d.post(f"/n/{A1}/move", data={"parent": STREET_B, "code": ""})
    assert r.status_code == 422 and 'value="110105002002"' in r.text and "field-error" in r.text
    r = d.post(f"/n/{A1}/move", data={"parent": STREET_B, "code": "110105002002"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/n/110105002002")
    page = d.get("/n/110105002002").text
    assert 'data-action="node.move"' in page and "d_admin" in page
    # Who may not: 403 for a worker who sees the place, 404 outside the scope.
    assert as_user("worker").get(f"/n/{A2}/move").status_code == 404
    # The worker's role at A1 moved with A1: they see it at its new place, and may not move it.
    assert as_user("worker").get("/n/110105002002/move").status_code == 403
    assert as_user("worker").get(f"/n/{A2}-bb01/move").status_code == 404
    assert as_user("leader").get(f"/n/{A2}/merge").status_code == 404
    assert as_user("c_admin").get("/n/110105002002-bb02/move").status_code == 200
    assert as_user("inspector").get(f"/n/{A2}/move").status_code == 403


def test_merge_page_shows_what_moves_before_confirming(world, app, as_user):
    add_rows(world, 1)
    s = as_user("s_admin")
    page = s.get(f"/n/{A2}/merge").text
    assert f'data-url="/n/{A2}/targets/merge"' in page  # the community picker
    found = [t["id"] for t in s.get(f"/n/{A2}/targets/merge?q=社区").json["items"]]
    assert found == [A1]  # not itself, not another street's
    page = s.get(f"/n/{A2}/merge?into={A1}").text
    assert 'data-rows="ledger_row">2<' in page and 'data-count="building">1<' in page
    assert 'id="clashes"' in page and "b01-002" in page
    r = s.post(f"/n/{A2}/merge", data={"into": A1})
    assert r.status_code == 409 and "b01" in r.text
    assert node_of(app, A2).status == "active"
    r = s.post(f"/n/{A2}/merge", data={"into": A1, "rename_clashes": "true"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/n/{A1}")
    assert node_of(app, A2).merged_into_id == node_of(app, A1).id
    assert s.get(f"/n/{B1}/merge").status_code == 404


def test_archive_and_restore_pages_confirm(world, app, as_user):
    c = as_user("c_admin")
    page = c.get(f"/n/{A1}").text
    assert f"/n/{A1}/archive" in page and f"/n/{A1}/move" in page
    assert "data-count" in c.get(f"/n/{A1}/archive").text
    r = c.post(f"/n/{A1}/archive")
    assert r.status_code == 302 and node_of(app, A1).status == "archived"
    page = c.get(f"/n/{A1}").text
    assert f"/n/{A1}/move" not in page and f"/n/{A1}/restore" in page
    assert c.post(f"/n/{A1}/archive").status_code == 409
    assert c.post(f"/n/{A1}/restore").status_code == 302
    assert node_of(app, A1).status == "active"
    assert as_user("worker").post(f"/n/{A1}/archive").status_code == 403


def test_history_lists_the_nodes_changes_newest_first_for_those_who_may_read_it(
    world, app, as_user
):
    d = as_user("d_admin")
    d.patch(f"/api/v1/nodes/{A1}-bb02", json={"name": "二号楼"})
    move(d, f"{A1}-bb02", f"{A1}-gg1")
    r = d.get(f"/api/v1/nodes/{A1}-bb02/history")
    assert r.status_code == 200
    actions = [e["action"] for e in r.json["items"]]
    assert actions == ["node.move", "node.update", "node.create"]
    assert r.json["items"][0]["username"] == "d_admin"
    page = d.get(f"/n/{A1}-bb02").text
    assert page.index('data-action="node.move"') < page.index('data-action="node.update"')
    # A program worker sees the place but not its history.
    assert 'id="history"' not in as_user("worker").get(f"/n/{A1}-bb02").text
    assert as_user("worker").get(f"/api/v1/nodes/{A1}-bb02/history").status_code == 403
    assert as_user("inspector").get(f"/api/v1/nodes/{A1}-bb02/history").status_code == 200
    assert as_user("c_admin").get(f"/api/v1/nodes/{B1}/history").status_code == 404


def test_the_new_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for action in ("move", "merge", "archive", "restore"):
        assert "post" in paths[f"/api/v1/nodes/{{ref}}/{action}"]
    assert "get" in paths["/api/v1/nodes/{ref}/history"]


# --- merge: ledger numbers ---------------------------------------------------------------------


@pytest.fixture
def hazards_in_both(world, app, jiedao_clock):
    """Safety on at A1 and A2, each with hazards numbered from 1 in 2026 (A2: two, the first
    notified): both hold YH2026-0001 and ZG2026-0001. Returns A2's hazard ids."""
    from datetime import date

    from core.permissions import load_scope
    from plugins.safety.hazards import workflow
    from tenants import modules

    jiedao_clock("2026-06-15T10:00:00+08:00")
    ids = []
    with app.app_context():
        admin = world.user("s_admin")
        for ref, count in ((A1, 1), (A2, 2)):
            modules.enable(db.session, world.node(ref), "safety")
            for i in range(count):
                hazard = workflow.create_hazard(
                    db.session,
                    world.node(ref),
                    {"description": f"{ref} 隐患{i}", "found_on": date(2026, 6, 1)},
                )
                if i == 0:
                    workflow.hazard_transition(
                        db.session,
                        hazard,
                        "notify",
                        {"on": date(2026, 6, 2), "responsible_person": "李建国"},
                        admin,
                        scope=load_scope(db.session, admin.id),
                    )
                if ref == A2:
                    ids.append(hazard.id)
        db.session.commit()
    return ids


def hazard_numbers(app, ref: str) -> dict[int, tuple[str, str]]:
    from plugins.safety.models import SafetyHazard

    with app.app_context():
        community = db.session.scalar(sa.select(Node.id).where(Node.ref == ref))
        rows = db.session.execute(
            sa.select(SafetyHazard.id, SafetyHazard.number, SafetyHazard.notice_number).where(
                SafetyHazard.community_id == community
            )
        )
        return {i: (n, notice) for i, n, notice in rows}


def visible_text(html: str) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html)


def test_merging_communities_that_hold_the_same_hazard_numbers_renumbers_the_merged_ones(
    world, app, as_user, hazards_in_both
):
    first, second = hazards_in_both
    s = as_user("s_admin")
    # The preview says, in words, which records get which new number before anything is written.
    r = s.post(f"/api/v1/nodes/{A2}/merge", json={"into": A1, "dry_run": True})
    assert r.status_code == 200, r.json
    assert [(x["ledger"], x["id"], x["from"], x["to"]) for x in r.json["renumbered"]] == [
        ("safety_hazard", first, "ZG2026-0001", "ZG2026-0002"),
        ("safety_hazard", first, "YH2026-0001", "YH2026-0003"),  # A2 brings 0002 along
    ]
    page = s.get(f"/n/{A2}/merge?into={A1}").text
    assert 'id="renumbered"' in page
    text = " ".join(visible_text(page).split())
    assert "安全生产 · 隐患排查治理: YH2026-0001 → YH2026-0003" in text
    assert "安全生产 · 隐患排查治理 · 整改通知书编号: ZG2026-0001 → ZG2026-0002" in text

    r = s.post(f"/n/{A2}/merge", data={"into": A1, "rename_clashes": "true"})
    assert r.status_code == 302, r.text
    numbers = hazard_numbers(app, A1)
    assert numbers[first] == ("YH2026-0003", "ZG2026-0002")
    assert numbers[second] == ("YH2026-0002", "")  # no clash: kept
    assert sorted(n for n, _notice in numbers.values()) == [
        "YH2026-0001",
        "YH2026-0002",
        "YH2026-0003",
    ]
    with app.app_context():
        # One audit entry per renumbered record, at its place in A1, old → new …
        entries = db.session.scalars(
            sa.select(AuditLog)
            .where(AuditLog.action == "safety.hazard.renumber")
            .order_by(AuditLog.id)
        ).all()
        assert [(e.object_id, e.details["merged_from"]) for e in entries] == [
            (str(first), A2),
            (str(first), A2),
        ]
        assert {tuple(v) for e in entries for k, v in e.details.items() if k != "merged_from"} == {
            ("YH2026-0001", "YH2026-0003"),
            ("ZG2026-0001", "ZG2026-0002"),
        }
        assert all(e.node_id == world.node(A1).id for e in entries)
        # … and the merge's own entry sums them up.
        merge_entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "node.merge"))
        assert merge_entry.details["renumbered"] == {
            "safety_hazard.number": {"YH2026-0001": "YH2026-0003"},
            "safety_hazard.notice_number": {"ZG2026-0001": "ZG2026-0002"},
        }
    # The street admin reads it in the audit log, in words.
    log = " ".join(visible_text(s.get("/audit?action=safety.hazard.renumber").text).split())
    assert "隐患排查治理：YH2026-0001 改为 YH2026-0003（建国里社区并入永安里东社区）" in log
    # A1's counters went past every number that moved in: the next hazard and notice follow.
    r = s.post(
        f"/api/v1/c/{A1}/safety/hazards", json={"description": "新隐患", "found_on": "2026-06-10"}
    )
    assert r.status_code == 201, r.json
    assert r.json["number"] == "YH2026-0004"
    assert_consistent(app)


def test_the_merge_preview_names_modules_and_ledgers_in_words(world, app, as_user, hazards_in_both):
    from tenants import modules

    add_rows(world, 1)
    with app.app_context():
        modules.enable(db.session, world.node(A2), "ledger")
        db.session.commit()
    page = as_user("s_admin").get(f"/n/{A2}/merge?into={A1}").text
    text = " ".join(visible_text(page).split())
    # Modules by their labels, ledgers by their names (or "other records" of the module), counted.
    assert 'data-rows="safety_hazard">2<' in page
    assert "安全生产 隐患排查治理 2" in text
    assert "Test ledger 其他记录 2" in text
    modules_on = page.split('data-count="modules">')[1].split("<")[0]
    assert modules_on == "Test ledger、基础台账、安全生产"
    for raw in ("safety_hazard", "safety_hazard_event", "ledger_row", "registry", "safety、"):
        assert raw not in text
