"""The contraceptive ledger: stock from the movements, an outgoing movement never beyond the
stock, a write-off and a stock-take difference with their reasons, the recipient (S3) hidden,
and the figure of what was handed out."""

from __future__ import annotations

from .conftest import A1, api


def test_stock_movements_and_the_stock_take(enable, as_user):
    enable()
    worker = as_user("worker")
    item = worker.post(
        f"{api()}/supply_items", json={"name": "避孕套", "spec": "中号", "unit": "盒"}
    )
    assert item.status_code == 201, item.json
    item_id = item.json["id"]

    def move(kind: str, quantity: int, **more):
        body = {"item_id": item_id, "moved_on": "2026-06-01", "kind": kind, "quantity": quantity}
        return worker.post(f"{api()}/supply_moves", json={**body, **more})

    assert move("in", 100).status_code == 201
    too_many = move("out", 101)
    assert too_many.status_code == 422 and "quantity" in too_many.json["error"]["fields"]
    assert move("out", 0).status_code == 422  # a quantity is positive
    handed = move("out", 30, recipient="王某")
    assert handed.status_code == 201
    assert handed.json["recipient"] == "***"  # who takes contraceptives is S3
    no_reason = move("loss", 2)
    assert no_reason.status_code == 422 and "reason" in no_reason.json["error"]["fields"]
    assert move("loss", 2, reason="受潮").status_code == 201
    assert worker.get(f"{api()}/supply_items/{item_id}").json["stock"] == 68
    differs = worker.post(f"{api()}/stock_takes", json={"item_id": item_id, "counted": 66})
    assert differs.status_code == 422 and "reason" in differs.json["error"]["fields"]
    taken = worker.post(
        f"{api()}/stock_takes", json={"item_id": item_id, "counted": 66, "reason": "两盒破损"}
    )
    assert taken.status_code == 201
    assert (taken.json["book"], taken.json["difference"]) == (68, -2)
    assert worker.get(f"{api()}/supply_items/{item_id}").json["stock"] == 66
    figures = as_user("d_admin").get(f"/api/v1/nodes/{A1}/indicators?period=2026-06").json
    values = {i["name"]: i["value"] for i in figures["items"]}
    assert values["family_planning.supply_out"] == 30
    assert values["family_planning.supply_kinds"] == 1
