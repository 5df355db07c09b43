"""Node codes: 统计用区划代码 for districts, streets and communities; local codes below them.

Division codes nest: a street's 9 digits begin with its district's 6, a community's 12 with its
street's 9. The street part (digits 7–9) and the community part (10–12) are never ``000`` — that
value means "the level above" in the national scheme.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from tenants.models import KIND_LABELS, NodeKind

DIVISION_LENGTHS = {NodeKind.DISTRICT: 6, NodeKind.STREET: 9, NodeKind.COMMUNITY: 12}
LOCAL_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,31}")


def code_error(
    kind: NodeKind, code: str, parent_kind: NodeKind | None, parent_code: str | None
) -> str | None:
    """Why ``code`` is not a valid code for a ``kind`` node under the given parent, or None."""
    if kind in DIVISION_LENGTHS:
        length = DIVISION_LENGTHS[kind]
        if not (code.isascii() and code.isdigit() and len(code) == length):
            return _("A %(kind)s code has exactly %(n)s digits.", kind=_kind_name(kind), n=length)
        if kind == NodeKind.DISTRICT:
            if code[2:] == "0000" or code[4:] == "00":
                return _("A district code cannot end in 00 (that names a province or city).")
            return None
        if parent_code is not None and not code.startswith(parent_code):
            return _("The code must begin with its parent's code %(parent)s.", parent=parent_code)
        if code[-3:] == "000":
            return _("The last three digits cannot be 000.")
        return None
    if not LOCAL_CODE.fullmatch(code):
        return _("Use 1–32 letters, digits, '-' or '_' (starting with a letter or digit).")
    return None


def make_ref(kind: NodeKind, code: str, community_code: str | None) -> str:
    """The deployment-wide reference of a node, used in URLs."""
    if kind in DIVISION_LENGTHS:
        return code
    marker = "g" if kind == NodeKind.GRID else "b"
    return f"{community_code}-{marker}{code}"


def parent_code_of(code: str) -> tuple[NodeKind, str] | None:
    """The parent a division code implies (``110105001001`` → street ``110105001``)."""
    if code.isdigit() and len(code) == 12:
        return NodeKind.STREET, code[:9]
    if code.isdigit() and len(code) == 9:
        return NodeKind.DISTRICT, code[:6]
    return None


def _kind_name(kind: NodeKind) -> str:
    return str(KIND_LABELS[kind])
