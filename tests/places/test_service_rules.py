"""The places services, called directly: they ask who is acting, and enforce every rule their forms do.

Wards, localities and councillors are kept by officers, administrators and
imports (a SystemActor); the council's own details by administrators only.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

from lightbulb.core.checks import REQUIRED
from lightbulb.core.roles import Role
from lightbulb.places import services
from lightbulb.places.forms import CouncilForm, CouncillorForm, LocalityForm, WardForm
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward
from tests.factories import CouncilFactory, CouncillorFactory, LocalityFactory, PostcodeFactory, WardFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Council, Locality, Ward, Councillor, Postcode]
NO_TAGS = "Enter text without HTML tags (remove anything between < and >)"
KEEPERS = ("officer", "admin", "system")


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


@pytest.fixture
def w(users, other_organisation):
    ward = WardFactory(gss_code="E05000001", name="Riverside")
    return SimpleNamespace(
        users=users,
        outsider=other_organisation.memberships.get().user,
        admin=users[Role.ADMIN],
        officer=users[Role.OFFICER],
        council=CouncilFactory(),
        locality=LocalityFactory(name="Uplands"),
        ward=ward,
        other_ward=WardFactory(gss_code="E05000002", name="Hilltop"),
        councillor=CouncillorFactory(ward=ward, name="Cllr Jane Doe"),
        postcode=PostcodeFactory(postcode="AT1 1AA", ward=ward),
    )


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "council_update": (
        lambda w, a: services.council_update(acting_user=a, name="Anytown Borough Council", gss_code="E06000999", org_id="GB-LAE-ANY"),
        ("admin",),
    ),
    "locality_create": (lambda w, a: services.locality_create(acting_user=a, name="Lowlands", wards=[w.other_ward]), KEEPERS),
    "locality_update": (lambda w, a: services.locality_update(acting_user=a, locality=w.locality, name="Uplands", wards=[w.ward]), KEEPERS),
    "ward_create": (lambda w, a: services.ward_create(acting_user=a, gss_code="E05000003", name="Meadow"), KEEPERS),
    "ward_update": (lambda w, a: services.ward_update(acting_user=a, ward=w.ward, gss_code="E05000001", name="Riverside North", locality=w.locality), KEEPERS),
    "ward_bulk_upsert": (lambda w, a: services.ward_bulk_upsert(acting_user=a, rows=[{"gss_code": "E05000009", "name": "New ward"}]), KEEPERS),
    "councillor_create": (
        lambda w, a: services.councillor_create(acting_user=a, name="Cllr Sam Roe", ward=w.ward, party="Green", term_start=datetime.date(2024, 5, 2)),
        KEEPERS,
    ),
    "councillor_update": (lambda w, a: services.councillor_update(acting_user=a, councillor=w.councillor, party="Labour"), KEEPERS),
    "postcode_bulk_upsert": (lambda w, a: services.postcode_bulk_upsert(acting_user=a, rows=[{"postcode": "AT1 1AA", "ward_code": "E05000002"}]), KEEPERS),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
@pytest.mark.parametrize("who", KEEPERS)
def test_the_callers_who_may_get_through(w, service, who):
    call, allowed = SERVICES[service]
    if who in allowed:
        call(w, identity(who, w.users, w.outsider))


# --- CouncilForm --------------------------------------------------------------------------

GOOD_COUNCIL = {"name": "Anytown Council", "gss_code": "E06000999", "org_id": "GB-LAE-ANY", "grant_prefix": "360G-anytown"}
COUNCIL_RULES = [
    ("name", "", REQUIRED),
    ("name", "x" * 201, too_long(200)),
    ("name", "<b>Anytown</b>", NO_TAGS),
    ("gss_code", "", REQUIRED),
    ("gss_code", "E05000001", "Enter a council GSS code: E06, E07, E08 or E09 then 6 numbers, for example E06000999"),
    ("org_id", "", REQUIRED),
    ("org_id", "GB-CHC-1234567", "Enter an Org-ID like GB-LAE-ANY (GB-LAE- then 3 or 4 letters)"),
    ("grant_prefix", "anytown", "Enter a 360Giving prefix that starts 360G- followed by letters, numbers or hyphens, for example 360G-anytown"),
    ("grant_prefix", "360G-" + "a" * 46, too_long(50)),
]


@pytest.mark.parametrize(("field", "value", "message"), COUNCIL_RULES)
def test_council_update_refuses_what_the_form_refuses(w, field, value, message):
    values = {**GOOD_COUNCIL, field: value}
    assert_invalid(lambda: services.council_update(acting_user=w.admin, **values), field, message, WATCHED)
    form = CouncilForm(values)
    assert not form.is_valid()
    assert message in form.errors[field]


def test_council_update_reads_codes_as_the_form_does(w):
    council = services.council_update(acting_user=w.admin, name=" Anytown ", gss_code="e06 000999", org_id="gb-lae-any")
    assert (council.name, council.gss_code, council.org_id) == ("Anytown", "E06000999", "GB-LAE-ANY")


# --- LocalityForm -------------------------------------------------------------------------

LOCALITY_RULES = [
    ("name", "", REQUIRED),
    ("name", None, REQUIRED),
    ("name", "x" * 201, too_long(200)),
    ("name", "<i>Uplands</i>", NO_TAGS),
    ("name", "uplands", "Another locality already has this name"),
    ("description", "x" * 2001, too_long(2000)),
    ("wards", [999_999], "Choose wards from the list"),
    ("wards", "E05000001", "Choose wards from the list"),
]


@pytest.mark.parametrize(("field", "value", "message"), LOCALITY_RULES)
def test_locality_create_refuses_what_the_form_refuses(w, field, value, message):
    values = {"name": "Lowlands", "description": "", field: value}
    assert_invalid(lambda: services.locality_create(acting_user=w.officer, **values), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in LOCALITY_RULES if rule[1] != "uplands"])
def test_locality_update_refuses_what_the_form_refuses(w, field, value, message):
    values = {"name": "Uplands", "description": "", field: value}
    assert_invalid(lambda: services.locality_update(acting_user=w.officer, locality=w.locality, **values), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in LOCALITY_RULES if isinstance(rule[1], str) and rule[0] != "wards"])
def test_the_locality_form_says_the_same(w, field, value, message):
    form = LocalityForm({"name": "Lowlands", field: value})
    assert not form.is_valid()
    assert message in form.errors[field]


def test_a_locality_may_keep_its_own_name_but_not_take_another(w):
    LocalityFactory(name="Lowlands")
    services.locality_update(acting_user=w.officer, locality=w.locality, name="UPLANDS", description="Hills")
    assert_invalid(
        lambda: services.locality_update(acting_user=w.officer, locality=w.locality, name="lowlands"), "name", "Another locality already has this name", WATCHED
    )


# --- WardForm -------------------------------------------------------------------------------

WARD_RULES = [
    ("name", "", REQUIRED),
    ("name", "x" * 201, too_long(200)),
    ("name", "<b>Meadow</b>", NO_TAGS),
    ("gss_code", "", REQUIRED),
    ("gss_code", "E06000999", "Enter a ward GSS code: E05 then 6 numbers, for example E05001234"),
    ("gss_code", "e05 000002", "Another ward already has the code E05000002"),
    ("locality", "Uplands", "Select a valid choice. That choice is not one of the available choices."),
    ("locality", Locality(pk=999_999, name="Ghost"), "Select a valid choice. That choice is not one of the available choices."),
]


@pytest.mark.parametrize(("field", "value", "message"), WARD_RULES)
def test_ward_create_refuses_what_the_form_refuses(w, field, value, message):
    values = {"gss_code": "E05000003", "name": "Meadow", "locality": None, field: value}
    assert_invalid(lambda: services.ward_create(acting_user=w.officer, **values), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), WARD_RULES)
def test_ward_update_refuses_what_the_form_refuses(w, field, value, message):
    values = {"gss_code": "E05000001", "name": "Riverside", "locality": None, field: value}
    assert_invalid(lambda: services.ward_update(acting_user=w.officer, ward=w.ward, **values), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in WARD_RULES if rule[0] != "locality"])
def test_the_ward_form_says_the_same(w, field, value, message):
    form = WardForm({"gss_code": "E05000003", "name": "Meadow", field: value})
    assert not form.is_valid()
    assert message in form.errors[field]


# --- CouncillorForm ----------------------------------------------------------------------------

COUNCILLOR_RULES = [
    ("name", "", REQUIRED),
    ("name", "x" * 201, too_long(200)),
    ("name", "<b>Sam</b>", NO_TAGS),
    ("ward", None, "Choose the councillor's ward"),
    ("ward", "Riverside", "Choose a ward from the list"),
    ("party", "", REQUIRED),
    ("party", "x" * 101, too_long(100)),
    ("email", "not-an-email", "Enter a valid email address."),
    ("term_start", None, "Enter the start of the term"),
    ("term_start", "2024-05-02", "Start of term must be a real date"),
    ("term_end", datetime.date(2020, 1, 1), "The end of the term must be the same as or after the start of the term"),
    ("term_end", "soon", "End of term must be a real date"),
]


@pytest.mark.parametrize(("field", "value", "message"), COUNCILLOR_RULES)
def test_councillor_create_refuses_what_the_form_refuses(w, field, value, message):
    values = {"name": "Cllr Sam Roe", "ward": w.ward, "party": "Green", "term_start": datetime.date(2024, 5, 2), "email": "", field: value}
    assert_invalid(lambda: services.councillor_create(acting_user=w.officer, **values), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), COUNCILLOR_RULES)
def test_councillor_update_refuses_what_the_form_refuses(w, field, value, message):
    assert_invalid(lambda: services.councillor_update(acting_user=w.officer, councillor=w.councillor, **{field: value}), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in COUNCILLOR_RULES if rule[0] in ("name", "party", "email")])
def test_the_councillor_form_says_the_same(w, field, value, message):
    form = CouncillorForm(
        {"name": "Cllr Sam Roe", "ward": w.ward.pk, "party": "Green", "term_start_0": "2", "term_start_1": "5", "term_start_2": "2024", field: value}
    )
    assert not form.is_valid()
    assert message in form.errors[field]


def test_councillor_update_checks_the_term_against_the_start_it_keeps(w):
    assert_invalid(
        lambda: services.councillor_update(acting_user=w.officer, councillor=w.councillor, term_end=datetime.date(2024, 5, 1)),
        "term_end",
        "The end of the term must be the same as or after the start of the term",
        WATCHED,
    )
