"""The council, its wards and localities, councillors, and postcode → ward."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from lightbulb.core.lists import name_sort_key
from lightbulb.core.locking import version_field
from lightbulb.core.models import TimeStampedModel

ward_code_validator = RegexValidator(r"^E05\d{6}$", "Enter a ward code like E05001234 (E05 then 6 numbers)")
council_code_validator = RegexValidator(r"^E0[6789]\d{6}$", "Enter a council code like E06000001 (E06, E07, E08 or E09 then 6 numbers)")
council_org_id_validator = RegexValidator(r"^GB-LAE-[A-Z]{3,4}$", "Enter an Org-ID like GB-LAE-ANY (GB-LAE- then the 3 or 4 letter council code)")


class Council(TimeStampedModel):
    """The council running this installation (one row)."""

    name = models.CharField(max_length=200)
    gss_code = models.CharField("GSS code", max_length=9, unique=True, validators=[council_code_validator])
    org_id = models.CharField("Org-ID", max_length=20, validators=[council_org_id_validator])
    grant_prefix = models.CharField("360Giving prefix", max_length=50, blank=True, help_text="For example 360G-anytown")

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name


class Locality(TimeStampedModel):
    """A group of wards the council defines (a neighbourhood area)."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "localities"

    def __str__(self) -> str:
        return self.name


class Ward(TimeStampedModel):
    gss_code = models.CharField("GSS code", max_length=9, unique=True, validators=[ward_code_validator])
    name = models.CharField(max_length=200)
    locality = models.ForeignKey(Locality, null=True, blank=True, on_delete=models.SET_NULL, related_name="wards")
    # GeoJSON geometry of the boundary, when boundary data has been loaded.
    boundary = models.JSONField(null=True, blank=True)

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # The ward list's default order, the name as a person files it (`core.lists.name_sort_key`): a page is
        # the next 50 keys, not a sort of every ward (9,000 at national scale).
        indexes = [models.Index(name_sort_key("name"), models.F("id"), name="ward_name_sort_idx")]

    def __str__(self) -> str:
        return self.name


class Councillor(TimeStampedModel):
    name = models.CharField(max_length=200)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="councillors")
    party = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)
    # The user account of the councillor, when they sign in.
    user = models.OneToOneField("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="councillor")

    version = version_field()
    history = HistoricalRecords()

    class Meta:
        ordering = ["ward__name", "name"]
        # The councillor list's default order and its party order (which also gives the party filter's choices
        # from the index): a page is the next 25 keys, not a sort of every councillor (about 24,000 at national scale).
        indexes = [
            models.Index(name_sort_key("name"), models.F("id"), name="councillor_name_sort_idx"),
            models.Index(models.F("party"), name_sort_key("name"), models.F("id"), name="councillor_party_sort_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="councillor_term_order",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.party})"


class Postcode(models.Model):
    """Postcode → ward, loaded from an ONS-style lookup file."""

    # Normalised: upper case, one space before the inward code ("AB1 2CD").
    postcode = models.CharField(max_length=8, primary_key=True)
    ward = models.ForeignKey(Ward, on_delete=models.CASCADE, related_name="postcodes")

    class Meta:
        ordering = ["postcode"]

    def __str__(self) -> str:
        return self.postcode
