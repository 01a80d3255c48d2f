"""Flags: the list, one flag with its evidence, dismissing it with a reason, and recomputing them now."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.rules import allowed
from lightbulb.engagement import exports
from lightbulb.engagement.forms import DismissFlagForm, FlagThresholdsForm
from lightbulb.engagement.rules import can_dismiss_flags, can_manage_flag_thresholds, can_read_flags, can_recompute_flags
from lightbulb.engagement.selectors import flags as selectors
from lightbulb.engagement.services import flags as services
from lightbulb.engagement.services import thresholds as threshold_services
from lightbulb.engagement.tasks import recompute_flags


@permission_required(can_read_flags)
def flag_list(request: HttpRequest) -> HttpResponse:
    flags, sort, filter_form = exports.flag_rows(request)
    page = paginate(request, flags)
    context = {
        "page": page,
        "pagination": pagination_params(request, page),
        "sort": sort,
        "filter_form": filter_form,
        "counts": selectors.open_counts(),
        "may_recompute": allowed(can_recompute_flags, request.user),
    }
    return render(request, "engagement/flag_list.html", context)


@permission_required(can_read_flags)
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_for_user(pk, request.user)
    may_dismiss = allowed(can_dismiss_flags, request.user, flag) and flag.status == "open"
    context = {"flag": flag, "history": selectors.flag_history(flag), "may_dismiss": may_dismiss, "form": DismissFlagForm() if may_dismiss else None}
    return render(request, "engagement/flag_detail.html", context)


@permission_required(can_dismiss_flags)
def flag_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    flag = selectors.flag_for_user(pk, request.user, write=True)
    form = DismissFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_dismiss(acting_user=request.user, flag=flag, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Flag dismissed. It will be raised again if its evidence changes.")
            return redirect("engagement:flag_detail", pk=flag.pk)
    context = {"flag": flag, "history": selectors.flag_history(flag), "may_dismiss": flag.status == "open", "form": form}
    return render(request, "engagement/flag_detail.html", context)


@permission_required(can_recompute_flags)
@require_POST
def flags_recompute(request: HttpRequest) -> HttpResponse:
    recompute_flags.enqueue(None)
    messages.success(request, "Every organisation's flags are being recomputed in the background. Refresh this page in a minute.")
    return redirect("engagement:flag_list")


@permission_required(can_manage_flag_thresholds)
def flag_thresholds(request: HttpRequest) -> HttpResponse:
    """An administrator sets the thresholds flags are raised at; every organisation's flags are then recomputed."""
    page = selectors.thresholds_page()
    form = FlagThresholdsForm(request.POST or None, initial=page["initial"], defaults=page["defaults"])
    if request.method == "POST" and form.is_valid():
        try:
            threshold_services.flag_thresholds_update(acting_user=request.user, data=form.service_data(), expected_version=form.expected_version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The thresholds are saved. Every organisation's flags are being recomputed in the background.")
            return redirect("engagement:flag_thresholds")
    return render(request, "engagement/flag_thresholds.html", {"form": form, "in_force": page["in_force"]})
