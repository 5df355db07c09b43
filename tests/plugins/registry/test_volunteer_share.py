"""志愿者占常住人口比例: the registry's indicator divides core's volunteers on the register by
the residents it counts."""

from __future__ import annotations

from datetime import date

from .conftest import A1, api, make_id


def test_volunteer_share_is_volunteers_over_residents(as_user, enable):
    enable()
    worker = as_user("worker")
    for sequence in range(10, 20):  # ten residents
        resident = {"name": f"居民{sequence}", "id_number": make_id(date(1960, 1, 1), sequence)}
        assert worker.post(f"{api()}/residents", json=resident).status_code == 201
    for name in ("甲", "乙"):  # two volunteers on the register, one who left
        assert (
            worker.post(
                f"/api/v1/c/{A1}/volunteers", json={"name": name, "kinds": ["other"]}
            ).status_code
            == 201
        )
    gone = worker.post(
        f"/api/v1/c/{A1}/volunteers",
        json={"name": "丙", "kinds": ["other"], "status": "left", "left_reason": "搬走"},
    )
    assert gone.status_code == 201
    items = as_user("c_admin").get(f"/api/v1/nodes/{A1}/indicators").json["items"]
    figures = {f["name"]: f["value"] for f in items}
    assert figures["registry.residents"] == 10
    assert figures["registry.volunteer_share"] == 20.0  # 2 of 10, by hand
    assert figures["volunteers.volunteers"] == 2
