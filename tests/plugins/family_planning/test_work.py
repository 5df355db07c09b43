"""Visits by the spec's quotas (产后 42 days, 新婚 30 days, inflow quarterly, special families
monthly), the home page's 今日待办 (counts only, never a sensitive value), and a figure's
drill-down listing the cards behind it without their S3 fields."""

from __future__ import annotations

import json
import re
from datetime import date

from .conftest import A1, api


def _work(client) -> dict[str, int]:
    html = client.get("/").text
    found = re.findall(
        r'data-work="([^"]+)" data-node="[^"]+">.*?<strong class="count">(\d+)</strong>', html, re.S
    )
    return {key: int(count) for key, count in found}


def test_visits_follow_the_quotas(enable, as_user, card, resident, app):
    enable()
    worker = as_user("worker")
    wed = card(name="新婚者", married_on=date(2026, 5, 1))
    card(name="普通者", married_on=date(2010, 5, 1))
    due = worker.get(f"{api()}/visits/due").json["items"]
    categories = {row["name"]: row["category"] for row in due}
    assert categories["新婚者"] == "newly_wed" and categories["普通者"] == "woman"
    assert {row["name"]: row["status"] for row in due}["新婚者"] == "overdue"  # never visited
    with app.app_context():
        from core.db import db
        from plugins.family_planning.women.models import FpWoman

        resident_id = db.session.get(FpWoman, wed).resident_id
    body = {"subject_kind": "resident", "subject_id": resident_id, "visited_on": "2026-06-10",
            "mode": "home", "findings": "已放置避孕套", "needs": "咨询生育登记"}  # fmt: skip
    visited = worker.post(f"{api()}/visits", json=body)
    assert visited.status_code == 201, visited.json
    after = {row["name"]: row["status"] for row in worker.get(f"{api()}/visits/due").json["items"]}
    assert "新婚者" not in after or after["新婚者"] != "overdue"
    # What a visit found is S3: hidden from the worker, shown to the admin who asks.
    seen = worker.get(f"{api()}/visits/{visited.json['id']}").json
    assert seen["findings"] == "***" and seen["needs"] == "***"
    shown = as_user("c_admin").get(f"{api()}/visits/{visited.json['id']}?unmask=1").json
    assert shown["findings"] == "已放置避孕套"


def test_the_workbench_counts_and_never_shows_a_value(enable, as_user, card, resident):
    enable()
    resident(name="未建卡")
    card(name="有卡者", contraception="iud")
    worker = as_user("c_admin")
    body = {"woman_id": card(name="登记者"), "child_order": "1", "applied_on": "2026-06-10"}
    assert worker.post(f"{api()}/birth_regs", json=body).status_code == 201
    counts = _work(as_user("worker"))
    assert counts["family_planning.candidates"] == 1
    street = _work(as_user("s_admin"))
    assert street["family_planning.birth_regs_overdue"] == 1  # due 11 June, still submitted
    html = as_user("worker").get("/").text
    assert "宫内节育器" not in html and "有卡者" not in html


def test_a_figure_opens_onto_its_cards_without_their_s3_fields(enable, as_user, card):
    enable()
    card(name="钻取者", contraception="iud", pregnancy="pregnant", due_on=date(2026, 9, 9))
    rows = as_user("worker").get(
        f"/api/v1/nodes/{A1}/figures/family_planning.married_women/records?period=2026"
    )
    assert rows.status_code == 200, rows.json
    text = json.dumps(rows.json, ensure_ascii=False)
    assert "钻取者" in text
    assert "iud" not in text and "pregnant" not in text and "2026-09-09" not in text
