"""What a file is, judged by its content: the name and the browser's claim are never trusted.

Images are identified and checked by Pillow: it must open the file as one of the allowed formats
(only those decoders are tried) and ``verify()`` must pass — a PNG's chunks and checksums, the
markers of a JPEG up to its frame header, a WebP's container — so a text file named ``x.jpg``,
a GIF, or a file that only begins like a PNG is refused. Nothing is decoded to pixels. PDFs
(for scans and signed receipts) are checked by pypdf: the header, cross-reference table and
page tree must parse. A file that is valid as an image and also holds HTML (a polyglot) passes
here; it is harmless because it is served with the content type found here and ``nosniff``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class FileType:
    """A kind of file a use may allow. ``label`` is shown to users (format names are not
    translated); ``extension`` names the stored file; ``aliases`` are other extensions an
    original name may carry for this type."""

    label: str
    content_type: str
    extension: str
    aliases: tuple[str, ...] = field(default=())
    pillow_format: str | None = None

    @property
    def is_image(self) -> bool:
        return self.pillow_format is not None

    def named(self, filename: str) -> bool:
        """Does ``filename`` already end with one of this type's extensions?"""
        suffix = Path(filename).suffix.lower().lstrip(".")
        return suffix in {self.extension, *self.aliases}


JPEG = FileType("JPEG", "image/jpeg", "jpg", ("jpeg", "jpe", "jfif"), pillow_format="JPEG")
PNG = FileType("PNG", "image/png", "png", pillow_format="PNG")
WEBP = FileType("WebP", "image/webp", "webp", pillow_format="WEBP")
PDF = FileType("PDF", "application/pdf", "pdf")

IMAGES: tuple[FileType, ...] = (JPEG, PNG, WEBP)
"""Photos: the default of every use."""
IMAGES_AND_PDF: tuple[FileType, ...] = (*IMAGES, PDF)
"""Photos and scanned or signed documents."""


def identify(path: Path, allowed: Sequence[FileType]) -> FileType | None:
    """The allowed type the file at ``path`` really is, or None."""
    images = {t.pillow_format: t for t in allowed if t.pillow_format}
    if images:
        found = _image_format(path, list(images))
        if found is not None:
            return images[found]
    if PDF in allowed and _is_pdf(path):
        return PDF
    return None


def _image_format(path: Path, formats: list[str]) -> str | None:
    from PIL import Image  # imported on the first upload, not at start-up

    try:
        with Image.open(path, formats=formats) as image:
            found = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds (OSError, SyntaxError, ValueError, bombs …)
        return None
    return found if found in formats else None


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as file:
        if b"%PDF-" not in file.read(1024):  # where the format puts its header
            return False  # not a PDF at all: no need to ask the parser (and log its warnings)
    from pypdf import PdfReader  # imported on the first upload, not at start-up

    try:
        reader = PdfReader(path)
        if not reader.pdf_header.startswith("%PDF-"):
            return False
        return reader.is_encrypted or len(reader.pages) > 0
    except Exception:  # pypdf's errors for a file that is not a readable PDF
        return False
