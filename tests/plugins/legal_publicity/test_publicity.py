"""普法: boards turning overdue on their cycle, the 每月一法 count per month, a consultation
referred to mediation opening its case, the consulter's identifiers masked (S2) and the
question withheld (S3) on every surface, an xlsx import refused whole for one bad row, and the
history of an edit."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from core.exchange.writing import write_xlsx
from core.sdk import Column

from .conftest import A1, api, page


def post(client, segment: str, data: dict) -> dict:
    answer = client.post(f"{api()}/{segment}", json=data)
    assert answer.status_code == 201, (segment, answer.json)
    return answer.json


def test_boards_turn_overdue_on_their_cycle(enable, as_user, clock):
    enable(A1)
    clock("2026-03-01T09:00:00+08:00")
    worker = as_user("worker")
    board = post(
        worker, "boards", {"name": "东门宣传栏", "kind": "宣传栏", "set_up_on": "2026-03-01"}
    )
    blackboard = post(worker, "boards", {"name": "一号楼黑板报", "kind": "blackboard"})
    assert (board["cycle_days"], blackboard["cycle_days"]) == (30, 15)  # 黑板报 every half month
    renewal = worker.post(
        f"{api()}/boards/{board['id']}/renewals",
        json={"updated_on": "2026-03-01", "theme": "宪法"},
    )
    assert renewal.status_code == 201, renewal.json

    def overdue() -> list[str]:
        items = as_user("worker").get(f"{api()}/boards", query_string={"overdue": 1}).json
        return [b["name"] for b in items["items"]]

    clock("2026-03-16T09:00:00+08:00")  # 1 March + 15 days: the blackboard is due today
    assert overdue() == []
    clock("2026-03-17T09:00:00+08:00")
    assert overdue() == ["一号楼黑板报"]
    clock("2026-03-31T09:00:00+08:00")  # 1 March + 30 days: the board is due today
    assert overdue() == ["一号楼黑板报"]
    clock("2026-04-01T09:00:00+08:00")
    assert overdue() == ["一号楼黑板报", "东门宣传栏"]
    worker = as_user("worker")
    worker.post(
        f"{api()}/boards/{board['id']}/renewals",
        json={"updated_on": "2026-04-01", "theme": "民法典"},
    )
    assert overdue() == ["一号楼黑板报"]
    assert "待更新的宣传栏" in worker.get("/").get_data(as_text=True)
    shown = worker.get(f"{api()}/boards/{board['id']}").json
    assert (shown["last_updated_on"], shown["due_on"]) == ("2026-04-01", "2026-05-01")


def test_the_law_of_the_month_is_counted_once_per_month(enable, as_user, clock, app):
    from core.sdk import Period, db, enabled_communities
    from plugins.legal_publicity.figures import indicators

    enable(A1)
    clock("2026-06-30T09:00:00+08:00")
    worker = as_user("worker")
    for day in ("2026-01-10", "2026-01-25", "2026-03-05", "2026-06-01"):
        post(worker, "activities", {"title": "每月一法", "held_on": day, "kind": "每月一法"})
    post(worker, "activities", {"title": "禁毒宣传", "held_on": "2026-06-26", "kind": "anti_drug"})
    by_name = {i.name: i for i in indicators()}
    with app.app_context():
        communities = enabled_communities("legal_publicity")
        months = by_name["legal_publicity.monthly_law"].compute(
            db.session, communities, Period.year(2026)
        )
        held = by_name["legal_publicity.activities"].compute(
            db.session, communities, Period.year(2026)
        )
    assert (months, held) == (3, 5)  # January twice is one month


def test_a_referral_to_mediation_opens_a_case(enable, as_user, clock):
    enable(A1)
    clock("2026-05-10T09:00:00+08:00")
    worker = as_user("worker")
    consult = post(
        worker,
        "consults",
        {
            "consulted_on": "2026-05-10",
            "person": "孙丽",
            "category": "property",
            "question": "物业费纠纷如何处理",
            "referral": "人民调解",
        },
    )
    assert consult["dispute"] == "TJ2026-0001"
    case = worker.get(f"{api()}/disputes").json["items"][0]
    assert (case["source"], case["dispute_type"], case["status"]) == (
        "application",
        "property",
        "registered",
    )


CONSULT = {
    "consulted_on": "2026-05-10",
    "person": "周桂芬",
    "phone": "13912345678",
    "category": "family",
    "question": "离婚后孩子抚养费怎么算",
    "answer": "按民法典第1085条",
}


def test_the_consulter_is_masked_and_the_question_withheld_on_every_surface(enable, as_user, clock):
    enable(A1)
    clock("2026-05-10T09:00:00+08:00")
    worker, admin = as_user("worker"), as_user("c_admin")
    consult = post(worker, "consults", CONSULT)
    # API: the phone masked, the question withheld, for the worker and for an admin who
    # does not ask; in full for the admin who asks.
    assert (consult["phone"], consult["question"]) == ("139****5678", "***")
    full = admin.get(f"{api()}/consults/{consult['id']}?unmask=1").json
    assert (full["phone"], full["question"]) == ("13912345678", "离婚后孩子抚养费怎么算")
    # Pages: the list and the record's page.
    listed = worker.get(f"{page()}/consults").get_data(as_text=True)
    detail = worker.get(f"{page()}/consults/{consult['id']}").get_data(as_text=True)
    for html in (listed, detail):
        assert "13912345678" not in html and "抚养费" not in html
    assert "已隐藏" in detail or "Hidden" in detail
    # Exports.
    sheet = worker.get(f"/n/{A1}/exports/legal_publicity.consults.xlsx?unmask=1")
    cells = str(
        list(load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True))
    )
    assert "13912345678" not in cells and "抚养费" not in cells
    # History and the audit log.
    edited = admin.patch(
        f"{api()}/consults/{consult['id']}",
        json={"answer": "按民法典第1085条协商", "phone": "13900001111"},
    )
    assert edited.status_code == 200, edited.json
    history = worker.get(f"{api()}/consults/{consult['id']}/history").json["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert "13900001111" not in str(history) and "1085条协商" not in str(history)
    audit = as_user("d_admin").get("/api/v1/audit", query_string={"per_page": 200}).json
    assert "13900001111" not in str(audit) and "抚养费" not in str(audit)


STUDY_COLUMNS = [
    Column("held_on", "学法日期"),
    Column("topic", "学习内容"),
    Column("audience", "学法对象"),
    Column("attendees", "参加人数"),
]


def study_file(*rows: tuple) -> io.BytesIO:
    """A 学法记录 workbook written as the platform writes its exports."""
    keys = [c.key for c in STUDY_COLUMNS]
    data = write_xlsx(
        STUDY_COLUMNS, [dict(zip(keys, row, strict=True)) for row in rows], "学法记录"
    )
    return io.BytesIO(data)


def test_an_import_with_one_bad_row_is_refused_whole(enable, as_user, clock):
    enable(A1)
    clock("2026-06-30T09:00:00+08:00")
    worker = as_user("worker")
    first = ("2026-03-05", "民法典物权编", "社区干部", 12)
    bad = ("2026-04-05", "人民调解法", "居民小组长", "十二")
    last = ("2026-05-05", "反有组织犯罪法", "社区干部", 10)
    target = f"/api/v1/nodes/{A1}/imports/legal_publicity.studies"
    upload = worker.post(
        target,
        data={"file": (study_file(first, bad, last), "学法记录.xlsx")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 422, upload.json
    rows_refused = upload.json["error"]["rows"]
    assert [(r["row"], r["column"], r["value"]) for r in rows_refused] == [(3, "参加人数", "十二")]
    assert "未导入任何数据" in upload.json["error"]["message"]
    assert worker.get(f"{api()}/studies").json["total"] == 0  # nothing written
    done = worker.post(
        target,
        data={"file": (study_file(first, last), "学法记录.xlsx")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 200 and done.json["created"] == 2


def test_an_edit_is_in_the_history_with_labels(enable, as_user, clock):
    enable(A1)
    clock("2026-06-30T09:00:00+08:00")
    worker = as_user("worker")
    study = post(worker, "studies", {"held_on": "2026-06-01", "topic": "宪法", "attendees": 8})
    worker.patch(f"{api()}/studies/{study['id']}", json={"attendees": 9})
    history = worker.get(f"{api()}/studies/{study['id']}/history").json["items"]
    assert history[0]["action"] == "update"
    assert "attendees" in str(history[0]) and "9" in str(history[0])
    shown = worker.get(f"{page()}/studies/{study['id']}").get_data(as_text=True)
    assert "参加人数" in shown


def test_a_legal_aid_referral_is_followed_up_within_three_days(enable, as_user, clock):
    enable(A1)
    clock("2026-05-10T09:00:00+08:00")
    worker = as_user("worker")
    consult = post(
        worker,
        "consults",
        {"consulted_on": "2026-05-10", "question": "工伤赔偿怎么申请", "referral": "法律援助中心"},
    )
    clock("2026-05-14T09:00:00+08:00")  # four days on, not followed up
    worker = as_user("worker")
    late = worker.get(f"{api()}/consults", query_string={"unanswered": 1}).json["items"]
    assert [c["id"] for c in late] == [consult["id"]]
    assert "转介后三日内未回访的法律咨询" in worker.get("/").get_data(as_text=True)
    url = f"{api()}/consults/{consult['id']}/follow_up"
    assert worker.post(url, json={}).status_code == 422  # how did it end?
    done = worker.post(url, json={"result": "已获法律援助，进入仲裁"})
    assert done.status_code == 200 and done.json["followed_up_on"] == "2026-05-14"
    assert worker.get(f"{api()}/consults", query_string={"unanswered": 1}).json["total"] == 0
    history = worker.get(f"{api()}/consults/{consult['id']}/history").json["items"]
    assert history[0]["action"] == "follow_up"


def test_an_activity_keeps_its_forms_and_laws_and_youth_lectures_count_by_them(
    enable, as_user, clock, app
):
    from core.sdk import Period, db, enabled_communities
    from plugins.legal_publicity.figures import indicators

    enable(A1)
    clock("2026-06-30T09:00:00+08:00")
    worker = as_user("worker")
    held = [
        ("未成年人保护法进校园", ["youth"], ["lecture", "leaflets"]),  # counts
        ("青少年禁毒图片展", ["youth"], ["exhibition"]),  # for youth, not a lecture
        ("民法典讲座", ["elderly"], ["lecture"]),  # a lecture, not for youth
    ]
    for title, groups, forms in held:
        post(
            worker,
            "activities",
            {
                "title": title,
                "held_on": "2026-06-01",
                "target_groups": groups,
                "forms": forms,
                "laws": "未成年人保护法、禁毒法",
            },
        )
    refused = worker.post(
        f"{api()}/activities",
        json={"title": "游行", "held_on": "2026-06-01", "forms": ["parade"]},
    )
    assert refused.status_code == 422 and "forms" in refused.json["error"]["fields"]
    youth = next(i for i in indicators() if i.name == "legal_publicity.youth_law")
    with app.app_context():
        lectures = youth.compute(
            db.session, enabled_communities("legal_publicity"), Period.year(2026)
        )
    assert lectures == 1
    sheet = worker.get(f"/n/{A1}/exports/legal_publicity.activities.xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True))
    header = list(rows[0])
    assert "活动形式" in header and "宣传的法律法规" in header
    lecture = next(r for r in rows if r[header.index("活动主题")] == "未成年人保护法进校园")
    assert "讲座" in str(lecture[header.index("活动形式")])
    assert lecture[header.index("宣传的法律法规")] == "未成年人保护法、禁毒法"
