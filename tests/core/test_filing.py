"""Upward reports (上报): the safety monthly report's whole life on a fixed clock — auto-filled,
overridden only with a reason, submitted and frozen, returned with a comment on a field,
resubmitted, approved, consolidated at the street (with a community missing, then late), locked
and corrected by request — and who may do what."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

from core.db import db
from core.filing.models import FilingEvent

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, DISTRICT = "110105001", "110105"
REPORT = "safety.monthly"


def url(ref: str, period: str = "2026-03", step: str = "") -> str:
    base = f"/api/v1/nodes/{ref}/reports/{REPORT}/{period}"
    return f"{base}/{step}" if step else base


def add_hazards(world, ref: str, found: int, closed: int, day: str = "2026-03-10") -> None:
    """``found`` hazards found on ``day`` at ``ref``, the first ``closed`` of them rectified."""
    from plugins.safety.models import SafetyHazard

    start = db.session.scalar(sa.select(sa.func.count(SafetyHazard.id))) or 0
    for i in range(found):
        db.session.add(
            SafetyHazard(
                node_id=world.node(ref).id,
                number=f"YH2026-{start + i:04d}",
                description="隐患",
                found_on=date.fromisoformat(day),
                status="closed" if i < closed else "rectifying",
                deadline=date(2026, 3, 25),
                closed_on=date(2026, 3, 20) if i < closed else None,
                severity="general",
            )
        )
    db.session.commit()


@pytest.fixture
def safety(app, world, jiedao_clock):
    """Safety on in A1 and A2 (street A) on 2 April 2026; A1 found 3 hazards in March and
    rectified 2 of them, one is overdue."""
    from tenants import modules

    jiedao_clock("2026-04-02T10:00:00+08:00")
    with app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "safety", None)
        db.session.commit()
        add_hazards(world, A1, 3, 2)
    return world


def fields(body: dict) -> dict[str, dict]:
    return {f["key"]: f for f in body["fields"]}


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


ACCIDENTS = {"accidents": 0, "deaths": 0, "injured": 0, "direct_loss": "0"}


def test_a_reports_whole_life(app, safety, as_user, jiedao_clock):
    community, street = as_user("c_admin"), as_user("s_admin")

    body = ok(community.get(url(A1)))
    assert body["status"] == "draft" and body["due"] == "2026-04-05"
    figures = fields(body)
    assert (figures["hazards_found"]["value"], figures["hazards_found"]["auto"]) == (3, 3)
    assert figures["hazards_rectified"]["value"] == 2
    assert figures["rectification_rate"]["value"] == 66.7
    assert figures["hazards_overdue"]["value"] == 1

    refused = community.patch(url(A1), json={"values": {"hazards_found": 4}})
    assert refused.status_code == 422
    assert "hazards_found" in refused.get_json()["error"]["fields"]
    body = ok(
        community.patch(
            url(A1),
            json={
                "values": {"hazards_found": 4, **ACCIDENTS},
                "reasons": {"hazards_found": "一处隐患补录"},
            },
        )
    )
    found = fields(body)["hazards_found"]
    assert (found["value"], found["auto"], found["overridden"]) == (4, 3, True)
    assert fields(body)["rectification_rate"]["value"] == 50.0  # 2 of the 4 now

    body = ok(community.post(url(A1, step="submit"), json={}))
    assert body["status"] == "submitted" and body["submitted_on"] == "2026-04-02"

    with app.app_context():  # the ledger changes after filing: the filed figures do not
        add_hazards(safety, A1, 2, 2, "2026-03-15")
    figures = fields(ok(community.get(url(A1))))
    assert (figures["hazards_found"]["value"], figures["hazards_rectified"]["value"]) == (4, 2)

    denied = community.post(url(A1, step="approve"), json={})
    assert denied.status_code == 403
    body = ok(
        street.post(
            url(A1, step="return"),
            json={"comment": "请核实", "fields": {"accidents": "请核实本月事故起数"}},
        )
    )
    assert body["status"] == "returned"
    assert fields(ok(community.get(url(A1))))["accidents"]["comment"] == "请核实本月事故起数"

    ok(community.patch(url(A1), json={"values": {"accidents": 1, "injured": 1}}))
    ok(community.post(url(A1, step="submit"), json={}))
    body = ok(street.post(url(A1, step="approve"), json={}))
    assert body["status"] == "approved"
    assert fields(body)["accidents"]["comment"] is None  # the comments answered

    page = ok(street.get(url(STREET_A)))
    children = {c["ref"]: c for c in page["consolidation"]["children"]}
    assert (children[A1]["status"], children[A2]["shown"]) == ("approved", "missing")
    totals = page["consolidation"]["totals"]
    assert (totals["hazards_found"], totals["accidents"], totals["injured"]) == (4, 1, 1)
    assert fields(page)["hazards_found"]["auto"] == 4  # the street's figure is the sum

    jiedao_clock("2026-04-06T09:00:00+08:00")  # past the communities' due day
    page = ok(street.get(url(STREET_A)))
    children = {c["ref"]: c for c in page["consolidation"]["children"]}
    assert children[A2]["shown"] == "late" and children[A1]["late"] is False
    html = street.get(f"/n/{STREET_A}/reports/{REPORT}/2026-03").get_data(as_text=True)
    assert 'data-child="110105001002" data-status="late"' in html

    ok(street.post(url(A1, step="lock"), json={}))
    assert community.patch(url(A1), json={"values": {"accidents": 2}}).status_code == 409
    no_reason = community.post(url(A1, step="correction"), json={})
    assert no_reason.status_code == 422 and "comment" in no_reason.get_json()["error"]["fields"]
    ok(community.post(url(A1, step="correction"), json={"comment": "受伤人数有误"}))
    assert community.post(url(A1, step="grant"), json={}).status_code == 403
    body = ok(street.post(url(A1, step="grant"), json={}))
    assert body["status"] == "draft"
    steps = [e["action"] for e in body["events"]]
    assert steps == [
        "submit", "return", "submit", "approve", "lock", "correction", "grant"
    ]  # fmt: skip


def test_a_streets_rate_is_recomputed_from_summed_parts(app, safety, as_user):
    community, street = as_user("c_admin"), as_user("s_admin")
    with app.app_context():  # A1: 2 of 3 found → override nothing; A2: 9 of 10
        add_hazards(safety, A2, 10, 9)
    a2_admin = as_user("s_admin")  # the street admin files for A2 as well
    for client, ref in ((community, A1), (a2_admin, A2)):
        ok(client.patch(url(ref), json={"values": ACCIDENTS}))
        ok(client.post(url(ref, step="submit"), json={}))
        ok(street.post(url(ref, step="approve"), json={}))
    totals = ok(street.get(url(STREET_A)))["consolidation"]["totals"]
    assert (totals["hazards_rectified"], totals["hazards_found"]) == (11, 13)
    assert totals["rectification_rate"] == 84.6  # 11 / 13, not (66.7 + 90) / 2


def test_a_street_report_is_reviewed_by_the_district(safety, as_user):
    street, district = as_user("s_admin"), as_user("d_admin")
    ok(street.patch(url(STREET_A), json={"values": ACCIDENTS}))
    ok(street.post(url(STREET_A, step="submit"), json={}))
    assert street.post(url(STREET_A, step="approve"), json={}).status_code == 403
    ok(district.post(url(STREET_A, step="approve"), json={}))
    page = ok(district.get(url(DISTRICT)))
    assert [(c["ref"], c["status"]) for c in page["consolidation"]["children"]] == [
        (STREET_A, "approved")
    ]  # street B runs no safety: not expected to file
    assert page["steps"] == []  # the top compiles, it files nowhere
    assert page["consolidation"]["communities"] == {"missing": 2}  # A1 and A2 not filed yet


def test_refused_steps_write_nothing(app, safety, as_user):
    community = as_user("c_admin")
    ok(community.get(url(A1)))
    refused = as_user("s_admin").post(url(A1, step="approve"), json={})
    assert refused.status_code == 409 and "status" in refused.get_json()["error"]["fields"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(FilingEvent.id))) == 0
    assert community.post(url(A1, step="jump"), json={}).status_code == 422


def test_a_submission_that_does_not_add_up_is_refused(app, safety, as_user, monkeypatch):
    from core.filing import SumCheck
    from plugins.safety.dashboard import reports

    checked = reports.MONTHLY.__class__(
        **{
            **{f: getattr(reports.MONTHLY, f) for f in reports.MONTHLY.__dataclass_fields__},
            "checks": (SumCheck("accidents", ("deaths", "injured")),),
        }
    )
    monkeypatch.setattr(reports, "REPORTS", [checked])
    community = as_user("c_admin")
    ok(community.patch(url(A1), json={"values": {**ACCIDENTS, "accidents": 2, "injured": 1}}))
    refused = community.post(url(A1, step="submit"), json={})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"accidents", "deaths", "injured"}
    assert ok(community.get(url(A1)))["status"] == "draft"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"accidents": -1}, "accidents"),
        ({"deaths": "两"}, "deaths"),
        ({"injured": 1.5}, "injured"),
        ({"rectification_rate": 50}, "rectification_rate"),
        ({"nonsense": 1}, "nonsense"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(safety, as_user, values, field):
    refused = as_user("c_admin").patch(url(A1), json={"values": values})
    assert refused.status_code == 422
    assert field in refused.get_json()["error"]["fields"]


def test_denials(safety, as_user):
    community = as_user("c_admin")
    assert community.get(url(A2)).status_code == 404  # another community
    assert as_user("d_admin").get(url(B1)).status_code == 404  # safety is off there
    assert community.get(url(A1, "2026Q1")).status_code == 422  # not a month
    assert "period" in community.get(url(A1, "2026Q1")).get_json()["error"]["fields"]
    future = community.get(url(A1, "2026-05"))  # May has not begun on 2 April
    assert future.status_code == 422 and "period" in future.get_json()["error"]["fields"]
    assert as_user("worker").post(url(A1, step="submit"), json={}).status_code == 403
    assert community.get(f"/api/v1/nodes/{A1}/reports/nope/2026-03").status_code == 404


def test_the_list_the_page_and_the_files(safety, as_user):
    community = as_user("c_admin")
    node_page = community.get(f"/n/{A1}").get_data(as_text=True)
    assert f'href="/n/{A1}/reports" data-reports-link' in node_page
    listed = ok(community.get(f"/api/v1/nodes/{A1}/reports"))["items"]
    assert [i["report"] for i in listed] == [REPORT]
    assert listed[0]["periods"][0] == {
        "period": "2026-03",
        "label": listed[0]["periods"][0]["label"],
        "status": "missing",
        "shown": "missing",
        "late": False,
        "due": "2026-04-05",
    }
    page = community.get(f"/n/{A1}/reports/{REPORT}/2026-03")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'name="value-accidents"' in html and 'data-step="submit"' in html
    saved = community.post(f"/n/{A1}/reports/{REPORT}/2026-03", data={"value-hazards_found": "9"})
    assert saved.status_code == 422
    assert 'data-error="hazards_found"' in saved.get_data(as_text=True)
    workbook = community.get(f"/n/{A1}/reports/{REPORT}/2026-03.xlsx")
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.data)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[1][:2] == ["报表", "安全生产信息月报"]  # the title line under the header
    assert cells[6][:2] == ["排查发现隐患", 3]  # the first figure under the heading lines
    children = as_user("s_admin").get(f"/n/{STREET_A}/reports/{REPORT}/2026-03/children.xlsx")
    assert children.status_code == 200
    rows = list(
        openpyxl.load_workbook(io.BytesIO(children.data)).active.iter_rows(values_only=True)
    )
    assert len(rows) == 1 + 2 + 1  # header, A1 and A2, the total


def test_a_late_report_is_on_the_workbench(safety, as_user, jiedao_clock):
    community = as_user("c_admin")
    html = community.get("/").get_data(as_text=True)
    assert f'data-work="filing.{REPORT}.due" data-node="{A1}"' in html
    jiedao_clock("2026-04-07T09:00:00+08:00")
    html = community.get("/").get_data(as_text=True)
    assert f'data-work="filing.{REPORT}.late" data-node="{A1}"' in html
    ok(community.patch(url(A1), json={"values": ACCIDENTS}))
    ok(community.post(url(A1, step="submit"), json={}))
    html = community.get("/").get_data(as_text=True)
    assert f"filing.{REPORT}" not in html


def test_a_large_change_against_last_month_warns_but_does_not_block(app, safety, as_user):
    from core.models import AuditLog

    community = as_user("c_admin")
    february = {"values": {"hazards_found": 1, **ACCIDENTS}, "reasons": {"hazards_found": "补录"}}
    ok(community.patch(url(A1, "2026-02"), json=february))
    ok(community.post(url(A1, "2026-02", step="submit"), json={}))
    body = ok(community.patch(url(A1), json={"values": ACCIDENTS}))
    assert [(c["severity"], c["fields"]) for c in body["checks"]] == [
        ("warning", ["hazards_found"])
    ]  # 1 → 3 is +200%, beyond the report's 50%
    assert fields(body)["hazards_found"]["previous"] == 1
    assert ok(community.post(url(A1, step="submit"), json={}))["status"] == "submitted"
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditLog.action).where(AuditLog.action.like("filing.%")).order_by(AuditLog.id)
        ).all()
    assert actions == ["filing.edit", "filing.submit", "filing.edit", "filing.submit"]


def test_a_field_filled_by_an_indicator_takes_its_label_and_unit_unless_the_report_words_its_own():
    from core.filing.declaration import Field
    from core.reports import Indicator

    found = Indicator("safety.hazards_found", "发现隐患", "处", lambda *_: 0)
    field = Field.filled_by(found)
    assert (field.key, field.label, field.unit, field.indicator, field.kind) == (
        "hazards_found",
        "发现隐患",
        "处",
        "safety.hazards_found",
        "indicator",
    )
    worded = Field.filled_by(found, "found", "本月发现隐患", unit="件")
    assert (worded.key, worded.label, worded.unit) == ("found", "本月发现隐患", "件")


def test_a_figure_sets_indicator_is_the_one_the_platform_declares():
    from plugins.safety.dashboard.figures import SAFETY

    declared = {i.name: i for i in SAFETY.indicators()}
    found = SAFETY.indicator("hazards_found")
    assert found.name == "safety.hazards_found"
    assert (found.label, found.unit) == (
        declared["safety.hazards_found"].label,
        declared["safety.hazards_found"].unit,
    )


def test_a_review_day_is_kept_only_when_a_report_declares_one():
    from core.filing.declaration import Due
    from core.reports import Period

    june = Period.month(2026, 6)
    assert Due(review=8).on(june, "review") == date(2026, 7, 8)
    assert Due(review=8).on(june, "community") == date(2026, 7, 5)
    assert Due().review == 0  # none: nothing is ever overdue for review


def test_a_report_filed_for_part_of_the_year_skips_the_other_parts():
    from core.filing.declaration import Due, Report
    from core.reports import Period

    summary = Report("demo.half", "半年总结", frequency="half", filed_for=(1,), due=Due(10))
    first, second = Period.parse("2026H1"), Period.parse("2026H2")
    assert summary.matches(first) and not summary.matches(second)
    # In January the period being filed is last year's first half, not its second.
    assert summary.last_closed(date(2027, 1, 5)).key == "2026H1"
    assert summary.last_closed(date(2026, 7, 2)).key == "2026H1"
    assert summary.before(first).key == "2025H1"
    assert Report("demo.q", "季报", frequency="quarter").last_closed(date(2026, 7, 2)).key == (
        "2026Q2"
    )
    with pytest.raises(ValueError):
        Report("demo.bad", "坏", frequency="half", filed_for=(3,))


def test_a_typed_field_with_a_fill_starts_with_its_text_and_stays_as_staff_change_it(
    app, safety, as_user, monkeypatch
):
    from core.sdk import ReportField
    from plugins.safety.dashboard import reports

    asked = []

    def worst(session, communities, period):
        asked.append(period.key)
        return "1号楼 78.0"

    base = reports.MONTHLY
    filled = base.__class__(
        **{
            **{f: getattr(base, f) for f in base.__dataclass_fields__},
            "fields": (*base.fields, ReportField.typed("worst", "排名靠后", "text", fill=worst)),
        }
    )
    monkeypatch.setattr(reports, "REPORTS", [filled])
    community = as_user("c_admin")
    assert fields(ok(community.get(url(A1))))["worst"]["value"] == "1号楼 78.0"
    assert asked == ["2026-03"]
    ok(community.patch(url(A1), json={"values": {"worst": "2号楼 80.5"}}))  # no reason needed
    assert fields(ok(community.get(url(A1))))["worst"]["value"] == "2号楼 80.5"
    street = fields(ok(as_user("s_admin").get(url(STREET_A))))
    assert street["worst"]["value"] is None  # a street's report is its children's sums


def test_a_report_naming_its_readers_is_read_by_them_and_its_filers_only(app):
    """``Report(read=…)``: a compartment's report is read by the holders of that permission
    and by those who file and review it, not by every user of its module."""
    from types import SimpleNamespace

    from core.filing.declaration import Report
    from core.filing.services import may_read

    def scope(*held: str) -> SimpleNamespace:
        return SimpleNamespace(allows=lambda permission, _path: permission in held)

    node = SimpleNamespace(path="/110105/110105001/110105001001/")
    closed = Report("m.closed", "closed", module="m", submit="m.file", read="m.care.view")
    assert may_read(scope("m.care.view"), closed, node)
    assert may_read(scope("m.file"), closed, node)
    assert not may_read(scope("m.view", "m.edit"), closed, node)
    with app.app_context():  # without ``read``: the module's users, as before
        open_report = Report("m.open", "open", module="ledger", submit="m.file")
        assert may_read(scope("ledger.view"), open_report, node)
        assert not may_read(scope("m.care.view"), open_report, node)
