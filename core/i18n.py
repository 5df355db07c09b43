"""Languages: flask-babel with zh_Hans_CN by default and English per user.

Catalogues (``<component>/translations/<locale>/LC_MESSAGES/messages.po``) are compiled to ``.mo``
when the app starts if the compiled file is missing or older than its source, so a fresh install
(from git or from an sdist) shows Chinese without a separate build step.

All catalogues share one translation domain: core's first, then the components' and the active
plugins', and for a msgid in several of them the *last* one's translation is used everywhere.
:func:`catalogue_clashes` finds the msgids two catalogues translate differently.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, has_request_context, session
from flask_babel import Babel
from flask_login import current_user

from core.config import SUPPORTED_LOCALES

babel = Babel()

LOCALE_LABELS = {"zh_Hans_CN": "简体中文", "en": "English"}


def select_locale() -> str:
    from flask import current_app

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    # While the database is down the account cannot be read: the session's choice, or the
    # default.
    account = not g.get("database_down") and current_user and current_user.is_authenticated
    if account and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogue(po_path: Path, mo_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file of this call's own: processes starting together (test workers, app
    # servers) each compile, and the last rename wins with a whole file.
    with tempfile.NamedTemporaryFile(
        "wb", dir=mo_path.parent, prefix=f"{mo_path.name}.", suffix=".tmp", delete=False
    ) as mo_file:
        write_mo(mo_file, catalogue, use_fuzzy=False)
    os.replace(mo_file.name, mo_path)


def ensure_compiled(directory: Path, fallback_root: Path) -> Path:
    """Compile stale catalogues of one translations folder; returns the folder to load from.

    When the package folder is read-only (a system install), the compiled files go to the
    instance folder instead.
    """
    target = directory
    if not os.access(directory, os.W_OK):
        target = fallback_root / directory.parent.name
    for po_path in directory.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(directory).with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            compile_catalogue(po_path, mo_path)
    return target


@dataclass(frozen=True)
class CatalogueClash:
    """A msgid two catalogues translate differently: ``second`` (merged later) wins app-wide."""

    locale: str
    msgid: str
    first: Path  # the .po file merged earlier
    first_text: str
    second: Path
    second_text: str

    def __str__(self) -> str:
        return (
            f"msgid {self.msgid!r} ({self.locale}) is {self.first_text!r} in {self.first} "
            f"but {self.second_text!r} in {self.second}"
        )


def _translations(po_path: Path) -> dict[tuple[str | None, str], str]:
    """(msgctxt, msgid) → msgstr of the entries the compiled catalogue carries (translated, not
    fuzzy); plural entries by their singular, their forms joined with `` | ``."""
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file)
    found: dict[tuple[str | None, str], str] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else " | ".join(message.string)
        if text.strip(" |"):
            found[(message.context, msgid)] = text
    return found


def catalogue_clashes(
    translation_dirs: Sequence[Path], locales: Iterable[str] = SUPPORTED_LOCALES
) -> list[CatalogueClash]:
    """Every msgid that two of the folders' catalogues translate differently, per locale, in
    merge order (``translation_dirs`` as given to :func:`init_app`). A msgid only one catalogue
    translates, or that several translate alike, is fine."""
    clashes: list[CatalogueClash] = []
    for locale in locales:
        seen: dict[tuple[str | None, str], list[tuple[Path, str]]] = {}
        for folder in translation_dirs:
            po_path = Path(folder) / locale / "LC_MESSAGES" / "messages.po"
            if not po_path.is_file():
                continue
            for key, text in _translations(po_path).items():
                earlier = seen.setdefault(key, [])
                clashes += [
                    CatalogueClash(locale, key[1], path, other, po_path, text)
                    for path, other in earlier
                    if other != text
                ]
                earlier.append((po_path, text))
    return clashes


def init_app(app: Flask, translation_dirs: list[Path]) -> None:
    fallback = Path(app.config["INSTANCE_PATH"]) / "translations"
    app.extensions["jiedao.translation_dirs"] = [d for d in translation_dirs if d.is_dir()]
    compiled = [str(ensure_compiled(d, fallback)) for d in translation_dirs if d.is_dir()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(compiled)
    babel.init_app(app, locale_selector=select_locale)
