"""Compartments: registers of special categories (S3: released prisoners, reproductive health,
vulnerable children) that do not exist for anyone outside them.

A module puts such a register's ledgers on blueprints of their own and declares them a
compartment of a permission::

    care_pages = CommunityBlueprint(MODULE, "legal_publicity_care", __name__)
    compartment(care_pages, "legal_publicity.resettlement.view", audit_as="legal_publicity.resettled.read")

After the blueprint's own guard (plugin active, signed in, the module's permissions and the
module on at the place), a user without ``permission`` at the place gets 404 on every route of
the blueprint — the same answer as for another community's record, so not even its existence
shows — and every request of a user with it is written to the audit log (``audit_as``, the
method and the path, never a value), committed at once so that a read is recorded too.
"""

from __future__ import annotations

from flask import Blueprint, g, request
from werkzeug.exceptions import NotFound

from core import audit
from core.db import db
from core.permissions import current_scope


def compartment(blueprint: Blueprint, permission: str, *, audit_as: str) -> None:
    """Hide ``blueprint``'s routes (404) from users without ``permission`` at the place and
    audit every request of those who hold it."""

    def inside() -> None:
        place = g.get("place")
        if place is None or not current_scope().allows(permission, place.path):
            raise NotFound()
        audit.record(
            audit_as,
            node=place.as_ref(),
            summary=f"{request.method} {request.path}",
            object_type=blueprint.name,
        )
        db.session.commit()

    blueprint.before_request(inside)
