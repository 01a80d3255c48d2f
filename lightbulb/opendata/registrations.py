"""What opendata adds: a daily regeneration of the published files, regeneration when the data behind them changes, and their list for the API.

A change is seen record by record (`post_save`, `post_delete`) and, for a service that writes many records
at once (a register import), as `records_saved_in_bulk`: either marks the files out of date once it commits.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from lightbulb.core.registry import registry
from lightbulb.core.signals import records_saved_in_bulk

# The records the published files are made from, by label, so this module imports none of their models.
SOURCES = (
    "funding.Agreement",
    "funding.AgreementTransition",
    "funding.Variation",
    "organisations.Organisation",
    "organisations.OrganisationIdentifier",
    "places.Ward",
    "places.Council",
    "concerns.Concern",
    "concerns.InvestigationNote",
    "concerns.LadderStep",
    "concerns.CounterFraudYear",
)


def _changed(sender: Any, **kwargs: Any) -> None:
    from lightbulb.opendata import tasks

    if kwargs.get("raw"):  # loading fixtures
        return
    transaction.on_commit(tasks.generation_after_change)


def register() -> None:
    from lightbulb.opendata import selectors, tasks

    registry.daily_duties["open_data_generate"] = tasks.generation_enqueue
    registry.published_files["opendata"] = selectors.published_file_list
    for label in SOURCES:
        post_save.connect(_changed, sender=label, dispatch_uid=f"opendata-save-{label}")
        post_delete.connect(_changed, sender=label, dispatch_uid=f"opendata-delete-{label}")
        records_saved_in_bulk.connect(_changed, sender=apps.get_model(label), dispatch_uid=f"opendata-bulk-{label}")
    m2m_changed.connect(_changed, sender="funding.Agreement_wards", dispatch_uid="opendata-agreement-wards")
