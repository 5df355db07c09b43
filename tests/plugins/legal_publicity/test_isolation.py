"""Every route of the module answers only inside the user's scope and where the module is on:
another community → 404, another street → 404, a building leader → 404, a read-only role writing
→ 403, the module off → 404 and the data back when it is on again."""

from __future__ import annotations

import pytest

from .conftest import A1, A2, B1, STREET_A, api, page

# (list segment, a valid new record) of every ledger on the module's own blueprints.
LEDGERS = {
    "activities": {"title": "民法典进社区", "held_on": "2026-05-10", "kind": "civil_code"},
    "boards": {"name": "东门宣传栏", "kind": "board"},
    "studies": {"held_on": "2026-05-10", "topic": "民法典婚姻家庭编", "attendees": 12},
    "consults": {"consulted_on": "2026-05-10", "question": "房屋租赁押金不退怎么办"},
    "screenings": {"held_on": "2026-05-01"},
    "disputes": {"parties": "甲、乙", "summary": "噪音", "mediators": "王秀梅"},
}
READ_ONLY = ["followups", "board_updates", "screening_items", "dispute_sessions"]
CARE = {"resettled": {"name": "赵某", "released_on": "2026-04-01"}}


def create(client, segment: str, data: dict, ref: str = A1) -> int:
    answer = client.post(f"{api(ref)}/{segment}", json=data)
    assert answer.status_code == 201, (segment, answer.json)
    return answer.json["id"]


@pytest.fixture
def records(enable, as_user, clock, judicial):
    """One record of every ledger in A1, made by its keepers."""
    clock("2026-05-15T10:00:00+08:00")
    enable(A1, A2, B1)
    worker, cadre = as_user("worker"), as_user("cadre")
    made = {segment: create(worker, segment, data) for segment, data in LEDGERS.items()}
    made["resettled"] = create(cadre, "resettled", CARE["resettled"])
    return made


def routes(records: dict) -> list[str]:
    """Every list and record page and API of the module in A1."""
    found = [page(A1) + "/"]
    for segment in [*LEDGERS, *READ_ONLY, *CARE, "care_visits", "care_visits/due"]:
        found += [f"{page(A1)}/{segment}", f"{api(A1)}/{segment}"]
    for segment, record_id in records.items():
        found += [
            f"{page(A1)}/{segment}/{record_id}",
            f"{page(A1)}/{segment}/{record_id}/edit",
            f"{api(A1)}/{segment}/{record_id}",
            f"{api(A1)}/{segment}/{record_id}/history",
        ]
    return found


def test_another_community_or_street_and_a_building_leader_find_nothing(records, as_user, world):
    world.add_user("a2_worker", role="program_worker", at=A2)
    world.add_user("b1_worker", role="program_worker", at=B1)
    for username in ("a2_worker", "b1_worker", "leader"):
        client = as_user(username)
        for url in routes(records):
            assert client.get(url).status_code == 404, (username, url)
        for segment, data in {**LEDGERS, **CARE}.items():
            assert client.post(f"{api(A1)}/{segment}", json=data).status_code == 404


def test_the_module_pages_of_a1_answer_its_worker(records, as_user):
    worker = as_user("worker")
    # Editing a record with S3 fields (the question, what a dispute is about) shows them: it
    # needs the sensitive permission, which a program worker does not hold.
    s3_forms = {f"{page(A1)}/{s}/{records[s]}/edit" for s in ("consults", "disputes")}
    for url in routes(records):
        if "resettled" in url or "care_visits" in url:
            continue
        assert worker.get(url).status_code == (403 if url in s3_forms else 200), url
    assert as_user("c_admin").get(sorted(s3_forms)[0]).status_code == 200


def test_a_reader_may_not_write(records, as_user):
    inspector = as_user("inspector")  # reads 普法 and 人民调解 everywhere, writes nothing
    for segment, data in LEDGERS.items():
        assert inspector.get(f"{api(A1)}/{segment}").status_code == 200
        assert inspector.post(f"{api(A1)}/{segment}", json=data).status_code == 403, segment
        record = f"{api(A1)}/{segment}/{records[segment]}"
        assert inspector.patch(record, json={}).status_code == 403, segment
        assert inspector.delete(record).status_code == 403, segment
        assert inspector.get(f"{page(A1)}/{segment}/new").status_code == 403, segment
    assert (
        inspector.post(f"{api(A1)}/disputes/{records['disputes']}/accept", json={}).status_code
        == 403
    )


def test_module_off_hides_everything_and_on_again_brings_it_back(records, as_user, disable, enable):
    worker = as_user("worker")
    disable(A1)
    for url in routes(records):
        assert worker.get(url).status_code == 404, url
    assert worker.post(f"{api(A1)}/disputes", json=LEDGERS["disputes"]).status_code == 404
    enable(A1)
    items = worker.get(f"{api(A1)}/disputes").json["items"]
    assert [i["id"] for i in items] == [records["disputes"]]
    assert as_user("cadre").get(f"{api(A1)}/resettled/{records['resettled']}").status_code == 200


def test_the_street_lists_cases_across_its_communities_without_their_s3(
    enable, as_user, clock, disable
):
    clock("2026-05-15T10:00:00+08:00")
    enable(A1, A2, B1)
    admin = as_user("d_admin")
    for ref in (A1, A2, B1):
        made = admin.post(
            f"{api(ref)}/disputes",
            json={
                "parties": "申请人 张三 13812345678",
                "dispute_type": "family",
                "summary": "婚后财产分割",
                "mediators": "王",
            },
        )
        assert made.status_code == 201
    neighbours = {"parties": "甲、乙", "dispute_type": "neighbour", "summary": "楼上漏水"}
    assert admin.post(f"{api(A1)}/disputes", json={**neighbours, "mediators": "王"}).status_code
    street = as_user("s_admin")
    listed = street.get(f"/api/v1/r/{STREET_A}/legal_publicity/disputes?unmask=1")
    assert listed.status_code == 200, listed.json
    assert sorted(i["community"] for i in listed.json["items"]) == [A1, A1, A2]
    # A family dispute's summary is S3: never at a street; a neighbours' one is S1.
    shown = sorted((i["dispute_type"], i["summary"]) for i in listed.json["items"])
    assert shown == [("family", "***"), ("family", "***"), ("neighbour", "楼上漏水")]
    page_html = street.get(f"/r/{STREET_A}/legal_publicity/disputes").get_data(as_text=True)
    assert "婚后财产分割" not in page_html and "13812345678" not in page_html
    disable(A2)
    again = street.get(f"/api/v1/r/{STREET_A}/legal_publicity/disputes").json["items"]
    assert [i["community"] for i in again] == [A1, A1]
    assert as_user("worker").get(f"/r/{STREET_A}/legal_publicity/disputes").status_code == 404
