"""Wards, councillors, localities, the council's settings and the postcode lookup."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.history import render_history
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.page_cache import kept_page
from lightbulb.core.registry import registry
from lightbulb.core.rules import allowed
from lightbulb.places import exports, selectors, services
from lightbulb.places.forms import CouncilForm, CouncillorFilterForm, CouncillorForm, LocalityForm, PostcodeLookupForm, WardForm
from lightbulb.places.rules import can_manage_council_settings, can_manage_places, can_read_places


def _can_write(request: HttpRequest) -> bool:
    return allowed(can_manage_places, request.user)


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None


def _ward_list_columns() -> list[dict[str, str]]:
    """The figures other modules register for the ward list, for the template."""
    return [{"name": name, "label": column.label, "attribute": column.attribute} for name, column in selectors.ward_columns()]


@permission_required(can_read_places)
@kept_page
def ward_list(request: HttpRequest) -> HttpResponse:
    wards, sort, filters = exports.ward_rows(request)
    query, locality_id = filters["q"], filters["locality"]
    columns = _ward_list_columns()
    page = paginate(request, wards)
    context = {
        "page": page,
        "pagination": pagination_params(request, page),
        "sort": sort,
        "columns": columns,
        "query": query,
        "locality_id": locality_id,
        "localities": selectors.locality_options(),
        "can_write": _can_write(request),
        # A councillor's own wards come first, and are marked in the list.
        "own_wards": selectors.councillor_wards(request.user),
    }
    return render(request, "places/ward_list.html", context)


def _ward_sections(request: HttpRequest, ward: Any) -> list[dict[str, Any]]:
    """What other modules show about the ward (its organisations, …): each decides what this user may see."""
    sections = []
    for name, section in registry.ward_sections.items():
        content = section(ward, request)
        if content:
            sections.append({"name": name, **content})
    sections.sort(key=lambda section: section.get("order", 100))
    return sections


@permission_required(can_read_places)
@kept_page
def ward_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ward = selectors.ward_get(pk)
    today = timezone.localdate()
    councillors = [{"councillor": c, "current": selectors.councillor_is_current(c, today)} for c in selectors.ward_councillors(ward)]
    context = {
        "ward": ward,
        "councillors": councillors,
        "sections": _ward_sections(request, ward),
        "can_write": _can_write(request),
    }
    return render(request, "places/ward_detail.html", context)


@permission_required(can_manage_places)
def ward_create(request: HttpRequest) -> HttpResponse:
    form = WardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ward = services.ward_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Ward {ward.name} added.")
            return redirect("places:ward_detail", pk=ward.pk)
    return render(request, "places/form.html", {"form": form, "title": "Add a ward", "back_url": reverse("places:ward_list")})


@permission_required(can_manage_places)
def ward_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ward = selectors.ward_get(pk)
    initial = {"name": ward.name, "gss_code": ward.gss_code, "locality": ward.locality_id, "version": ward.version}
    form = WardForm(request.POST or None, initial=initial, instance=ward)
    if request.method == "POST" and form.is_valid():
        try:
            services.ward_update(acting_user=request.user, ward=ward, expected_version=form.expected_version, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The ward has been updated.")
            return redirect("places:ward_detail", pk=ward.pk)
    back = reverse("places:ward_detail", kwargs={"pk": ward.pk})
    return render(request, "places/form.html", {"form": form, "title": f"Change {ward.name}", "back_url": back})


@permission_required(can_read_places)
def ward_history(request: HttpRequest, pk: int) -> HttpResponse:
    ward = selectors.ward_get(pk)
    return render_history(request, obj=ward, title=ward.name, back_url=reverse("places:ward_detail", kwargs={"pk": ward.pk}))


@permission_required(can_read_places)
def councillor_list(request: HttpRequest) -> HttpResponse:
    parties = selectors.councillor_parties()
    councillors, sort, filters = exports.councillor_rows(request, parties)
    party, ward_id, query = filters["party"], filters["ward"], filters["q"]
    page = paginate(request, councillors)
    today = timezone.localdate()
    rows = [{"councillor": c, "current": selectors.councillor_is_current(c, today)} for c in page]
    context = {
        "page": page,
        "rows": rows,
        "pagination": pagination_params(request, page),
        "sort": sort,
        "parties": parties,
        "party": party,
        # The filter form drawn again for its ward picker (the rows come from the same values above).
        "form": CouncillorFilterForm(request.GET, parties=parties),
        "ward_id": ward_id,
        "query": query,
        "can_write": _can_write(request),
    }
    return render(request, "places/councillor_list.html", context)


@permission_required(can_manage_places)
def councillor_create(request: HttpRequest) -> HttpResponse:
    form = CouncillorForm(request.POST or None, initial={"ward": _int_param(request, "ward")})
    if request.method == "POST" and form.is_valid():
        try:
            councillor = services.councillor_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Councillor {councillor.name} added.")
            return redirect("places:ward_detail", pk=councillor.ward_id)
    return render(request, "places/form.html", {"form": form, "title": "Add a councillor", "back_url": reverse("places:councillor_list")})


@permission_required(can_manage_places)
def councillor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    councillor = selectors.councillor_get(pk)
    initial = {name: getattr(councillor, name) for name in services.COUNCILLOR_FIELDS} | {"version": councillor.version}
    form = CouncillorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.councillor_update(acting_user=request.user, councillor=councillor, expected_version=form.expected_version, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The councillor's details have been updated.")
            return redirect("places:ward_detail", pk=councillor.ward_id)
    context = {
        "form": form,
        "title": f"Change {councillor.name}",
        "back_url": reverse("places:councillor_list"),
        "history_url": reverse("places:councillor_history", kwargs={"pk": councillor.pk}),
    }
    return render(request, "places/form.html", context)


@permission_required(can_read_places)
def councillor_history(request: HttpRequest, pk: int) -> HttpResponse:
    councillor = selectors.councillor_get(pk)
    return render_history(request, obj=councillor, title=councillor.name, back_url=reverse("places:ward_detail", kwargs={"pk": councillor.ward_id}))


@permission_required(can_read_places)
def locality_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.locality_list_page())
    context = {"page": page, "pagination": pagination_params(request, page), "can_write": _can_write(request)}
    return render(request, "places/locality_list.html", context)


@permission_required(can_manage_places)
def locality_create(request: HttpRequest) -> HttpResponse:
    form = LocalityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            locality = services.locality_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Locality {locality.name} added.")
            return redirect("places:locality_list")
    return render(request, "places/form.html", {"form": form, "title": "Add a locality", "back_url": reverse("places:locality_list")})


@permission_required(can_manage_places)
def locality_edit(request: HttpRequest, pk: int) -> HttpResponse:
    locality = selectors.locality_get(pk)
    initial = {"name": locality.name, "description": locality.description, "wards": [w.pk for w in locality.wards.all()], "version": locality.version}
    form = LocalityForm(request.POST or None, initial=initial, instance=locality)
    if request.method == "POST" and form.is_valid():
        try:
            services.locality_update(acting_user=request.user, locality=locality, expected_version=form.expected_version, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The locality has been updated.")
            return redirect("places:locality_list")
    context = {
        "form": form,
        "title": f"Change {locality.name}",
        "back_url": reverse("places:locality_list"),
        "history_url": reverse("places:locality_history", kwargs={"pk": locality.pk}),
    }
    return render(request, "places/form.html", context)


@permission_required(can_read_places)
def locality_history(request: HttpRequest, pk: int) -> HttpResponse:
    locality = selectors.locality_get(pk)
    return render_history(request, obj=locality, title=locality.name, back_url=reverse("places:locality_list"))


@permission_required(can_manage_council_settings)
def council_settings(request: HttpRequest) -> HttpResponse:
    council = selectors.council_get()
    initial = {"name": council.name, "gss_code": council.gss_code, "org_id": council.org_id, "grant_prefix": council.grant_prefix} if council else {}
    form = CouncilForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The council's details have been saved.")
            return redirect("places:council_settings")
    return render(request, "places/council_settings.html", {"form": form, "council": council})


@permission_required(can_read_places)
def postcode_lookup(request: HttpRequest) -> HttpResponse:
    """Type a postcode, get its ward. A GET form, so a result can be bookmarked or shared."""
    form = PostcodeLookupForm(request.GET if "postcode" in request.GET else None)
    ward = None
    postcode = ""
    if form.is_bound and form.is_valid():
        postcode = form.cleaned_data["postcode"]
        ward = selectors.ward_for_postcode(postcode)
        if ward is None:
            form.add_error(
                "postcode", f"We do not know the ward for {postcode}. Check the postcode, or ask an administrator to load the latest postcode lookup."
            )
    context = {"form": form, "ward": ward, "postcode": postcode, "postcode_count": selectors.postcode_count()}
    return render(request, "places/postcode_lookup.html", context)
