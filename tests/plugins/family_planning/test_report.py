"""人口计生统计月报 end to end on the hand-counted world (see test_indicators.py) plus 李三's
girl born on 10 June: drafted from the registers, an override needs its reason, the parts must
add up to the totals, submitted by the community, returned by the street's 卫健办 with a field
comment the community sees, resubmitted, approved, consolidated at the street."""

from __future__ import annotations

from .conftest import A1, A2, STREET_A, api

REPORT = "family_planning.monthly"


def url(ref: str, step: str = "") -> str:
    base = f"/api/v1/nodes/{ref}/reports/{REPORT}/2026-06"
    return f"{base}/{step}" if step else base


def values(body: dict) -> dict:
    return {f["key"]: f["value"] for f in body["fields"]}


TYPED = {"visits": 12, "school_sessions": 1, "school_attendance": 35}


def test_the_monthly_report_end_to_end(counted, as_user, jiedao_clock):
    worker = as_user("worker")
    li3 = next(
        w["id"] for w in worker.get(f"{api()}/women", query_string={"q": "李三"}).json["items"]
    )
    born = {"woman_id": li3, "name": "三妞", "born_on": "2026-06-10", "sex": "F"}
    assert (
        worker.post(
            f"{api()}/children", json={**born, "certificate_number": "R100000001"}
        ).status_code
        == 201
    )
    jiedao_clock("2026-07-02T09:00:00+08:00")
    community, street = as_user("c_admin"), as_user("s_admin")
    body = community.get(url(A1)).json
    assert body["status"] == "draft" and body["due"] == "2026-07-05"
    figures = values(body)
    # 30 June: 李一 李二 李三 李四 李五 李六 and the three children (王死 died in May).
    assert (figures["residents"], figures["floating"], figures["households"]) == (9, 2, 1)
    assert figures["married_women"] == 3 and figures["married_women_in"] == 2
    # 李一: a boy; 李二: a girl and a son elsewhere; 李三: the girl of 10 June.
    assert (figures["women_childless"], figures["women_one"], figures["women_two"]) == (0, 2, 1)
    assert figures["women_three_plus"] == 0
    assert (figures["births"], figures["births_boys"], figures["births_girls"]) == (1, 0, 1)
    assert (figures["births_first"], figures["births_second"]) == (1, 0)
    assert (figures["regs"], figures["deaths"], figures["natural_growth"]) == (1, 0, 1)
    assert figures["birth_rate"] == round(12000 * 1 / 9, 1)
    # G: nobody came, left or divorced in June (李三 came in May, 王死 died there).
    assert (figures["moved_in"], figures["moved_out"], figures["divorces"]) == (0, 0, 0)

    no_reason = community.patch(url(A1), json={"values": {"births_matched": 1}})
    assert no_reason.status_code == 422 and "births_matched" in no_reason.json["error"]["fields"]
    overridden = community.patch(
        url(A1),
        json={
            "values": {**TYPED, "women_one": 3},
            "reasons": {"women_one": "一名外地子女未登记"},
        },
    )
    assert overridden.status_code == 200, overridden.json
    refused = community.post(url(A1, "submit"), json={})
    assert refused.status_code == 422
    assert "married_women" in refused.json["error"]["fields"]  # 0+3+1+0 is not 3
    fixed = community.patch(
        url(A1),
        json={
            "values": {"women_one": 2, "births_matched": 1},
            "reasons": {"births_matched": "医院已比对"},
        },
    )
    assert fixed.status_code == 200, fixed.json
    submitted = community.post(url(A1, "submit"), json={})
    assert submitted.status_code == 200 and submitted.json["status"] == "submitted", submitted.json

    assert community.post(url(A1, "approve"), json={}).status_code == 403
    returned = street.post(
        url(A1, "return"), json={"comment": "请核实", "fields": {"visits": "随访人次偏少"}}
    )
    assert returned.status_code == 200 and returned.json["status"] == "returned", returned.json
    seen = {f["key"]: f for f in community.get(url(A1)).json["fields"]}
    assert seen["visits"]["comment"] == "随访人次偏少"
    assert community.patch(url(A1), json={"values": {"visits": 20}}).status_code == 200
    assert community.post(url(A1, "submit"), json={}).status_code == 200
    approved = street.post(url(A1, "approve"), json={})
    assert approved.status_code == 200 and approved.json["status"] == "approved"

    page = street.get(url(STREET_A)).json
    children = {c["ref"]: c for c in page["consolidation"]["children"]}
    assert children[A1]["status"] == "approved" and children[A2]["shown"] == "missing"
    totals = page["consolidation"]["totals"]
    assert (totals["births"], totals["visits"], totals["married_women"]) == (1, 20, 3)
    assert values(page)["births_matched"] == 1  # the street's figure is the filed one


def test_the_street_reviews_by_the_8th_or_sees_it_overdue(counted, as_user, jiedao_clock):
    jiedao_clock("2026-07-03T09:00:00+08:00")
    community, street = as_user("c_admin"), as_user("s_admin")
    body = community.patch(url(A1), json={"values": TYPED}).json
    assert (body["due"], body["review_due"]) == ("2026-07-05", "2026-07-08")
    assert community.post(url(A1, "submit"), json={}).status_code == 200
    work = 'data-work="filing.family_planning.monthly.unreviewed"'
    jiedao_clock("2026-07-08T18:00:00+08:00")
    assert work not in as_user("s_admin").get("/").get_data(as_text=True)  # still in time
    jiedao_clock("2026-07-09T09:00:00+08:00")
    street = as_user("s_admin")
    assert f'{work} data-node="{STREET_A}"' in street.get("/").get_data(as_text=True)
    assert street.post(url(A1, "approve"), json={}).status_code == 200
    assert work not in street.get("/").get_data(as_text=True)
