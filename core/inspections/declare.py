"""What a module declares to get scored inspections: its kinds, its targets, its default
checklists and what a failed item becomes (its rectification record)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CheckItem:
    """A checklist item: scored out of ``points`` (分值), or pass/fail when ``points`` is None."""

    text: Any
    points: float | None = None
    section: Any = ""


@dataclass(frozen=True)
class Checklist:
    """A module's default checklist (检查表) for one kind of target, seeded as version 1 when the
    database has none; district, street and community admins edit their own versions."""

    target_kind: str
    name: Any
    items: Sequence[CheckItem | Any]
    pass_mark: float | None = None

    def check_items(self) -> list[CheckItem]:
        return [i if isinstance(i, CheckItem) else CheckItem(i) for i in self.items]


# on_failed(session, community, inspection, result) → the rectification record made (its id is
# kept on the result as ``rectification_id``), or None when the module makes none for it.
OnFailed = Callable[[Any, Any, Any, dict[str, Any]], Any]


@dataclass
class InspectionLedger:
    """A module's scored inspections: its record (``model``, with core's
    :class:`~core.inspections.models.InspectionRecord` columns) keeps the results in the JSON
    column ``results``; core versions the templates, scores, ranks, refers and announces."""

    module: str
    model: Any
    kinds: Mapping[str, Any]
    targets: Mapping[str, Any]
    checklists: Sequence[Checklist] = ()
    on_failed: OnFailed | None = None
    results: str = "checklist"
    owner_type: str = ""
    view: str = ""
    edit: str = ""
    manage: str = ""
    title_of: Callable[[Any], str] = str
    rectification_label: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.owner_type = self.owner_type or f"{self.module}.inspection"
        self.manage = self.manage or self.edit


def inspection_ledger(**options: Any) -> InspectionLedger:
    """Declare a module's scored inspections (see :class:`InspectionLedger`)."""
    return InspectionLedger(**options)
