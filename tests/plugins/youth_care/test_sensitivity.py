"""Children's data follows its class on every surface: the care categories (服刑人员子女 …),
family situation and guardianship are S3 — not shown at all without
``youth_care.sensitive.view`` on pages, lists, the API, exports, history, the audit log and the
visits' findings — and the guardian's phone is S2, masked unless a holder asks (audited).
Children are never listed at a street or district."""

from __future__ import annotations

import sqlalchemy as sa

from core.db import db
from core.models import AuditLog

from .conftest import A1, STREET_A, api, page
from .records import one_of_each

SECRET = "父亲服刑"  # the family situation
CATEGORY = "服刑人员子女"
FINDING = "奶奶身体不好"


def audits(app, action: str) -> int:
    with app.app_context():
        stmt = sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == action)
        return db.session.scalar(stmt)


def made(ready, as_user, app, world, resident, unit) -> dict[str, int]:
    return one_of_each(as_user("worker"), app, world, resident, unit, admin=as_user("c_admin"))


def test_pages_and_the_api_hide_s3_from_a_worker(ready, as_user, app, world, resident, unit):
    ids = made(ready, as_user, app, world, resident, unit)
    child = ids["children"]
    worker = as_user("worker")
    record = worker.get(api() + f"/children/{child}").json
    assert record["categories"] == "***" and record["situation"] == "***"
    assert record["guardianship"] == "***"
    assert record["guardian_phone"] == "138****8000"
    assert record["name"] == "张小明"  # S1: the worker knows whom to visit
    listed = worker.get(api() + "/children")
    assert SECRET not in listed.text and "prisoner_parent" not in listed.text
    for url, hidden in ((page() + "/children", "***"), (page() + f"/children/{child}", "已隐藏")):
        shown = worker.get(url)
        assert shown.status_code == 200
        assert CATEGORY not in shown.text and SECRET not in shown.text
        assert hidden in shown.text
    assert worker.get(api() + f"/children/{child}?unmask=1").status_code == 403
    # The edit form would show the S3 values: a worker does not get it.
    assert worker.get(page() + f"/children/{child}/edit").status_code == 403
    assert worker.patch(api() + f"/children/{child}", json={"situation": "x"}).status_code == 403


def test_a_holder_sees_them_on_request_and_it_is_audited(
    ready, as_user, app, world, resident, unit
):
    ids = made(ready, as_user, app, world, resident, unit)
    child = ids["children"]
    admin = as_user("c_admin")  # holds youth_care.sensitive.view
    assert SECRET not in admin.get(page() + f"/children/{child}").text
    shown = admin.get(api() + f"/children/{child}?unmask=1").json
    assert shown["categories"] == ["prisoner_parent", "single_parent"]
    assert SECRET in shown["situation"] and shown["guardian_phone"] == "13800138000"
    page_shown = admin.get(page() + f"/children/{child}?unmask=1").text
    assert CATEGORY in page_shown and SECRET in page_shown
    assert audits(app, "youth_care.child.unmask") == 2


def test_exports_withhold_s3_unless_a_holder_asks(ready, as_user, app, world, resident, unit):
    made(ready, as_user, app, world, resident, unit)
    url = f"/n/{A1}/exports/youth_care.children.csv"
    worker = as_user("worker")
    plain = worker.get(url).data.decode("utf-8-sig")
    assert "张小明" in plain and "***" in plain
    assert CATEGORY not in plain and SECRET not in plain and "13800138000" not in plain
    assert SECRET not in worker.get(url + "?unmask=1").data.decode("utf-8-sig")
    admin = as_user("c_admin")
    assert SECRET not in admin.get(url).data.decode("utf-8-sig")
    full = admin.get(url + "?unmask=1").data.decode("utf-8-sig")
    assert SECRET in full and CATEGORY in full
    assert audits(app, "youth_care.export.unmasked") == 1
    xlsx = worker.get(f"/n/{A1}/exports/youth_care.children.xlsx")
    assert xlsx.status_code == 200 and SECRET.encode() not in xlsx.data


def test_history_seals_s3_and_the_audit_log_withholds_it(
    ready, as_user, app, world, resident, unit
):
    ids = made(ready, as_user, app, world, resident, unit)
    child = ids["children"]
    admin = as_user("c_admin")
    changed = admin.patch(api() + f"/children/{child}", json={"situation": "母亲已返乡照顾"})
    assert changed.status_code == 200, changed.json
    history = as_user("worker").get(api() + f"/children/{child}/history").json["items"]
    assert history[0]["changes"]["situation"] == ["***", "***"]
    assert "母亲已返乡" not in str(history) and SECRET not in str(history)
    opened = admin.get(api() + f"/children/{child}/history?unmask=1").json["items"]
    assert "母亲已返乡照顾" in opened[0]["changes"]["situation"][1]
    log = admin.get("/api/v1/audit?per_page=100").text
    assert "母亲已返乡" not in log and SECRET not in log and "prisoner_parent" not in log


def test_visit_findings_are_s3(ready, as_user, app, world, resident, unit):
    ids = made(ready, as_user, app, world, resident, unit)
    worker = as_user("worker")
    visit = worker.get(api() + f"/visits/{ids['visits']}").json
    assert visit["findings"] == "***" and visit["needs"] == "***"
    assert FINDING not in worker.get(page() + f"/visits/{ids['visits']}").text
    assert FINDING not in worker.get(f"/n/{A1}/exports/youth_care.visits.csv").text
    shown = as_user("c_admin").get(api() + f"/visits/{ids['visits']}?unmask=1").json
    assert FINDING in shown["findings"]


def test_children_are_never_listed_at_a_street(ready, as_user, app, world, resident, unit):
    made(ready, as_user, app, world, resident, unit)
    street = as_user("s_admin")
    assert street.get(f"/r/{STREET_A}/youth_care/children").status_code == 404
    assert street.get(f"/api/v1/r/{STREET_A}/youth_care/children").status_code == 404
    assert street.get(f"/r/{STREET_A}/youth_care/visits/due").status_code == 404
    # A street's export of the ledgers that name children would list them: refused there.
    for name in ("children", "pairings", "assistance", "enrolments", "visits"):
        refused = street.get(f"/n/{STREET_A}/exports/youth_care.{name}.csv")
        assert refused.status_code == 403, name
        assert "张小明" not in refused.text
    assert street.get(f"/n/{A1}/exports/youth_care.children.csv").status_code == 200


def test_a_campaign_of_a_care_category_names_its_children_only_to_whom_may_see_it(
    ready, as_user, app, world, resident, unit
):
    """A summer campaign of the children of prisoners: its audience is S3, and its pending
    child is listed only to the community admin; the worker and the street read counts."""
    ids = made(ready, as_user, app, world, resident, unit)
    campaign = ids["campaigns"]
    worker = as_user("worker")
    record = worker.get(api() + f"/campaigns/{campaign}").json
    assert record["audience"] == "***" and record["title"] == "暑期走访慰问"
    progress = worker.get(api() + f"/campaigns/{campaign}/progress").json
    assert (progress["members"], progress["pending_count"], progress["pending"]) == (1, 1, [])
    assert worker.get(api() + "/campaigns/pending").json["items"] == []
    shown = worker.get(page() + f"/campaigns/{campaign}").text
    assert "data-pending-hidden" in shown and "已全部走访" not in shown  # one, not named
    for url in (f"/campaigns/{campaign}", "/campaigns/pending", "/campaigns"):
        html = worker.get(page() + url).text
        assert "张小明" not in html and "prisoner" not in html, url
    assert "prisoner_parent" not in worker.get(f"/n/{A1}/exports/youth_care.campaigns.csv").text
    history = worker.get(api() + f"/campaigns/{campaign}/history").json["items"]
    assert "prisoner_parent" not in str(history)
    admin = as_user("c_admin")
    shown = admin.get(api() + f"/campaigns/{campaign}/progress").json
    assert [p["name"] for p in shown["pending"]] == ["张小明"]
    assert "张小明" in admin.get(page() + "/campaigns/pending").text
    street = as_user("s_admin")
    rows = street.get(f"/api/v1/r/{STREET_A}/youth_care/campaigns/progress").json["items"]
    assert [(r["community"], r["members"], r["in_time"]) for r in rows] == [("永安里东社区", 1, 0)]
    assert street.get(f"/r/{STREET_A}/youth_care/campaigns").status_code == 404  # no list
