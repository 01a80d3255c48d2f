"""Two officers change one consultation: the second save is refused, their own input kept."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from lightbulb.compact import services
from lightbulb.compact.models import Consultation
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.helpers import visible_text
from tests.locking import form_values, second_save_refused

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 2)


@time_machine.travel(TODAY)
def test_the_second_consultation_save_is_refused_with_what_changed_and_their_input_kept(users):
    data = {"title": "Youth services", "purpose": "Views", "start_date": TODAY, "end_date": TODAY + datetime.timedelta(days=90), "short_reason": ""}
    consultation = services.consultation_create(acting_user=users[Role.OFFICER], data=data)
    url = reverse("compact:consultation_edit", kwargs={"pk": consultation.pk})
    refused = second_save_refused(url, {"title": "Youth services review"}, {"title": "Services for young people"})
    assert "Title is now 'Youth services review'" in visible_text(refused.content)
    assert form_values(refused.content)["title"] == "Services for young people"
    stored = Consultation.objects.get(pk=consultation.pk)
    assert (stored.title, stored.version) == ("Youth services review", 2)
    assert AuditEvent.objects.filter(action="consultation_update").count() == 1
