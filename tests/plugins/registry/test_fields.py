"""Registry 2.0 fields: each one's rule over the API (a 422 naming the field, nothing written)
and through the web form (the error beside the field, what was typed kept); a newborn
registered by the birth certificate and 落户 later; the household head as a member; rental
facts; unit kinds, flags, branches and industries; the pickers and their denials; imports."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from core.records.history import RecordChange
from plugins.registry.models import RegistryHousehold, RegistryResident, RegistryUnit

from .conftest import A1, A2, B1, api, make_code, make_id, page

TODAY = date(2026, 6, 15)
CERT = "Q110123456"


@pytest.fixture(autouse=True)
def _today(jiedao_clock):
    """Every test here runs on 15 June 2026 in Beijing (ages and 'not in the future' agree)."""
    jiedao_clock("2026-06-15T04:00:00+00:00")


def born(years: int, months_after: int = 0) -> date:
    """The birth date of someone ``years`` old today (a birthday ``months_after`` months on)."""
    month = TODAY.month + months_after
    return date(TODAY.year - years + (month - 1) // 12, (month - 1) % 12 + 1, TODAY.day)


def person(name: str, age: int, sequence: int, gender: str = "F", **extra):
    """A resident with a valid ID of someone ``age`` today (odd sequence: a man)."""
    sequence = sequence * 2 + (1 if gender == "M" else 0)
    return {"name": name, "id_number": make_id(born(age), sequence), **extra}


def newborn(**extra):
    return {
        "name": "王小宝",
        "birth_certificate_number": CERT,
        "birth_date": date(2026, 3, 2).isoformat(),
        "gender": "M",
        **extra,
    }


def post(client, data, plural="residents", ref=A1):
    return client.post(f"{api(ref)}/{plural}", json=data)


def created(client, data, plural="residents", ref=A1):
    r = post(client, data, plural, ref)
    assert r.status_code == 201, r.json
    return r.json


def refused(response, *fields):
    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) == set(fields), response.json
    return response.json["error"]["fields"]


def field_block(html: str, name: str) -> str:
    """The form's ``<div class="field…">`` that holds the input ``name``."""
    at = html.index(f'id="f-{name}"')
    start = html.rindex('<div class="field', 0, at)
    return html[start : html.index("</div>", at)]


def test_a_newborn_is_registered_by_the_birth_certificate_then_gets_the_id(as_user, enable, count):
    enable()
    worker, c_admin = as_user("worker"), as_user("c_admin")
    body = created(worker, newborn())
    assert body["id_number"] in (None, "") and body["gender"] == "M"
    assert body["birth_certificate_number"] == "Q*****3456"  # S2: masked
    assert body["age_bands"] == ["minor"]
    rid = body["id"]
    url = f"{api()}/residents/{rid}"
    assert c_admin.get(f"{url}?unmask=1").json["birth_certificate_number"] == CERT
    # 落户 with an ID of another birth date is refused, naming the ID; nothing changes.
    wrong = make_id(date(2026, 3, 3), 11)
    fields = refused(worker.patch(url, json={"id_number": wrong}), "id_number")
    assert "2026-03-03" in fields["id_number"][0] and "2026-03-02" in fields["id_number"][0]
    girl = make_id(date(2026, 3, 2), 12)  # even sequence: a girl's ID
    refused(worker.patch(url, json={"id_number": girl}), "id_number")
    assert count(RecordChange, RecordChange.object_id == rid) == 1
    right = make_id(date(2026, 3, 2), 11)
    settled = worker.patch(url, json={"id_number": right})
    assert settled.status_code == 200, settled.json
    record = c_admin.get(f"{url}?unmask=1").json
    assert record["id_number"] == right and record["birth_certificate_number"] == CERT
    history = c_admin.get(f"{url}/history?unmask=1").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[1]["changes"]["birth_certificate_number"][1] == "Q*****3456"
    assert history[0]["changes"]["id_number"][0] is None
    assert history[0]["changes"]["id_number"][1].endswith(right[-4:])
    # Once entered, the ID is corrected, never removed.
    refused(worker.patch(url, json={"id_number": None}), "id_number")
    html = worker.get(f"{page()}/residents/{rid}").text
    assert "出生医学证明编号" in html and "Q*****3456" in html


def test_without_an_id_the_certificate_the_birth_date_and_an_age_under_16_are_needed(
    as_user, enable, count
):
    enable()
    worker = as_user("worker")
    refused(post(worker, newborn(birth_certificate_number=None)), "birth_certificate_number")
    fields = refused(
        post(worker, newborn(birth_certificate_number="q1101")), "birth_certificate_number"
    )
    assert "大写字母" in fields["birth_certificate_number"][0]
    refused(post(worker, newborn(birth_date=None)), "birth_date")
    refused(post(worker, newborn(gender=None)), "gender")
    refused(post(worker, newborn(birth_date="2026-07-01")), "birth_date")  # in the future
    sixteen = newborn(birth_date=born(16).isoformat())
    fields = refused(post(worker, sixteen), "id_number")
    assert "16" in fields["id_number"][0] and "居民身份证法" in fields["id_number"][0]
    assert count(RegistryResident) == 0 and count(RecordChange) == 0
    fifteen = newborn(birth_date=born(16, months_after=1).isoformat())  # 16 next month
    assert post(worker, fifteen).status_code == 201
    # The certificate number is normalised: spaces dropped, the letter a capital.
    other = created(worker, newborn(name="李小", birth_certificate_number=" r 123456789 "))
    assert other["birth_certificate_number"] == "R*****6789"


def test_marital_status_follows_the_legal_marriage_age(as_user, enable, count):
    enable()
    worker = as_user("worker")
    young_man = person("赵强", 21, 1, "M", marital_status="first_marriage")
    fields = refused(post(worker, young_man), "marital_status")
    assert "22" in fields["marital_status"][0] and "民法典" in fields["marital_status"][0]
    girl = person("钱芳", 19, 2, marital_status="初婚有配偶")  # a label is taken as the key
    refused(post(worker, girl), "marital_status")
    assert count(RegistryResident) == 0
    assert (
        created(worker, person("钱芳", 20, 2, marital_status="初婚有配偶"))["marital_status"]
        == "first_marriage"
    )
    man = created(worker, person("孙伟", 22, 3, "M", marital_status="remarried"))
    assert man["marital_status"] == "remarried"
    single = created(worker, person("李雷", 19, 4, "M", marital_status="unmarried"))
    url = f"{api()}/residents/{single['id']}"
    refused(worker.patch(url, json={"marital_status": "divorced"}), "marital_status")
    refused(post(worker, person("周一", 40, 5, marital_status="engaged")), "marital_status")


def test_out_to_and_out_since_belong_to_an_outflow_resident(as_user, enable, count):
    enable()
    worker = as_user("worker")
    here = person("吴敏", 35, 1, out_to="大兴区")
    refused(post(worker, here), "out_to")
    refused(post(worker, person("吴敏", 35, 1, out_since="2026-01-01")), "out_since")
    refused(post(worker, person("吴敏", 35, 1, presence="away")), "out_to")
    refused(post(worker, person("吴敏", 35, 1, presence="here_only", out_to="x")), "out_to")
    assert count(RegistryResident) == 0
    away = created(
        worker,
        person(
            "吴敏", 35, 1, presence="户在人不在（流出）", out_to="深圳市", out_since="2025-09-01"
        ),
    )
    assert (away["presence"], away["out_to"], away["out_since"]) == ("away", "深圳市", "2025-09-01")
    url = f"{api()}/residents/{away['id']}"
    future = worker.patch(url, json={"out_since": "2026-07-01"})
    refused(future, "out_since")
    back = worker.patch(url, json={"presence": "consistent"})  # came back: 流向地 is cleared
    assert back.status_code == 200 and back.json["out_to"] == "" and back.json["out_since"] is None
    changes = worker.get(f"{url}/history").json["items"][0]["changes"]
    assert changes["out_to"][0] == "深圳市" and not changes["out_to"][1]
    assert changes["presence"] == ["away", "consistent"]


def test_the_employer_is_a_unit_the_user_sees_or_a_name_elsewhere(as_user, enable, count):
    enable(A1, A2)
    worker, s_admin = as_user("worker"), as_user("s_admin")
    shop = created(worker, {"name": "永安便利店", "credit_code": make_code()}, "units")
    far = created(s_admin, {"name": "远方公司", "credit_code": make_code("MA0999999")}, "units", A2)
    refused(post(worker, person("郑华", 30, 1, employer_id=far["id"])), "employer_id")  # A2
    refused(post(worker, person("郑华", 30, 1, employer_id=99999)), "employer_id")
    both = person("郑华", 30, 1, employer_id=shop["id"], employer_name="别处")
    refused(post(worker, both), "employer_name")
    assert count(RegistryResident) == 0
    employed = created(worker, person("郑华", 30, 1, employment="在业", employer_id=shop["id"]))
    assert employed["employment"] == "employed" and employed["employer"] == "永安便利店"
    # A street admin's scope holds both communities: an A1 resident may work at A2's unit.
    moved = s_admin.patch(f"{api()}/residents/{employed['id']}", json={"employer_id": far["id"]})
    assert moved.status_code == 200 and moved.json["employer"] == "远方公司"
    elsewhere = s_admin.patch(
        f"{api()}/residents/{employed['id']}", json={"employer_name": "北京某研究所"}
    )
    assert elsewhere.json["employer_id"] is None and elsewhere.json["employer"] == "北京某研究所"


def test_the_guardian_is_a_living_adult_the_user_sees_and_not_oneself(as_user, enable, count):
    enable(A1, A2, B1)
    worker, d_admin = as_user("worker"), as_user("d_admin")
    mother = created(worker, person("王丽", 34, 1))
    teen = created(worker, person("王小明", 15, 2, "M"))
    other_street = created(d_admin, person("远亲", 50, 3), ref=B1)
    gone = created(worker, person("王父", 40, 4, "M"))
    assert (
        worker.post(f"{api()}/residents/{gone['id']}/death", json={"on": "2026-06-01"}).status_code
        == 200
    )
    child = newborn()
    for guardian in (teen["id"], other_street["id"], gone["id"], 99999):
        refused(post(worker, {**child, "guardian_id": guardian}), "guardian_id")
    fields = refused(post(worker, {**child, "guardian_id": teen["id"]}), "guardian_id")
    assert "王小明" in fields["guardian_id"][0]
    refused(post(worker, {**child, "guardian_relation": "mother"}), "guardian_relation")
    before = count(RegistryResident)
    baby = created(worker, {**child, "guardian_id": mother["id"], "guardian_relation": "母亲"})
    assert count(RegistryResident) == before + 1
    assert (baby["guardian"], baby["guardian_relation"]) == ("王丽", "mother")
    url = f"{api()}/residents/{baby['id']}"
    refused(worker.patch(url, json={"guardian_id": baby["id"]}), "guardian_id")
    cleared = worker.patch(url, json={"guardian_id": None})  # the relation goes with it
    assert cleared.json["guardian"] is None and cleared.json["guardian_relation"] == ""
    worker.patch(url, json={"guardian_id": mother["id"], "guardian_relation": "mother"})
    html = worker.get(f"{page()}/residents/{baby['id']}").text
    assert "监护人" in html and "王丽" in html and "监护人与本人关系" in html


def test_bad_new_fields_in_the_web_form_show_beside_the_field_and_keep_the_input(
    as_user, enable, count
):
    enable()
    worker = as_user("worker")
    form = worker.post(
        f"{page()}/residents/new",
        data={
            "name": "冯军",
            "id_number": make_id(born(30), 21),
            "status": "registered",
            "presence": "consistent",
            "out_to": "通州区",
            "marital_status": "first_marriage",
            "birth_certificate_number": "ABC",
        },
    )
    assert form.status_code == 422
    block = field_block(form.text, "birth_certificate_number")
    assert "has-error" in block and "大写字母" in block and 'value="ABC"' in block
    assert count(RegistryResident) == 0
    form = worker.post(
        f"{page()}/residents/new",
        data={
            "name": "冯军",
            "id_number": make_id(born(20), 21),
            "status": "registered",
            "presence": "consistent",
            "out_to": "通州区",
            "marital_status": "first_marriage",
        },
    )
    assert form.status_code == 422
    out_to = field_block(form.text, "out_to")
    assert "has-error" in out_to and "户在人不在" in out_to and 'value="通州区"' in out_to
    marital = field_block(form.text, "marital_status")
    assert "has-error" in marital and "法定婚龄" in marital
    assert 'value="first_marriage" selected' in marital  # the choice is kept
    assert count(RegistryResident) == 0
    ok = worker.post(
        f"{page()}/residents/new",
        data={
            "name": "冯军",
            "id_number": make_id(born(30), 21),
            "status": "registered",
            "presence": "away",
            "out_to": "通州区",
            "out_since": "2026-02-01",
            "marital_status": "first_marriage",
            "employment": "employed",
            "employer_name": "通州某厂",
            "political_status": "cpc_member",
        },
    )
    assert ok.status_code == 302, ok.text[:2000]
    detail = worker.get(ok.headers["Location"]).text
    for text in ("户在人不在（流出）", "通州区", "初婚有配偶", "在业", "通州某厂", "中共党员"):
        assert text in detail, text
    # The new-resident form offers the fields with their Chinese labels and pickers.
    blank = worker.get(f"{page()}/residents/new").text
    for label in (
        "婚姻状况",
        "人户状态",
        "流向地",
        "就业状况",
        "政治面貌",
        "监护人",
        "出生医学证明编号",
    ):
        assert label in blank, label
    assert "/registry/picker/guardians" in blank and "/registry/picker/employers" in blank


def test_the_household_head_is_one_of_its_members(as_user, enable, count):
    enable()
    worker = as_user("worker")
    house = created(worker, {"building": "1号楼", "room": "101", "head_name": "张伟"}, "households")
    other = created(worker, {"building": "1号楼", "room": "102", "head_name": "赵"}, "households")
    zhang = created(worker, person("张伟", 45, 1, "M", household_id=house["id"]))
    li = created(worker, person("李娜", 43, 2, household_id=house["id"], relation="spouse"))
    stranger = created(worker, person("赵某", 50, 3, household_id=other["id"]))
    url = f"{api()}/households/{house['id']}"
    refused(worker.patch(url, json={"head_id": stranger["id"]}), "head_id")
    refused(
        post(
            worker,
            {"building": "1号楼", "room": "103", "head_name": "x", "head_id": zhang["id"]},
            "households",
        ),
        "head_id",
    )
    assert count(RegistryHousehold) == 2
    made = worker.patch(url, json={"head_id": zhang["id"]})
    assert made.status_code == 200 and made.json["head_id"] == zhang["id"]
    assert worker.get(f"{api()}/residents/{zhang['id']}").json["relation"] == "head"
    # Another member becomes head: the name follows, the former head's relation is cleared.
    switched = worker.patch(url, json={"head_id": li["id"]})
    assert switched.json["head_name"] == "李娜"
    assert worker.get(f"{api()}/residents/{zhang['id']}").json["relation"] == ""
    assert worker.get(f"{api()}/residents/{li['id']}").json["relation"] == "head"
    refused(worker.patch(url, json={"head_name": "王五"}), "head_name")
    # A second head is refused on the member's side too.
    refused(worker.patch(f"{api()}/residents/{zhang['id']}", json={"relation": "head"}), "relation")
    renamed = worker.patch(f"{api()}/residents/{li['id']}", json={"name": "李娜娜"})
    assert renamed.status_code == 200
    assert worker.get(url).json["head_name"] == "李娜娜"
    history = worker.get(f"{url}/history").json["items"]
    assert history[0]["changes"] == {"head_name": ["李娜", "李娜娜"]}
    # The head leaves for another household: the household has no head then.
    worker.patch(f"{api()}/residents/{li['id']}", json={"household_id": other["id"]})
    assert worker.get(url).json["head_id"] is None
    # The household's form offers its members only.
    edit = worker.get(f"{page()}/households/{house['id']}/edit").text
    head_select = field_block(edit, "head_id")
    assert "张伟" in head_select and "赵某" not in head_select and "李娜娜" not in head_select
    chosen = worker.post(
        f"{page()}/households/{house['id']}/edit",
        data={"building": "110105001001-bb01", "room": "101", "head_name": "x",
              "tenure": "owned", "head_id": str(zhang["id"])},
    )  # fmt: skip
    assert chosen.status_code == 302
    assert worker.get(url).json["head_name"] == "张伟"
    # The head stays and another name is typed for them: refused beside the field, kept.
    typed = worker.post(
        f"{page()}/households/{house['id']}/edit",
        data={"building": "110105001001-bb01", "room": "101", "head_name": "张大伟",
              "tenure": "owned", "head_id": str(zhang["id"])},
    )  # fmt: skip
    assert typed.status_code == 422
    block = field_block(typed.text, "head_name")
    assert "has-error" in block and 'value="张大伟"' in block
    assert worker.get(url).json["head_name"] == "张伟"


def test_rental_facts_belong_to_a_rented_flat(as_user, enable, count):
    enable(A1, B1)
    worker, d_admin = as_user("worker"), as_user("d_admin")
    owner = created(worker, person("房东甲", 60, 1, "M"))
    far = created(d_admin, person("外街房东", 55, 2, "M"), ref=B1)
    flat = {"building": "1号楼", "room": "201", "head_name": "租客"}
    refused(post(worker, {**flat, "group_rental": True}, "households"), "group_rental")
    refused(post(worker, {**flat, "tenant_count": 3}, "households"), "tenant_count")
    refused(
        post(worker, {**flat, "rental": True, "tenant_count": -1}, "households"), "tenant_count"
    )
    refused(
        post(worker, {**flat, "rental": True, "landlord_id": far["id"]}, "households"),
        "landlord_id",
    )
    assert count(RegistryHousehold) == 0
    let = created(
        worker,
        {
            **flat,
            "rental": True,
            "landlord_id": owner["id"],
            "tenant_count": 6,
            "group_rental": True,
        },
        "households",
    )
    assert let["landlord"] == "房东甲" and let["tenant_count"] == 6 and let["group_rental"]
    assert worker.get(f"{api()}/households?rental=1").json["total"] == 1
    url = f"{api()}/households/{let['id']}"
    ended = worker.patch(url, json={"rental": False})  # no longer let: its facts are cleared
    assert ended.status_code == 200
    assert (ended.json["landlord_id"], ended.json["tenant_count"], ended.json["group_rental"]) == (
        None,
        None,
        False,
    )
    html = worker.get(f"{page()}/households/{let['id']}").text
    assert "出租房屋" in html and "室号" in html and "门牌号" not in html


def test_unit_kinds_flags_branches_and_industries(as_user, enable, count, app, world):
    enable()
    worker = as_user("worker")
    code = iter(make_code(f"MA0{n:05d}X") for n in range(100, 200))
    for kind in ("agency", "social_org", "individual", "entertainment", "school"):
        assert (
            created(
                worker, {"name": f"{kind}单位", "credit_code": next(code), "kind": kind}, "units"
            )["kind"]
            == kind
        )
    assert (
        created(worker, {"name": "某协会", "credit_code": next(code), "kind": "社会团体"}, "units")[
            "kind"
        ]
        == "social_org"
    )
    refused(
        post(worker, {"name": "旧类型", "credit_code": next(code), "kind": "social"}, "units"),
        "kind",
    )
    refused(
        post(worker, {"name": "某店", "credit_code": next(code), "industry": "零售业"}, "units"),
        "industry",
    )
    shop = created(
        worker,
        {"name": "沿街饭馆", "credit_code": next(code), "kind": "shop", "industry": "餐饮",
         "street_front": True, "business_status": "停业"},
        "units",
    )  # fmt: skip
    assert (shop["industry"], shop["street_front"], shop["business_status"]) == (
        "catering",
        True,
        "suspended",
    )
    assert (
        created(worker, {"name": "新店", "credit_code": next(code)}, "units")["business_status"]
        == "operating"
    )
    with app.app_context():
        own_street = world.node("110105001").id
        other_street = world.node("110105002").id
        community = world.node(A1).id
    branch = {"name": "分店", "credit_code": next(code)}
    for wrong in (own_street, community, 99999):
        refused(
            post(worker, {**branch, "headquarters_street_id": wrong}, "units"),
            "headquarters_street_id",
        )
    made = created(worker, {**branch, "headquarters_street_id": other_street}, "units")
    assert made["headquarters_street"] and made["headquarters_street_id"] == other_street
    assert count(RegistryUnit) == 9
    listed = worker.get(f"{api()}/units?industry=catering&business_status=suspended").json
    assert [u["name"] for u in listed["items"]] == ["沿街饭馆"]
    html = worker.get(f"{page()}/units/{shop['id']}").text
    assert "餐饮" in html and "沿街门店" in html and "停业" in html
    year = TODAY.year
    items = as_user("s_admin").get(f"/api/v1/nodes/110105001/indicators?year={year}").json["items"]
    values = {i["name"]: i["value"] for i in items if i["module"] == "registry"}
    assert values["registry.units.social_org"] == 2 and values["registry.units.agency"] == 1


def test_the_pickers_search_the_users_scope_and_refuse_others(as_user, enable, app, world):
    enable(A1, A2)
    worker, s_admin = as_user("worker"), as_user("s_admin")
    created(worker, person("王丽", 34, 1))
    created(worker, person("王小明", 15, 2, "M"))
    created(s_admin, person("王远", 40, 3), ref=A2)
    created(s_admin, {"name": "王记餐馆", "credit_code": make_code()}, "units", A2)
    names = lambda r: [i["name"] for i in r.json["items"]]  # noqa: E731
    assert names(worker.get(f"{api()}/picker/guardians?q=王")) == ["王丽"]  # adults only
    assert names(worker.get(f"{api()}/picker/landlords?q=王")) == ["王丽", "王小明"]
    assert names(s_admin.get(f"{api()}/picker/guardians?q=王")) == ["王丽", "王远"]  # own first
    assert names(worker.get(f"{api()}/picker/employers?q=王")) == []  # A2's unit: not in scope
    assert names(s_admin.get(f"{api()}/picker/employers?q=王")) == ["王记餐馆"]
    assert worker.get(f"{api()}/picker/streets?q=街道").json["items"]
    for kind in ("guardians", "landlords", "employers", "streets"):
        assert worker.get(f"{api(A2)}/picker/{kind}?q=王").status_code == 404
        # Without any registry permission there, the module's routes do not exist for them.
        assert as_user("leader").get(f"{api()}/picker/{kind}?q=王").status_code == 404
        assert worker.get(f"{api()}/picker/{kind}").json["items"] == []


def test_imports_take_the_new_fields_by_label_and_name_a_bad_cell(as_user, enable, count):
    enable()
    worker = as_user("worker")

    def upload(text):
        data = {"file": (io.BytesIO(text.encode("utf-8")), "居民.csv")}
        return worker.post(
            f"/api/v1/nodes/{A1}/imports/registry.residents",
            data=data,
            content_type="multipart/form-data",
        )

    header = (
        "姓名,身份证号,居住状态,婚姻状况,人户状态,流向地,就业状况,政治面貌,"
        "出生医学证明编号,出生日期,性别\n"
    )
    good = (
        f"吴敏,{make_id(born(35), 2)},户籍居民,初婚有配偶,户在人不在（流出）,深圳市,在业,群众,,,\n"
    )
    baby = f"王小宝,,户籍居民,,人户一致,,学龄前,,{CERT},2026-03-02,男\n"
    bad = f"郑华,{make_id(born(30), 4)},户籍居民,已婚,人户一致,,在业,,,,\n"
    stray = f"冯军,{make_id(born(30), 6)},户籍居民,未婚,人户一致,通州区,,,,,\n"
    r = upload(header + good + baby + bad + stray)
    assert r.status_code == 422, r.json
    problems = {(p["row"], p["column"]) for p in r.json["error"]["rows"]}
    assert problems == {(4, "婚姻状况"), (5, "流向地")}
    assert count(RegistryResident) == 0
    done = upload(header + good + baby)
    assert done.status_code == 200 and done.json == {"created": 2}
    items = {i["name"]: i for i in worker.get(f"{api()}/residents").json["items"]}
    assert items["吴敏"]["presence"] == "away" and items["吴敏"]["out_to"] == "深圳市"
    assert (
        items["王小宝"]["id_number"] in (None, "") and items["王小宝"]["employment"] == "preschool"
    )


def test_the_export_carries_the_new_fields_under_their_labels(as_user, enable):
    from openpyxl import load_workbook

    enable()
    c_admin = as_user("c_admin")
    created(
        c_admin, person("吴敏", 35, 2, presence="away", out_to="深圳市", marital_status="widowed")
    )
    r = c_admin.get(f"/n/{A1}/exports/registry.residents.xlsx")
    rows = list(load_workbook(io.BytesIO(r.data)).worksheets[0].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=False))
    assert row["人户状态"] == "户在人不在（流出）" and row["流向地"] == "深圳市"
    assert row["婚姻状况"] == "丧偶" and "居住状态" in row and "来本地日期" in row
    assert "户籍状态" not in row and not any(re.search("来京", str(k)) for k in row)


def test_nothing_of_another_community_is_reached_through_the_new_fields(as_user, enable, app):
    enable(A1, A2)
    s_admin, worker = as_user("s_admin"), as_user("worker")
    far = created(s_admin, person("王远", 40, 3), ref=A2)
    mine = created(worker, person("王丽", 34, 1))
    refused(
        worker.patch(f"{api()}/residents/{mine['id']}", json={"guardian_id": far["id"]}),
        "guardian_id",
    )
    with app.app_context():
        from core.db import db

        assert (
            db.session.scalar(
                sa.select(RegistryResident.guardian_id).where(RegistryResident.id == mine["id"])
            )
            is None
        )


def test_every_choice_key_fits_its_column():
    """SQLite does not hold a text column to its length, PostgreSQL does: each key of a choice
    must fit the column that stores it (``first_marriage`` does not fit 12 characters)."""
    from plugins.registry.ledgers import LEDGERS

    for ledger in LEDGERS:
        columns = ledger.model.__table__.columns
        for name, field in ledger.reader.fields.items():
            choices = field.metadata.get("choices")
            if name not in columns or not isinstance(choices, dict):
                continue
            length = getattr(columns[name].type, "length", None)
            if length is not None:
                too_long = [key for key in choices if len(str(key)) > length]
                assert too_long == [], (ledger.name, name, length)


def test_one_term_for_the_residence_status_and_the_corrected_labels(as_user, enable):
    enable()
    worker = as_user("worker")
    house = created(worker, {"building": "1号楼", "room": "101", "head_name": "吴敏"}, "households")
    rid = created(worker, person("吴敏", 35, 2, household_id=house["id"]))["id"]
    assert (
        worker.post(f"{api()}/residents/{rid}/move-out", json={"on": "2026-06-01"}).status_code
        == 200
    )
    pages = {
        "list and filter": worker.get(f"{page()}/").text,
        "history": worker.get(f"{page()}/residents/{rid}").text,
        "members": worker.get(f"{page()}/households/{house['id']}").text,
        "form": worker.get(f"{page()}/residents/new").text,
    }
    for where, html in pages.items():
        assert "居住状态" in html and "户籍状态" not in html, where
    timeline = pages["history"][pages["history"].index('data-registry="timeline"') :]
    assert "居住状态" in timeline
    assert "来本地日期" in pages["form"] and "来京" not in pages["form"]
    flat = worker.get(f"{page()}/households/new").text
    assert "室号" in flat and "门牌号" not in flat
