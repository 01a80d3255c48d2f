"""Duplicate detection: the same identifier on two records, or near-identical names at one postcode, found by a
background job over the whole register and stored for the dashboard and the review page."""

from __future__ import annotations

import pytest

from lightbulb.core.registry import registry
from lightbulb.core.roles import Role
from lightbulb.organisations import selectors, services, tasks
from lightbulb.organisations.duplicates import duplicate_candidates_refresh
from lightbulb.organisations.models import Organisation
from tests.factories import IdentifierFactory, OrganisationFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db


def test_same_identifier_on_two_records_is_found():
    first, second = OrganisationFactory(name="Alpha", postcode="AT1 1AA"), OrganisationFactory(name="Beta", postcode="AT5 5ZZ")
    IdentifierFactory(organisation=first, scheme="GB-CHC", value="1123456")
    IdentifierFactory(organisation=second, scheme="GB-CHC", value="1123456")
    IdentifierFactory(organisation=second, scheme="GB-COH", value="01123456")  # another scheme: not a match
    assert selectors.duplicate_pair_reasons() == {(first.pk, second.pk): ["Both hold GB-CHC-1123456"]}


def test_similar_names_at_one_postcode_are_found():
    first = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    second = OrganisationFactory(name="The Riverside Foodbank Ltd", postcode="AT1 1AA")
    OrganisationFactory(name="Riverside Food Bank", postcode="AT2 2BB")  # elsewhere
    OrganisationFactory(name="Hilltop Youth Club", postcode="AT1 1AA")  # different name
    found = selectors.duplicate_pair_reasons()
    assert list(found) == [(first.pk, second.pk)]
    assert "alike at AT1 1AA" in found[(first.pk, second.pk)][0]


def test_threshold_comes_from_settings(settings):
    OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    OrganisationFactory(name="Riverside Food Club", postcode="AT1 1AA")
    settings.DUPLICATE_NAME_SIMILARITY = 99
    assert duplicate_candidates_refresh() == 0
    assert selectors.duplicate_count() == 0
    settings.DUPLICATE_NAME_SIMILARITY = 80
    assert duplicate_candidates_refresh() == 1
    assert selectors.duplicate_count() == 1


def test_dismissed_merged_and_archived_records_are_left_out(users):
    officer = users[Role.OFFICER]
    a, b = OrganisationFactory(name="Same Name", postcode="AT1 1AA"), OrganisationFactory(name="Same Name", postcode="AT1 1AA")
    c, d = OrganisationFactory(name="Other Name", postcode="AT3 3CC"), OrganisationFactory(name="Other Name", postcode="AT3 3CC")
    e, f = OrganisationFactory(name="Third Name", postcode="AT4 4DD"), OrganisationFactory(name="Third Name", postcode="AT4 4DD")
    duplicate_candidates_refresh()
    assert selectors.duplicate_count() == 3
    # The dashboard counts one past its limit and no further.
    assert selectors.duplicate_count(up_to=1) == 2
    services.duplicate_dismiss(acting_user=officer, first=b, second=a, reason="Two branches")
    services.organisation_merge(acting_user=officer, kept=c, merged=d, reason="Same")
    services.organisation_archive(acting_user=officer, organisation=f, reason="Added in error")
    # Left out at once, before the next check; and the next check finds nothing new.
    assert selectors.duplicate_count() == 0
    duplicate_candidates_refresh()
    assert selectors.duplicate_count() == 0
    assert e.pk


def test_review_page_lists_pairs_with_reasons(officer_client):
    first = OrganisationFactory(name="Riverside Food Bank", postcode="AT1 1AA")
    second = OrganisationFactory(name="Riverside Foodbank", postcode="AT1 1AA")
    IdentifierFactory(organisation=first, scheme="GB-CHC", value="1123456")
    IdentifierFactory(organisation=second, scheme="GB-CHC", value="1123456")
    duplicate_candidates_refresh()
    text = visible_text(officer_client.get("/organisations/duplicates/").content)
    assert "1 possible duplicate" in text
    assert "Both hold GB-CHC-1123456" in text and "alike at AT1 1AA" in text


def test_dashboard_panel_counts_duplicates_for_officers_only(officer_client, client_for):
    OrganisationFactory(name="Same Name", postcode="AT1 1AA")
    OrganisationFactory(name="Same Name", postcode="AT1 1AA")
    duplicate_candidates_refresh()
    assert "1 possible duplicate pair of organisation records to review" in visible_text(officer_client.get("/").content)
    assert "possible duplicate" not in visible_text(client_for(Role.COUNCILLOR).get("/").content)


def test_dismiss_through_the_page(officer_client):
    a, b = OrganisationFactory(name="Same Name", postcode="AT1 1AA"), OrganisationFactory(name="Same Name", postcode="AT1 1AA")
    url = f"/organisations/duplicates/{a.pk}/{b.pk}/dismiss"
    duplicate_candidates_refresh()
    empty = officer_client.post(url, {"reason": ""})
    assert "enter a reason" in visible_text(empty.content)
    hostile = officer_client.post(url, {"reason": "<script>alert(1)</script>"})
    assert "without HTML tags" in visible_text(hostile.content)
    assert selectors.duplicate_count() == 1
    response = officer_client.post(url, {"reason": "Two branches with their own committees"})
    assert response.status_code == 302
    assert selectors.duplicate_count() == 0
    again = officer_client.post(url, {"reason": "Twice"}, follow=True)
    assert "already marked as different" in visible_text(again.content)


def test_pair_of_one_record_or_missing_record_is_404(officer_client):
    a = OrganisationFactory()
    assert officer_client.get(f"/organisations/duplicates/{a.pk}/{a.pk}/merge").status_code == 404
    assert officer_client.get(f"/organisations/duplicates/{a.pk}/999999/dismiss").status_code == 404


def test_pages_show_what_the_last_check_found_and_resolutions_at_once(officer_client, users):
    pairs = [(OrganisationFactory(name=f"Name {n}", postcode=f"AT{n} 1AA"), OrganisationFactory(name=f"Name {n}", postcode=f"AT{n} 1AA")) for n in (1, 2)]
    assert duplicate_candidates_refresh() == 2
    assert "2 possible duplicate pairs" in visible_text(officer_client.get("/").content)
    # A new pair shows once the background check has run again.
    OrganisationFactory(name="Name 3", postcode="AT3 1AA"), OrganisationFactory(name="Name 3", postcode="AT3 1AA")
    assert "2 possible duplicates" in visible_text(officer_client.get("/organisations/duplicates/").content)
    tasks.find_duplicates.call()
    assert "3 possible duplicate pairs" in visible_text(officer_client.get("/").content)
    assert "3 possible duplicates" in visible_text(officer_client.get("/organisations/duplicates/").content)
    # Resolving pairs is reflected at once: 3 pairs less 2 dismissed.
    for first, second in pairs:
        services.duplicate_dismiss(acting_user=users[Role.OFFICER], first=first, second=second, reason="Two branches")
    assert "1 possible duplicate pair of" in visible_text(officer_client.get("/").content)
    assert "1 possible duplicate" in visible_text(officer_client.get("/organisations/duplicates/").content)


def test_the_check_runs_daily_in_the_background():
    assert registry.daily_duties["organisations_find_duplicates"] is tasks.duplicates_enqueue


def test_the_review_page_pages_through_thousands_of_pairs(officer_client):
    for n in range(60):
        OrganisationFactory(name=f"Riverside Youth Club {n}", postcode="AT8 8HH")
    # 60 alike names at one postcode: far more pairs than one page holds.
    found = duplicate_candidates_refresh()
    assert found > 50
    text = visible_text(officer_client.get("/organisations/duplicates/").content)
    assert f"{found:,} possible duplicates" in text
    assert "Next" in text


def test_stored_pairs_keep_both_names_in_order_and_leave_out_records_gone_since(users):
    zebra = [OrganisationFactory(name="Zebra Crossing Club", postcode="AT1 1AA") for _ in range(2)]
    abbey = [OrganisationFactory(name="Abbey Pantry", postcode="AT2 2AA") for _ in range(2)]
    mill = [OrganisationFactory(name="Mill Lane Allotments", postcode="AT3 3AA") for _ in range(2)]
    assert duplicate_candidates_refresh() == 3
    listed = [(pair.first_name, pair.second_name) for pair in selectors.duplicate_candidates()]
    assert listed == [("Abbey Pantry", "Abbey Pantry"), ("Mill Lane Allotments", "Mill Lane Allotments"), ("Zebra Crossing Club", "Zebra Crossing Club")]
    # A record archived or merged away after the check: its pair is no longer offered (nor counted).
    services.organisation_archive(acting_user=users[Role.OFFICER], organisation=mill[1], reason="Closed")
    Organisation.objects.filter(pk=zebra[0].pk).update(status="merged")
    assert [pair.first_id for pair in selectors.duplicate_candidates()] == [abbey[0].pk]
    assert selectors.duplicate_count() == 1
