"""Two officers change one agreement or condition: the second save is refused, their own input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lightbulb.core.models import AuditEvent
from lightbulb.funding.models import Agreement, Condition
from tests.factories import ConditionFactory
from tests.helpers import visible_text
from tests.locking import form_values, second_save_refused

pytestmark = pytest.mark.django_db


def test_the_second_agreement_save_is_refused_with_what_changed_and_their_input_kept(agreement):
    url = reverse("funding:agreement_edit", kwargs={"pk": agreement.pk})
    refused = second_save_refused(url, {"title": "Riverside café grant (extended hours)"}, {"title": "Riverside café and pantry grant"})
    assert "Title is now 'Riverside café grant (extended hours)'" in visible_text(refused.content)
    assert form_values(refused.content)["title"] == "Riverside café and pantry grant"
    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.title, stored.version) == ("Riverside café grant (extended hours)", 2)
    assert AuditEvent.objects.filter(action="agreement_update").count() == 1


def test_the_second_condition_save_is_refused_with_what_changed_and_their_input_kept(agreement):
    condition = ConditionFactory(agreement=agreement, kind="kpi", description="People supported", target=100, unit="people")
    url = reverse("funding:condition_edit", kwargs={"pk": agreement.pk, "condition_pk": condition.pk})
    refused = second_save_refused(url, {"target": "300"}, {"description": "Families supported"})
    text = visible_text(refused.content)
    assert "Target is now '300.00'" in text and "Description is now 'People supported'" in text
    assert form_values(refused.content)["description"] == "Families supported"
    stored = Condition.objects.get(pk=condition.pk)
    assert (stored.description, stored.target, stored.version) == ("People supported", 300, 2)
    assert AuditEvent.objects.filter(action="condition_update").count() == 1
