"""The local Compact and consultations (PRODUCT.md §2.4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from lightbulb.core.locking import version_field
from lightbulb.core.models import TimeStampedModel


class CompactRule(models.TextChoices):
    """Measurable commitments the system checks from data it already holds."""

    CONSULTATION_12_WEEKS = "consultation_12_weeks", "Written consultations run at least 12 weeks, or a reason is recorded"
    NOTICE_3_MONTHS = "notice_3_months", "At least 3 months' written notice with reasons before funding ends or is reduced"
    PAYMENT_30_DAYS = "payment_30_days", "Invoices and grant payments are paid within 30 days"
    MULTI_YEAR = "multi_year", "Multi-year funding (3 years or more) where the need is long-term"
    FULL_COST_RECOVERY = "full_cost_recovery", "Full cost recovery"


class Compact(TimeStampedModel):
    """The council's Compact (at most one). The module is optional: no row, or not enabled, is fine."""

    title = models.CharField(max_length=200, default="Anytown Compact")
    adopted_on = models.DateField(null=True, blank=True)
    enabled = models.BooleanField(default=True)
    introduction = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.title


class Commitment(TimeStampedModel):
    compact = models.ForeignKey(Compact, on_delete=models.CASCADE, related_name="commitments")
    order = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    # Set when the commitment is measurable from data the system holds.
    rule = models.CharField(max_length=40, choices=CompactRule.choices, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class Consultation(TimeStampedModel):
    title = models.CharField(max_length=300)
    purpose = models.TextField()
    start_date = models.DateField()
    end_date = models.DateField()
    short_reason = models.TextField("Reason for a consultation shorter than 12 weeks", blank=True)
    lead_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited = models.ManyToManyField("organisations.Organisation", blank=True, related_name="consultations_invited")
    you_said_we_did = models.TextField('"You said, we did" summary', blank=True)
    summary_published_on = models.DateField(null=True, blank=True)

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="consultation_end_after_start")]

    def __str__(self) -> str:
        return self.title

    @property
    def weeks(self) -> float:
        return ((self.end_date - self.start_date).days + 1) / 7


class ConsultationResponse(TimeStampedModel):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="consultation_responses")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["consultation", "organisation"], name="one_response_per_organisation")]
