"""The tree pages: places, search, node detail with counts, add and edit with kept input."""


def test_tree_page_lists_the_users_places_and_searches(as_user):
    c = as_user("s_admin")
    page = c.get("/tree").text
    assert "建外街道" in page and "朝阳区" not in page.split("<main")[1]
    found = c.get("/tree?q=永安").text
    assert "永安里东社区" in found
    assert "共1条" in found
    assert "吉祥里社区" not in c.get("/tree?q=吉祥").text


def test_node_page_shows_breadcrumb_children_and_counts(as_user):
    c = as_user("c_admin")
    page = c.get("/n/110105001001").text
    # Breadcrumb: ancestors are named; only the ones in scope are links.
    assert "朝阳区" in page and "建外街道" in page
    assert 'href="/n/110105001"' not in page
    assert 'href="/n/110105001001-gg1"' in page and 'href="/n/110105001001-bb02"' in page
    assert 'data-count="building">2<' in page and 'data-count="grid">1<' in page
    street = as_user("s_admin").get("/n/110105001").text
    assert 'data-count="community">2<' in street and 'data-count="building">3<' in street


def test_add_a_building_keeps_input_on_error(as_user, world):
    c = as_user("c_admin")
    bad = c.post(
        "/n/110105001001/children", data={"kind": "building", "code": "3 号", "name": "三号楼"}
    )
    assert bad.status_code == 422
    assert 'value="三号楼"' in bad.text and 'value="3 号"' in bad.text
    assert 'class="field-error"' in bad.text
    dup = c.post(
        "/n/110105001001/children", data={"kind": "building", "code": "b02", "name": "三号楼"}
    )
    assert dup.status_code == 409
    ok = c.post(
        "/n/110105001001/children", data={"kind": "building", "code": "b03", "name": "三号楼"}
    )
    assert ok.status_code == 302
    assert "三号楼" in c.get("/n/110105001001").text


def test_edit_page(as_user, world):
    c = as_user("c_admin")
    assert c.get("/n/110105001001/edit").status_code == 200
    r = c.post("/n/110105001001/edit", data={"name": "", "code": "110105001001"})
    assert r.status_code == 422 and 'class="field-error"' in r.text
    r = c.post("/n/110105001001/edit", data={"name": "永安里东社区居委会", "code": "110105001001"})
    assert r.status_code == 302
    with world.app.app_context():
        assert world.node("110105001001").name == "永安里东社区居委会"


def test_readers_do_not_see_the_add_form(as_user):
    page = as_user("worker").get("/n/110105001001").text
    assert 'action="/n/110105001001/children' not in page
