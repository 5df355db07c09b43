"""The tree as JSON for a client that expands it lazily: a node's children with their counts
by kind, the search path that opens the tree down to a match, and nothing outside the reader's
part of the tree (404, as for a place that does not exist)."""

from __future__ import annotations

import pytest

A1, A2, B1 = "110105001001", "110105001002", "110105002001"
STREET_A, STREET_B, DISTRICT = "110105001", "110105002", "110105"


def refs_and_counts(answer) -> list[tuple[str, dict[str, int]]]:
    assert answer.status_code == 200, answer.json
    return [(item["ref"], item["counts"]) for item in answer.json["items"]]


def test_children_come_with_their_counts_by_kind(as_user):
    d = as_user("d_admin")
    assert refs_and_counts(d.get(f"/api/v1/nodes/{DISTRICT}/children")) == [
        (STREET_A, {"community": 2, "grid": 1, "building": 3}),
        (STREET_B, {"community": 1, "building": 1}),
    ]
    assert refs_and_counts(d.get(f"/api/v1/nodes/{STREET_A}/children")) == [
        (A1, {"grid": 1, "building": 2}),
        (A2, {"building": 1}),
    ]
    answer = d.get(f"/api/v1/nodes/{A1}/children")
    assert dict(refs_and_counts(answer)) == {f"{A1}-bb02": {}, f"{A1}-gg1": {"building": 1}}
    assert answer.json["total"] == 2
    grid = d.get(f"/api/v1/nodes/{A1}-gg1/children").json["items"]
    assert [(b["ref"], b["kind"], b["parent"]) for b in grid] == [
        (f"{A1}-bb01", "building", f"{A1}-gg1")
    ]


def test_children_are_paged(as_user):
    answer = as_user("d_admin").get(f"/api/v1/nodes/{DISTRICT}/children?per_page=1&page=2")
    assert [i["ref"] for i in answer.json["items"]] == [STREET_B]
    assert (answer.json["total"], answer.json["pages"]) == (2, 2)


def test_the_search_path_starts_at_the_readers_own_top(as_user):
    building = f"{A1}-bb01"
    path = as_user("d_admin").get(f"/api/v1/nodes/{building}/path").json["items"]
    assert [n["ref"] for n in path] == [DISTRICT, STREET_A, A1, f"{A1}-gg1", building]
    # A street admin is not told what lies above the street.
    path = as_user("s_admin").get(f"/api/v1/nodes/{building}/path").json["items"]
    assert [n["ref"] for n in path] == [STREET_A, A1, f"{A1}-gg1", building]
    path = as_user("c_admin").get(f"/api/v1/nodes/{A1}/path").json["items"]
    assert [n["ref"] for n in path] == [A1]


@pytest.mark.parametrize(
    ("user", "ref"),
    [
        ("s_admin", B1),  # another street
        ("s_admin", DISTRICT),  # above the reader's scope
        ("c_admin", A2),  # another community of the same street
        ("c_admin", STREET_A),
        ("d_admin", "110105999"),  # no such place
    ],
)
def test_outside_the_readers_scope_is_not_found(as_user, user, ref):
    c = as_user(user)
    for what in ("children", "path"):
        answer = c.get(f"/api/v1/nodes/{ref}/{what}")
        assert answer.status_code == 404, (what, answer.json)
        assert "error" in answer.json


def test_signed_out_gets_no_tree(client):
    assert client.get(f"/api/v1/nodes/{DISTRICT}/children").status_code == 401
    assert client.get(f"/api/v1/nodes/{DISTRICT}/path").status_code == 401


def test_the_document_describes_counts_and_the_path(client):
    doc = client.get("/api/v1/openapi.json").json
    paths = doc["paths"]
    assert "/api/v1/nodes/{ref}/path" in paths
    children = paths["/api/v1/nodes/{ref}/children"]["get"]
    schema = children["responses"]["200"]["content"]["application/json"]["schema"]
    text = str(schema)
    assert "WithCounts" in text
    assert "counts" in str(doc["components"]["schemas"]["NodeWithCounts"]["properties"])
