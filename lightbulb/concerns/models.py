"""Concerns about organisations, the action ladder, the hash-chained access log, counter-fraud figures and the risk register.

PRODUCT.md §2.11. A concern is restricted: only investigators read it, and every view or
change of one is appended to `AccessLogEntry`, a chain of SHA-256 hashes in which each entry
holds the previous entry's hash (see `lightbulb.concerns.chain`).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from lightbulb.core.locking import version_field
from lightbulb.core.models import TimeStampedModel


class ConcernSettings(models.Model):
    """The one row of settings an administrator keeps, and the head of the access log (written only by the log)."""

    triage_days = models.PositiveSmallIntegerField("Days to triage a concern", default=5, validators=[MinValueValidator(1), MaxValueValidator(60)])
    # The access log's last entry: deleting the newest entries is detected against these.
    log_length = models.PositiveBigIntegerField(default=0)
    log_head = models.CharField(max_length=64, blank=True)
    version = version_field()

    class Meta:
        verbose_name_plural = "concern settings"

    def __str__(self) -> str:
        return "Concern settings"


class Category(models.TextChoices):
    FRAUD = "fraud", "Fraud"
    MISUSE_OF_FUNDS = "misuse_of_funds", "Misuse of funds"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    GOVERNANCE = "governance", "Governance"
    POOR_DELIVERY = "poor_delivery", "Poor delivery"
    MISCONDUCT = "misconduct", "Misconduct"


# The categories the Transparency Code counts as fraud cases.
FRAUD_CATEGORIES = frozenset({Category.FRAUD, Category.MISUSE_OF_FUNDS})


class Source(models.TextChoices):
    STAFF = "staff", "Council staff"
    PUBLIC = "public", "Member of the public"
    ORGANISATION = "organisation", "An organisation in the sector"


class Status(models.TextChoices):
    RECEIVED = "received", "Awaiting triage"
    INVESTIGATING = "investigating", "Under investigation"
    CLOSED = "closed", "Closed"


class Concern(TimeStampedModel):
    reference = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    category = models.CharField(max_length=30, choices=Category.choices)
    # Who the concern is about, as the reporter named them; the investigator links the register's record.
    subject_name = models.CharField("Organisation the concern is about", max_length=300)
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey("funding.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    # The reporter: visible to investigators only. An anonymous report keeps none of it.
    anonymous = models.BooleanField(default=False)
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(blank=True)
    reporter_phone = models.CharField(max_length=40, blank=True)
    reporter_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reporter_organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A member of the public checks the status with the reference and this code (stored hashed).
    follow_up_code_hash = models.CharField(max_length=128, blank=True)
    received_on = models.DateField()
    triage_due = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    triaged_on = models.DateField(null=True, blank=True)
    triage_decision = models.TextField(blank=True)
    # Triage opened an investigation (not closed at triage): what the counter-fraud figures count.
    investigated = models.BooleanField(default=False)
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "triage_due"], name="concern_status_triage_idx")]

    def __str__(self) -> str:
        return f"Concern {self.reference}"

    @property
    def is_fraud(self) -> bool:
        return self.category in FRAUD_CATEGORIES


class NoteKind(models.TextChoices):
    NOTE = "note", "Investigation note"
    POWERS = "powers", "Powers used to require information"


class InvestigationNote(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=20, choices=NoteKind.choices, default=NoteKind.NOTE)
    text = models.TextField()
    # What the investigation cost (staff time and external costs), for the counter-fraud figures.
    cost = models.DecimalField(max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)])
    recorded_on = models.DateField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.recorded_on:%-d %B %Y}"


class Evidence(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="concerns/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Step(models.TextChoices):
    """The proportionate action ladder, least to most severe."""

    ADVICE = "advice", "Advice"
    IMPROVEMENT_PLAN = "improvement_plan", "Improvement plan"
    ENHANCED_MONITORING = "enhanced_monitoring", "Enhanced monitoring"
    SUSPEND_PAYMENTS = "suspend_payments", "Suspend payments"
    CLAW_BACK = "claw_back", "Claw back"
    TERMINATE = "terminate", "Terminate the agreement"
    REFER_ON = "refer_on", "Refer on"


STEP_ORDER = {value: index for index, value in enumerate(Step.values)}


class Referral(models.TextChoices):
    CHARITY_COMMISSION = "charity_commission", "The Charity Commission"
    POLICE = "police", "The police"
    ACTION_FRAUD = "action_fraud", "Action Fraud"


class LadderStep(models.Model):
    concern = models.ForeignKey(Concern, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=30, choices=Step.choices)
    justification = models.TextField("Why this step is proportionate and justified")
    # The impact assessment: service users first, then anyone else affected (volunteers, staff, other funders).
    impact_service_users = models.TextField("Impact on the people the organisation serves")
    impact_others = models.TextField("Impact on anyone else", blank=True)
    mitigations = models.TextField()
    # What the organisation is told (payments held, money clawed back, notice of termination).
    reason_to_organisation = models.TextField(blank=True)
    # What the step did to the real records, in words (payments held, amount clawed back, notice issued).
    effect = models.TextField(blank=True)
    referred_to = models.CharField(max_length=30, choices=Referral.choices, blank=True)
    taken_on = models.DateField()
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["taken_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} on {self.concern.reference}"


class AccessLogEntry(models.Model):
    """One view or change of a concern. `entry_hash` covers every field and the previous entry's hash."""

    sequence = models.PositiveBigIntegerField(unique=True)
    concern = models.ForeignKey(Concern, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    concern_reference = models.CharField(max_length=20, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=200)
    action = models.CharField(max_length=60)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField()
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return f"Access log entry {self.sequence}"


class CounterFraudYear(TimeStampedModel):
    """What the register cannot count for the Transparency Code: full-time equivalents and accredited specialists."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The financial year starting 1 April of this year")
    employees_fte = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    accredited_specialists = models.PositiveSmallIntegerField(default=0)
    accredited_fte = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    other_costs = models.DecimalField("Spending not recorded against a concern", max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Counter-fraud team {self.year}/{str(self.year + 1)[-2:]}"


# --- the risk register -------------------------------------------------------------------------


class RiskArea(models.TextChoices):
    FINANCIAL = "financial", "Financial"
    SERVICE_DELIVERY = "service_delivery", "Service delivery"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    REPUTATION = "reputation", "Reputation"
    INNOVATION = "innovation", "Innovation"
    COMPLIANCE = "compliance", "Legal and compliance"


class SubjectType(models.TextChoices):
    AGREEMENT = "agreement", "Agreement"
    PROJECT = "project", "Project"
    ASSET = "asset", "Asset"
    FUND = "fund", "Fund"


class RiskAppetite(TimeStampedModel):
    """The band of risk scores (likelihood × impact, 1 to 25) the council is willing to carry in one area."""

    area = models.CharField(max_length=30, choices=RiskArea.choices, unique=True)
    lowest = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(25)])
    highest = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(25)])
    statement = models.TextField(blank=True)

    class Meta:
        ordering = ["area"]

    def __str__(self) -> str:
        return f"Appetite for {self.get_area_display().lower()} risk"


class Risk(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.CharField(max_length=30, choices=RiskArea.choices)
    subject_type = models.CharField(max_length=20, choices=SubjectType.choices)
    subject_label = models.CharField(max_length=300)
    agreement = models.ForeignKey("funding.Agreement", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    likelihood = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    impact = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    controls = models.TextField()
    review_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    version = version_field()

    class Meta:
        ordering = ["review_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return int(self.likelihood) * int(self.impact)
