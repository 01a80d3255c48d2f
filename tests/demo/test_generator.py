"""The demo council generator: deterministic, consistent, and the size PRODUCT.md §4 asks for."""

from __future__ import annotations

import datetime
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from lightbulb.accounts.models import Membership, User
from lightbulb.compact.models import Commitment, Compact, Consultation, ConsultationResponse
from lightbulb.core.models import OrganisationMessage
from lightbulb.core.roles import Role
from lightbulb.demo import generator
from lightbulb.funding.models import (
    Agreement,
    AgreementTransition,
    Condition,
    Decommissioning,
    DueDiligenceRecord,
    MonitoringReturn,
    Payment,
    ReturnFigure,
    Variation,
)
from lightbulb.organisations.models import AreaOfWork, Contact, Organisation, OrganisationClaim, OrganisationIdentifier
from lightbulb.places.models import Council, Councillor, Locality, Postcode, Ward

TODAY = datetime.date(2026, 6, 1)
DEMO_EMAILS = {
    Role.OFFICER: "officer@anytown.example",
    Role.COUNCILLOR: "councillor@anytown.example",
    Role.INVESTIGATOR: "investigator@anytown.example",
    Role.ADMIN: "admin@anytown.example",
    Role.STAFF: "staff@anytown.example",
    Role.VCS: "vcs@anytown.example",
}


def snapshot() -> dict[str, list]:
    """What a seed decides, without database keys."""
    return {
        "wards": list(Ward.objects.order_by("gss_code").values_list("gss_code", "name", "locality__name")),
        "organisations": list(Organisation.objects.order_by("pk").values_list("name", "legal_form", "status", "postcode", "ward__gss_code", "latest_income")),
        "identifiers": list(OrganisationIdentifier.objects.order_by("organisation_id", "scheme").values_list("scheme", "value")),
        "councillors": list(Councillor.objects.order_by("pk").values_list("name", "party", "ward__gss_code")),
        "agreements": list(
            Agreement.objects.order_by("reference").values_list("reference", "title", "organisation__name", "status", "amount", "start_date", "end_date")
        ),
        "returns": list(
            MonitoringReturn.objects.order_by("agreement__reference", "period_start").values_list(
                "agreement__reference", "period_end", "due_date", "status", "entered_by_council", "review_note"
            )
        ),
        "payments": list(
            Payment.objects.order_by("agreement__reference", "due_date", "amount").values_list("agreement__reference", "status", "amount", "paid_on", "reason")
        ),
        "decommissionings": list(
            Decommissioning.objects.order_by("agreement__reference").values_list(
                "agreement__reference", "stage", "notice_date", "funding_end_date", "notice_sent_outside"
            )
        ),
        "variations": list(
            Variation.objects.order_by("agreement__reference", "approved_on").values_list(
                "agreement__reference", "changes", "approved_by", "approved_on", "is_reduction", "notice_date", "effective_date"
            )
        ),
        "messages": list(
            OrganisationMessage.objects.order_by("object_type", "subject", "created_at").values_list(
                "organisation_name", "subject", "body", "route", "recipients", "sent_at"
            )
        ),
        "consultations": list(Consultation.objects.order_by("start_date").values_list("title", "start_date", "end_date")),
    }


def wipe() -> None:
    from django.apps import apps

    # The later modules' records first, in each app's own order (newest models first): they refer to
    # agreements, organisations and wards, some through protected keys.
    for label in ("concerns", "engagement", "directory", "grants", "imports"):
        for model in reversed(list(apps.get_app_config(label).get_models())):
            model.objects.all().delete()
    for model in (
        OrganisationMessage,
        Variation,
        ConsultationResponse,
        Consultation,
        Commitment,
        Compact,
        Decommissioning,
        Payment,
        ReturnFigure,
        MonitoringReturn,
        DueDiligenceRecord,
        AgreementTransition,
        Condition,
        Agreement,
        OrganisationClaim,
        Membership,
        TOTPDevice,
        User,
        Contact,
        OrganisationIdentifier,
        Organisation,
        Councillor,
        Postcode,
        Ward,
        Locality,
        Council,
    ):
        model.objects.all().delete()


def generated_organisations():
    """The organisations the generator made: not the charity the demo's register extract adds (lightbulb/demo/imports.py)."""
    return Organisation.objects.exclude(identifiers__value=REGISTER_ADDED_CHARITY)


# The registered charity in the demo's Charity Commission extract that is new to the register.
REGISTER_ADDED_CHARITY = "1199001"


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_council_and_another_seed_a_different_one():
    generator.generate("tiny", 7, today=TODAY)
    first = snapshot()
    wipe()
    generator.generate("tiny", 7, today=TODAY)
    assert snapshot() == first
    wipe()
    generator.generate("tiny", 8, today=TODAY)
    other = snapshot()
    assert other["organisations"] != first["organisations"]
    assert other["identifiers"] != first["identifiers"]
    assert [name for _code, name, _locality in other["wards"]] != [name for _code, name, _locality in first["wards"]]


def the_council_scale_has_the_sizes_the_brief_asks_for(ctx: generator.DemoContext) -> None:
    """The council scale's sizes (checked in test_council_scale.py, which generates it once for every check)."""
    council = Council.objects.get()
    assert (council.name, council.gss_code, council.org_id, council.grant_prefix) == ("Anytown Council", "E06000999", "GB-LAE-ANY", "360G-anytown")
    assert Ward.objects.count() == 20
    assert Locality.objects.count() == 4
    assert generated_organisations().count() == 600
    assert Organisation.objects.filter(identifiers__value=REGISTER_ADDED_CHARITY).count() == 1
    assert AreaOfWork.objects.count() == len(generator.words.AREAS_OF_WORK)
    for ward in Ward.objects.all():
        assert 2 <= ward.councillors.count() <= 3
        assert ward.gss_code.startswith("E05") and len(ward.gss_code) == 9
    # Varied legal forms and statuses, contacts held with a purpose and retention date.
    assert Organisation.objects.values("legal_form").distinct().count() >= 8
    assert Organisation.objects.values("status").distinct().count() == 4
    assert Contact.objects.count() > 100
    assert not Contact.objects.filter(purpose="").exists()
    assert not Contact.objects.filter(retain_until__lte=TODAY).exists()
    assert Organisation.objects.filter(latest_income__isnull=False).count() > 300
    assert len(ctx.duplicate_pairs) == 6
    assert OrganisationClaim.objects.filter(status=OrganisationClaim.Status.PENDING).count() == 3
    _assert_duplicates_are_detectable(ctx)
    _assert_commissioning_at_council_scale()


def _assert_commissioning_at_council_scale() -> None:
    from lightbulb.funding.selectors.returns import overdue_q

    assert 1400 <= Agreement.objects.count() <= 1600
    funded = Agreement.objects.values("organisation").distinct().count()
    active = Organisation.objects.filter(status="active").count()
    assert 0.5 * active <= funded <= 0.7 * active
    mine = Agreement.objects.filter(accountable_officer__email=DEMO_EMAILS[Role.OFFICER])
    assert 60 <= mine.count() <= 120
    assert mine.filter(status="live").count() >= 10
    assert Agreement.objects.filter(amount__lte=500).exists()
    assert Agreement.objects.filter(amount__gte=1_000_000).exists()
    overdue = MonitoringReturn.objects.filter(overdue_q(TODAY), status=MonitoringReturn.Status.DUE)
    assert 15 <= overdue.count() <= 50
    assert overdue.filter(agreement__accountable_officer__email=DEMO_EMAILS[Role.OFFICER]).count() >= 3
    paid = Payment.objects.filter(status=Payment.Status.PAID)
    late = sum(1 for payment in paid.only("paid_on", "invoice_received_on", "due_date") if (payment.days_to_pay or 0) > 30)
    assert 0.02 <= late / paid.count() <= 0.08
    assert 3 <= Decommissioning.objects.count() <= 6  # with the notice a concern's termination issues
    assert 10 <= Consultation.objects.count() <= 14


def _assert_duplicates_are_detectable(ctx: generator.DemoContext) -> None:
    for original_pk, copy_pk, kind in ctx.duplicate_pairs:
        original, copy = Organisation.objects.get(pk=original_pk), Organisation.objects.get(pk=copy_pk)
        if kind == "same charity number":
            charity = original.identifiers.get(scheme="GB-CHC")
            assert copy.identifiers.filter(scheme="GB-CHC", value=charity.value).exists()
        else:
            assert copy.postcode == original.postcode
            assert copy.name != original.name or copy.pk != original.pk


def test_ward_names_are_invented_and_different():
    names = generator.ward_names(random.Random(1), 9000)
    assert len(set(names)) == 9000
    assert any(name.startswith("St ") for name in generator.ward_names(random.Random(1), 20))


@pytest.mark.django_db
def test_seed_demo_if_empty_keeps_the_data_and_without_it_refuses():
    call_command("seed_demo", "--scale", "tiny", "--seed", "3", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("seed_demo", "--scale", "tiny", "--seed", "4", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    assert snapshot() == before
    assert User.objects.filter(email__in=DEMO_EMAILS.values()).count() == 6
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_demo", "--scale", "tiny", "--seed", "4", stdout=io.StringIO())


def test_demo_signins_prints_the_address_every_role_and_the_password(db):
    out = io.StringIO()
    call_command("demo_signins", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/" in text
    for email in DEMO_EMAILS.values():
        assert email in text
    assert "anytown-demo-2026" in text
    for demo in generator.DEMO_USERS:
        if demo.totp_secret:
            assert demo.totp_secret in text
    # A new council account is not stuck: the terminal says where its invitation and enrolment code appear.
    assert "invitation e-mail printed here" in " ".join(text.split())
    assert "code e-mailed to it, which prints here too" in " ".join(text.split())


def test_the_demo_prints_a_new_accounts_enrolment_code_in_the_terminal(db, settings, capsys, tmp_path, django_capture_on_commit_callbacks):
    """`make run` sends e-mail through the development backend: the code a new officer needs shows on the console."""
    from lightbulb.accounts import services
    from lightbulb.accounts.models import AccountToken
    from tests.factories import UserFactory

    settings.EMAIL_BACKEND = "lightbulb.core.mail.DevelopmentEmailBackend"
    settings.VAR_DIR = tmp_path
    officer = UserFactory(role=Role.OFFICER, email="new.officer@anytown.example")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_code_send(acting_user=officer, user=officer)
    printed = capsys.readouterr().out
    assert "E-mail to new.officer@anytown.example: Your code to set up two-factor authentication" in printed
    code = printed.split("Your code is ", 1)[1].split()[0]
    assert len(code) == 6 and code.isdigit()
    assert AccountToken.objects.filter(user=officer, purpose="enrolment_code", used_at__isnull=True).exists()
    services.enrolment_code_verify(acting_user=officer, user=officer, code=code)
