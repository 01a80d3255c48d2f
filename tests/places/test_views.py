import datetime

import pytest
from django.urls import reverse

from lightbulb.core.models import AuditEvent
from lightbulb.places.models import Council, Councillor, Locality, Ward
from tests.exports import csv_text, download_list, xlsx_rows
from tests.factories import CouncilFactory, CouncillorFactory, LocalityFactory, OrganisationFactory, PostcodeFactory, WardFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"


def test_ward_list_shows_code_locality_councillors_and_organisation_count(client_for):
    ward = WardFactory(name="Riverside", gss_code="E05000101", locality=LocalityFactory(name="North"))
    CouncillorFactory(ward=ward, name="Pat Jones", party="Green")
    OrganisationFactory(ward=ward)
    text = visible_text(client_for("councillor").get(reverse("places:ward_list")).content)
    assert "Riverside E05000101 North Pat Jones (Green) 1" in text
    assert "Add a ward" not in text


def test_ward_list_query_count_is_independent_of_size(client_for):
    client = client_for("officer")

    def grow():
        for _ in range(4):
            ward = WardFactory(locality=LocalityFactory())
            CouncillorFactory(ward=ward)
            OrganisationFactory(ward=ward)

    grow()
    assert_queries_independent_of_size(client, reverse("places:ward_list"), grow)


def test_ward_list_exports_csv_and_xlsx_safely(client_for, django_capture_on_commit_callbacks):
    WardFactory(name=FORMULA)
    WardFactory(name="Abbey")
    client = client_for("officer")
    _job, content = download_list(client, django_capture_on_commit_callbacks, "wards", query="q=cmd")
    csv = csv_text(content)
    assert "'=cmd" in csv and "GSS code" in csv and "Abbey" not in csv  # the page's search is honoured
    _job, content = download_list(client, django_capture_on_commit_callbacks, "wards", fmt="xlsx")
    names = [row[0] for row in xlsx_rows(content)]
    assert names[0] == "Ward" and "Abbey" in names and "'" + FORMULA in names


def test_ward_detail_shows_councillors_organisations_and_registered_sections(client_for):
    from lightbulb.core.registry import registry

    ward = WardFactory(name="Riverside")
    CouncillorFactory(ward=ward, name="Pat Jones", party="Green", term_start=datetime.date(2022, 5, 5))
    CouncillorFactory(ward=ward, name="Sam Old", party="Labour", term_start=datetime.date(2014, 5, 5), term_end=datetime.date(2018, 5, 2))
    OrganisationFactory(ward=ward, name="Riverside Food Bank")
    OrganisationFactory(name="Citywide Advice").wards_served.add(ward)
    registry.ward_sections["test_section"] = lambda w, request: {"title": f"Funding in {w.name}"}
    try:
        text = visible_text(client_for("investigator").get(reverse("places:ward_detail", kwargs={"pk": ward.pk})).content)
    finally:
        del registry.ward_sections["test_section"]
    assert "Pat Jones Green 5 May 2022 Not set Current" in text
    assert "Sam Old Labour 5 May 2014 2 May 2018 Not current" in text
    assert "Organisations based here 1 organisation Riverside Food Bank" in text
    assert "Organisations serving this ward 1 organisation Citywide Advice" in text
    assert "Funding in Riverside" in text


def test_ward_detail_unknown_is_404(client_for):
    assert client_for("officer").get(reverse("places:ward_detail", kwargs={"pk": 999999})).status_code == 404


def test_councillor_list_filters_and_query_count(client_for):
    CouncillorFactory(name="Pat Jones", party="Green")
    CouncillorFactory(name="Sam Smith", party="Labour")
    client = client_for("councillor")
    text = visible_text(client.get(reverse("places:councillor_list") + "?party=Green").content)
    assert "1 councillor" in text and "Pat Jones" in text and "Sam Smith" not in text
    # An unknown party is ignored rather than an error.
    assert "2 councillors" in visible_text(client.get(reverse("places:councillor_list") + "?party=" + HOSTILE).content)
    assert_queries_independent_of_size(
        client, reverse("places:councillor_list"), lambda: [CouncillorFactory(ward=WardFactory(locality=LocalityFactory())) for _ in range(5)]
    )


def test_councillor_list_ward_filter_is_a_picker_that_works_without_javascript(client_for):
    north, northfield = WardFactory(name="North Moor"), WardFactory(name="Northfield")
    CouncillorFactory(name="Pat Jones", ward=north)
    CouncillorFactory(name="Sam Smith", ward=northfield)
    client = client_for("councillor")
    url = reverse("places:councillor_list")
    page = client.get(url).content.decode()
    assert f'data-picker="{reverse("organisations:ward_pick")}"' in page and "<select" not in page.split('name="party"')[1]
    chosen = visible_text(client.get(url + "?ward=North+Moor").content)
    assert "1 councillor" in chosen and "Pat Jones" in chosen and "Sam Smith" not in chosen
    ambiguous = visible_text(client.get(url + "?ward=north").content)
    assert "More than one ward matches what you typed: choose one" in ambiguous
    # A ward's number, as links from the ward page send it, is taken as it is.
    assert "Sam Smith" in visible_text(client.get(url + f"?ward={northfield.pk}").content)


def test_councillor_list_exports(client_for, django_capture_on_commit_callbacks):
    CouncillorFactory(name=FORMULA, party="Green")
    CouncillorFactory(name="Sam Other", party="Blue")
    _job, content = download_list(client_for("admin"), django_capture_on_commit_callbacks, "councillors", query="party=Green")
    body = csv_text(content)
    assert "Start of term" in body and "'=cmd" in body and "Sam Other" not in body


def test_locality_list_exports_its_wards(client_for, django_capture_on_commit_callbacks):
    locality = LocalityFactory(name="North")
    WardFactory(name="Abbey", locality=locality)
    client = client_for("councillor")
    assert 'data-export="localities"' in client.get(reverse("places:locality_list")).content.decode()
    _job, content = download_list(client, django_capture_on_commit_callbacks, "localities")
    assert csv_text(content).splitlines()[:2] == ["Locality,Wards,Number of wards,Description", "North,Abbey,1,"]


def _councillor_post(ward_, **overrides):
    data = {
        "name": "Pat Jones",
        "ward": ward_.pk,
        "party": "Green",
        "email": "",
        "term_start_0": "2",
        "term_start_1": "5",
        "term_start_2": "2024",
        "term_end_0": "",
        "term_end_1": "",
        "term_end_2": "",
    }
    data.update(overrides)
    return data


def test_councillor_create(client_for):
    ward = WardFactory(name="Riverside")
    response = client_for("officer").post(reverse("places:councillor_create"), _councillor_post(ward), follow=True)
    assert "Councillor Pat Jones added." in visible_text(response.content)
    assert Councillor.objects.get().term_start == datetime.date(2024, 5, 2)


def test_councillor_ward_is_a_picker_chosen_by_name_without_javascript(client_for):
    WardFactory(name="North Moor"), WardFactory(name="Northfield")
    client = client_for("officer")
    page = client.get(reverse("places:councillor_create")).content.decode()
    assert f'data-picker="{reverse("organisations:ward_pick")}"' in page and "<select" not in page
    # Two wards match: offered back as a choice; the exact one chosen: saved.
    assert "More than one ward matches what you typed: choose one" in visible_text(
        client.post(reverse("places:councillor_create"), _councillor_post(WardFactory(name="Elsewhere"), ward="north")).content
    )
    client.post(reverse("places:councillor_create"), _councillor_post(WardFactory(name="Elsewhere 2"), ward="North Moor"))
    assert Councillor.objects.get().ward.name == "North Moor"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"name": HOSTILE}, "Enter text without HTML tags"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"party": HOSTILE}, "Enter text without HTML tags"),
        ({"ward": ""}, "Choose the councillor's ward"),
        ({"ward": "999999"}, "Choose a ward from the list"),
        ({"ward": FORMULA}, "Choose a ward from the list"),
        ({"term_start_0": "", "term_start_1": "", "term_start_2": ""}, "Enter the start of the term"),
        ({"term_start_0": "31", "term_start_1": "2", "term_start_2": "2024"}, "Start of term must be a real date"),
        ({"term_end_0": "1", "term_end_1": "5", "term_end_2": "2024"}, "The end of the term must be the same as or after the start of the term"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
    ],
)
def test_councillor_create_bad_input(client_for, overrides, message):
    ward = WardFactory()
    response = client_for("officer").post(reverse("places:councillor_create"), _councillor_post(ward, **overrides))
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text and message in text
    assert not Councillor.objects.exists()


def test_councillor_edit_keeps_typed_values_on_error(client_for):
    councillor = CouncillorFactory(name="Pat Jones")
    response = client_for("admin").post(
        reverse("places:councillor_edit", kwargs={"pk": councillor.pk}), _councillor_post(councillor.ward, name="Pat Jones-Smith", party=HOSTILE)
    )
    assert 'value="Pat Jones-Smith"' in response.content.decode()
    councillor.refresh_from_db()
    assert councillor.name == "Pat Jones"


def test_councillor_edit_saves(client_for):
    councillor = CouncillorFactory(name="Pat Jones")
    client_for("officer").post(
        reverse("places:councillor_edit", kwargs={"pk": councillor.pk}),
        _councillor_post(councillor.ward, party="Labour", term_end_0="1", term_end_1="5", term_end_2="2028"),
    )
    councillor.refresh_from_db()
    assert (councillor.party, councillor.term_end) == ("Labour", datetime.date(2028, 5, 1))
    history = visible_text(client_for("councillor").get(reverse("places:councillor_history", kwargs={"pk": councillor.pk})).content)
    assert "Councillor details changed" in history


def test_councillor_cannot_edit(client_for):
    councillor = CouncillorFactory()
    assert client_for("councillor").post(reverse("places:councillor_edit", kwargs={"pk": councillor.pk}), {}).status_code == 403


def test_ward_create_and_bad_codes(client_for):
    client = client_for("officer")
    WardFactory(gss_code="E05000001")
    for code, message in [
        ("", "This field is required"),
        ("E0500001", "E05 then 6 numbers"),
        ("E06000001", "E05 then 6 numbers"),
        (HOSTILE, "E05 then 6 numbers"),
        ("e05000001", "Another ward already has the code E05000001"),
    ]:
        response = client.post(reverse("places:ward_create"), {"name": "Riverside", "gss_code": code, "locality": ""})
        assert message in visible_text(response.content), code
    response = client.post(reverse("places:ward_create"), {"name": HOSTILE, "gss_code": "E05000002", "locality": ""})
    assert "Enter text without HTML tags" in visible_text(response.content)
    response = client.post(reverse("places:ward_create"), {"name": "Riverside", "gss_code": " e05 000002 ", "locality": ""}, follow=True)
    assert "Ward Riverside added." in visible_text(response.content)
    assert Ward.objects.filter(gss_code="E05000002").exists()


def test_ward_edit_keeps_its_own_code(client_for):
    ward = WardFactory(gss_code="E05000001", name="Riverside")
    locality = LocalityFactory(name="North")
    client_for("admin").post(reverse("places:ward_edit", kwargs={"pk": ward.pk}), {"name": "Riverside East", "gss_code": "E05000001", "locality": locality.pk})
    ward.refresh_from_db()
    assert (ward.name, ward.locality) == ("Riverside East", locality)


def test_locality_create_with_wards_and_list(client_for):
    north, south = WardFactory(name="North ward"), WardFactory(name="South ward")
    client = client_for("officer")
    response = client.post(reverse("places:locality_create"), {"name": "Uplands", "description": "", "wards": [north.pk, south.pk]}, follow=True)
    text = visible_text(response.content)
    assert "Locality Uplands added." in text and "Uplands North ward , South ward" in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"name": HOSTILE}, "Enter text without HTML tags"),
        ({"name": "x" * 201}, "at most 200 characters"),
        ({"name": "Existing"}, "Another locality already has this name"),
        ({"name": "Fine", "wards": ["999999"]}, "Choose wards from the list"),
        ({"name": "Fine", "wards": ["abc"]}, "Choose wards from the list"),
        ({"name": "Fine", "description": "y" * 2001}, "at most 2000 characters"),
    ],
)
def test_locality_bad_input(client_for, data, message):
    LocalityFactory(name="Existing")
    response = client_for("officer").post(reverse("places:locality_create"), {"description": "", **data})
    assert message in visible_text(response.content)
    assert Locality.objects.count() == 1


def test_locality_edit_moves_wards(client_for):
    locality = LocalityFactory(name="Uplands")
    kept, dropped = WardFactory(locality=locality), WardFactory(locality=locality)
    client_for("officer").post(reverse("places:locality_edit", kwargs={"pk": locality.pk}), {"name": "Uplands", "description": "Hills", "wards": [kept.pk]})
    dropped.refresh_from_db()
    assert dropped.locality is None


def test_council_settings_save_and_bad_input(client_for):
    client = client_for("admin")
    assert "The council's details have not been saved yet." in visible_text(client.get(reverse("places:council_settings")).content)
    bad = {"name": HOSTILE, "gss_code": "E05000001", "org_id": "GB-CHC-123", "grant_prefix": "anytown"}
    text = visible_text(client.post(reverse("places:council_settings"), bad).content)
    assert "Enter text without HTML tags" in text
    assert "Enter a council GSS code" in text
    assert "Enter an Org-ID like GB-LAE-ANY" in text
    assert "starts 360G-" in text
    assert not Council.objects.exists()
    good = {"name": "Anytown Council", "gss_code": "e06 000999", "org_id": "gb-lae-any", "grant_prefix": "360G-anytown"}
    response = client.post(reverse("places:council_settings"), good, follow=True)
    assert "The council's details have been saved." in visible_text(response.content)
    assert Council.objects.get().gss_code == "E06000999"
    assert AuditEvent.objects.filter(action="council_update", summary="Council details saved").exists()


def test_council_settings_prefilled(client_for):
    CouncilFactory(name="Anytown Council")
    assert 'value="Anytown Council"' in client_for("admin").get(reverse("places:council_settings")).content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required"),
        ("NOT A POSTCODE", "Enter a full UK postcode, like AT1 1AA"),
        ("<b>AT1</b>", "Enter a full UK postcode, like AT1 1AA"),
        ("A" * 40, "at most 20 characters"),
        ("AT9 9ZZ", "We do not know the ward for AT9 9ZZ"),
    ],
)
def test_postcode_lookup_errors(client_for, typed, message):
    PostcodeFactory(postcode="AT1 1AA")
    response = client_for("councillor").get(reverse("places:postcode_lookup"), {"postcode": typed})
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text and message in text


def test_postcode_lookup_finds_the_ward(client_for):
    PostcodeFactory(postcode="AT1 1AA", ward=WardFactory(name="Riverside", gss_code="E05000101"))
    text = visible_text(client_for("investigator").get(reverse("places:postcode_lookup"), {"postcode": " at11aa "}).content)
    assert "AT1 1AA is in Riverside" in text and "E05000101" in text
    # No error summary before anything is typed.
    assert "There is a problem" not in visible_text(client_for("officer").get(reverse("places:postcode_lookup")).content)


def test_navigation_shows_wards_to_register_readers_only(client_for):
    assert "Wards" in visible_text(client_for("councillor").get(reverse("core:home")).content)
    assert "Wards" not in visible_text(client_for("staff").get(reverse("core:home")).content)


def test_locality_list_names_a_few_wards_and_links_to_them_all(client_for):
    north, south = LocalityFactory(name="North"), LocalityFactory(name="South")
    for letter in "ABCDEFG":
        WardFactory(name=f"North {letter}", locality=north)
    WardFactory(name="South A", locality=south)
    client = client_for("councillor")
    text = visible_text(client.get(reverse("places:locality_list")).content)
    assert "North A , North B , North C , North D , North E ; all 7 wards in North" in text
    assert "North F" not in text
    assert "all 1 wards" not in text
    assert f'href="{reverse("places:ward_list")}?locality={north.pk}"' in client.get(reverse("places:locality_list")).content.decode()


def test_locality_list_query_count_is_independent_of_size(client_for):
    client = client_for("officer")
    counter = iter(range(100))
    WardFactory(locality=LocalityFactory(name="First area"))

    def grow():
        for _ in range(3):
            locality = LocalityFactory(name=f"Area {next(counter)}")
            for _ in range(3):
                WardFactory(locality=locality)

    assert_queries_independent_of_size(client, reverse("places:locality_list"), grow)
