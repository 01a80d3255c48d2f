"""Two officers verifying the same proposal at once must create exactly one organisation."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from lightbulb.accounts.models import Membership
from lightbulb.core.roles import Role
from lightbulb.organisations.models import Organisation, OrganisationClaim
from lightbulb.organisations.portal import services
from tests.factories import OrganisationClaimFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_verifications_of_one_proposal_create_one_organisation():
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) need PostgreSQL")
    claimant = UserFactory(role=Role.VCS, email="proposer@example.org")
    officers = [UserFactory(role=Role.OFFICER, email=f"officer{n}@example.org") for n in range(2)]
    claim = OrganisationClaimFactory(user=claimant, organisation=None, proposed_name="Concurrent Community Café", proposed_details={"postcode": "AT1 1AA"})
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(officer):
        try:
            stale = OrganisationClaim.objects.get(pk=claim.pk)  # both threads read it while it is still pending
            barrier.wait(timeout=10)
            services.organisation_claim_verify(acting_user=officer, claim=stale)
            outcome = "verified"
        except services.ClaimAlreadyDecided:
            outcome = "refused"
        except Exception as error:  # noqa: BLE001 - reported to the main thread's assertion
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=decide, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "verified"]
    assert Organisation.objects.filter(name="Concurrent Community Café").count() == 1
    assert Membership.objects.filter(user=claimant).count() == 1
    claim.refresh_from_db()
    assert claim.status == OrganisationClaim.Status.VERIFIED
