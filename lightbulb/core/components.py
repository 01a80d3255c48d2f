"""GOV.UK components rendered once for the same parameters.

The GOV.UK Frontend macros (govuk-frontend-jinja) are general: a select of fifteen choices walks
a few hundred template steps to print its label, hint, error and options. Every list page prints
a filter form of four to six fields, most of them as nobody changed them, so the same fields'
HTML was worked out again on every visit: about 3 ms of a register search's 25 ms of CPU.

`remembered(macro, params)` gives `macro(params)`, keeping the HTML of the last
`REMEMBERED_UP_TO` distinct calls in this process (changed under a lock: a worker may run threads). The macros print nothing but their
parameters, so the same parameters give the same HTML. A call is remembered only when every
parameter is plain data (text, lazy text, numbers, yes/no, lists and mappings of them); markup is told
from text (`Markup("<b>")` prints a tag, `"<b>"` prints it escaped), order is kept (attributes
print in order), and long text (a paragraph typed into a form) is never kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from django.utils.functional import Promise
from django.utils.safestring import SafeString
from markupsafe import Markup

REMEMBERED_UP_TO = 512
# Text longer than this in any parameter: rendered every time (rarely the same twice, and not worth keeping).
LONGEST_TEXT_KEPT = 300

_remembered: dict[Hashable, Markup] = {}
_lock = threading.Lock()


class _NotPlain(Exception):
    """A parameter that is not plain data: the call is rendered as it is, never remembered."""


def _short(text: str) -> str:
    if len(text) > LONGEST_TEXT_KEPT:
        raise _NotPlain
    return text


# How each kind of plain value is kept: text as it is, markup marked as markup, -0.0 apart from 0.0 (it prints
# otherwise, though they are equal), a yes apart from a one, each container with its kind and its order.
_FREEZERS: dict[type, Callable[[Any], Hashable]] = {
    str: _short,
    Markup: lambda value: ("markup", _short(str(value))),
    SafeString: lambda value: ("markup", _short(str(value))),
    float: lambda value: ("float", repr(value)),
    bool: lambda value: ("bool", value),
    int: lambda value: ("int", value),
    type(None): lambda value: ("none",),
    dict: lambda value: ("dict", *((_frozen(key), _frozen(item)) for key, item in value.items())),
    list: lambda value: ("list", *(_frozen(item) for item in value)),
    tuple: lambda value: ("tuple", *(_frozen(item) for item in value)),
}


def _frozen(value: Any) -> Hashable:
    """A hashable copy of plain data that tells markup from text and keeps order; _NotPlain for anything else."""
    freeze = _FREEZERS.get(type(value))
    if freeze is not None:
        return freeze(value)
    if isinstance(value, Promise) and not hasattr(value, "__html__"):
        # A lazy text (`reverse_lazy`, a translation) prints as the text it gives.
        return _short(str(value))
    raise _NotPlain


def remembered(macro: Callable[[Any], Any], params: Any) -> Any:
    """`macro(params)`, from the HTML kept for the same macro and parameters when there is one."""
    try:
        key = (getattr(macro, "name", None) or id(macro), _frozen(params))
    except _NotPlain:
        return macro(params)
    html = _remembered.get(key)
    if html is None:
        html = macro(params)
        # A worker may serve requests on several threads: what is kept changes under the lock (rendering is outside it).
        with _lock:
            _remembered[key] = html
            while len(_remembered) > REMEMBERED_UP_TO:
                del _remembered[next(iter(_remembered))]  # the oldest first: a dict keeps its order
    return html


def forget_all() -> None:
    """Drop every kept call (tests that change a macro's templates)."""
    with _lock:
        _remembered.clear()
