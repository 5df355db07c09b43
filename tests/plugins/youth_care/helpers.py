"""What several youth-care test files read: the home page's work items, an xlsx upload."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook

from .conftest import A1


def work_items(client) -> dict[tuple[str, str], tuple[int, str | None]]:
    """(work key, place ref) → (count, link) of the youth-care items on the home page."""
    html = client.get("/").get_data(as_text=True)
    found = {}
    for key, node, body in re.findall(
        r'<li class="work-\w+" data-work="([^"]+)" data-node="([^"]+)">(.*?)</li>', html, re.S
    ):
        if not key.startswith("youth_care."):
            continue
        count = int(re.search(r'<strong class="count">(\d+)</strong>', body).group(1))
        link = re.search(r'<a href="([^"]+)"', body)
        found[(key, node)] = (count, link.group(1).replace("&amp;", "&") if link else None)
    return found


def upload(client, name: str, rows: list[list], ref: str = A1):
    """An xlsx of ``rows`` (the first the header) through the platform's import endpoint."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return client.post(
        f"/api/v1/nodes/{ref}/imports/{name}",
        data={"file": (buffer, "import.xlsx")},
        content_type="multipart/form-data",
    )
