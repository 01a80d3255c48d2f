"""Proportionality tiers: finding an agreement's tier, refusing overlaps, and the admin pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.funding.models import ProportionalityTier
from lightbulb.funding.selectors.tiers import tier_for, tier_for_values
from lightbulb.funding.services.tiers import tier_create, tier_update
from tests.factories import AgreementFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def _tier(**changes):
    values = {
        "name": "Test band",
        "min_value": Decimal("0"),
        "max_value": Decimal("1000"),
        "risk_level": "low",
        "required_checks": ["bank_details"],
        "monitoring_every_months": 12,
        "advance_payment_allowed": True,
    }
    values.update(changes)
    return values


def test_default_tiers_cover_every_amount_and_risk():
    for risk in ("low", "medium", "high"):
        for amount in ("0.01", "5000", "5000.01", "25000", "250000", "250000.01", "99000000"):
            assert tier_for_values(amount=Decimal(amount), risk_level=risk) is not None, (amount, risk)
    micro = tier_for_values(amount=Decimal("5000"), risk_level="low")
    assert micro.name == "Micro grant, low risk" and micro.advance_payment_allowed
    assert sorted(micro.required_checks) == ["bank_details", "governing_document"]
    large = tier_for_values(amount=Decimal("300000"), risk_level="medium")
    assert not large.advance_payment_allowed and large.monitoring_every_months == 3


def test_tier_for_an_agreement(no_tiers, users):
    tier = tier_create(acting_user=users[Role.ADMIN], **_tier(max_value=None))
    assert tier_for(AgreementFactory(amount=Decimal("12000"))) == tier
    assert tier_for(AgreementFactory(amount=Decimal("12000"), risk_level="high")) is None


@pytest.mark.parametrize(("low", "high"), [("500", "1500"), ("0", None), ("1000", "2000"), ("200", "300")])
def test_overlapping_bands_are_refused(no_tiers, users, low, high):
    tier_create(acting_user=users[Role.ADMIN], **_tier(max_value=None))
    tier_create(acting_user=users[Role.ADMIN], **_tier(name="Top", min_value=Decimal("1000.01"), max_value=None))
    with pytest.raises(ValidationError, match="overlaps another tier for the same risk level: Test band"):
        tier_create(acting_user=users[Role.ADMIN], **_tier(name="Clash", min_value=Decimal(low), max_value=Decimal(high) if high else None))
    assert ProportionalityTier.objects.count() == 2


def test_adjacent_bands_and_other_risk_levels_are_fine(no_tiers, users):
    tier_create(acting_user=users[Role.ADMIN], **_tier(max_value=None))
    tier_create(acting_user=users[Role.ADMIN], **_tier(name="Next", min_value=Decimal("1000.01"), max_value=None))
    tier_create(acting_user=users[Role.ADMIN], **_tier(name="High", risk_level="high", max_value=None))
    assert ProportionalityTier.objects.count() == 3


def test_updating_a_tier_does_not_clash_with_itself(no_tiers, users):
    tier = tier_create(acting_user=users[Role.ADMIN], **_tier(max_value=None))
    tier_update(acting_user=users[Role.ADMIN], tier=tier, min_value=Decimal("0"), max_value=None, advance_payment_allowed=False)
    tier.refresh_from_db()
    assert tier.max_value is None and not tier.advance_payment_allowed


def _post_data(**changes):
    data = {
        "name": "Community chest",
        "min_value": "£0",
        "max_value": "£1,000",
        "risk_level": "low",
        "required_checks": ["bank_details", "accounts"],
        "monitoring_every_months": "12",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_lists_creates_and_edits_tiers(client_for, no_tiers):
    client = client_for(Role.ADMIN)
    response = client.post(reverse("funding:tier_create"), _post_data(max_value=""))
    assert response.status_code == 302
    tier = ProportionalityTier.objects.get()
    assert tier.required_checks == ["bank_details", "accounts"] and tier.max_value is None
    # A tier that takes the top of the band splits it.
    assert client.post(reverse("funding:tier_create"), _post_data(name="Larger", min_value="£1,000.01", max_value="")).status_code == 302
    tier.refresh_from_db()
    assert tier.max_value == Decimal("1000")
    page = visible_text(client.get(reverse("funding:tier_list")).content)
    assert "Community chest £0 to £1,000 Low Bank details verified; Latest accounts reviewed Every 12 months Not allowed" in page
    assert "Larger £1,000.01 or more Low" in page
    edit = reverse("funding:tier_edit", kwargs={"pk": tier.pk})
    assert "Community chest" in visible_text(client.get(edit).content)
    client.post(edit, _post_data(advance_payment_allowed="on"))
    tier.refresh_from_db()
    assert tier.advance_payment_allowed and tier.max_value == Decimal("1000")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter a name for the tier"),
        ({"name": "<script>x</script>"}, "Enter text without HTML tags"),
        ({"name": "=cmd|' /C calc'!A0", "min_value": "-1"}, "Lowest value must be more than £0"),
        ({"min_value": "abc"}, "must be an amount in pounds"),
        ({"max_value": "£500,000,000"}, "must be £100,000,000 or less"),
        ({"min_value": "2000", "max_value": "1000"}, "The highest value must be the same as or more than the lowest value"),
        ({"required_checks": ["astrology"]}, "Choose checks from the list"),
        ({"monitoring_every_months": "0"}, "from 1 to 24"),
        ({"monitoring_every_months": "many"}, "Enter a whole number of months"),
        ({"risk_level": "extreme"}, "Select a valid choice"),
    ],
)
def test_bad_tier_input(client_for, no_tiers, changes, message):
    response = client_for(Role.ADMIN).post(reverse("funding:tier_create"), _post_data(**changes))
    page = visible_text(response.content)
    assert response.status_code == 200 and "There is a problem" in page and message in page
    assert not ProportionalityTier.objects.exists()


def test_overlap_shows_in_the_error_summary(client_for, no_tiers, users):
    tier_create(acting_user=users[Role.ADMIN], **_tier(name="Existing", max_value=None))
    page = visible_text(client_for(Role.ADMIN).post(reverse("funding:tier_create"), _post_data()).content)
    assert "overlaps another tier for the same risk level: Existing" in page
