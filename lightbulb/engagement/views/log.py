"""The engagement log: list, one engagement, logging and changing one, follow-up actions and themes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.pickers import picker_response
from lightbulb.core.rules import allowed
from lightbulb.engagement import exports
from lightbulb.engagement.forms import CompleteActionForm, EngagementForm, FollowUpActionForm, ThemeEditForm, ThemeForm
from lightbulb.engagement.rules import can_complete_action, can_manage_engagement, can_manage_themes, can_own_actions, can_read_engagement
from lightbulb.engagement.selectors import log as selectors
from lightbulb.engagement.services import log as services
from lightbulb.places.selectors import councillor_label, councillor_picker_choices, councillor_search


@permission_required(can_read_engagement)
def engagement_list(request: HttpRequest) -> HttpResponse:
    engagements, sort, filter_form = exports.engagement_rows(request)
    # A search of titles and notes: a common phrase ("hall hire") matches a fifth of a national log, and a capped
    # count would read ten thousand notes to check each match; PostgreSQL's estimate is close for so many.
    page = paginate(request, selectors.engagement_list_columns(engagements), estimate_first=bool(filter_form.filters()["q"]))
    context = {
        "page": page,
        "pagination": pagination_params(request, page),
        "sort": sort,
        "filter_form": filter_form,
        "may_write": allowed(can_manage_engagement, request.user),
        "may_manage_themes": allowed(can_manage_themes, request.user),
    }
    return render(request, "engagement/engagement_list.html", context)


@permission_required(can_read_engagement)
def engagement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_for_user(pk, request.user)
    people = selectors.engagement_people(engagement)
    actions = [{"action": action, "may_complete": allowed(can_complete_action, request.user, action)} for action in people.pop("actions")]
    context = {"engagement": engagement, **people, "actions": actions, "may_write": allowed(can_manage_engagement, request.user)}
    return render(request, "engagement/engagement_detail.html", context)


def _form_choices(data: Any, initial: dict[str, Any]) -> dict[str, list[tuple[int, str]]]:
    """What the form lists: themes (with any retired one the record carries) and officers. The ward, organisations
    and councillors are chosen by searching (core.pickers)."""
    values = data.getlist("themes") if data is not None else initial.get("themes", [])
    themes = [int(value) for value in values if str(value).isdigit() and len(str(value)) < 12]
    return {
        "themes": selectors.theme_choices(themes),
        "officers": selectors.officer_choices(),
    }


def _engagement_form_page(request: HttpRequest, *, initial: dict[str, Any], engagement: Any = None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = EngagementForm(data, initial=initial, choices=_form_choices(data, initial))
    if data is not None and form.is_valid():
        try:
            if engagement is None:
                engagement = services.engagement_create(acting_user=request.user, data=form.service_data())
            else:
                services.engagement_update(acting_user=request.user, engagement=engagement, data=form.service_data(), expected_version=form.expected_version)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Engagement saved. Add any follow-up actions below.")
            return redirect("engagement:engagement_detail", pk=engagement.pk)
    heading = "Log an engagement" if engagement is None else f"Change {engagement.title}"
    back = reverse("engagement:engagement_list") if engagement is None else reverse("engagement:engagement_detail", kwargs={"pk": engagement.pk})
    return render(request, "engagement/engagement_form.html", {"form": form, "heading": heading, "back_url": back})


@permission_required(can_manage_engagement)
def engagement_create(request: HttpRequest) -> HttpResponse:
    organisation = request.GET.get("organisation", "")
    initial: dict[str, Any] = {"organisations": [int(organisation)] if organisation.isdigit() and len(organisation) < 12 else []}
    return _engagement_form_page(request, initial=initial)


@permission_required(can_manage_engagement)
def councillor_pick(request: HttpRequest) -> HttpResponse:
    """The engagement form's councillor picker's JSON search, by name or ward name: for those who record engagements."""
    return picker_response(request, councillor_picker_choices(), councillor_search, councillor_label)


@permission_required(can_manage_engagement)
def engagement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_for_user(pk, request.user, write=True)
    return _engagement_form_page(request, initial=selectors.engagement_initial(engagement), engagement=engagement)


@permission_required(can_manage_engagement)
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = selectors.engagement_for_user(pk, request.user, write=True)
    form = FollowUpActionForm(request.POST or None, owners=selectors.owner_choices())
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_action_add(acting_user=request.user, engagement=engagement, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Follow-up action added. It is on its owner's dashboard.")
            return redirect("engagement:engagement_detail", pk=engagement.pk)
    return render(request, "engagement/action_form.html", {"form": form, "engagement": engagement})


@permission_required(can_own_actions)
def action_complete(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.action_for_user(pk, request.user)
    form = CompleteActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_action_complete(acting_user=request.user, action=action, note=form.cleaned_data["completion_note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Action marked done.")
            return redirect("engagement:engagement_detail", pk=action.engagement_id)
    return render(request, "engagement/action_complete.html", {"form": form, "action": action})


@permission_required(can_manage_themes)
def theme_list(request: HttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            theme = services.theme_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme {theme.name} added.")
            return redirect("engagement:theme_list")
    return render(request, "engagement/theme_list.html", {"form": form, "themes": selectors.theme_list()})


@permission_required(can_manage_themes)
def theme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    theme = selectors.theme_get(pk)
    if theme is None:
        from django.http import Http404

        raise Http404("No such theme")
    initial = {"name": theme.name, "description": theme.description, "retired": theme.retired}
    form = ThemeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_update(acting_user=request.user, theme=theme, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Theme saved.")
            return redirect("engagement:theme_list")
    return render(request, "engagement/theme_form.html", {"form": form, "theme": theme})
