"""axe-core (from npm) run inside the page, with the WCAG 2.2 A and AA rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import Page

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# Rules about the whole document, which an HTML fragment (an htmx partial) cannot meet on its own.
DOCUMENT_RULES = ["document-title", "html-has-lang", "html-lang-valid", "html-xml-lang-mismatch"]


def axe_violations(page: Page, *, disable: list[str] | None = None) -> list[dict[str, Any]]:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci`")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
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
    """Zero axe violations on the page as it stands now (`fragment`: an htmx partial, so no document rules)."""
    violations = axe_violations(page, disable=DOCUMENT_RULES if fragment else None)
    if violations:
        raise AssertionError(f"axe found {len(violations)} violation(s) on {where or page.url}:\n{describe(violations)}")
