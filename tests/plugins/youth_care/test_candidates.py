"""应纳未纳: the registry's minors of a 低保 household, with a disability or left behind, who are
not on the care ledger yet — for the community admin (the reasons are S3), each a link to
record the lead."""

from __future__ import annotations

from datetime import date

from core.db import db

from .conftest import api, page


def test_candidates_are_the_minors_with_a_reason_not_on_the_ledger(
    ready, app, as_user, resident, child
):
    from plugins.registry.models import RegistryResident, RegistryResidentTag

    worker = as_user("worker")
    household = worker.post(
        "/api/v1/c/110105001001/registry/households",
        json={"building": "1号楼", "room": "301", "head_name": "低保户"},
    )
    assert household.status_code == 201, household.json  # fmt: skip
    ids = {name: resident(born, name=name) for name, born in (
        ("户主", date(1980, 1, 1)), ("低保家孩子", date(2014, 1, 1)), ("残疾孩子", date(2013, 1, 1)),
        ("已在册孩子", date(2012, 1, 1)), ("普通孩子", date(2015, 1, 1)))}  # fmt: skip
    with app.app_context():
        for name in ("户主", "低保家孩子"):
            db.session.get(RegistryResident, ids[name]).household_id = household.json["id"]
        for name, tag in (("户主", "dibao"), ("残疾孩子", "disabled"), ("已在册孩子", "disabled")):
            db.session.add(RegistryResidentTag(resident_id=ids[name], tag=tag))
        db.session.commit()
    child(resident_id=ids["已在册孩子"])
    assert worker.get(api() + "/candidates").status_code == 403
    found = as_user("c_admin").get(api() + "/candidates").json["items"]
    assert {c["name"]: c["reasons"] for c in found} == {
        "低保家孩子": ["dibao"],
        "残疾孩子": ["disabled"],
    }
    shown = as_user("c_admin").get(page() + "/candidates")
    assert shown.status_code == 200 and "低保家庭未成年人" in shown.text
    assert f"/children/new?resident={ids['残疾孩子']}" in shown.text.replace("&amp;", "&")
