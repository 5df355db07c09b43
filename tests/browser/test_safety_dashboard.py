"""The street safety dashboard in headless Chromium: the vendored Chart.js draws the charts from
their data islands (pixels on the canvas), and the ranking table stays beside them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import require_playwright
from tests.plugins.safety.conftest import clock, enable  # noqa: F401 - fixtures of `rows`
from tests.plugins.safety.test_indicators import rows  # noqa: F401 - hand-counted figures

require_playwright()

from playwright.sync_api import Page, expect  # noqa: E402

from tests.browser.test_pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

STREET_A = "110105001"


def painted(page: Page, selector: str) -> int:
    """How many non-transparent pixels the canvas holds."""
    return page.evaluate(
        """(selector) => {
            const canvas = document.querySelector(selector);
            const pixels = canvas.getContext("2d")
                .getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) n++;
            return n;
        }""",
        selector,
    )


@pytest.mark.usefixtures("rows")
def test_the_charts_render_on_the_street_dashboard(page: Page, tr):
    sign_in(page, tr, "s_admin")
    page.goto(f"/r/{STREET_A}/safety/?year=2026")
    expect(page.locator("#chart-safety-hazards")).to_have_attribute("data-chart-drawn", "1")
    expect(page.locator("#chart-safety-rate")).to_have_attribute("data-chart-drawn", "1")
    assert page.evaluate("typeof window.Chart") == "function"
    assert painted(page, "#chart-safety-hazards") > 500
    expect(page.locator("#safety-ranking tbody tr")).to_have_count(2)
    page.locator('#safety-ranking a[data-sort="hazards_found"]').click()
    expect(page.locator("#safety-ranking tbody tr").first).to_have_attribute(
        "data-community", "110105001001"
    )
