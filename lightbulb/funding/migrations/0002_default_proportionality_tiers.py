"""Sensible starting tiers (a £500 micro-grant is not a £2m contract); administrators change them afterwards."""

from decimal import Decimal

from django.db import migrations

BASIC = ["bank_details", "governing_document"]
STANDARD = [*BASIC, "accounts", "safeguarding", "insurance"]
FULL = [*STANDARD, "equality", "financial_health", "register_check"]
ALL_CHECKS = [*FULL, "references"]

# (name, min, max, risk, checks, monitoring months, advance allowed)
TIERS = [
    ("Micro grant, low risk", "0", "5000", "low", BASIC, 12, True),
    ("Micro grant, medium risk", "0", "5000", "medium", [*BASIC, "safeguarding"], 12, True),
    ("Micro grant, high risk", "0", "5000", "high", STANDARD, 6, False),
    ("Small, low risk", "5000.01", "25000", "low", STANDARD, 6, True),
    ("Small, medium risk", "5000.01", "25000", "medium", STANDARD, 6, True),
    ("Small, high risk", "5000.01", "25000", "high", FULL, 3, False),
    ("Medium, low risk", "25000.01", "250000", "low", FULL, 6, True),
    ("Medium, medium risk", "25000.01", "250000", "medium", FULL, 3, False),
    ("Medium, high risk", "25000.01", "250000", "high", ALL_CHECKS, 3, False),
    ("Large, low risk", "250000.01", None, "low", ALL_CHECKS, 3, False),
    ("Large, medium risk", "250000.01", None, "medium", ALL_CHECKS, 3, False),
    ("Large, high risk", "250000.01", None, "high", ALL_CHECKS, 3, False),
]


def add_tiers(apps, schema_editor):
    Tier = apps.get_model("funding", "ProportionalityTier")
    if Tier.objects.exists():
        return
    for name, low, high, risk, checks, months, advance in TIERS:
        Tier.objects.create(
            name=name,
            min_value=Decimal(low),
            max_value=Decimal(high) if high is not None else None,
            risk_level=risk,
            required_checks=list(checks),
            monitoring_every_months=months,
            advance_payment_allowed=advance,
        )


def remove_tiers(apps, schema_editor):
    Tier = apps.get_model("funding", "ProportionalityTier")
    Tier.objects.filter(name__in=[tier[0] for tier in TIERS]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(add_tiers, remove_tiers)]
