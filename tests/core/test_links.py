"""`pk_urls` gives the same addresses as `reverse()`, worked out once for a whole list."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from lightbulb.core.links import pk_urls


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
