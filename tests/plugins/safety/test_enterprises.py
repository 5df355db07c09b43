"""The enterprise ledger with its major hazard sources, and what it never tells of another
community."""

from __future__ import annotations

import pytest

from .conftest import A1, B1, api, beijing


@pytest.fixture
def ready(enable, clock):
    enable(A1, B1)
    clock(beijing("2026-06-15 10:00"))


def test_another_communitys_enterprise_or_unit_is_refused_as_a_missing_one(
    ready, as_user, enterprise, unit
):
    """Issue 12, finding 3: the refusal named the other community's record ("企业
    吉祥里成博水果店不在永安里东社区"), telling a worker what another tenant keeps."""
    foreign = enterprise(B1, name="吉祥里成博水果店")
    foreign_unit = unit(B1, name="吉祥里五金店")
    worker = as_user("worker")
    for path, base, key, theirs in (
        ("/inspections", {"done_on": "2026-06-02"}, "enterprise_id", foreign),
        (
            "/hazards",
            {"description": "灭火器过期", "found_on": "2026-06-01"},
            "enterprise_id",
            foreign,
        ),
        ("/enterprises", {}, "unit_id", foreign_unit),
    ):
        refused = worker.post(api() + path, json={**base, key: theirs})
        missing = worker.post(api() + path, json={**base, key: 999999})
        assert refused.status_code == missing.status_code == 422, path
        assert refused.json == missing.json, path
        assert list(refused.json["error"]["fields"]) == [key]
        assert "吉祥里" not in refused.text
