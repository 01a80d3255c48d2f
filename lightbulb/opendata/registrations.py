"""What opendata adds: a daily regeneration of the published files, regeneration when the data behind them changes, and their list for the API."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from lightbulb.core.registry import registry

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
    m2m_changed.connect(_changed, sender="funding.Agreement_wards", dispatch_uid="opendata-agreement-wards")
