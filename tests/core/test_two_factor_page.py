"""Until the authenticator code is accepted the service is not open: no navigation, no account link;
in the demo the code shown is one that will be accepted."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.core.roles import Role
from tests.factories import UserFactory
from tests.helpers import visible_text


@pytest.fixture
def officer_with_device(db):
    user = UserFactory(role=Role.OFFICER, email="officer@anytown.example", full_name="Olive Officer")
    device = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return user, device


def test_the_two_factor_page_shows_no_navigation(officer_with_device):
    user, _ = officer_with_device
    client = Client()
    client.force_login(user)
    response = client.get("/account/two-factor", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-service-navigation__item" not in html
    assert "your account" not in visible_text(html)
    assert "Sign out" in visible_text(html)


def test_navigation_appears_once_the_code_is_accepted(client_for):
    html = client_for(Role.OFFICER).get("/").content.decode()
    assert "govuk-service-navigation__item" in html and "your account" in visible_text(html)
