"""The card import: women found in the registry by resident ID, all rows or none; a bad row is
refused with its spreadsheet row number and nothing is written."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

from tests.plugins.registry.conftest import make_id

from .conftest import A1, api

URL = f"/api/v1/nodes/{A1}/imports/family_planning.women"


def _upload(client, *rows: list):
    book = Workbook()
    for row in [["身份证号", "丈夫", "结婚日期", "人户类别", "入库日期"], *rows]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    files = {"file": (data, "women.xlsx")}
    return client.post(URL, data=files, content_type="multipart/form-data")


def test_one_bad_row_refuses_the_file_and_names_its_row(enable, as_user, resident):
    enable()
    first, second = date(1991, 2, 3), date(1992, 5, 6)
    resident(name="甲女", born=first, id_number=make_id(first, 500))
    resident(name="乙女", born=second, id_number=make_id(second, 502))
    worker = as_user("worker")
    good = [make_id(first, 500), "丈夫甲", "2015-05-01", "户籍常住", "2020-01-01"]
    unknown = [make_id(date(1993, 1, 1), 504), "丈夫丙", "2016-01-01", "流入", None]
    refused = _upload(worker, good, unknown)
    assert refused.status_code == 422, refused.json
    problems = refused.json["error"]["rows"]  # the unknown woman is on spreadsheet row 3
    assert [(p["row"], p["column"]) for p in problems] == [(3, "身份证号")]
    assert problems[0]["reason"] == "本社区基础台账中没有此身份证号的居民。"
    assert worker.get(f"{api()}/women").json["total"] == 0  # nothing written
    bad_date = [make_id(second, 502), "丈夫乙", "明年", "户籍常住", None]
    refused = _upload(worker, good, bad_date)
    assert refused.status_code == 422
    assert {(p["row"], p["column"]) for p in refused.json["error"]["rows"]} == {(3, "结婚日期")}
    assert worker.get(f"{api()}/women").json["total"] == 0
    second_row = [make_id(second, 502), "丈夫乙", "2018-08-08", "流入", None]
    done = _upload(worker, good, second_row)
    assert done.status_code == 200, done.json
    assert done.json["created"] == 2
    names = sorted(i["name"] for i in worker.get(f"{api()}/women").json["items"])
    assert names == ["乙女", "甲女"]
