import datetime

import pytest

from lightbulb.places import selectors
from lightbulb.places.postcodes import is_valid_postcode, normalise_postcode
from tests.factories import CouncillorFactory, OrganisationFactory, PostcodeFactory, WardFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("at11aa", "AT1 1AA"), ("  AT1   1AA ", "AT1 1AA"), ("sw1a1aa", "SW1A 1AA"), ("ec1a 1bb", "EC1A 1BB"), ("ab", "AB"), ("", "")],
)
def test_normalise_postcode(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["AT1 1AA", "at11aa", "SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "GIR 0AA"])
def test_valid_postcodes(raw):
    assert is_valid_postcode(raw)


@pytest.mark.parametrize("raw", ["", "AT1", "NOT A POSTCODE", "AT1 1A", "1AT 1AA", "<script>", "=cmd|' /C calc'!A0", "AT1 1AA" * 5])
def test_malformed_postcodes(raw):
    assert not is_valid_postcode(raw)


@pytest.mark.django_db
def test_ward_for_postcode_ignores_case_and_spacing():
    ward = WardFactory(name="Riverside")
    PostcodeFactory(postcode="AT1 1AA", ward=ward)
    assert selectors.ward_for_postcode("at11aa") == ward
    assert selectors.ward_for_postcode(" AT1  1AA ") == ward


@pytest.mark.django_db
def test_ward_for_postcode_unknown_or_malformed_is_none():
    PostcodeFactory(postcode="AT1 1AA")
    assert selectors.ward_for_postcode("AT9 9ZZ") is None
    assert selectors.ward_for_postcode("rubbish") is None
    assert selectors.ward_for_postcode("") is None


@pytest.mark.django_db
def test_ward_list_counts_active_organisations_and_current_councillors():
    ward = WardFactory(name="Riverside")
    other = WardFactory(name="Hilltop")
    OrganisationFactory(ward=ward)
    OrganisationFactory(ward=ward)
    archived = OrganisationFactory(ward=ward)
    archived.archived_at = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    archived.save()
    CouncillorFactory(ward=ward, name="Current One")
    CouncillorFactory(ward=ward, name="Former One", term_start=datetime.date(2018, 5, 3), term_end=datetime.date(2022, 5, 4))
    wards = {w.name: w for w in selectors.ward_list()}
    assert wards["Riverside"].organisation_count == 2
    assert wards["Hilltop"].organisation_count == 0
    assert [c.name for c in wards["Riverside"].current_councillors] == ["Current One"]
    assert other.pk in {w.pk for w in selectors.ward_list(query="hill")}
    assert [w.name for w in selectors.ward_list(query=ward.gss_code.lower())] == ["Riverside"]


@pytest.mark.django_db
def test_councillor_list_filters_by_party_and_ward():
    ward = WardFactory()
    CouncillorFactory(name="Red", party="Labour", ward=ward)
    CouncillorFactory(name="Blue", party="Conservative")
    assert [c.name for c in selectors.councillor_list(party="Labour")] == ["Red"]
    assert [c.name for c in selectors.councillor_list(ward_id=ward.pk)] == ["Red"]
    assert selectors.councillor_parties() == ["Conservative", "Labour"]


def test_councillor_is_current():
    from lightbulb.places.models import Councillor

    today = datetime.date(2025, 1, 1)
    assert selectors.councillor_is_current(Councillor(term_start=datetime.date(2024, 5, 2)), today)
    assert not selectors.councillor_is_current(Councillor(term_start=datetime.date(2020, 5, 2), term_end=datetime.date(2024, 5, 1)), today)
    assert not selectors.councillor_is_current(Councillor(term_start=datetime.date(2026, 5, 2)), today)
