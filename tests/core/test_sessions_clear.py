"""Expired sessions are cleared by a daily duty run in the background."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from lightbulb.core import tasks
from lightbulb.core.registry import registry

pytestmark = pytest.mark.django_db


def _session(expires_in: datetime.timedelta) -> str:
    store = SessionStore()
    store["who"] = "someone"
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_the_daily_duty_clears_expired_sessions_and_keeps_live_ones():
    expired = _session(datetime.timedelta(minutes=-5))
    live = _session(datetime.timedelta(minutes=30))

    registry.daily_duties["clear_expired_sessions"]()  # the test settings run tasks at once

    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert expired not in remaining
    assert live in remaining


def test_the_task_itself_clears_expired_sessions():
    expired = _session(datetime.timedelta(days=-1))
    tasks.clear_expired_sessions.call()
    assert not Session.objects.filter(session_key=expired).exists()
