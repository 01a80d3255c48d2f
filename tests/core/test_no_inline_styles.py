"""The Content-Security-Policy refuses style="" attributes, so no page template may carry one.

E-mails are the exception: mail programs ignore stylesheets, and no policy applies to them.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

EMAILS = ("core/jinja2/core/digest_email.html",)


def page_templates() -> list[Path]:
    root = Path(settings.BASE_DIR) / "lightbulb"
    return [path for path in root.glob("*/jinja2/**/*.html") if not path.as_posix().endswith(EMAILS)]


def test_no_page_template_has_a_style_attribute():
    found = [
        f"{path}: {line.strip()}" for path in page_templates() for line in path.read_text(encoding="utf-8").splitlines() if re.search(r"\sstyle\s*=", line)
    ]
    assert not found, "style attributes the CSP will refuse (use a class in frontend/scss):\n" + "\n".join(found)


def test_the_sweep_sees_the_templates():
    names = {path.name for path in page_templates()}
    assert {"base.html", "_progress.html", "run_detail.html"} <= names
    assert "digest_email.html" not in names
