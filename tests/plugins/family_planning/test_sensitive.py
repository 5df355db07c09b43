"""Reproductive-health data (S3) never appears without ``family_planning.sensitive.view`` —
not on pages, in the API, exports, the history, the audit log or at street level — and the
husband's ID (S2) is masked; unmasking is audited. One test per surface."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.plugins.registry.conftest import make_id

from .conftest import A1, STREET_A, api, page

HUSBAND_ID = make_id(date(1990, 3, 7), 3)  # a man (odd sequence)
SECRET = {"contraception": "iud", "pregnancy": "pregnant", "due_on": date(2026, 10, 1)}


@pytest.fixture
def pregnant(enable, card, as_user):
    enable()
    card_id = card(
        name="保密者",
        spouse_name="丈夫甲",
        spouse_id_number=HUSBAND_ID,
        prepreg_check_on=date(2026, 1, 5),
        **SECRET,
    )
    # An edit by the community admin, so that the history holds S3 values too.
    admin = as_user("c_admin")
    edited = admin.patch(f"{api()}/women/{card_id}", json={"contraception": "condom"})
    assert edited.status_code == 200, edited.json
    return card_id


def _sheet(client, url: str) -> list[list]:
    response = client.get(url)
    assert response.status_code == 200, response.text[:200]
    return [
        list(r) for r in load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    ]


def test_pages_hide_s3_fields_from_a_worker(pregnant, as_user):
    html = as_user("worker").get(f"{page()}/women/{pregnant}").text
    assert "保密者" in html
    assert "宫内节育器" not in html and "避孕套" not in html and "孕期" not in html
    assert "2026-10-01" not in html and HUSBAND_ID not in html
    assert 'data-field="contraception" class="muted"' in html
    shown = as_user("c_admin").get(f"{page()}/women/{pregnant}?unmask=1").text
    assert "避孕套" in shown and "2026-10-01" in shown


def test_the_api_withholds_s3_and_masks_s2(pregnant, as_user):
    body = as_user("worker").get(f"{api()}/women/{pregnant}").json
    assert (body["contraception"], body["pregnancy"], body["due_on"]) == ("***", "***", "***")
    assert body["key_reasons"] == "***" and body["prepreg_check_on"] == "***"
    assert body["spouse_id_number"] == "110105********0033"
    listed = as_user("worker").get(f"{api()}/women").json["items"][0]
    assert listed["contraception"] == "***"
    admin = as_user("c_admin").get(f"{api()}/women/{pregnant}?unmask=1").json
    assert admin["contraception"] == "condom" and admin["spouse_id_number"] == HUSBAND_ID
    assert "pregnant" in admin["key_reasons"]


def test_exports_withhold_s3_unless_the_holder_asks_in_the_community(pregnant, as_user):
    url = f"/n/{A1}/exports/family_planning.women.xlsx"
    header, row = _sheet(as_user("worker"), f"{url}?unmask=1")[:2]
    assert "避孕方式" in header
    assert row[header.index("避孕方式")] in ("***", "已隐藏")
    assert HUSBAND_ID not in row
    header, row = _sheet(as_user("c_admin"), f"{url}?unmask=1")[:2]
    assert row[header.index("避孕方式")] == "避孕套" and HUSBAND_ID in row
    street = _sheet(
        as_user("s_admin"), f"/n/{STREET_A}/exports/family_planning.women.xlsx?unmask=1"
    )
    header, row = street[:2]
    assert row[header.index("避孕方式")] in ("***", "已隐藏")  # a street's export: counts only


def test_the_history_seals_s3_values(pregnant, as_user):
    items = as_user("worker").get(f"{api()}/women/{pregnant}/history").json["items"]
    text = json.dumps(items, ensure_ascii=False)
    assert "condom" not in text and "避孕套" not in text and "iud" not in text
    assert HUSBAND_ID not in text


def test_the_audit_log_never_holds_an_s3_value(pregnant, as_user):
    as_user("c_admin").get(f"{api()}/women/{pregnant}?unmask=1")
    entries = as_user("d_admin").get("/api/v1/audit", query_string={"per_page": 200}).json["items"]
    text = json.dumps(entries, ensure_ascii=False)
    assert "condom" not in text and "iud" not in text and "2026-10-01" not in text
    assert HUSBAND_ID not in text
    assert any(e["username"] == "c_admin" and "unmask" in e["action"] for e in entries)


def test_a_street_lists_cards_without_s3_fields(pregnant, as_user):
    street = as_user("s_admin")
    body = street.get(f"/api/v1/r/{STREET_A}/family_planning/women").json
    assert body["items"][0]["contraception"] == "***"
    html = street.get(f"/r/{STREET_A}/family_planning/women").text
    assert "保密者" in html and "避孕套" not in html
