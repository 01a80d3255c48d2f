"""Invoices and claims have a received date; the Compact's 30 days run from it and count payments still unpaid past them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lightbulb.compact.models import CompactRule
from lightbulb.compact.selectors import rule_measure
from lightbulb.core.roles import Role
from lightbulb.funding.services import payments
from tests.funding.factories_returns import PaymentFactory, live_agreement
from tests.helpers import visible_text

TODAY = datetime.date(2025, 9, 15)


@time_machine.travel(TODAY, tick=False)
def test_an_officer_records_when_the_invoice_arrived(users, own_organisation, officer_client):
    payment = PaymentFactory(agreement=live_agreement(users, own_organisation), due_date=datetime.date(2025, 9, 30))
    url = reverse("funding:payment_invoice", kwargs={"pk": payment.pk})
    refused = officer_client.post(url, {"received_on_0": "16", "received_on_1": "9", "received_on_2": "2025"})
    assert "must be today or in the past" in visible_text(refused.content)
    response = officer_client.post(url, {"received_on_0": "1", "received_on_1": "9", "received_on_2": "2025"})
    assert response.status_code == 302
    payment.refresh_from_db()
    assert payment.invoice_received_on == datetime.date(2025, 9, 1)


@pytest.mark.parametrize("role", [Role.COUNCILLOR, Role.VCS, Role.ADMIN])
def test_only_officers_record_invoices(role, users, own_organisation):
    payment = PaymentFactory(agreement=live_agreement(users, own_organisation))
    with pytest.raises(PermissionDenied):
        payments.payment_invoice_record(payment=payment, acting_user=users[role], received_on=datetime.date(2025, 6, 1))


def test_a_settled_payment_takes_no_invoice_date(users, own_organisation):
    payment = PaymentFactory(agreement=live_agreement(users, own_organisation), status="paid", paid_on=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="already settled"):
        payments.payment_invoice_record(payment=payment, acting_user=users[Role.OFFICER], received_on=datetime.date(2025, 6, 1))


@time_machine.travel(TODAY, tick=False)
def test_the_compact_counts_a_payment_still_unpaid_past_30_days(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    late = PaymentFactory(agreement=agreement, amount=Decimal(2500), due_date=datetime.date(2025, 9, 30), invoice_received_on=datetime.date(2025, 8, 1))
    PaymentFactory(agreement=agreement, due_date=datetime.date(2025, 9, 30), invoice_received_on=datetime.date(2025, 9, 1))  # 14 days: not late yet
    PaymentFactory(agreement=agreement, due_date=datetime.date(2025, 10, 31))  # not owed yet
    measure = rule_measure(CompactRule.PAYMENT_30_DAYS, TODAY)
    assert (measure.total, measure.breach_count) == (1, 1)
    [breach] = measure.breaches
    assert breach.text == f"{agreement.reference} (Riverside Food Bank): £2,500.00 still unpaid 45 days after it was owed"
    assert breach.url == reverse("funding:payment_detail", kwargs={"pk": late.pk})
