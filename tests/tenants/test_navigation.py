"""The sidebar's plugin entries: community pages at a community, roll-up pages at a street or
district where the module runs in a community beneath, only for holders of the permission."""

from __future__ import annotations

import lxml.html
import pytest

from core.db import db

DISTRICT, STREET_A, A1, STREET_B, B1 = (
    "110105",
    "110105001",
    "110105001001",
    "110105002",
    "110105002001",
)

REGISTRY_ROLLUP = ("基础台账", f"/r/{STREET_A}/registry/")
SAFETY_ROLLUP = ("安全生产统计", f"/r/{STREET_A}/safety/")


@pytest.fixture
def switch_on(app, world):
    """``switch_on(module, ref)`` turns a module on at a community."""
    from tenants import modules

    def switch(module: str, ref: str) -> None:
        with app.app_context():
            modules.enable(db.session, world.node(ref), module)
            db.session.commit()

    return switch


def sidebar(client, url: str) -> tuple[str | None, list[tuple[str, str]]]:
    """The heading of the sidebar's place section and every sidebar link (label, href)."""
    response = client.get(url)
    assert response.status_code == 200, url
    nav = lxml.html.fromstring(response.text).get_element_by_id("sidebar")
    heading = nav.findtext(".//h2")
    return heading, [(a.text_content().strip(), a.get("href")) for a in nav.iter("a")]


def test_a_street_admin_sees_the_roll_ups_of_modules_running_beneath(as_user, switch_on):
    switch_on("registry", A1)
    switch_on("safety", A1)
    street_admin = as_user("s_admin")
    heading, links = sidebar(street_admin, f"/n/{STREET_A}")
    assert heading == "建外街道"
    assert REGISTRY_ROLLUP in links and SAFETY_ROLLUP in links
    assert not [href for _label, href in links if href.startswith("/c/")]  # no community pages
    # The street is their only root node: the same entries on pages without a place.
    assert {REGISTRY_ROLLUP, SAFETY_ROLLUP} <= set(sidebar(street_admin, "/")[1])
    for _label, href in (REGISTRY_ROLLUP, SAFETY_ROLLUP):
        assert street_admin.get(href).status_code == 200
    # On the roll-up page itself the entry is the current page.
    page = lxml.html.fromstring(street_admin.get(SAFETY_ROLLUP[1]).text)
    current = page.get_element_by_id("sidebar").xpath(".//a[@aria-current='page']")
    assert [a.get("href") for a in current] == [SAFETY_ROLLUP[1]]


def test_the_entry_follows_the_place_in_the_url(as_user, switch_on):
    switch_on("safety", B1)  # street B only (with the registry, which safety requires)
    district_admin = as_user("d_admin")
    heading, links = sidebar(district_admin, f"/n/{DISTRICT}")
    assert heading == "朝阳区" and ("安全生产统计", f"/r/{DISTRICT}/safety/") in links
    assert ("安全生产统计", f"/r/{STREET_B}/safety/") in sidebar(district_admin, f"/n/{STREET_B}")[
        1
    ]
    # No module runs under street A: no module entries there (core's volunteers run everywhere).
    heading, links = sidebar(district_admin, f"/n/{STREET_A}")
    modules = [h for _l, h in links if h.startswith(("/r/", "/c/")) and "/volunteer" not in h]
    assert heading == "建外街道" and not modules
    street = sidebar(as_user("s_admin"), "/")[1]
    assert not [h for _l, h in street if h.startswith("/r/") and "/volunteer" not in h]


def test_a_community_worker_sees_community_pages_not_roll_ups(as_user, switch_on):
    switch_on("registry", A1)
    switch_on("safety", A1)
    worker = as_user("worker")
    for url in ("/", f"/n/{A1}", f"/c/{A1}/safety/"):
        heading, links = sidebar(worker, url)
        assert heading == "永安里东社区"
        assert ("居民", f"/c/{A1}/registry/") in links and ("安全生产", f"/c/{A1}/safety/") in links
        assert not [href for _label, href in links if href.startswith("/r/")]
    assert worker.get(f"/n/{STREET_A}").status_code == 404


def test_without_the_permission_at_the_street_there_is_no_entry(world, as_user, switch_on):
    switch_on("registry", A1)
    switch_on("safety", A1)
    world.add_user("street_leader", role="building_leader", at=STREET_A)  # tenants.view only
    for url in ("/", f"/n/{STREET_A}"):
        heading, links = sidebar(as_user("street_leader"), url)
        assert heading is None
        assert not [href for _label, href in links if "/registry/" in href or "/safety/" in href]
    assert as_user("street_leader").get(SAFETY_ROLLUP[1]).status_code == 404


def test_a_streets_page_lists_the_dashboards_of_the_modules_running_beneath(as_user, switch_on):
    street_admin = as_user("s_admin")

    def dashboards(ref: str) -> list[tuple[str, str]]:
        page = lxml.html.fromstring(street_admin.get(f"/n/{ref}").text)
        return [
            (a.text_content().strip(), a.get("href"))
            for a in page.xpath("//*[@data-dashboards]//a")
            if "/volunteer" not in a.get("href")  # core's register, on everywhere
        ]

    assert dashboards(STREET_A) == []  # no module runs beneath yet
    switch_on("safety", A1)
    assert dashboards(STREET_A) == [REGISTRY_ROLLUP, SAFETY_ROLLUP]  # safety brings the registry
    assert dashboards(A1) == []  # a community's pages are in its sidebar
