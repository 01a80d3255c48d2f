"""The register's services: every write audited, human corrections kept, merges reversible."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from lightbulb.accounts.models import Membership
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.core.rules import SystemActor
from lightbulb.organisations import services
from lightbulb.organisations.models import Contact, DuplicateDecision, Organisation, OrganisationIdentifier, OrganisationMerge, RegisterValue
from tests.factories import (
    AreaOfWorkFactory,
    ContactFactory,
    IdentifierFactory,
    MembershipFactory,
    OrganisationFactory,
    PostcodeFactory,
    UserFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 2, 1)
# Public register values arrive through an import, acting as the service itself.
REGISTER = SystemActor(label="Charity Commission")


@pytest.fixture
def officer(users):
    return users[Role.OFFICER]


def events(organisation, action):
    return AuditEvent.objects.filter(organisation_id=organisation.pk, action=action)


def test_create_normalises_sets_ward_and_audits(officer):
    ward = WardFactory(name="Riverside")
    PostcodeFactory(postcode="AT1 1AA", ward=ward)
    area = AreaOfWorkFactory(name="Food")
    organisation = services.organisation_create(acting_user=officer, name="  The Food Bank Ltd ", postcode="at11aa", areas_of_work=[area], wards_served=[ward])
    assert organisation.name == "The Food Bank Ltd"
    assert organisation.postcode == "AT1 1AA"
    assert organisation.ward == ward
    assert organisation.name_key == "food bank"
    assert list(organisation.areas_of_work.all()) == [area]
    assert set(organisation.human_edited_fields) == {"name", "postcode"}
    event = events(organisation, "organisation_create").get()
    assert event.actor == officer
    assert event.changes["areas_of_work"] == [None, ["Food"]]


def test_create_refuses_unknown_fields_and_bad_values(officer):
    with pytest.raises(ValueError, match="Unknown organisation fields: colour"):
        services.organisation_create(acting_user=officer, name="A", colour="red")
    with pytest.raises(ValidationError):
        services.organisation_create(acting_user=officer, name="A", legal_form="pirate ship")
    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


def test_update_records_only_real_changes_and_marks_them_human(officer):
    organisation = OrganisationFactory(name="Old Name", postcode="")
    assert services.organisation_update(acting_user=officer, organisation=organisation, changes={"name": "Old Name"}) == {}
    assert not events(organisation, "organisation_update").exists()
    delta = services.organisation_update(acting_user=officer, organisation=organisation, changes={"name": "New Name", "phone": "01632 960001"})
    assert delta == {"name": ["Old Name", "New Name"], "phone": ["", "01632 960001"]}
    organisation.refresh_from_db()
    assert {"name", "phone"} <= set(organisation.human_edited_fields)
    assert events(organisation, "organisation_update").get().changes["name"] == ["Old Name", "New Name"]


def test_update_moves_the_ward_with_the_postcode(officer):
    first, second = WardFactory(), WardFactory()
    PostcodeFactory(postcode="AT1 1AA", ward=first)
    PostcodeFactory(postcode="AT2 2BB", ward=second)
    organisation = services.organisation_create(acting_user=officer, name="Movers", postcode="AT1 1AA")
    services.organisation_update(acting_user=officer, organisation=organisation, changes={"postcode": "at2 2bb"})
    organisation.refresh_from_db()
    assert (organisation.postcode, organisation.ward) == ("AT2 2BB", second)


def test_register_values_sit_beside_and_never_overwrite_human_edits(officer):
    organisation = services.organisation_create(acting_user=officer, name="Riverside Food Bank")
    delta = services.register_values_record(
        acting_user=REGISTER,
        source="Charity Commission",
        organisation=organisation,
        values={"name": "RIVERSIDE FOOD BANK CIO", "website": "https://riverside.example", "latest_income": "12500.50", "charity_type": "CIO"},
        as_of=AS_OF,
    )
    organisation.refresh_from_db()
    # The typed name stays; untouched fields take the register's value.
    assert organisation.name == "Riverside Food Bank"
    assert organisation.website == "https://riverside.example"
    assert str(organisation.latest_income) == "12500.50"
    assert set(delta) == {"website", "latest_income"}
    stored = {row.field: row.value for row in RegisterValue.objects.filter(organisation=organisation, source="Charity Commission")}
    assert stored == {"name": "RIVERSIDE FOOD BANK CIO", "website": "https://riverside.example", "latest_income": "12500.50", "charity_type": "CIO"}
    event = events(organisation, "register_values_record").get()
    assert event.actor is None and event.actor_label == "Charity Commission"
    assert "name" not in event.changes


def test_register_values_after_a_person_corrects_a_field(officer):
    organisation = OrganisationFactory(name="Hilltop", human_edited_fields=[])
    services.register_values_record(acting_user=REGISTER, source="Companies House", organisation=organisation, values={"phone": "01632 000000"}, as_of=AS_OF)
    services.organisation_update(acting_user=officer, organisation=organisation, changes={"phone": "01632 960001"})
    services.register_values_record(
        acting_user=REGISTER, source="Companies House", organisation=organisation, values={"phone": "01632 111111"}, as_of=AS_OF + datetime.timedelta(days=30)
    )
    organisation.refresh_from_db()
    assert organisation.phone == "01632 960001"
    row = RegisterValue.objects.get(organisation=organisation, field="phone")
    assert (row.value, row.as_of) == ("01632 111111", AS_OF + datetime.timedelta(days=30))


def test_unchanged_register_values_write_nothing():
    organisation = OrganisationFactory(name="Same", human_edited_fields=[])
    services.register_values_record(acting_user=REGISTER, source="OSCR", organisation=organisation, values={"email": "a@example.org"}, as_of=AS_OF)
    count = AuditEvent.objects.count()
    assert services.register_values_record(acting_user=REGISTER, source="OSCR", organisation=organisation, values={"email": "a@example.org"}, as_of=AS_OF) == {}
    assert AuditEvent.objects.count() == count


def test_register_name_change_updates_the_search_key():
    organisation = OrganisationFactory(name="Old", human_edited_fields=[])
    services.register_values_record(acting_user=REGISTER, source="Charity Commission", organisation=organisation, values={"name": "The New Trust"}, as_of=AS_OF)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.name_key) == ("The New Trust", "new")


def test_archive_needs_a_reason_and_is_audited(officer):
    organisation = OrganisationFactory()
    with pytest.raises(ValidationError):
        services.organisation_archive(acting_user=officer, organisation=organisation, reason="  ")
    services.organisation_archive(acting_user=officer, organisation=organisation, reason="Added twice by mistake")
    organisation.refresh_from_db()
    assert organisation.is_archived and organisation.archived_by == officer
    assert events(organisation, "organisation_archive").get().summary == "Archived: Added twice by mistake"
    with pytest.raises(ValidationError):
        services.organisation_archive(acting_user=officer, organisation=organisation, reason="Again")


def test_identifiers_are_normalised_once_per_record_and_audited(officer):
    organisation = OrganisationFactory()
    identifier = services.identifier_add(acting_user=officer, organisation=organisation, raw="gb coh 1234567")
    assert identifier.org_id == "GB-COH-01234567"
    with pytest.raises(ValidationError, match="already recorded"):
        services.identifier_add(acting_user=officer, organisation=organisation, raw="1234567", scheme="GB-COH")
    services.identifier_remove(acting_user=officer, identifier=identifier)
    assert not organisation.identifiers.exists()
    assert [e.action for e in AuditEvent.objects.filter(organisation_id=organisation.pk).order_by("id")] == ["identifier_add", "identifier_remove"]


def test_contact_erase_leaves_no_personal_data(officer):
    contact = services.contact_create(
        acting_user=officer,
        organisation=OrganisationFactory(),
        name="Jane Example",
        role="Chair",
        email="jane@example.org",
        phone="",
        purpose="Grant monitoring",
        consent_given_on=datetime.date(2026, 1, 5),
        retain_until=datetime.date(2029, 1, 5),
    )
    services.contact_update(acting_user=officer, contact=contact, changes={"email": "jane.e@example.org"})
    contact_id = contact.pk
    services.contact_erase(acting_user=officer, contact=contact, reason="She asked us to")
    assert not Contact.objects.filter(pk=contact_id).exists()
    assert not Contact.history.filter(id=contact_id).exists()
    trail = " ".join(f"{e.object_repr} {e.summary} {e.changes}" for e in AuditEvent.objects.all())
    assert "Jane" not in trail and "jane" not in trail
    assert AuditEvent.objects.filter(action="contact_erase", object_repr="Erased contact").exists()


def test_contact_needs_purpose_and_keep_until(officer):
    with pytest.raises(ValidationError):
        services.contact_create(acting_user=officer, organisation=OrganisationFactory(), name="No Purpose", purpose="", retain_until=None)
    assert not Contact.objects.exists()


def test_areas_of_work_are_unique_and_renamed_with_audit(officer):
    area = services.area_of_work_create(acting_user=officer, name=" Food ")
    with pytest.raises(ValidationError):
        services.area_of_work_create(acting_user=officer, name="Food")
    services.area_of_work_rename(acting_user=officer, area=area, name="Food and nutrition")
    area.refresh_from_db()
    assert area.name == "Food and nutrition"
    assert AuditEvent.objects.filter(action="area_of_work_rename").get().changes == {"name": ["Food", "Food and nutrition"]}


def test_dismissing_a_pair_records_it_once_in_order(officer):
    first, second = OrganisationFactory(), OrganisationFactory()
    decision = services.duplicate_dismiss(acting_user=officer, first=second, second=first, reason="Different branches")
    assert (decision.first, decision.second) == (first, second)
    with pytest.raises(ValidationError):
        services.duplicate_dismiss(acting_user=officer, first=first, second=second, reason="Again")
    assert DuplicateDecision.objects.count() == 1
    assert events(first, "duplicate_dismiss").exists() and events(second, "duplicate_dismiss").exists()


def _merge_world():
    wards = [WardFactory() for _ in range(3)]
    areas = [AreaOfWorkFactory() for _ in range(3)]
    kept = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    merged = OrganisationFactory(name="Riverside Foodbank", postcode="AT1 1AA", status="dormant", phone="01632 960002")
    shared_user = UserFactory(role=Role.VCS)
    IdentifierFactory(organisation=kept, scheme="GB-CHC", value="1123456")
    IdentifierFactory(organisation=merged, scheme="GB-CHC", value="1123456")  # already on kept: stays
    IdentifierFactory(organisation=merged, scheme="GB-COH", value="01234567")
    ContactFactory(organisation=merged)
    ContactFactory(organisation=merged)
    MembershipFactory(organisation=kept, user=shared_user)
    MembershipFactory(organisation=merged, user=shared_user)  # already a member of kept: stays
    MembershipFactory(organisation=merged)
    kept.wards_served.set(wards[:2])
    merged.wards_served.set(wards[1:])
    kept.areas_of_work.set(areas[:1])
    merged.areas_of_work.set(areas)
    return kept, merged


def _state(*organisations):
    """Every row that a merge may move, by organisation."""
    return {
        organisation.pk: {
            "identifiers": sorted(OrganisationIdentifier.objects.filter(organisation=organisation).values_list("pk", flat=True)),
            "contacts": sorted(Contact.objects.filter(organisation=organisation).values_list("pk", flat=True)),
            "memberships": sorted(Membership.objects.filter(organisation=organisation).values_list("pk", flat=True)),
            "wards": sorted(organisation.wards_served.values_list("pk", flat=True)),
            "areas": sorted(organisation.areas_of_work.values_list("pk", flat=True)),
            "fields": Organisation.objects.filter(pk=organisation.pk).values("name", "status", "phone", "postcode", "merged_into_id").get(),
        }
        for organisation in organisations
    }


def test_merge_moves_everything_and_undo_restores_it_exactly(officer):
    kept, merged = _merge_world()
    before = _state(kept, merged)
    merge = services.organisation_merge(acting_user=officer, kept=kept, merged=merged, reason="Same charity number")
    merged.refresh_from_db()
    assert merged.status == "merged" and merged.merged_into == kept
    after = _state(kept, merged)
    assert after[merged.pk]["identifiers"] == [i.pk for i in OrganisationIdentifier.objects.filter(organisation=merged, scheme="GB-CHC")]
    assert after[merged.pk]["contacts"] == [] and len(after[kept.pk]["contacts"]) == 2
    assert len(after[kept.pk]["memberships"]) == 2 and len(after[merged.pk]["memberships"]) == 1
    assert len(after[kept.pk]["wards"]) == 3 and after[merged.pk]["wards"] == []
    assert len(after[kept.pk]["areas"]) == 3 and after[merged.pk]["areas"] == []
    assert merge.merged_snapshot["status"] == "dormant"
    assert events(kept, "organisation_merge").exists() and events(merged, "organisation_merge").exists()

    services.organisation_merge_undo(acting_user=officer, merge=merge)
    assert _state(kept, merged) == before
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == officer
    assert events(kept, "organisation_merge_undo").exists() and events(merged, "organisation_merge_undo").exists()
    with pytest.raises(ValidationError, match="already been undone"):
        services.organisation_merge_undo(acting_user=officer, merge=merge)


def test_undo_keeps_what_was_added_to_the_kept_record_since(officer):
    kept, merged = _merge_world()
    merge = services.organisation_merge(acting_user=officer, kept=kept, merged=merged, reason="Same")
    later = ContactFactory(organisation=kept)
    services.organisation_merge_undo(acting_user=officer, merge=merge)
    later.refresh_from_db()
    assert later.organisation == kept


def test_merge_refuses_nonsense(officer):
    kept, merged = _merge_world()
    with pytest.raises(ValidationError):
        services.organisation_merge(acting_user=officer, kept=kept, merged=kept, reason="Same")
    with pytest.raises(ValidationError):
        services.organisation_merge(acting_user=officer, kept=kept, merged=merged, reason=" ")
    services.organisation_merge(acting_user=officer, kept=kept, merged=merged, reason="Same")
    with pytest.raises(ValidationError, match="already been merged"):
        services.organisation_merge(acting_user=officer, kept=OrganisationFactory(), merged=merged, reason="Again")
    assert OrganisationMerge.objects.count() == 1


def test_undo_waits_for_a_later_merge_of_the_kept_record(officer):
    kept, merged = _merge_world()
    first = services.organisation_merge(acting_user=officer, kept=kept, merged=merged, reason="Same")
    services.organisation_merge(acting_user=officer, kept=OrganisationFactory(), merged=kept, reason="Same again")
    with pytest.raises(ValidationError, match="undo that merge first"):
        services.organisation_merge_undo(acting_user=officer, merge=first)
