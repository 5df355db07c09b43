"""A module that listens to applied change reports (``jiedao_change_applied``), as family
planning would to propose a card for a birth; it records what it was offered."""

from __future__ import annotations

from typing import Any

from core.hookspecs import hookimpl

OFFERED: list[tuple[str, str, int]] = []


@hookimpl
def jiedao_change_applied(session: Any, report: Any) -> None:
    OFFERED.append((report.kind, report.status, report.node_id))


class Breaks:
    """A second listener that writes, then raises: switched off, its write undone."""

    @hookimpl
    def jiedao_change_applied(self, session: Any, report: Any) -> None:
        report.note = "written by a module that then broke"
        session.flush()
        raise RuntimeError("listener exploded")
