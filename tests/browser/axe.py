"""The browser gate: axe-core (from npm) run inside the page, with the WCAG 2.2 A and AA rules
and axe's best practices, after the page has shown no JavaScript error, no failed asset and no
component left unstarted (problems.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page

from tests.browser.problems import assert_no_browser_problems, unstarted_components

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# best-practice brings in the rules a person meets on every page even where WCAG is silent:
# all content inside landmarks (region), one <h1>, headings in order, unique landmarks.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


# Rules about the whole document, which an HTML fragment (an htmx partial) cannot meet on its own.
DOCUMENT_RULES = [
    "document-title",
    "html-has-lang",
    "html-lang-valid",
    "html-xml-lang-mismatch",
    "region",
    "landmark-one-main",
    "page-has-heading-one",
]


@cache
def axe_source() -> str:
    return f"() => {{ {AXE.read_text(encoding='utf-8')}\n }}"


def axe_violations(page: Page, *, disable: list[str] | None = None) -> list[dict[str, Any]]:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than added as a <script>, which the
        # page's Content-Security-Policy (script nonces) would rightly refuse.
        page.evaluate(axe_source())
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            raise AssertionError("axe-core did not load into the page")
    options = {"runOnly": {"type": "tag", "values": TAGS}, "resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in disable or []}}
    result = page.evaluate("(options) => axe.run(document, options)", options)
    return result["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        targets = [" ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"]) for node in violation["nodes"][:3]]
        more = f" (+{len(violation['nodes']) - 3} more)" if len(violation["nodes"]) > 3 else ""
        lines.append(f"- {violation['id']} [{violation['impact']}]: {violation['help']} at {', '.join(targets)}{more}")
    return "\n".join(lines)


def assert_accessible(page: Page, where: str = "", *, fragment: bool = False) -> None:
    """The page as it stands now passes the gate (`fragment`: an htmx partial, so no document rules).

    No JavaScript or console error and no failed asset so far, every GOV.UK and MOJ component
    started (a fragment has no scripts of its own), and zero axe violations.
    """
    where = where or page.url
    assert_no_browser_problems(page, where)
    if not fragment:
        unstarted = unstarted_components(page)
        if unstarted:
            raise AssertionError(f"components never started on {where} (did lightbulb.js run?): {', '.join(unstarted)}")
    violations = axe_violations(page, disable=DOCUMENT_RULES if fragment else None)
    if violations:
        raise AssertionError(f"axe found {len(violations)} violation(s) on {where}:\n{describe(violations)}")
