"""`pk_urls` gives the same addresses as `reverse()`, worked out once for a whole list."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, get_script_prefix, reverse, set_script_prefix

from lightbulb.core.links import pk_urls, url


@pytest.mark.parametrize("name", ["organisations:detail", "funding:return_detail", "funding:payment_detail", "engagement:engagement_detail"])
@pytest.mark.parametrize("pk", [1, 7, 1234567])
def test_pk_urls_match_reverse(name: str, pk: int) -> None:
    assert pk_urls(name)(pk) == reverse(name, kwargs={"pk": pk})


def test_pk_urls_refuse_a_key_that_is_not_a_number() -> None:
    url = pk_urls("organisations:detail")
    with pytest.raises(ValueError):
        url("1/../../admin")


def test_pk_urls_refuse_an_unknown_page() -> None:
    with pytest.raises(NoReverseMatch):
        pk_urls("organisations:no_such_page")


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("core:home", {}),
        ("organisations:detail", {"pk": 42}),
        ("compact:portal_consultation_respond", {"pk": 3, "organisation_pk": 1000}),
        ("compact:portal_consultation_respond", {"organisation_pk": 7, "pk": 12345}),
        ("concerns:risk_appetite", {"area": "finance"}),
        ("accounts:invitation_accept", {"token": "abc-123"}),
    ],
)
def test_url_matches_reverse(name: str, kwargs: dict[str, object]) -> None:
    # Twice: the first works the pattern out, the second uses it.
    assert url(name, **kwargs) == reverse(name, kwargs=kwargs or None)
    assert url(name, **kwargs) == reverse(name, kwargs=kwargs or None)


def test_url_follows_the_script_prefix() -> None:
    """A site served under a path (SCRIPT_NAME) gets addresses under it, and the root site does not."""
    before = get_script_prefix()
    try:
        set_script_prefix("/council/")
        assert url("organisations:detail", pk=5) == "/council" + reverse("organisations:detail", kwargs={"pk": 5}).removeprefix("/council")
        assert url("organisations:detail", pk=5).startswith("/council/")
    finally:
        set_script_prefix(before)
    assert not url("organisations:detail", pk=5).startswith("/council/")


def test_url_refuses_an_unknown_page() -> None:
    with pytest.raises(NoReverseMatch):
        url("organisations:no_such_page", pk=1)


def test_url_refuses_a_negative_key_as_reverse_does() -> None:
    assert url("organisations:detail", pk=5) == reverse("organisations:detail", kwargs={"pk": 5})  # the pattern is remembered
    with pytest.raises(NoReverseMatch):
        url("organisations:detail", pk=-1)
