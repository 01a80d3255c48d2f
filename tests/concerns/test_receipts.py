"""A concern's receipt reaches only the person who raised it: never the organisation's other members, nor the council's letters."""

from __future__ import annotations

import pytest
from django.core import mail

from lightbulb.concerns import services
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.roles import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

REPORT = {"category": "fraud", "subject_name": "The treasurer", "description": "Invoices for sessions that never ran"}


def test_a_portal_concern_is_acknowledged_to_its_reporter_alone(users, own_organisation):
    colleague = UserFactory(role=Role.VCS, email="treasurer@example.org")
    MembershipFactory(user=colleague, organisation=own_organisation)
    reporter = users[Role.VCS]

    concern = services.concern_raise_for_organisation(acting_user=reporter, organisation=own_organisation, answers=REPORT)

    assert [message.to for message in mail.outbox] == [[reporter.email]]
    assert concern.reference in mail.outbox[0].subject
    assert not OrganisationMessage.objects.exists()
