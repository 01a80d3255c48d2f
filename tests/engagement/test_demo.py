"""The demo council has engagement records with themes, flags of every rule (some dismissed), survey answers, and ward boundaries."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.demo import generator
from lightbulb.engagement.models import Engagement, Flag, FlagRule, FollowUpAction, Survey, SurveyAnswer, SurveyInvitation
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
    # Last year's survey closed with its answers (nothing left waiting), this year's open with the demo member's still to answer.
    closed, open_now = Survey.objects.order_by("opens_on")
    assert closed.status == "closed" and not closed.invitations.filter(status="due").exists()
    assert SurveyAnswer.objects.filter(survey=closed).count() >= 10 and SurveyAnswer.objects.filter(on_behalf=True).exists()
    assert open_now.status == "open" and open_now.opens_on <= TODAY <= open_now.closes_on
    assert SurveyInvitation.objects.filter(survey=open_now, status="due", organisation__memberships__user__email="vcs@anytown.example").exists()
