"""The tiny demo anchored on the real date, as the portal shows it to the demo's member (not on a fixed day, so in a
module of its own: tests.conftest.demo_for_the_module keeps one demo per module)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lightbulb.accounts.models import User
from lightbulb.compact.models import Consultation
from lightbulb.demo import generator
from lightbulb.funding.models import Decommissioning, MonitoringReturn
from tests.conftest import sign_in
from tests.helpers import visible_text


@pytest.mark.django_db
def test_the_vcs_demo_user_sees_a_return_due_an_overdue_one_and_a_notice_in_the_portal():
    generator.generate("tiny", 7)  # anchored on the real date, as the portal is
    vcs = User.objects.get(email="vcs@anytown.example")
    client = sign_in(Client(), vcs)
    home = visible_text(client.get("/").content.decode())
    assert "Returns due" in home
    assert "Overdue" in home
    returns = MonitoringReturn.objects.filter(agreement__organisation__memberships__user=vcs, status=MonitoringReturn.Status.DUE)
    today = timezone.localdate()
    assert returns.filter(due_date__lt=today).exists()
    assert returns.filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=31)).exists()
    page = client.get(reverse("funding:portal_returns"))
    assert page.status_code == 200
    reference = returns.first().agreement.reference
    assert reference in visible_text(page.content.decode())
    notices = client.get(reverse("funding:portal_notices"))
    assert notices.status_code == 200
    notice = Decommissioning.objects.filter(stage="notice_issued", agreement__organisation__memberships__user=vcs).first()
    assert notice is not None
    assert notice.agreement.reference in visible_text(notices.content.decode())
    consultations = client.get(reverse("compact:portal_consultations"))
    assert Consultation.objects.get(start_date__lte=today, end_date__gte=today).title in visible_text(consultations.content.decode())
