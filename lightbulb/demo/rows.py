"""What every demo step shares: rows written in batches with the dates the demo gives them.

The demo writes straight through the ORM (`bulk_create`), as the services would have left
the rows, so these helpers keep memory flat and keep the demo's own dates and times.
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator
from typing import Any, cast

from django.db import models
from django.utils import timezone


@contextlib.contextmanager
def dated(model: type[models.Model], *names: str) -> Iterator[None]:
    """Let bulk_create keep the dates the demo gives, which `auto_now`/`auto_now_add` would stamp with today."""
    fields = [cast(Any, model._meta.get_field(name)) for name in names]
    saved = [(item.auto_now, item.auto_now_add) for item in fields]
    for item in fields:
        item.auto_now = item.auto_now_add = False
    try:
        yield
    finally:
        for item, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            item.auto_now, item.auto_now_add = auto_now, auto_now_add


def at(day: datetime.date, minute: int = 0) -> datetime.datetime:
    """A working-hours moment on `day` (minutes after 9am keep same-day steps in order)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)) + datetime.timedelta(minutes=minute))


def batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def slug(text: str) -> str:
    """Lower-case words joined by hyphens, for invented e-mail addresses and web domains."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
