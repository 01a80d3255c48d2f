"""The files the council publishes, as last generated (PRODUCT.md §2.12)."""

from __future__ import annotations

from django.db import models


class PublishedFile(models.Model):
    """One generated open-data file: where it is stored, when it was made, how many rows, its ETag.

    Files are generated in the background when the data behind them changes (and once a day),
    so a request never waits for a million rows to be read.
    """

    # The file's address under the site, e.g. "360giving/grants.json".
    name = models.CharField(max_length=100, unique=True)
    stored_as = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    generated_at = models.DateTimeField()
    row_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    etag = models.CharField(max_length=80)
    # Set when the data behind the file changed after it was generated; cleared when it is generated again.
    stale_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
