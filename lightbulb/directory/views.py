"""The directory pages: officers, councillors and investigators read every service; members describe their own.

Views parse, call one service and show its refusal beside the field. Each object is loaded through
a selector that ends in `object_for_user`: no access is 404, read-only access on a write is 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.pickers import picker_response
from lightbulb.core.rules import allowed
from lightbulb.directory import selectors, services
from lightbulb.directory.forms import LocationForm, ScheduleForm, ServiceForm
from lightbulb.directory.rules import can_describe_services, can_manage_service, can_read_directory
from lightbulb.places.selectors import ward_label, ward_search


@permission_required(can_read_directory)
def service_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    # 50 a page like every list: the whole national directory (thousands of services) was drawn, and past 500 cut off unsaid.
    page = paginate(request, selectors.services_for_user(request.user, query=query))
    context = {
        "page": page,
        "pagination": pagination_params(request, page),
        "query": query,
        "own_organisations": selectors.member_organisations(request.user),
    }
    return render(request, "directory/service_list.html", context)


@permission_required(can_read_directory)
def service_detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_for_user(request, pk)
    context = {"service": service, "may_manage": allowed(can_manage_service, request.user, service)}
    return render(request, "directory/service_detail.html", context)


def _initial(service: Any) -> dict[str, Any]:
    fields = ["name", "description", "status", "minimum_age", "maximum_age", "fees", "url", "email", "phone", "contact_name", "contact_title", "publish"]
    initial = {field: getattr(service, field) for field in fields}
    initial.update(terms=list(service.terms.all()), wards=list(service.wards.all()), version=service.version)
    return initial


@permission_required(can_describe_services)
def ward_pick(request: HttpRequest) -> HttpResponse:
    """The service form's ward picker's JSON search, for members describing their services too (they do not read the register)."""
    return picker_response(request, selectors.ward_choices(), ward_search, ward_label)


@permission_required(can_describe_services)
def service_create(request: HttpRequest, organisation_pk: int) -> HttpResponse:
    organisation = selectors.organisation_for_describing(request, organisation_pk)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(acting_user=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{service.name} is in the directory. Add the places it is delivered at.")
            return redirect("directory:service_detail", pk=service.pk)
    context = {"form": form, "title": f"Describe a service of {organisation.name}", "back_url": reverse("directory:service_list"), "submit_label": "Save"}
    return render(request, "directory/form.html", context)


@permission_required(can_describe_services)
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_for_user(request, pk, write=True)
    form = ServiceForm(request.POST or None, initial=_initial(service))
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(acting_user=request.user, service=service, expected_version=form.expected_version, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{service.name} has been updated.")
            return redirect("directory:service_detail", pk=service.pk)
    back = reverse("directory:service_detail", kwargs={"pk": service.pk})
    return render(request, "directory/form.html", {"form": form, "title": f"Change {service.name}", "back_url": back, "submit_label": "Save"})


@permission_required(can_describe_services)
def location_add(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_for_user(request, pk, write=True)
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_location_add(acting_user=request.user, service=service, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The place has been added.")
            return redirect("directory:service_detail", pk=service.pk)
    back = reverse("directory:service_detail", kwargs={"pk": service.pk})
    return render(
        request, "directory/form.html", {"form": form, "title": f"Add a place where {service.name} is delivered", "back_url": back, "submit_label": "Add"}
    )


@permission_required(can_describe_services)
@require_POST
def location_remove(request: HttpRequest, pk: int, location_pk: int) -> HttpResponse:
    service = selectors.service_get_for_user(request, pk, write=True)
    location = selectors.location_get_for_user(request, service, location_pk)
    services.service_location_remove(acting_user=request.user, location=location)
    messages.success(request, f"{location.name} has been removed.")
    return redirect("directory:service_detail", pk=service.pk)


@permission_required(can_describe_services)
def schedule_add(request: HttpRequest, pk: int) -> HttpResponse:
    service = selectors.service_get_for_user(request, pk, write=True)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_schedule_add(acting_user=request.user, service=service, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The opening times have been added.")
            return redirect("directory:service_detail", pk=service.pk)
    back = reverse("directory:service_detail", kwargs={"pk": service.pk})
    return render(request, "directory/form.html", {"form": form, "title": f"When {service.name} runs", "back_url": back, "submit_label": "Add"})


@permission_required(can_describe_services)
@require_POST
def schedule_remove(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    service = selectors.service_get_for_user(request, pk, write=True)
    schedule = selectors.schedule_get_for_user(request, service, schedule_pk)
    label = str(schedule)
    services.service_schedule_remove(acting_user=request.user, schedule=schedule)
    messages.success(request, f"{label} has been removed.")
    return redirect("directory:service_detail", pk=service.pk)
