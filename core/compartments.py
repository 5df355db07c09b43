"""Compartments: registers of special categories (S3: released prisoners, reproductive health,
vulnerable children) that do not exist for anyone outside them.

A module names the URL segments of such a register's ledgers on its community blueprints and
declares them a compartment of a permission::

    compartment(pages, "legal_publicity.resettlement.view", ("resettled", "care_visits"),
                audit_as="legal_publicity.resettled.access")

After the blueprint's own guard (plugin active, signed in, the module's permissions and the
module on at the place), a request under one of ``segments`` (``/c/<community>/<module>/<segment>…``
and the same under ``/api/v1``) from a user without ``permission`` at the place is a 404 — the
answer for another community's record, so not even the register's existence shows — and every
such request of a user with it is written to the audit log (``audit_as``, the method and the
path, never a value), committed at once so that a read is recorded too. The ledgers keep their
own permissions (their ``view`` should be ``permission``), which also guard their exports.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, g, request
from werkzeug.exceptions import NotFound

from core import audit
from core.db import db
from core.permissions import current_scope


def compartment(
    blueprint: Blueprint, permission: str, segments: Iterable[str], *, audit_as: str
) -> None:
    """Hide ``blueprint``'s routes under ``segments`` (404) from users without ``permission`` at
    the place, and audit every request there of those who hold it."""
    inside = frozenset(segments)

    def guard() -> None:
        place = g.get("place")
        if place is None:
            return
        prefix = (blueprint.url_prefix or "").replace(f"<{blueprint.place_arg}>", place.ref)
        segment = request.path.removeprefix(prefix).strip("/").split("/", 1)[0]
        if segment not in inside:
            return
        if not current_scope().allows(permission, place.path):
            raise NotFound()
        audit.record(
            audit_as,
            node=place.as_ref(),
            summary=f"{request.method} {request.path}",
            object_type=segment,
        )
        db.session.commit()

    blueprint.before_request(guard)
