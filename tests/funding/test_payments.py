"""Payments: the schedule, paid / held / released / clawed back with reasons, days to pay, the list and its export."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lightbulb.core.models import AuditEvent
from lightbulb.funding.models import Payment
from lightbulb.funding.selectors.payments import payments_in_period
from lightbulb.funding.services.payments import (
    payment_claw_back,
    payment_hold,
    payment_milestone_add,
    payment_record_paid,
    payment_release,
    payments_schedule,
)
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import OrganisationFactory
from tests.funding.factories_returns import PaymentFactory, live_agreement
from tests.helpers import assert_queries_independent_of_size, visible_text


@pytest.fixture
def agreement(users, own_organisation):
    return live_agreement(users, own_organisation)


@pytest.fixture
def payment(agreement):
    return PaymentFactory(agreement=agreement)


@pytest.mark.django_db
def test_arrears_are_paid_at_each_period_end(users, agreement):
    created = payments_schedule(agreement=agreement, acting_user=users["officer"])
    assert [p.due_date for p in created] == [datetime.date(2025, 6, 30), datetime.date(2025, 9, 30), datetime.date(2025, 12, 31), datetime.date(2026, 3, 31)]
    assert sum(p.amount for p in created) == Decimal("12000.00")
    assert payments_schedule(agreement=agreement, acting_user=users["officer"]) == []


@pytest.mark.django_db
def test_advance_payments_are_due_at_each_period_start_and_the_pennies_add_up(users, own_organisation):
    agreement = live_agreement(users, own_organisation, payment_basis="advance", amount=Decimal("1000.00"), reporting_every_months=4)
    created = payments_schedule(agreement=agreement, acting_user=users["officer"])
    assert [p.due_date for p in created] == [datetime.date(2025, 4, 1), datetime.date(2025, 8, 1), datetime.date(2025, 12, 1)]
    assert [p.amount for p in created] == [Decimal("333.33"), Decimal("333.33"), Decimal("333.34")]


@pytest.mark.django_db
def test_milestones_are_entered_by_the_officer_and_cannot_exceed_the_value(users, own_organisation):
    agreement = live_agreement(users, own_organisation, payment_basis="milestones")
    with pytest.raises(ValidationError, match="paid on milestones"):
        payments_schedule(agreement=agreement, acting_user=users["officer"])
    payment_milestone_add(agreement=agreement, acting_user=users["officer"], milestone="Café open", due_date=datetime.date(2025, 5, 1), amount=Decimal("10000"))
    with pytest.raises(ValidationError, match="more than the agreement's value"):
        payment_milestone_add(
            agreement=agreement, acting_user=users["officer"], milestone="Year end", due_date=datetime.date(2026, 3, 1), amount=Decimal("2000.01")
        )
    assert Payment.objects.filter(agreement=agreement).count() == 1


@pytest.mark.django_db
@time_machine.travel(datetime.date(2025, 8, 1), tick=False)
def test_days_to_pay_count_from_the_invoice_or_the_due_date(users, agreement):
    late = PaymentFactory(agreement=agreement, due_date=datetime.date(2025, 6, 30))
    payment_record_paid(payment=late, acting_user=users["officer"], paid_on=datetime.date(2025, 7, 31))
    prompt = PaymentFactory(agreement=agreement, due_date=datetime.date(2025, 6, 30))
    payment_record_paid(payment=prompt, acting_user=users["officer"], paid_on=datetime.date(2025, 7, 20), invoice_received_on=datetime.date(2025, 7, 10))
    found = {p.pk: p.pay_days for p in payments_in_period(datetime.date(2025, 7, 1), datetime.date(2025, 7, 31))}
    assert found == {late.pk: 31, prompt.pk: 10}
    late.refresh_from_db()
    assert late.days_to_pay == 31
    assert payments_in_period(datetime.date(2025, 8, 1), datetime.date(2025, 8, 31)).count() == 0
    assert "31 days to pay" in AuditEvent.objects.get(action="payment_record_paid", object_id=str(late.pk)).summary


@pytest.mark.django_db
@time_machine.travel(datetime.date(2025, 8, 1), tick=False)
def test_paid_refuses_future_dates_and_invoices_after_payment(users, payment):
    with pytest.raises(ValidationError, match="today or in the past"):
        payment_record_paid(payment=payment, acting_user=users["officer"], paid_on=datetime.date(2025, 8, 2))
    with pytest.raises(ValidationError, match="on or before the day it was paid"):
        payment_record_paid(payment=payment, acting_user=users["officer"], paid_on=datetime.date(2025, 7, 2), invoice_received_on=datetime.date(2025, 7, 3))
    payment.refresh_from_db()
    assert payment.status == "scheduled"


@pytest.mark.django_db
def test_hold_needs_a_reason_and_release_schedules_it_again(users, payment):
    with pytest.raises(ValidationError, match="Give the reason"):
        payment_hold(payment=payment, acting_user=users["officer"], reason="  ")
    payment_hold(payment=payment, acting_user=users["officer"], reason="Return overdue")
    payment.refresh_from_db()
    assert (payment.status, payment.reason) == ("held", "Return overdue")
    with pytest.raises(ValidationError, match="release a held payment first"):
        payment_record_paid(payment=payment, acting_user=users["officer"], paid_on=datetime.date(2025, 7, 1))
    payment_release(payment=payment, acting_user=users["officer"])
    payment.refresh_from_db()
    assert payment.status == "scheduled"
    event = AuditEvent.objects.get(action="payment_hold")
    assert event.organisation_id == payment.agreement.organisation_id
    assert event.changes["status"] == ["scheduled", "held"]


@pytest.mark.django_db
def test_claw_back_needs_a_paid_payment_a_reason_and_no_more_than_was_paid(users, payment):
    with pytest.raises(ValidationError, match="only a paid payment"):
        payment_claw_back(payment=payment, acting_user=users["officer"], amount=Decimal("10"), reason="Misuse")
    payment_record_paid(payment=payment, acting_user=users["officer"], paid_on=datetime.date(2025, 7, 1))
    with pytest.raises(ValidationError, match="Give the reason"):
        payment_claw_back(payment=payment, acting_user=users["officer"], amount=Decimal("10"), reason="")
    with pytest.raises(ValidationError, match=r"cannot be more than the £3,000\.00 paid"):
        payment_claw_back(payment=payment, acting_user=users["officer"], amount=Decimal("3000.01"), reason="Misuse")
    payment_claw_back(payment=payment, acting_user=users["officer"], amount=Decimal("1500"), reason="Service stopped in January")
    payment.refresh_from_db()
    assert (payment.status, payment.clawed_back_amount, payment.reason) == ("clawed_back", Decimal("1500.00"), "Service stopped in January")


@pytest.mark.django_db
def test_officer_holds_releases_pays_and_claws_back_through_the_pages(officer_client, payment):
    url = f"/funding/payments/{payment.pk}/"
    assert "Hold the payment" in visible_text(officer_client.get(url).content)
    response = officer_client.post(url + "hold", {"reason": ""})
    assert "Give the reason" in visible_text(response.content)
    response = officer_client.post(url + "hold", {"reason": "<b>bad</b>"})
    assert "Enter text without HTML tags" in visible_text(response.content)
    officer_client.post(url + "hold", {"reason": "Waiting for insurance certificate"})
    page = visible_text(officer_client.get(url).content)
    assert "Reason held Waiting for insurance certificate" in page
    officer_client.post(url + "release")
    paid = officer_client.post(
        url + "paid",
        {"paid_on_0": "10", "paid_on_1": "7", "paid_on_2": "2025", "invoice_received_on_0": "", "invoice_received_on_1": "", "invoice_received_on_2": ""},
        follow=True,
    )
    assert "Payment recorded as paid." in visible_text(paid.content)
    assert "10 days" in visible_text(paid.content)
    bad = officer_client.post(url + "claw-back", {"amount": "£9,999", "reason": "Overpaid"})
    assert "cannot be more than the £3,000.00 paid" in visible_text(bad.content)
    for amount, message in [("", "Enter the amount"), ("ten", "Enter an amount in pounds"), ("0", "at least £0.01"), ("=1+1", "Enter an amount in pounds")]:
        assert message in visible_text(officer_client.post(url + "claw-back", {"amount": amount, "reason": "Overpaid"}).content)
    officer_client.post(url + "claw-back", {"amount": "£1,000.50", "reason": "Overpaid"})
    payment.refresh_from_db()
    assert (payment.status, payment.clawed_back_amount) == ("clawed_back", Decimal("1000.50"))


@pytest.mark.django_db
def test_paid_form_bad_dates(officer_client, payment):
    url = f"/funding/payments/{payment.pk}/paid"
    assert "Enter the date the payment was made" in visible_text(officer_client.post(url, {}).content)
    text = visible_text(officer_client.post(url, {"paid_on_0": "31", "paid_on_1": "2", "paid_on_2": "2025"}).content)
    assert "must be a real date" in text
    payment.refresh_from_db()
    assert payment.status == "scheduled"


@pytest.mark.django_db
def test_milestone_page(officer_client, users, own_organisation):
    agreement = live_agreement(users, own_organisation, payment_basis="milestones")
    url = f"/funding/agreements/{agreement.pk}/payments/milestone"
    text = visible_text(officer_client.post(url, {"milestone": "<script>x</script>", "amount": "50"}).content)
    assert "Enter text without HTML tags" in text
    assert "Enter the date the milestone is expected" in text
    response = officer_client.post(url, {"milestone": "Café open", "due_date_0": "1", "due_date_1": "5", "due_date_2": "2025", "amount": "2,500"}, follow=True)
    assert "Milestone payment added." in visible_text(response.content)
    assert "Café open" in visible_text(response.content)


@pytest.mark.django_db
def test_readers_see_payments_but_cannot_act(client_for, payment):
    client = client_for("councillor")
    page = visible_text(client.get(f"/funding/payments/{payment.pk}/").content)
    assert "£3,000.00" in page
    assert "Hold the payment" not in page
    assert client.post(f"/funding/payments/{payment.pk}/hold", {"reason": "x"}).status_code == 403
    assert client_for("staff").get("/funding/payments/").status_code == 403


@pytest.mark.django_db
@time_machine.travel(datetime.date(2025, 9, 1), tick=False)
def test_list_filters_export_and_late_flag(officer_client, users, agreement, django_capture_on_commit_callbacks):
    late = PaymentFactory(agreement=agreement, due_date=datetime.date(2025, 6, 30), milestone="=cmd|' /C calc'!A0")
    payment_record_paid(payment=late, acting_user=users["officer"], paid_on=datetime.date(2025, 8, 15))
    PaymentFactory(agreement=agreement, due_date=datetime.date(2025, 9, 30))
    page = visible_text(officer_client.get("/funding/payments/?late=on").content)
    assert "1 payment" in page
    assert "46 Late" in page
    assert "1 payment" in visible_text(officer_client.get("/funding/payments/?due_from_0=1&due_from_1=9&due_from_2=2025").content)
    assert "Choose a status from the list" in visible_text(officer_client.get("/funding/payments/?status=nope").content)
    # The list opens on the payments still to make; the paid one is a tick away, in the download too.
    opening = visible_text(officer_client.get("/funding/payments/").content)
    assert "1 payment still to make, next due first" in opening
    rows = list(csv.reader(io.StringIO(csv_text(download_list(officer_client, django_capture_on_commit_callbacks, "payments")[1]))))
    assert len(rows) == 2
    rows = list(csv.reader(io.StringIO(csv_text(download_list(officer_client, django_capture_on_commit_callbacks, "payments", query="finished=on")[1]))))
    assert len(rows) == 3
    header = rows[0]
    paid_row = next(row for row in rows[1:] if row[header.index("Status")] == "Paid")
    assert paid_row[header.index("Days to pay")] == "46"
    assert paid_row[header.index("Milestone")].startswith("'=")
    assert len(xlsx_rows(download_list(officer_client, django_capture_on_commit_callbacks, "payments", fmt="xlsx")[1])) == 2


@pytest.mark.django_db
def test_payment_list_queries_do_not_grow(officer_client, users, own_organisation):
    payments_schedule(agreement=live_agreement(users, own_organisation), acting_user=users["officer"])
    counter = iter(range(100))

    def grow():
        for _ in range(3):
            payments_schedule(agreement=live_agreement(users, OrganisationFactory(), reference=f"AGR-PAY-{next(counter)}"), acting_user=users["officer"])

    assert_queries_independent_of_size(officer_client, "/funding/payments/", grow)


@pytest.mark.django_db
def test_schedule_from_the_agreement_page(officer_client, agreement):
    response = officer_client.post(f"/funding/agreements/{agreement.pk}/payments/schedule", follow=True)
    text = visible_text(response.content)
    assert "4 payments scheduled." in text
    assert "£3,000.00" in text
