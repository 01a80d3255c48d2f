"""The organisation register's pages: thin views that parse, call a selector or service, and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from lightbulb.core.access import permission_required
from lightbulb.core.forms import add_service_errors
from lightbulb.core.history import render_history
from lightbulb.core.lists import paginate, pagination_params
from lightbulb.core.page_cache import kept_page
from lightbulb.core.pickers import picker_response
from lightbulb.organisations import exports, selectors, services
from lightbulb.organisations.forms import (
    ArchiveForm,
    AreaOfWorkForm,
    ContactForm,
    DismissForm,
    EraseForm,
    IdentifierForm,
    MergeForm,
    OrganisationForm,
)
from lightbulb.organisations.rules import can_erase_contact, can_manage_register, can_merge_organisations, can_read_register


def _detail(pk: int) -> HttpResponse:
    return redirect("organisations:detail", pk=pk)


@permission_required(can_read_register)
@kept_page
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations, sort, form = exports.organisation_rows(request)
    # What the list shows of each record: not its description, address and search keys (the download reads those).
    page = paginate(request, organisations.only(*selectors.LIST_COLUMNS))
    return render(
        request,
        "organisations/list.html",
        {
            "form": form,
            "page": page,
            "pagination": pagination_params(request, page),
            "sort": sort,
            "sorts": selectors.LIST_SORTS,
            "may_edit": selectors.may_edit_register(request),
        },
    )


@permission_required(can_read_register)
def organisation_pick(request: HttpRequest) -> HttpResponse:
    """The organisation pickers' JSON search: `?q=` → the best ten matches with their ids and labels."""
    return picker_response(request, selectors.pickable_organisations(), selectors.picker_search, selectors.picker_label)


@permission_required(can_read_register)
def ward_pick(request: HttpRequest) -> HttpResponse:
    """The register's ward filter's JSON search: there may be thousands of wards."""
    return picker_response(request, selectors.ward_list(), selectors.ward_picker_search, selectors.ward_picker_label)


@permission_required(can_read_register)
@kept_page
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk)
    with_contacts = selectors.may_see_contacts(request)
    lists = selectors.organisation_for_page(organisation, with_contacts=with_contacts)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "lists": lists,
            "register_rows": selectors.register_comparison(organisation, lists["register_values"]),
            "timeline": selectors.organisation_timeline(organisation),
            "sections": selectors.organisation_sections(organisation, request),
            "show_contacts": with_contacts,
            "may_edit": selectors.may_edit_register(request),
            "may_erase": with_contacts,
        },
    )


def _organisation_changes(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {key: cleaned[key] for key in services.EDITABLE_FIELDS + services.RELATED_FIELDS if key in cleaned}


@permission_required(can_manage_register)
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, initial={"legal_form": "unincorporated", "status": "active", "is_vcse": True})
    if request.method == "POST" and form.is_valid():
        fields = _organisation_changes(form.cleaned_data)
        name = fields.pop("name")
        organisation = services.organisation_create(acting_user=request.user, name=name, **fields)
        messages.success(request, f"{organisation.name} has been added to the register.")
        return _detail(organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "title": "Add an organisation"})


@permission_required(can_manage_register)
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk, write=True)
    initial = {name: getattr(organisation, name) for name in services.EDITABLE_FIELDS}
    initial["wards_served"] = list(organisation.wards_served.all())
    initial["areas_of_work"] = list(organisation.areas_of_work.all())
    initial["version"] = organisation.version
    form = OrganisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.organisation_update(
                acting_user=request.user, organisation=organisation, changes=_organisation_changes(form.cleaned_data), expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The details have been saved." if changed else "Nothing was changed.")
            return _detail(organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "title": f"Change {organisation.name}", "organisation": organisation})


@permission_required(can_read_register)
def organisation_history(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk)
    return render_history(request, obj=organisation, title=organisation.name, back_url=reverse("organisations:detail", kwargs={"pk": organisation.pk}))


@permission_required(can_manage_register)
def organisation_archive(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk, write=True)
    if organisation.is_archived:
        messages.info(request, "This organisation is already archived.")
        return _detail(organisation.pk)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.organisation_archive(acting_user=request.user, organisation=organisation, reason=form.cleaned_data["reason"])
        messages.success(request, f"{organisation.name} has been archived.")
        return _detail(organisation.pk)
    return render(request, "organisations/archive.html", {"form": form, "organisation": organisation})


# Identifiers


@permission_required(can_manage_register)
def identifier_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk, write=True)
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        parsed = form.cleaned_data["parsed"]
        try:
            services.identifier_add(acting_user=request.user, organisation=organisation, raw=parsed.value, scheme=parsed.scheme)
        except ValidationError as error:
            add_service_errors(form, error, default_field="value")
        else:
            others = selectors.other_holders_of(organisation, parsed.scheme, parsed.value)
            note = f" {', '.join(o.name for o in others)} also holds it: check the possible duplicates." if others else ""
            messages.success(request, f"{parsed.org_id} has been added.{note}")
            return _detail(organisation.pk)
    return render(request, "organisations/identifier_add.html", {"form": form, "organisation": organisation})


@permission_required(can_manage_register)
def identifier_remove(request: HttpRequest, pk: int, identifier_pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk, write=True)
    identifier = selectors.identifier_get(organisation, identifier_pk)
    if request.method == "POST":
        services.identifier_remove(acting_user=request.user, identifier=identifier)
        messages.success(request, f"{identifier.org_id} has been removed.")
        return _detail(organisation.pk)
    return render(request, "organisations/identifier_remove.html", {"organisation": organisation, "identifier": identifier})


# Contacts (personal data: officers and administrators only)


def _contact_values(cleaned: dict[str, Any]) -> dict[str, Any]:
    return {key: cleaned[key] if cleaned[key] is not None else None for key in services.CONTACT_FIELDS}


@permission_required(can_manage_register)
def contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk, write=True)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_create(acting_user=request.user, organisation=organisation, **_contact_values(form.cleaned_data))
        messages.success(request, "The contact has been added.")
        return redirect(reverse("organisations:detail", kwargs={"pk": organisation.pk}) + "#contacts")
    return render(request, "organisations/contact_form.html", {"form": form, "organisation": organisation, "title": "Add a contact"})


@permission_required(can_manage_register)
def contact_edit(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(request, pk, write=True)
    contact = selectors.contact_get(organisation, contact_pk)
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS} | {"version": contact.version}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.contact_update(
                acting_user=request.user, contact=contact, changes=_contact_values(form.cleaned_data), expected_version=form.expected_version
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The contact has been updated." if changed else "Nothing was changed.")
            return redirect(reverse("organisations:detail", kwargs={"pk": organisation.pk}) + "#contacts")
    return render(request, "organisations/contact_form.html", {"form": form, "organisation": organisation, "title": f"Change {contact.name}"})


@permission_required(can_erase_contact)
def contact_erase(request: HttpRequest, pk: int, contact_pk: int) -> HttpResponse:
    """Erasing personal data: officers, and administrators who handle erasure requests."""
    organisation = selectors.get_organisation_for_user(request, pk)
    contact = selectors.contact_get(organisation, contact_pk)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_erase(acting_user=request.user, contact=contact, reason=form.cleaned_data["reason"])
        messages.success(request, "The contact's details have been erased.")
        return _detail(organisation.pk)
    return render(request, "organisations/contact_erase.html", {"form": form, "organisation": organisation, "contact": contact})


# Duplicates and merging


@permission_required(can_merge_organisations)
def duplicate_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.duplicate_candidates())  # the list `duplicates` downloads (organisations/exports.py)
    return render(request, "organisations/duplicates.html", {"page": page, "pairs": page.object_list, "pagination": pagination_params(request, page)})


@permission_required(can_merge_organisations)
def duplicate_dismiss(request: HttpRequest, first: int, second: int) -> HttpResponse:
    first_record, second_record = selectors.pair_get(first, second)
    form = DismissForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.duplicate_dismiss(acting_user=request.user, first=first_record, second=second_record, reason=form.cleaned_data["reason"])
        except ValidationError:
            messages.info(request, "These records were already marked as different organisations.")
        else:
            messages.success(request, f"{first_record.name} and {second_record.name} will no longer be suggested as duplicates.")
        return redirect("organisations:duplicates")
    return render(request, "organisations/duplicate_dismiss.html", {"form": form, "first": first_record, "second": second_record})


def _merge_records(form: MergeForm, first: Any, second: Any) -> tuple[Any, Any]:
    kept_pk = int(form.cleaned_data["keep"])
    return (first, second) if first.pk == kept_pk else (second, first)


@permission_required(can_merge_organisations)
def organisation_merge(request: HttpRequest, first: int, second: int) -> HttpResponse:
    """Review two records side by side, choose the one to keep, then confirm."""
    first_record, second_record = selectors.pair_get(first, second)
    for record in (first_record, second_record):
        if record.status == "merged":
            messages.info(request, f"{record.name} has already been merged into another record.")
            return _detail(record.pk)
    form = MergeForm(request.POST or None, first=first_record, second=second_record)
    context: dict[str, Any] = {"form": form, "first": first_record, "second": second_record}
    if request.method == "POST" and form.is_valid():
        kept, merged = _merge_records(form, first_record, second_record)
        if not form.cleaned_data["confirmed"]:
            return render(request, "organisations/merge_confirm.html", {**context, "kept": kept, "merged": merged})
        try:
            services.organisation_merge(acting_user=request.user, kept=kept, merged=merged, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{merged.name} has been merged into {kept.name}. You can undo this from this page.")
            return _detail(kept.pk)
    return render(request, "organisations/merge.html", context)


@permission_required(can_merge_organisations)
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    merge = selectors.merge_get(pk)
    if merge.undone_at is not None:
        raise Http404("This merge has already been undone")
    error = ""
    if request.method == "POST":
        try:
            services.organisation_merge_undo(acting_user=request.user, merge=merge)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"The merge has been undone: {merge.merged.name} is a separate record again.")
            return _detail(merge.merged_id)
    return render(request, "organisations/merge_undo.html", {"merge": merge, "error": error})


# Areas of work (a managed list)


@permission_required(can_manage_register)
def area_list(request: HttpRequest) -> HttpResponse:
    form = AreaOfWorkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        area = services.area_of_work_create(acting_user=request.user, name=form.cleaned_data["name"])
        messages.success(request, f"{area.name} has been added.")
        return redirect("organisations:areas")
    return render(request, "organisations/areas.html", {"form": form, "areas": selectors.area_of_work_list_with_counts()})


@permission_required(can_manage_register)
def area_edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = selectors.area_of_work_get(pk)
    form = AreaOfWorkForm(request.POST or None, initial={"name": area.name}, current=area)
    if request.method == "POST" and form.is_valid():
        services.area_of_work_rename(acting_user=request.user, area=area, name=form.cleaned_data["name"])
        messages.success(request, "The area of work has been renamed.")
        return redirect("organisations:areas")
    return render(request, "organisations/area_form.html", {"form": form, "area": area})
