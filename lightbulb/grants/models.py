"""Other funders' grants, as they publish them in the 360Giving Data Standard.

One flat row per grant, in the standard's own terms (``id``, ``title``, ``amountAwarded``,
``awardDate``, ``plannedDates``, ``recipientOrganization``, ``beneficiaryLocation``), so a whole
national publication can be loaded with PostgreSQL's ``COPY`` and listed by organisation, funder or
award date from an index. The recipient is kept exactly as the funder wrote it; the link to an
organisation on the council's register is a separate, reviewable match.
"""

from __future__ import annotations

from django.db import models


class MatchStatus(models.TextChoices):
    UNMATCHED = "unmatched", "Not matched"
    PROPOSED = "proposed", "Proposed: waiting for an officer"
    CONFIRMED = "confirmed", "Confirmed"
    REJECTED = "rejected", "Rejected"


class MatchMethod(models.TextChoices):
    NONE = "", "None"
    ORG_ID = "org_id", "Same Org-ID"
    CHARITY_NUMBER = "charity_number", "Same charity number"
    COMPANY_NUMBER = "company_number", "Same company number"
    NAME = "name", "Similar name"
    OFFICER = "officer", "Chosen by an officer"


class Funder(models.Model):
    """A funding organisation named in a 360Giving file (``fundingOrganization``)."""

    org_id = models.CharField("Org-ID", max_length=100, unique=True)
    name = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Grant(models.Model):
    """One grant from another funder, as published; the organisation link is a reviewed match."""

    identifier = models.CharField("360Giving identifier", max_length=200, unique=True)
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="grants")
    title = models.TextField(blank=True)
    description = models.TextField(blank=True)
    currency = models.CharField(max_length=3, default="GBP")
    amount_awarded = models.DecimalField(max_digits=16, decimal_places=2)
    award_date = models.DateField()
    planned_start_date = models.DateField(null=True, blank=True)
    planned_end_date = models.DateField(null=True, blank=True)
    planned_duration_months = models.PositiveIntegerField(null=True, blank=True)
    programme = models.CharField("Grant programme", max_length=300, blank=True)
    from_open_call = models.BooleanField(null=True, blank=True)

    # The recipient as the funder wrote it (recipientOrganization).
    recipient_org_id = models.CharField("Recipient Org-ID", max_length=100, blank=True)
    recipient_name = models.CharField(max_length=300, blank=True)
    recipient_charity_number = models.CharField(max_length=20, blank=True)
    recipient_company_number = models.CharField(max_length=20, blank=True)
    recipient_postcode = models.CharField(max_length=10, blank=True)
    # recipientIndividual: a grant to a person, never matched to an organisation.
    to_individual = models.BooleanField(default=False, db_default=False)

    # The organisation on the council's register this grant went to, once matched.
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="other_funders_grants")
    match_status = models.CharField(max_length=20, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED)
    match_method = models.CharField(max_length=20, choices=MatchMethod.choices, default=MatchMethod.NONE, blank=True)
    match_score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Name similarity, 0 to 100")

    # beneficiaryLocation: the first geoCode the funder gave (e.g. a ward E05…, a district E08…).
    beneficiary_geocode = models.CharField(max_length=20, blank=True)
    beneficiary_geocode_type = models.CharField(max_length=20, blank=True)
    beneficiary_location_name = models.CharField(max_length=200, blank=True)

    data_source = models.URLField(max_length=500, blank=True)
    source_file = models.CharField(max_length=300, blank=True)
    # The imports.ImportRun that last wrote this row (a plain number: grants sit below imports).
    import_run_id = models.BigIntegerField(null=True, blank=True)
    date_modified = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-award_date", "identifier"]
        indexes = [
            # "Who else funds them" on the organisation page, newest first.
            models.Index(fields=["organisation", "-award_date"], name="grant_org_award_idx"),
            # A funder's grants, newest first.
            models.Index(fields=["funder", "-award_date"], name="grant_funder_award_idx"),
            # Lists and totals by year.
            models.Index(fields=["-award_date"], name="grant_award_idx"),
            # The review queue: proposals waiting for an officer.
            models.Index(fields=["match_status", "-award_date"], name="grant_match_idx"),
            # Matching by the recipient's identifiers.
            models.Index(fields=["recipient_org_id"], name="grant_recipient_orgid_idx"),
            models.Index(fields=["recipient_charity_number"], name="grant_recipient_chc_idx"),
            models.Index(fields=["recipient_company_number"], name="grant_recipient_coh_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.identifier


class MatchStatusTally(models.Model):
    """How many grants are in each match status, kept by the database as grants change (lightbulb.core.tallies).

    The list's status tabs read these few rows instead of counting a million grants on every visit.
    """

    key = models.CharField(max_length=20, primary_key=True, choices=MatchStatus.choices)
    total = models.BigIntegerField(default=0)

    class Meta:
        db_table = "grants_matchstatustally"

    def __str__(self) -> str:
        return f"{self.key}: {self.total}"
