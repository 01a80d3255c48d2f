"""The largest file an import reads: refused before it is read into memory."""

from __future__ import annotations

from django.conf import settings

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# A source read as a stream (the charity register's 400,000-row extract) never sits in memory whole.
DEFAULT_MAX_STREAM_BYTES = 2 * 1024 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_stream_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_STREAM_BYTES", DEFAULT_MAX_STREAM_BYTES))


def max_bytes_for(source: str) -> int:
    from lightbulb.imports.sources import get_source

    importer = get_source(source)
    return max_stream_bytes() if importer is not None and importer.streaming else max_bytes()


def too_big_message(size: int, limit: int | None = None) -> str:
    limit = max_bytes() if limit is None else limit
    return f"The file is {size / 1024 / 1024:.1f} MB. The largest file you can import is {limit / 1024 / 1024:.0f} MB: split it into smaller files."
