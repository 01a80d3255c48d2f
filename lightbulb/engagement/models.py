"""The engagement log and the flags raised by cross-referencing (PRODUCT.md §2.5).

What the council hears (meetings, forums, workshops, visits, calls and surveys,
with who was there, notes, themes and follow-up actions) is kept beside what it
reads (funding, returns, payments, register values); `flags.py` sets one
against the other and raises explained flags.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from lightbulb.core.locking import version_field
from lightbulb.core.models import TimeStampedModel


class Theme(TimeStampedModel):
    """A managed tag for what the council hears ("premises costs", "volunteer recruitment", "late payments")."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=300, blank=True)
    # A retired theme stays on the records that carry it but is no longer offered.
    retired = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EngagementKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    FORUM = "forum", "Forum"
    WORKSHOP = "workshop", "Workshop"
    VISIT = "visit", "Visit"
    CALL = "call", "Call"
    SURVEY = "survey", "Survey"


class Engagement(TimeStampedModel):
    """One occasion of listening: who was there, what was said, what it was about."""

    kind = models.CharField(max_length=20, choices=EngagementKind.choices)
    title = models.CharField(max_length=300)
    held_on = models.DateField("Date")
    # Where it happened or whom it concerned, when it is about one ward.
    ward = models.ForeignKey("places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="engagements")
    notes = models.TextField(blank=True)
    organisations = models.ManyToManyField("organisations.Organisation", blank=True, related_name="engagements")
    councillors = models.ManyToManyField("places.Councillor", blank=True, related_name="engagements")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="engagements_attended")
    themes = models.ManyToManyField(Theme, blank=True, related_name="engagements")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["-held_on"], name="engagement_held_idx"), models.Index(fields=["ward", "-held_on"], name="engagement_ward_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class FollowUpAction(TimeStampedModel):
    """Something someone promised to do after an engagement, with an owner and a due date."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=500)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_up_actions")
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completion_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["owner", "completed_on", "due_date"], name="action_owner_due_idx")]

    def __str__(self) -> str:
        return self.description
