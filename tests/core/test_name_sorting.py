"""Lists sorted by name file them as people do: case ignored, a leading "The", "An" or "A" left off."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_the_register_sorts_names_ignoring_case_and_leading_articles(officer_client):
    for name in ["The Abbey Trust", "abbey pantry", "Zest Café", "A Better Start", "Brook Lane Allotments"]:
        OrganisationFactory(name=name)
    html = officer_client.get(reverse("organisations:list") + "?sort=name").content.decode()
    names = re.findall(r'href="/organisations/\d+/">([^<]*)</a>', html)
    assert names == ["abbey pantry", "The Abbey Trust", "A Better Start", "Brook Lane Allotments", "Zest Café"]
    html = officer_client.get(reverse("organisations:list") + "?sort=-name").content.decode()
    assert re.findall(r'href="/organisations/\d+/">([^<]*)</a>', html)[0] == "Zest Café"
