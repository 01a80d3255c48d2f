"""File sizes as people write them: 12 bytes, 340 KB, 4.5 MB — never "0 KB"."""

from __future__ import annotations


def file_size(size: int | None) -> str:
    """A byte count in the largest unit that keeps it at 1 or more, to at most one decimal place."""
    if size is None:
        return ""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size:,} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB"):
        value /= 1024
        if value < 1024 or unit == "GB":
            text = f"{value:,.1f}".removesuffix(".0")
            return f"{text} {unit}"
    raise AssertionError("unreachable")  # pragma: no cover
