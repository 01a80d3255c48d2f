"""Flags as officers and councillors see them: the list, one flag with its evidence, dismissing it, the organisation page and the dashboard."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.engagement.flags.engine import flags_refresh
from lightbulb.engagement.models import Flag
from tests.conftest import sign_in
from tests.factories import AgreementFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged(db):
    organisation = OrganisationFactory(name="Riverside Food Bank", latest_income=Decimal("16000"))
    today = datetime.date.today()
    AgreementFactory(
        organisation=organisation,
        status="live",
        amount=Decimal("12000"),
        reference="AGR-2026-0100",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=200),
    )
    flags_refresh({organisation.pk})
    return Flag.objects.get(organisation=organisation)


def test_an_officer_reads_the_flag_and_dismisses_it_with_a_reason(client, users, flagged):
    sign_in(client, users[Role.OFFICER])
    listed = visible_text(client.get(reverse("engagement:flag_list")).content)
    assert (
        "Depends on council funding : 1 open" in listed
        and "Riverside Food Bank" in listed
        and "75% of Riverside Food Bank's latest income of £16,000" in listed
    )
    detail = visible_text(client.get(reverse("engagement:flag_detail", kwargs={"pk": flagged.pk})).content)
    assert "Agreement AGR-2026-0100" in detail and "Dismiss this flag" in detail
    refused = visible_text(client.post(reverse("engagement:flag_dismiss", kwargs={"pk": flagged.pk}), {"reason": ""}).content)
    assert "Enter why you are dismissing the flag" in refused
    done = visible_text(client.post(reverse("engagement:flag_dismiss", kwargs={"pk": flagged.pk}), {"reason": "Accounts are a year old"}, follow=True).content)
    assert "Flag dismissed" in done and "Accounts are a year old" in done and "Dismiss this flag" not in done
    assert "No flags match" in visible_text(client.get(reverse("engagement:flag_list")).content)


def test_the_organisation_page_and_the_dashboard_show_flags(client, users, flagged):
    sign_in(client, users[Role.OFFICER])
    page = visible_text(client.get(reverse("organisations:detail", kwargs={"pk": flagged.organisation_id})).content)
    assert "Flags Depends on council funding Council funding of £12,000 a year is 75%" in page
    home = visible_text(client.get(reverse("core:home")).content)
    assert "Open flags 1 open flag across the register" in home


def test_a_councillor_reads_flags_but_cannot_dismiss(client, users, flagged):
    sign_in(client, users[Role.COUNCILLOR])
    detail = visible_text(client.get(reverse("engagement:flag_detail", kwargs={"pk": flagged.pk})).content)
    assert "Depends on council funding" in detail and "Dismiss this flag" not in detail
    assert client.post(reverse("engagement:flag_dismiss", kwargs={"pk": flagged.pk}), {"reason": "No"}).status_code == 403
