"""No lost work (`lightbulb.core.locking`): a save begun from an older version is refused, saying what changed.

The mechanism is shown on places' records (core has none of its own); each module's own
`test_locking.py` runs the two-officers story through its edit pages. The service-level table here
covers every update service that takes `expected_version`: a stale one raises StaleEdit and writes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError

from lightbulb.compact import services as compact_services
from lightbulb.core.forms import VersionedForm, add_service_errors, error_summary_items
from lightbulb.core.locking import StaleEdit, lock_for_edit, stale_edit_message, version_advance
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.engagement.services import surveys as engagement_surveys
from lightbulb.funding.services import agreements as funding_services
from lightbulb.organisations import services as organisation_services
from lightbulb.places import services as places_services
from lightbulb.places.models import Ward
from tests.engagement.factories import SurveyFactory
from tests.factories import (
    AgreementFactory,
    ConditionFactory,
    ContactFactory,
    CouncillorFactory,
    LocalityFactory,
    OrganisationFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db


# --- the mechanism -----------------------------------------------------------------------


def test_a_new_record_starts_at_version_one_and_each_saved_change_counts_one_more(users):
    ward = WardFactory(name="Riverside")
    assert ward.version == 1
    places_services.ward_update(acting_user=users[Role.OFFICER], ward=ward, gss_code=ward.gss_code, name="Riverside East", locality=None, expected_version=1)
    ward.refresh_from_db()
    assert (ward.name, ward.version) == ("Riverside East", 2)
    # Saving what is already there changes nothing, so the version stays.
    places_services.ward_update(acting_user=users[Role.OFFICER], ward=ward, gss_code=ward.gss_code, name="Riverside East", locality=None, expected_version=2)
    ward.refresh_from_db()
    assert ward.version == 2


def test_without_an_expected_version_nothing_is_refused_and_the_version_still_counts(users):
    """An import, the shell or the API call without a version: the save goes through and open forms go stale."""
    ward = WardFactory(name="Riverside")
    Ward.objects.filter(pk=ward.pk).update(version=5)
    places_services.ward_update(acting_user=users[Role.OFFICER], ward=ward, gss_code=ward.gss_code, name="Riverside East", locality=None)
    ward.refresh_from_db()
    assert (ward.name, ward.version) == ("Riverside East", 6)


def test_lock_for_edit_brings_the_record_up_to_the_stored_version():
    ward = WardFactory()
    Ward.objects.filter(pk=ward.pk).update(version=3)
    lock_for_edit(ward, 3)
    assert ward.version == 3
    version_advance(ward)
    assert ward.version == 4 == Ward.objects.get(pk=ward.pk).version


def test_the_message_names_each_field_that_differs_with_its_current_value_in_words():
    uplands = LocalityFactory(name="Uplands")
    ward = WardFactory(name="Hilltop", gss_code="E05000009", locality=uplands)
    message = stale_edit_message(ward, {"name": "Hill Top", "gss_code": "E05000009", "locality": None, "reason": "not a field"})
    assert message.startswith("This record was changed by someone else since you opened it: ")
    assert "Name is now 'Hilltop'" in message and "Locality is now 'Uplands'" in message
    assert "GSS code" not in message and "reason" not in message.lower()
    assert "Your changes have not been saved" in message


def test_the_message_shows_dates_blanks_choices_lists_and_long_text_as_people_read_them():
    councillor = CouncillorFactory(party="Green", term_start=datetime.date(2024, 5, 2), term_end=None, email="")
    message = stale_edit_message(councillor, {"term_start": datetime.date(2024, 5, 3), "term_end": datetime.date(2028, 5, 1), "party": "Green"})
    assert "Term start is now '2 May 2024'" in message and "Term end is now blank" in message and "Party" not in message
    locality = LocalityFactory(name="Uplands", description="x" * 200)
    WardFactory(name="Hilltop", locality=locality)
    message = stale_edit_message(locality, {"wards": [], "description": "short"})
    assert "Wards is now 'Hilltop'" in message
    assert "Description is now '" + "x" * 79 + "…'" in message
    condition = ConditionFactory(kind="kpi", target=Decimal("1250.00"))
    message = stale_edit_message(condition, {"kind": "output", "target": "1250"})
    assert "Kind is now 'Key performance indicator'" in message and "Target" not in message


def test_the_same_value_written_differently_is_not_a_change():
    ward = WardFactory(name="Hilltop")
    locality = LocalityFactory(name="Uplands", description="Line one\r\nLine two")
    assert "Name" not in stale_edit_message(ward, {"name": " Hilltop "})
    assert "Description" not in stale_edit_message(locality, {"description": "Line one\nLine two"})
    assert "Locality" not in stale_edit_message(ward, {"locality": ""})


def test_nonsense_in_a_submitted_value_is_reported_as_different_not_a_crash():
    condition = ConditionFactory(target=Decimal("100"))
    condition.refresh_from_db()
    locality = LocalityFactory()
    assert "Target is now '100.00'" in stale_edit_message(condition, {"target": "lots"})
    assert "Wards is now blank" in stale_edit_message(locality, {"wards": 7})


def test_a_record_with_nothing_different_still_says_it_changed():
    ward = WardFactory(name="Hilltop")
    message = stale_edit_message(ward, {"name": "Hilltop"})
    assert message.startswith("This record was changed by someone else since you opened it. Your changes have not been saved")


def test_stale_edit_is_a_validation_error_without_a_field():
    error = StaleEdit("This record was changed by someone else since you opened it.", current_version=4)
    assert isinstance(error, ValidationError) and not hasattr(error, "error_dict")
    assert error.current_version == 4 and error.code == "stale_edit"


# --- the form --------------------------------------------------------------------------------


class _NameForm(VersionedForm):
    name = forms.CharField()


def test_the_form_carries_the_version_hidden_and_hands_it_over_outside_cleaned_data():
    form = _NameForm(initial={"name": "Hilltop", "version": 3})
    assert isinstance(form.fields["version"].widget, forms.HiddenInput) and form["version"].value() == 3
    bound = _NameForm({"name": "Hill Top", "version": "3"})
    assert bound.is_valid()
    assert bound.cleaned_data == {"name": "Hill Top"} and bound.expected_version == 3


@pytest.mark.parametrize("version", ["", "abc", "-1", "0", "9" * 40, "1.5", "\x00"])
def test_a_missing_or_mangled_version_is_no_version_not_an_error(version):
    form = _NameForm({"name": "Hilltop", "version": version})
    assert form.is_valid(), form.errors
    assert form.expected_version is None and "version" not in form.cleaned_data


def test_a_refusal_goes_to_the_top_keeps_the_input_and_moves_the_version_on():
    form = _NameForm({"name": "Hill Top", "version": "3"})
    assert form.is_valid()
    add_service_errors(form, StaleEdit("This record was changed by someone else since you opened it: Name is now 'Hilltop'.", current_version=5))
    assert [item["text"] for item in error_summary_items(form)] == ["This record was changed by someone else since you opened it: Name is now 'Hilltop'."]
    assert form["name"].value() == "Hill Top" and form["version"].value() == "5"


# --- every update service: a stale version raises StaleEdit and writes nothing ---------------


def _ward(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    ward = WardFactory(name="Hilltop")
    return ward, lambda version: places_services.ward_update(
        acting_user=officer, ward=ward, gss_code=ward.gss_code, name="Changed", locality=None, expected_version=version
    )


def _locality(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    locality = LocalityFactory(name="Uplands")
    return locality, lambda version: places_services.locality_update(
        acting_user=officer, locality=locality, name="Changed", description="Changed", wards=[], expected_version=version
    )


def _councillor(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    councillor = CouncillorFactory(party="Green")
    return councillor, lambda version: places_services.councillor_update(acting_user=officer, councillor=councillor, party="Changed", expected_version=version)


def _organisation(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    organisation = OrganisationFactory(name="Riverside Food Bank")
    return organisation, lambda version: organisation_services.organisation_update(
        acting_user=officer, organisation=organisation, changes={"name": "Changed"}, expected_version=version
    )


def _contact(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    contact = ContactFactory(role="Treasurer")
    return contact, lambda version: organisation_services.contact_update(
        acting_user=officer, contact=contact, changes={"role": "Changed"}, expected_version=version
    )


def _agreement(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    agreement = AgreementFactory(title="Community café grant")
    return agreement, lambda version: funding_services.agreement_update(acting_user=officer, agreement=agreement, title="Changed", expected_version=version)


def _condition(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    condition = ConditionFactory(description="People supported")
    return condition, lambda version: funding_services.condition_update(
        acting_user=officer, condition=condition, description="Changed", expected_version=version
    )


def _consultation(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    start = datetime.date(2026, 3, 2)
    data = {"title": "Youth services", "purpose": "Views", "start_date": start, "end_date": start + datetime.timedelta(days=90), "short_reason": ""}
    consultation = compact_services.consultation_create(acting_user=officer, data=data)
    return consultation, lambda version: compact_services.consultation_update(
        acting_user=officer, consultation=consultation, data={**data, "title": "Changed"}, expected_version=version
    )


def _survey(officer: Any) -> tuple[Any, Callable[[int], Any]]:
    survey = SurveyFactory(title="State of the sector")
    data = {"title": "Changed", "introduction": survey.introduction, "opens_on": survey.opens_on, "closes_on": survey.closes_on}
    return survey, lambda version: engagement_surveys.survey_update(acting_user=officer, survey=survey, data=data, expected_version=version)


RECORDS = {
    "ward": _ward,
    "locality": _locality,
    "councillor": _councillor,
    "organisation": _organisation,
    "contact": _contact,
    "agreement": _agreement,
    "condition": _condition,
    "consultation": _consultation,
    "survey": _survey,
}


def _stored(record: Any) -> dict[str, Any]:
    fresh = type(record)._base_manager.get(pk=record.pk)
    return {field.attname: getattr(fresh, field.attname) for field in fresh._meta.concrete_fields}


@pytest.mark.parametrize("kind", RECORDS)
def test_a_stale_version_is_refused_and_nothing_is_written(kind, users):
    record, update = RECORDS[kind](users[Role.OFFICER])
    type(record)._base_manager.filter(pk=record.pk).update(version=2)  # someone else saved meanwhile
    before, events = _stored(record), AuditEvent.objects.count()
    with pytest.raises(StaleEdit) as refused:
        update(1)
    assert "changed by someone else" in refused.value.messages[0] and refused.value.current_version == 2
    assert _stored(record) == before and AuditEvent.objects.count() == events


@pytest.mark.parametrize("kind", RECORDS)
def test_the_current_version_saves_and_counts_one_more(kind, users):
    record, update = RECORDS[kind](users[Role.OFFICER])
    events = AuditEvent.objects.count()
    update(1)
    assert type(record)._base_manager.get(pk=record.pk).version == 2 and AuditEvent.objects.count() == events + 1
