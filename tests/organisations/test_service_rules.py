"""The register's and the portal's services, called directly: they ask who is acting, and enforce every rule their forms do.

Each refusal leaves the database as it was: no row, no audit event. Each form
rule is checked twice: the service refuses the bad value with the form's
message on the form's field, and the form itself says the same words.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lightbulb.accounts.models import Membership
from lightbulb.core.checks import REQUIRED
from lightbulb.core.roles import Role
from lightbulb.organisations import services
from lightbulb.organisations.forms import ArchiveForm, ContactForm, DismissForm, EraseForm, IdentifierForm, MergeForm, OrganisationForm
from lightbulb.organisations.identifiers import parse_identifier
from lightbulb.organisations.models import (
    AreaOfWork,
    Contact,
    DuplicateDecision,
    Organisation,
    OrganisationClaim,
    OrganisationIdentifier,
    OrganisationMerge,
    ProfileChange,
    RegisterValue,
)
from lightbulb.organisations.portal import services as portal
from lightbulb.organisations.portal.forms import ClaimDecisionForm, ClaimForm, ProfileForm, ProposalForm
from tests.factories import AreaOfWorkFactory, ContactFactory, IdentifierFactory, OrganisationClaimFactory, OrganisationFactory, ProfileChangeFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [
    Organisation,
    OrganisationIdentifier,
    Contact,
    AreaOfWork,
    DuplicateDecision,
    OrganisationMerge,
    RegisterValue,
    OrganisationClaim,
    ProfileChange,
    Membership,
]
NO_TAGS = "Enter text without HTML tags (remove anything between < and >)"
TODAY = timezone.localdate()
CONTACT = {
    "name": "Ada Lovelace",
    "role": "Treasurer",
    "email": "ada@example.org",
    "phone": "01632 960001",
    "purpose": "To contact them about the grant",
    "consent_given_on": datetime.date(2025, 1, 6),
    "retain_until": TODAY.replace(year=TODAY.year + 2),
}


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has {limit + 1})."


@pytest.fixture
def w(users, own_organisation, other_organisation):
    officer = users[Role.OFFICER]
    kept, merged = OrganisationFactory(name="Kept Trust"), OrganisationFactory(name="Merged Trust")
    return SimpleNamespace(
        users=users,
        officer=officer,
        outsider=other_organisation.memberships.get().user,
        organisation=own_organisation,
        other=other_organisation,
        identifier=IdentifierFactory(organisation=own_organisation),
        contact=ContactFactory(organisation=own_organisation),
        area=AreaOfWorkFactory(name="Food"),
        merge=services.organisation_merge(acting_user=officer, kept=kept, merged=merged, reason="The same charity"),
        claim=OrganisationClaimFactory(organisation=other_organisation),
        change=ProfileChangeFactory(organisation=own_organisation),
    )


def as_actor(w: Any, who: str) -> Any:
    return identity(who, w.users, w.outsider)


# Each write service: how to call it, and who may (the first is used to show the call works).
SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "organisation_create": (lambda w, a: services.organisation_create(acting_user=a, name="Northside Repair Café"), ("officer",)),
    "organisation_update": (
        lambda w, a: services.organisation_update(acting_user=a, organisation=w.organisation, changes={"phone": "01632 960123"}),
        ("officer",),
    ),
    "organisation_archive": (lambda w, a: services.organisation_archive(acting_user=a, organisation=w.organisation, reason="It closed"), ("officer",)),
    "register_values_record": (
        lambda w, a: services.register_values_record(
            acting_user=a, source="Charity Commission", organisation=w.organisation, values={"website": "https://food.example"}, as_of=TODAY
        ),
        ("system", "officer"),
    ),
    "register_values_record_many": (
        lambda w, a: services.register_values_record_many(
            acting_user=a, source="Charity Commission", items=[(w.organisation, {"website": "https://food.example"}, TODAY)]
        ),
        ("system", "officer"),
    ),
    "identifier_add": (lambda w, a: services.identifier_add(acting_user=a, organisation=w.organisation, raw="GB-CHC-1199999"), ("officer",)),
    "identifier_remove": (lambda w, a: services.identifier_remove(acting_user=a, identifier=w.identifier), ("officer",)),
    "contact_create": (lambda w, a: services.contact_create(acting_user=a, organisation=w.organisation, **CONTACT), ("officer",)),
    "contact_update": (lambda w, a: services.contact_update(acting_user=a, contact=w.contact, changes={"role": "Chair"}), ("officer",)),
    "contact_erase": (lambda w, a: services.contact_erase(acting_user=a, contact=w.contact, reason="They asked us to"), ("officer", "admin")),
    "area_of_work_create": (lambda w, a: services.area_of_work_create(acting_user=a, name="Older people"), ("officer",)),
    "area_of_work_rename": (lambda w, a: services.area_of_work_rename(acting_user=a, area=w.area, name="Food and drink"), ("officer",)),
    "duplicate_dismiss": (
        lambda w, a: services.duplicate_dismiss(acting_user=a, first=w.organisation, second=w.other, reason="Different committees"),
        ("officer",),
    ),
    "organisation_merge": (lambda w, a: services.organisation_merge(acting_user=a, kept=w.organisation, merged=w.other, reason="Same"), ("officer",)),
    "organisation_merge_undo": (lambda w, a: services.organisation_merge_undo(acting_user=a, merge=w.merge), ("officer",)),
    # The portal
    "organisation_claim_create": (
        lambda w, a: portal.organisation_claim_create(acting_user=a, organisation=w.other, role_in_organisation="Trustee", evidence="On the register"),
        ("vcs", "outsider"),
    ),
    "organisation_proposal_create": (
        lambda w, a: portal.organisation_proposal_create(
            acting_user=a,
            name="Northside Repair Café",
            details={"legal_form": "unincorporated", "address": "1 High Street", "postcode": "AT2 2BB", "description": "Fixing things"},
            role_in_organisation="Organiser",
            evidence="Ask the hall",
        ),
        ("vcs", "outsider"),
    ),
    "organisation_claim_verify": (lambda w, a: portal.organisation_claim_verify(acting_user=a, claim=w.claim), ("officer",)),
    "organisation_claim_reject": (lambda w, a: portal.organisation_claim_reject(acting_user=a, claim=w.claim, reason="No evidence"), ("officer",)),
    "organisation_profile_update": (
        lambda w, a: portal.organisation_profile_update(acting_user=a, organisation=w.organisation, changes={"phone": "01632 960123"}),
        ("vcs",),
    ),
    "profile_change_review": (lambda w, a: portal.profile_change_review(acting_user=a, profile_change=w.change), ("officer",)),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, as_actor(w, who)), WATCHED)


@pytest.mark.parametrize("service", list(SERVICES))
def test_the_caller_who_may_gets_through(w, service):
    """The refusals above are refusals of the caller, not of a broken call."""
    call, allowed = SERVICES[service]
    call(w, as_actor(w, allowed[0]))


def test_an_inactive_officer_is_refused(w):
    w.officer.is_active = False
    assert_refused(lambda: services.organisation_update(acting_user=w.officer, organisation=w.organisation, changes={"phone": "01632 960123"}), WATCHED)


# --- OrganisationForm ------------------------------------------------------------------

ORGANISATION_RULES = [
    ("name", "", "Enter the organisation's name"),
    ("name", "   ", "Enter the organisation's name"),
    ("name", None, "Enter the organisation's name"),
    ("name", "x" * 301, "The name must be 300 characters or fewer"),
    ("name", "<b>Food</b> Bank", NO_TAGS),
    ("other_names", "x" * 2001, "Other names must be 2,000 characters or fewer"),
    ("other_names", "<i>Old name</i>", NO_TAGS),
    ("legal_form", "", "Choose a legal form"),
    ("legal_form", "pirate ship", "Choose a legal form from the list"),
    ("status", "", "Choose a status"),
    ("status", "merged", "Choose a status from the list"),
    ("description", "x" * 5001, "The description must be 5,000 characters or fewer"),
    ("address", "x" * 501, "The address must be 500 characters or fewer"),
    ("postcode", "NOT A POSTCODE", "Enter a real postcode, like AT1 1AA"),
    ("website", "not a web address", "Enter a web address, like https://www.example.org"),
    ("website", "https://example.org/" + "a" * 200, "The web address must be 200 characters or fewer"),
    ("email", "not-an-email", "Enter an e-mail address in the right format, like name@example.org"),
    ("phone", "call us", "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"),
    ("phone", "0" * 31, "Enter a telephone number of 30 characters or fewer"),
    ("date_registered", TODAY + datetime.timedelta(days=1), "Date registered must be today or in the past"),
    ("date_registered", "2020-01-01", "Date registered must be a real date"),
    ("wards_served", [999_999], "Choose wards from the list"),
    ("wards_served", "E05000001", "Choose wards from the list"),
    ("areas_of_work", ["Food"], "Choose areas of work from the list"),
]


@pytest.mark.parametrize(("field", "value", "message"), ORGANISATION_RULES)
def test_create_refuses_what_the_form_refuses(w, field, value, message):
    fields = {"name": "Northside Repair Café", field: value}
    name = fields.pop("name")
    assert_invalid(lambda: services.organisation_create(acting_user=w.officer, name=name, **fields), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), ORGANISATION_RULES)
def test_update_refuses_what_the_form_refuses(w, field, value, message):
    assert_invalid(lambda: services.organisation_update(acting_user=w.officer, organisation=w.organisation, changes={field: value}), field, message, WATCHED)
    w.organisation.refresh_from_db()
    assert w.organisation.name == "Riverside Food Bank"


@pytest.mark.parametrize(
    ("field", "value", "message"), [rule for rule in ORGANISATION_RULES if isinstance(rule[1], str) and rule[0] not in ("wards_served", "date_registered")]
)
def test_the_organisation_form_says_the_same(field, value, message):
    form = OrganisationForm({"name": "Northside", "legal_form": "charity", "status": "active", field: value})
    assert not form.is_valid()
    assert message in form.errors[field]


def test_a_valid_change_is_cleaned_as_the_form_would(w):
    services.organisation_update(acting_user=w.officer, organisation=w.organisation, changes={"postcode": " at1  1aa ", "name": "  Riverside Pantry "})
    w.organisation.refresh_from_db()
    assert (w.organisation.name, w.organisation.postcode) == ("Riverside Pantry", "AT1 1AA")


# --- Reasons (ArchiveForm, EraseForm, DismissForm, MergeForm) ---------------------------

REASONS = {
    "organisation_archive": (
        lambda w, reason: services.organisation_archive(acting_user=w.officer, organisation=w.organisation, reason=reason),
        "Why is the organisation being archived – enter a reason",
        lambda data: ArchiveForm(data),
    ),
    "contact_erase": (
        lambda w, reason: services.contact_erase(acting_user=w.officer, contact=w.contact, reason=reason),
        "Why are the details being erased – enter a reason",
        lambda data: EraseForm(data),
    ),
    "duplicate_dismiss": (
        lambda w, reason: services.duplicate_dismiss(acting_user=w.officer, first=w.organisation, second=w.other, reason=reason),
        "Why are these different organisations – enter a reason",
        lambda data: DismissForm(data),
    ),
    "organisation_merge": (
        lambda w, reason: services.organisation_merge(acting_user=w.officer, kept=w.organisation, merged=w.other, reason=reason),
        "Why are these the same organisation – enter a reason",
        lambda data: MergeForm(data, first=OrganisationFactory.build(pk=1), second=OrganisationFactory.build(pk=2)),
    ),
}
REASON_VALUES = [("", None), ("   ", None), (None, None), ("x" * 2001, "Keep the reason to 2,000 characters or fewer"), ("<script>x</script>", NO_TAGS)]


@pytest.mark.parametrize("service", list(REASONS))
@pytest.mark.parametrize(("reason", "message"), REASON_VALUES)
def test_a_reason_is_required_as_its_form_requires_it(w, service, reason, message):
    call, required, make_form = REASONS[service]
    expected = message or required
    assert_invalid(lambda: call(w, reason), "reason", expected, WATCHED)
    form = make_form({"reason": reason or ""})
    assert not form.is_valid()
    assert expected in form.errors["reason"]


# --- IdentifierForm ----------------------------------------------------------------------


def _parse_message(raw: str, scheme: str | None = None) -> str:
    with pytest.raises(ValidationError) as raised:
        parse_identifier(raw, scheme)
    return raised.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "scheme", "field", "message"),
    [
        ("", None, "value", "Enter an identifier"),
        (None, None, "value", "Enter an identifier"),
        ("1" * 51, None, "value", "An identifier is 50 characters or fewer"),
        ("1234567", "GB-XXX", "scheme", "Choose a register from the list"),
        ("1234567", None, "value", _parse_message("1234567")),
        ("GB-COH-01234567", "GB-CHC", "value", _parse_message("GB-COH-01234567", "GB-CHC")),
    ],
)
def test_identifier_add_refuses_what_the_form_refuses(w, raw, scheme, field, message):
    assert_invalid(lambda: services.identifier_add(acting_user=w.officer, organisation=w.organisation, raw=raw, scheme=scheme), field, message, WATCHED)
    form = IdentifierForm({"value": raw or "", "scheme": scheme or ""})
    assert not form.is_valid()
    assert message in form.errors[field]


def test_identifier_add_refuses_one_already_recorded(w):
    org_id = w.identifier.org_id
    assert_invalid(
        lambda: services.identifier_add(acting_user=w.officer, organisation=w.organisation, raw=org_id.lower()),
        "value",
        f"{org_id} is already recorded for this organisation",
        WATCHED,
    )


# --- ContactForm ---------------------------------------------------------------------------

CONTACT_RULES = [
    ("name", "", "Enter the contact's name"),
    ("name", "x" * 201, "The name must be 200 characters or fewer"),
    ("name", "<b>Ada</b>", NO_TAGS),
    ("role", "x" * 201, "The role must be 200 characters or fewer"),
    ("email", "ada at example", "Enter an e-mail address in the right format, like name@example.org"),
    ("phone", "ring the hall", "Enter a telephone number, like 01632 960 001 or +44 808 157 0192"),
    ("purpose", "", "Enter why the council holds these details"),
    ("purpose", None, "Enter why the council holds these details"),
    ("purpose", "x" * 301, "The purpose must be 300 characters or fewer"),
    ("consent_given_on", TODAY + datetime.timedelta(days=1), "Date consent was given must be today or in the past"),
    ("retain_until", None, "Enter the date to keep the details until"),
    ("retain_until", TODAY, "Keep until must be a date in the future"),
    ("retain_until", TODAY.replace(year=TODAY.year + 26), "Keep until must be within 25 years"),
    ("retain_until", "2030-01-06", "Keep until must be a real date"),
]


@pytest.mark.parametrize(("field", "value", "message"), CONTACT_RULES)
def test_contact_create_refuses_what_the_form_refuses(w, field, value, message):
    fields = {**CONTACT, field: value}
    assert_invalid(lambda: services.contact_create(acting_user=w.officer, organisation=w.organisation, **fields), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), CONTACT_RULES)
def test_contact_update_refuses_what_the_form_refuses(w, field, value, message):
    assert_invalid(lambda: services.contact_update(acting_user=w.officer, contact=w.contact, changes={field: value}), field, message, WATCHED)


@pytest.mark.parametrize(("field", "value", "message"), [rule for rule in CONTACT_RULES if isinstance(rule[1], str) and rule[0] != "retain_until"])
def test_the_contact_form_says_the_same(field, value, message):
    data = {**{key: value for key, value in CONTACT.items() if isinstance(value, str)}, "retain_until_0": "6", "retain_until_1": "1", "retain_until_2": "2030"}
    form = ContactForm({**data, field: value})
    assert not form.is_valid()
    assert message in form.errors[field]


def test_a_missing_contact_field_is_asked_for_not_a_crash(w):
    assert_invalid(
        lambda: services.contact_create(acting_user=w.officer, organisation=w.organisation, name="Ada"),
        "purpose",
        "Enter why the council holds these details",
        WATCHED,
    )


# --- AreaOfWorkForm -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the area of work"),
        ("  ", "Enter a name for the area of work"),
        ("x" * 101, "The name must be 100 characters or fewer"),
        ("<b>Food</b>", NO_TAGS),
        ("food", "There is already an area of work called food"),
        ("  FOOD  ", "There is already an area of work called FOOD"),
    ],
)
def test_area_of_work_create_refuses_what_the_form_refuses(w, name, message):
    assert_invalid(lambda: services.area_of_work_create(acting_user=w.officer, name=name), "name", message, WATCHED)


def test_area_of_work_rename_refuses_another_areas_name_but_not_its_own(w):
    AreaOfWorkFactory(name="Older people")
    assert_invalid(
        lambda: services.area_of_work_rename(acting_user=w.officer, area=w.area, name="older  people"),
        "name",
        "There is already an area of work called older people",
        WATCHED,
    )
    services.area_of_work_rename(acting_user=w.officer, area=w.area, name="FOOD")
    w.area.refresh_from_db()
    assert w.area.name == "FOOD"


# --- Duplicates -------------------------------------------------------------------------------


def test_a_pair_already_dismissed_is_refused_not_a_database_error(w):
    services.duplicate_dismiss(acting_user=w.officer, first=w.organisation, second=w.other, reason="Different committees")
    assert_invalid(
        lambda: services.duplicate_dismiss(acting_user=w.officer, first=w.other, second=w.organisation, reason="Again"),
        None,
        "These records were already marked as different organisations.",
        WATCHED,
    )


# --- The portal: ClaimForm, ProposalForm, ClaimDecisionForm, ProfileForm ------------------------

CLAIM_RULES = [
    ("role_in_organisation", "", REQUIRED),
    ("role_in_organisation", "x" * 201, too_long(200)),
    ("role_in_organisation", "<b>Chair</b>", NO_TAGS),
    ("evidence", "", REQUIRED),
    ("evidence", None, REQUIRED),
    ("evidence", "x" * 2001, too_long(2000)),
]


@pytest.mark.parametrize(("field", "value", "message"), CLAIM_RULES)
def test_a_claim_is_refused_as_the_form_refuses_it(w, field, value, message):
    answers = {"role_in_organisation": "Trustee", "evidence": "On the register", field: value}
    vcs = w.users[Role.VCS]
    assert_invalid(lambda: portal.organisation_claim_create(acting_user=vcs, organisation=w.other, **answers), field, message, WATCHED)
    form = ClaimForm({**answers, field: value or ""})
    assert not form.is_valid()
    assert message in form.errors[field]


def test_an_organisation_off_the_register_cannot_be_claimed(w):
    w.other.status = "removed"
    w.other.save()
    assert_invalid(
        lambda: portal.organisation_claim_create(acting_user=w.users[Role.VCS], organisation=w.other, role_in_organisation="Trustee", evidence="Ask"),
        None,
        "This organisation is no longer on the register, so it cannot be claimed",
        WATCHED,
    )


GOOD_PROPOSAL = {
    "name": "Northside Repair Café",
    "legal_form": "unincorporated",
    "charity_number": "",
    "company_number": "",
    "address": "1 High Street",
    "postcode": "AT2 2BB",
    "description": "Fixing things",
    "role_in_organisation": "Organiser",
    "evidence": "Ask the hall",
}
PROPOSAL_RULES = [
    ("name", "", REQUIRED),
    ("name", "x" * 301, too_long(300)),
    ("name", "<script>x</script>", NO_TAGS),
    ("legal_form", "", REQUIRED),
    ("legal_form", "pirate", "Select a valid choice. pirate is not one of the available choices."),
    ("charity_number", "not a number", _parse_message("not a number", "GB-CHC")),
    ("company_number", "not a company", _parse_message("not a company", "GB-COH")),
    ("address", "", REQUIRED),
    ("address", "x" * 501, too_long(500)),
    ("postcode", "", REQUIRED),
    ("postcode", "NOT A POSTCODE", "Enter a real postcode, like AT1 1AA"),
    ("description", "", REQUIRED),
    ("description", "x" * 2001, too_long(2000)),
    ("evidence", "", REQUIRED),
]


def _propose(w: Any, answers: dict[str, Any]) -> Any:
    answers = dict(answers)
    return portal.organisation_proposal_create(
        acting_user=w.users[Role.VCS],
        name=answers.pop("name"),
        role_in_organisation=answers.pop("role_in_organisation"),
        evidence=answers.pop("evidence"),
        details=answers,
    )


@pytest.mark.parametrize(("field", "value", "message"), PROPOSAL_RULES)
def test_a_proposal_is_refused_as_the_form_refuses_it(w, field, value, message):
    answers = {**GOOD_PROPOSAL, field: value}
    assert_invalid(lambda: _propose(w, answers), field, message, WATCHED)
    form = ProposalForm(answers)
    assert not form.is_valid()
    assert message in form.errors[field]


def test_a_proposal_missing_its_details_is_asked_for_them_not_a_crash(w):
    assert_invalid(
        lambda: portal.organisation_proposal_create(acting_user=w.users[Role.VCS], name="Northside", details={}, role_in_organisation="Chair", evidence="Ask"),
        "postcode",
        REQUIRED,
        WATCHED,
    )


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("  ", "Enter the reason the claim is rejected. The person who made it will see it."),
        (None, "Enter the reason the claim is rejected. The person who made it will see it."),
        ("x" * 2001, too_long(2000)),
        ("<b>No</b>", NO_TAGS),
    ],
)
def test_a_rejection_needs_a_reason_as_the_form_does(w, reason, message):
    assert_invalid(lambda: portal.organisation_claim_reject(acting_user=w.officer, claim=w.claim, reason=reason), "reason", message, WATCHED)
    form = ClaimDecisionForm({"decision": "reject", "reason": reason or ""})
    assert not form.is_valid()
    assert message in form.errors["reason"]


GOOD_PROFILE = {
    "other_names": "",
    "description": "Food parcels",
    "address": "",
    "postcode": "AT1 1AA",
    "website": "",
    "email": "hello@food.example",
    "phone": "",
}
PROFILE_RULES = [
    ("other_names", "x" * 1001, too_long(1000)),
    ("description", "x" * 2001, too_long(2000)),
    ("description", "<script>x</script>", NO_TAGS),
    ("address", "x" * 501, too_long(500)),
    ("postcode", "NOT A POSTCODE", "Enter a real postcode, like AT1 1AA"),
    ("website", "nope", "Enter a valid URL."),
    ("email", "nope", "Enter a valid email address."),
    ("phone", "12345", "Enter a phone number, like 01632 960 001 or +44 7700 900 982"),
    ("phone", "call the hall", "Enter a phone number, like 01632 960 001 or +44 7700 900 982"),
]


@pytest.mark.parametrize(("field", "value", "message"), PROFILE_RULES)
def test_a_profile_change_is_refused_as_the_form_refuses_it(w, field, value, message):
    changes = {**GOOD_PROFILE, field: value}
    vcs = w.users[Role.VCS]
    assert_invalid(lambda: portal.organisation_profile_update(acting_user=vcs, organisation=w.organisation, changes=changes), field, message, WATCHED)
    form = ProfileForm(changes)
    assert not form.is_valid()
    assert message in form.errors[field]


def test_a_profile_keeps_a_way_to_reach_the_organisation(w):
    message = "Give at least one way to reach the organisation: an address, website, e-mail address or phone number"
    changes = {**GOOD_PROFILE, "email": ""}
    assert_invalid(
        lambda: portal.organisation_profile_update(acting_user=w.users[Role.VCS], organisation=w.organisation, changes=changes), "email", message, WATCHED
    )
    form = ProfileForm(changes)
    assert not form.is_valid()
    assert message in form.errors["email"]
    # Removing one way while another stays is fine.
    portal.organisation_profile_update(acting_user=w.users[Role.VCS], organisation=w.organisation, changes={**changes, "phone": "01632 960 001"})
    w.organisation.refresh_from_db()
    assert (w.organisation.email, w.organisation.phone) == ("", "01632 960 001")


def test_a_profile_change_naming_an_unknown_area_of_work_is_refused(w):
    ghost = AreaOfWork(pk=999_999, name="Ghost")
    assert_invalid(
        lambda: portal.organisation_profile_update(acting_user=w.users[Role.VCS], organisation=w.organisation, changes=GOOD_PROFILE, areas_of_work=[ghost]),
        "areas_of_work",
        "Choose areas of work from the list",
        WATCHED,
    )
