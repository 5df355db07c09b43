"""Attachments: photos, scans and signed receipts on any record of any module.

One table (``core_attachment``), files under ``<instance>/uploads/<module>/`` that appear only
when their transaction commits, types judged by content (:mod:`core.attachments.content`),
soft delete with audit, files served only within the route's community and the module's view
permission, and the pages and API a plugin gets from :func:`attachment_routes`. The template
macro ``attachments`` (``_attachments.html``) shows a record's attachments with the upload form.
"""

from core.attachments.content import (
    IMAGES,
    IMAGES_AND_PDF,
    JPEG,
    PDF,
    PNG,
    WEBP,
    FileType,
    identify,
)
from core.attachments.models import Attachment
from core.attachments.routes import (
    AttachmentBlock,
    AttachmentRoutes,
    AttachmentSchema,
    Owner,
    attachment_routes,
)
from core.attachments.services import (
    TooLarge,
    add_attachment,
    attachment_file_response,
    attachments_of,
    community_attachment,
    delete_attachment,
    max_upload_bytes,
    serve_attachment,
)

__all__ = [
    "IMAGES",
    "IMAGES_AND_PDF",
    "JPEG",
    "PDF",
    "PNG",
    "WEBP",
    "Attachment",
    "AttachmentBlock",
    "AttachmentRoutes",
    "AttachmentSchema",
    "FileType",
    "Owner",
    "TooLarge",
    "add_attachment",
    "attachment_file_response",
    "attachment_routes",
    "attachments_of",
    "community_attachment",
    "delete_attachment",
    "identify",
    "max_upload_bytes",
    "serve_attachment",
]
