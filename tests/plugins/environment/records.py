"""One record of every environment ledger in a community, made through the API as a worker."""

from __future__ import annotations

import io

from .conftest import api


def png() -> io.BytesIO:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(out, "PNG")
    out.seek(0)
    return out


def make_all(client, ref: str, shop_id: int, company_id: int | None = None) -> dict[str, int]:
    """Create an area, an inspection (one failed item → an issue), a letter, a sorting month,
    a complaint, a water tank, an activity with an attendee and a material, a selection; with
    a property company (``company_id``) its 物业服务考核 too; a photo on the issue, an
    inspection round and the checklist in use. Returns their ids by the plural of their URL."""
    base = api(ref)

    def post(path: str, body: dict) -> int:
        r = client.post(f"{base}/{path}", json=body)
        assert r.status_code == 201, (path, r.status_code, r.json)
        return r.json["id"]

    ids = {"areas": post("areas", {"name": "1号楼楼道", "kind": "stairwell"})}
    sheet = client.get(f"{base}/checklists").json["items"][0]
    ids["checklists"] = sheet["id"]
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
    ids["activity_attendees"] = post(
        f"activities/{ids['activities']}/attendees", {"name": "居民甲"}
    )
    ids["activity_materials"] = post(
        f"activities/{ids['activities']}/materials", {"kind": "垃圾分类宣传册", "quantity": 50}
    )
    ids["selections"] = post(
        "selections", {"year": 2026, "nominee": "王家", "kind": "green_family", "votes": 12}
    )
    if company_id is not None:
        ids["assessments"] = post(
            "assessments",
            {"unit_id": company_id, "year": 2026, "half": 1, "scheduled_on": "2026-06-15",
             "team": "街道城管科、社区"},
        )  # fmt: skip
    ids["inspection-rounds"] = post("inspection-rounds", {"name": "6月环境卫生月度大检查"})
    uploaded = client.post(
        f"{base}/issues/{ids['issues']}/photos",
        data={"photo": (png(), "before.png"), "kind": "before"},
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    ids["photos"] = uploaded.json["id"]
    return ids
