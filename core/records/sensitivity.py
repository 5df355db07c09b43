"""Sensitivity classes on every surface (``shared/programs/README.md``).

- **S1** personal: shown to the module's viewers in scope.
- **S2** identifiers (ID number, phone, bank account): masked unless the viewer holds the
  module's ``*.sensitive.view`` and asks (``?unmask=1``), which is audited.
- **S3** special categories: not shown at all ("已隐藏") without that permission.

History and the audit log never store an S2 or S3 value in clear: S2 values are stored masked,
S3 values not at all (only that the field changed), so granting the permission later reveals
nothing from the past and a copy of the audit table leaks nothing.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.records.fields import S2, S3, sensitivity_of

HIDDEN = _l("Hidden")
# What history and the audit log keep of an S3 value.
WITHHELD = "***"


def mask_text(value: Any) -> Any:
    """The default S2 mask: the first three and last four characters stay."""
    if value is None or value == "":
        return value
    text = str(value)
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask(field: ma.fields.Field | None, value: Any) -> Any:
    """``value`` of ``field`` as someone without the sensitive permission sees it."""
    level = sensitivity_of(field)
    if level == S2:
        masker = field.metadata.get("mask") or mask_text
        return masker(value) if value not in (None, "") else value
    if level == S3:
        return None if value in (None, "") else str(HIDDEN)
    return value


def protect(schema: ma.Schema, data: dict[str, Any], unmasked: bool = False) -> dict[str, Any]:
    """A dumped record with S2 fields masked and S3 fields hidden, unless ``unmasked``."""
    if unmasked:
        return data
    return {key: mask(schema.fields.get(key), value) for key, value in data.items()}


def stored(field: ma.fields.Field | None, value: Any) -> Any:
    """What history and the audit log may keep of a value."""
    level = sensitivity_of(field)
    if level == S2:
        return mask(field, value)
    if level == S3:
        return None if value in (None, "") else WITHHELD
    return value


def protected_changes(
    schema: ma.Schema | None, changes: dict[str, list[Any]] | None
) -> dict[str, list[Any]] | None:
    """Old/new pairs fit to be stored: S2 masked, S3 withheld."""
    if not changes:
        return None
    fields = schema.fields if schema is not None else {}
    return {
        key: [stored(fields.get(key), old), stored(fields.get(key), new)]
        for key, (old, new) in changes.items()
    }


def sensitive_fields(schema: ma.Schema) -> dict[str, str]:
    """Field name → class, for the S2 and S3 fields of ``schema``."""
    return {
        name: sensitivity_of(field)
        for name, field in schema.fields.items()
        if sensitivity_of(field) in (S2, S3)
    }
