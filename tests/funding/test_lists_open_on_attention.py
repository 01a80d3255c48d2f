"""Long lists open on what needs attention, finished records a tick away; the portal lists a year ahead."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests.funding.factories_returns import MonitoringReturnFactory, live_agreement
from tests.helpers import visible_text


@pytest.mark.django_db
@time_machine.travel(datetime.date(2025, 9, 1), tick=False)
def test_the_returns_list_opens_on_returns_still_to_come_in_overdue_first(officer_client, users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    MonitoringReturnFactory(
        agreement=agreement, period_start=datetime.date(2025, 7, 1), period_end=datetime.date(2025, 9, 30), due_date=datetime.date(2025, 10, 30)
    )
    MonitoringReturnFactory(
        agreement=agreement, period_start=datetime.date(2025, 4, 1), period_end=datetime.date(2025, 6, 30), due_date=datetime.date(2025, 7, 30)
    )
    MonitoringReturnFactory(
        agreement=agreement,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 3, 31),
        due_date=datetime.date(2025, 4, 30),
        status="accepted",
    )
    text = visible_text(officer_client.get(reverse("funding:return_list")).content)
    assert "2 returns still to come in or be reviewed, overdue first" in text
    assert text.index("30 July 2025") < text.index("30 October 2025")
    assert "30 April 2025" not in text
    everything = visible_text(officer_client.get(reverse("funding:return_list") + "?finished=on").content)
    assert "3 returns" in everything and "30 April 2025" in everything
    accepted = visible_text(officer_client.get(reverse("funding:return_list") + "?status=accepted").content)
    assert "1 return" in accepted and "30 April 2025" in accepted


@pytest.mark.django_db
@time_machine.travel(datetime.date(2025, 9, 1), tick=False)
def test_the_portal_lists_returns_due_in_the_next_year_and_counts_the_rest(client_for, users, own_organisation):
    agreement = live_agreement(users, own_organisation, end_date=datetime.date(2029, 3, 31))
    for year in range(2025, 2029):
        MonitoringReturnFactory(
            agreement=agreement, period_start=datetime.date(year, 4, 1), period_end=datetime.date(year, 6, 30), due_date=datetime.date(year, 7, 30)
        )
    text = visible_text(client_for("vcs").get(reverse("funding:portal_returns")).content)
    assert "30 July 2025" in text and "30 July 2026" in text
    assert "30 July 2027" not in text and "30 July 2028" not in text
    assert "2 later returns are scheduled: each appears here a year before it is due." in text
