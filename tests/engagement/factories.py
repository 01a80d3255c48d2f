"""Factories for the engagement log, follow-up actions and flags."""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory

from lightbulb.core.roles import Role
from tests.factories import UserFactory


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = "engagement.Theme"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Theme {n}")


class EngagementFactory(DjangoModelFactory):
    class Meta:
        model = "engagement.Engagement"

    kind = "meeting"
    title = factory.Sequence(lambda n: f"Forum meeting {n}")
    held_on = datetime.date(2026, 3, 2)
    notes = "Groups spoke about rising hall hire costs."
    recorded_by = factory.SubFactory(UserFactory, role=Role.OFFICER)


class FollowUpActionFactory(DjangoModelFactory):
    class Meta:
        model = "engagement.FollowUpAction"

    engagement = factory.SubFactory(EngagementFactory)
    description = factory.Sequence(lambda n: f"Write to the groups about hall hire {n}")
    owner = factory.SubFactory(UserFactory, role=Role.OFFICER)
    due_date = datetime.date(2026, 4, 30)


class SurveyFactory(DjangoModelFactory):
    """An open survey (sent, open since last week, closing next month)."""

    class Meta:
        model = "engagement.Survey"

    title = factory.Sequence(lambda n: f"State of the sector {n}")
    introduction = "How is the year going for your organisation?"
    opens_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=7))
    closes_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))
    status = "open"
    created_by = factory.SubFactory(UserFactory, role=Role.OFFICER)


class SurveyQuestionFactory(DjangoModelFactory):
    class Meta:
        model = "engagement.SurveyQuestion"

    survey = factory.SubFactory(SurveyFactory)
    order = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"How confident are you about next year's funding? ({n})")
    kind = "scale"
