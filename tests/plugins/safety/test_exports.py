"""The safety ledgers as xlsx files through the platform's export endpoint: columns, labels,
filters, scope (a street sees only its communities) and masked phones."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import load_workbook

from core.db import db
from core.models import AuditLog
from core.permissions import load_scope
from plugins.safety.enterprises import rules as enterprise_rules
from plugins.safety.enterprises.ledgers import enterprises as enterprise_ledger
from plugins.safety.enterprises.ledgers import hazard_sources as source_ledger
from plugins.safety.hazards import workflow
from plugins.safety.hazards.ledgers import hazards as hazard_ledger
from plugins.safety.inspections import rules as inspection_rules
from plugins.safety.inspections.ledgers import inspections as inspection_ledger
from plugins.safety.models import SafetyEnterprise

from .conftest import A1, A2, B1, DISTRICT, STREET_A, STREET_B, beijing


def table(client, ref: str, name: str, query: str = "") -> list[list]:
    """The export as rows of cells (the header first)."""
    r = client.get(f"/n/{ref}/exports/{name}.xlsx{query}")
    assert r.status_code == 200, r.text[:300]
    sheet = load_workbook(io.BytesIO(r.data)).worksheets[0]
    return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def _cell(value):
    """A cell as a user reads it: empty, or a date cell as the day it shows (YYYY-MM-DD)."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value.time() == time():
        return value.date().isoformat()
    return value


def labels(app, columns) -> list[str]:
    with app.test_request_context():
        return [str(c.label) for c in columns]


def records(app, columns, rows) -> list[dict]:
    """Rows keyed by column key (the header is checked against the labels)."""
    assert rows[0] == labels(app, columns)
    return [dict(zip([c.key for c in columns], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def ledger(app, world, enable, clock, enterprise):
    """A1 and A2 (street A) and B1 (street B) with an enterprise each; hazards in A1."""
    enable(A1, A2, B1)
    clock(beijing("2026-06-15 10:00"))
    chemicals = enterprise(
        A1,
        name="北京华信化工有限公司",
        sector="hazardous_chemicals",
        risk_level="major",
        standardisation="compliant",
        standard_level="3",
        demonstration=True,
        principal_name="张伟",
        principal_phone="13812345678",
        safety_manager_name="李娜",
        safety_manager_phone="13987654321",
    )
    enterprise(A2, name="建国里燃气站", sector="gas", principal_phone="13600001111")
    enterprise(B1, name="吉祥里烟花爆竹零售点", sector="fireworks")
    with app.app_context():
        community = world.node(A1)
        owner = db.session.get(SafetyEnterprise, chemicals)
        enterprise_rules.add_hazard_source(
            db.session,
            owner,
            {"name": "液氨储罐区", "grade": "3", "substances": "液氨", "quantity": "18 t"},
        )
        inspection = inspection_ledger.write_new(
            db.session,
            community,
            {
                "kind": "special",
                "done_on": date(2026, 5, 20),
                "enterprise_id": chemicals,
                "inspectors": "王强、街道安监科",
            },
        )
        first = workflow.create_hazard(
            db.session,
            community,
            {
                "description": "储罐区可燃气体检测仪未检定",
                "found_on": date(2026, 5, 20),
                "inspection_id": inspection.id,
                "severity": "major",
            },
        )
        workflow.create_hazard(
            db.session,
            community,
            {"description": "楼道堆放杂物", "found_on": date(2026, 6, 10), "location": "2号楼"},
        )
        closed = workflow.create_hazard(
            db.session,
            community,
            {"description": "灭火器过期", "found_on": date(2026, 5, 1), "enterprise_id": chemicals},
        )
        scope = load_scope(db.session, world.user("s_admin").id)
        for action in ("notify", "start", "submit", "close"):
            workflow.hazard_transition(
                db.session,
                closed,
                action,
                {"on": date(2026, 5, 10), "responsible_person": "张伟"},
                world.user("s_admin"),
                scope=scope,
            )
        workflow.hazard_transition(
            db.session,
            first,
            "notify",
            {"on": date(2026, 5, 21), "responsible_person": "张伟", "deadline": date(2026, 6, 1)},
            world.user("worker"),
            scope=scope,
        )
        db.session.commit()
    return chemicals


def test_the_enterprise_ledger_with_masked_phones(app, as_user, ledger):
    worker = as_user("worker")
    rows = records(
        app, enterprise_ledger.export_spec().columns, table(worker, A1, "safety.enterprises")
    )
    assert len(rows) == 1
    row = rows[0]
    with app.test_request_context():
        expected = {
            "sector": str(enterprise_rules.SECTORS["hazardous_chemicals"]),
            "risk_level": str(enterprise_rules.RISK_LEVELS["major"]),
            "standardisation": str(enterprise_rules.STANDARDISATION["compliant"]),
            "standard_level": str(enterprise_rules.STANDARD_LEVELS["3"]),
            "demonstration": _("Yes"),
        }
    assert {k: row[k] for k in expected} == expected
    assert row["community"] == "永安里东社区" and row["name"] == "北京华信化工有限公司"
    assert len(row["credit_code"]) == 18
    assert (row["principal_name"], row["principal_phone"]) == ("张伟", "138****5678")
    assert row["safety_manager_phone"] == "139****4321"
    assert (row["hazard_sources"], row["open_hazards"]) == (1, 1)
    # Asking is not enough: the worker does not hold registry.sensitive.view.
    unmask = "?unmask=1"
    again = records(
        app,
        enterprise_ledger.export_spec().columns,
        table(worker, A1, "safety.enterprises", unmask),
    )
    assert again[0]["principal_phone"] == "138****5678"
    admin = as_user("c_admin")
    shown = records(
        app, enterprise_ledger.export_spec().columns, table(admin, A1, "safety.enterprises", unmask)
    )
    assert shown[0]["principal_phone"] == "13812345678"
    with app.app_context():
        who = db.session.scalars(
            sa.select(AuditLog.username).where(AuditLog.action == "safety.export.unmasked")
        ).all()
    assert who == ["c_admin"]


def test_a_street_exports_its_communities_only(app, as_user, ledger):
    s_admin = as_user("s_admin")
    rows = records(
        app, enterprise_ledger.export_spec().columns, table(s_admin, STREET_A, "safety.enterprises")
    )
    assert sorted(r["community"] for r in rows) == ["建国里社区", "永安里东社区"]
    for name in ("safety.enterprises", "safety.hazards", "safety.inspections"):
        assert s_admin.get(f"/n/{STREET_B}/exports/{name}.xlsx").status_code == 404
        assert s_admin.get(f"/n/{B1}/exports/{name}.xlsx").status_code == 404
    district = records(
        app,
        enterprise_ledger.export_spec().columns,
        table(as_user("d_admin"), DISTRICT, "safety.enterprises"),
    )
    assert len(district) == 3
    worker = as_user("worker")
    assert worker.get(f"/n/{A2}/exports/safety.enterprises.xlsx").status_code == 404
    # A building leader does not read the safety ledgers: 403 at their building.
    leader = as_user("leader")
    assert leader.get(f"/n/{A1}-bb01/exports/safety.hazards.xlsx").status_code == 403


def test_a_module_switched_off_exports_nothing_there(app, as_user, ledger, world):
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A2), "safety")
        db.session.commit()
    rows = table(as_user("s_admin"), STREET_A, "safety.enterprises")
    assert [r[0] for r in rows[1:]] == ["永安里东社区"]


def test_the_hazard_ledger_and_its_filters(app, as_user, ledger):
    worker = as_user("worker")

    def hazards(query: str = "") -> list[dict]:
        return records(
            app, hazard_ledger.export_spec().columns, table(worker, A1, "safety.hazards", query)
        )

    everything = hazards()
    assert [r["number"] for r in everything] == ["YH2026-0002", "YH2026-0001", "YH2026-0003"]
    with app.test_request_context():
        yes, no = _("Yes"), _("No")
        closed = str(workflow.HAZARD_STATUSES["closed"])
        major = str(workflow.SEVERITIES["major"])
    by_number = {r["number"]: r for r in everything}
    first = by_number["YH2026-0001"]
    assert first["enterprise"] == "北京华信化工有限公司" and first["severity"] == major
    assert (first["notice_number"], first["deadline"], first["overdue"]) == (
        "ZG2026-0002",
        "2026-06-01",
        yes,
    )
    assert first["responsible_person"] == "张伟" and first["found_by"] == ""
    assert by_number["YH2026-0003"]["status"] == closed
    assert by_number["YH2026-0003"]["closed_on"] == "2026-05-10"
    assert by_number["YH2026-0003"]["overdue"] == no
    assert by_number["YH2026-0002"]["location"] == "2号楼"
    assert [r["number"] for r in hazards("?overdue=1")] == ["YH2026-0001"]
    assert [r["number"] for r in hazards("?status=closed")] == ["YH2026-0003"]
    assert [r["number"] for r in hazards("?status=open")] == ["YH2026-0002", "YH2026-0001"]
    assert [r["number"] for r in hazards("?severity=major")] == ["YH2026-0001"]
    assert [r["number"] for r in hazards(f"?enterprise={ledger}")] == [
        "YH2026-0001",
        "YH2026-0003",
    ]
    assert [r["number"] for r in hazards("?since=2026-05-15&until=2026-05-31")] == ["YH2026-0001"]
    for bad in ("?status=lost", "?since=yesterday", "?enterprise=abc", "?severity=huge"):
        r = worker.get(f"/n/{A1}/exports/safety.hazards.xlsx{bad}")
        assert r.status_code == 422, bad


def test_inspections_and_major_hazard_sources(app, as_user, ledger):
    worker = as_user("worker")
    inspections = records(
        app, inspection_ledger.export_spec().columns, table(worker, A1, "safety.inspections")
    )
    with app.test_request_context():
        special = str(inspection_rules.INSPECTION_KINDS["special"])
    assert inspections == [
        {
            "community": "永安里东社区",
            "done_on": "2026-05-20",
            "kind": special,
            "target": "北京华信化工有限公司",
            "inspectors": "王强、街道安监科",
            "findings": "",
            "hazards_found": 1,
        }
    ]
    assert len(table(worker, A1, "safety.inspections", "?kind=routine")) == 1  # header only
    sources = records(
        app, source_ledger.export_spec().columns, table(worker, A1, "safety.hazard_sources")
    )
    assert [(s["enterprise"], s["name"], s["substances"]) for s in sources] == [
        ("北京华信化工有限公司", "液氨储罐区", "液氨")
    ]
    csv = worker.get(f"/n/{A1}/exports/safety.hazard_sources.csv")
    assert csv.status_code == 200 and "液氨储罐区" in csv.data.decode("utf-8-sig")
