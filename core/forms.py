"""HTML forms validated by the same marshmallow schemas as the API.

A failed form is rendered again with what the user typed and a message under each field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import flash, request
from flask_babel import gettext as _

from core.db import db
from core.errors import DomainError, validation_fields
from core.records.fields import label_of, row_fields

FORM_META_FIELDS = {"csrf_token", "next"}


class FormResult:
    def __init__(self, values: dict[str, Any], data: dict[str, Any] | None, errors: dict[str, Any]):
        self.values = values
        self.data = data or {}
        self.errors = errors
        self.refusal: DomainError | None = None  # the service's, for a page to say more of it

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, exc: DomainError) -> FormResult:
        """Attach a service's refusal to the form so it is shown next to the fields."""
        self.refusal = exc
        self.errors = dict(exc.fields) or {"_schema": [exc.message]}
        if exc.fields:
            self.errors.setdefault("_schema", [exc.message])
        return self


def save(
    form: FormResult, write: Callable[[], Any], *, message: str | None = None
) -> tuple[bool, int]:
    """Run ``write()`` for a valid form and commit, saying so (``message``, "Saved." unless
    given); a service's refusal rolls back and goes onto the form. ``(saved, status)``: 200, the
    refusal's 4xx, or 422 for a form that did not validate."""
    if not form.ok:
        return False, 422
    try:
        write()
    except DomainError as exc:
        return False, refused(form, exc)
    db.session.commit()
    flash(message or _("Saved."), "success")
    return True, 200


def refused(form: FormResult, exc: DomainError) -> int:
    """A service refused what the form asked: undo what it wrote and show why beside the
    fields. Returns the refusal's status, for the page that shows the form again."""
    db.session.rollback()
    form.fail(exc)
    return exc.status


def empty_form(**values: Any) -> FormResult:
    return FormResult(values, None, {})


def load_form(
    schema: ma.Schema,
    *,
    multi: tuple[str, ...] = (),
    booleans: tuple[str, ...] = (),
    rows: tuple[str, ...] = (),
) -> FormResult:
    """Validate ``request.form`` through ``schema``; an empty input is ``None`` (a cleared field).

    ``multi``: fields sent as several values (checkbox groups); ``booleans``: checkboxes, which
    a browser leaves out when unticked, so they are ``false`` when missing; ``rows``: fields
    holding a table of rows (``List(Nested(RowSchema))``, e.g. a checklist) sent as one input per
    cell, ``<column>-<n>`` (``item-3``, ``result-3``), read in the order of ``n`` with the rows
    left empty left out. An error on a field the schema does not know also goes to the form's
    top, so no refusal is silent."""
    columns = {name: row_fields(schema.fields[name], "form") for name in rows}
    prefixes = tuple(f"{column}-" for name in rows for column in columns[name]) or ("\0",)
    values: dict[str, Any] = {name: "false" for name in booleans if name not in request.form}
    for key in request.form:
        if key in FORM_META_FIELDS or key.startswith(prefixes):
            continue
        values[key] = request.form.getlist(key) if key in multi else request.form[key]
    submitted = {k: (None if v == "" else v) for k, v in values.items() if v != []}
    for name in rows:
        values[name] = _typed_rows(tuple(columns[name]))
        submitted[name] = [{k: v or None for k, v in row.items()} for row in values[name]]
    try:
        data = schema.load(submitted)
    except ma.ValidationError as exc:
        errors = validation_fields(exc)
        for name in rows:
            if name in errors:
                errors[name] = _row_messages(errors[name], columns[name])
        stray = [f"{key}: {' '.join(map(str, m))}" for key, m in errors.items()
                 if key != "_schema" and key not in schema.fields]  # fmt: skip
        if stray:
            errors.setdefault("_schema", []).extend(stray)
        return FormResult(values, None, errors)
    return FormResult(values, data, {})


def typed_id(text: str | None) -> int | None:
    """An id typed in a form or a query (digits 0–9, at most nine of them), else None: ``²`` is a
    digit to ``str.isdigit`` but not to ``int``, and a longer number fits no id column."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        return None
    return int(text)


def _typed_rows(columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a table input as typed, in the order of their numbers; empty rows left out."""
    numbers = set()
    for key in request.form:
        column, _dash, number = key.rpartition("-")
        row = typed_id(number)
        if column in columns and row is not None:
            numbers.add(row)
    typed = [{c: request.form.get(f"{c}-{n}", "") for c in columns} for n in sorted(numbers)]
    return [row for row in typed if any(value.strip() for value in row.values())]


def _row_messages(problems: Any, columns: dict[str, ma.fields.Field]) -> list[str]:
    """A rows field's errors (``{index: {column: [messages]}}``) as lines naming row and column."""
    if not isinstance(problems, dict):
        return list(problems)
    lines = []
    for index, found in problems.items():
        for column, messages in found.items() if isinstance(found, dict) else [("", found)]:
            label = label_of(columns[column], column) if column in columns else ""
            for message in messages:
                lines.append(
                    _(
                        "Row %(row)s, %(column)s: %(message)s",
                        row=int(index) + 1,
                        column=label,
                        message=message,
                    )
                )
    return lines
