"""Languages: flask-babel with zh_Hans_CN by default and English per user.

Catalogues (``<component>/translations/<locale>/LC_MESSAGES/messages.po``) are compiled to ``.mo``
when the app starts if the compiled file is missing or older than its source, so a fresh install
(from git or from an sdist) shows Chinese without a separate build step.
"""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, has_request_context, session
from flask_babel import Babel
from flask_login import current_user

from core.config import SUPPORTED_LOCALES

babel = Babel()

LOCALE_LABELS = {"zh_Hans_CN": "简体中文", "en": "English"}


def select_locale() -> str:
    from flask import current_app

    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in SUPPORTED_LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in SUPPORTED_LOCALES:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def compile_catalogue(po_path: Path, mo_path: Path) -> None:
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = mo_path.with_suffix(".mo.tmp")
    with tmp.open("wb") as mo_file:
        write_mo(mo_file, catalogue, use_fuzzy=False)
    os.replace(tmp, mo_path)


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


def init_app(app: Flask, translation_dirs: list[Path]) -> None:
    fallback = Path(app.config["INSTANCE_PATH"]) / "translations"
    compiled = [str(ensure_compiled(d, fallback)) for d in translation_dirs if d.is_dir()]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(compiled)
    babel.init_app(app, locale_selector=select_locale)
