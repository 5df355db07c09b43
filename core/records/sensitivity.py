"""Sensitivity classes on every surface (``shared/programs/README.md``).

- **S1** personal: shown to the module's viewers in scope.
- **S2** identifiers (ID number, phone, bank account): masked unless the viewer holds the
  module's ``*.sensitive.view`` and asks (``?unmask=1``), which is audited.
- **S3** special categories: not shown at all without that permission — pages say "已隐藏",
  JSON, lists and exports hold ``***``. A list of keys may hold keys of both kinds (a resident's
  tags: 退役军人 S1, 低保 S3; ``describe(item_sensitivity=…)``): its S3 keys are hidden the same
  way, all of them behind one ``***``, so a reader learns neither which nor how many.
- A field's class may depend on the record (``record_sensitivity``: what a dispute is about is
  S3 for a family dispute only): pages, lists, JSON and exports take it from the record; history,
  the audit log and search keep the declared, strictest class.

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
from typing import TYPE_CHECKING, Any

import marshmallow as ma
from flask import current_app

from core.records.fields import (  # noqa: F401 - HIDDEN and WITHHELD are read from here too
    HIDDEN,
    S1,
    S2,
    S3,
    WITHHELD,
    hidden_items,
    sensitivity_of,
)

if TYPE_CHECKING:
    from cryptography.fernet import Fernet


def mask_text(value: Any) -> Any:
    """The default S2 mask: the first three and last four characters stay."""
    if value is None or value == "":
        return value
    text = str(value)
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def _without_hidden(field: ma.fields.Field | None, value: Any, stand_in: Any) -> Any:
    """A list with its S3 items (``item_sensitivity``) replaced by one ``stand_in``, after the
    items shown; any other value unchanged. A ``***`` already there is not repeated."""
    hidden = hidden_items(field, value)
    if not hidden:
        return value
    return [*(v for v in value if v not in hidden and v != WITHHELD), stand_in(hidden)]


def reveal(
    field: ma.fields.Field | None,
    value: Any,
    *,
    s2: bool = False,
    s3: bool = False,
    record: Any = None,
) -> Any:
    """``value`` of ``field`` with its S2 part in clear only if ``s2`` and its S3 part (an S3
    field, or a list's S3 items) only if ``s3``; masked or withheld otherwise. The field's
    class is the one it has in ``record``, when given (``record_sensitivity``)."""
    level = sensitivity_of(field, record)
    if level == S2:
        if s2 or value in (None, ""):
            return value
        return (field.metadata.get("mask") or mask_text)(value)
    if level == S3:
        if s3:
            return value
        return None if value in (None, "") else WITHHELD
    return value if s3 else _without_hidden(field, value, lambda _items: WITHHELD)


def mask(field: ma.fields.Field | None, value: Any, record: Any = None) -> Any:
    """``value`` of ``field`` (in ``record``) as someone without the sensitive permission
    sees it."""
    return reveal(field, value, record=record)


def protect(
    schema: ma.Schema, data: dict[str, Any], unmasked: bool = False, record: Any = None
) -> dict[str, Any]:
    """A dumped record with S2 fields masked and S3 fields hidden, unless ``unmasked``; with
    ``record``, each field as sensitive as it is in that record."""
    if unmasked:
        return data
    return {key: mask(schema.fields.get(key), value, record) for key, value in data.items()}


SEALED = "sealed"  # the key of a sealed value: {"sealed": "<Fernet token>"}


def _fernet() -> Fernet:
    """The history's cipher, its key derived from the app's secret key for this one purpose
    (cryptography is imported at the first S3 value sealed or opened, not at start-up)."""
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

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
    """The clear value of a sealed one; withheld if it cannot be opened; a list's sealed items
    opened in place (they are a list of the S3 items); others unchanged."""
    if isinstance(value, list):
        opened: list[Any] = []
        for item in value:
            clear = unseal(item) if is_sealed(item) else item
            opened.extend(clear if is_sealed(item) and isinstance(clear, list) else [clear])
        return opened
    if not is_sealed(value):
        return value
    from cryptography.fernet import InvalidToken

    try:
        return json.loads(_fernet().decrypt(value[SEALED].encode()))
    except (InvalidToken, ValueError):
        return WITHHELD


def withheld(value: Any) -> Any:
    """What someone without the permission reads of a stored value (a list's sealed items too)."""
    if isinstance(value, list):
        return [WITHHELD if is_sealed(item) else item for item in value]
    return WITHHELD if is_sealed(value) else value


def stored(field: ma.fields.Field | None, value: Any, *, sealed: bool = False) -> Any:
    """What history (``sealed``) or the audit log may keep of a value."""
    if value is None:  # nothing to mask or seal (half the pairs of a new record's history)
        return None
    level = sensitivity_of(field)
    if level == S2:
        return mask(field, value)
    if level == S3:
        if value in (None, ""):
            return None
        return seal(value) if sealed else WITHHELD
    return _without_hidden(field, value, lambda items: seal(items) if sealed else WITHHELD)


def protected_changes(
    schema: ma.Schema | None, changes: dict[str, list[Any]] | None, *, sealed: bool = False
) -> dict[str, list[Any]] | None:
    """Old/new pairs fit to be stored: S2 masked, S3 withheld (or ``sealed`` for history)."""
    if not changes:
        return None
    fields = schema.fields if schema is not None else {}
    found = {}
    for key, pair in changes.items():
        field = fields.get(key)
        if field is None or not _guarded(field):  # S1 throughout: kept as it is
            found[key] = list(pair)
        else:
            found[key] = [stored(field, v, sealed=sealed) for v in pair]
    return found


def protected_both(
    schema: ma.Schema | None, changes: dict[str, list[Any]] | None
) -> tuple[dict[str, list[Any]] | None, dict[str, list[Any]] | None]:
    """:func:`protected_changes` sealed (for history) and not (for the audit log) in one pass:
    an S2 value is masked once for both, since masking does not depend on sealing; only S3
    values and lists with S3 items are worked out twice."""
    if not changes:
        return None, None
    fields = schema.fields if schema is not None else {}
    sealed, shown = {}, {}
    for key, pair in changes.items():
        field = fields.get(key)
        if field is None or not _guarded(field):
            sealed[key], shown[key] = list(pair), list(pair)
        elif sensitivity_of(field) == S2:
            masked = [stored(field, v) for v in pair]
            sealed[key], shown[key] = masked, list(masked)
        else:
            sealed[key] = [stored(field, v, sealed=True) for v in pair]
            shown[key] = [stored(field, v) for v in pair]
    return sealed, shown


def _guarded(field: ma.fields.Field) -> bool:
    """Whether some value of ``field`` is masked, withheld or sealed: an S2 or S3 field, or a
    list with S3 items."""
    metadata = field.metadata
    return metadata.get("sensitivity", S1) != S1 or metadata.get("item_sensitivity") is not None


def read_changes(
    changes: dict[str, list[Any]] | None, unmasked: bool, schema: ma.Schema | None = None
) -> dict[str, list[Any]]:
    """Stored old/new pairs as a reader may see them: sealed values opened for a holder who
    asked (``unmasked``), withheld for everyone else. With the ``schema``, a list's S3 items
    kept in clear (written before their key was declared S3) are withheld as well."""
    fields = schema.fields if schema is not None else {}
    read = unseal if unmasked else withheld

    def shown(key: str, value: Any) -> Any:
        value = read(value)
        return value if unmasked else _without_hidden(fields.get(key), value, lambda _i: WITHHELD)

    return {key: [shown(key, v) for v in pair] for key, pair in (changes or {}).items()}


def sensitive_fields(schema: ma.Schema) -> dict[str, str]:
    """Field name → class, for the S2 and S3 fields of ``schema``."""
    return {
        name: sensitivity_of(field)
        for name, field in schema.fields.items()
        if sensitivity_of(field) in (S2, S3)
    }
