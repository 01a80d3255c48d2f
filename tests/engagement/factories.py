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
