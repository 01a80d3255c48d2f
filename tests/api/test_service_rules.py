"""The token services, called directly: only administrators issue and revoke, with the form's rules."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from lightbulb.api import services
from lightbulb.api.forms import TokenForm
from lightbulb.api.models import ApiToken
from lightbulb.core.roles import Role
from tests.service_rules import assert_invalid, assert_refused, cases, identity

pytestmark = pytest.mark.django_db
WATCHED = [ApiToken]


@pytest.fixture
def w(users, other_organisation, issue):
    token, _raw = issue()
    return SimpleNamespace(users=users, outsider=other_organisation.memberships.get().user, token=token, admin=users[Role.ADMIN])


SERVICES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "api_token_issue": (lambda w, a: services.api_token_issue(acting_user=a, name="Partner", scopes=["register"]), ("admin",)),
    "api_token_revoke": (lambda w, a: services.api_token_revoke(acting_user=a, token=w.token), ("admin",)),
}


@pytest.mark.parametrize(("service", "who"), cases(SERVICES))
def test_a_caller_who_may_not_is_refused_and_nothing_is_written(w, service, who):
    call, _allowed = SERVICES[service]
    assert_refused(lambda: call(w, identity(who, w.users, w.outsider)), WATCHED)


@pytest.mark.parametrize(
    ("field", "values", "message"),
    [
        ("name", {"name": "", "scopes": ["register"]}, "Say who or what the token is for"),
        ("name", {"name": "<b>x</b>", "scopes": ["register"]}, "Enter text without HTML tags (remove anything between < and >)"),
        ("scopes", {"name": "Partner", "scopes": []}, "Choose what the token may read"),
        ("scopes", {"name": "Partner", "scopes": ["everything"]}, None),
    ],
)
def test_issuing_refuses_what_the_form_refuses(w, field, values, message):
    form = TokenForm(values)
    assert not form.is_valid() and field in form.errors
    expected = message or "Choose what the token may read from the list"
    assert_invalid(lambda: services.api_token_issue(acting_user=w.admin, **values), field, expected, WATCHED)


def test_the_secret_is_kept_only_as_a_hash(w):
    token, raw = services.api_token_issue(acting_user=w.admin, name="Partner", scopes=["grants"])
    assert raw not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.hashed == services.token_hash(raw)


def test_revoking_twice_changes_nothing(w):
    first = services.api_token_revoke(acting_user=w.admin, token=w.token).revoked_at
    assert services.api_token_revoke(acting_user=w.admin, token=w.token).revoked_at == first
