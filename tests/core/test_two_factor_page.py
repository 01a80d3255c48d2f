"""Until the authenticator code is accepted the service is not open: no navigation, no account link;
in the demo the code shown is one that will be accepted."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from django_otp.oath import TOTP
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


@override_settings(DEMO_MODE=True)
def test_the_demo_code_shown_is_never_one_already_used(officer_with_device):
    user, device = officer_with_device
    client = Client()
    client.force_login(user)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    current = str(totp.token()).zfill(6)

    def shown() -> str:
        page = visible_text(client.get("/account/two-factor", follow=True).content)
        codes = re.findall(r"\b\d{6}\b", page)
        assert codes, page
        return codes[0]

    assert shown() == current
    # The code for this period has been used (a sign-in a moment ago): the next one is shown, and accepted.
    device.last_t = totp.t()
    device.save()
    code = shown()
    assert code != current
    assert device.verify_token(code)
