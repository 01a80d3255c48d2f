"""Funding agreements from commissioning to decommissioning (PRODUCT.md §2.3)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from lightbulb.core.dates import long_date
from lightbulb.core.locking import version_field
from lightbulb.core.models import ArchivableModel, TimeStampedModel


class AgreementKind(models.TextChoices):
    GRANT = "grant", "Grant"
    CONTRACT = "contract", "Contract (commissioned service)"
    SLA = "sla", "Service-level agreement"


class AgreementStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    APPROVED = "approved", "Approved"
    AWARDED = "awarded", "Awarded"
    LIVE = "live", "Live"
    UNDER_REVIEW = "under_review", "Under review"
    EXTENDED = "extended", "Extended"
    RECOMMISSIONED = "recommissioned", "Recommissioned"
    DECOMMISSIONED = "decommissioned", "Decommissioned"
    CLOSED = "closed", "Closed"


class ProcurementRoute(models.TextChoices):
    GRANT_ROUND = "grant_round", "Open grant round"
    DIRECT_GRANT = "direct_grant", "Direct grant award"
    QUOTATION = "quotation", "Request for quotation"
    OPEN_TENDER = "open_tender", "Open tender"
    FRAMEWORK = "framework", "Call-off from a framework"
    DIRECT_AWARD = "direct_award", "Direct award (with waiver)"
    GRANT_IN_AID = "grant_in_aid", "Grant in aid / service-level agreement"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class PaymentBasis(models.TextChoices):
    ADVANCE = "advance", "In advance"
    ARREARS = "arrears", "In arrears"
    MILESTONES = "milestones", "On milestones"


class DueDiligenceCheck(models.TextChoices):
    GOVERNING_DOCUMENT = "governing_document", "Governing document seen"
    ACCOUNTS = "accounts", "Latest accounts reviewed"
    BANK_DETAILS = "bank_details", "Bank details verified"
    INSURANCE = "insurance", "Insurance certificates seen"
    SAFEGUARDING = "safeguarding", "Safeguarding policy checked"
    EQUALITY = "equality", "Equality policy checked"
    FINANCIAL_HEALTH = "financial_health", "Financial health check"
    REFERENCES = "references", "References taken"
    REGISTER_CHECK = "register_check", "Register entry checked (Charity Commission / Companies House)"


class ProportionalityTier(TimeStampedModel):
    """Checks, monitoring frequency and advance payment by value band and risk (a setting admins edit)."""

    name = models.CharField(max_length=100)
    min_value = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)])
    # Empty: no upper limit.
    max_value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)])
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    required_checks = models.JSONField(default=list, blank=True, help_text="Codes from DueDiligenceCheck")
    monitoring_every_months = models.PositiveSmallIntegerField(default=12, validators=[MinValueValidator(1)])
    advance_payment_allowed = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["min_value", "risk_level"]

    def __str__(self) -> str:
        return self.name


def is_multi_year(start: datetime.date, end: datetime.date) -> bool:
    """An agreement from `start` to `end` runs three years or more (the Compact's multi-year measure)."""
    try:
        three_years_on = start.replace(year=start.year + 3)
    except ValueError:  # 29 February
        three_years_on = start.replace(year=start.year + 3, day=28)
    return end + datetime.timedelta(days=1) >= three_years_on


class Agreement(ArchivableModel):
    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=AgreementKind.choices)
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="agreements")
    # The council keeps accountability when it hands over delivery.
    accountable_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accountable_agreements")
    department = models.CharField("Council service or department", max_length=200)
    budget_line = models.CharField("Budget line (cost centre)", max_length=100)
    purpose = models.TextField()
    amount = models.DecimalField("Total value", max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    start_date = models.DateField()
    end_date = models.DateField()
    procurement_route = models.CharField(max_length=30, choices=ProcurementRoute.choices)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    payment_basis = models.CharField(max_length=20, choices=PaymentBasis.choices, default=PaymentBasis.ARREARS)
    reporting_every_months = models.PositiveSmallIntegerField("Monitoring return every (months)", default=3, validators=[MinValueValidator(1)])
    status = models.CharField(max_length=20, choices=AgreementStatus.choices, default=AgreementStatus.PLANNED)
    # Publishing (Transparency Code, 360Giving).
    recipient_is_vcse = models.BooleanField("Recipient is a VCSE", default=True)
    recipient_is_sme = models.BooleanField("Recipient is an SME", default=True)
    recipient_registration_number = models.CharField(max_length=30, blank=True)
    # Compact measures.
    full_cost_recovery = models.BooleanField("Funds full cost recovery", default=False)
    long_term_need = models.BooleanField("Meets a long-term need", default=False)
    wards = models.ManyToManyField("places.Ward", blank=True, related_name="agreements")
    # The agreement this one recommissions or extends, if any.
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="successors")

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "reference"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="agreement_end_after_start"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="agreement_amount_positive"),
        ]
        indexes = [
            # Officer's "my agreements" and status filters, and the running agreements of theirs ending in a window (the
            # dashboard's renewals and reviews): a range of end dates within each status, where the officer's end-date index
            # holds every one of their closed agreements too and the planner would rather cross two indexes (2 ms, not 0.1).
            models.Index(fields=["accountable_officer", "status", "end_date"], name="agreement_officer_stat_end_idx"),
            # An officer's duties on the dashboard (returns, payments, reviews, deadlines) start from the agreements they are
            # accountable for that are not closed (a closed agreement owes nothing): a few dozen, where an officer may have
            # closed hundreds of thousands. Migration 0011 also gives PostgreSQL the officer/status statistics to see that.
            # It carries the agreement's number, so the dashboard's "my running agreements" (`in_array`) reads the index alone.
            models.Index(fields=["accountable_officer", "status"], name="agreement_officer_open_idx", condition=~models.Q(status="closed"), include=["id"]),
            # "Only agreements I am accountable for", newest first (the default) or by end date: an officer's next 50 keys.
            models.Index(fields=["accountable_officer", "start_date", "id"], name="agreement_officer_start_idx"),
            models.Index(fields=["accountable_officer", "end_date", "id"], name="agreement_officer_end_idx"),
            models.Index(fields=["status", "end_date"], name="agreement_status_end_idx"),
            # An organisation's agreements, newest first.
            models.Index(fields=["organisation", "-start_date"], name="agreement_org_idx"),
            # A ward's agreements that name no ward (engagement.selectors.wards.agreements_in_ward): the agreements of the
            # ward's hundred or so organisations, from the index alone rather than a read of every agreement.
            models.Index(fields=["organisation", "id"], name="agreement_org_id_idx"),
            # An organisation's agreements still running at a date (its page's relationship health): without it PostgreSQL
            # read every agreement in the council ending after that date (41,000 at national scale) to keep a busy
            # organisation's few dozen.
            models.Index(fields=["organisation", "end_date"], name="agreement_org_end_idx"),
            # The list's sorts read in index order (either way), so a page of a million rows is the next 50 keys, not a sort:
            # newest first by default, by end date (and the latest end date the year filter starts from), by value within a status.
            models.Index(fields=["start_date", "id"], name="agreement_start_idx"),
            models.Index(fields=["end_date", "id"], name="agreement_end_idx"),
            models.Index(fields=["status", "amount", "id"], name="agreement_status_amount_idx"),
            # The Compact's multi-year and full cost recovery measures count the year's new agreements from the index alone.
            models.Index(
                fields=["-start_date", "id"],
                include=["end_date", "full_cost_recovery", "long_term_need"],
                condition=models.Q(archived_at__isnull=True),
                name="agreement_live_start_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def duration_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def is_multi_year(self) -> bool:
        """Three years or more (the Compact's multi-year measure)."""
        return is_multi_year(self.start_date, self.end_date)


class AgreementTransition(models.Model):
    """One step of the life-cycle: who, when, why."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    to_status = models.CharField(max_length=20, choices=AgreementStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.agreement.reference}: {self.from_status} → {self.to_status}"


class Condition(TimeStampedModel):
    """A string attached to the money: an output, outcome, KPI, reporting duty or requirement."""

    class Kind(models.TextChoices):
        OUTPUT = "output", "Output"
        OUTCOME = "outcome", "Outcome"
        KPI = "kpi", "Key performance indicator"
        REPORTING = "reporting", "Reporting duty"
        INSURANCE = "insurance", "Insurance requirement"
        SAFEGUARDING = "safeguarding", "Safeguarding requirement"
        OTHER = "other", "Other requirement"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField()
    # For KPIs, outputs and outcomes with a number to reach.
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=50, blank=True)

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.description[:80]


class DueDiligenceRecord(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="due_diligence")
    check_code = models.CharField("Check", max_length=30, choices=DueDiligenceCheck.choices)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agreement", "check_code"], name="due_diligence_once")]

    def __str__(self) -> str:
        return self.get_check_code_display()


class MonitoringReturn(TimeStampedModel):
    class Status(models.TextChoices):
        DUE = "due", "Due"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        QUERIED = "queried", "Queried"
        # For a period after the funding ended: no longer asked for (the reason is in review_note).
        WITHDRAWN = "withdrawn", "Withdrawn"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DUE)
    narrative = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # An officer entered a return that arrived by post or e-mail, with the document attached.
    entered_by_council = models.BooleanField("Entered by the council for the organisation", default=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [models.UniqueConstraint(fields=["agreement", "period_start"], name="return_once_per_period")]
        indexes = [
            # Returns due and overdue across the council.
            models.Index(fields=["status", "due_date"], name="return_status_due_idx"),
            # The returns list's default: those still to come in, soonest due first (the finished ones are most of the table).
            models.Index(
                fields=["due_date", "id"],
                name="return_open_due_idx",
                condition=~models.Q(status__in=["accepted", "withdrawn"]),
            ),
        ]

    def __str__(self) -> str:
        return f"Return for {long_date(self.period_start)} to {long_date(self.period_end)}"


class ReturnFigure(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="figures")
    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="figures")
    value = models.DecimalField(max_digits=14, decimal_places=2)
    comment = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "condition"], name="figure_once")]

    def __str__(self) -> str:
        return f"{self.condition}: {self.value}"


class ReturnAttachment(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="returns/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.original_name


class Payment(TimeStampedModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        PAID = "paid", "Paid"
        HELD = "held", "Held"
        CLAWED_BACK = "clawed_back", "Clawed back"
        # Due after the funding ended (decommissioned or closed): never to be paid, kept with the reason.
        CANCELLED = "cancelled", "Cancelled"

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="payments")
    due_date = models.DateField()
    amount = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))])
    basis = models.CharField(max_length=20, choices=PaymentBasis.choices)
    milestone = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    # The Compact's 30 days run from a valid invoice or claim (or the due date for grants in advance).
    invoice_received_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why a payment was held or clawed back")
    clawed_back_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["status", "due_date"], name="payment_status_due_idx"),
            # The payments list's default: those still to pay, soonest due first (the paid ones are most of the table).
            models.Index(
                fields=["due_date", "id"],
                name="payment_open_due_idx",
                condition=~models.Q(status__in=["paid", "cancelled", "clawed_back"]),
            ),
            # The Compact's prompt-payment measure: payments made in a window, and those still owed from the invoice's
            # arrival (or the due date), each counted from its index alone.
            models.Index(fields=["-paid_on", "id"], include=["invoice_received_on", "due_date"], condition=models.Q(status="paid"), name="payment_paid_on_idx"),
            models.Index(
                Coalesce("invoice_received_on", "due_date"),
                models.F("id"),
                include=["invoice_received_on", "due_date"],
                condition=models.Q(status="scheduled"),
                name="payment_scheduled_owed_idx",
            ),
        ]

    @property
    def days_to_pay(self) -> int | None:
        start = self.invoice_received_on or self.due_date
        if self.paid_on is None or start is None:
            return None
        return (self.paid_on - start).days


class Decommissioning(TimeStampedModel):
    """Ending or reducing funding: impact, mitigations, exit plan, notice, response, lessons."""

    class Stage(models.TextChoices):
        DRAFT = "draft", "Being prepared"
        NOTICE_ISSUED = "notice_issued", "Notice issued"
        RESPONSE_RECEIVED = "response_received", "Response received"
        RESPONSE_CONSIDERED = "response_considered", "Response considered"
        COMPLETE = "complete", "Complete"

    agreement = models.OneToOneField(Agreement, on_delete=models.PROTECT, related_name="decommissioning")
    stage = models.CharField(max_length=30, choices=Stage.choices, default=Stage.DRAFT)
    reasons = models.TextField()
    impact_service_users = models.TextField()
    impact_volunteers = models.TextField()
    impact_staff = models.TextField()
    impact_equality_groups = models.TextField()
    alternative_providers = models.TextField("Who else could serve them")
    mitigations = models.TextField()
    exit_plan = models.TextField()
    # The day the organisation was told: the day the notice was issued here, or the day a notice sent
    # outside Lightbulb (recorded with its letter and a reason) went out. Never typed for a notice issued here.
    notice_date = models.DateField(null=True, blank=True)
    notice_sent_outside = models.BooleanField("Notice sent outside Lightbulb", default=False)
    outside_reason = models.TextField("Why the notice was sent outside Lightbulb", blank=True)
    outside_letter = models.FileField("The letter or e-mail that was sent", upload_to="decommissioning/letters/%Y/", blank=True)
    funding_end_date = models.DateField()
    short_notice_reason = models.TextField(blank=True, help_text="Required when notice is less than 3 months")
    response_due_date = models.DateField(null=True, blank=True)
    organisation_response = models.TextField(blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    # A response that arrived by post or e-mail, entered by an officer with the letter attached.
    response_entered_by_council = models.BooleanField("Response entered by the council", default=False)
    response_received_on = models.DateField("Date the response arrived", null=True, blank=True)
    response_letter = models.FileField("The response as it arrived", upload_to="decommissioning/responses/%Y/", blank=True)
    response_consideration = models.TextField("How the response was considered", blank=True)
    lessons_learned = models.TextField(blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"Decommissioning of {self.agreement}"


class Variation(TimeStampedModel):
    """A recorded change to an awarded agreement's terms: what changed, why, who approved it, the letter.

    Once awarded, an agreement's value, organisation, payment basis, risk and dates change only
    through a variation. A reduction (less money or a shorter term) is a decommissioning-like change:
    it carries an impact assessment, written notice (dated the day it is recorded), a chance to
    respond, and the Compact's 3 months' notice check.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="variations")
    changes = models.JSONField(help_text="field → [before, after]")
    reason = models.TextField()
    approved_by = models.CharField("Who approved it", max_length=200)
    approved_on = models.DateField("Date approved")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_reduction = models.BooleanField(default=False)
    impact_assessment = models.TextField("Impact assessment and mitigations", blank=True)
    notice_date = models.DateField(null=True, blank=True)
    effective_date = models.DateField("Date the reduction takes effect", null=True, blank=True)
    short_notice_reason = models.TextField(blank=True)
    response_due_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Variation of {self.agreement.reference} approved {self.approved_on:%-d %B %Y}"
