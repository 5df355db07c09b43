"""What the roster's forms, API, import and export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import ChoiceSchema, choice, describe, optional_text, required_text

from ..common import choice_label, chosen_enterprise
from .rules import KEY_POSTS, certified


class KeyPostSchema(ChoiceSchema):
    """A key-post holder at an enterprise."""

    id = ma.fields.Integer(dump_only=True)
    name = describe(required_text(50), label=_l("Full name"), column=True, sort=True)
    enterprise_id, enterprise = chosen_enterprise()
    post = describe(choice(KEY_POSTS, required=True), label=_l("Post"), column=True)
    post_label = choice_label("post", KEY_POSTS)
    on_duty = describe(ma.fields.Boolean(load_default=True), label=_l("On duty"), column=True)
    certificate_number = describe(optional_text(40), label=_l("Certificate number"), column=True)
    certificate_expires_on = describe(
        ma.fields.Date(load_default=None, allow_none=True),
        label=_l("Certificate expires on"),
        column=True,
        sort=True,
    )
    certified = describe(
        ma.fields.Function(certified, dump_only=True),
        label=_l("Certificate valid today"),
        column=True,
    )
    note = describe(optional_text(200), label=_l("Note"))
