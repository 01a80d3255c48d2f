"""One row per run of an importer: status, counts, rejected rows, log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for its columns to be confirmed"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed: nothing was changed"

    source = models.CharField(max_length=100)
    filename = models.CharField(max_length=300, blank=True)
    # The uploaded file, kept in MEDIA_ROOT so a background worker can read it and a run can be repeated.
    upload = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    dry_run = models.BooleanField(default=False)
    strict = models.BooleanField(default=False, help_text="Refuse the whole file if any row is invalid")
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    # [{"row": 12, "reason": "...", "data": {...}}]
    rejected_rows = models.JSONField(default=list, blank=True)
    # What was normalised, e.g. "3 dates read as day-first".
    notes = models.JSONField(default=list, blank=True)
    # What changed, before → after: [{"record": "GB-CHC-1234567", "changes": {"name": ["Old", "New"]}}], the first 1,000.
    changes = models.JSONField(default=list, blank=True)
    # The file's column headings, and the heading confirmed for each column the source reads ({"postcode": "PCDS"}).
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    log = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When its worker last said it was alive (started, or reported progress); the sweep reads it.
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source} import {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent_done(self) -> int:
        if not self.rows_total:
            return 100 if self.status in {self.Status.SUCCEEDED, self.Status.FAILED} else 0
        return min(100, round(100 * self.rows_done / self.rows_total))


class ColumnMapping(models.Model):
    """The headings last confirmed for a source, suggested again for its next file."""

    source = models.CharField(max_length=100, unique=True)
    # {"postcode": "Post Code"}: the column each field was read from, by heading.
    mapping = models.JSONField(default=dict, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Columns for {self.source}"


class CharityRecord(models.Model):
    """The Charity Commission register extract's `charity` table, as published: every charity, kept as reference.

    Loaded at COPY speed (a staging table, then one set-based upsert keyed on the charity
    number and, for a linked subsidiary, its `linked_charity_number`). `row_hash` is the hash
    of every published value but `date_of_extract`, so a month-on-month re-import knows
    exactly which charities changed. `raw_hash` is the fingerprint of the row's own bytes in the
    extract, JSON or text (all but `date_of_extract`), so a charity whose bytes are the same next month
    is known unchanged before its values are even read; a change to how rows are checked must empty
    it (a migration) so that every row is checked again.
    Charities in the council's area become organisations on the register through the organisations
    module's services; `organisation_id` says which.
    """

    registered_charity_number = models.IntegerField()
    # 0 for a main charity; a linked subsidiary's own number under its main charity.
    linked_charity_number = models.IntegerField(default=0)
    charity_name = models.CharField(max_length=300)
    charity_type = models.CharField(max_length=100, blank=True)
    charity_registration_status = models.CharField(max_length=50, blank=True)
    date_of_registration = models.DateField(null=True, blank=True)
    date_of_removal = models.DateField(null=True, blank=True)
    charity_reporting_status = models.CharField(max_length=100, blank=True)
    latest_acc_fin_period_end_date = models.DateField(null=True, blank=True)
    latest_income = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    latest_expenditure = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    charity_contact_postcode = models.CharField(max_length=10, blank=True)
    charity_company_registration_number = models.CharField(max_length=20, blank=True)
    charity_is_cio = models.BooleanField(null=True, blank=True)
    cio_is_dissolved = models.BooleanField(null=True, blank=True)
    charity_insolvent = models.BooleanField(null=True, blank=True)
    charity_in_administration = models.BooleanField(null=True, blank=True)
    charity_activities = models.TextField(blank=True)
    date_of_extract = models.DateField(null=True, blank=True)
    row_hash = models.CharField(max_length=32)
    raw_hash = models.CharField(max_length=40, blank=True, default="", db_default="")
    # The organisation on the council's register this charity is (a plain number: imports sit above organisations).
    organisation_id = models.BigIntegerField(null=True, blank=True)
    import_run_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registered_charity_number", "linked_charity_number"], name="charity_record_once")]
        indexes = [models.Index(fields=["charity_contact_postcode"], name="charity_record_postcode_idx")]

    def __str__(self) -> str:
        return f"{self.registered_charity_number} {self.charity_name}"


class CharityAnnualReturn(models.Model):
    """A row of the register extract's annual return history: one financial year a charity reported, as published."""

    registered_charity_number = models.IntegerField()
    fin_period_start_date = models.DateField(null=True, blank=True)
    fin_period_end_date = models.DateField(null=True, blank=True)
    ar_cycle_reference = models.CharField(max_length=20, blank=True)
    reporting_due_date = models.DateField(null=True, blank=True)
    date_annual_return_received = models.DateField(null=True, blank=True)
    date_accounts_received = models.DateField(null=True, blank=True)
    total_gross_income = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    total_gross_expenditure = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    accounts_qualified = models.BooleanField(null=True, blank=True)
    suppression_ind = models.BooleanField(null=True, blank=True)
    suppression_type = models.CharField(max_length=100, blank=True)
    date_of_extract = models.DateField(null=True, blank=True)
    # The hash of every published value but date_of_extract: the row's identity from one month to the next.
    row_hash = models.CharField(max_length=32, db_index=True)
    import_run_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["registered_charity_number", "-fin_period_end_date"], name="charity_return_latest_idx")]

    def __str__(self) -> str:
        return f"{self.registered_charity_number} {self.fin_period_end_date}"


class CharityAreaOfOperation(models.Model):
    """A row of the register extract's area of operation table: a place a charity says it works in, as published."""

    registered_charity_number = models.IntegerField()
    linked_charity_number = models.IntegerField(default=0)
    geographic_area_type = models.CharField(max_length=50, blank=True)
    geographic_area_description = models.CharField(max_length=200, blank=True)
    parent_geographic_area_type = models.CharField(max_length=50, blank=True)
    parent_geographic_area_description = models.CharField(max_length=200, blank=True)
    welsh_ind = models.BooleanField(null=True, blank=True)
    date_of_extract = models.DateField(null=True, blank=True)
    row_hash = models.CharField(max_length=32, db_index=True)
    import_run_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["registered_charity_number"], name="charity_area_number_idx"),
            models.Index(fields=["geographic_area_description"], name="charity_area_description_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.registered_charity_number} {self.geographic_area_description}"


class CharityTrustee(models.Model):
    """A row of the register extract's trustee table: a charity's trustee, by name, as published."""

    registered_charity_number = models.IntegerField()
    linked_charity_number = models.IntegerField(default=0)
    trustee_id = models.IntegerField(null=True, blank=True)
    trustee_name = models.CharField(max_length=300)
    trustee_is_chair = models.BooleanField(null=True, blank=True)
    individual_or_organisation = models.CharField(max_length=10, blank=True)
    trustee_date_of_appointment = models.DateField(null=True, blank=True)
    date_of_extract = models.DateField(null=True, blank=True)
    row_hash = models.CharField(max_length=32, db_index=True)
    import_run_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["registered_charity_number"], name="charity_trustee_number_idx")]

    def __str__(self) -> str:
        return f"{self.registered_charity_number} {self.trustee_name}"


class SupplierRecord(models.Model):
    """A line of the council's supplier list: its finance system's supplier id and the supplier's registration numbers."""

    supplier_id = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=300)
    company_number = models.CharField(max_length=20, blank=True)
    charity_number = models.CharField(max_length=20, blank=True)
    # The organisation on the register this supplier is, when its numbers or name say so (a plain number: imports sit above organisations).
    organisation_id = models.BigIntegerField(null=True, blank=True)
    import_run_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.supplier_id} {self.name}"


class SpendLine(models.Model):
    """A line of the council's published spend over £500, matched to an organisation and an agreement where it can be.

    A negative amount is a credit note. The same transaction number may appear on several lines
    (one invoice split across services); only a line repeated exactly is refused.
    """

    line_hash = models.CharField(max_length=32, unique=True)
    payment_date = models.DateField()
    supplier_name = models.CharField(max_length=300)
    supplier_id = models.CharField(max_length=50, blank=True)
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    transaction_number = models.CharField(max_length=100, blank=True)
    service = models.CharField(max_length=200, blank=True)
    expense_type = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    agreement_reference = models.CharField(max_length=100, blank=True)
    is_credit_note = models.BooleanField(default=False)
    organisation_id = models.BigIntegerField(null=True, blank=True)
    agreement_id = models.BigIntegerField(null=True, blank=True)
    import_run_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation_id", "-payment_date"], name="spend_org_date_idx")]

    def __str__(self) -> str:
        return f"{self.payment_date} {self.supplier_name} {self.amount}"
