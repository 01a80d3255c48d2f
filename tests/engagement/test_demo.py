"""The demo council has engagement records with themes, flags of every rule (some dismissed), and ward boundaries."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.demo import generator
from lightbulb.engagement.models import Engagement, Flag, FlagRule, FollowUpAction
from lightbulb.places.models import Ward

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def test_the_demo_council_has_engagement_flags_and_boundaries():
    generator.generate("council", 2026, today=TODAY)
    assert Engagement.objects.count() >= 12 and Engagement.objects.filter(themes__isnull=False).exists()
    assert FollowUpAction.objects.filter(completed_on__isnull=True).exists() and FollowUpAction.objects.filter(completed_on__isnull=False).exists()
    assert not Ward.objects.filter(boundary__isnull=True).exists()
    raised = set(Flag.objects.values_list("rule", flat=True))
    assert raised == set(FlagRule.values), set(FlagRule.values) - raised
    assert Flag.objects.filter(status="dismissed").count() == 2
