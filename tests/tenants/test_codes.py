"""Division codes and local codes, checked without the app."""

import pytest

from tenants.codes import code_error, make_ref, parent_code_of
from tenants.models import NodeKind


@pytest.mark.parametrize(
    ("kind", "code", "parent_kind", "parent_code"),
    [
        (NodeKind.DISTRICT, "110105", None, None),
        (NodeKind.STREET, "110105001", NodeKind.DISTRICT, "110105"),
        (NodeKind.STREET, "110105100", NodeKind.DISTRICT, "110105"),  # a town (镇)
        (NodeKind.COMMUNITY, "110105001001", NodeKind.STREET, "110105001"),
        (NodeKind.COMMUNITY, "110105001201", NodeKind.STREET, "110105001"),  # a village (村)
        (NodeKind.GRID, "g1", NodeKind.COMMUNITY, "110105001001"),
        (NodeKind.BUILDING, "B-12_a", NodeKind.GRID, "g1"),
    ],
)
def test_valid_codes(app, kind, code, parent_kind, parent_code):
    with app.test_request_context():
        assert code_error(kind, code, parent_kind, parent_code) is None


@pytest.mark.parametrize(
    ("kind", "code", "parent_kind", "parent_code"),
    [
        (NodeKind.DISTRICT, "11010", None, None),  # too short
        (NodeKind.DISTRICT, "110000", None, None),  # a province
        (NodeKind.DISTRICT, "110100", None, None),  # a city
        (NodeKind.STREET, "11010500", NodeKind.DISTRICT, "110105"),  # 8 digits
        (NodeKind.STREET, "110106001", NodeKind.DISTRICT, "110105"),  # another district's prefix
        (NodeKind.STREET, "110105000", NodeKind.DISTRICT, "110105"),  # 000 names the district
        (NodeKind.STREET, "11010500a", NodeKind.DISTRICT, "110105"),
        (NodeKind.STREET, "１１０１０５００１", NodeKind.DISTRICT, "110105"),  # full-width digits
        (
            NodeKind.COMMUNITY,
            "110105002001",
            NodeKind.STREET,
            "110105001",
        ),  # sibling street's prefix
        (NodeKind.COMMUNITY, "110105001000", NodeKind.STREET, "110105001"),
        (NodeKind.COMMUNITY, "1101050010011", NodeKind.STREET, "110105001"),  # 13 digits
        (NodeKind.BUILDING, "3 号楼", NodeKind.COMMUNITY, "110105001001"),
        (NodeKind.BUILDING, "-1", NodeKind.COMMUNITY, "110105001001"),
        (NodeKind.BUILDING, "x" * 33, NodeKind.COMMUNITY, "110105001001"),
        (NodeKind.GRID, "", NodeKind.COMMUNITY, "110105001001"),
    ],
)
def test_invalid_codes_have_a_reason(app, kind, code, parent_kind, parent_code):
    with app.test_request_context():
        assert code_error(kind, code, parent_kind, parent_code)


def test_refs_and_parent_codes():
    assert make_ref(NodeKind.COMMUNITY, "110105001001", None) == "110105001001"
    assert make_ref(NodeKind.BUILDING, "03", "110105001001") == "110105001001-b03"
    assert make_ref(NodeKind.GRID, "03", "110105001001") == "110105001001-g03"
    assert parent_code_of("110105001001") == (NodeKind.STREET, "110105001")
    assert parent_code_of("110105001") == (NodeKind.DISTRICT, "110105")
    assert parent_code_of("b03") is None
