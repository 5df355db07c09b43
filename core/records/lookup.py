"""Finding the record another record names, inside the community being written to.

A form or an API body names another record by id (a pairing's child, a trainee's session); the
writer must refuse an id that is missing, deleted or of another community under the field that
holds it, without telling which of the three it was: another community's record is not the
writer's to read."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from core.workflow import refuse


def live_record_of(
    session: Session, community: Any, model: Any, record_id: int | None, field: str, message: Any
) -> Any:
    """The live ``model`` row ``record_id`` of ``community``; otherwise a 422 naming ``field``
    with ``message`` (also when no id is given)."""
    record = session.get(model, record_id) if record_id else None
    if record is None or record.deleted_at is not None or record.community_id != community.id:
        refuse(field, message)
    return record
