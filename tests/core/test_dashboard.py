"""Core's deadlines panel on the dashboard: every module's registered deadlines for the next two weeks."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lightbulb.core.registry import Deadline, registry
from tests.helpers import visible_text

TODAY = datetime.datetime(2025, 10, 10, 9, 0)


def notices_source(user, start, end, everyone=False):
    """Stands in for a module's notice periods: one overdue response, one notice ending soon, for the officer."""
    if getattr(user, "email", "") != "officer@example.org":
        return []
    deadlines = [
        Deadline(date=datetime.date(2025, 10, 1), title="Response due to the notice on AGR-DEC-8", url="/funding/agreements/8/", kind="notice", overdue=True),
        Deadline(date=datetime.date(2025, 10, 20), title="Notice period ends: AGR-DEC-9 Hilltop Youth Club", url="/funding/agreements/9/", kind="notice"),
        # Past and not overdue: history, not a duty.
        Deadline(date=datetime.date(2025, 9, 1), title="Funding ended: AGR-DEC-7", url="/funding/agreements/7/", kind="notice"),
        # Beyond the two weeks.
        Deadline(date=datetime.date(2025, 12, 1), title="Funding ends: AGR-DEC-6", url="/funding/agreements/6/", kind="notice"),
    ]
    return [deadline for deadline in deadlines if start <= deadline.date <= end]


@pytest.fixture
def with_notices(monkeypatch):
    monkeypatch.setitem(registry.deadlines, "notices_test", notices_source)


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_officer_sees_overdue_and_coming_deadlines_from_every_source(client_for, with_notices):
    text = visible_text(client_for("officer").get("/").content)
    assert "Your deadlines in the next 14 days" in text
    overdue, coming = text.split("Coming up")
    assert "Response due to the notice on AGR-DEC-8" in overdue
    assert "Notice period ends: AGR-DEC-9 Hilltop Youth Club" in coming
    assert "AGR-DEC-7" not in text
    assert "AGR-DEC-6" not in text
    assert "Add your deadlines to your calendar" in text


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_an_officer_with_nothing_due_is_told_so(client_for):
    text = visible_text(client_for("officer").get("/").content)
    assert "Nothing is overdue or due in the next two weeks." in text
    assert "Add your deadlines to your calendar" in text


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_other_council_users_see_the_panel_only_when_something_is_due(client_for, monkeypatch):
    assert "Your deadlines in the next 14 days" not in visible_text(client_for("councillor").get("/").content)

    def for_everyone(user, start, end, everyone=False):
        return [Deadline(date=datetime.date(2025, 10, 15), title="Consultation closes", url="/compact/", kind="consultation")]

    monkeypatch.setitem(registry.deadlines, "everyone_test", for_everyone)
    assert "Consultation closes" in visible_text(client_for("councillor").get("/").content)
    # Organisations see their duties in the portal's own panels, not this one.
    assert "Your deadlines in the next 14 days" not in visible_text(client_for("vcs").get("/").content)


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_a_broken_deadline_source_does_not_break_the_dashboard(client_for, monkeypatch, with_notices):
    def broken(user, start, end, everyone=False):
        raise RuntimeError("boom")

    monkeypatch.setitem(registry.deadlines, "broken_test", broken)
    response = client_for("officer").get("/")
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "Your deadlines in the next 14 days" in text
    assert "Notice period ends: AGR-DEC-9 Hilltop Youth Club" in text


def many_notices_source(user, start, end, everyone=False):
    """Twelve overdue responses and twelve notices ending soon, for the officer."""
    if getattr(user, "email", "") != "officer@example.org":
        return []
    overdue = [
        Deadline(date=datetime.date(2025, 9, day), title=f"Response due to the notice on AGR-OLD-{day}", url=f"/o/{day}/", kind="notice", overdue=True)
        for day in range(1, 13)
    ]
    coming = [
        Deadline(date=datetime.date(2025, 10, 11 + day), title=f"Notice period ends: AGR-NEW-{day}", url=f"/n/{day}/", kind="notice") for day in range(12)
    ]
    return [deadline for deadline in overdue + coming if start <= deadline.date <= end]


@pytest.mark.django_db
@time_machine.travel(TODAY, tick=False)
def test_the_panel_lists_the_first_ten_of_each_with_how_many_there_are(client_for, monkeypatch):
    monkeypatch.setitem(registry.deadlines, "notices_test", many_notices_source)
    text = visible_text(client_for("officer").get("/").content)
    overdue, coming = text.split("Coming up")
    assert "Overdue (12)" in overdue
    assert "The 10 longest overdue." in overdue
    assert "AGR-OLD-1 " in overdue and "AGR-OLD-10 " in overdue
    assert "AGR-OLD-11" not in overdue
    assert "(12)" in coming and "The 10 soonest." in coming
    assert "AGR-NEW-9 " in coming
    assert "AGR-NEW-10" not in coming
    assert "Your daily digest e-mail and your calendar feed list every one." in text
