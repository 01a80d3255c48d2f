"""Signing in through the council's identity provider, end to end against a local OpenID Connect provider.

Matched on the stable `sub` claim, not the e-mail address; roles from the groups as OIDC_ROLE_GROUPS
maps them; never a portal account; a token signed with another key or meant for another service
signs nobody in.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from lightbulb.accounts.models import User
from lightbulb.core.models import AuditEvent
from lightbulb.core.roles import Role
from tests.accounts.fake_identity_provider import CLIENT_ID, CLIENT_SECRET, FakeIdentityProvider
from tests.factories import UserFactory
from tests.helpers import visible_text

pytestmark = pytest.mark.django_db

GROUPS = "admin=lb-admins,investigator=lb-investigators,officer=lb-officers,councillor=lb-councillors,staff=lb-staff"


@pytest.fixture
def idp(settings):
    with FakeIdentityProvider() as fake:
        discovery = requests.get(f"{fake.issuer}/.well-known/openid-configuration", timeout=5).json()
        settings.OIDC_ENABLED = True
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_RP_SIGN_ALGO = "RS256"
        settings.OIDC_RP_SCOPES = "openid email profile"
        settings.OIDC_OP_ISSUER = discovery["issuer"]
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
        settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
        settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
        settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
        settings.OIDC_ROLE_GROUPS = GROUPS
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "lightbulb.accounts.oidc.CouncilOIDCBackend"]
        settings.ROOT_URLCONF = "tests.accounts.oidc_urls"
        yield fake


def sign_in_through(idp: FakeIdentityProvider, person: dict, client: Client | None = None) -> Client:
    """The browser's round trip: Lightbulb → the provider (which approves at once) → Lightbulb's callback."""
    client = client or Client()
    idp.person = person
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(idp.issuer + "/authorize")
    approved = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert approved.status_code == 302
    callback = urlsplit(approved.headers["Location"])
    client.callback_response = client.get(f"{callback.path}?{callback.query}")  # type: ignore[attr-defined]
    return client


def signed_in_as(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def person(sub: str = "entra-0001", email: str = "ola.officer@anytown.gov.uk", groups=("lb-officers",), name: str = "Ola Officer") -> dict:
    return {"sub": sub, "email": email, "name": name, "groups": list(groups)}


def test_the_sign_in_page_offers_the_identity_provider(idp):
    assert "Sign in with your council account" in visible_text(Client().get("/account/sign-in").content)


def test_a_person_in_a_mapped_group_gets_an_account_with_that_role(idp):
    client = sign_in_through(idp, person())
    user = signed_in_as(client)
    assert user is not None
    assert (user.email, user.role, user.oidc_sub, user.full_name) == ("ola.officer@anytown.gov.uk", Role.OFFICER, "entra-0001", "Ola Officer")
    assert not user.has_usable_password() and user.email_verified_at is not None
    event = AuditEvent.objects.get(action="user_create", object_id=str(user.pk))
    assert "identity provider" in event.summary
    # The council role's two-factor step still applies.
    assert client.get("/account/")["Location"].startswith("/account/two-factor")


def test_the_same_sub_is_the_same_account_whatever_its_address_and_the_groups_set_the_role(idp):
    first = signed_in_as(sign_in_through(idp, person()))
    again = signed_in_as(sign_in_through(idp, person(email="ola.o@anytown.gov.uk", groups=("lb-staff",))))
    assert again.pk == first.pk
    assert User.objects.filter(oidc_sub="entra-0001").count() == 1
    assert again.role == Role.STAFF
    assert AuditEvent.objects.filter(action="user_update", object_id=str(first.pk)).exists()


def test_an_address_someone_else_holds_is_not_theirs(idp):
    owner = signed_in_as(sign_in_through(idp, person()))
    intruder = sign_in_through(idp, person(sub="entra-9999", groups=("lb-admins",)))
    assert signed_in_as(intruder) is None
    owner.refresh_from_db()
    assert owner.role == Role.OFFICER
    assert User.objects.count() == 1


def test_an_invited_council_account_is_linked_at_its_first_sign_in(idp):
    invited = UserFactory(role=Role.INVESTIGATOR, email="ivy@anytown.gov.uk")
    client = sign_in_through(idp, person(sub="entra-0042", email="IVY@anytown.gov.uk", groups=("lb-investigators",)))
    assert signed_in_as(client).pk == invited.pk
    invited.refresh_from_db()
    assert invited.oidc_sub == "entra-0042"


def test_a_portal_account_is_never_taken_over_nor_given_a_council_role(idp):
    portal = UserFactory(role=Role.VCS, email="volunteer@example.org")
    client = sign_in_through(idp, person(sub="entra-0077", email="volunteer@example.org", groups=("lb-admins",)))
    assert signed_in_as(client) is None
    portal.refresh_from_db()
    assert (portal.role, portal.oidc_sub) == (Role.VCS, None)


def test_someone_in_no_mapped_group_is_refused(idp):
    client = sign_in_through(idp, person(groups=("everyone", "finance")))
    assert signed_in_as(client) is None
    assert not User.objects.exists()


def test_a_deactivated_account_is_refused(idp):
    user = signed_in_as(sign_in_through(idp, person()))
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert signed_in_as(sign_in_through(idp, person())) is None


def test_without_a_group_mapping_only_existing_council_accounts_sign_in_with_their_own_role(idp, settings):
    settings.OIDC_ROLE_GROUPS = ""
    assert signed_in_as(sign_in_through(idp, person())) is None
    assert not User.objects.exists()
    existing = UserFactory(role=Role.COUNCILLOR, email="ola.officer@anytown.gov.uk")
    client = sign_in_through(idp, person(groups=("lb-admins",)))
    assert signed_in_as(client).pk == existing.pk
    existing.refresh_from_db()
    assert existing.role == Role.COUNCILLOR


def test_a_token_signed_with_another_key_signs_nobody_in(idp):
    idp.wrong_key = True
    client = sign_in_through(idp, person())
    assert client.callback_response.status_code == 400
    assert signed_in_as(client) is None
    assert not User.objects.exists()


def test_a_token_for_another_service_signs_nobody_in(idp):
    idp.audience = "some-other-client"
    client = sign_in_through(idp, person())
    assert client.callback_response.status_code == 400
    assert signed_in_as(client) is None


def test_a_callback_with_a_forged_state_signs_nobody_in(idp):
    client = Client()
    idp.person = person()
    start = client.get("/oidc/authenticate/")
    approved = requests.get(start["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(approved.headers["Location"])
    forged = callback.query.split("&state=")[0] + "&state=forged"
    response = client.get(f"{callback.path}?{forged}")
    assert response.status_code in (302, 400)
    assert signed_in_as(client) is None


def test_a_first_sign_in_through_the_identity_provider_sets_up_the_authenticator_without_an_emailed_code(idp, mailoutbox):
    client = sign_in_through(idp, person())
    page = client.get("/account/two-factor")
    assert page.status_code == 200
    assert "Set up two-factor authentication" in visible_text(page.content)
    assert mailoutbox == []  # no enrolment code was sent: the identity provider's sign-in is the proof


def test_a_password_sign_in_still_needs_the_emailed_code_before_the_first_authenticator(idp, mailoutbox, django_capture_on_commit_callbacks):
    officer = UserFactory(role=Role.OFFICER, email="pat.officer@anytown.gov.uk")
    client = Client()
    client.force_login(officer, backend="lightbulb.accounts.backends.VerifiedEmailBackend")
    with django_capture_on_commit_callbacks(execute=True):
        page = client.get("/account/two-factor")
    assert "Set up two-factor authentication" not in visible_text(page.content)
    [sent] = mailoutbox
    assert sent.to == ["pat.officer@anytown.gov.uk"]
