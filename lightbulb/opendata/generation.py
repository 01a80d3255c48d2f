"""Generating the published files: streamed to a temporary file, stored, and recorded with an ETag.

A file is never built in memory: each writer sends rows to a temporary file as it reads them, which
is then hashed (the ETag) and handed to the default storage. The previous copy is deleted only once
the new one is recorded, so a download in progress or a request at that moment always finds a file.
"""

from __future__ import annotations

import hashlib
import io
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from lightbulb.opendata.datasets import DATASETS, Dataset
from lightbulb.opendata.models import PublishedFile

CHUNK = 1024 * 1024


def file_generate(dataset: Dataset) -> PublishedFile:
    """Write `dataset` afresh and record it; returns the record."""
    generated_at = timezone.now()
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        rows = dataset.write(text)
        text.flush()
        text.detach()
        size = raw.tell()
        raw.seek(0)
        while chunk := raw.read(CHUNK):
            digest.update(chunk)
        raw.seek(0)
        folder, _, filename = dataset.name.rpartition("/")
        stored = default_storage.save(f"opendata/{folder}/{generated_at:%Y%m%dT%H%M%S%f}-{filename}", File(raw, name=filename))
    with transaction.atomic():
        record = PublishedFile.objects.select_for_update().filter(name=dataset.name).first()
        old = record.stored_as if record else ""
        if record is None:
            record = PublishedFile(name=dataset.name)
        record.stored_as = stored
        record.content_type = dataset.content_type
        record.generated_at = generated_at
        record.row_count = rows
        record.size = size
        record.etag = f'"{digest.hexdigest()[:32]}"'
        record.stale_since = None
        record.save()
    if old and old != stored:
        transaction.on_commit(lambda: default_storage.delete(old))
    return record


def files_generate() -> list[PublishedFile]:
    """Every published file, afresh."""
    return [file_generate(dataset) for dataset in DATASETS]


def files_mark_stale() -> None:
    """The data behind the files changed: say so on the page until they are generated again."""
    PublishedFile.objects.filter(stale_since__isnull=True).update(stale_since=timezone.now())
