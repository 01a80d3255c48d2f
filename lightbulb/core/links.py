"""Addresses of many records of one kind, worked out once.

`reverse()` walks the URLconf each time it is called: for a list of a few hundred deadlines or
timeline entries it costs more than reading the rows. A page that links every row to the same
kind of page asks for the address pattern once and fills each row's key in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse

# No record has this key: it only marks where a key goes in the address.
_MARK = 987654321987654321


def pk_urls(name: str, **kwargs: Any) -> Callable[[Any], str]:
    """A function giving the address of page `name` (a URL with an integer `pk`) for a record's key.

    `pk_urls("funding:return_detail")(12)` equals `reverse("funding:return_detail", kwargs={"pk": 12})`.
    Other arguments of the URL are fixed by `kwargs`.
    """
    head, _, tail = reverse(name, kwargs={**kwargs, "pk": _MARK}).partition(str(_MARK))

    def url(pk: Any) -> str:
        return f"{head}{int(pk)}{tail}"

    return url
