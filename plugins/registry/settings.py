"""The registry's per-community settings (``jiedao_settings_schema``), read with
``module_settings(session, community_id, "registry")``."""

from __future__ import annotations

import marshmallow as ma
from flask_babel import lazy_gettext as _l


class SettingsSchema(ma.Schema):
    """``load_default`` is what a community starts with."""

    rural = ma.fields.Boolean(
        load_default=False,
        metadata={
            "label": _l("Rural community"),
            "help": _l("A rural or village-turned-community: left-behind children are recorded."),
        },
    )
