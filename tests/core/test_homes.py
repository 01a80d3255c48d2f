"""A home for every role: what each person sees first after signing in."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from lightbulb.core.models import DutyRun
from lightbulb.core.roles import Role
from tests.conftest import ROLES
from tests.factories import CouncillorFactory, UserFactory, WardFactory
from tests.helpers import visible_text


def home_text(client: Client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return visible_text(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_role_lands_on_nothing_needs_your_attention_alone(role, client_for):
    text = home_text(client_for(role))
    assert "Dashboard" in text
    if "Nothing needs your attention" in text:
        assert "What you can do here" in text and "Your account" in text


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_navigation_item_leads_to_a_page_the_role_can_use(role, client_for):
    client = client_for(role)
    html = client.get("/").content.decode()
    menu = re.search(r'<nav aria-label="Menu".*?</nav>', html, re.S)
    links = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', menu.group(0)) if menu else []
    for href in links:
        assert client.get(href).status_code == 200, f"{role}'s menu leads to {href}, which they cannot use"


@pytest.mark.django_db
def test_an_administrator_sees_the_services_health(client_for):
    text = home_text(client_for(Role.ADMIN))
    assert "The service's health" in text
    assert "The daily duties have never run" in text
    DutyRun.objects.create(name="digest", day=timezone.localdate())
    DBTaskResult.objects.create(
        status=TaskResultStatus.FAILED, task_path="lightbulb.core.tasks.digest_send", args_kwargs={}, backend_name="default", queue_name="default", priority=0
    )
    text = home_text(client_for(Role.ADMIN))
    assert "Last ran" in text and "never run" not in text
    assert "Failed in the last 7 days 1 (digest send)" in text


@pytest.mark.django_db
def test_an_administrator_sees_accounts_waiting(client_for, users):
    UserFactory(role=Role.OFFICER, full_name="Olu Newstarter", email="olu@example.org")
    text = home_text(client_for(Role.ADMIN))
    assert "Accounts waiting for you" in text
    assert "Two-factor authentication not set up" in text and "Olu Newstarter , council officer" in text


@pytest.mark.django_db
def test_council_staff_are_shown_what_the_service_offers_them(client_for):
    text = home_text(client_for(Role.STAFF))
    assert "What Lightbulb offers you" in text
    assert "Your account" in text and "Your calendar" in text
    assert "when the people module is switched on" in text


@pytest.mark.django_db
def test_the_ward_list_puts_a_councillors_own_ward_first(users, client_for):
    councillor = users[Role.COUNCILLOR]
    CouncillorFactory(ward=WardFactory(name="Zetland"), user=councillor)
    WardFactory(name="Abbey")
    text = visible_text(client_for(Role.COUNCILLOR).get("/places/wards/").content)
    assert text.index("Your ward Zetland") < text.index("Abbey")
    assert "Zetland Your ward" in text
