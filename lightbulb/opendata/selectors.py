"""Reads for the open-data pages: each published file with its record, and the stored copy to serve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.storage import default_storage

from lightbulb.opendata.datasets import DATASETS, Dataset
from lightbulb.opendata.models import PublishedFile
from lightbulb.places.selectors import council_get


@dataclass(frozen=True)
class Listing:
    dataset: Dataset
    record: PublishedFile | None


def listings() -> list[Listing]:
    records = {record.name: record for record in PublishedFile.objects.all()}
    return [Listing(dataset=dataset, record=records.get(dataset.name)) for dataset in DATASETS]


def published_file_list() -> list[dict[str, Any]]:
    """Each file with its address, when it was last generated and how many rows it held then (None until it first is).

    `out_of_date` says the records behind it changed since, and a new copy is on its way. The Open
    Referral UK directory is answered live, so it has no generated time nor row count.
    """
    files = [
        {
            "url": f"/open-data/{item.dataset.name}",
            "title": item.dataset.title,
            "standard": item.dataset.standard,
            "generated_at": item.record.generated_at if item.record else None,
            "row_count": item.record.row_count if item.record else None,
            "out_of_date": bool(item.record and item.record.stale_since),
        }
        for item in listings()
    ]
    files.append(
        {
            "url": "/openreferral/",
            "title": "The services directory",
            "standard": "Open Referral UK",
            "generated_at": None,
            "row_count": None,
            "out_of_date": False,
        }
    )
    return files


def published_file(name: str) -> PublishedFile | None:
    """The record of a generated file whose stored copy is still there."""
    record = PublishedFile.objects.filter(name=name).first()
    if record is None or not default_storage.exists(record.stored_as):
        return None
    return record


def stored_open(record: PublishedFile) -> Any:
    return default_storage.open(record.stored_as, "rb")


def prefix_missing() -> bool:
    """360Giving files stay empty until an administrator sets the council's prefix and Org-ID."""
    council = council_get()
    return council is None or not council.grant_prefix or not council.org_id
