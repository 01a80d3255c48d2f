"""Ward code and name checks shared by the ONS sources."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from lightbulb.imports.normalise import Notes

WARD_CODE = re.compile(r"^E05\d{6}$")
# ONS names the ward columns after the boundary year: WD24CD, WD23NM, ...
WARD_CODE_ALIASES: tuple[str | re.Pattern[str], ...] = (re.compile(r"wd\d{2}cd"), "ward_code", "wardcode", "ward_gss_code", "gss_code", "wdcd")
WARD_NAME_ALIASES: tuple[str | re.Pattern[str], ...] = (re.compile(r"wd\d{2}nm"), "ward_name", "wardname", "wdnm", "name")


def clean_ward_code(raw: str, notes: Notes) -> str:
    code = re.sub(r"\s+", "", raw or "").upper()
    if not code:
        raise ValidationError("The ward code is missing")
    if code != (raw or "").strip():
        notes.add("Ward codes upper-cased or spaces removed", f"{raw.strip()[:20]} → {code}")
    if not WARD_CODE.match(code):
        if re.match(r"^[SWN]\d{8}$", code):
            raise ValidationError(f"{code} is a ward outside England (English ward codes start E05)")
        raise ValidationError(f"'{code[:20]}' is not a ward GSS code (E05 then 6 numbers)")
    return code
