"""Addresses of many records of one kind, worked out once.

`reverse()` walks the URLconf each time it is called: for a list of a few hundred deadlines or
timeline entries it costs more than reading the rows, and every page's layout and lists ask for
dozens of addresses. An address whose arguments are whole numbers (a record's key) is the same
text with the numbers filled in, so its pattern is worked out once and reused.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# No record has these keys: they only mark where each key goes in an address. The same length, so
# that none holds another.
_MARKS = [987654321987654301 + index for index in range(9)]
_CHECKS = [123456789123456701 + index for index in range(9)]

# (URLconf, script prefix, page name, argument names) -> the address cut at each argument, or None
# when the address is not simply the numbers written out (then reverse() is asked every time).
_patterns: dict[tuple[Any, ...], tuple[list[str], list[int]] | None] = {}


def pk_urls(name: str, **kwargs: Any) -> Callable[[Any], str]:
    """A function giving the address of page `name` (a URL with an integer `pk`) for a record's key.

    `pk_urls("funding:return_detail")(12)` equals `reverse("funding:return_detail", kwargs={"pk": 12})`.
    Other arguments of the URL are fixed by `kwargs`.
    """
    head, _, tail = reverse(name, kwargs={**kwargs, "pk": _MARKS[0]}).partition(str(_MARKS[0]))

    def url(pk: Any) -> str:
        return f"{head}{int(pk)}{tail}"

    return url


def _marked(name: str, keys: tuple[str, ...], marks: list[int]) -> str | None:
    """The address of `name` with each of `keys` given its mark; None when there is no such address."""
    try:
        return reverse(name, kwargs={key: marks[index] for index, key in enumerate(keys)} or None)
    except NoReverseMatch:
        return None


def _cut(marked: str, count: int) -> tuple[list[str], list[int]] | None:
    """`marked` cut at each of the first `count` marks, and which argument goes in each cut; None unless each is there once."""
    found = sorted((marked.find(str(_MARKS[index])), index) for index in range(count))
    if any(position < 0 or marked.count(str(_MARKS[index])) != 1 for position, index in found):
        return None
    pieces, order, start = [], [], 0
    for position, index in found:
        pieces.append(marked[start:position])
        order.append(index)
        start = position + len(str(_MARKS[index]))
    pieces.append(marked[start:])
    return pieces, order


def _pattern(name: str, keys: tuple[str, ...]) -> tuple[list[str], list[int]] | None:
    """The address of `name` cut where each of `keys` goes, and which key goes in each cut; None if it cannot be."""
    if len(keys) > len(_MARKS):
        return None
    marked, checked = _marked(name, keys, _MARKS), _marked(name, keys, _CHECKS)
    pattern = _cut(marked, len(keys)) if marked is not None else None
    # The address must be the numbers written out as they are: try it with other numbers.
    if pattern is None or _fill(pattern[0], pattern[1], _CHECKS[: len(keys)]) != checked:
        return None
    return pattern


def _fill(pieces: list[str], order: list[int], values: list[int]) -> str:
    parts = [pieces[0]]
    for piece, index in zip(pieces[1:], order, strict=True):
        parts.append(str(values[index]))
        parts.append(piece)
    return "".join(parts)


def url(name: str, *args: Any, **kwargs: Any) -> str:
    """`reverse(name, args=args, kwargs=kwargs)`, with the pattern of an address taking nothing or only whole numbers worked out once.

    The project's URLs are not translated (no `i18n_patterns`), so the language is not part of the key.
    """
    # Whole numbers of no sign only: reverse() refuses a negative key, and so must this.
    if args or not all(type(value) is int and value >= 0 for value in kwargs.values()):
        return reverse(name, args=args or None, kwargs=kwargs or None)
    keys = tuple(sorted(kwargs))
    key = (get_urlconf(), get_script_prefix(), name, keys)
    try:
        pattern = _patterns[key]
    except KeyError:
        pattern = _patterns[key] = _pattern(name, keys)
    if pattern is None:
        return reverse(name, kwargs=kwargs or None)
    return _fill(pattern[0], pattern[1], [kwargs[key_name] for key_name in keys])
