"""假期与课后项目: a programme's dates and capacity, enrolment with the guardian's consent,
each session's attendance from the children enrolled, and the printable sign-in sheet."""

from __future__ import annotations

import pytest

from plugins.youth_care.models import YouthCareEnrolment, YouthCareSession

from .conftest import api, page

PROGRAMME = {"kind": "after_school", "name": "阳光四点钟", "starts_on": "2026-03-02",
             "ends_on": "2026-07-03", "opening": "周一至周四 16:30-18:00", "venue": "电教室",
             "capacity": 3}  # fmt: skip


@pytest.fixture
def programme(ready, as_user):
    made = as_user("worker").post(api() + "/programmes", json=PROGRAMME)
    assert made.status_code == 201, made.json
    return made.json["id"]


@pytest.mark.parametrize(
    ("change", "field"),
    [({"ends_on": "2026-03-01"}, "ends_on"), ({"kind": "camp"}, "kind"),
     ({"capacity": 0}, "capacity"), ({"name": ""}, "name")],
)  # fmt: skip
def test_bad_programmes_are_refused(ready, as_user, change, field):
    refused = as_user("worker").post(api() + "/programmes", json={**PROGRAMME, **change})
    assert refused.status_code == 422 and field in refused.json["error"]["fields"]


def test_enrolment_attendance_and_the_sign_in_sheet(programme, as_user, count):
    worker = as_user("worker")
    url = api() + f"/programmes/{programme}"
    no_consent = worker.post(url + "/enrolments", json={"name": "小明"})
    assert no_consent.status_code == 422 and "consent" in no_consent.json["error"]["fields"]
    enrolled = []
    for name in ("小明", "小红", "小刚"):
        made = worker.post(url + "/enrolments", json={
            "name": name, "consent": True, "guardian_name": "家长", "guardian_phone": "13700137000",
            "grade": "p3"})  # fmt: skip
        assert made.status_code == 201, made.json
        enrolled.append(str(made.json["id"]))
    full = worker.post(url + "/enrolments", json={"name": "小强", "consent": True})
    assert full.status_code == 422 and "name" in full.json["error"]["fields"]
    assert count(YouthCareEnrolment) == 3
    outside = worker.post(url + "/sessions", json={"held_on": "2026-02-27"})
    assert outside.status_code == 422 and "held_on" in outside.json["error"]["fields"]
    stranger = worker.post(url + "/sessions", json={"held_on": "2026-06-11", "present": ["999"]})
    assert stranger.status_code == 422 and "present" in stranger.json["error"]["fields"]
    session = worker.post(
        url + "/sessions",
        json={"held_on": "2026-06-11", "present": enrolled[:2], "theme": "作业辅导"},
    )
    assert session.status_code == 201, session.json  # fmt: skip
    assert session.json["attendance"] == 2
    assert count(YouthCareSession) == 1
    shown = worker.get(page() + f"/programmes/{programme}")
    assert shown.status_code == 200 and "打印签到表" in shown.text
    sheet = worker.get(page() + f"/programmes/{programme}/sign-in-sheet")
    assert sheet.status_code == 200
    assert all(name in sheet.text for name in ("小明", "小红", "小刚", "阳光四点钟", "电教室"))
    assert sheet.text.count("<tr data-attendee>") == 3 and "137****7000" in sheet.text
    assert "13700137000" not in sheet.text
