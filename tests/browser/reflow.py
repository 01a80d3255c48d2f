"""Reflow at 320 CSS pixels (WCAG 1.4.10): the page scrolls only up and down.

`assert_reflows` narrows the window to 320 px, waits for the layout to settle and fails when
`document.scrollingElement.scrollWidth` is wider than the window, naming the elements that stick
out on the right so the fault can be found. `keep_screenshots` writes a page's look at 320 px and
1280 px under var/screenshots/ (gitignored) for a person to read after the run.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import Page

PHONE = {"width": 320, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

# The widest elements past the right edge: the innermost ones are the culprits.
OVERFLOWING = """() => {
  const limit = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > limit + 1 && !element.closest(".govuk-visually-hidden, .govuk-skip-link")) {
      const inner = [...element.children].some((child) => child.getBoundingClientRect().right > limit + 1);
      if (!inner) {
        const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
          (element.classList.length ? "." + [...element.classList].join(".") : "");
        found.push(`${name} (right edge at ${Math.round(box.right)} px): ${(element.textContent || "").trim().slice(0, 60)}`);
      }
    }
  }
  return found.slice(0, 8);
}"""


def page_width(page: Page) -> tuple[int, int]:
    """(scrollWidth of the document, the window's width) in CSS pixels."""
    return page.evaluate("() => [document.scrollingElement.scrollWidth, document.documentElement.clientWidth]")


def assert_reflows(page: Page, where: str, viewport: dict[str, int] = PHONE) -> None:
    before = page.viewport_size
    page.set_viewport_size(viewport)
    try:
        page.wait_for_timeout(50)
        width, window = page_width(page)
        if width > window:
            culprits = "\n".join(f"- {line}" for line in page.evaluate(OVERFLOWING))
            raise AssertionError(f"{where} is {width} px wide at a {window} px window: it scrolls sideways.\n{culprits}")
    finally:
        if before:
            page.set_viewport_size(before)


def keep_screenshots(page: Page, name: str) -> list[Path]:
    """Full-page screenshots at 320 px and 1280 px, named after the page and the role."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    before = page.viewport_size
    paths = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        path = SCREENSHOTS / f"{slug}-{viewport['width']}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if before:
        page.set_viewport_size(before)
    return paths
