"""The 年度工作总结 and 目标完成情况表 on the hand-counted world (see test_indicators.py), read
in January 2027: the year's figures drafted from the registers, the summary written by the
community, returned by the street with a comment on it, resubmitted and approved; the street's
rates are computed from its communities' summed parts, never the mean of their rates."""

from __future__ import annotations

from .conftest import A1, A2, STREET_A

REPORT = "family_planning.annual"


def url(ref: str, step: str = "") -> str:
    base = f"/api/v1/nodes/{ref}/reports/{REPORT}/2026"
    return f"{base}/{step}" if step else base


def values(body: dict) -> dict:
    return {f["key"]: f["value"] for f in body["fields"]}


def test_the_annual_report_end_to_end(counted, as_user, jiedao_clock, world):
    jiedao_clock("2027-01-04T09:00:00+08:00")
    world.add_user("a2_admin", "community_admin", A2)
    community, street = as_user("c_admin"), as_user("s_admin")
    body = community.get(url(A1)).json
    assert (body["status"], body["due"], body["review_due"]) == (
        "draft",
        "2027-01-05",
        "2027-01-08",
    )
    year = values(body)
    # 31 Dec: 李一 李二 李四 李五 李六 李三 and the two children (王死 died in May).
    assert (year["residents"], year["births"], year["birth_rate"]) == (8, 2, 250.0)
    # 李三 has lived here half a year since 31 Oct: she qualifies now; 李五 is 50.
    assert (year["married_women"], year["qualifying_women"], year["filing_rate"]) == (3, 5, 60.0)
    assert (year["platform_in"], year["married_women_in"], year["platform_rate"]) == (1, 2, 50.0)
    assert (year["births_first"], year["births_second"], year["births_third_plus"]) == (1, 1, 0)
    assert (year["births_matched"], year["birth_match_rate"]) == (1, 50.0)
    assert (year["regs_done"], year["regs_on_time"], year["reg_on_time"]) == (3, 2, 66.7)
    # Both births were recorded on 15 June, months late, and nobody visited the mothers.
    assert (year["key_events"], year["key_visited"], year["key_visit_rate"]) == (2, 0, 0.0)
    assert (year["info_changes"], year["info_changes_on_time"]) == (2, 0)
    # No monthly report filed: no error measured. One special family: withheld.
    assert year["birth_report_error"] is None and year["special_families"] is None
    assert "contraception_rate" not in year and "sex_ratio" not in year  # 不作考核, < 20 births

    summary = {"summary": "全年建档率60%，流动人口入库率50%，下一年度重点做好流入人口建档。"}
    assert community.patch(url(A1), json={"values": summary}).status_code == 200
    assert community.post(url(A1, "submit"), json={}).status_code == 200
    returned = street.post(
        url(A1, "return"), json={"comment": "请补充", "fields": {"summary": "请写明未达标原因"}}
    )
    assert returned.status_code == 200 and returned.json["status"] == "returned"
    seen = {f["key"]: f for f in community.get(url(A1)).json["fields"]}
    assert seen["summary"]["comment"] == "请写明未达标原因"
    fuller = {"summary": summary["summary"] + "未达标原因：流入人口居住未满半年。"}
    assert community.patch(url(A1), json={"values": fuller}).status_code == 200
    assert community.post(url(A1, "submit"), json={}).status_code == 200
    assert street.post(url(A1, "approve"), json={}).status_code == 200

    a2 = as_user("a2_admin")
    a2_year = values(a2.get(url(A2)).json)
    assert (a2_year["married_women"], a2_year["qualifying_women"]) == (1, 1)  # 孙七
    assert a2.post(url(A2, "submit"), json={}).status_code == 200
    assert street.post(url(A2, "approve"), json={}).status_code == 200
    totals = values(street.get(url(STREET_A)).json)
    assert (totals["married_women"], totals["qualifying_women"]) == (4, 6)
    assert totals["filing_rate"] == 66.7  # 4 of 6, not the mean of 60% and 100%
    assert (totals["births"], totals["births_matched"], totals["birth_match_rate"]) == (3, 2, 66.7)


def test_the_year_is_filed_only_once_it_has_begun(counted, as_user):
    early = as_user("c_admin").get(f"/api/v1/nodes/{A1}/reports/{REPORT}/2027")
    assert early.status_code == 422 and "period" in early.json["error"]["fields"]
    month = as_user("c_admin").get(f"/api/v1/nodes/{A1}/reports/{REPORT}/2026-05")
    assert month.status_code == 422  # a year's report has no monthly periods
