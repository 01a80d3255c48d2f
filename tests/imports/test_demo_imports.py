"""The demo council's import history: one run of each source, one with rejected rows, all finished."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.demo import generator
from lightbulb.grants.models import Grant, MatchStatus
from lightbulb.imports.models import CharityAnnualReturn, CharityAreaOfOperation, CharityRecord, CharityTrustee, ImportRun, SpendLine, SupplierRecord
from lightbulb.imports.sources import SOURCES
from lightbulb.organisations.models import RegisterValue

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_import_history_of_every_source():
    generator.generate("tiny", 7, today=datetime.date(2026, 11, 30))
    runs = list(ImportRun.objects.order_by("pk"))
    # Every source an administrator can import, so one added later cannot be left out of the demo.
    assert {run.source for run in runs} == set(SOURCES)
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
    # The register's other tables, for the charities the register extract names.
    held = set(CharityRecord.objects.values_list("registered_charity_number", flat=True))
    for model in (CharityAnnualReturn, CharityAreaOfOperation, CharityTrustee):
        numbers = set(model.objects.values_list("registered_charity_number", flat=True))
        assert numbers and numbers <= held, model
    trustees = RegisterValue.objects.filter(source="Charity Commission register", field="trustees")
    assert trustees.exists() and not trustees.filter(value="").exists()
    # The council's supplier list and spend: a supplier the register does not hold, a credit note, one line refused.
    assert SupplierRecord.objects.filter(organisation_id__isnull=False).exists() and SupplierRecord.objects.filter(organisation_id__isnull=True).exists()
    spend = next(run for run in runs if run.source == "spend")
    assert spend.rejected == 1 and "repeats line" in spend.rejected_rows[0]["reason"]
    assert SpendLine.objects.filter(is_credit_note=True).exists() and SpendLine.objects.exclude(agreement_id=None).exists()
