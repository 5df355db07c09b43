"""The key-post roster (三项岗位人员名册), declared: filters, order, the check."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from core.sdk import Filter

from ..common import SafetyLedger
from .models import SafetyKeyPost
from .rules import check_key_post
from .schemas import KeyPostSchema

key_posts = SafetyLedger(
    name="key_post",
    model=SafetyKeyPost,
    schema=KeyPostSchema,
    title=_l("Key-post staff"),
    label=_l("Key-post holder"),
    filters=(
        Filter("q", "text", _l("Full name"), column="name"),
        Filter("post"),
        Filter("on_duty", "bool", _l("On duty"), column="on_duty"),
        Filter("enterprise", "int", _l("Enterprise"), column="enterprise_id"),
    ),
    order=lambda: [SafetyKeyPost.enterprise_id, SafetyKeyPost.name, SafetyKeyPost.id],
    options=lambda stmt: stmt.options(selectinload(SafetyKeyPost.enterprise)),
    check=check_key_post,
    title_of=lambda e: e.name,
)

LEDGERS = [key_posts]
