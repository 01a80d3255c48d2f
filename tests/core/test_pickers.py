"""Pickers that scale: a JSON search endpoint and a field that searches then chooses, never a <select> of every row."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django import forms
from django.http import QueryDict

from lightbulb.core.forms import govuk_field
from lightbulb.core.pickers import ALL_SHOWN, MultiPickerField, PickerField
from lightbulb.core.roles import Role
from lightbulb.organisations.models import Organisation
from lightbulb.organisations.selectors import picker_label, picker_search
from lightbulb.places.models import Ward
from lightbulb.places.selectors import ward_label, ward_search
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


# Several records: MultiPickerField


class WardsForm(forms.Form):
    wards = MultiPickerField(
        label="Wards served",
        queryset=Ward.objects.order_by("name"),
        required=False,
        source="organisations:ward_pick",
        search=ward_search,
        record_label=ward_label,
        what="ward",
        find_label="Find a ward to add",
        number_is_record=True,
        error_messages={"invalid_choice": "Choose wards from the list", "invalid_pk_value": "Choose wards from the list"},
    )


@pytest.fixture
def many_wards():
    """More wards than a multi picker lists in full: they are found by searching."""
    named = {name: WardFactory(name=name, gss_code=f"E0500{number:04d}") for number, name in enumerate(["Abbey", "Abbotsford", "Castle", "Riverside"])}
    others = [WardFactory(name=f"Valley {number}", gss_code=f"E0501{number:04d}") for number in range(ALL_SHOWN)]
    return {**named, "others": others}


def _post(**data):
    return QueryDict(urlencode(data, doseq=True))


def _drawn(form):
    kind, params = govuk_field(form["wards"])
    assert kind == "multipicker"
    return params


def test_several_wards_ticked_are_kept_in_order(many_wards):
    abbey, castle = many_wards["Abbey"], many_wards["Castle"]
    form = WardsForm(_post(wards=[castle.pk, abbey.pk]))
    assert form.is_valid(), form.errors
    assert sorted(ward.name for ward in form.cleaned_data["wards"]) == ["Abbey", "Castle"]
    params = _drawn(form)
    assert [(item["text"], item["checked"]) for item in params["items"]] == [("Castle (E05000002)", True), ("Abbey (E05000000)", True)]


def test_ward_numbers_that_do_not_exist_are_refused_and_the_others_stay_ticked(many_wards):
    abbey = many_wards["Abbey"]
    for missing in (["999999"], ["abc"], [str(abbey.pk), "999999"]):
        form = WardsForm(_post(wards=missing))
        assert form.errors["wards"] == ["Choose wards from the list"], missing
    form = WardsForm(_post(wards=[abbey.pk, 999999]))
    form.is_valid()
    assert [item["text"] for item in _drawn(form)["items"]] == ["Abbey (E05000000)"]


def test_a_suggestion_chosen_or_one_match_typed_is_added_to_those_ticked(many_wards):
    abbey, castle, riverside = many_wards["Abbey"], many_wards["Castle"], many_wards["Riverside"]
    chosen = WardsForm(_post(wards=[abbey.pk], wards_find=f"Castle (E05000002) (#{castle.pk})"))
    assert chosen.is_valid() and {ward.pk for ward in chosen.cleaned_data["wards"]} == {abbey.pk, castle.pk}
    typed = WardsForm(_post(wards=[abbey.pk], wards_find="river"))
    assert typed.is_valid() and {ward.pk for ward in typed.cleaned_data["wards"]} == {abbey.pk, riverside.pk}
    by_code = WardsForm(_post(wards_find="e05000002"))
    assert by_code.is_valid() and [ward.pk for ward in by_code.cleaned_data["wards"]] == [castle.pk]


def test_without_javascript_several_matches_come_back_to_tick_beside_those_chosen(many_wards):
    castle = many_wards["Castle"]
    form = WardsForm(_post(wards=[castle.pk], wards_find="abb"))
    assert not form.is_valid()
    assert form.errors["wards"] == ["More than one ward matches “abb”: tick the ones you want, or type more of the name"]
    params = _drawn(form)
    assert [(item["text"], item["checked"]) for item in params["items"]] == [
        ("Castle (E05000002)", True),
        ("Abbey (E05000000)", False),
        ("Abbotsford (E05000001)", False),
    ]
    # What was typed stays in the box, and the page remembers it was searched.
    assert params["find"]["value"] == "abb" and params["find"]["searched"] == "abb"
    # Sent again with one of the matches ticked, the same text is not asked about again.
    again = WardsForm(_post(wards=[castle.pk, many_wards["Abbotsford"].pk], wards_find="abb", wards_searched="abb"))
    assert again.is_valid(), again.errors
    assert sorted(ward.name for ward in again.cleaned_data["wards"]) == ["Abbotsford", "Castle"]


def test_a_name_nothing_matches_says_so_and_keeps_what_was_typed(many_wards):
    form = WardsForm(_post(wards=[many_wards["Abbey"].pk], wards_find="zebra"))
    assert form.errors["wards"] == ["No ward matches “zebra”: check the spelling or type more of the name"]
    params = _drawn(form)
    assert params["find"]["value"] == "zebra" and [item["checked"] for item in params["items"]] == [True]


def test_the_field_draws_those_chosen_and_a_search_box_never_every_ward(many_wards):
    form = WardsForm(initial={"wards": [many_wards["Riverside"]]})
    params = _drawn(form)
    assert [item["text"] for item in params["items"]] == ["Riverside (E05000003)"]
    assert params["source"] == "/organisations/wards/pick" and params["find"]["name"] == "wards_find"
    assert params["find"]["id"] == "id_wards", "the error summary links to the search box"


def test_a_council_with_few_wards_ticks_them_all_as_before(db):
    wards = [WardFactory(name=name) for name in ("North", "South", "East")]
    form = WardsForm(initial={"wards": [wards[1].pk]})
    params = _drawn(form)
    assert [(item["text"].split(" (")[0], item["checked"]) for item in params["items"]] == [("East", False), ("North", False), ("South", True)]
    assert "find" not in params and params["items"][0]["id"] == "id_wards"


def test_members_describing_a_service_search_wards_through_the_directory(many_wards, client_for):
    """They do not read the register, so the service form's ward picker asks the directory's own search."""
    member = client_for(Role.VCS)
    abbey = many_wards["Abbey"]
    assert member.get("/directory/wards/pick", {"q": "abbey"}).json()["results"] == [{"id": abbey.pk, "label": f"Abbey (E05000000) (#{abbey.pk})"}]
    assert member.get("/organisations/wards/pick", {"q": "abbey"}).status_code in (403, 404)
