"""The demo council's invented people and published password never reach a production database."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from lightbulb.accounts.models import User


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_seed_demo_refuses_under_production_settings():
    with pytest.raises(CommandError, match="refuses to run under production settings"):
        call_command("seed_demo", "--scale", "tiny")
    assert not User.objects.exists()
