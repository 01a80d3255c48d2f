"""Every list reads its search and filters through one FilterForm."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.http import QueryDict

from lightbulb.core.forms import FilterForm, GovukDateField
from lightbulb.places.models import Ward
from tests.factories import WardFactory


class ExampleFilterForm(FilterForm):
    search_label = "Name or postcode"
    status = forms.ChoiceField(label="Status", choices=[("", "Any"), ("open", "Open"), ("closed", "Closed")])
    ward = forms.ModelChoiceField(label="Ward", queryset=Ward.objects.all())
    year = forms.TypedChoiceField(label="Year", choices=[("", "Any"), (2025, "2025/26")], coerce=int, empty_value=None)
    tags = forms.MultipleChoiceField(label="Tags", choices=[("a", "A"), ("b", "B")])
    due_from = GovukDateField(label="Due on or after")
    late = forms.BooleanField(label="Late only")


class WithoutSearch(FilterForm):
    search_label = None
    status = forms.ChoiceField(label="Status", choices=[("", "Any"), ("open", "Open")])


EMPTY = {"q": "", "status": "", "ward": None, "year": None, "tags": (), "due_from": None, "late": False}


def test_a_first_visit_is_unbound_and_filters_nothing():
    form = ExampleFilterForm(QueryDict(""))
    assert not form.is_bound
    assert form.filters() == EMPTY
    assert form.fields["q"].label == "Name or postcode"


@pytest.mark.django_db
def test_valid_values_come_back_in_the_shapes_selectors_take():
    ward = WardFactory()
    query = QueryDict(f"q=+river+&status=open&ward={ward.pk}&year=2025&tags=a&tags=b&due_from_0=1&due_from_1=4&due_from_2=2025&late=on&sort=name")
    form = ExampleFilterForm(query)
    assert form.filters() == {
        "q": "river",
        "status": "open",
        "ward": ward.pk,
        "year": 2025,
        "tags": ("a", "b"),
        "due_from": datetime.date(2025, 4, 1),
        "late": True,
    }
    assert not form.errors


@pytest.mark.django_db
def test_a_value_in_error_is_left_out_and_the_rest_still_apply():
    form = ExampleFilterForm(QueryDict("q=" + "x" * 201 + "&status=<b>&ward=99999999999&year=1066&tags=z&due_from_0=31&due_from_1=2&due_from_2=2025&late=on"))
    assert form.filters() == {**EMPTY, "late": True}
    assert form.errors["q"] == ["Search for 200 characters or fewer"]
    assert set(form.errors) == {"q", "status", "ward", "year", "tags", "due_from"}


def test_every_filter_is_optional_and_a_list_may_have_no_search_box():
    class Declared(FilterForm):
        status = forms.ChoiceField(choices=[("", "Any"), ("open", "Open")], required=True)

    form = Declared(QueryDict("page=2"))
    assert form.is_bound and form.is_valid()
    assert form.filters() == {"q": "", "status": ""}
    without = WithoutSearch(QueryDict("q=ignored&status=open"))
    assert "q" not in without.fields
    assert without.filters() == {"status": "open"}
