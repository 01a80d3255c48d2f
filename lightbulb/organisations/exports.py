"""The register's lists and the portal's review lists, shared by each page and its CSV or XLSX download (core.exports).

Each `*_rows(request)` is what the page lists, with the page's filters and sort: the view pages
through it and the worker writes every row of it to the file.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from lightbulb.core.exports import Column
from lightbulb.core.lists import Sort, sort_queryset
from lightbulb.core.registry import ExportList, registry
from lightbulb.organisations import selectors
from lightbulb.organisations.forms import OrganisationFilterForm
from lightbulb.organisations.portal import selectors as portal_selectors
from lightbulb.organisations.portal.forms import ClaimFilterForm, ProfileChangeFilterForm
from lightbulb.organisations.rules import can_manage_register, can_merge_organisations, can_read_register, can_review_profile_changes, can_verify_claims

ORGANISATION_COLUMNS = [
    Column("Name", lambda o: o.name),
    Column("Other names", lambda o: "; ".join(line.strip() for line in o.other_names.splitlines() if line.strip())),
    Column("Identifiers", lambda o: "; ".join(identifier.org_id for identifier in o.identifiers.all())),
    Column("Legal form", lambda o: o.get_legal_form_display()),
    Column("Status", lambda o: o.get_status_display()),
    Column("Address", lambda o: ", ".join(line.strip() for line in o.address.splitlines() if line.strip())),
    Column("Postcode", lambda o: o.postcode),
    Column("Ward", lambda o: o.ward.name if o.ward else ""),
    Column("Wards served", lambda o: "; ".join(ward.name for ward in o.wards_served.all())),
    Column("Areas of work", lambda o: "; ".join(area.name for area in o.areas_of_work.all())),
    Column("Website", lambda o: o.website),
    Column("E-mail", lambda o: o.email),
    Column("Telephone", lambda o: o.phone),
    Column("Date registered", lambda o: o.date_registered),
    Column("Archived", lambda o: o.archived_at),
]
AREA_COLUMNS = [Column("Area of work", lambda area: area.name), Column("Organisations", lambda area: area.organisation_count)]
DUPLICATE_COLUMNS = [
    Column("First record", lambda pair: pair.first.name),
    Column("First record's postcode", lambda pair: pair.first.postcode),
    Column("Second record", lambda pair: pair.second.name),
    Column("Second record's postcode", lambda pair: pair.second.postcode),
    Column("Why they may be the same", lambda pair: "; ".join(str(reason) for reason in pair.reasons)),
]
CLAIM_SORTS = {"received": ["created_at"], "claimant": ["user__full_name"], "status": ["status"]}
CLAIM_COLUMNS = [
    Column("Received", lambda claim: claim.created_at),
    Column("Claimant", lambda claim: claim.user.display_name),
    Column("Claimant e-mail", lambda claim: claim.user.email),
    Column("Organisation", lambda claim: claim.organisation.name if claim.organisation else claim.proposed_name),
    Column("New organisation proposed", lambda claim: claim.organisation_id is None),
    Column("Role in the organisation", lambda claim: claim.role_in_organisation),
    Column("Status", lambda claim: claim.get_status_display()),
    Column("Decided by", lambda claim: claim.decided_by.display_name if claim.decided_by else ""),
    Column("Decided at", lambda claim: claim.decided_at),
    Column("Reason", lambda claim: claim.decision_reason),
]
PROFILE_CHANGE_COLUMNS = [
    Column("Changed at", lambda change: change.created_at),
    Column("Organisation", lambda change: change.organisation.name),
    Column("Changed by", lambda change: change.changed_by.display_name),
    Column("What changed", lambda change: "; ".join(f"{field}: {values[0]!s} → {values[1]!s}" for field, values in change.changes.items())),
    Column("Reviewed by", lambda change: change.reviewed_by.display_name if change.reviewed_by else ""),
    Column("Reviewed at", lambda change: change.reviewed_at),
]


def organisation_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, OrganisationFilterForm]:
    form = OrganisationFilterForm(request.GET)
    filters = selectors.OrganisationFilters(**form.filters())
    organisations = selectors.organisation_search(filters)
    if filters.q and not request.GET.get("sort"):
        # A search lists the best match first until the reader sorts by a column.
        return organisations, Sort(key="", descending=False, order_by=[]), form
    organisations, sort = sort_queryset(request, organisations, selectors.LIST_SORTS, "name")
    return organisations, sort, form


def organisation_export_rows(request: HttpRequest) -> QuerySet[Any]:
    """The register's rows with what the download's columns need besides the page's."""
    return organisation_rows(request)[0].prefetch_related("areas_of_work", "wards_served")


def claim_rows(request: HttpRequest) -> tuple[QuerySet[Any], Sort, str]:
    status = ClaimFilterForm(request.GET).filters()["status"]
    claims, sort = sort_queryset(request, portal_selectors.claim_list(status=status), CLAIM_SORTS, "received")
    # Waiting claims stay on top whatever the sort.
    return claims.order_by("pending_rank", *sort.order_by), sort, status


def profile_change_rows(request: HttpRequest) -> tuple[QuerySet[Any], Any]:
    reviewed = ProfileChangeFilterForm(request.GET).filters()["reviewed"]
    return portal_selectors.profile_change_list(reviewed=reviewed), reviewed


def register() -> None:
    registry.exports.update(
        {
            "organisations": ExportList(
                "Organisations", "organisations", can_read_register, organisation_export_rows, ORGANISATION_COLUMNS, "organisations:list"
            ),
            "areas_of_work": ExportList(
                "Areas of work", "areas-of-work", can_manage_register, lambda r: selectors.area_of_work_list_with_counts(), AREA_COLUMNS, "organisations:areas"
            ),
            "duplicates": ExportList(
                "Possible duplicates",
                "possible-duplicates",
                can_merge_organisations,
                lambda r: selectors.duplicate_candidates(),
                DUPLICATE_COLUMNS,
                "organisations:duplicates",
            ),
            "claims": ExportList("Claims", "organisation-claims", can_verify_claims, lambda r: claim_rows(r)[0], CLAIM_COLUMNS, "organisations:claims_list"),
            "profile_changes": ExportList(
                "Profile changes",
                "profile-changes",
                can_review_profile_changes,
                lambda r: profile_change_rows(r)[0],
                PROFILE_CHANGE_COLUMNS,
                "organisations:profile_changes",
            ),
        }
    )
