"""Imports of the enterprise ledger and of historical hazards: real xlsx files through the
platform's import endpoint, all or nothing, every refused row reported."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from core.db import db
from plugins.registry.models import RegistryUnit
from plugins.safety.enterprises import rules as enterprise_rules
from plugins.safety.enterprises.ledgers import enterprises as enterprise_ledger
from plugins.safety.hazards import workflow
from plugins.safety.hazards.ledgers import hazards as hazard_ledger
from plugins.safety.models import SafetyEnterprise, SafetyHazard, SafetyHazardEvent
from tests.plugins.registry.conftest import make_code

from .conftest import A1, A2, B1, beijing
from .test_exports import labels, records, table


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, name: str, rows: list[list], ref: str = A1, query: str = ""):
    return client.post(
        f"/api/v1/nodes/{ref}/imports/{name}{query}",
        data={"file": (io.BytesIO(xlsx(rows)), "import.xlsx")},
        content_type="multipart/form-data",
    )


def header_of(app, columns, keys) -> list[str]:
    """The labels of the columns ``keys``, in that order."""
    by_key = {c.key: c for c in columns}
    return labels(app, [by_key[key] for key in keys])


def refused_rows(response) -> set[tuple[int, str]]:
    """(row, field or column) of every refusal: the schema's per-cell report, or the save's
    per-field messages (each begins with the row number)."""
    error = response.json["error"]
    if error.get("rows"):
        return {(p["row"], p["column"]) for p in error["rows"]}
    return {
        (int(re.search(r"\d+", m).group()), field)
        for field, messages in error["fields"].items()
        for m in messages
    }


@pytest.fixture
def setup(app, enable, clock):
    enable(A1, A2, B1)
    clock(beijing("2026-06-15 10:00"))


def test_enterprises_round_trip_into_another_community(app, as_user, setup, enterprise, count):
    enterprise(
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
        safety_manager_phone="010-65001234",
    )
    enterprise(A1, name="永安里超市", sector="crowded_place", standardisation="creating")
    s_admin = as_user("s_admin")
    exported = table(s_admin, A1, "safety.enterprises", "?unmask=1")
    units = count(RegistryUnit, RegistryUnit.community_id == _id(app, A2))
    dry = upload(s_admin, "safety.enterprises", exported, A2, "?dry_run=1")
    assert dry.status_code == 200 and dry.json == {"dry_run": True, "rows": 2}
    assert count(SafetyEnterprise) == 2
    done = upload(s_admin, "safety.enterprises", exported, A2)
    assert done.status_code == 200, done.json
    assert done.json == {"created": 2}
    # The units were registered in A2's registry in the same transaction.
    assert count(RegistryUnit, RegistryUnit.community_id == _id(app, A2)) == units + 2
    again = table(s_admin, A2, "safety.enterprises", "?unmask=1")
    assert _without_community(again) == _without_community(exported)


def _without_community(rows: list[list]) -> list[list]:
    keys = [c.key for c in enterprise_ledger.export_spec().columns]
    return [[c for key, c in zip(keys, row, strict=True) if key != "community"] for row in rows]


def _id(app, ref: str) -> int:
    from tenants.services import find_by_ref

    with app.app_context():
        return find_by_ref(db.session, ref).id


def test_an_enterprise_import_uses_the_unit_already_registered(app, as_user, setup, unit, count):
    unit_id = unit(A1, name="北京瑞丰燃气有限公司", serial="MA01ABC12")
    with app.app_context():
        code = db.session.get(RegistryUnit, unit_id).credit_code
    keys = ("name", "credit_code", "sector", "principal_phone")
    header = header_of(app, enterprise_ledger.import_spec().columns, keys)
    with app.test_request_context():
        gas = str(enterprise_rules.SECTORS["gas"])
    r = upload(
        as_user("worker"), "safety.enterprises", [header, ["瑞丰燃气", code, gas, "13800001111"]]
    )
    assert r.status_code == 200, r.json
    assert count(RegistryUnit) == 1
    with app.app_context():
        created = db.session.scalar(sa.select(SafetyEnterprise))
        assert (created.unit_id, created.sector, created.name) == (
            unit_id,
            "gas",
            "北京瑞丰燃气有限公司",
        )


def test_every_refused_enterprise_row_is_reported_and_nothing_written(
    app, as_user, setup, enterprise, count
):
    taken = enterprise(A1, name="已在台账企业")
    with app.app_context():
        taken_code = db.session.scalar(
            sa.select(RegistryUnit.credit_code)
            .join(SafetyEnterprise, SafetyEnterprise.unit_id == RegistryUnit.id)
            .where(SafetyEnterprise.id == taken)
        )
    worker = as_user("worker")
    keys = ("name", "credit_code", "standardisation", "standard_level", "principal_phone")
    header = header_of(app, enterprise_ledger.import_spec().columns, keys)
    with app.test_request_context():
        compliant = str(enterprise_rules.STANDARDISATION["compliant"])
        creating = str(enterprise_rules.STANDARDISATION["creating"])
    good = ["新企业一", make_code("MA0NEW001"), compliant, "3", "13800001111"]
    before = (count(SafetyEnterprise), count(RegistryUnit))
    # Cells the schema refuses: reported per row and column, the save never runs.
    bad_cells = [
        header,
        good,
        ["坏代码企业", "91110105MA0NEW0019", "", "", ""],  # wrong check character
        ["坏电话企业", make_code("MA0NEW002"), "", "", "12345"],
        ["未知状态企业", make_code("MA0NEW003"), "已经很好", "", ""],
    ]
    r = upload(worker, "safety.enterprises", bad_cells)
    assert r.status_code == 422
    column = dict(zip(keys, header, strict=True))
    assert refused_rows(r) == {
        (3, column["credit_code"]),
        (4, column["principal_phone"]),
        (5, column["standardisation"]),
    }
    # Rows the services refuse: a level without compliance, an enterprise already on the
    # ledger, the same credit code twice in the file.
    bad_rows = [
        header,
        good,
        ["创建中企业", make_code("MA0NEW004"), creating, "3", ""],
        ["已在台账企业", taken_code, "", "", ""],
        ["新企业一（重复）", make_code("MA0NEW001"), "", "", ""],
    ]
    r = upload(worker, "safety.enterprises", bad_rows)
    assert r.status_code == 422
    assert {row for row, _field in refused_rows(r)} == {3, 4, 5}
    assert (count(SafetyEnterprise), count(RegistryUnit)) == before
    assert upload(worker, "safety.enterprises", [header, good]).json == {"created": 1}


def test_only_the_ledger_keepers_import(app, as_user, setup):
    header = header_of(app, enterprise_ledger.import_spec().columns, ("name", "credit_code"))
    rows = [header, ["某企业", make_code("MA0PERM01")]]
    assert upload(as_user("inspector"), "safety.enterprises", rows).status_code == 403
    assert upload(as_user("worker"), "safety.enterprises", rows, A2).status_code == 404
    assert upload(as_user("worker"), "safety.hazards", rows, B1).status_code == 404


HAZARD_KEYS = (
    "number",
    "found_on",
    "description",
    "location",
    "category",
    "severity",
    "enterprise",
    "deadline",
    "responsible_person",
    "status",
    "closed_on",
)


@pytest.fixture
def hazard_file(app, setup, enterprise):
    """A header and a row builder for the hazard import; the status given as its label."""
    ours = enterprise(A1, name="北京华信化工有限公司")
    theirs = enterprise(B1, name="吉祥里烟花爆竹零售点")
    with app.app_context():
        codes = dict(
            db.session.execute(
                sa.select(SafetyEnterprise.id, RegistryUnit.credit_code).join(
                    RegistryUnit, RegistryUnit.id == SafetyEnterprise.unit_id
                )
            ).all()
        )
    header = header_of(app, hazard_ledger.import_spec().columns, HAZARD_KEYS)
    with app.test_request_context():
        status = {k: str(v) for k, v in workflow.HAZARD_STATUSES.items()}
        major = str(workflow.SEVERITIES["major"])

    def row(**values) -> list:
        values.setdefault("found_on", "2025-03-01")
        values.setdefault("description", "配电箱电线老化")
        values["status"] = status[values.get("status", "found")]
        if values.get("severity") == "major":
            values["severity"] = major
        return [values.get(k, "") for k in HAZARD_KEYS]

    return header, row, codes[ours], codes[theirs]


def test_historical_hazards_import_with_their_final_status(app, as_user, hazard_file, count):
    header, row, ours, _theirs = hazard_file
    rows = [
        header,
        row(enterprise=ours, deadline="2025-03-15", status="closed", closed_on="2025-03-12"),
        row(
            number="YH2025-0100",
            status="rectifying",
            found_on="2026-05-01",
            enterprise="北京华信化工有限公司",
            deadline="2026-05-20",
            severity="major",
        ),
        row(found_on="2025-07-01", status="notified", location="3号楼地下室"),
        row(found_on="2026-06-14", status="found"),
    ]
    r = upload(as_user("worker"), "safety.hazards", rows)
    assert r.status_code == 200, r.json
    assert r.json == {"created": 4}
    with app.app_context():
        hazards = db.session.scalars(sa.select(SafetyHazard).order_by(SafetyHazard.id)).all()
        assert [(h.number, h.status) for h in hazards] == [
            ("YH2025-0001", "closed"),
            ("YH2025-0100", "rectifying"),
            ("YH2025-0101", "notified"),  # after the highest number taken
            ("YH2026-0001", "found"),
        ]
        assert hazards[0].closed_on == date(2025, 3, 12)
        assert (
            hazards[1].severity == "major" and hazards[1].enterprise.name == "北京华信化工有限公司"
        )
        assert hazards[2].deadline == date(2025, 7, 16)  # the community's 15 days
        events = db.session.scalars(sa.select(SafetyHazardEvent)).all()
        assert [(e.action, e.to_status) for e in events] == [("import", h.status) for h in hazards]
        assert {e.username for e in events} == {"worker"}
    overdue = table(as_user("worker"), A1, "safety.hazards", "?overdue=1")
    exported = records(app, hazard_ledger.export_spec().columns, overdue)
    assert [h["number"] for h in exported] == ["YH2025-0101", "YH2025-0100"]


def test_every_refused_hazard_row_is_reported_and_nothing_written(app, as_user, hazard_file, count):
    header, row, ours, theirs = hazard_file
    worker = as_user("worker")
    column = dict(zip(HAZARD_KEYS, header, strict=True))
    assert upload(worker, "safety.hazards", [header, row(number="YH2024-0001")]).status_code == 200
    before = (count(SafetyHazard), count(SafetyHazardEvent))
    cells = [
        header,
        row(),
        row(deadline="2025-02-01"),  # deadline before the finding
        row(status="closed"),  # closed without a closing date
        row(status="closed", closed_on="2025-02-20"),  # closed before it was found
        row(status="rectifying", closed_on="2025-04-01"),  # open with a closing date
        row(found_on="2026-07-01", status="found"),  # in the future
    ]
    r = upload(worker, "safety.hazards", cells)
    assert r.status_code == 422
    assert refused_rows(r) == {
        (3, column["deadline"]),
        (4, column["closed_on"]),
        (5, column["closed_on"]),
        (6, column["closed_on"]),
        (7, column["found_on"]),
    }
    saved = [
        header,
        row(),
        row(enterprise="不存在的公司"),
        row(enterprise=theirs),  # another community's enterprise
        row(number="YH2024-0001"),  # already used
        row(number="YH2025-0009"),
        row(number="YH2025-0009"),  # twice in the file
        row(enterprise=ours),
    ]
    r = upload(worker, "safety.hazards", saved)
    assert r.status_code == 422
    assert refused_rows(r) == {
        (3, column["enterprise"]),
        (4, column["enterprise"]),
        (5, column["number"]),
        (7, column["number"]),
    }
    assert "吉祥里" not in str(r.json)  # nothing of the other community is told
    assert (count(SafetyHazard), count(SafetyHazardEvent)) == before
