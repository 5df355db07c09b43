"""Attachment pages and API that a plugin gets by declaring what may own them.

``attachment_routes(pages, api, owners={"hazards": (SafetyHazard, "safety.hazard", VIEW, EDIT)},
name="photo", field="photo")`` adds to the plugin's ``CommunityBlueprint``s:

pages (``/c/<community>/<module>/…``)
    ``POST /<owners>/<id>/<plural>``   upload (multipart ``field``, optional ``caption``, ``kind``,
                                        ``next``), then back to ``next`` (a local path only) or
                                        the owner's page; a refusal is flashed (303)
    ``GET  /<plural>/<id>``            the file
    ``POST /<plural>/<id>/delete``     soft delete, then back
API (``/api/v1/c/<community>/<module>/…``)
    ``GET    /<owners>/<id>/<plural>`` ``{"items": [...]}``
    ``POST   /<owners>/<id>/<plural>`` 201 with the attachment
    ``DELETE /<plural>/<id>``          204

Endpoints are ``upload_<name>``, ``<name>``, ``delete_<name>``, ``api_<plural>``,
``api_upload_<name>`` and ``api_delete_<name>``. Each owner kind has its view and edit
permission: 403 without it. Records and attachments are looked up in the URL's community only
(404 otherwise), so one community never reaches another's files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
import sqlalchemy as sa
from flask import Blueprint, flash, g, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.routing import BuildError

from core.accounts.views import safe_local_path
from core.api import api_doc
from core.attachments import services
from core.attachments.content import IMAGES, FileType
from core.attachments.models import Attachment
from core.db import db
from core.errors import DomainError
from core.permissions import can
from core.tenancy import require


class AttachmentSchema(ma.Schema):
    """A stored attachment (output only; uploads are multipart)."""

    id = ma.fields.Integer(dump_only=True)
    owner_type = ma.fields.String(dump_only=True)
    owner_id = ma.fields.Integer(dump_only=True)
    filename = ma.fields.String(dump_only=True)
    content_type = ma.fields.String(dump_only=True)
    size = ma.fields.Integer(dump_only=True)
    caption = ma.fields.String(dump_only=True)
    kind = ma.fields.String(dump_only=True)
    at = ma.fields.DateTime(dump_only=True)
    url = ma.fields.String(dump_only=True)


@dataclass(frozen=True)
class Owner:
    """A kind of record that may own attachments: its model (``TenantOwned``, with ``id``), its
    ``owner_type`` (``<module>.<kind>``), the permissions to see and to add or delete, and the
    endpoint of its page (``<blueprint>.<kind>``, taking ``record_id``, by default).

    ``scope``: for records several modules share (an activity that counts for safety and for
    legal publicity), the rows of ``model`` this module sees; their attachments are then shown
    and served wherever the record is seen, whichever module's page they were uploaded on.

    ``audited``: each opening of a file is in the audit log (``attachment.view``), for files of
    a sensitive class (a signed receipt of assistance to a child, S3) whose ``view`` is the
    module's sensitive permission."""

    model: Any
    owner_type: str
    view: str
    edit: str
    page: str | None = None
    scope: Callable[[], Any] | None = None
    audited: bool = False


@dataclass
class AttachmentBlock:
    """What the ``attachments`` macro shows for one record."""

    routes: AttachmentRoutes
    items: list[Attachment]
    upload_url: str
    can_edit: bool


@dataclass
class AttachmentRoutes:
    module: str
    pages: str  # blueprint names
    api: str | None
    owners: dict[str, Owner]
    name: str
    plural: str
    field: str
    types: tuple[FileType, ...]
    kinds: dict[str, Any] = field(default_factory=dict)
    max_bytes: int | None = None

    # --- for views and templates --------------------------------------------------------------

    @property
    def by_type(self) -> dict[str, Owner]:
        return {o.owner_type: o for o in self.owners.values()}

    @property
    def accept(self) -> str:
        return ",".join(t.content_type for t in self.types)

    @property
    def types_label(self) -> str:
        return ", ".join(t.label for t in self.types)

    @property
    def images_only(self) -> bool:
        return all(t.is_image for t in self.types)

    def endpoint(self, view: str) -> str:
        """``"serve"``, ``"upload"``, ``"delete"`` → the full page endpoint."""
        names = {
            "serve": self.name,
            "upload": f"upload_{self.name}",
            "delete": f"delete_{self.name}",
        }
        return f"{self.pages}.{names[view]}"

    def url(self, attachment: Attachment) -> str:
        return url_for(
            self.endpoint("serve"), **{f"{self.name}_id": attachment.id}, community=g.community.ref
        )

    def delete_url(self, attachment: Attachment) -> str:
        return url_for(self.endpoint("delete"), **{f"{self.name}_id": attachment.id})

    def upload_url(self, owners: str, record_id: int) -> str:
        return url_for(self.endpoint("upload"), owners=owners, record_id=record_id)

    def items(self, session: Session, owners: str, record_id: int) -> list[Attachment]:
        return services.attachments_of(session, self.owners[owners].owner_type, record_id)

    def block(self, session: Session, owners: str, record: Any) -> AttachmentBlock:
        """The attachments of ``record`` (shown to whoever may see the record) with the upload
        form for those who may edit it in a community that is not archived."""
        owner = self.owners[owners]
        return AttachmentBlock(
            routes=self,
            items=self.items(session, owners, record.id),
            upload_url=self.upload_url(owners, record.id),
            can_edit=can(owner.edit, g.community.path) and not g.community.is_archived,
        )

    def dump(self, attachment: Attachment) -> dict[str, Any]:
        return AttachmentSchema().dump(attachment) | {"url": self.url(attachment)}

    # --- lookups ------------------------------------------------------------------------------

    def _owner(self, owners: str) -> Owner:
        owner = self.owners.get(owners)
        if owner is None:
            raise NotFound()
        return owner

    def _record(self, owner: Owner, record_id: int) -> Any:
        """The live record of the URL's community (404 otherwise)."""
        model = owner.model
        stmt = sa.select(model).where(model.id == record_id, model.community_id == g.community.id)
        if hasattr(model, "deleted_at"):
            stmt = stmt.where(model.deleted_at.is_(None))
        if owner.scope is not None:
            stmt = stmt.where(owner.scope())
        record = db.session.scalar(stmt)
        if record is None:
            raise NotFound()
        return record

    def _attachment(self, attachment_id: int) -> tuple[Attachment, Owner]:
        shared = [t for t, o in self.by_type.items() if o.scope is not None]
        try:
            found = services.community_attachment(
                db.session, attachment_id, module=self.module, owner_types=self.by_type
            )
        except NotFound:
            if not shared:
                raise
            found = services.community_attachment(
                db.session, attachment_id, module=False, owner_types=shared
            )
        owner = self.by_type[found.owner_type]
        if owner.scope is not None:
            model = owner.model
            seen = sa.select(model.id).where(model.id == found.owner_id, owner.scope())
            if db.session.scalar(seen) is None:
                raise NotFound()
        return found, owner

    def _owner_page(self, owner: Owner, record_id: int) -> str:
        endpoint = owner.page or f"{self.pages}.{owner.owner_type.split('.', 1)[-1]}"
        try:
            return url_for(endpoint, record_id=record_id)
        except BuildError:
            return url_for(f"{self.pages}.index")

    def _back(self, default: str) -> str:
        """The page the form was on (a local path only), else ``default``."""
        try:
            return safe_local_path(request.form.get("next")) or default
        except RequestEntityTooLarge:  # the form cannot be read: _add says why
            return default

    def _add(self, owner: Owner, record: Any) -> Attachment:
        try:
            upload = request.files.get(self.field)
            form = request.form
        except RequestEntityTooLarge:
            raise services.too_large(self.field, services.max_upload_bytes()) from None
        return services.add_attachment(
            db.session,
            record,
            upload,
            module=self.module,
            owner_type=owner.owner_type,
            caption=form.get("caption", ""),
            kind=form.get("kind", ""),
            kinds=self.kinds,
            types=self.types,
            max_bytes=self.max_bytes,
            field=self.field,
            sensitive=owner.audited,
        )

    # --- pages --------------------------------------------------------------------------------

    def upload_page(self, owners: str, record_id: int) -> Any:
        owner = self._owner(owners)
        require(owner.edit)
        record = self._record(owner, record_id)
        back = self._back(self._owner_page(owner, record_id))
        try:
            attachment = self._add(owner, record)
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(back, 303)
        db.session.commit()
        flash(_("Uploaded %(name)s.", name=attachment.filename), "success")
        return redirect(back)

    def serve_page(self, attachment_id: int) -> Any:
        attachment, owner = self._attachment(attachment_id)
        require(owner.view)
        response = services.attachment_file_response(attachment)
        if owner.audited:
            services.audit_opened(db.session, attachment)
            db.session.commit()
        return response

    def delete_page(self, attachment_id: int) -> Any:
        attachment, owner = self._attachment(attachment_id)
        require(owner.edit)
        services.delete_attachment(db.session, attachment, sensitive=owner.audited)
        db.session.commit()
        flash(_("Deleted."), "success")
        return redirect(self._back(self._owner_page(owner, attachment.owner_id)))

    # --- API ----------------------------------------------------------------------------------

    def api_list(self, owners: str, record_id: int) -> Any:
        owner = self._owner(owners)
        require(owner.view)
        record = self._record(owner, record_id)
        items = services.attachments_of(db.session, owner.owner_type, record.id)
        return jsonify({"items": [self.dump(a) for a in items]})

    def api_upload(self, owners: str, record_id: int) -> Any:
        owner = self._owner(owners)
        require(owner.edit)
        attachment = self._add(owner, self._record(owner, record_id))
        db.session.commit()
        return jsonify(self.dump(attachment)), 201

    def api_delete(self, attachment_id: int) -> Any:
        attachment, owner = self._attachment(attachment_id)
        require(owner.edit)
        services.delete_attachment(db.session, attachment, sensitive=owner.audited)
        db.session.commit()
        return "", 204


def attachment_routes(
    pages: Blueprint,
    api: Blueprint | None,
    owners: Mapping[str, Owner | tuple[Any, ...]],
    *,
    name: str = "attachment",
    plural: str | None = None,
    field: str = "file",
    types: Sequence[FileType] = IMAGES,
    kinds: Mapping[str, Any] | None = None,
    max_bytes: int | None = None,
    tags: list[str] | None = None,
) -> AttachmentRoutes:
    """Add the upload, serve and delete pages (and, with ``api``, the JSON endpoints) for
    attachments of the ``owners`` (URL segment → :class:`Owner` or its tuple) to a plugin's
    ``CommunityBlueprint``s. ``types`` are the allowed file types (judged by content), ``kinds``
    the optional kinds (value → label, e.g. before / after), ``max_bytes`` a limit below
    ``JIEDAO_MAX_UPLOAD_MB``."""
    plural = plural or f"{name}s"
    routes = AttachmentRoutes(
        module=pages.jiedao_module,  # type: ignore[attr-defined]
        pages=pages.name,
        api=api.name if api is not None else None,
        owners={k: v if isinstance(v, Owner) else Owner(*v) for k, v in owners.items()},
        name=name,
        plural=plural,
        field=field,
        types=tuple(types),
        kinds=dict(kinds or {}),
        max_bytes=max_bytes,
    )
    segments = f"<any({','.join(routes.owners)}):owners>/<int:record_id>/{plural}"
    one = f"{plural}/<int:{name}_id>"

    def upload_page(owners: str, record_id: int) -> Any:
        return routes.upload_page(owners, record_id)

    def serve_page(**values: int) -> Any:
        return routes.serve_page(values[f"{name}_id"])

    def delete_page(**values: int) -> Any:
        return routes.delete_page(values[f"{name}_id"])

    pages.add_url_rule(f"/{segments}", f"upload_{name}", upload_page, methods=["POST"])
    pages.add_url_rule(f"/{one}", name, serve_page, methods=["GET"])
    pages.add_url_rule(f"/{one}/delete", f"delete_{name}", delete_page, methods=["POST"])
    if api is None:
        return routes

    community = {"in": "path", "name": "community", "required": True, "schema": {"type": "string"}}
    owner_params = [
        community,
        {
            "in": "path",
            "name": "owners",
            "required": True,
            "schema": {"type": "string", "enum": list(routes.owners)},
        },
        {"in": "path", "name": "record_id", "required": True, "schema": {"type": "integer"}},
    ]
    tags = tags or [routes.module]

    @api_doc(
        f"The {plural} of a record",
        response_schema=AttachmentSchema,
        listed=True,
        tags=tags,
        parameters=owner_params,
    )
    def api_list(owners: str, record_id: int) -> Any:
        return routes.api_list(owners, record_id)

    @api_doc(
        f"Upload a file (multipart/form-data, field {field}; {routes.types_label} judged by the "
        "file's bytes; optional caption"
        + (f" and kind: {', '.join(routes.kinds)}" if routes.kinds else "")
        + ")",
        response_schema=AttachmentSchema,
        status=201,
        tags=tags,
        parameters=owner_params,
    )
    def api_upload(owners: str, record_id: int) -> Any:
        return routes.api_upload(owners, record_id)

    @api_doc(
        f"Delete one of the {plural} (soft)",
        status=204,
        tags=tags,
        parameters=[
            community,
            {"in": "path", "name": f"{name}_id", "required": True, "schema": {"type": "integer"}},
        ],
    )
    def api_delete(**values: int) -> Any:
        return routes.api_delete(values[f"{name}_id"])

    api.add_url_rule(f"/{segments}", f"api_{plural}", api_list, methods=["GET"])
    api.add_url_rule(f"/{segments}", f"api_upload_{name}", api_upload, methods=["POST"])
    api.add_url_rule(f"/{one}", f"api_delete_{name}", api_delete, methods=["DELETE"])
    return routes
