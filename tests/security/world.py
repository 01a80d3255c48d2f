"""The objects the permission matrix probes: one of each kind, with an owner, a member and an outsider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lightbulb.core.roles import Role
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory


@dataclass
class World:
    users: dict[str, Any]
    organisation: Any  # the `vcs` user's own organisation
    other_organisation: Any  # belongs to `vcs_other`
    extra: dict[str, Any] = field(default_factory=dict)


# Modules add builders here: callable(world) -> None, filling world.extra.
BUILDERS: list[Any] = []


def _portal_objects(world: World) -> None:
    """A pending claim and a profile change for the officers' claim pages, and an organisation nobody has claimed."""
    from tests.factories import OrganisationClaimFactory, ProfileChangeFactory

    world.extra["unclaimed_organisation"] = OrganisationFactory(name="Matrix Unclaimed Organisation")
    world.extra["claim"] = OrganisationClaimFactory(user=world.users["vcs_other"], organisation=world.organisation)
    world.extra["profile_change"] = ProfileChangeFactory(organisation=world.organisation, changed_by=world.users["vcs"])


BUILDERS.append(_portal_objects)


def _register_objects(world: World) -> None:
    """An identifier, a contact, an area of work and an undoable merge for the register's routes."""
    from lightbulb.organisations import services
    from tests.factories import AreaOfWorkFactory, ContactFactory, IdentifierFactory

    world.extra["identifier"] = IdentifierFactory(organisation=world.organisation)
    world.extra["contact"] = ContactFactory(organisation=world.organisation)
    world.extra["area"] = AreaOfWorkFactory(name="Matrix area of work")
    kept = OrganisationFactory(name="Matrix Kept Organisation")
    merged = OrganisationFactory(name="Matrix Merged Organisation")
    world.extra["merge"] = services.organisation_merge(acting_user=world.users["officer"], kept=kept, merged=merged, reason="The same charity")


BUILDERS.append(_register_objects)


def _places_objects(world: World) -> None:
    """A ward with a councillor, a locality and a finished import run for the places and imports routes."""
    from lightbulb.imports.models import ImportRun
    from tests.factories import CouncillorFactory, LocalityFactory, WardFactory

    world.extra["locality"] = LocalityFactory(name="Matrix Locality")
    world.extra["ward"] = WardFactory(name="Matrix Ward", locality=world.extra["locality"])
    world.extra["councillor"] = CouncillorFactory(name="Matrix Councillor", ward=world.extra["ward"])
    world.extra["import_run"] = ImportRun.objects.create(source="wards", filename="wards.csv", status=ImportRun.Status.SUCCEEDED)


BUILDERS.append(_places_objects)


def _agreement_objects(world: World) -> None:
    """An agreement for each organisation, a condition and a proportionality tier for the funding routes."""
    from tests.factories import AgreementFactory, ConditionFactory, ProportionalityTierFactory

    officer = world.users["officer"]
    world.extra["agreement"] = AgreementFactory(organisation=world.organisation, accountable_officer=officer, title="Matrix own agreement")
    world.extra["other_agreement"] = AgreementFactory(organisation=world.other_organisation, accountable_officer=officer, title="Matrix other agreement")
    world.extra["condition"] = ConditionFactory(agreement=world.extra["agreement"])
    world.extra["tier"] = ProportionalityTierFactory(name="Matrix tier", min_value=900_000_000, risk_level="high")


BUILDERS.append(_agreement_objects)


def _returns_payments_objects(world: World) -> None:
    """A live agreement with a due return, a submitted one with a file, scheduled and paid payments, and a calendar token."""
    import datetime

    from django.core.files.uploadedfile import SimpleUploadedFile

    from lightbulb.core.deadlines import user_calendar_token_reset
    from lightbulb.funding.models import ReturnAttachment
    from tests.factories import AgreementFactory
    from tests.funding.factories_returns import PDF_BYTES, MonitoringReturnFactory, PaymentFactory

    officer = world.users["officer"]
    agreement = AgreementFactory(organisation=world.organisation, accountable_officer=officer, status="live", title="Matrix returns agreement")
    world.extra["returns_agreement"] = agreement
    world.extra["due_return"] = MonitoringReturnFactory(agreement=agreement)
    submitted = MonitoringReturnFactory(
        agreement=agreement, period_start=datetime.date(2025, 7, 1), period_end=datetime.date(2025, 9, 30), status="submitted", narrative="Matrix narrative"
    )
    world.extra["submitted_return"] = submitted
    world.extra["return_attachment"] = ReturnAttachment.objects.create(
        monitoring_return=submitted,
        file=SimpleUploadedFile("matrix.pdf", PDF_BYTES),
        original_name="matrix.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
        uploaded_by=world.users["vcs"],
    )
    world.extra["scheduled_payment"] = PaymentFactory(agreement=agreement)
    world.extra["paid_payment"] = PaymentFactory(agreement=agreement, status="paid", paid_on=datetime.date(2025, 7, 10))
    world.extra["calendar_token"] = user_calendar_token_reset(user=officer, acting_user=officer)


BUILDERS.append(_returns_payments_objects)


def _decommissioning_objects(world: World) -> None:
    """An agreement under review to start decommissioning, and one whose notice was issued to the `vcs` user's organisation."""
    import datetime

    from lightbulb.funding.models import Decommissioning
    from tests.factories import AgreementFactory

    world.extra["decommission_agreement"] = AgreementFactory(organisation=world.organisation, status="under_review", reference="MATRIX-DEC-1")
    issued = AgreementFactory(organisation=world.organisation, status="under_review", reference="MATRIX-DEC-2")
    today = datetime.date.today()
    world.extra["decommissioning"] = Decommissioning.objects.create(
        agreement=issued,
        stage=Decommissioning.Stage.NOTICE_ISSUED,
        reasons="Matrix reasons",
        impact_service_users="Matrix",
        impact_volunteers="Matrix",
        impact_staff="Matrix",
        impact_equality_groups="Matrix",
        alternative_providers="Matrix",
        mitigations="Matrix",
        exit_plan="Matrix",
        notice_date=today,
        funding_end_date=today + datetime.timedelta(days=120),
        response_due_date=today + datetime.timedelta(days=28),
        prepared_by=world.users["officer"],
    )
    from lightbulb.core.models import OrganisationMessage

    world.extra["message"] = OrganisationMessage.objects.create(
        organisation_id=world.organisation.pk,
        organisation_name=world.organisation.name,
        object_type="funding.decommissioning",
        object_id=str(world.extra["decommissioning"].pk),
        subject="Notice that funding will end",
        body="Matrix letter",
        route=OrganisationMessage.Route.POST,
    )


BUILDERS.append(_decommissioning_objects)


def _compact_objects(world: World) -> None:
    """A Compact with its commitments, and an open consultation the `vcs` user's organisation is invited to."""
    import datetime

    from lightbulb.compact import services

    compact = services.compact_create_default(acting_user=world.users["officer"])
    world.extra["commitment"] = compact.commitments.first()
    today = datetime.date.today()
    consultation = services.consultation_create(
        acting_user=world.users["officer"],
        data={
            "title": "Matrix consultation",
            "purpose": "Matrix",
            "start_date": today - datetime.timedelta(days=7),
            "end_date": today + datetime.timedelta(days=90),
        },
    )
    consultation.invited.add(world.organisation)
    world.extra["consultation"] = consultation


BUILDERS.append(_compact_objects)


def _module_builders() -> None:
    """Each later module keeps its builders in `tests/security/world_<module>.py`, appending to BUILDERS on import."""
    import importlib
    import pkgutil

    import tests.security as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda info: info.name):
        if info.name.startswith("world_"):
            importlib.import_module(f"tests.security.{info.name}")


def build_world() -> World:
    _module_builders()
    users = {role.value: UserFactory(role=role, email=f"{role.value}@matrix.example", full_name=f"Matrix {role.label}") for role in Role}
    users["vcs_other"] = UserFactory(role=Role.VCS, email="vcs-other@matrix.example", full_name="Matrix Outsider")
    organisation = OrganisationFactory(name="Matrix Own Organisation")
    other = OrganisationFactory(name="Matrix Other Organisation")
    MembershipFactory(user=users["vcs"], organisation=organisation)
    MembershipFactory(user=users["vcs_other"], organisation=other)
    world = World(users=users, organisation=organisation, other_organisation=other)
    for builder in BUILDERS:
        builder(world)
    return world
