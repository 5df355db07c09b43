"""Who sees, chooses and sets which resident tags (``Tag.sensitivity``, ``Tag.setting``).

Tags of special groups (低保, 残疾人, 留守儿童: ``S3``) are the user's to see, filter by and set only
where they hold ``registry.sensitive.view``; core hides them item by item on every surface
(``describe(item_sensitivity=item_class)``), and a save by anyone else keeps the ones the
resident carries. At a street or district they are never listed or filtered by: counts only.
A tag with a ``setting`` (留守儿童: ``rural``) is offered only in communities where that registry
setting is on, and adding it elsewhere is refused on ``tags``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import g, has_app_context, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from core.db import db
from core.errors import NotPermitted
from core.permissions import current_scope
from core.sdk import S1, S3, module_settings, refuse

from .hookspecs import Tag
from .vocabularies import MODULE, SENSITIVE

# What other plugins see of a tag declared by the registry itself. Age groups (老年人,
# 育龄妇女) are not tags: they are age bands, computed (ages.py). Special groups are S3;
# 留守儿童 is a rural category, offered where the setting ``rural`` is on.
OWN_TAGS = [
    Tag("disabled", _l("Person with a disability"), MODULE, S3),
    Tag("dibao", _l("Minimum living allowance"), MODULE, S3),
    Tag("left_behind_child", _l("Left-behind child"), MODULE, S3, setting="rural"),
    Tag("veteran", _l("Veteran"), MODULE),
    Tag("empty_nest", _l("Empty-nest elderly (children live elsewhere)"), MODULE),
    Tag("living_alone", _l("Elderly living alone"), MODULE),
]


def declared_tags() -> dict[str, Tag]:
    """Every tag declared through ``registry_tags`` (the registry's own first), by key."""
    from tenants.modules import plugin_system

    tags: dict[str, Tag] = {}
    for name, found in plugin_system().call("registry_tags"):
        for tag in found or []:
            tags.setdefault(tag.key, tag if tag.module else dataclasses.replace(tag, module=name))
    return tags


def _declared() -> dict[str, Tag]:
    """The declared tags, read once per request (a list masks the tags of every row)."""
    if not has_app_context():
        return declared_tags()
    if "registry_tags" not in g:
        g.registry_tags = declared_tags()
    return g.registry_tags


def item_class(key: Any) -> str:
    """The class of one tag key (an undeclared key, left by a plugin since removed, is S1)."""
    tag = _declared().get(key)
    return tag.sensitivity if tag is not None else S1


def labels() -> dict[str, Any]:
    """Every declared tag's label by key: what reads a stored key (lists, pages, exports)."""
    return {key: tag.label for key, tag in _declared().items()}


def sees_hidden(community: Any) -> bool:
    """May the signed-in user see and set S3 tags in ``community``? Work done outside a request
    (the demo, the command line) may."""
    if not has_request_context():
        return True
    return current_scope().allows(SENSITIVE, community.path)


def offered(session: Session, community: Any) -> dict[str, Tag]:
    """The tags offered in ``community``: those without a setting, and those whose registry
    setting is on there."""
    settings = module_settings(session, community.id, MODULE)
    return {
        key: tag for key, tag in _declared().items() if not tag.setting or settings.get(tag.setting)
    }


def choosable(session: Session, community: Any) -> dict[str, Any]:
    """What the user may tick or filter by in ``community``: the offered tags, the S3 ones only
    for holders of the sensitive permission."""
    sees = sees_hidden(community)
    return {
        key: tag.label
        for key, tag in offered(session, community).items()
        if tag.sensitivity != S3 or sees
    }


def filter_choices() -> dict[str, Any]:
    """The tag filter's choices: at a community what the user may choose; at a street or
    district the S1 tags only (there S3 tags are counts, never a list)."""
    if "community" in g:
        return choosable(db.session, g.community)
    return {key: tag.label for key, tag in _declared().items() if tag.sensitivity != S3}


def form_choices(record: Any = None) -> dict[str, Any]:
    """The resident form's boxes: what the user may choose here, and the tags the record
    carries already that are no longer offered here (so they can be seen and removed), in the
    order tags are declared."""
    chosen = choosable(db.session, g.community)
    current = set(record.tags) if record is not None else set()
    sees = sees_hidden(g.community)
    return {
        key: tag.label
        for key, tag in _declared().items()
        if key in chosen or (key in current and (tag.sensitivity != S3 or sees))
    }


def _names(keys: Any) -> str:
    found = _declared()
    return "、".join(str(found[k].label) if k in found else k for k in keys)


def new_tags(session: Session, community: Any, old: list[str], wanted: list[str]) -> list[str]:
    """The tags a resident carries after a save that asks for ``wanted``, from ``old``.

    Refused: an unknown tag (422); an S3 tag asked for by someone who may not see them (403 on
    ``tags``; their save keeps the S3 tags the resident carries); a tag added where it is not
    offered (留守儿童 outside a rural community, 422 on ``tags``)."""
    known = _declared()
    unknown = [t for t in wanted if t not in known]
    if unknown:
        refuse("tags", _("Unknown tags: %(tags)s", tags="、".join(unknown)))
    hidden = {key for key, tag in known.items() if tag.sensitivity == S3}
    kept: set[str] = set()
    if not sees_hidden(community):
        asked = [t for t in wanted if t in hidden]
        if asked:
            message = _(
                "Only holders of the permission to see sensitive data record %(tags)s.",
                tags=_names(asked),
            )
            raise NotPermitted(message, {"tags": [message]})
        kept = {t for t in old if t in hidden}
    here = offered(session, community)
    added = [t for t in dict.fromkeys(wanted) if t not in old and t not in here]
    if added:
        settings = {t.setting for t in (known[k] for k in added)}
        refuse(
            "tags",
            _(
                "%(tags)s is recorded only in a community with the setting %(setting)s on; "
                "%(community)s does not have it.",
                tags=_names(added),
                setting="、".join(_setting_label(s) for s in sorted(settings)),
                community=community.name,
            ),
        )
    return sorted(set(wanted) | kept)


def _setting_label(name: str) -> str:
    from .settings import SettingsSchema

    field = SettingsSchema().fields.get(name)
    return str(field.metadata.get("label", name)) if field is not None else name
