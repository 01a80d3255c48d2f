"""The organisation page and every register form: what each role sees, and bad input handled."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from lightbulb.core.models import AuditEvent
from lightbulb.core.registry import registry
from lightbulb.core.roles import Role
from lightbulb.funding.selectors.agreements import ORGANISATION_AGREEMENTS_SHOWN
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from lightbulb.organisations import services
from lightbulb.organisations.models import AreaOfWork, Contact, Organisation, OrganisationIdentifier, OrganisationMerge
from tests.factories import AgreementFactory, AreaOfWorkFactory, ContactFactory, IdentifierFactory, OrganisationFactory, RegisterValueFactory, WardFactory
from tests.helpers import assert_queries_independent_of_size, visible_text

pytestmark = pytest.mark.django_db
HOSTILE = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
NEXT_YEAR = timezone.localdate().year + 1


@pytest.fixture
def organisation(users):
    organisation = services.organisation_create(acting_user=users[Role.OFFICER], name="Riverside Food Bank", postcode="AT1 1AA", phone="01632 960001")
    IdentifierFactory(organisation=organisation, scheme="GB-CHC", value="1123456")
    ContactFactory(organisation=organisation, name="Jane Treasurer", email="jane@example.org")
    RegisterValueFactory(
        organisation=organisation, source="Charity Commission", field="name", value="RIVERSIDE FOOD BANK CIO", as_of=datetime.date(2026, 1, 31)
    )
    return organisation


def url(organisation, suffix=""):
    return f"/organisations/{organisation.pk}/{suffix}"


# The organisation page


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN])
def test_page_shows_the_record_to_every_reader(organisation, client_for, role):
    text = visible_text(client_for(role).get(url(organisation)).content)
    assert "Riverside Food Bank" in text and "GB-CHC-1123456" in text and "AT1 1AA" in text
    assert "RIVERSIDE FOOD BANK CIO (Charity Commission, as of 31 January 2026)" in text
    assert "Typed by a person: imports do not change it" in text
    assert "Added to the register" in text  # the timeline
    # Contacts are personal data: officers and administrators only.
    assert ("Jane Treasurer" in text) is (role in (Role.OFFICER, Role.ADMIN))
    assert ("Change details" in text) is (role == Role.OFFICER)


def test_timeline_gathers_other_modules_entries(organisation, client_for, monkeypatch):
    monkeypatch.setitem(
        registry.timeline_sources,
        "test",
        lambda organisation_id: [{"when": datetime.date(2025, 4, 1), "title": "Grant agreement signed", "href": "/somewhere", "description": "£5,000"}],
    )
    text = visible_text(client_for(Role.COUNCILLOR).get(url(organisation)).content)
    assert "Grant agreement signed" in text and "£5,000" in text
    assert text.index("Added to the register") < text.index("Grant agreement signed")  # newest first


def test_page_queries_do_not_grow_with_data(organisation, officer_client):
    def grow():
        for number in range(5):
            IdentifierFactory(organisation=organisation, scheme="GB-COH", value=f"{number:08d}")
            ContactFactory(organisation=organisation)
            RegisterValueFactory(organisation=organisation, field=f"field_{number}")
            organisation.wards_served.add(WardFactory())
            organisation.areas_of_work.add(AreaOfWorkFactory())
            services.organisation_update(acting_user=organisation_officer(), organisation=organisation, changes={"phone": f"01632 96000{number}"})
            kept_twin = OrganisationFactory()
            services.organisation_merge(acting_user=organisation_officer(), kept=organisation, merged=kept_twin, reason="Same")

    assert_queries_independent_of_size(officer_client, url(organisation), grow)


def _agreements_and_other_funders_grants(organisation, *, agreements, grants, start):
    """Agreements with the organisation, and grants to it from four other funders (every fifth grant only proposed, the rest
    confirmed)."""
    for number in range(start, start + agreements):
        AgreementFactory(organisation=organisation, start_date=datetime.date(2024, 4, 1) + datetime.timedelta(days=number))
    funders = [Funder.objects.get_or_create(org_id=f"GB-CHC-80000{number}", defaults={"name": f"Funder {number}"})[0] for number in range(4)]
    for number in range(start, start + grants):
        proposed = number % 5 == 4
        Grant.objects.create(
            identifier=f"360G-ORG-{number}",
            funder=funders[number % len(funders)],
            title=f"Grant {number}",
            amount_awarded=Decimal("500") + number,
            award_date=datetime.date(2025, 1, 1) + datetime.timedelta(days=number),
            recipient_name=organisation.name,
            organisation=organisation,
            match_status=MatchStatus.PROPOSED if proposed else MatchStatus.CONFIRMED,
            match_method=MatchMethod.NAME if proposed else MatchMethod.CHARITY_NUMBER,
        )


def test_page_queries_do_not_grow_with_agreements_and_other_funders_grants(organisation, officer_client):
    def grow(agreements, grants, start):
        return lambda: _agreements_and_other_funders_grants(organisation, agreements=agreements, grants=grants, start=start)

    grow(1, 1, 0)()
    # From one agreement to past the number the page shows, and 25 grants ("who else funds them" lists the latest ten,
    # totals by funder): the Agreements section reads its rows and their count in one query at any size.
    assert_queries_independent_of_size(officer_client, url(organisation), grow(ORGANISATION_AGREEMENTS_SHOWN + 4, 24, 1))
    assert organisation.agreements.count() == ORGANISATION_AGREEMENTS_SHOWN + 5 and organisation.other_funders_grants.count() == 25
    assert_queries_independent_of_size(officer_client, url(organisation), grow(21, 25, 200))

    text = visible_text(officer_client.get(url(organisation)).content)
    assert f"The {ORGANISATION_AGREEMENTS_SHOWN} most recent of 51 agreements." in text
    assert "Who else funds them" in text and "Funder 3" in text and "10 more grants may have gone to this organisation" in text


def organisation_officer():
    from lightbulb.accounts.models import User

    return User.objects.get(email="officer@example.org")


def test_missing_organisation_is_404(officer_client):
    assert officer_client.get("/organisations/999999/").status_code == 404


def test_history_page(organisation, officer_client):
    services.organisation_update(acting_user=organisation_officer(), organisation=organisation, changes={"name": "Riverside Food Hub"})
    text = visible_text(officer_client.get(url(organisation, "history")).content)
    assert "Riverside Food Bank" in text and "Riverside Food Hub" in text


# Adding and changing an organisation

VALID = {"name": "Hilltop Youth Club", "legal_form": "cio", "status": "active", "postcode": "at2 3bb", "is_vcse": "on"}


def test_create(officer_client):
    area = AreaOfWorkFactory(name="Young people")
    response = officer_client.post(
        "/organisations/add", {**VALID, "areas_of_work": [area.pk], "date_registered_0": "3", "date_registered_1": "4", "date_registered_2": "2019"}
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302 and response["Location"] == url(organisation)
    assert (organisation.postcode, organisation.date_registered) == ("AT2 3BB", datetime.date(2019, 4, 3))
    assert list(organisation.areas_of_work.all()) == [area]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the organisation's name"),
        ({"name": "   "}, "Enter the organisation's name"),
        ({"name": HOSTILE}, "without HTML tags"),
        ({"name": "x" * 301}, "300 characters or fewer"),
        ({"postcode": "not a postcode"}, "Enter a real postcode"),
        ({"postcode": FORMULA}, "Enter a real postcode"),
        ({"email": "nobody"}, "Enter an e-mail address in the right format"),
        ({"website": "javascript:alert(1)"}, "Enter a web address"),
        ({"phone": FORMULA}, "Enter a telephone number"),
        ({"legal_form": "pirate"}, "Choose a legal form from the list"),
        ({"status": "merged"}, "Choose a status from the list"),
        ({"date_registered_0": "31", "date_registered_1": "2", "date_registered_2": "2020"}, "must be a real date"),
        ({"date_registered_0": "1", "date_registered_1": "1", "date_registered_2": str(NEXT_YEAR)}, "today or in the past"),
        ({"wards_served": ["999999"]}, "Choose wards from the list"),
        ({"description": "x" * 5001}, "5,000 characters or fewer"),
    ],
)
def test_create_bad_input(officer_client, changes, message):
    response = officer_client.post("/organisations/add", {**VALID, **changes})
    text = visible_text(response.content)
    assert response.status_code == 200
    assert "There is a problem" in text and message in text
    assert not Organisation.objects.exists()
    # What was typed is kept.
    assert "Hilltop Youth Club" in response.content.decode() or changes.get("name") is not None


def test_edit_keeps_the_record_and_marks_human_edits(organisation, officer_client):
    form = visible_text(officer_client.get(url(organisation, "edit")).content)
    assert "Riverside Food Bank" in officer_client.get(url(organisation, "edit")).content.decode() and "Change Riverside Food Bank" in form
    response = officer_client.post(url(organisation, "edit"), {**VALID, "name": "Riverside Food Hub", "postcode": "AT1 1AA"})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Food Hub" and "legal_form" in organisation.human_edited_fields
    bad = officer_client.post(url(organisation, "edit"), {**VALID, "name": HOSTILE})
    assert "without HTML tags" in visible_text(bad.content)
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Food Hub"


def test_non_officers_cannot_write(organisation, client_for):
    for role in (Role.COUNCILLOR, Role.INVESTIGATOR, Role.ADMIN, Role.STAFF, Role.VCS):
        client = client_for(role)
        assert client.post("/organisations/add", VALID).status_code == 403
        assert client.post(url(organisation, "edit"), {**VALID, "name": "Hacked"}).status_code == 403
        assert client.post(url(organisation, "archive"), {"reason": "x"}).status_code == 403
        assert client.post(url(organisation, "identifiers/add"), {"value": "GB-CHC-1234567"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Food Bank" and not organisation.is_archived
    assert Organisation.objects.count() == 1 and OrganisationIdentifier.objects.count() == 1


def test_archive(organisation, officer_client):
    empty = officer_client.post(url(organisation, "archive"), {"reason": ""})
    assert "enter a reason" in visible_text(empty.content)
    assert officer_client.post(url(organisation, "archive"), {"reason": "x" * 2001}).status_code == 200
    response = officer_client.post(url(organisation, "archive"), {"reason": "Added twice"}, follow=True)
    text = visible_text(response.content)
    assert "has been archived" in text and "Added twice" in text
    assert "already archived" in visible_text(officer_client.get(url(organisation, "archive"), follow=True).content)


# Identifiers


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"value": ""}, "Enter an identifier"),
        ({"value": "1234567"}, "Choose which register"),
        ({"value": "GB-CHC-12"}, "charity number of 6 or 7 numbers"),
        ({"value": FORMULA, "scheme": "GB-CHC"}, "charity number"),
        ({"value": HOSTILE, "scheme": "GB-COH"}, "company number"),
        ({"value": "1" * 51}, "50 characters or fewer"),
        ({"value": "1234567", "scheme": "GB-XX"}, "Choose a register from the list"),
        ({"value": "gb-chc-1123456"}, "already recorded"),
    ],
)
def test_identifier_bad_input(organisation, officer_client, data, message):
    response = officer_client.post(url(organisation, "identifiers/add"), data)
    assert response.status_code == 200
    assert message in visible_text(response.content)
    assert organisation.identifiers.count() == 1


def test_identifier_add_warns_of_another_holder_and_remove(organisation, officer_client):
    other = OrganisationFactory(name="Riverside Foodbank")
    IdentifierFactory(organisation=other, scheme="GB-COH", value="01234567")
    response = officer_client.post(url(organisation, "identifiers/add"), {"value": "1234567", "scheme": "GB-COH"}, follow=True)
    assert "GB-COH-01234567 has been added. Riverside Foodbank also holds it" in visible_text(response.content)
    identifier = organisation.identifiers.get(scheme="GB-COH")
    confirm = officer_client.get(url(organisation, f"identifiers/{identifier.pk}/remove"))
    assert "Remove GB-COH-01234567?" in visible_text(confirm.content)
    officer_client.post(url(organisation, f"identifiers/{identifier.pk}/remove"))
    assert not organisation.identifiers.filter(scheme="GB-COH").exists()
    # Another organisation's identifier cannot be removed through this one.
    foreign = other.identifiers.get()
    assert officer_client.post(url(organisation, f"identifiers/{foreign.pk}/remove")).status_code == 404


# Contacts

CONTACT = {
    "name": "Sam Secretary",
    "role": "Secretary",
    "email": "sam@example.org",
    "purpose": "Grant monitoring",
    "consent_given_on_0": "5",
    "consent_given_on_1": "1",
    "consent_given_on_2": "2026",
    "retain_until_0": "5",
    "retain_until_1": "1",
    "retain_until_2": str(NEXT_YEAR + 2),
}


def test_contact_add_edit_and_erase(organisation, officer_client, client_for):
    response = officer_client.post(url(organisation, "contacts/add"), CONTACT)
    assert response.status_code == 302
    contact = organisation.contacts.get(name="Sam Secretary")
    assert contact.retain_until == datetime.date(NEXT_YEAR + 2, 1, 5)
    officer_client.post(url(organisation, f"contacts/{contact.pk}/edit"), {**CONTACT, "role": "Chair"})
    contact.refresh_from_db()
    assert contact.role == "Chair"
    admin = client_for(Role.ADMIN)
    assert admin.post(url(organisation, f"contacts/{contact.pk}/erase"), {"reason": ""}).status_code == 200
    assert admin.post(url(organisation, f"contacts/{contact.pk}/erase"), {"reason": "Asked to be forgotten"}).status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert "Sam" not in str(list(AuditEvent.objects.values_list("object_repr", "summary", "changes")))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter the contact's name"),
        ({"name": HOSTILE}, "without HTML tags"),
        ({"purpose": ""}, "Enter why the council holds these details"),
        ({"purpose": "x" * 301}, "300 characters or fewer"),
        ({"email": "sam at example"}, "Enter an e-mail address in the right format"),
        ({"phone": FORMULA}, "Enter a telephone number"),
        ({"retain_until_0": "", "retain_until_1": "", "retain_until_2": ""}, "Enter the date to keep the details until"),
        ({"retain_until_2": "2020"}, "Keep until must be a date in the future"),
        ({"retain_until_1": "13"}, "Keep until must be a real date"),
        ({"retain_until_2": "3000"}, "within 25 years"),
        ({"consent_given_on_2": str(NEXT_YEAR)}, "today or in the past"),
        ({"consent_given_on_1": ""}, "must include a month"),
    ],
)
def test_contact_bad_input(organisation, officer_client, changes, message):
    response = officer_client.post(url(organisation, "contacts/add"), {**CONTACT, **changes})
    assert response.status_code == 200
    text = visible_text(response.content)
    assert "There is a problem" in text and message in text
    assert organisation.contacts.count() == 1


def test_councillors_never_reach_contacts(organisation, client_for):
    contact = organisation.contacts.get()
    councillor = client_for(Role.COUNCILLOR)
    assert councillor.get(url(organisation, f"contacts/{contact.pk}/edit")).status_code == 403
    assert councillor.post(url(organisation, f"contacts/{contact.pk}/erase"), {"reason": "x"}).status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()


# Merging through the pages


def test_merge_review_confirm_and_undo(officer_client):
    kept = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    merged = OrganisationFactory(name="Riverside Foodbank", postcode="AT1 1AA")
    IdentifierFactory(organisation=merged, scheme="GB-CHC", value="1123456")
    merge_url = f"/organisations/duplicates/{kept.pk}/{merged.pk}/merge"
    review = visible_text(officer_client.get(merge_url).content)
    assert "The two records side by side" in review and "GB-CHC-1123456" in review
    missing = visible_text(officer_client.post(merge_url, {"reason": "Same"}).content)
    assert "Choose which record to keep" in missing
    forged = visible_text(officer_client.post(merge_url, {"keep": "999999", "reason": "Same"}).content)
    assert "Choose one of the two records" in forged
    confirm = visible_text(officer_client.post(merge_url, {"keep": kept.pk, "reason": "Same charity number"}).content)
    assert "Check the merge" in confirm and "1 identifier(s)" in confirm
    assert not OrganisationMerge.objects.exists()
    done = officer_client.post(merge_url, {"keep": kept.pk, "reason": "Same charity number", "confirmed": "on"}, follow=True)
    assert "Riverside Foodbank has been merged into Riverside Food Bank" in visible_text(done.content)
    merged_page = visible_text(officer_client.get(url(merged)).content)
    assert "This record was merged into Riverside Food Bank" in merged_page
    assert f'href="/organisations/{kept.pk}/"' in officer_client.get(url(merged)).content.decode()
    merge = OrganisationMerge.objects.get()
    assert "Undo the merge of Riverside Foodbank" in visible_text(officer_client.get(f"/organisations/merges/{merge.pk}/undo").content)
    officer_client.post(f"/organisations/merges/{merge.pk}/undo")
    merged.refresh_from_db()
    assert merged.status == "active" and merged.identifiers.count() == 1
    assert officer_client.get(f"/organisations/merges/{merge.pk}/undo").status_code == 404


# Areas of work


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter a name for the area of work"),
        (HOSTILE, "without HTML tags"),
        ("x" * 101, "100 characters or fewer"),
        ("food", "already an area of work called food"),
    ],
)
def test_area_bad_input(officer_client, name, message):
    AreaOfWorkFactory(name="Food")
    response = officer_client.post("/organisations/areas-of-work/", {"name": name})
    assert response.status_code == 200 and message in visible_text(response.content)
    assert AreaOfWork.objects.count() == 1


def test_area_add_and_rename(officer_client):
    officer_client.post("/organisations/areas-of-work/", {"name": "  Older   people "})
    area = AreaOfWork.objects.get()
    assert area.name == "Older people"
    officer_client.post(f"/organisations/areas-of-work/{area.pk}/edit", {"name": "Older people and carers"})
    area.refresh_from_db()
    assert area.name == "Older people and carers"
    assert "Older people and carers" in visible_text(officer_client.get("/organisations/areas-of-work/").content)


def test_navigation_shows_organisations_to_readers_only(client_for):
    assert "Organisations" in visible_text(client_for(Role.COUNCILLOR).get("/").content)
    assert 'href="/organisations/"' not in client_for(Role.STAFF).get("/").content.decode()
