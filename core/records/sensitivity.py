"""Sensitivity classes on every surface (``shared/programs/README.md``).

- **S1** personal: shown to the module's viewers in scope.
- **S2** identifiers (ID number, phone, bank account): masked unless the viewer holds the
  module's ``*.sensitive.view`` and asks (``?unmask=1``), which is audited.
- **S3** special categories: not shown at all without that permission — pages say "已隐藏",
  JSON, lists and exports hold ``***``.

History and the audit log never store an S2 or S3 value in clear. S2 values are stored masked.
S3 values are withheld from the audit log (only that the field changed) and sealed in a record's
history: encrypted with a key derived from the secret key (Fernet: AES-128-CBC with an HMAC), so a
copy of either table leaks nothing, while a holder of the permission who asks (``?unmask=1``,
audited) can still read what a casualty report or a liability finding said before it changed.
A sealed value that no longer opens (the secret key was changed) reads as withheld.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import marshmallow as ma
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
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
        return None if value in (None, "") else WITHHELD
    return value


def protect(schema: ma.Schema, data: dict[str, Any], unmasked: bool = False) -> dict[str, Any]:
    """A dumped record with S2 fields masked and S3 fields hidden, unless ``unmasked``."""
    if unmasked:
        return data
    return {key: mask(schema.fields.get(key), value) for key, value in data.items()}


SEALED = "sealed"  # the key of a sealed value: {"sealed": "<Fernet token>"}


def _fernet() -> Fernet:
    """The history's cipher, its key derived from the app's secret key for this one purpose."""
    secret = current_app.secret_key
    material = secret.encode() if isinstance(secret, str) else bytes(secret)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jiedao history S3").derive(
        material
    )
    return Fernet(base64.urlsafe_b64encode(key))


def seal(value: Any) -> dict[str, str]:
    """``value`` (JSON-able) encrypted for the history table."""
    token = _fernet().encrypt(json.dumps(value, ensure_ascii=False).encode())
    return {SEALED: token.decode()}


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {SEALED}


def unseal(value: Any) -> Any:
    """The clear value of a sealed one; withheld if it cannot be opened; others unchanged."""
    if not is_sealed(value):
        return value
    try:
        return json.loads(_fernet().decrypt(value[SEALED].encode()))
    except (InvalidToken, ValueError):
        return WITHHELD


def withheld(value: Any) -> Any:
    """What someone without the permission reads of a stored value."""
    return WITHHELD if is_sealed(value) else value


def stored(field: ma.fields.Field | None, value: Any, *, sealed: bool = False) -> Any:
    """What history (``sealed``) or the audit log may keep of a value."""
    level = sensitivity_of(field)
    if level == S2:
        return mask(field, value)
    if level == S3:
        if value in (None, ""):
            return None
        return seal(value) if sealed else WITHHELD
    return value


def protected_changes(
    schema: ma.Schema | None, changes: dict[str, list[Any]] | None, *, sealed: bool = False
) -> dict[str, list[Any]] | None:
    """Old/new pairs fit to be stored: S2 masked, S3 withheld (or ``sealed`` for history)."""
    if not changes:
        return None
    fields = schema.fields if schema is not None else {}
    return {
        key: [stored(fields.get(key), v, sealed=sealed) for v in pair]
        for key, pair in changes.items()
    }


def read_changes(changes: dict[str, list[Any]] | None, unmasked: bool) -> dict[str, list[Any]]:
    """Stored old/new pairs as a reader may see them: sealed values opened for a holder who
    asked (``unmasked``), withheld for everyone else."""
    read = unseal if unmasked else withheld
    return {key: [read(v) for v in pair] for key, pair in (changes or {}).items()}


def sensitive_fields(schema: ma.Schema) -> dict[str, str]:
    """Field name → class, for the S2 and S3 fields of ``schema``."""
    return {
        name: sensitivity_of(field)
        for name, field in schema.fields.items()
        if sensitivity_of(field) in (S2, S3)
    }
