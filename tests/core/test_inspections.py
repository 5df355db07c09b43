"""Core's scored inspections, through safety (the first module on them): checklist templates in
versions, scoring and totals, a failed item becoming a hazard, referrals, rounds ranked and
announced in a 通报, and the refusals (another community, no permission, module off, bad input)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.db import db

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
# 楼道/院落 out of 100, as the environment programme scores a courtyard.
COURTYARD = [
    ("楼道", "无堆物", 10),
    ("楼道", "无小广告", 10),
    ("院落", "地面整洁", 10),
    ("院落", "垃圾日产日清", 15),
    ("院落", "桶站整洁分类规范", 15),
    ("院落", "无积水", 10),
    ("院落", "绿化完好无种菜养畜", 10),
    ("院落", "无违建", 10),
    ("院落", "病媒防制设施完好", 10),
]


def api(ref: str = A1) -> str:
    return f"/api/v1/c/{ref}/safety"


def page(ref: str = A1) -> str:
    return f"/c/{ref}/safety"


@pytest.fixture
def safety_on(app, world, jiedao_clock):
    from tenants import modules

    jiedao_clock(datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    with app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "safety")
        db.session.commit()


def _template(client, kind: str = "area", ref: str = A1) -> dict:
    found = client.get(f"{api(ref)}/checklists").get_json()["items"]
    return max((t for t in found if t["target_kind"] == kind and t["active"]),
               key=lambda t: t["version"])  # fmt: skip


@pytest.fixture
def courtyard(safety_on, as_user) -> dict:
    """A1's scored 楼道/院落 checklist: the module's area default, edited by the community
    admin into the 100-point list (which makes A1's own version 2)."""
    admin = as_user("c_admin")
    default = _template(admin)
    items = [{"section": s, "text": t, "max_points": p} for s, t, p in COURTYARD]
    edited = admin.put(
        f"{api()}/checklists/{default['id']}",
        json={"name": "楼道院落环境检查表", "pass_mark": 85, "items": items},
    )
    assert edited.status_code == 200, edited.get_json()
    return edited.get_json()


def _scores(template: dict, lost: dict[str, float] | None = None) -> list[dict]:
    """Full marks on every item except those in ``lost`` (item text → points lost)."""
    lost = lost or {}
    return [
        {"item_id": i["id"], "item": i["text"], "score": i["max_points"] - lost.get(i["text"], 0)}
        for i in template["items"]
    ]


def _inspect(client, template, area, lost=None, round_id=None, **extra) -> dict:
    body = {
        "done_on": "2026-11-18",
        "kind": "weekly",
        "target_kind": "area",
        "area": area,
        "checklist": _scores(template, lost),
        "round_id": round_id,
        **extra,
    }
    made = client.post(f"{api()}/inspections", json=body)
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_editing_a_used_template_makes_a_new_version_and_the_inspection_keeps_its_own(
    courtyard, as_user
):
    admin, worker = as_user("c_admin"), as_user("worker")
    assert courtyard["version"] == 2 and courtyard["max_score"] == 100
    assert [i["text"] for i in courtyard["items"]][:2] == ["无堆物", "无小广告"]
    # Not used yet: an edit changes it in place.
    items = [{"section": i["section"], "text": i["text"], "max_points": i["max_points"]}
             for i in courtyard["items"]]  # fmt: skip
    same = admin.put(f"{api()}/checklists/{courtyard['id']}", json={"items": items}).get_json()
    assert same["id"] == courtyard["id"] and same["version"] == 2
    v2 = same
    inspection = _inspect(worker, v2, "3号院")
    assert inspection["checklist_version"] == "楼道院落环境检查表 v2"

    items[0]["text"] = "楼道无堆物、无飞线充电"
    v3 = admin.put(f"{api()}/checklists/{v2['id']}", json={"items": items}).get_json()
    assert v3["id"] != v2["id"] and v3["version"] == 3
    assert v3["items"][0]["text"] == "楼道无堆物、无飞线充电"
    old = admin.get(f"{api()}/checklists/{v2['id']}").get_json()
    assert old["items"][0]["text"] == "无堆物" and old["active"] is False
    kept = worker.get(f"{api()}/inspections/{inspection['id']}").get_json()
    assert kept["checklist_version"] == "楼道院落环境检查表 v2"
    assert kept["checklist"][0]["item"] == "无堆物"
    shown = worker.get(f"{page()}/checklists/{v2['id']}").get_data(as_text=True)
    assert "v2" in shown and "无堆物" in shown and "楼道无堆物" not in shown
    # A new inspection's form offers the newest version.
    form = worker.get(f"{page()}/inspections/new?target_kind=area").get_data(as_text=True)
    assert 'value="楼道无堆物、无飞线充电"' in form


def test_scores_add_up_to_the_total_and_below_the_maximum_an_item_fails(courtyard, as_user):
    worker = as_user("worker")
    made = _inspect(worker, courtyard, "3号院", {"无积水": 4, "无小广告": 10})
    assert made["total_score"] == 86
    results = {r["item"]: r for r in made["checklist"]}
    assert results["无积水"]["result"] == "fail" and results["无积水"]["score"] == 6
    assert results["无小广告"]["score"] == 0 and results["无小广告"]["result"] == "fail"
    assert results["地面整洁"]["result"] == "ok" and results["地面整洁"]["max_points"] == 10
    listed = worker.get(f"{api()}/inspections").get_json()["items"]
    assert [i["total_score"] for i in listed] == [86]


def test_a_failed_item_becomes_a_hazard_linked_to_the_inspection(courtyard, as_user):
    worker = as_user("worker")
    made = _inspect(worker, courtyard, "5号院", {"无违建": 10})
    hazards = worker.get(f"{api()}/hazards?inspection={made['id']}").get_json()["items"]
    assert len(hazards) == 1
    hazard = hazards[0]
    assert hazard["description"].startswith("无违建") and hazard["status"] == "found"
    assert hazard["inspection_id"] == made["id"] and hazard["found_on"] == "2026-11-18"
    failed = [r for r in made["checklist"] if r["result"] == "fail"]
    assert [r["rectification_id"] for r in failed] == [hazard["id"]]
    # Saving the inspection again makes no second hazard for the same item.
    again = worker.patch(f"{api()}/inspections/{made['id']}", json={"findings": "复查前再次确认"})
    assert again.status_code == 200, again.get_json()
    assert len(worker.get(f"{api()}/hazards?inspection={made['id']}").get_json()["items"]) == 1
    # A hand-added failed item (not of the template) makes none.
    free = worker.post(
        f"{api()}/inspections",
        json={"done_on": "2026-11-18", "checklist": [{"item": "灭火器", "result": "fail"}]},
    ).get_json()
    assert worker.get(f"{api()}/hazards?inspection={free['id']}").get_json()["items"] == []


def test_a_referral_is_recorded_on_the_hazard_and_on_the_inspection(courtyard, as_user):
    worker = as_user("worker")
    made = _inspect(worker, courtyard, "5号院", {"无违建": 10})
    hazard = worker.get(f"{api()}/hazards?inspection={made['id']}").get_json()["items"][0]
    body = {
        "authority": "区城管执法局",
        "reference": "朝城转〔2026〕118号",
        "referred_on": "2026-11-19",
        "outcome": "已立案，限期拆除",
    }
    referred = worker.post(f"{api()}/referrals/hazards/{hazard['id']}", json=body)
    assert referred.status_code == 201, referred.get_json()
    listed = worker.get(f"{api()}/referrals/hazards/{hazard['id']}").get_json()["items"]
    assert [(r["authority"], r["reference"], r["outcome"]) for r in listed] == [
        ("区城管执法局", "朝城转〔2026〕118号", "已立案，限期拆除")
    ]
    assert worker.get(f"{api()}/referrals/inspections/{made['id']}").get_json()["items"] == []
    on_finding = worker.post(
        f"{api()}/referrals/inspections/{made['id']}", json={**body, "reference": "2"}
    )
    assert on_finding.status_code == 201
    missing = worker.post(f"{api()}/referrals/hazards/{hazard['id']}", json={"reference": "3"})
    assert missing.status_code == 422 and "authority" in missing.get_json()["error"]["fields"]


@pytest.fixture
def ranked_round(courtyard, as_user) -> dict:
    worker = as_user("worker")
    made = worker.post(
        f"{api()}/inspection-rounds",
        json={
            "name": "2026年11月院落环境联合检查",
            "starts_on": "2026-11-01",
            "ends_on": "2026-11-30",
        },
    )
    assert made.status_code == 201, made.get_json()
    round_id = made.get_json()["id"]
    _inspect(worker, courtyard, "1号院", {"无积水": 10}, round_id)  # 90
    _inspect(worker, courtyard, "2号院", {}, round_id)  # 100
    _inspect(worker, courtyard, "3号院", {"无小广告": 4, "无积水": 6}, round_id)  # 90
    _inspect(worker, courtyard, "4号院", {"垃圾日产日清": 15, "无违建": 10}, round_id)  # 75
    _inspect(worker, courtyard, "5号院", {"无违建": 10})  # in no round
    return made.get_json()


def test_a_round_ranks_its_targets_best_first_and_ties_share_a_rank(ranked_round, as_user):
    worker = as_user("worker")
    ranking = worker.get(f"{api()}/inspection-rounds/{ranked_round['id']}").get_json()["ranking"]
    assert [(r["rank"], r["target"], r["total_score"]) for r in ranking] == [
        (1, "2号院", 100),
        (2, "1号院", 90),
        (2, "3号院", 90),
        (4, "4号院", 75),
    ]


def test_the_bulletin_shows_the_round_its_ranking_and_its_failed_items(ranked_round, as_user):
    worker = as_user("worker")
    shown = worker.get(f"{page()}/inspection-rounds/{ranked_round['id']}/bulletin")
    assert shown.status_code == 200
    text = shown.get_data(as_text=True)
    assert "2026年11月院落环境联合检查" in text and "2026-11-01" in text and "2026-11-30" in text
    rows = re.findall(r'<tr data-rank="(\d+)"><td>\d+</td><td>([^<]+)</td><td>([^<]+)</td>', text)
    assert rows == [("1", "2号院", "100"), ("2", "1号院", "90"), ("2", "3号院", "90"),
                    ("4", "4号院", "75")]  # fmt: skip
    failed = text[text.index('data-inspections="failed"') :]
    assert "垃圾日产日清" in failed and "0/15" in failed and "6/10" in failed
    assert "5号院" not in text  # not of this round
    assert "@media print" in text


def test_other_communities_missing_permissions_and_a_module_off_are_refused(
    courtyard, as_user, app, world
):
    worker, admin, inspector = as_user("worker"), as_user("c_admin"), as_user("inspector")
    # A2's template: the admin of A1 sees and edits nothing of A2 (404 on every route).
    for url in (f"{api(A2)}/checklists", f"{page(A2)}/checklists", f"{api(A2)}/inspection-rounds"):
        assert worker.get(url).status_code == 404, url
    with app.app_context():
        from core.inspections.models import InspectionRound

        a2_round = InspectionRound(module="safety", name="A2轮次", node_id=world.node(A2).id)
        db.session.add(a2_round)
        db.session.commit()
        a2_round_id = a2_round.id
    assert worker.get(f"{api()}/inspection-rounds/{a2_round_id}").status_code == 404
    into_a2 = worker.post(
        f"{api()}/inspections", json={"done_on": "2026-11-18", "round_id": a2_round_id}
    )
    assert into_a2.status_code == 422 and "round_id" in into_a2.get_json()["error"]["fields"]
    assert worker.get(f"{page()}/inspection-rounds/{a2_round_id}/bulletin").status_code == 404
    # The worker may inspect but not edit templates; the district inspector only reads.
    items = {"items": [{"text": "无堆物", "max_points": 10}]}
    assert worker.put(f"{api()}/checklists/{courtyard['id']}", json=items).status_code == 403
    assert worker.get(f"{page()}/checklists/{courtyard['id']}/edit").status_code == 403
    assert inspector.get(f"{api()}/checklists").status_code == 200
    assert inspector.post(f"{api()}/inspection-rounds", json={"name": "x"}).status_code == 403
    # Safety off at A1: its checklists and rounds are gone (404).
    from tenants import modules

    with app.app_context():
        modules.disable(db.session, world.node(A1), "safety")
        db.session.commit()
    assert admin.get(f"{api()}/checklists").status_code == 404
    assert worker.get(f"{page()}/inspection-rounds").status_code == 404


def test_bad_scores_and_unknown_items_are_refused_naming_the_field(courtyard, as_user):
    worker = as_user("worker")
    body = {"done_on": "2026-11-18", "target_kind": "area", "area": "3号院"}
    over = _scores(courtyard)
    over[0]["score"] = 12
    refused = worker.post(f"{api()}/inspections", json={**body, "checklist": over})
    assert refused.status_code == 422
    fields = refused.get_json()["error"]["fields"]
    assert "checklist" in fields and "无堆物" in fields["checklist"][0]
    unknown = [*_scores(courtyard), {"item_id": 999999, "item": "x", "score": 1}]
    refused = worker.post(f"{api()}/inspections", json={**body, "checklist": unknown})
    assert (
        refused.status_code == 422
        and "999999" in refused.get_json()["error"]["fields"]["checklist"][0]
    )
    no_items = as_user("c_admin").put(f"{api()}/checklists/{courtyard['id']}", json={"items": []})
    assert no_items.status_code == 422 and "items" in no_items.get_json()["error"]["fields"]
    bad_points = as_user("c_admin").post(
        f"{page()}/checklists/{courtyard['id']}/edit", data={"items": "楼道 | 无堆物 | 十"}
    )
    assert bad_points.status_code == 422 and re.search(
        r"Line 1:|第 1 行", bad_points.get_data(as_text=True)
    )
    assert worker.get(f"{api()}/inspections").get_json()["items"] == []


def test_a_household_or_rented_flat_is_a_target_with_its_own_checklist(safety_on, as_user, app):
    from plugins.safety.inspections.checklists import DWELLING_ITEMS

    worker = as_user("worker")
    rental = _template(worker, "rental")
    with app.test_request_context():
        expected = [str(i) for i in DWELLING_ITEMS]
    assert [i["text"] for i in rental["items"]] == expected
    assert {i["max_points"] for i in rental["items"]} == {None}  # pass/fail
    made = worker.post(
        f"{api()}/inspections",
        json={
            "done_on": "2026-11-18",
            "kind": "supervision",
            "target_kind": "rental",
            "target_name": "3号楼2单元101",
            "checklist": [
                {"item_id": i["id"], "item": i["text"], "result": "ok"} for i in rental["items"]
            ],
        },
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["target"] == "3号楼2单元101"
    assert made.get_json()["total_score"] is None  # a pass/fail checklist has no total
    kinds = worker.get(f"{page()}/inspections/new").get_data(as_text=True)
    for kind in ("general", "festival", "supervision", "flood", "weekly"):
        assert f'value="{kind}"' in kinds


def test_a_referral_typed_on_the_hazard_page_shows_there(courtyard, as_user):
    worker = as_user("worker")
    made = _inspect(worker, courtyard, "5号院", {"无违建": 10})
    hazard = worker.get(f"{api()}/hazards?inspection={made['id']}").get_json()["items"][0]
    url = f"{page()}/hazards/{hazard['id']}"
    form = {"authority": "区城管执法局", "reference": "朝城转118号", "referred_on": "2026-11-19"}
    sent = worker.post(f"{page()}/referrals/hazards/{hazard['id']}", data={**form, "next": url})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(url)
    shown = worker.get(url).get_data(as_text=True)
    section = shown[shown.index("data-referrals") :]
    assert "区城管执法局" in section and "朝城转118号" in section and "2026-11-19" in section
    refused = worker.post(f"{page()}/referrals/hazards/{hazard['id']}", data={"next": url})
    assert refused.status_code == 302
    assert len(worker.get(f"{api()}/referrals/hazards/{hazard['id']}").get_json()["items"]) == 1
    leader = as_user("leader")
    assert leader.post(f"{page()}/referrals/hazards/{hazard['id']}", data=form).status_code in (
        403,
        404,
    )


def test_a_community_admin_edits_a_template_through_its_pages(safety_on, as_user):
    admin = as_user("c_admin")
    listed = admin.get(f"{page()}/checklists").get_data(as_text=True)
    ids = re.findall(r'<tr data-checklist="(\d+)">', listed)
    assert len(ids) == 5  # the module's defaults, one per kind of target
    area = _template(admin)
    form = admin.get(f"{page()}/checklists/{area['id']}/edit").get_data(as_text=True)
    assert area["items"][0]["text"] in form
    lines = "楼道 | 无堆物 | 10\n院落 | 垃圾日产日清 | 15\n消防器材完好"
    saved = admin.post(
        f"{page()}/checklists/{area['id']}/edit",
        data={"name": "楼道院落检查表", "pass_mark": "20", "items": lines},
    )
    assert saved.status_code == 302
    shown = admin.get(saved.headers["Location"]).get_data(as_text=True)
    assert "楼道院落检查表" in shown and "v2" in shown
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]+)</td><td>([^<]+)</td></tr>", shown)
    assert [c[:2] for c in cells] == [
        ("楼道", "无堆物"),
        ("院落", "垃圾日产日清"),
        ("", "消防器材完好"),
    ]
    assert [c[2] for c in cells][:2] == ["10", "15"]
    current = _template(admin)
    assert current["version"] == 2 and current["max_score"] == 25 and current["pass_mark"] == 20


def test_the_default_checklists_a_first_page_seeds_are_kept(safety_on, app, world):
    """Regression: the module's default checklists were seeded inside the first read-only
    request and rolled back at its end, so every page seeded them anew and the item ids its
    form offered were gone by the next request."""
    import sqlalchemy as sa

    from core.inspections import services
    from core.inspections.models import ChecklistTemplate
    from plugins.safety.inspections.checklists import SAFETY_INSPECTIONS

    def defaults() -> int:
        with app.app_context():
            return db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ChecklistTemplate)
                .where(ChecklistTemplate.module == "safety", ChecklistTemplate.node_id.is_(None))
            )

    assert defaults() == 0
    with app.test_request_context():
        community = db.session.merge(world.node(A1))
        services.current_template(db.session, SAFETY_INSPECTIONS, community, "area")
        db.session.rollback()  # what the end of a request that wrote nothing does
    assert defaults() == len(SAFETY_INSPECTIONS.checklists)
