"""The demo council's import history: one run of each source, one with rejected rows, all finished."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.demo import generator
from lightbulb.grants.models import Grant, MatchStatus
from lightbulb.imports.models import CharityRecord, ImportRun
from lightbulb.organisations.models import RegisterValue

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_import_history_of_every_source():
    generator.generate("tiny", 7, today=datetime.date(2026, 11, 30))
    runs = list(ImportRun.objects.order_by("pk"))
    assert {run.source for run in runs} >= {"wards", "ons-postcodes", "360giving", "charity-register"}
    assert all(run.status == ImportRun.Status.SUCCEEDED for run in runs), [run.log for run in runs]
    postcodes = next(run for run in runs if run.source == "ons-postcodes")
    assert postcodes.rejected == 2
    wards = next(run for run in runs if run.source == "wards")
    assert wards.created == wards.updated == 0 and wards.unchanged > 0
    dry, real = [run for run in runs if run.source == "charity-register"]
    assert dry.dry_run and dry.created == real.created > 0
    assert CharityRecord.objects.filter(charity_registration_status="Removed").exists()
    assert CharityRecord.objects.exclude(linked_charity_number=0).exists()
    assert RegisterValue.objects.filter(source="Charity Commission register").exists()
    assert Grant.objects.filter(match_status=MatchStatus.CONFIRMED).exists()
    assert Grant.objects.filter(match_status=MatchStatus.PROPOSED).exists()
