"""What the roster's forms, API, import and export accept and show."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l

from core.sdk import Boolean, Choice, ChoiceSchema, Computed, Date, Text, choice_label

from ..common import chosen_enterprise
from .rules import KEY_POSTS, certified


class KeyPostSchema(ChoiceSchema):
    """A key-post holder at an enterprise."""

    id = ma.fields.Integer(dump_only=True)
    name = Text(_l("Full name"), 50, required=True, column=True, sort=True)
    enterprise_id, enterprise = chosen_enterprise()
    post = Choice(_l("Post"), KEY_POSTS, required=True, column=True)
    post_label = choice_label("post", KEY_POSTS)
    on_duty = Boolean(_l("On duty"), default=True, column=True)
    certificate_number = Text(_l("Certificate number"), 40, column=True)
    certificate_expires_on = Date(_l("Certificate expires on"), column=True, sort=True)
    certified = Computed(_l("Certificate valid today"), certified, column=True)
    note = Text(_l("Note"), 200)
