"""Opening times given twice (the Add button pressed twice, or a form sent again) are recorded, and published, once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from lightbulb.core.roles import Role
from lightbulb.directory import services
from lightbulb.directory.models import ServiceSchedule
from tests.directory.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_the_same_opening_times_on_a_day_that_has_them_are_refused_and_nothing_is_added(users, own_organisation):
    service = ServiceFactory(organisation=own_organisation, name="Tuesday lunch club")
    services.service_schedule_add(acting_user=users[Role.VCS], service=service, days=["2", "4"], opens_at="09:30", closes_at="12:00")
    with pytest.raises(ValidationError) as refused:
        services.service_schedule_add(acting_user=users[Role.VCS], service=service, days=["2", "5"], opens_at="9.30", closes_at="12:00")
    assert refused.value.message_dict == {"days": ["Tuesday already opens from 09:30 to 12:00"]}
    assert ServiceSchedule.objects.filter(service=service).count() == 2


def test_other_times_on_the_same_day_are_added(users, own_organisation):
    service = ServiceFactory(organisation=own_organisation, name="Tuesday lunch club")
    services.service_schedule_add(acting_user=users[Role.VCS], service=service, days=["2"], opens_at="09:30", closes_at="12:00")
    services.service_schedule_add(acting_user=users[Role.VCS], service=service, days=["2"], opens_at="14:00", closes_at="16:00")
    assert ServiceSchedule.objects.filter(service=service, weekday=2).count() == 2
