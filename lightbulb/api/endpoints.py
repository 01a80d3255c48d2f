"""The REST API (OpenAPI 3.1 at /api/openapi.json): the register, agreements, grants and the open-data files.

Everything is read-only and needs a token with the right scope. Lists page by cursor: pass the
`next_cursor` of one page as `cursor` for the next; it is opaque and stays valid as records are added.
"""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import NinjaAPI, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from lightbulb.api.auth import TokenAuth
from lightbulb.concerns import selectors as concerns
from lightbulb.core.registry import registry
from lightbulb.funding.selectors import publishing
from lightbulb.funding.selectors.publishing import Publisher, award_date, grant, registration_number
from lightbulb.organisations import published as register


class LightbulbAPI(NinjaAPI):
    """Mounted inside the `api` app's namespace, so its root is reversed through it."""

    def get_root_path(self, path_params: dict[str, Any]) -> str:
        return reverse(f"api:{self.urls_namespace}:api-root", kwargs=path_params)


api = LightbulbAPI(
    title="Lightbulb API",
    version="1",
    description="Read the council's register of organisations, its funding agreements, its grants (in 360Giving form) and its open-data files. "
    "Every request needs `Authorization: Bearer <token>`, a token an administrator issued for the scopes it reads.",
    urls_namespace="rest",
    docs_url=None,
    openapi_url="/openapi.json",
)


class Error(Schema):
    detail: Any


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


class Paging(Schema):
    cursor: str | None = Field(None, description="The next_cursor of the previous page; leave it out for the first page", pattern=r"^[0-9]{1,18}$")
    limit: int = Field(50, ge=1, le=200, description="How many items a page holds (1 to 200)")


def _after(cursor: str | None) -> int:
    """Where a page starts: after the record the previous page ended on."""
    return int(cursor) if cursor else 0


def _cursor(last: int) -> str:
    return str(last)


# --- the register -------------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    legal_form: str
    status: str
    is_vcse: bool
    postcode: str
    ward_code: str | None
    identifiers: list[str] = Field(description="Org-IDs, e.g. GB-CHC-1123456")
    website: str
    areas_of_work: list[str]
    wards_served: list[str] = Field(description="GSS codes of the wards it serves")


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next_cursor: str | None


register_router = Router(tags=["Register"], auth=TokenAuth("register"))


@register_router.get("/organisations", response={200: OrganisationPage, **ERRORS}, summary="Organisations on the register")
def organisation_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    rows = register.organisations_after(_after(paging.cursor), paging.limit + 1)
    page = rows[: paging.limit]
    more = len(rows) > paging.limit
    return {"items": page, "next_cursor": _cursor(page[-1]["id"]) if more and page else None}


@register_router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **ERRORS}, summary="One organisation")
def organisation_detail(request: HttpRequest, organisation_id: int) -> Any:
    organisation = register.organisation_get(organisation_id) if 0 < organisation_id < 2**63 else None
    if organisation is None:
        raise HttpError(404, "No such organisation")
    return organisation


# --- agreements and grants ----------------------------------------------------------------------


class AgreementOut(Schema):
    reference: str
    title: str
    kind: str
    status: str
    organisation_id: int
    organisation_name: str
    registration_number: str
    department: str
    purpose: str
    amount: float = Field(description="Total value in pounds")
    award_date: datetime.date
    start_date: datetime.date
    end_date: datetime.date
    procurement_route: str
    recipient_is_vcse: bool
    recipient_is_sme: bool
    ward_codes: list[str]


class AgreementPage(Schema):
    items: list[AgreementOut]
    next_cursor: str | None


def _agreement(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": row["reference"],
        "title": row["title"],
        "kind": row["kind"],
        "status": row["status"],
        "organisation_id": row["organisation_id"],
        "organisation_name": row["organisation__name"],
        "registration_number": registration_number(row),
        "department": row["department"],
        "purpose": row["purpose"],
        "amount": float(row["amount"]),
        "award_date": award_date(row),
        "start_date": row["start_date"],
        "end_date": row["end_date"],
        "procurement_route": row["procurement_route"],
        "recipient_is_vcse": row["recipient_is_vcse"],
        "recipient_is_sme": row["recipient_is_sme"],
        "ward_codes": [code for code, _ in row["wards"]],
    }


def _published_page(kinds: tuple[str, ...], paging: Paging) -> tuple[list[dict[str, Any]], str | None]:
    # The same rule as the open-data files: nothing about an organisation under investigation.
    excluded = concerns.organisation_ids_under_investigation()
    rows = list(
        itertools.islice(
            publishing.published_agreements(kinds=kinds, exclude_organisation_ids=excluded, after=_after(paging.cursor), batch_size=paging.limit + 1),
            paging.limit + 1,
        )
    )
    page = rows[: paging.limit]
    return page, _cursor(page[-1]["pk"]) if len(rows) > paging.limit and page else None


agreements_router = Router(tags=["Agreements"], auth=TokenAuth("agreements"))


@agreements_router.get("/agreements", response={200: AgreementPage, **ERRORS}, summary="Funding agreements once awarded")
def agreement_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    page, cursor = _published_page((*publishing.GRANT_KINDS, *publishing.CONTRACT_KINDS), paging)
    return {"items": [_agreement(row) for row in page], "next_cursor": cursor}


class GrantPage(Schema):
    items: list[dict[str, Any]] = Field(description="Grants as the 360Giving Data Standard 1.4.3 describes them")
    next_cursor: str | None


grants_router = Router(tags=["Grants"], auth=TokenAuth("grants"))


@grants_router.get("/grants", response={200: GrantPage, **ERRORS}, summary="The council's grants in 360Giving form")
def grant_list(request: HttpRequest, paging: Query[Paging]) -> Any:
    publisher = Publisher()
    if not publisher.ready:
        return {"items": [], "next_cursor": None}
    page, cursor = _published_page(tuple(publishing.GRANT_KINDS), paging)
    return {"items": [grant(row, publisher) for row in page], "next_cursor": cursor}


# --- open data -----------------------------------------------------------------------------------


class OpenDataFile(Schema):
    url: str
    title: str
    standard: str
    generated_at: datetime.datetime | None = Field(
        description="When the file was last generated; null until it first is, and for the directory, which is answered live"
    )
    row_count: int | None = Field(description="How many rows (grants, releases, lines) the file held when it was generated; null as for generated_at")
    out_of_date: bool = Field(description="The records behind the file changed since it was generated; a new copy is being made")


opendata_router = Router(tags=["Open data"], auth=TokenAuth("opendata"))


@opendata_router.get("/open-data", response={200: list[OpenDataFile], **ERRORS}, summary="The published files, when each was last generated and its row count")
def open_data_files(request: HttpRequest) -> Any:
    # The open-data module registers its list (the API may not import it: they are one layer).
    return [item for source in registry.published_files.values() for item in source()]


api.add_router("/v1", register_router)
api.add_router("/v1", agreements_router)
api.add_router("/v1", grants_router)
api.add_router("/v1", opendata_router)
