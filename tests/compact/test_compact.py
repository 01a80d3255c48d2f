"""The Compact: measures computed from data held, the page, managing commitments, switching it off."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from lightbulb.compact import selectors, services
from lightbulb.compact.models import Commitment, Compact, CompactRule, Consultation
from lightbulb.core.roles import Role
from lightbulb.funding.models import Decommissioning, Payment
from tests.factories import AgreementFactory, UserFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def _consultation(start: datetime.date, days: int, reason: str = "") -> Consultation:
    return Consultation.objects.create(
        title=f"Consultation from {start}",
        purpose="Views",
        start_date=start,
        end_date=start + datetime.timedelta(days=days - 1),
        short_reason=reason,
        lead_officer=UserFactory(),
    )


def _decommissioning(notice: datetime.date, end: datetime.date, reason: str = "") -> Decommissioning:
    agreement = AgreementFactory(status="under_review")
    return Decommissioning.objects.create(
        agreement=agreement,
        stage="notice_issued",
        reasons="Cut",
        impact_service_users="a",
        impact_volunteers="b",
        impact_staff="c",
        impact_equality_groups="d",
        alternative_providers="e",
        mitigations="f",
        exit_plan="g",
        notice_date=notice,
        funding_end_date=end,
        short_notice_reason=reason,
        prepared_by=agreement.accountable_officer,
    )


def _payment(paid: datetime.date, start: datetime.date, *, invoice: bool = True) -> Payment:
    return Payment.objects.create(
        agreement=AgreementFactory(),
        due_date=start,
        amount=Decimal("100"),
        basis="arrears",
        status="paid",
        invoice_received_on=start if invoice else None,
        paid_on=paid,
    )


@time_machine.travel(TODAY, tick=False)
def test_consultation_rule_kept_and_breached():
    _consultation(datetime.date(2026, 1, 1), 84)  # 12 weeks: kept
    _consultation(datetime.date(2026, 3, 1), 42, reason="Budget deadline")  # short with a reason: kept
    short = _consultation(datetime.date(2026, 4, 1), 83)  # a day short, no reason: breach
    _consultation(datetime.date(2024, 1, 1), 14)  # ended before the window
    measure = selectors.rule_measure(CompactRule.CONSULTATION_12_WEEKS)
    assert (measure.kept, measure.total, measure.summary) == (2, 3, "Kept 2 of 3 (67%)")
    assert [breach.url for breach in measure.breaches] == [reverse("compact:consultation_detail", kwargs={"pk": short.pk})]


@time_machine.travel(TODAY, tick=False)
def test_notice_rule_kept_and_breached():
    _decommissioning(datetime.date(2026, 1, 31), datetime.date(2026, 4, 30))  # exactly 3 calendar months (month end): kept
    _decommissioning(datetime.date(2026, 2, 1), datetime.date(2026, 3, 1), reason="Service closed by regulator")  # kept
    late = _decommissioning(datetime.date(2026, 2, 10), datetime.date(2026, 5, 9))  # a day short: breach
    measure = selectors.rule_measure(CompactRule.NOTICE_3_MONTHS)
    assert (measure.kept, measure.total) == (2, 3)
    assert measure.breaches[0].url == reverse("funding:decommissioning_detail", kwargs={"pk": late.pk})
    assert "88 days' notice" in measure.breaches[0].text


@time_machine.travel(TODAY, tick=False)
def test_payment_rule_kept_and_breached():
    _payment(datetime.date(2026, 3, 31), datetime.date(2026, 3, 1))  # 30 days: kept
    late = _payment(datetime.date(2026, 4, 2), datetime.date(2026, 3, 1), invoice=False)  # 32 days from the due date: breach
    _payment(datetime.date(2025, 1, 1), datetime.date(2024, 1, 1))  # outside the window
    measure = selectors.rule_measure(CompactRule.PAYMENT_30_DAYS)
    assert (measure.kept, measure.total, measure.breach_count) == (1, 2, 1)
    assert late.agreement.reference in measure.breaches[0].text and "32 days" in measure.breaches[0].text


@time_machine.travel(TODAY, tick=False)
def test_multi_year_and_full_cost_recovery_shares():
    AgreementFactory(start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2028, 12, 31), long_term_need=True, full_cost_recovery=True)
    short = AgreementFactory(start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2027, 1, 31), long_term_need=True)
    AgreementFactory(start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 8, 31), long_term_need=False, full_cost_recovery=True)
    AgreementFactory(start_date=datetime.date(2024, 3, 1), end_date=datetime.date(2024, 8, 31), long_term_need=True)  # outside
    multi = selectors.rule_measure(CompactRule.MULTI_YEAR)
    assert (multi.kept, multi.total) == (1, 2)
    assert short.reference in multi.breaches[0].text
    full = selectors.rule_measure(CompactRule.FULL_COST_RECOVERY)
    assert (full.kept, full.total) == (2, 3)


@time_machine.travel(datetime.date(2024, 12, 31), tick=False)
def test_multi_year_counted_in_the_database_as_each_agreement_counts_itself():
    # Terms ending two days short of, a day short of, and on the last day of three years: from 29 February
    # (three years on is 28 February), the last day of a month, and the first of one.
    starts = [datetime.date(2024, 2, 29), datetime.date(2024, 1, 31), datetime.date(2024, 3, 1), datetime.date(2024, 12, 31)]
    agreements = []
    for start in starts:
        last_day = datetime.date(start.year + 3, start.month, 28 if start.month == 2 and start.day == 29 else start.day) - datetime.timedelta(days=1)
        for short_by in (2, 1, 0):
            agreements.append(AgreementFactory(start_date=start, end_date=last_day - datetime.timedelta(days=short_by), long_term_need=True))
    agreements.append(AgreementFactory(start_date=starts[0], end_date=datetime.date(2027, 2, 28), long_term_need=True, archived_at=timezone.now()))
    counted = [agreement for agreement in agreements if agreement.archived_at is None]
    measure = selectors.rule_measure(CompactRule.MULTI_YEAR)
    assert (measure.kept, measure.total) == (sum(agreement.is_multi_year for agreement in counted), len(counted)) == (4, 12)
    short = sorted(counted, key=lambda agreement: (-agreement.start_date.toordinal(), agreement.pk))
    assert [breach.text.split(" ")[0] for breach in measure.breaches] == [agreement.reference for agreement in short if not agreement.is_multi_year]


@time_machine.travel(TODAY, tick=False)
def test_only_the_latest_breaches_are_listed_with_the_count_of_all(monkeypatch):
    monkeypatch.setattr(selectors, "BREACH_LIMIT", 2)
    old, *latest = [AgreementFactory(start_date=datetime.date(2026, month, 1), end_date=datetime.date(2026, 12, 31)) for month in (1, 2, 3)]
    scheduled = Payment.objects.create(agreement=old, due_date=datetime.date(2026, 1, 5), amount=Decimal("50"), basis="arrears")
    late = [_payment(datetime.date(2026, 4, day), datetime.date(2026, 3, 1)) for day in (2, 3)]
    full = selectors.rule_measure(CompactRule.FULL_COST_RECOVERY)
    assert (full.kept, full.total, full.breach_count) == (0, 3, 3)
    assert [breach.text.split(" ")[0] for breach in full.breaches] == [agreement.reference for agreement in reversed(latest)]
    payments = selectors.rule_measure(CompactRule.PAYMENT_30_DAYS)
    assert (payments.kept, payments.total, payments.breach_count) == (0, 3, 3)
    assert [breach.date for breach in payments.breaches] == [late[1].paid_on, late[0].paid_on]
    assert scheduled.agreement.reference not in " ".join(breach.text for breach in payments.breaches)


@time_machine.travel(TODAY, tick=False)
def test_compact_page_shows_each_commitment_with_its_measure(client_for, users):
    services.compact_create_default(acting_user=users[Role.OFFICER])
    _consultation(datetime.date(2026, 4, 1), 30)
    page = visible_text(client_for(Role.COUNCILLOR).get(reverse("compact:compact")).content)
    assert "Kept 0 of 1 (0%)" in page
    assert "Nothing to measure in the last 12 months" in page
    assert "Share of each measurable commitment kept" in page
    assert "1 not kept" in page


def _nav_has_compact(response) -> bool:
    return 'href="/compact/"' in response.content.decode().split("</header>")[0]


def test_no_compact_says_so_calmly(client_for):
    officer = client_for(Role.OFFICER)
    response = officer.get(reverse("compact:compact"))
    assert "has no local Compact. That is fine" in visible_text(response.content)
    # Officers keep the menu item so they can set one up; councillors see it only once there is one.
    assert _nav_has_compact(response)
    assert not _nav_has_compact(client_for(Role.COUNCILLOR).get(reverse("core:home")))
    officer.post(reverse("compact:create_default"))
    assert Compact.objects.get().commitments.count() == 5
    assert _nav_has_compact(client_for(Role.COUNCILLOR).get(reverse("core:home")))


def test_switched_off_compact_measures_nothing(client_for, users):
    compact = services.compact_create_default(acting_user=users[Role.OFFICER])
    services.compact_update(acting_user=users[Role.OFFICER], compact=compact, data={"enabled": False})
    response = client_for(Role.COUNCILLOR).get(reverse("compact:compact"))
    assert "The Compact is switched off" in visible_text(response.content)
    assert not _nav_has_compact(response)
    assert client_for(Role.OFFICER).get(reverse("compact:consultation_list")).status_code == 200


def test_manage_commitments_add_edit_reorder_remove(client_for, users):
    officer = client_for(Role.OFFICER)
    compact = services.compact_create_default(acting_user=users[Role.OFFICER])
    assert officer.post(reverse("compact:commitment_add"), {"text": "We meet twice a year", "rule": ""}).status_code == 302
    added = Commitment.objects.get(text="We meet twice a year")
    assert added.order == 6
    officer.post(reverse("compact:commitment_move", kwargs={"pk": added.pk}), {"direction": "up"})
    assert [c.text for c in compact.commitments.order_by("order")][4] == "We meet twice a year"
    officer.post(reverse("compact:commitment_edit", kwargs={"pk": added.pk}), {"text": "We meet each quarter", "rule": CompactRule.PAYMENT_30_DAYS})
    added.refresh_from_db()
    assert (added.text, added.rule) == ("We meet each quarter", CompactRule.PAYMENT_30_DAYS)
    officer.post(reverse("compact:commitment_remove", kwargs={"pk": added.pk}))
    assert not Commitment.objects.filter(pk=added.pk).exists()


def test_compact_and_commitment_forms_refuse_bad_input(client_for, users):
    officer = client_for(Role.OFFICER)
    services.compact_create_default(acting_user=users[Role.OFFICER])
    response = officer.post(reverse("compact:manage"), {"title": "<script>x</script>", "adopted_on_0": "40", "adopted_on_1": "1", "adopted_on_2": "2025"})
    page = visible_text(response.content)
    assert "Enter text without HTML tags" in page and "Date adopted must be a real date" in page
    response = officer.post(reverse("compact:commitment_add"), {"text": "", "rule": "nonsense"})
    page = visible_text(response.content)
    assert "Enter commitment" in page and "Select a valid choice" in page
    response = officer.post(reverse("compact:commitment_add"), {"text": "x" * 2001})
    assert "2,000 characters or fewer" in visible_text(response.content)
    assert Compact.objects.get().title == "Anytown Compact"


def test_councillor_may_not_manage(client_for, users):
    services.compact_create_default(acting_user=users[Role.OFFICER])
    assert client_for(Role.COUNCILLOR).get(reverse("compact:manage")).status_code == 403
    assert client_for(Role.COUNCILLOR).post(reverse("compact:create_default")).status_code == 403


@time_machine.travel(TODAY, tick=False)
def test_compact_page_queries_independent_of_size(client_for, users):
    services.compact_create_default(acting_user=users[Role.OFFICER])
    counter = iter(range(100))

    def grow() -> None:
        for _ in range(3):
            n = next(counter)
            _consultation(datetime.date(2026, 4, 1) + datetime.timedelta(days=n), 20)
            _decommissioning(datetime.date(2026, 2, 1), datetime.date(2026, 3, 1))
            _payment(datetime.date(2026, 5, 1), datetime.date(2026, 3, 1))
            AgreementFactory(start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2026, 12, 31), long_term_need=True)

    grow()
    assert_queries_independent_of_size(client_for(Role.OFFICER), reverse("compact:compact"), grow)


@time_machine.travel(TODAY, tick=False)
def test_a_payment_still_unpaid_thirty_days_after_it_was_owed_is_listed_as_a_breach():
    owed = Payment.objects.create(
        agreement=AgreementFactory(), due_date=datetime.date(2026, 4, 1), amount=Decimal("250"), basis="arrears", invoice_received_on=datetime.date(2026, 4, 10)
    )
    # Owed from its invoice less than 30 days before the end of the window: not late yet.
    Payment.objects.create(agreement=AgreementFactory(), due_date=TODAY - datetime.timedelta(days=10), amount=Decimal("50"), basis="arrears")
    _payment(datetime.date(2026, 4, 20), datetime.date(2026, 4, 1))  # paid in 19 days: kept
    measure = selectors.rule_measure(CompactRule.PAYMENT_30_DAYS)
    assert (measure.kept, measure.total, measure.breach_count) == (1, 2, 1)
    (breach,) = measure.breaches
    days = (TODAY - datetime.date(2026, 4, 10)).days
    assert breach.text == f"{owed.agreement.reference} ({owed.agreement.organisation.name}): £250.00 still unpaid {days} days after it was owed"
    assert breach.date == datetime.date(2026, 4, 10)
