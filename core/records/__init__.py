"""Records machinery shared by every program ledger: field descriptions and sensitivity
classes, one change history, central soft delete, and the :class:`Ledger` declaration that
generates list, detail, form, API, export and import. Plugins reach it through ``core.sdk``."""

from __future__ import annotations

from flask import Flask, g, url_for
from werkzeug.routing import BuildError

from core.records import history, softdelete  # noqa: F401 - the history table; live-rows criteria
from core.records.fields import (
    S1,
    S2,
    S3,
    choices_of,
    describe,
    display,
    max_length,
    picker_current,
    row_fields,
    widget_of,
)

IMPORT_PAGE = "imports.ledger_import"


def import_url(name: str) -> str | None:
    """The import page of the export/import ``name`` at the current community, if there is one."""
    try:
        return url_for(IMPORT_PAGE, ref=g.community.ref, name=name)
    except (BuildError, AttributeError):
        return None


def init_app(app: Flask) -> None:
    """Template helpers the generated pages (and plugin templates) use."""
    app.jinja_env.globals.update(
        widget_of=widget_of,
        choices_of=choices_of,
        max_length=max_length,
        picker_current=picker_current,
        row_fields=row_fields,
        import_url=import_url,
    )


__all__ = ["S1", "S2", "S3", "describe", "display", "import_url", "init_app"]
