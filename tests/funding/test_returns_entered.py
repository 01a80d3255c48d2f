"""Officers enter the returns that arrive by post or e-mail, for organisations with no portal member."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lightbulb.core.roles import Role
from lightbulb.funding.models import MonitoringReturn
from lightbulb.funding.services import returns
from tests.factories import OrganisationFactory
from tests.funding.factories_returns import PDF_BYTES, MonitoringReturnFactory, live_agreement
from tests.helpers import visible_text


def _figures(agreement, value="120"):
    return {f"figure_{condition.pk}": value for condition in agreement.conditions.filter(target__isnull=False, kind__in=["kpi", "output", "outcome"])}


def test_an_officer_enters_a_paper_return_with_the_document(users, officer_client):
    organisation = OrganisationFactory(name="Old Mill Bowls Club")  # no portal member
    agreement = live_agreement(users, organisation)
    due = MonitoringReturnFactory(agreement=agreement)
    url = reverse("funding:return_record", kwargs={"pk": due.pk})
    page = visible_text(officer_client.get(url).content)
    assert "Enter a return received by post or e-mail" in page
    data = {**_figures(agreement, "1,250"), "narrative": "Sixty lunches a week, as the letter says"}
    refused = officer_client.post(url, data)
    assert "Attach the return as it arrived" in visible_text(refused.content)
    due.refresh_from_db()
    assert due.status == "due"
    letter = SimpleUploadedFile("return-letter.pdf", PDF_BYTES, content_type="application/pdf")
    response = officer_client.post(url, {**data, "attachments": letter})
    assert response.status_code == 302
    due.refresh_from_db()
    assert (due.status, due.entered_by_council, due.submitted_by) == ("submitted", True, users[Role.OFFICER])
    assert {figure.value for figure in due.figures.all()} == {1250}
    detail = visible_text(officer_client.get(reverse("funding:return_detail", kwargs={"pk": due.pk})).content)
    assert "Entered by the council" in detail and "return-letter.pdf" in detail


def test_a_member_submitting_is_not_marked_as_entered_by_the_council(users, own_organisation):
    agreement = live_agreement(users, own_organisation)
    due = MonitoringReturnFactory(agreement=agreement)
    figures = {condition.pk: 10 for condition in agreement.conditions.filter(target__isnull=False, kind__in=["kpi", "output", "outcome"])}
    returns.return_submit(monitoring_return=due, acting_user=users[Role.VCS], figures=figures, narrative="Done", attachments=[])
    due.refresh_from_db()
    assert due.status == "submitted" and not due.entered_by_council


def test_a_queried_return_starts_from_what_was_sent(users, own_organisation, client_for):
    agreement = live_agreement(users, own_organisation)
    due = MonitoringReturnFactory(agreement=agreement)
    figures = {condition.pk: 37 for condition in agreement.conditions.filter(target__isnull=False, kind__in=["kpi", "output", "outcome"])}
    returns.return_submit(monitoring_return=due, acting_user=users[Role.VCS], figures=figures, narrative="Thirty-seven sessions ran", attachments=[])
    returns.return_query(monitoring_return=due, acting_user=users[Role.OFFICER], note="Which weeks?")
    html = client_for(Role.VCS).get(reverse("funding:portal_return", kwargs={"pk": due.pk})).content.decode()
    assert "Thirty-seven sessions ran" in html
    assert 'value="37' in html
    assert MonitoringReturn.objects.get(pk=due.pk).status == "queried"
