"""The sections read by compiled rows (docs/adr/0010-compiled-rows.md) show every line as they did when they read records:
each key a template now reads from a row (a label, a related record's name) is on the page, so a misspelt key, which
Jinja renders empty, fails here."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from lightbulb.core.roles import Role
from lightbulb.engagement.models import Flag
from lightbulb.funding.models import Decommissioning, MonitoringReturn, Payment
from lightbulb.organisations import services as organisation_services
from tests.factories import AgreementFactory, ContactFactory, IdentifierFactory, OrganisationFactory, UserFactory, WardFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def _decommissioning(agreement, **values) -> Decommissioning:
    texts = dict.fromkeys(
        ("reasons", "impact_service_users", "impact_volunteers", "impact_staff", "impact_equality_groups", "alternative_providers", "mitigations", "exit_plan"),
        "Recorded",
    )
    return Decommissioning.objects.create(agreement=agreement, prepared_by=agreement.accountable_officer, **texts, **values)


@pytest.fixture
def scene(users):
    ward = WardFactory(name="Riverside")
    officer = users[Role.OFFICER]
    kept = OrganisationFactory(name="Riverside Food Bank", ward=ward)
    merged = OrganisationFactory(name="Riverside Foodbank (old record)", ward=ward)
    organisation_services.organisation_merge(
        acting_user=UserFactory(role=Role.OFFICER, full_name="Mona Merger"), kept=kept, merged=merged, reason="The same charity"
    )
    IdentifierFactory(organisation=kept, scheme="GB-CHC", value="1123456")
    ContactFactory(organisation=kept, name="Ada Contact")
    ending = AgreementFactory(
        organisation=kept,
        reference="AGR-ENDING",
        title="Pantry grant",
        status="live",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2026, 9, 30),
    )
    ending.accountable_officer = officer
    ending.save()
    _decommissioning(ending, stage=Decommissioning.Stage.NOTICE_ISSUED, notice_date=datetime.date(2026, 6, 1), funding_end_date=datetime.date(2026, 9, 30))
    MonitoringReturn.objects.create(
        agreement=ending, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31), due_date=datetime.date(2026, 5, 1), status="due"
    )
    Payment.objects.create(agreement=ending, due_date=datetime.date(2026, 6, 20), amount=Decimal("1250.00"), basis="arrears")
    Flag.objects.create(
        organisation=kept,
        rule="dependency",
        reason="Most of its income is the council's",
        fingerprint="f1",
        raised_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return {"ward": ward, "kept": kept, "merged": merged, "officer": officer}


@time_machine.travel(TODAY, tick=False)
def test_the_organisation_page_shows_each_line_its_rows_give(scene, officer_client: Client):
    text = visible_text(officer_client.get(f"/organisations/{scene['kept'].pk}/").content)
    assert "GB-CHC-1123456" in text and "Charity Commission" in text  # identifier: org_id, scheme_label
    # merges: merged__name, performed_by_name (the merge is dated when the fixture made it)
    assert re.search(r"Riverside Foodbank \(old record\) , merged on \d+ \w+ \d{4} by Mona Merger\.", text)
    assert "Ada Contact" in text
    assert "AGR-ENDING – Pantry grant : Notice issued" in text  # decommissioning: agreement__reference, agreement__title, stage_label
    assert "Live" in text  # agreements: status_label
    assert "Depends on council funding" in text  # flags: rule_label


@time_machine.travel(TODAY, tick=False)
def test_the_ward_page_shows_each_line_its_rows_give(scene, officer_client: Client):
    text = visible_text(officer_client.get(f"/places/wards/{scene['ward'].pk}/").content)
    assert "AGR-ENDING Riverside Food Bank : funding ends 30 September 2026 (notice issued)" in text  # reference, organisation_name, stage
    assert "Riverside Food Bank: depends on council funding" in text  # flags: organisation__name, rule_label


@time_machine.travel(TODAY, tick=False)
def test_the_dashboard_shows_each_line_its_rows_give(scene, officer_client: Client):
    text = visible_text(officer_client.get("/").content)
    assert "AGR-ENDING Riverside Food Bank : due 1 May 2026" in text  # returns panel: agreement__reference, agreement__organisation__name
    assert "AGR-ENDING Riverside Food Bank" in text and "£1,250.00" in text  # payments panel
    assert "AGR-ENDING Riverside Food Bank : ends 30 September 2026" in text  # reviews panel: organisation__name
