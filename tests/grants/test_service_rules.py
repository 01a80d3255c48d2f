"""The grants services, called directly: imports (the system) and officers load grants; only officers confirm or reject a match."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from lightbulb.core.roles import Role
from lightbulb.grants import services
from lightbulb.grants.models import Funder, Grant, MatchMethod, MatchStatus
from tests.factories import OrganisationFactory
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db

WATCHED = [Grant, Funder]


def row(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "identifier": "360G-T-1",
        "funder_org_id": "GB-CHC-1",
        "funder_name": "Anytown Trust",
        "amount_awarded": Decimal("1250"),
        "award_date": datetime.date(2024, 5, 15),
        "currency": "GBP",
        "recipient_name": "Riverside Food Bank",
    }
    return {**values, **changes}


@pytest.fixture
def w(users, own_organisation, other_organisation):
    funder = Funder.objects.create(org_id="GB-CHC-2", name="Other Trust")
    grant = Grant.objects.create(
        identifier="360G-T-0",
        funder=funder,
        amount_awarded=Decimal("500"),
        award_date=datetime.date(2024, 1, 1),
        recipient_name="Riverside Food Bank",
        organisation=own_organisation,
        match_status=MatchStatus.PROPOSED,
        match_method=MatchMethod.NAME,
        match_score=90,
    )
    return SimpleNamespace(users=users, outsider=other_organisation.memberships.get().user, grant=grant, organisation=own_organisation)


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "grant_bulk_upsert": (lambda w, a: services.grant_bulk_upsert(acting_user=a, rows=[row()]), ("system", "officer")),
    "grant_match_confirm": (lambda w, a: services.grant_match_confirm(acting_user=a, grant=w.grant), ("officer",)),
    "grant_match_reject": (lambda w, a: services.grant_match_reject(acting_user=a, grant=w.grant), ("officer",)),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (row(identifier=" "), "identifier", "Grant 1: The grant has no identifier"),
        (row(amount_awarded=None), "amount_awarded", "Grant 1: The amount awarded is missing or not a number"),
        (row(amount_awarded=Decimal("1e15")), "amount_awarded", "Grant 1: The amount awarded is too large to be real"),
        (row(award_date="2024-05-15"), "award_date", "Grant 1: The award date is missing or not a date"),
        (row(currency="pounds"), "currency", "Grant 1: The currency is not a three-letter code such as GBP"),
        (row(funder_name=""), "funder_name", "Grant 1: The funding organisation has no name"),
    ],
)
def test_each_rule_the_import_checks_is_the_services_too(w, values, field, message):
    officer = w.users[Role.OFFICER]
    assert_invalid(lambda: services.grant_bulk_upsert(acting_user=officer, rows=[values]), field, message, WATCHED)


def test_the_same_grant_twice_in_one_load_is_refused(w):
    officer = w.users[Role.OFFICER]
    assert_invalid(lambda: services.grant_bulk_upsert(acting_user=officer, rows=[row(), row()]), "identifier", "A grant is listed more than once", WATCHED)


def test_confirming_needs_an_organisation_and_rejecting_needs_a_link(w):
    officer = w.users[Role.OFFICER]
    services.grant_match_reject(acting_user=officer, grant=w.grant)
    w.grant.refresh_from_db()
    assert (w.grant.organisation, w.grant.match_status) == (None, MatchStatus.REJECTED)
    assert_invalid(
        lambda: services.grant_match_confirm(acting_user=officer, grant=w.grant), "organisation", "Choose the organisation this grant went to", WATCHED
    )
    assert_invalid(
        lambda: services.grant_match_reject(acting_user=officer, grant=w.grant),
        "organisation",
        "This grant is not linked to an organisation, so there is nothing to reject",
        WATCHED,
    )
    archived = OrganisationFactory(name="Gone", archived_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
    assert_invalid(
        lambda: services.grant_match_confirm(acting_user=officer, grant=w.grant, organisation=archived),
        "organisation",
        "Choose an organisation on the register",
        WATCHED,
    )
    services.grant_match_confirm(acting_user=officer, grant=w.grant, organisation=w.organisation)
    w.grant.refresh_from_db()
    assert (w.grant.organisation, w.grant.match_status, w.grant.match_method) == (w.organisation, MatchStatus.CONFIRMED, MatchMethod.OFFICER)
