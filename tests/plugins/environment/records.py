"""One record of every environment ledger in a community, made through the API as a worker."""

from __future__ import annotations

from .conftest import api


def make_all(client, ref: str, shop_id: int) -> dict[str, int]:
    """Create an area, an inspection (one failed item → an issue), a letter, a sorting month,
    a complaint, a water tank, an activity and a selection; returns their ids by plural."""
    base = api(ref)

    def post(path: str, body: dict) -> int:
        r = client.post(f"{base}/{path}", json=body)
        assert r.status_code == 201, (path, r.status_code, r.json)
        return r.json["id"]

    ids = {"areas": post("areas", {"name": "1号楼楼道", "kind": "stairwell"})}
    sheet = client.get(f"{base}/checklists").json["items"][0]
    items = client.get(f"{base}/checklists/{sheet['id']}").json["items"]
    results = [{"item": i["text"], "score": i["max_points"]} for i in items]
    results[0]["score"] = 4
    ids["inspections"] = post(
        "inspections",
        {"done_on": "2026-06-15", "kind": "weekly", "area_id": ids["areas"], "results": results},
    )
    issues = client.get(f"{base}/issues?inspection={ids['inspections']}").json["items"]
    ids["issues"] = issues[0]["id"]
    ids["letters"] = post("letters", {"unit_id": shop_id})
    ids["sorting"] = post(
        "sorting",
        {"month": "2026-05-01", "covered": 40, "participating": 30, "area_id": ids["areas"]},
    )
    ids["complaints"] = post(
        "complaints",
        {"ticket": f"T{ref}", "received_at": "2026-06-15 08:00", "phone": "13812345678",
         "category": "garbage", "complainant": "张先生"},
    )  # fmt: skip
    ids["tanks"] = post("tanks", {"facility": "1号楼水箱", "cleaned_on": "2026-03-01"})
    ids["activities"] = post(
        "activities", {"held_on": "2026-06-05", "kind": "publicity", "title": "世界环境日宣传"}
    )
    ids["selections"] = post(
        "selections", {"year": 2026, "nominee": "王家", "kind": "green_family"}
    )
    return ids
