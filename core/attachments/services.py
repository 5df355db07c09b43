"""Attach files to records, list them, delete them (soft), and serve them within scope.

Any module's record can own attachments: a ``TenantOwned`` row with an ``id``. The attachment
takes the owner's node, so the same scope rules apply to both. Services validate, flush and
audit in the caller's transaction and raise ``DomainError``; the caller commits, and only then
does the file reach its final place (:mod:`core.attachments.storage`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from pathlib import PurePosixPath
from typing import Any, NoReturn

import marshmallow as ma
import sqlalchemy as sa
from flask import current_app, g, send_file
from flask.wrappers import Response
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import Forbidden, NotFound

from core import audit
from core.attachments import storage
from core.attachments.content import IMAGES, IMAGES_AND_PDF, FileType, identify
from core.attachments.models import Attachment
from core.db import utcnow
from core.errors import Conflict, DomainError, validation_fields
from core.permissions import current_scope
from core.tenancy import enabled_communities
from core.tree import node_ref
from core.validation import Schema

MB = 1024 * 1024
KNOWN_TYPES = {t.content_type: t for t in IMAGES_AND_PDF}


class TooLarge(DomainError):
    """The file is larger than its use allows (413, naming the field)."""

    status = 413
    code = "too_large"


def refuse(field: str, message: str) -> NoReturn:
    raise DomainError(message, {field: [message]})


def max_upload_bytes(max_bytes: int | None = None) -> int:
    """The largest file a use takes: its own limit, never more than ``JIEDAO_MAX_UPLOAD_MB``."""
    limit = int(current_app.config["MAX_CONTENT_LENGTH"])
    return min(limit, max_bytes) if max_bytes else limit


def too_large(field: str, limit: int) -> TooLarge:
    message = _("The file is larger than %(limit)s MB.", limit=format_decimal(limit / MB))
    return TooLarge(message, {field: [message]})


def owner_type_of(owner: Any, module: str) -> str:
    """``<module>.<table without the module's prefix>``: ``safety_hazard`` → ``safety.hazard``."""
    return f"{module}.{owner.__tablename__.removeprefix(f'{module}_')}"


def original_name(filename: str | None) -> str:
    """The name as uploaded, without folders (either slash) or control characters."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    return "".join(c for c in name if c.isprintable()).strip()[:200]


def _details(caption: str, kind: str, kinds: Collection[str]) -> dict[str, str]:
    """Caption and kind, validated like any form (translated messages per field)."""
    if kind and not kinds:
        refuse("kind", _("Attachments here have no kind."))
    schema = Schema.from_dict(
        {
            "caption": ma.fields.String(load_default="", validate=ma.validate.Length(max=200)),
            "kind": ma.fields.String(load_default="", validate=ma.validate.OneOf(["", *kinds])),
        },
        name="AttachmentDetails",
    )()
    try:
        return schema.load({"caption": caption or "", "kind": kind or ""})
    except ma.ValidationError as exc:
        raise DomainError(_("Some fields are not valid."), validation_fields(exc)) from exc


def add_attachment(
    session: Session,
    owner: Any,
    upload: FileStorage | None,
    *,
    module: str,
    owner_type: str | None = None,
    caption: str = "",
    kind: str = "",
    kinds: Collection[str] = (),
    types: Sequence[FileType] = IMAGES,
    max_bytes: int | None = None,
    field: str = "file",
    user: Any = None,
    sensitive: bool = False,
) -> Attachment:
    """Attach the uploaded file to ``owner`` (a live record of ``module``). The file's type is
    judged by its content and must be one of ``types``; errors name ``field`` (422, or 413 for a
    file over the limit). The file reaches ``uploads/<module>/`` when the transaction commits.
    A ``sensitive`` file's name stays out of the audit log (a receipt's name may name a child)."""
    if getattr(owner, "deleted_at", None) is not None:
        refuse("owner_id", _("A deleted record takes no attachments."))
    details = _details(caption, kind, kinds)
    if upload is None or not upload.filename:
        refuse(field, _("Choose a file to upload."))
    limit = max_upload_bytes(max_bytes)
    try:
        temporary, size = storage.write_temporary(module, upload.stream, limit)
    except storage.TooLargeFile:
        raise too_large(field, limit) from None
    try:
        if size == 0:
            refuse(field, _("The file is empty."))
        found = identify(temporary, types)
        if found is None:
            refuse(
                field,
                _(
                    "Only %(types)s files can be uploaded (judged by the file's content, "
                    "not its name).",
                    types=", ".join(t.label for t in types),
                ),
            )
        stored_as = f"{uuid.uuid4().hex}.{found.extension}"
        attachment = Attachment(
            node_id=owner.node_id,
            module=module,
            owner_type=owner_type or owner_type_of(owner, module),
            owner_id=owner.id,
            filename=original_name(upload.filename) or stored_as,
            stored_as=stored_as,
            content_type=found.content_type,
            size=size,
            caption=details["caption"],
            kind=details["kind"],
            user_id=_actor_id(user),
        )
        session.add(attachment)
        session.flush()
    except BaseException:
        storage.discard(temporary)
        raise
    storage.publish_on_commit(session, temporary, storage.folder(module) / stored_as)
    name = _l("file #%(id)s", id=attachment.id) if sensitive else attachment.filename
    _audit(
        session,
        attachment,
        "create",
        _l("Attached %(name)s to %(owner)s", name=name, owner=_owner(attachment)),
        {
            "owner": [None, _owner(attachment)],
            **({} if sensitive else {"filename": [None, attachment.filename]}),
            "content_type": [None, attachment.content_type],
            "size": [None, attachment.size],
        },
        user,
    )
    return attachment


def attachments_of(session: Session, owner_type: str, owner_id: int) -> list[Attachment]:
    """The live attachments of a record, oldest first."""
    return list(
        session.scalars(
            sa.select(Attachment)
            .where(
                Attachment.owner_type == owner_type,
                Attachment.owner_id == owner_id,
                Attachment.deleted_at.is_(None),
            )
            .order_by(Attachment.id)
        )
    )


def delete_attachment(
    session: Session, attachment: Attachment, user: Any = None, *, sensitive: bool = False
) -> None:
    """Soft delete: the row and the file stay, with who and when; lists and links hide it. A
    ``sensitive`` file's name stays out of the audit log."""
    if attachment.deleted_at is not None:
        raise Conflict(_("This record is already deleted."))
    attachment.deleted_at = utcnow()
    attachment.deleted_by_id = _actor_id(user)
    session.flush()
    _audit(
        session,
        attachment,
        "delete",
        _l(
            "Deleted the attachment %(name)s of %(owner)s",
            name=_l("file #%(id)s", id=attachment.id) if sensitive else attachment.filename,
            owner=_owner(attachment),
        ),
        {"deleted_at": [None, attachment.deleted_at.isoformat()]},
        user,
    )


# --- within the route's community ------------------------------------------------------------


def community_attachment(
    session: Session,
    attachment_id: int,
    *,
    module: str | bool | None = None,
    owner_types: Iterable[str] | None = None,
) -> Attachment:
    """A live attachment of ``module`` (the route's, by default) in ``g.community``, where the
    module is on; else 404 — another community's attachment does not exist here. ``module=False``:
    of any module (the attachments of a record several modules share; the route's module must
    be on, and the caller checks that the record is one it sees)."""
    community = g.get("community")
    any_module = module is False
    module = g.get("module") if any_module or not module else module
    if community is None or module is None:
        raise NotFound()
    stmt = sa.select(Attachment).where(
        Attachment.id == attachment_id,
        Attachment.community_id == community.id,
        Attachment.community_id.in_(enabled_communities(module)),
        Attachment.deleted_at.is_(None),
    )
    if not any_module:
        stmt = stmt.where(Attachment.module == module)
    if owner_types is not None:
        stmt = stmt.where(Attachment.owner_type.in_(list(owner_types)))
    found = session.scalar(stmt)
    if found is None:
        raise NotFound()
    return found


def serve_attachment(
    session: Session,
    attachment_id: int,
    *,
    permission: str,
    module: str | None = None,
    owner_types: Iterable[str] | None = None,
) -> Response:
    """The file of an attachment of the current community (404 otherwise), if the user holds
    ``permission`` (the module's view permission) there (403 otherwise)."""
    attachment = community_attachment(
        session, attachment_id, module=module, owner_types=owner_types
    )
    if not current_scope().allows(permission, g.community.path):
        raise Forbidden()
    return attachment_file_response(attachment)


def download_name(attachment: Attachment) -> str:
    """The original name, its extension put right when it disagrees with the content."""
    known = KNOWN_TYPES.get(attachment.content_type)
    name = attachment.filename or attachment.stored_as
    if known is None or known.named(name):
        return name
    stem = PurePosixPath(name).stem if PurePosixPath(name).suffix else name
    return f"{stem}.{known.extension}"


def attachment_file_response(attachment: Attachment) -> Response:
    """Send the file with the content type from the content check, never sniffed: images
    inline, anything else as a download; the original name RFC 5987-encoded (werkzeug)."""
    path = storage.stored_path(attachment.module, attachment.stored_as)
    if path is None or not path.is_file():
        current_app.logger.error("file of attachment %s is missing: %s", attachment.id, path)
        exc = NotFound()
        exc.jiedao_message = _("The file of this attachment is missing.")  # type: ignore[attr-defined]
        raise exc
    known = KNOWN_TYPES.get(attachment.content_type)
    response = send_file(
        path,
        mimetype=known.content_type if known else "application/octet-stream",
        as_attachment=not (known and known.is_image),
        download_name=download_name(attachment),
        max_age=0,
        conditional=True,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file gets no scripts, forms or plugins even if a browser tried.
    response.headers["Content-Security-Policy"] = "sandbox"
    response.cache_control.private = True
    return response


def audit_opened(session: Session, attachment: Attachment, user: Any = None) -> None:
    """Record that the file of ``attachment`` was opened (an audited owner's file)."""
    _audit(
        session,
        attachment,
        "view",
        _l("Opened the attachment %(id)s of %(owner)s", id=attachment.id, owner=_owner(attachment)),
        {},
        user,
    )


# --- helpers ---------------------------------------------------------------------------------


def _actor_id(user: Any = None) -> int | None:
    actor = user if user is not None else current_user
    return getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None


def _owner(attachment: Attachment) -> str:
    return f"{attachment.owner_type}:{attachment.owner_id}"


def _audit(
    session: Session,
    attachment: Attachment,
    action: str,
    summary: str,
    details: dict[str, list[Any]],
    user: Any = None,
) -> None:
    audit.record(
        f"attachment.{action}",
        node=node_ref(session, id=attachment.node_id),
        object_type=Attachment.__tablename__,
        object_id=attachment.id,
        summary=summary,
        details=details,
        user=user,
    )
