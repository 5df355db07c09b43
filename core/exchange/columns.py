"""Columns of an exchange file: a key (what code calls the value) and a label (the header a
person reads). Imports accept either as a header; exports write the label."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from core.config import SUPPORTED_LOCALES
from core.errors import DomainError


@dataclass(frozen=True)
class Column:
    key: str
    label: Any
    # Headers the column had before its label was corrected: older files still import.
    former: tuple[str, ...] = ()


def header_texts(column: Column) -> set[str]:
    """Every header that names ``column``: its key, its label in each interface language (a
    file written by a colleague who works in English imports for one who works in Chinese) and
    its former labels."""
    texts = {column.key, column.key.lower(), str(column.label), *column.former}
    if isinstance(column.label, LazyString) and has_app_context():
        for locale in SUPPORTED_LOCALES:
            with force_locale(locale):
                texts.add(str(column.label))
    return {t.strip() for t in texts if t}


def select_columns(columns: Sequence[Column], wanted: str | Iterable[str] | None) -> list[Column]:
    """The columns named in ``wanted`` (``"name,id_number"`` or a list of keys), in that order;
    all of them when ``wanted`` is empty. An unknown key is a 422 naming the field ``columns``."""
    if wanted is None:
        return list(columns)
    keys = [k.strip() for k in wanted.split(",")] if isinstance(wanted, str) else list(wanted)
    keys = [k for k in keys if k]
    if not keys:
        return list(columns)
    by_key = {c.key: c for c in columns}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        message = _(
            "Unknown columns: %(keys)s. Choose from %(known)s.",
            keys=", ".join(unknown),
            known=", ".join(by_key),
        )
        raise DomainError(message, {"columns": [message]})
    return [by_key[k] for k in dict.fromkeys(keys)]
