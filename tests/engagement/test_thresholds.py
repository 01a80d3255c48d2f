"""The thresholds flags are raised at: kept by an administrator (checked and audited in the service), the settings as
defaults, and every organisation's flags recomputed when they change."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.engagement.flags import thresholds
from lightbulb.engagement.models import Flag, FlagThresholds
from lightbulb.engagement.services.thresholds import flag_thresholds_update
from tests.factories import AgreementFactory, OrganisationFactory
from tests.helpers import visible_text
from tests.service_rules import assert_invalid, assert_refused, identity, wrong_identities

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
EMPTY = {"dependency_percent": "", "new_organisation_months": "", "large_award": "", "cost_per_person_floor": ""}


def dependent_organisation():
    """Council funding of £12,000 a year against an income of £16,000: 75%."""
    organisation = OrganisationFactory(latest_income=Decimal("16000"))
    AgreementFactory(
        organisation=organisation,
        status="live",
        amount=Decimal("12000"),
        start_date=TODAY - datetime.timedelta(days=30),
        end_date=TODAY + datetime.timedelta(days=300),
    )
    return organisation


@pytest.mark.parametrize("who", wrong_identities("admin"))
def test_only_an_administrator_changes_the_thresholds(users, other_organisation, who):
    outsider = other_organisation.memberships.get().user
    call = lambda: flag_thresholds_update(acting_user=identity(who, users, outsider), data={**EMPTY, "dependency_percent": 80})  # noqa: E731
    assert_refused(call, [FlagThresholds, Flag])


INVALID = [
    ("dependency_percent", "0", "Enter a whole percentage from 1 to 100, or leave it empty for the default"),
    ("dependency_percent", "101", "Enter a whole percentage from 1 to 100, or leave it empty for the default"),
    ("dependency_percent", "55.5", "Enter a whole percentage from 1 to 100, or leave it empty for the default"),
    ("dependency_percent", "half", "Enter a whole percentage from 1 to 100, or leave it empty for the default"),
    ("new_organisation_months", "-3", "Enter a whole number of months from 1 to 120, or leave it empty for the default"),
    ("new_organisation_months", "NaN", "Enter a whole number of months from 1 to 120, or leave it empty for the default"),
    ("large_award", "1e999", "Enter an amount from £1 to £100,000,000, or leave it empty for the default"),
    ("large_award", "0", "Enter an amount from £1 to £100,000,000, or leave it empty for the default"),
    ("cost_per_person_floor", "Infinity", "Enter an amount from £0.01 to £100,000, or leave it empty for the default"),
    ("cost_per_person_floor", True, "Enter an amount from £0.01 to £100,000, or leave it empty for the default"),
]


@pytest.mark.parametrize(("field", "value", "message"), INVALID, ids=[f"{f}-{v}" for f, v, _m in INVALID])
def test_each_threshold_is_checked_in_the_service(users, field, value, message):
    assert_invalid(lambda: flag_thresholds_update(acting_user=users[Role.ADMIN], data={**EMPTY, field: value}), field, message, [Flag])


def test_the_settings_are_the_defaults_until_an_administrator_sets_one(settings, users):
    settings.FLAG_LARGE_AWARD = "75000"
    assert thresholds().large_award == Decimal("75000") and thresholds().dependency_share == Decimal("0.5")
    flag_thresholds_update(acting_user=users[Role.ADMIN], data={**EMPTY, "large_award": "60,000".replace(",", ""), "dependency_percent": "70"})
    assert thresholds().large_award == Decimal("60000") and thresholds().dependency_share == Decimal("0.7")
    # Emptied again: back to the setting.
    flag_thresholds_update(acting_user=users[Role.ADMIN], data=EMPTY)
    assert thresholds().large_award == Decimal("75000")


def test_a_change_is_audited_and_recomputes_every_organisations_flags(users, django_capture_on_commit_callbacks):
    from lightbulb.engagement.flags.engine import flags_refresh

    organisation = dependent_organisation()
    flags_refresh({organisation.pk})
    assert Flag.objects.get(organisation=organisation, rule="dependency").status == "open"
    with django_capture_on_commit_callbacks(execute=True):
        flag_thresholds_update(acting_user=users[Role.ADMIN], data={**EMPTY, "dependency_percent": "80"})
    assert Flag.objects.get(organisation=organisation, rule="dependency").status == "resolved"
    event = AuditEvent.objects.get(action="flag_thresholds_update")
    assert event.changes == {"dependency_percent": ["", "80"]}
    with django_capture_on_commit_callbacks(execute=True):
        flag_thresholds_update(acting_user=users[Role.ADMIN], data={**EMPTY, "dependency_percent": "60"})
    flag = Flag.objects.get(organisation=organisation, rule="dependency")
    assert flag.status == "open" and "above the 60% at which" in flag.reason


def test_saving_the_same_thresholds_writes_nothing(users):
    flag_thresholds_update(acting_user=users[Role.ADMIN], data={**EMPTY, "dependency_percent": "60"})
    flag_thresholds_update(acting_user=users[Role.ADMIN], data={**EMPTY, "dependency_percent": "60"})
    assert AuditEvent.objects.filter(action="flag_thresholds_update").count() == 1


def test_the_administrators_page_shows_the_defaults_and_refuses_nonsense(client_for):
    client = client_for(Role.ADMIN)
    url = reverse("engagement:flag_thresholds")
    page = visible_text(client.get(url).content)
    assert "Leave empty for the default, 50%." in page and "Leave empty for the default, £50,000." in page
    refused = client.post(url, {**EMPTY, "dependency_percent": "250", "version": "1"})
    assert "Enter a whole percentage from 1 to 100" in visible_text(refused.content)
    saved = client.post(url, {**EMPTY, "dependency_percent": "65%", "large_award": "£40,000", "version": "1"}, follow=True)
    assert "The thresholds are saved" in visible_text(saved.content)
    assert thresholds().dependency_share == Decimal("0.65") and thresholds().large_award == Decimal("40000")
