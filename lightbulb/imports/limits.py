"""The largest file an import reads: refused before it is read into memory."""

from __future__ import annotations

from django.conf import settings

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_big_message(size: int) -> str:
    return f"The file is {size / 1024 / 1024:.1f} MB. The largest file you can import is {max_bytes() / 1024 / 1024:.0f} MB: split it into smaller files."
