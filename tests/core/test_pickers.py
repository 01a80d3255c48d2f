"""Pickers that scale: a JSON search endpoint and a field that searches then chooses, never a <select> of every row."""

from __future__ import annotations

import pytest
from django import forms

from lightbulb.core.pickers import PickerField
from lightbulb.core.roles import Role
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import picker_label, picker_search
from tests.factories import IdentifierFactory, OrganisationFactory, WardFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


class ChooseForm(forms.Form):
    organisation = PickerField(
        label="Organisation",
        queryset=Organisation.objects.all(),
        source="organisations:pick",
        search=picker_search,
        record_label=picker_label,
        what="organisation on the register",
        error_messages={"required": "Choose the organisation"},
    )


@pytest.fixture
def records():
    bank = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    IdentifierFactory(organisation=bank, scheme="GB-CHC", value="1123456")
    others = [OrganisationFactory(name=f"Riverside Youth Club {n}", postcode="AT2 2BB") for n in range(12)]
    return {"bank": bank, "others": others}


def test_the_endpoint_answers_the_best_ten_matches_with_exact_labels(records, officer_client):
    response = officer_client.get("/organisations/pick", {"q": "riverside"})
    results = response.json()["results"]
    assert len(results) == 10
    bank = officer_client.get("/organisations/pick", {"q": "1 123 456"}).json()["results"]
    assert bank == [{"id": records["bank"].pk, "label": f"Riverside Food Bank, AT1 1AA (#{records['bank'].pk})"}]
    assert officer_client.get("/organisations/pick", {"q": "r"}).json() == {"results": []}


def test_the_endpoint_is_for_register_readers_only(records, client_for):
    assert client_for(Role.COUNCILLOR).get("/organisations/pick", {"q": "food"}).status_code == 200
    assert client_for(Role.VCS).get("/organisations/pick", {"q": "food"}).status_code in (403, 404)


def test_a_chosen_suggestion_is_taken_exactly(records):
    form = ChooseForm({"organisation": f"Riverside Food Bank, AT1 1AA (#{records['bank'].pk})"})
    assert form.is_valid()
    assert form.cleaned_data["organisation"] == records["bank"]


def test_without_javascript_one_match_is_taken(records):
    form = ChooseForm({"organisation": "food bank"})
    assert form.is_valid()
    assert form.cleaned_data["organisation"] == records["bank"]


def test_without_javascript_several_matches_come_back_as_radios_to_choose_from(records):
    form = ChooseForm({"organisation": "youth club"})
    assert not form.is_valid()
    assert form.errors["organisation"] == ["More than one organisation on the register matches what you typed: choose one"]
    field = form.fields["organisation"]
    assert isinstance(field.widget, forms.RadioSelect)
    assert len(field.choices) == 10
    chosen = records["others"][3]
    again = ChooseForm({"organisation": f"#{chosen.pk}"})
    assert again.is_valid() and again.cleaned_data["organisation"] == chosen


def test_nothing_found_and_nothing_typed_say_so(records):
    assert ChooseForm({"organisation": "zebra crossing"}).errors["organisation"] == [
        "No organisation on the register matches what you typed: check the spelling or type more of the name"
    ]
    assert ChooseForm({"organisation": ""}).errors["organisation"] == ["Choose the organisation"]


def test_the_field_shows_the_record_it_holds_and_never_lists_every_row(records):
    form = ChooseForm(initial={"organisation": records["bank"].pk})
    html = str(form["organisation"])
    assert f'value="Riverside Food Bank, AT1 1AA (#{records["bank"].pk})"' in html
    assert 'data-picker="/organisations/pick"' in html
    assert "<option" not in html


def test_the_agreement_form_picks_its_organisation_by_search(records, officer_client):
    page = officer_client.get("/funding/agreements/add/")
    text = page.content.decode()
    assert 'data-picker="/organisations/pick"' in text
    assert "Riverside Youth Club 11" not in visible_text(page.content)


def test_the_register_filters_by_a_ward_picked_by_name(records, officer_client):
    riverside, hilltop = WardFactory(name="Riverside", gss_code="E05000001"), WardFactory(name="Hilltop", gss_code="E05000002")
    records["bank"].ward = riverside
    records["bank"].save()
    assert officer_client.get("/organisations/wards/pick", {"q": "river"}).json()["results"] == [
        {"id": riverside.pk, "label": f"Riverside (E05000001) (#{riverside.pk})"}
    ]
    page = officer_client.get("/organisations/", {"ward": "riverside"})
    text = visible_text(page.content)
    assert "1 organisation" in text and "Riverside Food Bank" in text
    assert 'data-picker="/organisations/wards/pick"' in page.content.decode()
    assert f'<option value="{hilltop.pk}"' not in page.content.decode()
    # The ward's number, as links and the old list sent it, still filters.
    assert "1 organisation" in visible_text(officer_client.get("/organisations/", {"ward": riverside.pk}).content)
