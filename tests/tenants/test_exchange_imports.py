"""Plugin ledger imports on the exchange engine, through the real app: the API and the import
page at a community (template, upload, dry-run report, confirm), with the registry plugin's
residents and households as the ledgers."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import render_template_string
from markupsafe import escape
from openpyxl import Workbook, load_workbook

from core.db import db
from core.models import AuditLog
from plugins.registry.models import RegistryHousehold, RegistryResident
from tests.plugins.registry.conftest import make_id

A1, A2 = "110105001001", "110105001002"
WANG_ID = make_id(date(1950, 5, 4), 124)
LI_ID = make_id(sequence=11)
RESIDENTS = "姓名,身份证号,手机号码,户籍状态\n"


@pytest.fixture
def registry_on(app, world):
    """The registry on at A1 and A2."""
    from tenants import modules

    with app.app_context():
        for ref in (A1, A2):
            modules.enable(db.session, world.node(ref), "registry")
        db.session.commit()


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def api_upload(client, name, content, filename="import.csv", query="", ref=A1):
    return client.post(
        f"/api/v1/nodes/{ref}/imports/{name}{query}",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )


# --- the two bugs of the old engines -----------------------------------------------------------


def test_a_domain_refusal_names_the_row_the_spreadsheet_shows(app, as_user, registry_on):
    """Row 3 is blank; the building of another community is on row 4 (it was reported as 3)."""
    header = ["楼栋", "单元", "门牌号", "户主", "住房性质"]
    rows = [
        header,
        ["1号楼", "1", "101", "张伟", "自有住房"],
        [None, None, None, None, None],
        ["110105001002-bb01", "1", "102", "李娜", "租住"],
    ]
    r = api_upload(as_user("worker"), "registry.households", xlsx(rows), "h.xlsx")
    assert r.status_code == 422
    assert [(p["row"], p["column"], p["value"]) for p in r.json["error"]["rows"]] == [
        (4, "楼栋", "110105001002-bb01")
    ]
    assert "第4行" in r.json["error"]["message"]
    assert count(app, RegistryHousehold) == 0


def test_a_dry_run_catches_an_id_number_twice_in_the_sheet(app, as_user, registry_on):
    """The dry run writes the earlier row in a SAVEPOINT, so the later one is refused as the
    real import refuses it (the dry run used to answer 200)."""
    sheet = (
        f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n李强,{LI_ID},,流动人口\n王二,{WANG_ID},,户籍居民\n"
    )
    worker = as_user("worker")
    dry = api_upload(worker, "registry.residents", sheet.encode(), query="?dry_run=1")
    real = api_upload(worker, "registry.residents", sheet.encode())
    for r in (dry, real):
        assert r.status_code == 409, r.json
        assert [(p["row"], p["column"]) for p in r.json["error"]["rows"]] == [(4, "身份证号")]
    assert dry.json == real.json
    assert count(app, RegistryResident) == 0


# --- the API -----------------------------------------------------------------------------------


def test_every_bad_row_schema_and_service_alike_is_reported(app, as_user, registry_on):
    sheet = (
        f"{RESIDENTS}王秀兰,{WANG_ID},13812345678,户籍居民\n"
        "\n"
        f"赵六,{WANG_ID[:-1]}0,123,户籍居民\n"  # row 4: bad ID and mobile (the schema)
        f"王二,{WANG_ID},,户籍居民\n"  # row 5: the ID of row 2 (the service)
        f"李强,{LI_ID},,流动人口\n"
    )
    r = api_upload(as_user("worker"), "registry.residents", sheet.encode("gbk"))
    assert r.status_code == 422
    assert [(p["row"], p["column"]) for p in r.json["error"]["rows"]] == [
        (4, "身份证号"),
        (4, "手机号码"),
        (5, "身份证号"),
    ]
    assert r.json["error"]["message"].startswith("2行未通过（首个为第4行")
    assert count(app, RegistryResident) == 0


def test_a_good_sheet_dry_run_then_import(app, as_user, registry_on):
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n李强,{LI_ID},,流动人口\n".encode()
    worker = as_user("worker")
    dry = api_upload(worker, "registry.residents", sheet, query="?dry_run=1")
    assert dry.status_code == 200 and dry.json == {"dry_run": True, "rows": 2}
    assert count(app, RegistryResident) == 0
    done = api_upload(worker, "registry.residents", sheet)
    assert done.status_code == 200 and done.json == {"created": 2}
    assert count(app, RegistryResident) == 2
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
        assert entry.object_id == "registry.residents" and entry.details["rows"] == 2


def test_headers_in_english_import_for_a_chinese_interface(app, as_user, registry_on):
    sheet = f"Full name,Resident ID,Residence status\n王秀兰,{WANG_ID},registered\n"
    r = api_upload(as_user("worker"), "registry.residents", sheet.encode())
    assert r.status_code == 200, r.json


def test_the_api_refuses_an_archived_community(app, as_user, world, registry_on):
    with app.app_context():
        world.node(A1).status = "archived"
        db.session.commit()
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n".encode()
    r = api_upload(as_user("worker"), "registry.residents", sheet, query="?dry_run=1")
    assert r.status_code == 403 and r.json["error"]["message"]


# --- the import page ---------------------------------------------------------------------------

PAGE = f"/n/{A1}/imports/registry.residents"


def page_upload(client, content, filename="居民.csv", url=PAGE, **data):
    return client.post(
        url,
        data={"file": (io.BytesIO(content), filename), **data},
        content_type="multipart/form-data",
    )


def token_in(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_the_page_shows_the_columns_and_offers_the_template(as_user, registry_on):
    worker = as_user("worker")
    page = worker.get(PAGE)
    assert page.status_code == 200
    assert "导入居民" in page.text and "data-upload" in page.text and "<progress" in page.text
    assert "姓名" in page.text and "身份证号" in page.text and "必填" in page.text
    assert "户籍居民" in page.text  # the words a choice column takes
    template = worker.get(f"{PAGE}/template.xlsx")
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.data)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert len(rows) == 1 and rows[0][:3] == ["姓名", "性别", "身份证号"]  # no example row
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].number_format == "@"  # ID numbers stay text


def test_check_then_confirm_imports_exactly_the_checked_file(app, as_user, registry_on):
    worker = as_user("worker")
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n李强,{LI_ID},,流动人口\n".encode()
    checked = page_upload(worker, sheet, next=f"/c/{A1}/registry/")
    assert checked.status_code == 200
    assert 'data-count="rows">2<' in checked.text
    token = token_in(checked.text)
    assert count(app, RegistryResident) == 0  # the check wrote nothing
    # Only the uploader can spend the token, and only on this import at this community.
    assert as_user("c_admin").post(PAGE, data={"token": token}).status_code == 422
    households = f"/n/{A1}/imports/registry.households"
    assert worker.post(households, data={"token": token}).status_code == 422
    done = worker.post(PAGE, data={"token": token, "next": f"/c/{A1}/registry/"})
    assert done.status_code == 302 and done.headers["Location"] == f"/c/{A1}/registry/"
    assert count(app, RegistryResident) == 2
    assert "已导入2行到居民" in worker.get(PAGE).text  # the flash
    assert worker.post(PAGE, data={"token": token}).status_code == 422  # spent


def test_a_bad_file_shows_every_problem_and_offers_no_confirm(app, as_user, registry_on):
    worker = as_user("worker")
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n\n王二,{WANG_ID},,户籍居民\n".encode()
    r = page_upload(worker, sheet)
    assert r.status_code == 422
    assert "data-import-errors" in r.text and 'name="token"' not in r.text
    assert re.search(r'data-label="行">4</td>', r.text)
    assert "未写入任何数据" in r.text
    unreadable = page_upload(worker, b"PK\x03\x04 broken", "居民.xlsx")
    assert unreadable.status_code == 422 and "无法读取" in unreadable.text
    assert worker.post(PAGE, data={}).status_code == 422
    assert count(app, RegistryResident) == 0


def test_an_open_redirect_is_not_followed(app, as_user, registry_on):
    worker = as_user("worker")
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n".encode()
    token = token_in(page_upload(worker, sheet).text)
    done = worker.post(PAGE, data={"token": token, "next": "//evil.example/"})
    assert done.status_code == 302 and done.headers["Location"] == PAGE


@pytest.mark.parametrize(
    "target", ["/\t/evil.example/", "/\\evil.example/", "/\n/x", "/x\r\nSet-Cookie: a=b"]
)
def test_a_next_a_browser_reads_as_another_site_or_a_header_is_not_followed(
    app, as_user, registry_on, target
):
    """Regression (issue 12, findings 7 and 12): the import page checked ``next`` on its own and
    let a tab, a backslash or a newline through: ``/\t/evil.example/`` is ``//evil.example/`` to
    a browser (an open redirect), a newline in a Location header is a 500. It uses the login's
    check now, on the redirect and on the page's back link alike."""
    worker = as_user("worker")
    shown = worker.get(PAGE, query_string={"next": target})
    assert shown.status_code == 200
    assert (
        f'href="{escape(target)}"' not in shown.text
        and f'value="{escape(target)}"' not in shown.text
    )
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n".encode()
    token = token_in(page_upload(worker, sheet, next=target).text)
    done = worker.post(PAGE, data={"token": token, "next": target})
    assert done.status_code == 302 and done.headers["Location"] == PAGE
    assert not any(c.startswith("a=b") for c in done.headers.getlist("Set-Cookie"))


def test_the_page_refuses_like_the_api(app, as_user, world, registry_on):
    from tenants import modules

    worker = as_user("worker")
    assert worker.get(f"/n/{A2}/imports/registry.residents").status_code == 404  # not theirs
    assert page_upload(worker, b"x", url=f"/n/{A2}/imports/registry.residents").status_code == 404
    assert worker.get(f"/n/{A1}/imports/nothing.here").status_code == 404
    assert as_user("inspector").get(PAGE).status_code == 403  # reads the registry, imports not
    assert as_user("inspector").get(f"{PAGE}/template.xlsx").status_code == 403
    with app.app_context():
        modules.disable(db.session, world.node(A1), "safety")
        modules.disable(db.session, world.node(A1), "registry")
        db.session.commit()
    off = worker.get(PAGE)
    assert off.status_code == 422 and "未启用" in off.text
    assert page_upload(worker, b"x").status_code == 422


def test_an_archived_community_imports_nothing(app, as_user, world, registry_on):
    worker = as_user("worker")
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n".encode()
    token = token_in(page_upload(worker, sheet).text)
    with app.app_context():
        world.node(A1).status = "archived"
        db.session.commit()
    assert worker.post(PAGE, data={"token": token}).status_code == 403
    assert count(app, RegistryResident) == 0


def test_community_pages_link_to_the_imports_the_user_may_run(app, as_user, world, registry_on):
    link = f'href="{PAGE}"'
    assert link in as_user("worker").get(f"/n/{A1}").text
    assert link not in as_user("inspector").get(f"/n/{A1}").text
    assert link not in as_user("s_admin").get("/n/110105001").text  # a street: no ledger imports
    template = "{{ ledger_import_url('registry.residents', node, '/back') or 'none' }}"
    with app.test_request_context():
        from flask_login import login_user

        from core.models import User

        node = world.node(A1)
        login_user(db.session.scalar(sa.select(User).where(User.username == "worker")))
        assert render_template_string(template, node=node) == f"{PAGE}?next=/back"
        assert render_template_string(template, node=world.node(A2)) == "none"


def test_the_page_script_shows_upload_progress(client):
    script = client.get("/static/jiedao.js").text
    assert "form[data-upload]" in script and "xhr.upload.addEventListener" in script


def test_a_checked_file_is_kept_for_an_hour_only(app, as_user, registry_on):
    """The sheet holds ID numbers: an unconfirmed upload is refused, then removed, after an hour."""
    import os
    import time
    from pathlib import Path

    worker = as_user("worker")
    sheet = f"{RESIDENTS}王秀兰,{WANG_ID},,户籍居民\n".encode()
    token = token_in(page_upload(worker, sheet).text)
    kept = Path(app.instance_path) / "imports" / f"{token}.json"
    assert kept.is_file() and kept.with_suffix(".bin").read_bytes() == sheet
    hour_and_a_bit = time.time() - 3700
    os.utime(kept, (hour_and_a_bit, hour_and_a_bit))
    assert worker.post(PAGE, data={"token": token}).status_code == 422
    token_in(page_upload(worker, sheet).text)  # the next upload clears expired ones away
    assert not kept.exists() and not kept.with_suffix(".bin").exists()
    assert count(app, RegistryResident) == 0
