"""The concern pages as people use them: the public report, the investigator's register, what others cannot reach."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from lightbulb.concerns.models import AccessLogEntry, Concern
from lightbulb.core.roles import Role
from tests.concerns.conftest import STEP
from tests.concerns.factories import RiskFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

REPORT = {"category": "misuse_of_funds", "subject_name": "Riverside Food Bank", "description": "Food vouchers sold on", "anonymous": "on"}


def test_a_member_of_the_public_reports_anonymously_and_checks_the_status(db, mailoutbox, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("concerns:report"), REPORT)
    text = visible_text(response.content)
    assert response.status_code == 200
    assert "Report sent" in text
    reference = re.search(r"CN-\d{4}-\d{4}", text).group(0)
    code = re.search(r"Your follow-up code ([A-Z0-9]{4}-[A-Z0-9]{4})", text).group(1)
    concern = Concern.objects.get(reference=reference)
    assert concern.anonymous and concern.source == "public" and concern.reporter_name == ""
    assert mailoutbox == []

    status = visible_text(client.post(reverse("concerns:status"), {"reference": reference, "code": code}).content)
    assert "The concern is: Awaiting triage" in status
    assert "Riverside" not in status
    wrong = visible_text(client.post(reverse("concerns:status"), {"reference": reference, "code": "ABCD-EFGH"}).content)
    assert "We could not find a report with that reference and follow-up code." in wrong


def test_a_named_reporter_is_sent_the_reference_but_never_the_code(db, mailoutbox, django_capture_on_commit_callbacks):
    data = {**REPORT, "anonymous": "", "reporter_name": "Sam Lee", "reporter_email": "sam@example.org"}
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("concerns:report"), data)
    concern = Concern.objects.get()
    assert concern.reporter_name == "Sam Lee"
    assert mailoutbox[0].to == ["sam@example.org"]
    assert concern.reference in mailoutbox[0].body
    assert "follow-up code you were shown" in mailoutbox[0].body
    assert not re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}\b", mailoutbox[0].body.replace(concern.reference, ""))


def test_the_honeypot_takes_nothing_and_says_nothing_different(db):
    response = Client().post(reverse("concerns:report"), {**REPORT, "website": "http://spam.example"})
    assert "Report sent" in visible_text(response.content)
    assert not Concern.objects.exists()


def test_the_public_form_is_rate_limited_per_client_and_per_address(db, settings):
    settings.ACCOUNT_EMAIL_PER_CLIENT = 3
    settings.ACCOUNT_EMAIL_PER_ADDRESS = 2
    named = {**REPORT, "anonymous": "", "reporter_name": "Sam Lee", "reporter_email": "sam@example.org"}
    client = Client(REMOTE_ADDR="203.0.113.5")
    client.post(reverse("concerns:report"), named)
    client.post(reverse("concerns:report"), named)
    refused = Client(REMOTE_ADDR="203.0.113.6").post(reverse("concerns:report"), named)
    assert refused.status_code == 429
    assert "Too many attempts" in visible_text(refused.content)
    client.post(reverse("concerns:report"), REPORT)
    assert client.post(reverse("concerns:report"), REPORT).status_code == 429
    assert Concern.objects.count() == 3


def test_markup_in_a_public_report_is_refused_beside_the_field(db):
    response = Client().post(reverse("concerns:report"), {**REPORT, "description": "<script>alert(1)</script>"})
    text = visible_text(response.content)
    assert "There is a problem" in text
    assert "Enter text without HTML tags" in text
    assert not Concern.objects.exists()


def test_an_investigator_sees_the_reporter_and_every_view_is_logged(client_for, users, world):
    concern = world["concern"]
    Concern.objects.filter(pk=concern.pk).update(reporter_name="Pat Reporter", reporter_email="pat@example.org")
    client = client_for(Role.INVESTIGATOR)
    listing = visible_text(client.get(reverse("concerns:list")).content)
    assert concern.reference in listing and "Riverside Food Bank" in listing
    page = visible_text(client.get(reverse("concerns:detail", kwargs={"pk": concern.pk})).content)
    assert "Pat Reporter" in page and "pat@example.org" in page
    entries = list(AccessLogEntry.objects.order_by("sequence").values_list("action", "detail", "user_id"))
    assert entries == [("viewed", "the list of concerns", users[Role.INVESTIGATOR].pk), ("viewed", "the concern's page", users[Role.INVESTIGATOR].pk)]


def test_an_investigator_suspends_payments_from_the_step_page(client_for, world):
    client = client_for(Role.INVESTIGATOR)
    url = reverse("concerns:step", kwargs={"pk": world["concern"].pk})
    response = client.post(url, {**STEP, "step": "suspend_payments"}, follow=True)
    text = visible_text(response.content)
    assert "2 scheduled payments under AGR-RET-0001 held, £6,000.00 in all" in text
    assert "Held" in text


def test_a_step_without_its_impact_assessment_is_refused_on_the_page(client_for, world):
    client = client_for(Role.INVESTIGATOR)
    response = client.post(reverse("concerns:step", kwargs={"pk": world["concern"].pk}), {**STEP, "step": "advice", "impact_service_users": ""})
    text = visible_text(response.content)
    assert "Enter the impact on the people the organisation serves" in text
    assert not world["concern"].steps.exists()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNCILLOR, Role.ADMIN, Role.STAFF, Role.VCS])
def test_nobody_but_an_investigator_reaches_a_concern(client_for, world, role):
    client = client_for(role)
    pk = world["concern"].pk
    for name in ("detail", "triage", "note", "step", "close", "evidence_add"):
        assert client.get(reverse(f"concerns:{name}", kwargs={"pk": pk})).status_code == 403
    assert client.get(reverse("concerns:list")).status_code == 403
    assert client.post(reverse("concerns:step", kwargs={"pk": pk}), {**STEP, "step": "suspend_payments"}).status_code == 403
    assert not world["concern"].steps.exists()
    assert not AccessLogEntry.objects.exists()


def test_a_councillor_sees_counts_only(client_for, world):
    text = visible_text(client_for(Role.COUNCILLOR).get(reverse("core:home")).content)
    assert "Concerns about organisations" in text
    assert "Under investigation 1" in text and "Awaiting triage 1" in text
    assert world["concern"].reference not in text and world["received"].reference not in text


def test_the_investigators_home_shows_the_queue_with_overdue_triage_first(client_for, world):
    text = visible_text(client_for(Role.INVESTIGATOR).get(reverse("core:home")).content)
    assert "1 overdue for triage" in text
    assert text.index(world["received"].reference) < text.index(world["concern"].reference)
    assert "triage overdue by" in text


def test_the_risk_register_shows_the_heat_map_and_both_sides_of_the_appetite(client_for, users):
    from lightbulb.concerns.risk_services import risk_appetite_set

    risk_appetite_set(acting_user=users[Role.OFFICER], area="innovation", lowest=8, highest=15)
    RiskFactory(title="Pilot too timid", area="innovation", likelihood=1, impact=2, owner=users[Role.OFFICER])
    RiskFactory(title="Untested provider", area="innovation", likelihood=5, impact=4, owner=users[Role.OFFICER])
    text = visible_text(client_for(Role.COUNCILLOR).get(reverse("concerns:risk_list")).content)
    assert "Innovation Scores 8 to 15" in text
    assert "1 more than the appetite 0 within it 1 less than the appetite" in text
    assert "Less risk than the appetite" in text and "More risk than the appetite" in text
    assert "1 at score 20" in text
    assert "Add a risk" not in text


def test_counter_fraud_figures_page(client_for, world):
    text = visible_text(client_for(Role.INVESTIGATOR).get(reverse("concerns:counter_fraud") + "?year=2025").content)
    assert "Counter-fraud figures 2025/26" in text
    assert "Total number of fraud cases investigated 1" in text


def test_a_risk_on_an_ended_agreement_falls_out_of_its_owners_reviews(users, world):
    import datetime

    from lightbulb.concerns.panels import risk_review_deadlines
    from lightbulb.funding.models import Agreement

    RiskFactory(title="Venue lease", owner=users[Role.OFFICER], agreement=world["agreement"], subject_type="agreement", review_date=datetime.date(2026, 12, 10))
    RiskFactory(title="Volunteers", owner=users[Role.OFFICER], review_date=datetime.date(2026, 12, 10))
    window = (datetime.date(2026, 12, 1), datetime.date(2026, 12, 31))
    assert {d.title for d in risk_review_deadlines(users[Role.OFFICER], *window)} == {"Review risk: Venue lease", "Review risk: Volunteers"}
    Agreement.objects.filter(pk=world["agreement"].pk).update(status="closed")
    assert {d.title for d in risk_review_deadlines(users[Role.OFFICER], *window)} == {"Review risk: Volunteers"}


def test_only_investigators_see_an_organisations_concerns_on_its_page(client_for, world, own_organisation):
    url = reverse("organisations:detail", kwargs={"pk": own_organisation.pk})
    investigator = visible_text(client_for(Role.INVESTIGATOR).get(url).content)
    assert world["concern"].reference in investigator and "fraud, under investigation" in investigator
    assert AccessLogEntry.objects.filter(detail="the concerns about Riverside Food Bank").count() == 1
    for role in (Role.OFFICER, Role.COUNCILLOR):
        text = visible_text(client_for(role).get(url).content)
        assert world["concern"].reference not in text


def test_triage_offers_the_registers_closest_matches_and_links_the_agreement(client_for, users, own_organisation, other_organisation):
    from tests.concerns.factories import ConcernFactory
    from tests.funding.factories_returns import live_agreement

    agreement = live_agreement(users, own_organisation)
    concern = ConcernFactory(organisation=None, subject_name="Riverside Food Bnk")
    client = client_for(Role.INVESTIGATOR)
    url = reverse("concerns:triage", kwargs={"pk": concern.pk})
    page = visible_text(client.get(url).content)
    assert "Riverside Food Bank" in page and "Hilltop Youth Club" not in page
    assert "AGR-RET-0001 Riverside café grant (Riverside Food Bank)" in page
    found = visible_text(client.get(url + "?find=Hilltop").content)
    assert "Hilltop Youth Club" in found
    answers = {"decision": "investigate", "reasons": "Specific and credible", "organisation": own_organisation.pk, "agreement": agreement.pk}
    client.post(url, answers)
    concern.refresh_from_db()
    assert (concern.status, concern.organisation, concern.agreement) == ("investigating", own_organisation, agreement)


def test_a_risk_on_an_agreement_is_added_by_its_reference(client_for, users, world):
    answers = {
        "title": "Venue may close",
        "area": "service_delivery",
        "subject_type": "agreement",
        "agreement_reference": "agr-ret-0001",
        "likelihood": "2",
        "impact": "4",
        "owner": users[Role.OFFICER].pk,
        "controls": "Backup venue agreed",
        "review_date_0": "15",
        "review_date_1": "1",
        "review_date_2": "2027",
        "status": "open",
    }
    client = client_for(Role.OFFICER)
    wrong = visible_text(client.post(reverse("concerns:risk_create"), {**answers, "agreement_reference": "AGR-NOPE"}).content)
    assert "No agreement has that reference" in wrong
    client.post(reverse("concerns:risk_create"), answers)
    from lightbulb.concerns.models import Risk

    risk = Risk.objects.get(title="Venue may close")
    assert risk.agreement == world["agreement"] and risk.score == 8


def test_the_risk_owners_dashboard_lists_their_reviews_due_overdue_first(users, client_for):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    RiskFactory(title="Venue lease", owner=users[Role.OFFICER], review_date=today + datetime.timedelta(days=20))
    RiskFactory(title="Volunteers", owner=users[Role.OFFICER], review_date=today - datetime.timedelta(days=3))
    RiskFactory(title="Someone else's", owner=users[Role.INVESTIGATOR], review_date=today)
    RiskFactory(title="Next year", owner=users[Role.OFFICER], review_date=today + datetime.timedelta(days=300))
    text = visible_text(client_for(Role.OFFICER).get(reverse("core:home")).content)
    panel = text[text.index("Risks to review") :]
    assert panel.index("Volunteers : review overdue since") < panel.index("Venue lease : review by")
    assert "Someone else's" not in text and "Next year" not in panel
