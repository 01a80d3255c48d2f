"""The organisation register (PRODUCT.md §2.1)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from simple_history.models import HistoricalRecords

from lightbulb.core.lists import name_sort_key
from lightbulb.core.locking import version_field
from lightbulb.core.models import ArchivableModel, TimeStampedModel
from lightbulb.organisations.normalise import name_key, search_key


class LegalForm(models.TextChoices):
    CHARITY = "charity", "Registered charity (trust or association)"
    CIO = "cio", "Charitable incorporated organisation (CIO)"
    CHARITABLE_COMPANY = "charitable_company", "Charitable company"
    CIC = "cic", "Community interest company (CIC)"
    CBS = "cbs", "Community benefit society"
    COOPERATIVE = "cooperative", "Co-operative society"
    CLG = "clg", "Company limited by guarantee (not a charity)"
    UNINCORPORATED = "unincorporated", "Unincorporated group"
    FAITH = "faith", "Faith group"
    PARISH = "parish", "Parish or town council"
    MUTUAL = "mutual", "Mutual"
    OTHER = "other", "Other"


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DORMANT = "dormant", "Dormant"
    DISSOLVED = "dissolved", "Dissolved"
    REMOVED = "removed", "Removed from register"
    MERGED = "merged", "Merged into another record"


class IdentifierScheme(models.TextChoices):
    """Org-ID schemes (org-id.guide) the register recognises."""

    CHC = "GB-CHC", "Charity Commission (England and Wales)"
    COH = "GB-COH", "Companies House"
    SC = "GB-SC", "Scottish Charity Regulator (OSCR)"
    NIC = "GB-NIC", "Charity Commission for Northern Ireland"
    MPR = "GB-MPR", "Mutuals Public Register (FCA)"


class AreaOfWork(models.Model):
    """A managed list of what organisations do (e.g. older people, food)."""

    name = models.CharField(max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "areas of work"

    def __str__(self) -> str:
        return self.name


class AreaOfWorkTally(models.Model):
    """How many organisations name each area of work, kept by the database as the links change (lightbulb.core.tallies).

    `key` is the area's id. The areas page reads these rows instead of counting every organisation's areas on each visit.
    """

    key = models.BigIntegerField(primary_key=True)
    total = models.BigIntegerField(default=0)

    class Meta:
        db_table = "organisations_areaofworktally"

    def __str__(self) -> str:
        return f"{self.key}: {self.total}"


class Organisation(ArchivableModel):
    name = models.CharField(max_length=300)
    other_names = models.TextField("Other names", blank=True, help_text="Previous or working names, one per line")
    legal_form = models.CharField(max_length=30, choices=LegalForm.choices, default=LegalForm.UNINCORPORATED)
    status = models.CharField(max_length=20, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE)
    description = models.TextField(blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    ward = models.ForeignKey("places.Ward", null=True, blank=True, on_delete=models.SET_NULL, related_name="organisations_based")
    wards_served = models.ManyToManyField("places.Ward", blank=True, related_name="organisations_serving")
    areas_of_work = models.ManyToManyField(AreaOfWork, blank=True, related_name="organisations")
    website = models.URLField(blank=True)
    email = models.EmailField("Organisation e-mail", blank=True)
    phone = models.CharField(max_length=30, blank=True)
    date_registered = models.DateField("Date registered", null=True, blank=True)
    latest_income = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    latest_income_year_end = models.DateField(null=True, blank=True)
    is_vcse = models.BooleanField("Voluntary, community or social enterprise", default=True)
    # When merged, the record that now stands for this one.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records")
    # Fields a person has typed: an import never overwrites them.
    human_edited_fields = models.JSONField(default=list, blank=True)
    # Lower-cased, punctuation-free name used by search and duplicate detection.
    name_key = models.CharField(max_length=300, db_index=True, editable=False, default="")
    # The name's and other names' keys, read by register search. PostgreSQL indexes it for full-text search
    # (`to_tsvector('simple', …)`, migration 0004): words in any order; a trigger keeps its words in a table of
    # their own, where near-misses are looked up by trigrams (migration 0008).
    search_key = models.TextField(editable=False, default="", blank=True)

    version = version_field()
    history = HistoricalRecords(excluded_fields=["name_key", "search_key"])

    class Meta:
        ordering = ["name"]
        indexes = [
            # Register search by postcode and duplicate detection at a postcode.
            models.Index(fields=["postcode"], name="org_postcode_idx"),
            # Filters on status and legal form with name ordering.
            models.Index(fields=["status", "name"], name="org_status_name_idx"),
            models.Index(fields=["legal_form", "name"], name="org_form_name_idx"),
            models.Index(fields=["ward", "name"], name="org_ward_name_idx"),
            # The register's default order, the name as a person files it (`core.lists.name_sort_key`: case and a
            # leading article ignored), and the most recently updated first: a page is the next 50 keys, not a sort.
            models.Index(name_sort_key("name"), F("id"), name="org_name_sort_idx"),
            # The same order over the records the register lists by default (not archived, not merged away), holding the
            # name too: a deep page (the 200th is 10,000 names along) is walked in the index alone, never reading each row
            # from the table (PostgreSQL reads an expression's order from an index only when it holds the column as well;
            # Django writes no INCLUDE for an index of expressions, so the name is a last key).
            models.Index(
                name_sort_key("name"),
                F("id"),
                F("name"),
                name="org_live_name_sort_idx",
                condition=models.Q(archived_at__isnull=True) & ~models.Q(status="merged"),
            ),
            # The listed records of one legal form, counted for the filtered register's pages in the index alone.
            models.Index(fields=["legal_form", "id"], name="org_live_form_idx", condition=models.Q(archived_at__isnull=True) & ~models.Q(status="merged")),
            models.Index(fields=["updated_at", "id"], name="org_updated_idx"),
            # The few records archived or merged away, which stored duplicate pairs leave out when read.
            models.Index(fields=["id"], name="org_gone_idx", condition=models.Q(archived_at__isnull=False) | models.Q(status="merged")),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the search keys in step with the names, whoever saves (bulk loaders fill them themselves)."""
        self.name_key = name_key(self.name)
        self.search_key = search_key(self.name, self.other_names)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "other_names"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_key", "search_key"}
        super().save(*args, **kwargs)


class OrganisationIdentifier(models.Model):
    """An Org-ID style identifier, e.g. GB-CHC-1234567. Not unique: duplicates are what detection finds."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(max_length=10, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=30)
    source = models.CharField(max_length=100, default="Council")

    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "value"]
        constraints = [models.UniqueConstraint(fields=["organisation", "scheme", "value"], name="identifier_once_per_org")]
        indexes = [
            # Search by identifier and same-identifier duplicate detection.
            models.Index(fields=["scheme", "value"], name="identifier_lookup_idx"),
            models.Index(fields=["value"], name="identifier_value_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}-{self.value}"

    @property
    def org_id(self) -> str:
        return f"{self.scheme}-{self.value}"


class RegisterValue(models.Model):
    """A value read from a public register, kept beside what the council typed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="register_values")
    source = models.CharField(max_length=100)
    field = models.CharField(max_length=100)
    value = models.TextField(blank=True)
    as_of = models.DateField()
    retrieved_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["field", "source"]
        constraints = [models.UniqueConstraint(fields=["organisation", "source", "field"], name="register_value_once")]

    def __str__(self) -> str:
        return f"{self.field} from {self.source}"


class Contact(TimeStampedModel):
    """A person who acts for an organisation, held with consent and for a purpose."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField("Role in the organisation", max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    purpose = models.CharField("Why the council holds these details", max_length=300)
    consent_given_on = models.DateField("Date consent was given", null=True, blank=True)
    retain_until = models.DateField("Keep until")

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DuplicateDecision(TimeStampedModel):
    """An officer's decision that two records are not the same organisation."""

    first = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()

    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_decision_once")]


class DuplicateCandidate(models.Model):
    """A pair of records duplicate detection found (lower id first) and why, as the last background check left it.

    The dashboard and the review page read these rows (fast at any size); dismissed pairs and records
    since merged or archived are left out when read. `organisations.duplicates` refreshes them.
    """

    first = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reasons = models.JSONField(default=list)
    found_at = models.DateTimeField()
    # The two records' names when the pair was found: the review page's order, read from an index rather than
    # by joining both records of every pair (a record renamed since moves at the next check; pages show the name now).
    first_name = models.CharField(max_length=300, default="")
    second_name = models.CharField(max_length=300, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["first", "second"], name="duplicate_candidate_once")]
        indexes = [
            models.Index(fields=["second"], name="duplicate_candidate_second_idx"),
            models.Index(fields=["first_name", "second_name", "first", "second"], name="duplicate_candidate_order_idx"),
        ]

    def __str__(self) -> str:
        return f"Records {self.first_id} and {self.second_id} may be one organisation"


class OrganisationMerge(TimeStampedModel):
    """A reviewed merge of one record into another, with what moved, so it can be undone."""

    kept = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="merges_merged")
    performed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    # What moved from `merged` to `kept`: {"identifiers": [ids], "contacts": [ids], ...}
    moved = models.JSONField(default=dict)
    # The merged record's fields before the merge.
    merged_snapshot = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"


class OrganisationClaim(TimeStampedModel):
    """A portal user's claim to act for an organisation, or a proposal of a new one."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a council officer"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_claims")
    # The organisation claimed; empty while a proposed new organisation waits for verification.
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="claims")
    proposed_name = models.CharField("Organisation name", max_length=300, blank=True)
    proposed_details = models.JSONField(default=dict, blank=True)
    role_in_organisation = models.CharField("Your role in the organisation", max_length=200)
    evidence = models.TextField(
        "How we can check you act for it", help_text="For example, your role as it appears on the charity's register, or who we can contact"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "-created_at"], name="claim_status_idx")]

    def __str__(self) -> str:
        return f"Claim by {self.user} for {self.organisation or self.proposed_name}"


class ProfileChange(TimeStampedModel):
    """A change a verified member made to their organisation's profile, for the officer to see."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="profile_changes")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changes = models.JSONField(default=dict)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
