"""The reporting schedule: periods cover the term with no gaps or overlaps, and generating it twice adds nothing."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from lightbulb.core.models import AuditEvent
from lightbulb.funding.models import MonitoringReturn
from lightbulb.funding.services.returns import add_months, reporting_periods, returns_schedule
from tests.funding.factories_returns import live_agreement

dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2060, 12, 31))


@settings(max_examples=300, deadline=None)
@given(start=dates, length=st.integers(min_value=0, max_value=3700), every=st.integers(min_value=1, max_value=24))
def test_periods_cover_the_term_without_gaps_or_overlaps(start, length, every):
    end = start + datetime.timedelta(days=length)
    periods = reporting_periods(start, end, every)
    assert periods, "a term of at least one day has at least one period"
    assert periods[0][0] == start
    assert periods[-1][1] == end
    for period_start, period_end in periods:
        assert period_start <= period_end
    for (_, previous_end), (next_start, _) in itertools.pairwise(periods):
        assert next_start == previous_end + datetime.timedelta(days=1)
    # Every period but the last is exactly `every` months long.
    for index, (period_start, _) in enumerate(periods):
        assert period_start == add_months(start, index * every)


@given(start=dates, every=st.integers(min_value=1, max_value=24))
def test_no_periods_when_the_term_ends_before_it_starts(start, every):
    assert reporting_periods(start, start - datetime.timedelta(days=1), every) == []


def test_month_ends_do_not_drift():
    periods = reporting_periods(datetime.date(2025, 1, 31), datetime.date(2025, 12, 31), 1)
    assert [start for start, _ in periods][:4] == [
        datetime.date(2025, 1, 31),
        datetime.date(2025, 2, 28),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 30),
    ]


@pytest.mark.django_db
def test_quarterly_schedule_for_a_year_with_returns_due_a_month_after_each_period(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    created = returns_schedule(agreement=agreement, acting_user=users["officer"])
    assert [(r.period_start, r.period_end, r.due_date) for r in created] == [
        (datetime.date(2025, 4, 1), datetime.date(2025, 6, 30), datetime.date(2025, 7, 30)),
        (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30), datetime.date(2025, 10, 30)),
        (datetime.date(2025, 10, 1), datetime.date(2025, 12, 31), datetime.date(2026, 1, 31)),
        (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31), datetime.date(2026, 4, 30)),
    ]
    assert all(r.status == "due" for r in created)
    event = AuditEvent.objects.get(action="returns_schedule")
    assert event.organisation_id == own_organisation.pk
    assert "4 monitoring returns scheduled" in event.summary


@pytest.mark.django_db
def test_generating_again_adds_nothing(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    assert returns_schedule(agreement=agreement, acting_user=users["officer"]) == []
    assert MonitoringReturn.objects.filter(agreement=agreement).count() == 4
    assert AuditEvent.objects.filter(action="returns_schedule").count() == 1


@pytest.mark.django_db
def test_an_extended_term_adds_only_the_new_periods(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    returns_schedule(agreement=agreement, acting_user=users["officer"])
    agreement.end_date = datetime.date(2026, 9, 30)
    agreement.save()
    created = returns_schedule(agreement=agreement, acting_user=users["officer"])
    assert [r.period_start for r in created] == [datetime.date(2026, 4, 1), datetime.date(2026, 7, 1)]


@pytest.mark.django_db
@override_settings(RETURN_DUE_AFTER_MONTHS=2)
def test_the_lag_is_a_setting(users, own_organisation):
    agreement = live_agreement(users, own_organisation, reporting_every_months=12)
    (only,) = returns_schedule(agreement=agreement, acting_user=users["officer"])
    assert only.due_date == datetime.date(2026, 5, 31)


@pytest.mark.django_db
def test_officer_generates_the_schedule_from_the_agreement_page(officer_client, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    page = officer_client.get(f"/funding/agreements/{agreement.pk}/returns/")
    assert "Create the schedule of returns" in page.content.decode()
    response = officer_client.post(f"/funding/agreements/{agreement.pk}/returns/schedule", follow=True)
    from tests.helpers import visible_text

    text = visible_text(response.content)
    assert "4 monitoring returns scheduled" in text
    assert "1 April 2025 to 30 June 2025" in text


@pytest.mark.django_db
def test_readers_cannot_generate_the_schedule(client_for, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    response = client_for("councillor").post(f"/funding/agreements/{agreement.pk}/returns/schedule")
    assert response.status_code == 403
    assert not MonitoringReturn.objects.exists()
