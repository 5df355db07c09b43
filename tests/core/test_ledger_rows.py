"""A table of small forms inside a generated form (a checklist's items): a ``List(Nested(...))``
field is the ``rows`` widget, its cells are read from ``<column>-<n>`` inputs, refusals name the
row and the column, and the record's page and history read it as a table."""

from __future__ import annotations

from types import SimpleNamespace

import marshmallow as ma
from flask import render_template_string
from flask_babel import lazy_gettext as _l

from core.forms import empty_form, load_form
from core.records.fields import describe, display, widget_of
from core.records.ledger import Ledger
from core.validation import Schema, choice, optional_text, required_text

RESULTS = {"ok": _l("Passed"), "fail": _l("Failed")}


class ItemSchema(Schema):
    item = describe(required_text(20), label="Item")
    result = describe(choice(RESULTS, required=True), label="Result")
    note = describe(optional_text(50), label="Note")


class CheckSchema(Schema):
    title = describe(required_text(20), label="Title")
    items = describe(
        ma.fields.List(ma.fields.Nested(ItemSchema), load_default=None, allow_none=True),
        label="Checklist",
    )


def post(app, data: dict[str, str]):
    with app.test_request_context(method="POST", data=data):
        return load_form(CheckSchema(), rows=("items",))


def test_a_list_of_nested_rows_is_a_table_and_reads_as_one(app):
    field = CheckSchema().fields["items"]
    assert widget_of(field) == "rows"
    assert widget_of(ma.fields.List(ma.fields.String())) != "rows"
    with app.test_request_context():
        text = display(field, [{"item": "灭火器", "result": "fail", "note": "过期"}])
        assert text == f"灭火器 {RESULTS['fail']} 过期"  # the choice's label, not its key


def test_the_rows_come_in_the_order_of_their_numbers_and_empty_ones_are_left_out(app):
    form = post(
        app,
        {
            "title": "周检",
            "item-10": "疏散通道",
            "result-10": "ok",
            "item-2": "灭火器",
            "result-2": "fail",
            "note-2": "过期两具",
            "item-3": "",
            "note-3": " ",
        },
    )
    assert form.ok, form.errors
    assert form.data["items"] == [
        {"item": "灭火器", "result": "fail", "note": "过期两具"},
        {"item": "疏散通道", "result": "ok", "note": None},
    ]
    assert [row["item"] for row in form.values["items"]] == ["灭火器", "疏散通道"]


def test_a_refused_cell_names_its_row_and_column_and_the_rows_stay_as_typed(app):
    form = post(app, {"title": "周检", "item-1": "疏散通道", "result-1": "ok", "item-2": "电线"})
    assert not form.ok
    assert len(form.errors["items"]) == 1
    assert "2" in form.errors["items"][0] and "Result" in form.errors["items"][0]
    assert "_schema" not in form.errors  # a known field: shown beside the table
    assert form.values["items"][1] == {"item": "电线", "result": "", "note": ""}


def test_the_table_input_renders_the_rows_and_one_more(app):
    template = (
        '{% from "_macros.html" import ledger_field %}'
        '{{ ledger_field(form, "items", field, (), "demo") }}'
    )
    form = empty_form(items=[{"item": "灭火器", "result": "fail", "note": ""}])
    with app.test_request_context():
        html = render_template_string(template, form=form, field=CheckSchema().fields["items"])
    assert 'data-demo="items-form"' in html
    assert 'name="item-1" value="灭火器"' in html
    assert 'name="result-1" value="fail" checked' in html
    assert 'name="item-2" value=""' in html and 'name="item-3"' not in html


def test_the_record_page_has_the_rows_as_a_table(app):
    class Check:
        __tablename__ = "demo_check"

    ledger = Ledger(
        module="demo",
        name="check",
        plural="checks",
        model=Check,
        schema=CheckSchema,
        title="Checks",
        label="Check",
        view="demo.view",
        edit="demo.edit",
    )
    record = SimpleNamespace(
        title="周检", items=[{"item": "灭火器", "result": "fail", "note": None}]
    )
    with app.test_request_context():
        facts = {fact["name"]: fact for fact in ledger.facts(record, unmasked=False)}
        rows = facts["items"]["rows"]
        assert rows["labels"] == ["Item", "Result", "Note"]
        assert rows["lines"][0]["cells"][0::2] == ["灭火器", ""]
        assert rows["lines"][0]["value"]["result"] == "fail"
        assert facts["title"]["rows"] is None
