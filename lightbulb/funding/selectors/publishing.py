"""What the council publishes about its funding agreements (PRODUCT.md §2.12), read in batches.

Open data (360Giving, the Transparency Code, OCDS) and the API read agreements through these
functions, never through the models. Rows come as plain dictionaries, a batch at a time (keyset
paging on the primary key, three queries a batch whatever its size), so a file of a million
grants is written in flat memory.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, IntegerField, Min, OuterRef, Subquery, Value, When
from django.utils import timezone

from lightbulb.funding.models import Agreement, AgreementKind, AgreementStatus, AgreementTransition, ProcurementRoute, Variation
from lightbulb.organisations.models import OrganisationIdentifier
from lightbulb.places.selectors import council_get

# An agreement is published once it has been awarded, whatever happened to it after.
AWARDED_STATUSES = (
    AgreementStatus.AWARDED,
    AgreementStatus.LIVE,
    AgreementStatus.UNDER_REVIEW,
    AgreementStatus.EXTENDED,
    AgreementStatus.RECOMMISSIONED,
    AgreementStatus.DECOMMISSIONED,
    AgreementStatus.CLOSED,
)
GRANT_KINDS = (AgreementKind.GRANT,)
# Commissioned services: contracts, and service-level agreements (grant in aid) the council pays for.
CONTRACT_KINDS = (AgreementKind.CONTRACT, AgreementKind.SLA)
# Registered numbers, most useful first: a grant's recipient is named by the first it has.
SCHEME_ORDER = ("GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-MPR")
BATCH_SIZE = 2000

_FIELDS = (
    "pk",
    "reference",
    "title",
    "kind",
    "purpose",
    "amount",
    "start_date",
    "end_date",
    "department",
    "status",
    "procurement_route",
    "recipient_is_vcse",
    "recipient_is_sme",
    "recipient_registration_number",
    "updated_at",
    "created_at",
    "organisation_id",
    "organisation__name",
    "organisation__address",
    "organisation__postcode",
    "organisation__website",
    "organisation__description",
    "previous__reference",
)


def _published(kinds: Collection[str], exclude_organisation_ids: Collection[int]) -> Any:
    queryset = Agreement.objects.filter(kind__in=list(kinds), status__in=AWARDED_STATUSES, archived_at__isnull=True)
    if exclude_organisation_ids:
        queryset = queryset.exclude(organisation_id__in=list(exclude_organisation_ids))
    return queryset


def published_count(*, kinds: Collection[str], exclude_organisation_ids: Collection[int] = ()) -> int:
    return int(_published(kinds, exclude_organisation_ids).count())


def published_max_wards(*, kinds: Collection[str], exclude_organisation_ids: Collection[int] = ()) -> int:
    """The most wards any published agreement names (how many location columns the CSV needs)."""
    through = Agreement.wards.through
    ids = _published(kinds, exclude_organisation_ids).values("pk")
    counts = through.objects.filter(agreement_id__in=ids).values("agreement_id").annotate(n=Count("id")).order_by("-n")  # type: ignore[misc]
    first = counts.first()
    return int(first["n"]) if first else 0


def _identifiers(organisation_ids: set[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = OrganisationIdentifier.objects.filter(organisation_id__in=organisation_ids).values_list("organisation_id", "scheme", "value")
    for organisation_id, scheme, value in rows:
        found[organisation_id].append((scheme, value))
    for values in found.values():
        values.sort(key=lambda item: (SCHEME_ORDER.index(item[0]) if item[0] in SCHEME_ORDER else len(SCHEME_ORDER), item[1]))
    return found


def _wards(agreement_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    through = Agreement.wards.through
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    rows = (
        through.objects.filter(agreement_id__in=agreement_ids)
        .values_list("agreement_id", "ward__gss_code", "ward__name")
        .order_by("ward__name", "ward__gss_code")
    )
    for agreement_id, code, name in rows:
        found[agreement_id].append((code, name))
    return found


def _award_dates(agreement_ids: list[int]) -> dict[int, datetime.datetime]:
    rows = (
        AgreementTransition.objects.filter(agreement_id__in=agreement_ids, to_status=AgreementStatus.AWARDED)
        .values("agreement_id")
        .annotate(first=Min("at"))
        .values_list("agreement_id", "first")
    )
    return dict(rows)


def _ended_on(agreement_ids: list[int]) -> dict[int, tuple[datetime.datetime, str]]:
    """When and why an agreement was decommissioned (its last step into decommissioned)."""
    rows = AgreementTransition.objects.filter(agreement_id__in=agreement_ids, to_status=AgreementStatus.DECOMMISSIONED).values_list(
        "agreement_id", "at", "reason"
    )
    return {agreement_id: (at, reason) for agreement_id, at, reason in rows}


def _variations(agreement_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        Variation.objects.filter(agreement_id__in=agreement_ids)
        .order_by("approved_on", "id")
        .values("id", "agreement_id", "changes", "reason", "approved_on", "is_reduction")
    )
    for row in rows:
        found[row["agreement_id"]].append(dict(row))
    return found


def published_agreements(
    *,
    kinds: Collection[str],
    exclude_organisation_ids: Collection[int] = (),
    batch_size: int = BATCH_SIZE,
    with_variations: bool = False,
    after: int = 0,
) -> Iterator[dict[str, Any]]:
    """Every awarded, unarchived agreement of `kinds` (after the one with primary key `after`), oldest first, with its recipient's identifiers, wards and award date."""
    queryset = _published(kinds, exclude_organisation_ids).order_by("pk").values(*_FIELDS)
    last = after
    while True:
        batch = list(queryset.filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        ids = [row["pk"] for row in batch]
        identifiers = _identifiers({row["organisation_id"] for row in batch})
        wards = _wards(ids)
        awarded = _award_dates(ids)
        ended = _ended_on(ids)
        variations = _variations(ids) if with_variations else {}
        for row in batch:
            row["identifiers"] = identifiers.get(row["organisation_id"], [])
            row["wards"] = wards.get(row["pk"], [])
            row["awarded_at"] = awarded.get(row["pk"])
            row["ended"] = ended.get(row["pk"])
            row["variations"] = variations.get(row["pk"], [])
            yield row
        last = ids[-1]


# --- grants for 360Giving, set-based: what a million-grant file is written from -------------------

# The columns of each row `published_grant_rows` yields, in order (then the wards, a tuple of (GSS code, name)).
GRANT_ROW_FIELDS = (
    "pk",
    "reference",
    "title",
    "purpose",
    "amount",
    "start_date",
    "end_date",
    "department",
    "updated_at",
    "organisation_id",
    "organisation__name",
    "organisation__postcode",
    "organisation__website",
    "recipient_org_id",
    "charity_number",
    "company_number",
    "awarded_at",
)
GRANT_BATCH_SIZE = 5000
# How many organisations' registered numbers a file keeps at once (about 15 MB).
NUMBERS_KEPT = 100_000


def _scheme_rank() -> Case:
    """An identifier's place in SCHEME_ORDER (unknown schemes last), as `_identifiers` sorts them."""
    whens = [When(scheme=scheme, then=Value(index)) for index, scheme in enumerate(SCHEME_ORDER)]
    return Case(*whens, default=Value(len(SCHEME_ORDER)), output_field=IntegerField())


def _recipient_numbers(organisation_ids: Collection[int]) -> dict[int, tuple[str | None, str | None, str | None]]:
    """Each organisation's Org-ID (its first registered number in SCHEME_ORDER), charity number and company number, in one query."""
    rows = (
        OrganisationIdentifier.objects.filter(organisation_id__in=list(organisation_ids))
        .annotate(rank=_scheme_rank())
        .order_by("organisation_id", "rank", "value")
        .values_list("organisation_id", "scheme", "value")
    )
    found: dict[int, tuple[str | None, str | None, str | None]] = {}
    for organisation_id, scheme, value in rows:
        org_id, charity, company = found.get(organisation_id) or (f"{scheme}-{value}", None, None)
        if charity is None and scheme in CHARITY_SCHEMES:
            charity = value
        if company is None and scheme == "GB-COH":
            company = value
        found[organisation_id] = (org_id, charity, company)
    return found


def _batch_wards(first: int, last: int) -> dict[int, tuple[tuple[str, str], ...]]:
    """The wards of every agreement with a key from `first` to `last`, by name, in one query over the range."""
    through = Agreement.wards.through
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    in_range = through.objects.filter(agreement_id__gte=first, agreement_id__lte=last).order_by("agreement_id", "ward__name", "ward__gss_code")
    for agreement_id, code, name in in_range.values_list("agreement_id", "ward__gss_code", "ward__name"):
        found[agreement_id].append((code, name))
    return {agreement_id: tuple(wards) for agreement_id, wards in found.items()}


def published_grant_rows(*, exclude_organisation_ids: Collection[int] = (), batch_size: int = GRANT_BATCH_SIZE) -> Iterator[tuple[Any, ...]]:
    """Every published grant as a tuple of GRANT_ROW_FIELDS and its wards, oldest first, in three queries a batch.

    The award time comes with the grant (one index look-up in the same query); the recipients'
    registered numbers come in one query for the organisations the batch names that earlier batches
    did not, and the batch's wards in one query over its range of keys. No query per grant, and only
    one batch (and a bounded set of organisations' numbers) in memory at a time.
    """
    awarded = AgreementTransition.objects.filter(agreement_id=OuterRef("pk"), to_status=AgreementStatus.AWARDED).order_by("at").values("at")[:1]
    fields = [field for field in GRANT_ROW_FIELDS if field not in ("recipient_org_id", "charity_number", "company_number", "awarded_at")]
    rows = _published(GRANT_KINDS, exclude_organisation_ids).annotate(awarded_at=Subquery(awarded)).order_by("pk").values_list(*fields, "awarded_at")
    nothing: tuple[None, None, None] = (None, None, None)
    # Recipients' numbers are kept from batch to batch (an organisation has many grants), up to a bound that keeps memory flat.
    numbers: dict[int, tuple[str | None, str | None, str | None]] = {}
    last = 0
    while True:
        batch = list(rows.filter(pk__gt=last)[:batch_size])
        if not batch:
            return
        last = batch[-1][0]
        missing = {row[9] for row in batch} - numbers.keys()
        if len(numbers) + len(missing) > NUMBERS_KEPT:
            numbers.clear()
            missing = {row[9] for row in batch}
        if missing:
            numbers.update(dict.fromkeys(missing, nothing) | _recipient_numbers(missing))
        wards = _batch_wards(batch[0][0], last)
        for row in batch:
            yield (*row[:13], *numbers.get(row[9], nothing), row[13], wards.get(row[0], ()))


def procurement_route_labels() -> dict[str, str]:
    """Each procurement route's code and its words."""
    return {str(value): str(label) for value, label in ProcurementRoute.choices}


# --- grants in 360Giving form (open data and the API both publish them) ----------------------------

OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
CHARITY_SCHEMES = ("GB-CHC", "GB-SC", "GB-NIC")
REGISTERED_SCHEMES = ("GB-CHC", "GB-COH", "GB-SC", "GB-NIC", "GB-MPR")


def json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Whole months from start to end inclusive (April to March is 12)."""
    following = end + datetime.timedelta(days=1)
    months = (following.year - start.year) * 12 + following.month - start.month
    return max(months, 1)


class Publisher:
    """The council's details every grant repeats, read once."""

    def __init__(self) -> None:
        council = council_get()
        self.name = council.name if council else "The council"
        self.org_id = council.org_id if council else ""
        self.prefix = (council.grant_prefix if council else "") or ""
        self.site = settings.SITE_URL
        self.source = f"{self.site}/open-data/"

    @property
    def ready(self) -> bool:
        """360Giving needs the council's prefix and Org-ID before anything is published."""
        return bool(self.prefix and self.org_id)


def recipient_org_id(row: dict[str, Any], prefix: str) -> str:
    """A registered number as an Org-ID, else one made from the council's 360Giving prefix."""
    if row["identifiers"]:
        scheme, value = row["identifiers"][0]
        return f"{scheme}-{value}"
    return f"{prefix}-ORG-{row['organisation_id']}"


def _recipient(row: dict[str, Any], publisher: Publisher) -> dict[str, Any]:
    org: dict[str, Any] = {"id": recipient_org_id(row, publisher.prefix), "name": row["organisation__name"]}
    for scheme, value in row["identifiers"]:
        if scheme in CHARITY_SCHEMES and "charityNumber" not in org:
            org["charityNumber"] = value
        if scheme == "GB-COH" and "companyNumber" not in org:
            org["companyNumber"] = value
    if row["organisation__postcode"]:
        org["postalCode"] = row["organisation__postcode"]
    if row["organisation__website"].startswith(("https://", "http://")):
        org["url"] = row["organisation__website"]
    return org


def award_date(row: dict[str, Any]) -> datetime.date:
    """The day the agreement was awarded; its start date if it was recorded as awarded some other way."""
    awarded = row["awarded_at"]
    return timezone.localtime(awarded).date() if awarded else row["start_date"]


def grant(row: dict[str, Any], publisher: Publisher) -> dict[str, Any]:
    """One agreement as a 360Giving grant."""
    data: dict[str, Any] = {
        "id": f"{publisher.prefix}-{row['reference']}",
        "title": row["title"],
        "description": row["purpose"],
        "currency": "GBP",
        "amountAwarded": json_number(row["amount"]),
        "awardDate": award_date(row).isoformat(),
        "plannedDates": [
            {"startDate": row["start_date"].isoformat(), "endDate": row["end_date"].isoformat(), "duration": months_between(row["start_date"], row["end_date"])}
        ],
        "recipientOrganization": [_recipient(row, publisher)],
        "fundingOrganization": [{"id": publisher.org_id, "name": publisher.name, "department": row["department"]}],
        "dateModified": row["updated_at"].isoformat(),
        "dataSource": publisher.source,
    }
    if row["wards"]:
        data["beneficiaryLocation"] = [{"name": name, "geoCode": code, "geoCodeType": "WD", "countryCode": "GB"} for code, name in row["wards"]]
    return data


def registration_number(row: dict[str, Any]) -> str:
    """The number the agreement records for its recipient, else the recipient's first registered number as an Org-ID."""
    if row["recipient_registration_number"]:
        return str(row["recipient_registration_number"])
    for scheme, value in row["identifiers"]:
        if scheme in REGISTERED_SCHEMES:
            return f"{scheme}-{value}"
    return ""
