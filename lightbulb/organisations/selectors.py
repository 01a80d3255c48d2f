"""Reads of the organisation register: search, the organisation page, duplicates."""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.utils import timezone
from rapidfuzz import fuzz

from lightbulb.core.access import object_for_user
from lightbulb.core.models import AuditAction, AuditEvent
from lightbulb.core.outbox import Recipients, Route
from lightbulb.core.registry import registry
from lightbulb.core.rows import CompiledRows, Row, labelled
from lightbulb.core.rules import allowed
from lightbulb.organisations import search
from lightbulb.organisations.models import (
    AreaOfWork,
    AreaOfWorkTally,
    Contact,
    DuplicateCandidate,
    DuplicateDecision,
    IdentifierScheme,
    LegalForm,
    Organisation,
    OrganisationIdentifier,
    OrganisationMerge,
    OrganisationStatus,
    RegisterValue,
)
from lightbulb.organisations.rules import can_manage_register, can_read_contacts, can_read_organisation
from lightbulb.places import selectors as place_selectors
from lightbulb.places.models import Ward

# Sort keys of the register list: `?sort=name` or `?sort=-name`.
LIST_SORTS: dict[str, list[str]] = {
    "name": ["name"],
    "postcode": ["postcode"],
    "ward": ["ward__name"],
    "legal_form": ["legal_form"],
    "status": ["status"],
    "updated": ["updated_at"],
}
# The status filter's extra value for archived records.
ARCHIVED = "archived"
TIMELINE_LENGTH = 100


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    ward: int | None = None
    legal_form: str = ""
    area: int | None = None
    status: str = ""
    # Names of filters registered in registry.organisation_filters.
    only: tuple[str, ...] = ()


def may_see_contacts(request: HttpRequest) -> bool:
    """Contacts are personal data: officers and administrators only (never councillors)."""
    return allowed(can_read_contacts, request.user)


def may_edit_register(request: HttpRequest) -> bool:
    return allowed(can_manage_register, request.user)


def get_organisation_for_user(request: HttpRequest, pk: int, write: bool = False) -> Organisation:
    """The organisation if the user may read it (else 404); PermissionDenied on a write they may not make.

    Register readers read every record; a `vcs` user reads only the organisations
    they are a member of. Only officers write to the register here (the portal
    has its own checks for members' changes).
    """
    organisation = Organisation.objects.select_related("ward", "merged_into", "archived_by").defer("ward__boundary").filter(pk=pk).first()
    return object_for_user(organisation, request.user, read=can_read_organisation, write=can_manage_register if write else None, what="organisation")


def choices() -> dict[str, Any]:
    """The fixed lists the register's forms and pages show."""
    return {
        "legal_forms": LegalForm.choices,
        "statuses": OrganisationStatus.choices,
        "schemes": IdentifierScheme.choices,
    }


# Search and the register list


def _status_q(status: str) -> Q:
    if status == ARCHIVED:
        return Q(archived_at__isnull=False)
    live = Q(archived_at__isnull=True)
    if status:
        return live & Q(status=status)
    # By default the register shows working records: not archived, not merged away.
    return live & ~Q(status=OrganisationStatus.MERGED)


# The register list's columns (organisations/list.html): each record's name, legal form, status (archived or not), postcode
# and ward's name.
LIST_COLUMNS = ("pk", "name", "legal_form", "status", "archived_at", "postcode", "ward_id", "ward__name")


def organisation_search(filters: OrganisationFilters) -> QuerySet[Organisation]:
    """The register's records the filters choose; with a search text, best match first (see `search`)."""
    organisations = Organisation.objects.filter(_status_q(filters.status))
    if filters.q:
        organisations = search.search(organisations, filters.q)
    if filters.ward is not None:
        serving = Organisation.wards_served.through.objects.filter(organisation_id=OuterRef("pk"), ward_id=filters.ward)
        organisations = organisations.filter(Q(ward_id=filters.ward) | Q(Exists(serving)))
    if filters.legal_form:
        organisations = organisations.filter(legal_form=filters.legal_form)
    if filters.area is not None:
        working = Organisation.areas_of_work.through.objects.filter(organisation_id=OuterRef("pk"), areaofwork_id=filters.area)
        organisations = organisations.filter(Exists(working))
    for name in filters.only:
        extra = registry.organisation_filters.get(name)
        if extra is not None:
            organisations = extra.apply(organisations)
    # Each row names its ward; the ward's boundary (a GeoJSON shape, kilobytes each) is never read for a list.
    return organisations.select_related("ward").defer("ward__boundary").prefetch_related("identifiers")


def pickable_organisations() -> QuerySet[Organisation]:
    """Records a picker offers: the working register (not archived, not merged away)."""
    return Organisation.objects.filter(_status_q(""))


def picker_search(organisations: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    """Best match first, as register search finds them."""
    return search.search(organisations, text)


def picker_label(organisation: Organisation) -> str:
    """How a picker names a record: its name and postcode."""
    return f"{organisation.name}, {organisation.postcode}" if organisation.postcode else organisation.name


# The ward pickers' search and label are the places module's (the councillor list's ward filter uses them too).
ward_picker_search = place_selectors.ward_search
ward_picker_label = place_selectors.ward_label


def organisation_sections(organisation: Organisation, request: HttpRequest) -> list[dict[str, Any]]:
    """Parts of the organisation page that other modules contribute (agreements, returns, …), in order."""
    sections = []
    for name, section in registry.organisation_sections.items():
        content = section(organisation, request)
        if content:
            sections.append({"name": name, **content})
    return sorted(sections, key=lambda section: section.get("order", 100))


def ward_list() -> QuerySet[Ward]:
    return Ward.objects.order_by("name")


def area_of_work_list() -> QuerySet[AreaOfWork]:
    return AreaOfWork.objects.order_by("name")


def area_of_work_list_with_counts() -> QuerySet[AreaOfWork]:
    """The areas with how many organisations name each, from the totals the database keeps (AreaOfWorkTally)."""
    tally = AreaOfWorkTally.objects.filter(key=OuterRef("pk")).values("total")[:1]
    return AreaOfWork.objects.annotate(organisation_count=Coalesce(Subquery(tally, output_field=IntegerField()), 0)).order_by("name")


def area_of_work_get(pk: int) -> AreaOfWork:
    area = AreaOfWork.objects.filter(pk=pk).first()
    if area is None:
        raise Http404("No such area of work")
    return area


# The organisation page


def _identifier_rows(organisation: int) -> QuerySet[Any]:
    return OrganisationIdentifier.objects.filter(organisation_id=organisation).values("pk", "scheme", "value", "source")


def _ward_served_rows(organisation: int) -> QuerySet[Any]:
    # A ward's boundary (GeoJSON, large from ONS's files) is not shown here: only the names.
    return Ward.objects.filter(organisations_serving=organisation).values_list("name", flat=True)


def _area_rows(organisation: int) -> QuerySet[Any]:
    return AreaOfWork.objects.filter(organisations=organisation).values_list("name", flat=True)


def _register_value_rows(organisation: int) -> QuerySet[Any]:
    return RegisterValue.objects.filter(organisation_id=organisation).values("field", "source", "value", "as_of")


def _merge_kept_rows(organisation: int) -> QuerySet[Any]:
    merges = OrganisationMerge.objects.filter(kept_id=organisation, undone_at__isnull=True)
    return merges.values("pk", "created_at", "merged_id", "merged__name", "performed_by__full_name", "performed_by__email")


def _contact_rows(organisation: int) -> QuerySet[Any]:
    return Contact.objects.filter(organisation_id=organisation).values("pk", "name", "role", "email", "phone", "purpose", "consent_given_on", "retain_until")


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows), each in the model's own order.
_IDENTIFIERS = CompiledRows(_identifier_rows, organisation=int)
_WARDS_SERVED = CompiledRows(_ward_served_rows, organisation=int)
_AREAS = CompiledRows(_area_rows, organisation=int)
_REGISTER_VALUES = CompiledRows(_register_value_rows, organisation=int)
_MERGES_KEPT = CompiledRows(_merge_kept_rows, organisation=int)
_CONTACTS = CompiledRows(_contact_rows, organisation=int)


def organisation_for_page(organisation: Organisation, *, with_contacts: bool) -> dict[str, Any]:
    """What the organisation's page lists beside the record, in a fixed number of queries: its identifiers (with
    `org_id` and `scheme_label`), the names of the wards it serves and its areas of work, the register's values, the
    records merged into it (with `performed_by_name`) and, if shown, its contacts. A merged record's page also says
    who merged it (`organisation.merges_merged`, prefetched)."""
    if organisation.status == OrganisationStatus.MERGED:
        merged_by = OrganisationMerge.objects.filter(undone_at__isnull=True).select_related("kept", "performed_by")
        prefetch_related_objects([organisation], Prefetch("merges_merged", queryset=merged_by))
    key = organisation.pk
    return {
        "identifiers": [
            Row(row, org_id=f"{row['scheme']}-{row['value']}") for row in labelled(_IDENTIFIERS.rows(organisation=key), OrganisationIdentifier, "scheme")
        ],
        "wards_served": _WARDS_SERVED.rows(organisation=key),
        "areas_of_work": _AREAS.rows(organisation=key),
        "register_values": _REGISTER_VALUES.rows(organisation=key),
        "merges": [Row(row, performed_by_name=row["performed_by__full_name"] or row["performed_by__email"]) for row in _MERGES_KEPT.rows(organisation=key)],
        "contacts": _CONTACTS.rows(organisation=key) if with_contacts else [],
    }


def register_comparison(organisation: Organisation, register_values: list[Any]) -> list[dict[str, Any]]:
    """Each field a public register has a value for (the organisation's `register_values`: field, source, value,
    as_of), beside what the council holds."""
    by_field: dict[str, list[Any]] = defaultdict(list)
    for value in register_values:
        by_field[value["field"]].append(value)
    rows = []
    for field_name, values in sorted(by_field.items()):
        try:
            model_field = Organisation._meta.get_field(field_name)
            label = str(getattr(model_field, "verbose_name", field_name))
            council_value = getattr(organisation, field_name)
            if hasattr(organisation, f"get_{field_name}_display"):
                council_value = getattr(organisation, f"get_{field_name}_display")()
        except Exception:  # noqa: BLE001 - a register field the register page does not hold itself
            label, council_value = field_name.replace("_", " "), None
        rows.append(
            {
                "field": field_name,
                "label": label[:1].upper() + label[1:],
                "council_value": council_value,
                "protected": field_name in organisation.human_edited_fields,
                "register_values": values,
            }
        )
    return rows


def _timeline_entry(event: Any, actions: dict[Any, str]) -> dict[str, Any]:
    """The action in words as the title; the service's own summary says the particulars."""
    title = actions.get(event.action, event.action)
    return {"when": event.occurred_at, "title": title, "who": event.actor_label, "description": event.summary if event.summary != title else "", "href": ""}


def _audit_rows(organisation: int) -> QuerySet[Any]:
    events = AuditEvent.objects.filter(organisation_id=organisation).order_by("-occurred_at", "-id")
    return events.values_list("occurred_at", "actor_label", "action", "summary", named=True)[:TIMELINE_LENGTH]


# Read on every build of an organisation's page: compiled once (core.rows.CompiledRows).
_AUDIT = CompiledRows(_audit_rows, organisation=int)


def _as_moment(value: datetime.date) -> datetime.datetime:
    """Dated entries (a return due, a decision day) sort among timed events at the start of their day."""
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time.min))


def organisation_timeline(organisation: Organisation) -> list[dict[str, Any]]:
    """Everything the council has done with the organisation, newest first.

    Audit events that name the organisation, plus entries other modules
    contribute through `registry.timeline_sources` (callable(organisation_id) →
    list of dicts with when, title and optionally who, description, href).
    """
    actions = {value: str(label) for value, label in AuditAction.choices}  # as AuditEvent.get_action_display()
    entries = [_timeline_entry(event, actions) for event in _AUDIT.rows(organisation=organisation.pk)]
    for source in registry.timeline_sources.values():
        for item in source(organisation.pk) or []:
            entry = {"who": "", "description": "", "href": "", **item}
            entry["when"] = _as_moment(entry["when"])
            entries.append(entry)
    entries.sort(key=lambda entry: entry["when"], reverse=True)
    return entries[:TIMELINE_LENGTH]


def identifier_get(organisation: Organisation, pk: int) -> OrganisationIdentifier:
    identifier = organisation.identifiers.filter(pk=pk).first()
    if identifier is None:
        raise Http404("No such identifier")
    return identifier


def contact_get(organisation: Organisation, pk: int) -> Contact:
    contact = organisation.contacts.filter(pk=pk).first()
    if contact is None:
        raise Http404("No such contact")
    return contact


def other_holders_of(organisation: Organisation, scheme: str, value: str) -> list[Organisation]:
    """Other records that hold the same identifier (a likely duplicate)."""
    return list(Organisation.objects.filter(identifiers__scheme=scheme, identifiers__value=value).exclude(pk=organisation.pk).distinct())


# Duplicates


def _live() -> QuerySet[Organisation]:
    return Organisation.objects.filter(archived_at__isnull=True).exclude(status=OrganisationStatus.MERGED)


def _pairs(ids: list[int]) -> list[tuple[int, int]]:
    return [(low, high) for low, high in itertools.combinations(sorted(set(ids)), 2)]


def _same_identifier_pairs() -> dict[tuple[int, int], list[str]]:
    live_ids = _live().values("pk")
    elsewhere = OrganisationIdentifier.objects.filter(scheme=OuterRef("scheme"), value=OuterRef("value"), organisation_id__in=live_ids).exclude(
        organisation_id=OuterRef("organisation_id")
    )
    rows = OrganisationIdentifier.objects.filter(Exists(elsewhere), organisation_id__in=live_ids).values_list("scheme", "value", "organisation_id")
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for scheme, value, organisation_id in rows:
        holders[(scheme, value)].append(organisation_id)
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for (scheme, value), ids in sorted(holders.items()):
        for pair in _pairs(ids):
            found[pair].append(f"Both hold {scheme}-{value}")
    return found


def name_similarity(first_key: str, second_key: str) -> float:
    """How alike two name keys are (0-100), word order aside.

    Also compared without spaces, because "Food Bank" and "Foodbank" are the
    same name to a person but only 76% alike word by word.
    """
    return max(fuzz.token_sort_ratio(first_key, second_key), fuzz.ratio(first_key.replace(" ", ""), second_key.replace(" ", "")))


# Names at one postcode at least this alike in trigrams (0-1) are compared properly; far below any
# name the threshold would accept ("Food Bank" and "Foodbank" share 0.58 of their trigrams).
TRIGRAM_PREFILTER = 0.4

_SIMILAR_AT_POSTCODE = """
    SELECT a.id, b.id, a.name_key, b.name_key, a.postcode
    FROM organisations_organisation a
    JOIN organisations_organisation b ON b.postcode = a.postcode AND b.id > a.id
    WHERE a.postcode <> '' AND a.archived_at IS NULL AND b.archived_at IS NULL
      AND a.status <> %s AND b.status <> %s AND similarity(a.name_key, b.name_key) >= %s
"""


def _names_at_shared_postcodes() -> list[tuple[int, int, str, str, str]]:
    """Pairs of live records at one postcode, with their name keys (lower id first), that may be alike."""
    if connection.vendor == "postgresql":
        # Set-based: one self-join on the postcode, trimmed by trigram similarity (pg_trgm).
        with connection.cursor() as cursor:
            cursor.execute(_SIMILAR_AT_POSTCODE, [OrganisationStatus.MERGED, OrganisationStatus.MERGED, TRIGRAM_PREFILTER])
            return [(int(a), int(b), key_a, key_b, postcode) for a, b, key_a, key_b, postcode in cursor.fetchall()]
    shared_postcodes = _live().exclude(postcode="").values("postcode").annotate(records=Count("pk")).filter(records__gt=1).values("postcode")
    by_postcode: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, key, postcode in _live().filter(postcode__in=shared_postcodes).values_list("pk", "name_key", "postcode"):
        by_postcode[postcode].append((pk, key))
    return [
        (a, b, key_a, key_b, postcode) for postcode, records in by_postcode.items() for (a, key_a), (b, key_b) in itertools.combinations(sorted(records), 2)
    ]


def _similar_name_pairs() -> dict[tuple[int, int], list[str]]:
    threshold = settings.DUPLICATE_NAME_SIMILARITY
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for first_id, second_id, first_key, second_key, postcode in _names_at_shared_postcodes():
        score = name_similarity(first_key, second_key)
        if score >= threshold:
            found[(first_id, second_id)].append(f"Names {score:.0f}% alike at {postcode}")
    return found


def duplicate_pair_reasons(*, include_dismissed: bool = False) -> dict[tuple[int, int], list[str]]:
    """Pairs of record ids (lower id first) that may be one organisation, with why; dismissed pairs left out unless asked for.

    The whole register is compared: the background job (`duplicates.duplicate_candidates_refresh`) calls this and
    stores what it finds; pages read the stored pairs.
    """
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for source in (_same_identifier_pairs(), _similar_name_pairs()):
        for pair, reasons in source.items():
            found[pair].extend(reasons)
    if include_dismissed:
        return dict(found)
    dismissed = set(DuplicateDecision.objects.values_list("first_id", "second_id"))
    return {pair: reasons for pair, reasons in found.items() if pair not in dismissed}


def _stored_pairs() -> QuerySet[DuplicateCandidate]:
    """The pairs the last check found, less those dismissed since and records since merged or archived."""
    # The records gone are few (index org_gone_idx): leaving them out never joins the pairs to the whole register.
    gone = Organisation.objects.filter(Q(archived_at__isnull=False) | Q(status=OrganisationStatus.MERGED)).values("pk")
    dismissed = DuplicateDecision.objects.filter(first_id=OuterRef("first_id"), second_id=OuterRef("second_id"))
    return DuplicateCandidate.objects.exclude(first_id__in=gone).exclude(second_id__in=gone).exclude(Exists(dismissed))


def duplicate_candidates() -> QuerySet[DuplicateCandidate]:
    """The stored pairs to review, by the first record's name then the second's as the check found them (page them: there may be thousands)."""
    return _stored_pairs().select_related("first", "second").order_by("first_name", "second_name", "first_id", "second_id")


def duplicate_count(*, up_to: int | None = None) -> int:
    """How many pairs wait for a decision; with `up_to`, counted no further than one past it (the dashboard says
    "more than" that rather than reading every one of tens of thousands of pairs on each visit)."""
    if up_to is None:
        return _stored_pairs().count()
    return _stored_pairs().order_by().values("pk")[: up_to + 1].count()


def pair_get(first_pk: int, second_pk: int) -> tuple[Organisation, Organisation]:
    """Two different records for a duplicate review; 404 if either is missing."""
    if first_pk == second_pk:
        raise Http404("Choose two different organisations")
    records = (
        Organisation.objects.select_related("ward", "merged_into")
        .prefetch_related("identifiers", "wards_served", "areas_of_work", "memberships", "contacts")
        .in_bulk([first_pk, second_pk])
    )
    if len(records) != 2:
        raise Http404("No such organisation")
    return records[first_pk], records[second_pk]


def merge_get(pk: int) -> OrganisationMerge:
    merge = OrganisationMerge.objects.select_related("kept", "merged", "performed_by", "undone_by").filter(pk=pk).first()
    if merge is None:
        raise Http404("No such merge")
    return merge


# --- the register's part of the ward pages (registered in registrations.py) ---------------


def ward_organisations_based(ward_id: int) -> QuerySet[Organisation, Any]:
    """Active organisations whose address is in the ward: each one's `pk` and `name` (a city ward has hundreds)."""
    return Organisation.objects.filter(ward_id=ward_id, archived_at__isnull=True).order_by("name", "pk").values("pk", "name")


def ward_organisations_serving(ward_id: int) -> QuerySet[Organisation, Any]:
    """Active organisations that say they serve the ward: each one's `pk` and `name`."""
    return Organisation.objects.filter(wards_served=ward_id, archived_at__isnull=True).order_by("name", "pk").values("pk", "name")


def with_organisation_count(wards: QuerySet[Any]) -> QuerySet[Any]:
    """`wards` annotated with `organisation_count`, the active organisations based in each: one subquery for the whole list."""
    based = Organisation.objects.filter(ward=OuterRef("pk"), archived_at__isnull=True).order_by().values("ward").annotate(n=Count("pk")).values("n")
    return wards.annotate(organisation_count=Coalesce(Subquery(based, output_field=IntegerField()), 0))


def message_recipients(organisation: Organisation) -> Recipients:
    """Who hears about this organisation's records: its portal members; with none, the contacts who consented
    to be contacted (else the organisation's own e-mail address); with no address at all, a letter to post."""
    address = "\n".join(part for part in (organisation.address.strip(), organisation.postcode) if part)

    def to(route: str, emails: list[str]) -> Recipients:
        return Recipients(organisation_id=organisation.pk, organisation_name=organisation.name, route=route, emails=emails, address=address)

    members = sorted({email for email in organisation.memberships.filter(user__is_active=True).values_list("user__email", flat=True) if email})
    if members:
        return to(Route.MEMBERS, members)
    contacts = sorted(
        {email for email in organisation.contacts.filter(consent_given_on__isnull=False).exclude(email="").values_list("email", flat=True) if email}
    )
    if not contacts and organisation.email:
        contacts = [organisation.email]
    if contacts:
        return to(Route.CONTACT, contacts)
    return to(Route.POST, [])
