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
        indexes = [
            # The log as it opens (newest first, the number breaking ties): a page is the next keys of this index.
            models.Index(fields=["-held_on", "-id"], name="engagement_held_id_idx"),
            models.Index(fields=["ward", "-held_on"], name="engagement_ward_idx"),
            # The log filtered by kind (and counted so), newest first.
            models.Index(fields=["kind", "-held_on", "-id"], name="engagement_kind_held_idx"),
        ]

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


class FlagRule(models.TextChoices):
    """The cross-referencing rules of PRODUCT.md §2.5, each in `lightbulb/engagement/flags/`."""

    DEPENDENCY = "dependency", "Depends on council funding"
    REGISTER = "register", "Register problem while an agreement is live"
    CLAIMED_WARDS = "claimed_wards", "Claims work where it has no recorded activity"
    CLAIMED_NUMBERS = "claimed_numbers", "Claims numbers out of line with its size"
    SHARED_DETAILS = "shared_details", "Shares details with another applicant"
    NEW_LARGE_AWARD = "new_large_award", "Newly registered with a large award"
    OVERDUE_RETURNS = "overdue_returns", "Monitoring returns overdue"
    SAME_PURPOSE = "same_purpose", "The same purpose funded twice"


class Flag(models.Model):
    """What the council hears set against what it reads, raised by a rule, explained and linked to its evidence.

    One row per (organisation, rule, key): the key tells apart two flags of one rule (two agreements,
    two shared details). The fingerprint is a digest of the evidence: a dismissed flag stays
    dismissed while its evidence is unchanged, and is raised again when it changes.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        # The evidence is gone (the return came in, the agreement ended): kept for the record.
        RESOLVED = "resolved", "No longer applies"

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="flags")
    rule = models.CharField(max_length=30, choices=FlagRule.choices)
    key = models.CharField(max_length=100, blank=True)
    reason = models.TextField()
    # [{"label": "...", "url": "/funding/agreements/1/"}, …]
    evidence = models.JSONField(default=list)
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    dismiss_reason = models.TextField(blank=True)
    # The evidence as it was when dismissed: different evidence raises the flag again.
    dismissed_fingerprint = models.CharField(max_length=64, blank=True)
    # How many times the flag was raised again after a dismissal.
    times_raised_again = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "rule", "key"], name="flag_once_per_rule_key")]
        indexes = [
            models.Index(fields=["status", "rule", "-raised_at"], name="flag_status_rule_idx"),
            models.Index(fields=["organisation", "status"], name="flag_org_status_idx"),
            # The flags list's default order (newest first): a page is the next 25 entries, not a sort of every open flag.
            models.Index(fields=["status", "-raised_at", "-id"], name="flag_status_raised_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.organisation_id}"


class OpenFlagTally(models.Model):
    """How many flags of each rule are open, kept by the database as flags change (lightbulb.core.tallies).

    The dashboard and the flags list read these few rows instead of counting every open flag (about
    50,000 at national scale) on every visit.
    """

    key = models.CharField(max_length=30, primary_key=True, choices=FlagRule.choices)
    total = models.BigIntegerField(default=0)

    class Meta:
        db_table = "engagement_openflagtally"

    def __str__(self) -> str:
        return f"{self.key}: {self.total}"


class PackBuild(TimeStampedModel):
    """A zip of every ward's briefing pack, built in the background with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Building"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    wards_total = models.PositiveIntegerField(default=0)
    wards_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="briefing-packs/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Briefing packs requested {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def percent_done(self) -> int:
        return int(self.wards_done * 100 / self.wards_total) if self.wards_total else 0


class FlagThresholds(models.Model):
    """The one row of flag thresholds an administrator keeps; an empty field uses the setting (`FLAG_…`) or its default.

    Changing a threshold recomputes every organisation's flags in the background.
    """

    dependency_percent = models.PositiveSmallIntegerField("Council funding share of latest income (%)", null=True, blank=True)
    new_organisation_months = models.PositiveSmallIntegerField("Newly registered: months before the agreement starts", null=True, blank=True)
    large_award = models.DecimalField("Large award (£)", max_digits=14, decimal_places=2, null=True, blank=True)
    cost_per_person_floor = models.DecimalField("Least income per person claimed (£)", max_digits=10, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = version_field()

    class Meta:
        verbose_name_plural = "flag thresholds"

    def __str__(self) -> str:
        return "Flag thresholds"


class QuestionKind(models.TextChoices):
    SCALE = "scale", "A scale from 1 to 5"
    CHOICE = "choice", "One choice from a list"
    TEXT = "text", "Free text"


class Survey(TimeStampedModel):
    """A "state of the sector" survey: questions an officer sends to organisations, answered once by each before it closes."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Not sent yet"
        OPEN = "open", "Sent"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=300)
    introduction = models.TextField(blank=True)
    opens_on = models.DateField("Opens")
    closes_on = models.DateField("Closes")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Two officers may change its title and dates at once: a form drawn before the other's save is refused.
    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opens")]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    # For a choice: the options, in order.
    options = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def field_name(self) -> str:
        return f"question_{self.pk}"


class SurveyInvitation(models.Model):
    """A survey sent to one organisation: due until it is answered or the survey closes."""

    class Status(models.TextChoices):
        DUE = "due", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed without an answer"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.CASCADE, related_name="survey_invitations")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DUE)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation__name", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "organisation"], name="survey_invited_once")]
        indexes = [models.Index(fields=["organisation", "status"], name="survey_invitation_org_idx")]

    def __str__(self) -> str:
        return f"{self.survey} to {self.organisation_id}"


class SurveyAnswer(TimeStampedModel):
    """An organisation's answers to a survey: one per organisation, given in the portal or recorded by an officer on its behalf."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="survey_answers")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # True when an officer recorded it for the organisation (by phone, on paper, at a meeting).
    on_behalf = models.BooleanField(default=False)
    # {"<question id>": 4 | "an option" | "some text"}
    answers = models.JSONField(default=dict)
    # A member and an officer may both answer for the organisation: a form drawn before the other's answer is refused.
    version = version_field()

    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "organisation"], name="survey_one_answer_per_organisation")]

    def __str__(self) -> str:
        return f"Answer to {self.survey_id} from {self.organisation_id}"
