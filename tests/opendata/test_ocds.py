"""OCDS 1.1 release packages of the council's contracts, reviewed by the standard's own library (libcoveocds)."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.test import Client

from lightbulb.funding.models import AgreementTransition, Variation
from lightbulb.opendata import ocds
from tests.opendata.conftest import ocds_review

pytestmark = pytest.mark.django_db


def _package() -> dict:
    out = io.StringIO()
    ocds.write_releases(out)
    return json.loads(out.getvalue())


@pytest.fixture
def contracts(published):
    contract = published["contract"]
    officer = contract.accountable_officer
    Variation.objects.create(
        agreement=contract,
        changes={"amount": ["250000.00", "260000.00"]},
        reason="Extra sessions in the winter",
        approved_by="Head of Adult Care",
        approved_on=datetime.date(2025, 10, 1),
        recorded_by=officer,
    )
    ended = published["small"]
    ended.status = "decommissioned"
    ended.amount = Decimal("7000")
    ended.save()
    AgreementTransition.objects.create(agreement=ended, from_status="live", to_status="decommissioned", by=officer, reason="Service no longer needed")
    return published


def test_the_release_package_passes_the_standards_data_review_with_zero_errors(contracts):
    package = _package()
    result = ocds_review(package)
    assert result["version_used"] == "1.1"
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}
    assert len(package["releases"]) == 2


def test_the_review_does_catch_a_broken_release(contracts):
    package = _package()
    package["releases"][0]["contracts"][0]["value"]["amount"] = "a lot"
    del package["releases"][0]["ocid"]
    assert len(ocds_review(package)["validation_errors"]) == 2


def test_a_release_carries_the_contract_supplier_value_dates_and_variations(contracts):
    release = next(item for item in _package()["releases"] if item["ocid"].endswith("CON-2025-0001"))
    assert release["ocid"] == "ocds-lghtbl-CON-2025-0001"
    assert release["tag"] == ["award", "contract", "contractAmendment"]
    supplier = next(party for party in release["parties"] if "supplier" in party["roles"])
    assert supplier["identifier"] == {"scheme": "GB-COH", "id": "01234567", "legalName": "Hilltop Care Ltd"}
    assert supplier["details"] == {"scale": "sme", "vcse": False}
    contract = release["contracts"][0]
    assert contract["value"] == {"amount": 250000, "currency": "GBP"}
    assert contract["period"] == {"startDate": "2025-04-01T00:00:00Z", "endDate": "2026-03-31T00:00:00Z"}
    assert contract["amendments"][0]["rationale"] == "Extra sessions in the winter"
    assert release["tender"]["procurementMethod"] == "open"


def test_a_decommissioned_contract_is_terminated(contracts):
    release = next(item for item in _package()["releases"] if item["ocid"].endswith("CON-2025-0002"))
    assert "contractTermination" in release["tag"]
    assert release["contracts"][0]["status"] == "terminated"


def test_grants_are_not_contract_notices(contracts):
    assert all("AGR-" not in item["ocid"] for item in _package()["releases"])


def test_the_file_is_served_with_caching_headers(contracts):
    response = Client().get("/open-data/ocds/releases.json")
    assert response.status_code == 200
    assert "max-age=900" in response["Cache-Control"] and response["ETag"]
    assert len(json.loads(b"".join(response.streaming_content))["releases"]) == 2


def test_the_ocid_begins_with_the_councils_registered_prefix_and_still_passes_the_review(contracts, settings):
    settings.OCDS_OCID_PREFIX = "ocds-a1b2c3"
    package = _package()
    assert sorted(item["ocid"] for item in package["releases"]) == ["ocds-a1b2c3-CON-2025-0001", "ocds-a1b2c3-CON-2025-0002"]
    result = ocds_review(package)
    assert result["validation_errors"] == []
    assert result["additional_closed_codelist_values"] == {}


@pytest.mark.parametrize("prefix", ["lightbulb", "ocds-ABC123", "ocds-toolong1", "ocds-ab c1"])
def test_a_prefix_not_in_the_registered_form_stops_start_up_naming_the_setting(prefix):
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.test", "OCDS_OCID_PREFIX": prefix}
    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "OCDS_OCID_PREFIX" in done.stderr.strip().splitlines()[-1]
