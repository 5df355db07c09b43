"""HTML forms validated by the same marshmallow schemas as the API.

A failed form is rendered again with what the user typed and a message under each field.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import request

from core.errors import DomainError, validation_fields

FORM_META_FIELDS = {"csrf_token", "next"}


class FormResult:
    def __init__(self, values: dict[str, Any], data: dict[str, Any] | None, errors: dict[str, Any]):
        self.values = values
        self.data = data or {}
        self.errors = errors

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, exc: DomainError) -> FormResult:
        """Attach a service's refusal to the form so it is shown next to the fields."""
        self.errors = dict(exc.fields) or {"_schema": [exc.message]}
        if exc.fields:
            self.errors.setdefault("_schema", [exc.message])
        return self


def empty_form(**values: Any) -> FormResult:
    return FormResult(values, None, {})


def load_form(
    schema: ma.Schema,
    *,
    multi: tuple[str, ...] = (),
    booleans: tuple[str, ...] = (),
    skip_prefixes: tuple[str, ...] = (),
) -> FormResult:
    """Validate ``request.form`` through ``schema``; an empty input is ``None`` (a cleared field).

    ``multi``: fields sent as several values (checkbox groups); ``booleans``: checkboxes, which
    a browser leaves out when unticked, so they are ``false`` when missing; ``skip_prefixes``:
    inputs the view reads itself (e.g. a checklist's ``item-3``, ``result-3``). An error on a
    field the schema does not know also goes to the form's top, so no refusal is silent."""
    values: dict[str, Any] = {name: "false" for name in booleans if name not in request.form}
    for key in request.form:
        if key in FORM_META_FIELDS or key.startswith(skip_prefixes or ("\0",)):
            continue
        values[key] = request.form.getlist(key) if key in multi else request.form[key]
    submitted = {k: (None if v == "" else v) for k, v in values.items() if v != []}
    try:
        data = schema.load(submitted)
    except ma.ValidationError as exc:
        errors = validation_fields(exc)
        stray = [f"{key}: {' '.join(map(str, m))}" for key, m in errors.items()
                 if key != "_schema" and key not in schema.fields]  # fmt: skip
        if stray:
            errors.setdefault("_schema", []).extend(stray)
        return FormResult(values, None, errors)
    return FormResult(values, data, {})
