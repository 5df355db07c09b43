"""The audit log's user filter is a people picker: it finds accounts by username or display
name inside the reader's audit scope only, and the page names the chosen one."""

from __future__ import annotations


def usernames(client, text: str) -> list[str]:
    answer = client.get("/audit/users", query_string={"q": text})
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json["items"]]


def test_the_user_picker_finds_accounts_in_the_readers_part_of_the_tree(as_user):
    assert usernames(as_user("d_admin"), "admin") == ["c_admin", "d_admin", "s_admin"]
    assert usernames(as_user("s_admin"), "admin") == ["c_admin", "s_admin"]
    assert usernames(as_user("c_admin"), "admin") == ["c_admin"]
    assert usernames(as_user("c_admin"), "leader") == ["leader"]  # home in a building of A1
    assert usernames(as_user("d_admin"), "") == []
    assert usernames(as_user("d_admin"), "%") == []  # a wildcard is a character like another
    assert as_user("worker").get("/audit/users?q=admin").status_code == 403


def test_the_page_names_the_chosen_user_and_filters_by_them(as_user):
    d = as_user("d_admin")
    page = d.get("/audit", query_string={"user": "c_admin"}).text
    assert 'data-url="/audit/users"' in page
    assert 'value="c_admin (c_admin)"' in page and 'name="user" value="c_admin"' in page
    # Someone outside the reader's scope is not named, only echoed as typed.
    page = as_user("c_admin").get("/audit", query_string={"user": "d_admin"}).text
    assert 'value="d_admin"' in page and "d_admin (d_admin)" not in page
