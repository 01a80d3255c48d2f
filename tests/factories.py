"""factory-boy factories for every model the tests build."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from lightbulb.accounts.models import Membership, User
from lightbulb.core.roles import Role
from lightbulb.organisations.models import Organisation, OrganisationClaim, OrganisationIdentifier, ProfileChange
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    role = Role.OFFICER
    password = factory.django.Password(PASSWORD)


class CouncilFactory(DjangoModelFactory):
    class Meta:
        model = Council

    name = "Anytown Council"
    gss_code = "E06000999"
    org_id = "GB-LAE-ANY"


class LocalityFactory(DjangoModelFactory):
    class Meta:
        model = Locality

    name = factory.Sequence(lambda n: f"Locality {n}")


class WardFactory(DjangoModelFactory):
    class Meta:
        model = Ward

    gss_code = factory.Sequence(lambda n: f"E05{n:06d}")
    name = factory.Sequence(lambda n: f"Ward {n}")


class CouncillorFactory(DjangoModelFactory):
    class Meta:
        model = Councillor

    name = factory.Sequence(lambda n: f"Councillor {n}")
    ward = factory.SubFactory(WardFactory)
    party = "Independent"
    term_start = datetime.date(2024, 5, 2)


class PostcodeFactory(DjangoModelFactory):
    class Meta:
        model = Postcode

    postcode = factory.Sequence(lambda n: f"AT{n % 90 + 1} {n % 9}AA")
    ward = factory.SubFactory(WardFactory)


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community Group {n}")
    postcode = "AT1 1AA"


class IdentifierFactory(DjangoModelFactory):
    class Meta:
        model = OrganisationIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    scheme = "GB-CHC"
    value = factory.Sequence(lambda n: f"{1100000 + n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, role=Role.VCS)
    organisation = factory.SubFactory(OrganisationFactory)


class OrganisationClaimFactory(DjangoModelFactory):
    """A pending claim to act for an existing organisation (set organisation=None and proposed_name for a proposal)."""

    class Meta:
        model = OrganisationClaim

    user = factory.SubFactory(UserFactory, role=Role.VCS)
    organisation = factory.SubFactory(OrganisationFactory)
    role_in_organisation = "Trustee"
    evidence = "Listed as a trustee on the Charity Commission register"


class ProfileChangeFactory(DjangoModelFactory):
    class Meta:
        model = ProfileChange

    organisation = factory.SubFactory(OrganisationFactory)
    changed_by = factory.SubFactory(UserFactory, role=Role.VCS)
    changes = factory.LazyFunction(lambda: {"phone": ["", "01632 960001"]})


class AreaOfWorkFactory(DjangoModelFactory):
    class Meta:
        model = "organisations.AreaOfWork"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area of work {n}")


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = "organisations.Contact"

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Contact Person {n}")
    role = "Treasurer"
    email = factory.Sequence(lambda n: f"contact{n}@example.org")
    purpose = "To contact the organisation about council funding"
    consent_given_on = datetime.date(2025, 1, 6)
    retain_until = datetime.date(2030, 1, 6)


class RegisterValueFactory(DjangoModelFactory):
    class Meta:
        model = "organisations.RegisterValue"

    organisation = factory.SubFactory(OrganisationFactory)
    source = "Charity Commission"
    field = "name"
    value = factory.Sequence(lambda n: f"Registered Name {n}")
    as_of = datetime.date(2026, 1, 31)


class ProportionalityTierFactory(DjangoModelFactory):
    class Meta:
        model = "funding.ProportionalityTier"

    name = factory.Sequence(lambda n: f"Tier {n}")
    min_value = 0
    max_value = None
    risk_level = "low"
    required_checks = factory.LazyFunction(lambda: ["bank_details", "governing_document"])
    monitoring_every_months = 12
    advance_payment_allowed = True


class AgreementFactory(DjangoModelFactory):
    """A planned grant; pass status=... to start elsewhere in the life-cycle."""

    class Meta:
        model = "funding.Agreement"

    reference = factory.Sequence(lambda n: f"AGR-2025-{n:04d}")
    title = factory.Sequence(lambda n: f"Community support grant {n}")
    kind = "grant"
    organisation = factory.SubFactory(OrganisationFactory)
    accountable_officer = factory.SubFactory(UserFactory, role=Role.OFFICER)
    department = "Communities"
    budget_line = "CC-1234"
    purpose = "Running a weekly community café"
    amount = Decimal("12000.00")
    start_date = datetime.date(2025, 4, 1)
    end_date = datetime.date(2026, 3, 31)
    procurement_route = "direct_grant"
    risk_level = "low"
    payment_basis = "arrears"
    reporting_every_months = 3
    status = "planned"


class ConditionFactory(DjangoModelFactory):
    class Meta:
        model = "funding.Condition"

    agreement = factory.SubFactory(AgreementFactory)
    kind = "kpi"
    description = factory.Sequence(lambda n: f"People supported each quarter {n}")
    target = 100
    unit = "people"


class DueDiligenceRecordFactory(DjangoModelFactory):
    class Meta:
        model = "funding.DueDiligenceRecord"

    agreement = factory.SubFactory(AgreementFactory)
    check_code = "bank_details"
    completed_by = factory.SubFactory(UserFactory, role=Role.OFFICER)
    # Recent, so the check has not expired (CHECK_VALID_MONTHS in funding/selectors/tiers.py).
    completed_on = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=30))
    note = "Seen"
