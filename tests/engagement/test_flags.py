"""Each cross-referencing rule: raised with its reason in words and its evidence linked, dismissed with a reason,
raised again when its evidence changes, and resolved when the evidence goes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from lightbulb.engagement.flags.engine import flags_refresh
from lightbulb.engagement.models import Flag
from lightbulb.engagement.services.flags import flag_dismiss
from lightbulb.funding.models import Condition, MonitoringReturn, ReturnFigure
from tests.factories import AgreementFactory, OrganisationFactory, RegisterValueFactory, WardFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 1)


def live(organisation, **overrides):
    values = {"status": "live", "start_date": datetime.date(2026, 1, 1), "end_date": datetime.date(2026, 12, 31), "amount": Decimal("10000"), **overrides}
    return AgreementFactory(organisation=organisation, **values)


def refresh(*organisations):
    flags_refresh({organisation.pk for organisation in organisations} if organisations else None, TODAY)


def flag_of(organisation, rule):
    return Flag.objects.get(organisation=organisation, rule=rule)


def dismiss_and_change(organisation, rule, officer, change):
    """Dismiss the flag, recompute (still dismissed), change the evidence, recompute (raised again)."""
    flag = flag_of(organisation, rule)
    flag_dismiss(acting_user=officer, flag=flag, reason="Checked with the treasurer")
    refresh(organisation)
    assert flag_of(organisation, rule).status == "dismissed"
    change()
    refresh(organisation)
    again = flag_of(organisation, rule)
    assert again.status == "open" and again.times_raised_again == 1
    return again


def test_dependency_is_raised_explained_dismissed_and_raised_again(users):
    organisation = OrganisationFactory(name="Riverside Food Bank", latest_income=Decimal("16000"), latest_income_year_end=datetime.date(2026, 3, 31))
    agreement = live(organisation, amount=Decimal("12000"), reference="AGR-2026-0001")
    refresh(organisation)
    flag = flag_of(organisation, "dependency")
    assert flag.reason == (
        "Council funding of £12,000 a year is 75% of Riverside Food Bank's latest income of £16,000 (year ending 31 March 2026): "
        "above the 50% at which its independence is at risk."
    )
    assert {"label": "Agreement AGR-2026-0001", "route": "funding:agreement_detail", "pk": agreement.pk} in flag.evidence

    def income_falls():
        organisation.latest_income = Decimal("14000")
        organisation.save()

    assert "86%" in dismiss_and_change(organisation, "dependency", users[Role.OFFICER], income_falls).reason


def test_dependency_respects_the_configured_share(settings):
    settings.FLAG_DEPENDENCY_SHARE = "0.8"
    organisation = OrganisationFactory(latest_income=Decimal("16000"))
    live(organisation, amount=Decimal("12000"))
    refresh(organisation)
    assert not Flag.objects.filter(rule="dependency").exists()


def test_a_multi_year_agreement_counts_a_years_worth():
    organisation = OrganisationFactory(latest_income=Decimal("100000"))
    live(organisation, amount=Decimal("150000"), start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2027, 12, 31))
    refresh(organisation)
    assert not Flag.objects.filter(rule="dependency").exists()  # £50,000 a year is exactly half, not above it


def test_register_problem_while_an_agreement_is_live(users):
    organisation = OrganisationFactory(name="Hilltop Trust")
    live(organisation, reference="AGR-2026-0002")
    value = RegisterValueFactory(organisation=organisation, source="Charity Commission", field="register_status", value="Removed")
    refresh(organisation)
    flag = flag_of(organisation, "register")
    assert flag.reason == "While agreement AGR-2026-0002 is live, Charity Commission shows it as Removed."

    def accounts_also_overdue():
        RegisterValueFactory(organisation=organisation, source="Charity Commission", field="accounts_overdue", value="yes")

    again = dismiss_and_change(organisation, "register", users[Role.OFFICER], accounts_also_overdue)
    assert "accounts as overdue" in again.reason
    value.delete()
    organisation.register_values.all().delete()
    refresh(organisation)
    assert flag_of(organisation, "register").status == "resolved"


def test_no_register_flag_without_a_live_agreement():
    organisation = OrganisationFactory(status="dissolved")
    AgreementFactory(organisation=organisation, status="closed")
    refresh(organisation)
    assert not Flag.objects.filter(rule="register").exists()


def test_work_claimed_in_a_ward_without_recorded_activity(users):
    home, away, other = WardFactory(name="Riverside"), WardFactory(name="Meadow"), WardFactory(name="Uplands")
    organisation = OrganisationFactory(ward=home)
    agreement = live(organisation, reference="AGR-2026-0003")
    agreement.wards.set([home, away])
    refresh(organisation)
    flag = flag_of(organisation, "claimed_wards")
    assert flag.reason.startswith("Agreement AGR-2026-0003 says the work is in Meadow, where the organisation has no recorded activity")
    assert {"label": "Ward: Meadow", "route": "places:ward_detail", "pk": away.pk} in flag.evidence
    dismiss_and_change(organisation, "claimed_wards", users[Role.OFFICER], lambda: agreement.wards.add(other))
    organisation.wards_served.set([away, other])
    refresh(organisation)
    assert flag_of(organisation, "claimed_wards").status == "resolved"


def _return_with_people(agreement, value):
    condition = Condition.objects.create(agreement=agreement, kind="output", description="People given food parcels", target=100, unit="people")
    monitoring_return = MonitoringReturn.objects.create(
        agreement=agreement,
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 3, 31),
        due_date=datetime.date(2026, 4, 30),
        status="submitted",
    )
    return ReturnFigure.objects.create(monitoring_return=monitoring_return, condition=condition, value=Decimal(value))


def test_numbers_out_of_line_with_the_organisations_size(users):
    organisation = OrganisationFactory(latest_income=Decimal("5000"))
    figure = _return_with_people(live(organisation, reference="AGR-2026-0004"), "2500")
    refresh(organisation)
    flag = flag_of(organisation, "claimed_numbers")
    assert flag.reason == (
        "A return on agreement AGR-2026-0004 reports 2,500 people (People given food parcels): "
        "more than one for every £5 of the organisation's latest income of £5,000."
    )

    def more_people():
        figure.value = Decimal("4000")
        figure.save()

    dismiss_and_change(organisation, "claimed_numbers", users[Role.OFFICER], more_people)


def test_shared_address_trustee_and_bank_details_across_applicants(users):
    first = OrganisationFactory(name="Alpha Youth", address="1 High Street\nAnytown", postcode="AT1 1AA")
    second = OrganisationFactory(name="Beta Youth", address="1 high street, Anytown", postcode="AT1 1AA")
    third = OrganisationFactory(name="Gamma Arts", address="9 Low Road", postcode="AT2 2BB")
    for organisation in (first, second, third):
        AgreementFactory(organisation=organisation)
    RegisterValueFactory(organisation=first, field="trustees", value="Jane Smith; Tom Brown")
    RegisterValueFactory(organisation=third, field="trustees", value="JANE SMITH\nAmy Lee")
    RegisterValueFactory(organisation=second, source="Council finance system", field="bank_account", value="20-00-00 12345678")
    RegisterValueFactory(organisation=third, source="Council finance system", field="bank_account", value="200000 12345678")
    OrganisationFactory(name="Not an applicant", address="1 High Street", postcode="AT1 1AA")
    refresh()
    reasons = sorted(Flag.objects.filter(rule="shared_details").values_list("organisation__name", "reason"))
    assert reasons == [
        ("Alpha Youth", "Shares a trustee, Jane Smith with 1 other applicant: Gamma Arts. Check they are truly separate organisations."),
        (
            "Alpha Youth",
            "Shares its address (1 High Street, Anytown, AT1 1AA) with 1 other applicant: Beta Youth. Check they are truly separate organisations.",
        ),
        (
            "Beta Youth",
            "Shares its address (1 High Street, Anytown, AT1 1AA) with 1 other applicant: Alpha Youth. Check they are truly separate organisations.",
        ),
        ("Beta Youth", "Shares its bank details with 1 other applicant: Gamma Arts. Check they are truly separate organisations."),
        ("Gamma Arts", "Shares a trustee, Jane Smith with 1 other applicant: Alpha Youth. Check they are truly separate organisations."),
        ("Gamma Arts", "Shares its bank details with 1 other applicant: Beta Youth. Check they are truly separate organisations."),
    ]
    address_flag = Flag.objects.get(organisation=first, rule="shared_details", key__startswith="address")
    flag_dismiss(acting_user=users[Role.OFFICER], flag=address_flag, reason="A shared community centre")
    fourth = OrganisationFactory(name="Delta Club", address="1 High Street Anytown", postcode="AT1 1AA")
    AgreementFactory(organisation=fourth)
    refresh()
    address_flag.refresh_from_db()
    assert address_flag.status == "open" and "with 2 other applicants: Beta Youth, Delta Club" in address_flag.reason


def test_a_new_organisation_with_a_large_award(users):
    organisation = OrganisationFactory(date_registered=datetime.date(2025, 9, 15))
    agreement = live(organisation, amount=Decimal("60000"), reference="AGR-2026-0005")
    refresh(organisation)
    assert flag_of(organisation, "new_large_award").reason == (
        "Agreement AGR-2026-0005 of £60,000 starts 1 January 2026, 3 months after the organisation was registered "
        "(15 September 2025): a large award to a new organisation."
    )

    def varied():
        agreement.amount = Decimal("90000")
        agreement.save()

    dismiss_and_change(organisation, "new_large_award", users[Role.OFFICER], varied)
    organisation.date_registered = datetime.date(2020, 1, 1)
    organisation.save()
    refresh(organisation)
    assert flag_of(organisation, "new_large_award").status == "resolved"


def test_overdue_returns(users):
    organisation = OrganisationFactory()
    agreement = live(organisation, reference="AGR-2026-0006")
    first = MonitoringReturn.objects.create(
        agreement=agreement, period_start=datetime.date(2026, 1, 1), period_end=datetime.date(2026, 3, 31), due_date=datetime.date(2026, 4, 30)
    )
    refresh(organisation)
    assert flag_of(organisation, "overdue_returns").reason == "1 monitoring return is overdue (due 30 April 2026 on AGR-2026-0006); the oldest by 32 days."

    def another():
        MonitoringReturn.objects.create(
            agreement=agreement, period_start=datetime.date(2026, 4, 1), period_end=datetime.date(2026, 4, 30), due_date=datetime.date(2026, 5, 20)
        )

    assert dismiss_and_change(organisation, "overdue_returns", users[Role.OFFICER], another).reason.startswith("2 monitoring returns are overdue")
    MonitoringReturn.objects.filter(agreement=agreement).update(status="submitted")
    refresh(organisation)
    assert flag_of(organisation, "overdue_returns").status == "resolved"
    first.refresh_from_db()


def test_the_same_purpose_funded_twice(users):
    organisation = OrganisationFactory()
    first = live(organisation, reference="AGR-2026-0007", purpose="Running a weekly community café")
    second = live(organisation, reference="AGR-2026-0008", purpose="Running a weekly community cafe!", title="Café grant", start_date=datetime.date(2026, 3, 1))
    live(organisation, reference="AGR-2026-0009", purpose="Youth football", title="Football")
    refresh(organisation)
    flag = flag_of(organisation, "same_purpose")
    assert flag.reason == (
        "Agreements AGR-2026-0007 and AGR-2026-0008 fund the same purpose at the same time (1 March 2026 to 31 December 2026): "
        "check the work is not paid for twice."
    )
    assert Flag.objects.filter(rule="same_purpose").count() == 1
    second.status = "decommissioned"
    second.save()
    refresh(organisation)
    assert flag_of(organisation, "same_purpose").status == "resolved"
    assert first.pk


def test_dismissing_needs_a_reason_and_is_audited(users):
    organisation = OrganisationFactory(latest_income=Decimal("1000"))
    live(organisation)
    refresh(organisation)
    flag = flag_of(organisation, "dependency")
    with pytest.raises(ValidationError) as raised:
        flag_dismiss(acting_user=users[Role.OFFICER], flag=flag, reason="  ")
    assert raised.value.message_dict == {"reason": ["Enter why you are dismissing the flag"]}
    flag_dismiss(acting_user=users[Role.OFFICER], flag=flag, reason="Income figure is out of date")
    event = AuditEvent.objects.get(action="flag_dismiss")
    assert event.organisation_id == organisation.pk and "Income figure is out of date" in event.summary
    with pytest.raises(ValidationError):
        flag_dismiss(acting_user=users[Role.OFFICER], flag=flag, reason="Again")


def test_a_flag_appears_when_its_evidence_arrives_through_a_service(users, django_capture_on_commit_callbacks):
    """Saving the records behind a flag recomputes that organisation's flags once the change commits."""
    from lightbulb.core.rules import SystemActor
    from lightbulb.organisations.services import register_values_record

    organisation = OrganisationFactory()
    today = datetime.date.today()
    live(organisation, start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300))
    with django_capture_on_commit_callbacks(execute=True):
        register_values_record(
            acting_user=SystemActor("Charity Commission import"),
            source="Charity Commission",
            organisation=organisation,
            values={"register_status": "Removed"},
            as_of=today,
        )
    assert Flag.objects.get(organisation=organisation, rule="register").status == "open"


def test_the_daily_duty_recomputes_everyone():
    from lightbulb.core.registry import registry

    organisation = OrganisationFactory(latest_income=Decimal("100"))
    today = datetime.date.today()
    live(organisation, start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300))
    registry.daily_duties["flags_recompute"]()
    assert Flag.objects.filter(organisation=organisation, rule="dependency", status="open").exists()


def test_one_organisations_shared_details_find_its_partners_without_reading_everyone():
    first = OrganisationFactory(name="Alpha Youth", address="1 High Street", postcode="AT1 1AA")
    second = OrganisationFactory(name="Beta Youth", address="1 High St.", postcode="AT9 9ZZ")
    third = OrganisationFactory(name="Gamma Arts", address="9 Low Road", postcode="AT2 2BB")
    for organisation in (first, second, third):
        AgreementFactory(organisation=organisation)
    RegisterValueFactory(organisation=first, field="trustees", value="Jane Smith")
    RegisterValueFactory(organisation=third, field="trustees", value="Amy Lee; jane  smith")
    refresh(first)
    assert list(Flag.objects.values_list("organisation__name", "reason")) == [
        ("Alpha Youth", "Shares a trustee, Jane Smith with 1 other applicant: Gamma Arts. Check they are truly separate organisations.")
    ]


def _grant(organisation, *, match_status="confirmed", **overrides):
    from lightbulb.grants.models import Funder, Grant

    funder, _created = Funder.objects.get_or_create(org_id="GB-CHC-1234567", defaults={"name": "Canalside Community Trust"})
    values = {
        "identifier": "360G-CCT-0042",
        "funder": funder,
        "title": "Weekly community café",
        "description": "Running a weekly community café for older residents in the church hall.",
        "amount_awarded": Decimal("8000"),
        "award_date": datetime.date(2026, 1, 15),
        "planned_start_date": datetime.date(2026, 2, 1),
        "planned_end_date": datetime.date(2027, 1, 31),
        "recipient_name": organisation.name,
        "organisation": organisation,
        "match_status": match_status,
        **overrides,
    }
    return Grant.objects.create(**values)


def test_another_funders_grant_for_the_same_purpose_at_the_same_time(users):
    organisation = OrganisationFactory(name="St Anne's Lunch Club")
    agreement = live(organisation, reference="AGR-2026-0011", purpose="Running a weekly community café")
    grant = _grant(organisation)
    refresh(organisation)
    flag = Flag.objects.get(organisation=organisation, rule="same_purpose")
    assert flag.reason == (
        'Agreement AGR-2026-0011 and Canalside Community Trust\'s grant "Weekly community café" (£8,000, awarded 15 January 2026) '
        "fund the same purpose at the same time (1 February 2026 to 31 December 2026): check the work is not paid for twice."
    )
    assert flag.evidence == [
        {"label": "Agreement AGR-2026-0011", "route": "funding:agreement_detail", "pk": agreement.pk},
        {"label": "Canalside Community Trust's grant 360G-CCT-0042", "route": "grants:grant_detail", "pk": grant.pk},
    ]

    def the_grant_ends_before_the_agreement_starts():
        grant.planned_start_date, grant.planned_end_date = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
        grant.save()

    the_grant_ends_before_the_agreement_starts()
    refresh(organisation)
    assert flag_of(organisation, "same_purpose").status == "resolved"


@pytest.mark.parametrize(
    "change",
    [
        {"match_status": "proposed"},  # not yet confirmed as this organisation's
        {"title": "Youth football", "description": "Kit and pitch hire for an under-12s team"},  # another purpose
        {"planned_start_date": datetime.date(2027, 2, 1), "planned_end_date": datetime.date(2028, 1, 31)},  # after the agreement ends
    ],
    ids=["unconfirmed", "other-purpose", "other-time"],
)
def test_no_flag_for_a_grant_unconfirmed_for_another_purpose_or_another_time(change):
    organisation = OrganisationFactory()
    live(organisation, purpose="Running a weekly community café")
    _grant(organisation, **change)
    refresh(organisation)
    assert not Flag.objects.filter(rule="same_purpose").exists()


def test_confirming_a_grants_match_recomputes_its_organisations_flags(users, django_capture_on_commit_callbacks):
    from lightbulb.grants.services import grant_match_confirm

    today = datetime.date.today()
    organisation = OrganisationFactory()
    live(organisation, purpose="Running a weekly community café", start_date=today - datetime.timedelta(days=30), end_date=today + datetime.timedelta(days=300))
    grant = _grant(organisation, match_status="proposed", planned_start_date=today, planned_end_date=today + datetime.timedelta(days=200))
    with django_capture_on_commit_callbacks(execute=True):
        grant_match_confirm(acting_user=users[Role.OFFICER], grant=grant)
    assert Flag.objects.get(organisation=organisation, rule="same_purpose").status == "open"


def test_one_organisations_flags_take_the_same_few_queries_however_much_it_has():
    """Recomputing one organisation's flags (after its records change) is set-based: a fixed handful of queries, whether it
    has one agreement or thirty, and no transaction at all when nothing changed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small, large = OrganisationFactory(latest_income=Decimal("1000000")), OrganisationFactory(latest_income=Decimal("1000000"))
    live(small)
    for number in range(30):
        live(large, purpose=f"Purpose {number}", title=f"Grant {number}")
    counts = []
    for organisation in (small, large):
        refresh(organisation)
        with CaptureQueriesContext(connection) as captured:
            refresh(organisation)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1] <= 10, counts
    assert not any(query["sql"].startswith(("SAVEPOINT", "BEGIN")) for query in captured.captured_queries)


def test_one_organisations_flags_are_those_the_nightly_recompute_finds_for_it():
    """A few organisations' rules keep their agreements in Python from one shared read; every organisation's ask the
    database for them: both find the same, whatever the agreements' status, dates or archiving."""
    from django.utils import timezone

    from lightbulb.engagement.flags.engine import flags_find

    def seen(findings, organisation):
        return sorted((f.rule, f.key, f.reason, f.fingerprint) for f in findings if f.organisation_id == organisation.pk)

    organisation = OrganisationFactory(latest_income=Decimal("15000"), date_registered=datetime.date(2025, 9, 1), ward=WardFactory())
    other = OrganisationFactory(latest_income=Decimal("15000"))
    RegisterValueFactory(organisation=organisation, field="charity_status", value="Removed")
    live(organisation, purpose="Lunch club", amount=Decimal("60000")).wards.set([WardFactory()])
    live(organisation, purpose="Lunch club", status="planned", start_date=datetime.date(2026, 3, 1))
    live(organisation, purpose="Lunch club", status="closed")
    live(organisation, purpose="Lunch club", archived_at=timezone.now())
    live(organisation, purpose="Lunch club", start_date=datetime.date(2025, 1, 1), end_date=datetime.date(2026, 5, 31))
    live(organisation, purpose="Youth club", start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2027, 6, 30), amount=Decimal("80000"))
    live(other, purpose="Lunch club")
    everyone = flags_find(None, TODAY)
    alone = flags_find({organisation.pk}, TODAY)
    assert {rule for rule, *_rest in seen(alone, organisation)} >= {"dependency", "register", "new_large_award", "same_purpose", "claimed_wards"}
    assert seen(alone, organisation) == seen(everyone, organisation)
    assert not seen(alone, other)
