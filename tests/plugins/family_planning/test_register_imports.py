"""The imports of the other registers (生育登记, 出生人口登记, 计生家庭) through core's import
machinery: people named by their resident IDs, all rows or none, each refusal naming its
spreadsheet row and column; what comes in is filed as the form files it (numbered, submitted,
the child registered in the registry, the family declared)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook

from core.db import db
from tests.plugins.registry.conftest import make_id

from .conftest import A1, A2, api

MOTHER = make_id(date(1991, 2, 3), 500)
NO_CARD = make_id(date(1992, 5, 6), 502)
ELSEWHERE = make_id(date(1993, 7, 8), 504)
A_WOMAN = make_id(date(1990, 1, 1), 506)


def _upload(client, ledger: str, header: list[str], *rows: list):
    book = Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return client.post(
        f"/api/v1/nodes/{A1}/imports/family_planning.{ledger}",
        data={"file": (data, f"{ledger}.xlsx")},
        content_type="multipart/form-data",
    )


def _refused(answer) -> list[tuple[int, str]]:
    assert answer.status_code == 422, answer.json
    return [(p["row"], p["column"]) for p in answer.json["error"]["rows"]]


@pytest.fixture
def mothers(enable, resident, as_user):
    """A1: 甲女 with a card, 乙女 without one; A2: 丙女 with a card of her own."""
    enable(A1, A2)
    jia = resident(name="甲女", born=date(1991, 2, 3), id_number=MOTHER)
    resident(name="乙女", born=date(1992, 5, 6), id_number=NO_CARD)
    bing = resident(A2, name="丙女", born=date(1993, 7, 8), id_number=ELSEWHERE)
    worker = as_user("worker")
    card = worker.post(f"{api()}/women", json={"resident_id": jia}).json["id"]
    assert (
        as_user("s_admin").post(f"{api(A2)}/women", json={"resident_id": bing}).status_code == 201
    )
    return card


REG_HEADER = ["母亲身份证号", "父亲", "父亲身份证号", "孩次", "预产期", "申请日期"]


def test_registrations_come_in_submitted_by_import(mothers, as_user):
    worker = as_user("worker")
    good = [MOTHER, "张三", None, "二孩", "2026-10-01", "2026-06-01"]
    refused = _upload(
        worker,
        "birth_regs",
        REG_HEADER,
        good,
        [NO_CARD, "李四", None, "一孩", None, "2026-06-02"],  # no card
        [ELSEWHERE, "王五", None, "一孩", None, "2026-06-02"],  # another community's woman
        [MOTHER, "张三", None, "五孩", None, "2026-06-02"],  # no such order
        [MOTHER, "张三", A_WOMAN, "一孩", None, "2026-06-02"],  # the father's ID is a woman's
    )
    assert _refused(refused) == [
        (3, "母亲身份证号"),
        (4, "母亲身份证号"),
        (5, "孩次"),
        (6, "父亲身份证号"),
    ]
    assert worker.get(f"{api()}/birth_regs").json["total"] == 0  # nothing written
    done = _upload(worker, "birth_regs", REG_HEADER, good)
    assert done.status_code == 200 and done.json["created"] == 1, done.json
    (reg,) = worker.get(f"{api()}/birth_regs").json["items"]
    assert (reg["mother"], reg["status"], reg["channel"]) == ("甲女", "submitted", "import")
    assert reg["number"].startswith("SY2026") and reg["deadline"] == "2026-06-02"
    assert reg["due_on"] != "2026-10-01"  # S3: withheld from the worker as on the form
    history = worker.get(f"{api()}/birth_regs/{reg['id']}/history").json["items"]
    assert [h["action"] for h in history] == ["create"]


CHILD_HEADER = ["母亲身份证号", "新生儿姓名", "出生日期", "性别", "出生医学证明编号", "登记编号"]


def test_births_come_in_with_the_child_in_the_registry(mothers, as_user, app):
    from plugins.registry.models import RegistryResident

    worker, street = as_user("worker"), as_user("s_admin")
    body = {"woman_id": mothers, "child_order": "1", "applied_on": "2026-03-01"}
    reg = worker.post(f"{api()}/birth_regs", json=body).json
    registered = {"on": "2026-03-02", "notified_by": "sms"}
    assert (
        street.post(f"{api()}/birth_regs/{reg['id']}/register", json=registered).status_code == 200
    )
    good = [MOTHER, "小甲", "2026-06-10", "男孩", "Q000000001", reg["number"]]
    refused = _upload(
        worker,
        "children",
        CHILD_HEADER,
        good,
        [MOTHER, "小乙", "2026-06-11", "女孩", "123", None],  # not a certificate number
        [MOTHER, "小丙", "2026-06-11", "女孩", "Q000000002", "SY2026-9999"],  # not hers
        [MOTHER, "小丁", "2026-06-12", "女孩", "Q000000001", None],  # the same birth again
        [NO_CARD, "小戊", "2026-06-12", "女孩", "Q000000003", None],  # no card
    )
    assert _refused(refused) == [
        (3, "出生医学证明编号"),
        (4, "登记编号"),
        (5, "出生医学证明编号"),
        (6, "母亲身份证号"),
    ]
    assert worker.get(f"{api()}/children").json["total"] == 0
    with app.app_context():
        assert db.session.query(RegistryResident).filter_by(name="小甲").count() == 0
    done = _upload(worker, "children", CHILD_HEADER, good)
    assert done.status_code == 200 and done.json["created"] == 1, done.json
    (child,) = worker.get(f"{api()}/children").json["items"]
    assert (child["child"], child["mother"], child["birth_order"]) == ("小甲", "甲女", 1)
    assert worker.get(f"{api()}/birth_regs/{reg['id']}").json["status"] == "born"
    with app.app_context():
        kid = db.session.query(RegistryResident).filter_by(name="小甲").one()
        mother = db.session.query(RegistryResident).filter_by(name="甲女").one()
        assert (kid.household_id, kid.birth_date) == (mother.household_id, date(2026, 6, 10))
    again = _upload(worker, "children", CHILD_HEADER, good)  # the same file twice: refused
    assert _refused(again) == [(2, "出生医学证明编号")]


FAMILY_HEADER = ["父亲身份证号", "母亲身份证号", "家庭类别", "子女残疾等级", "社区联系人"]


def test_families_come_in_declared_at_their_parents_household(enable, resident, as_user):
    enable()
    c_admin = as_user("c_admin")
    body = {"building": f"{A1}-bb01", "room": "201", "head_name": "老张"}
    household = c_admin.post(f"/api/v1/c/{A1}/registry/households", json=body).json["id"]
    father, mother = make_id(date(1960, 3, 1), 11), make_id(date(1962, 3, 1), 12)
    zhang = resident(name="老张", born=date(1960, 3, 1), gender="M", id_number=father,
                     household_id=household)  # fmt: skip
    resident(name="老王", born=date(1962, 3, 1), id_number=mother, household_id=household)
    good = [father, mother, "农村部分计生家庭（奖扶）", None, "刘干部"]
    refused = _upload(
        c_admin,
        "families",
        FAMILY_HEADER,
        good,
        [father, None, "不存在的类别", None, None],
        [father, mother, "伤残家庭", None, None],  # no disability grade
        [make_id(date(1950, 1, 1), 13), None, "独生子女家庭", None, None],  # nobody here
        [None, None, "独生子女家庭", None, None],  # no parent at all
    )
    assert _refused(refused) == [
        (3, "家庭类别"),
        (4, "子女残疾等级"),
        (5, "父亲身份证号"),
        (6, "父亲身份证号"),
    ]
    assert c_admin.get(f"{api()}/families").json["total"] == 0
    done = _upload(c_admin, "families", FAMILY_HEADER, good)
    assert done.status_code == 200 and done.json["created"] == 1, done.json
    (family,) = c_admin.get(f"{api()}/families").json["items"]
    assert (family["father"], family["mother"], family["head"]) == ("老张", "老王", "老张")
    assert (family["status"], family["contact_name"]) == ("declared", "刘干部")
    # The form names the parents too; a parent nobody can see is refused by name.
    unknown = c_admin.post(
        f"{api()}/families",
        json={"household_id": household, "categories": ["only_child"], "father_id": 999_999},
    )
    assert unknown.status_code == 422 and "father_id" in unknown.json["error"]["fields"]
    assert zhang


def test_readers_and_other_communities_import_nothing(mothers, as_user, world, app):
    from tenants import modules

    world.add_user("a2_worker", "program_worker", A2)
    row = [MOTHER, "张三", None, "一孩", None, "2026-06-01"]
    assert _upload(as_user("inspector"), "birth_regs", REG_HEADER, row).status_code == 403
    assert _upload(as_user("a2_worker"), "birth_regs", REG_HEADER, row).status_code == 404
    with app.app_context():
        modules.disable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    off = _upload(as_user("worker"), "birth_regs", REG_HEADER, row)
    # core's import endpoint says why (422) rather than 404 for a module switched off
    assert off.status_code == 422 and "未启用" in off.json["error"]["message"]
    with app.app_context():
        modules.enable(db.session, world.node(A1), "family_planning")
        db.session.commit()
    assert as_user("worker").get(f"{api()}/birth_regs").json["total"] == 0
