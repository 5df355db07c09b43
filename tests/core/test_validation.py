"""The field helpers of core.validation take extra checks (``validate=``) next to their own."""

import marshmallow as ma
import pytest

from core.validation import (
    ChoiceSchema,
    Schema,
    choice,
    mobile_number,
    not_blank,
    optional_text,
    phone_number,
    required_text,
    translate_messages,
)


def no_test_numbers(value: str) -> None:
    if value.startswith("1380000"):
        raise ma.ValidationError("a test number")


def no_work_contacts(value: str) -> None:
    if value == "work":
        raise ma.ValidationError("no work contacts")


class ContactSchema(ChoiceSchema):
    mobile = optional_text(11, validate=mobile_number)
    phone = required_text(20, validate=[phone_number, no_test_numbers])
    kind = choice({"home": "家庭", "work": "单位"}, validate=no_work_contacts)
    note = optional_text(5, validate=not_blank, load_default="-")


def errors(data: dict) -> dict:
    try:
        ContactSchema().load(data)
    except ma.ValidationError as exc:
        return translate_messages(exc.messages)
    return {}


@pytest.fixture
def chinese(app):
    with app.test_request_context():
        yield


def test_own_checks_and_the_callers_checks_both_run(chinese):
    """Regression: ``optional_text(20, validate=mobile_number)`` raised TypeError."""
    good = {"mobile": "13912345678", "phone": "010-65001234", "kind": "家庭"}
    assert ContactSchema().load(good) == {**good, "kind": "home", "note": "-"}
    assert errors({**good, "mobile": "12345"}) == {
        "mobile": ["手机号码应为以 1 开头的 11 位数字。"]
    }
    assert errors({**good, "mobile": "139123456789"})["mobile"][0] == "不能超过11个字符。"
    assert errors({**good, "phone": "abc"}) == {"phone": ["电话号码为7到20位数字（可含短横线）。"]}
    assert errors({**good, "phone": "13800001234"}) == {"phone": ["a test number"]}
    assert errors({**good, "phone": " "})["phone"][0] == "此项为必填项。"
    assert errors({**good, "phone": "1" * 21})["phone"][0] == "不能超过20个字符。"
    assert errors({**good, "kind": "单位"}) == {"kind": ["no work contacts"]}
    assert errors({**good, "kind": "other"})["kind"][0].startswith("须为以下值之一")
    assert errors({**good, "note": " "}) == {"note": ["此项为必填项。"]}


def test_left_out_optional_text_is_none_and_skips_the_checks(chinese):
    class Optional(Schema):
        mobile = optional_text(11, validate=mobile_number)

    assert Optional().load({}) == {"mobile": None}
    assert Optional().load({"mobile": None}) == {"mobile": None}


def test_a_record_id_beyond_what_a_column_holds_is_refused_on_the_field():
    """PostgreSQL answered an id of 10**20 with an error (a 500), not "no such record"."""
    from core.validation import MAX_ID, record_id

    class PickSchema(Schema):
        unit_id = record_id(required=True)

    assert PickSchema().load({"unit_id": "12"}) == {"unit_id": 12}  # a form's select sends text
    assert PickSchema().load({"unit_id": MAX_ID}) == {"unit_id": MAX_ID}
    for bad in (0, -3, MAX_ID + 1, 10**20):
        with pytest.raises(ma.ValidationError) as refused:
            PickSchema().load({"unit_id": bad})
        assert list(refused.value.messages) == ["unit_id"]


def test_a_date_more_than_a_year_after_the_platforms_today_is_refused(chinese):
    """By the platform's day (Beijing), not the server's: 2027-12-02 is within a year of
    2026-12-02 in Beijing, though it is still 2026-12-01 in UTC."""
    from datetime import UTC, date, datetime

    from core import clock
    from core.validation import at_most_a_year_ahead

    class Held(Schema):
        held_on = ma.fields.Date(required=True, validate=at_most_a_year_ahead)

    with clock.fixed(datetime(2026, 12, 1, 20, 0, tzinfo=UTC)):  # 04:00 on 2 Dec in Beijing
        assert Held().load({"held_on": "2027-12-02"}) == {"held_on": date(2027, 12, 2)}
        with pytest.raises(ma.ValidationError) as refused:
            Held().load({"held_on": "2027-12-03"})
    assert translate_messages(refused.value.messages) == {"held_on": ["日期最多只能在一年以后。"]}
