"""The written notice letter as a tagged PDF (WeasyPrint)."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from lightbulb.funding.models import Decommissioning


def notice_letter_html(decommissioning: Decommissioning, *, portal_url: str = "") -> str:
    context: dict[str, Any] = {
        "decommissioning": decommissioning,
        "agreement": decommissioning.agreement,
        "organisation": decommissioning.agreement.organisation,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "portal_url": portal_url,
        "today": datetime.date.today(),
    }
    return render_to_string("funding/decommissioning/notice_letter.html", context)


def notice_letter_pdf(decommissioning: Decommissioning, *, portal_url: str = "") -> bytes:
    # Imported here: WeasyPrint loads its fonts and libraries, which only letter pages need.
    from weasyprint import HTML

    html = notice_letter_html(decommissioning, portal_url=portal_url)
    document = HTML(string=html)
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
    except (TypeError, ValueError):  # an older WeasyPrint without PDF/UA
        return document.write_pdf()  # type: ignore[no-any-return]


def notice_letter_filename(decommissioning: Decommissioning) -> str:
    safe = "".join(char if char.isalnum() or char in "-_" else "-" for char in decommissioning.agreement.reference)
    return f"notice-{safe}.pdf"
