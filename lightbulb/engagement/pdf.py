"""The ward briefing pack as a dated, tagged PDF (WeasyPrint, PDF/UA where it can), and the zip of every ward's."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import slugify

from lightbulb.engagement.selectors.wards import ward_list_for_packs, ward_pack


def pack_html(ward: Any) -> str:
    context = {**ward_pack(ward), "pdf": True, "council_name": settings.COUNCIL_NAME, "service_name": settings.SERVICE_NAME}
    return render_to_string("engagement/pack_pdf.html", context)


def pack_pdf(ward: Any) -> bytes:
    # Imported here: WeasyPrint loads its fonts and libraries, which only packs and letters need.
    from weasyprint import HTML

    document = HTML(string=pack_html(ward))
    try:
        return document.write_pdf(pdf_variant="pdf/ua-1")  # type: ignore[no-any-return]
    except (TypeError, ValueError):  # an older WeasyPrint without PDF/UA
        return document.write_pdf()  # type: ignore[no-any-return]


def pack_filename(ward: Any, day: Any) -> str:
    return f"briefing-{slugify(ward.name) or ward.gss_code}-{day:%Y-%m-%d}.pdf"


def packs_zip(day: Any, progress: Callable[[int, int], None] | None = None) -> bytes:
    """Every ward's pack in one zip; `progress(done, total)` after each ward."""
    wards = ward_list_for_packs()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, ward in enumerate(wards, start=1):
            archive.writestr(pack_filename(ward, day), pack_pdf(ward))
            if progress:
                progress(done, len(wards))
    return buffer.getvalue()
