"""Relationship health: the whole sector's index by quarter, and one organisation's."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lightbulb.core.access import permission_required
from lightbulb.engagement.rules import can_read_health
from lightbulb.engagement.selectors import health as selectors
from lightbulb.engagement.selectors.log import organisation_name


def _page(request: HttpRequest, organisation: object | None) -> HttpResponse:
    periods = selectors.health(getattr(organisation, "pk", None))
    context = {"periods": periods, "measures": selectors.MEASURES, "organisation": organisation, "latest": periods[-1].index}
    return render(request, "engagement/health.html", context)


@permission_required(can_read_health)
def health_sector(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@permission_required(can_read_health)
def health_organisation(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = organisation_name(pk)
    if organisation is None:
        raise Http404("No such organisation")
    return _page(request, organisation)
