"""The module's per-community settings."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l


class SettingsSchema(ma.Schema):
    """Per-community settings; ``load_default`` is what a community starts with."""

    street_review_amount = ma.fields.Decimal(
        load_default=2000,
        as_string=True,
        places=2,
        validate=ma.validate.Range(min=0, max=1000000),
        metadata={"label": _l("Assistance above this amount is reviewed by the street (yuan)")},
    )
