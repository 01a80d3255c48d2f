"""One row per run of an importer: status, counts, rejected rows, log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for its columns to be confirmed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed: nothing was changed"

    source = models.CharField(max_length=100)
    filename = models.CharField(max_length=300, blank=True)
    # The uploaded file, kept in MEDIA_ROOT so a background worker can read it and a run can be repeated.
    upload = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    strict = models.BooleanField(default=False, help_text="Refuse the whole file if any row is invalid")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"row": 12, "reason": "...", "data": {...}}]
    rejected_rows = models.JSONField(default=list, blank=True)
    # What was normalised, e.g. "3 dates read as day-first".
    notes = models.JSONField(default=list, blank=True)
    # What changed, before → after: [{"record": "GB-CHC-1234567", "changes": {"name": ["Old", "New"]}}], the first 1,000.
    changes = models.JSONField(default=list, blank=True)
    # The file's column headings, and the heading confirmed for each column the source reads ({"postcode": "PCDS"}).
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    log = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} import {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.status in {self.Status.SUCCEEDED, self.Status.FAILED} else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ColumnMapping(models.Model):
    """The headings last confirmed for a source, suggested again for its next file."""

    source = models.CharField(max_length=100, unique=True)
    # {"postcode": "Post Code"}: the column each field was read from, by heading.
    mapping = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Columns for {self.source}"
