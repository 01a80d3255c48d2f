"""The council-scale demo (600 organisations, 1,500 agreements), generated once for every check of it: the sizes
PRODUCT.md §4 asks for, each commissioning feature the tiny demo shows, and the engagement log with its flags,
surveys and boundaries. Generating it takes seconds, most of all on PostgreSQL, so it is done once, not per check."""

from __future__ import annotations

import datetime

import pytest

from lightbulb.demo import generator
from lightbulb.engagement.models import Engagement, Flag, FlagRule, FollowUpAction, Survey, SurveyAnswer, SurveyInvitation
from lightbulb.places.models import Ward
from tests.demo.test_commissioning_features import every_feature_holds
from tests.demo.test_generator import the_council_scale_has_the_sizes_the_brief_asks_for

TODAY = datetime.date(2026, 6, 1)


def the_engagement_log_has_flags_surveys_and_boundaries() -> None:
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


@pytest.mark.django_db
def test_the_council_scale_has_its_sizes_every_commissioning_feature_and_the_engagement_log():
    ctx = generator.generate("council", 2026, today=TODAY)
    the_council_scale_has_the_sizes_the_brief_asks_for(ctx)
    every_feature_holds(ctx)
    the_engagement_log_has_flags_surveys_and_boundaries()
