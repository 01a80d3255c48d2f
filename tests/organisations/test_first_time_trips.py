"""Small things a first-time user trips on: a postcode search never becomes a new organisation's
name, and a postcode outside the council's area is flagged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, PostcodeFactory, WardFactory
from tests.helpers import visible_text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("searched", "expected"),
    [("at1 1aa", "?postcode=AT1+1AA"), ("Riverside Pantry", "?name=Riverside+Pantry"), ("1123456", '"')],
)
def test_proposing_after_a_search_carries_only_what_the_search_says(client_for, searched, expected):
    html = client_for("vcs").get(reverse("organisations:portal_claim_start"), {"q": searched}).content.decode()
    link = html[html.index(reverse("organisations:portal_propose")) :][:80]
    assert link.startswith(reverse("organisations:portal_propose") + expected), link


@pytest.mark.django_db
def test_the_proposal_form_puts_a_searched_postcode_in_the_postcode(client_for):
    html = client_for("vcs").get(reverse("organisations:portal_propose"), {"postcode": "AT1 1AA"}).content.decode()
    assert 'name="postcode" value="AT1 1AA"' in html.replace(' type="text"', "") or 'value="AT1 1AA"' in html
    assert 'name="name" value="AT1 1AA"' not in html


@pytest.mark.django_db
def test_an_organisation_with_a_postcode_outside_the_area_is_flagged(officer_client):
    inside = OrganisationFactory(postcode="AT1 1AA", ward=PostcodeFactory(postcode="AT1 1AA", ward=WardFactory(name="Abbey")).ward)
    outside = OrganisationFactory(postcode="ZZ9 9ZZ", ward=None)
    assert "Abbey" in visible_text(officer_client.get(reverse("organisations:detail", kwargs={"pk": inside.pk})).content)
    text = visible_text(officer_client.get(reverse("organisations:detail", kwargs={"pk": outside.pk})).content)
    assert "Not in the council's area: ZZ9 9ZZ is not in its postcode lookup" in text
