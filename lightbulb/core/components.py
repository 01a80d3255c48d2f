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


def _frozen(value: Any) -> Hashable:
    """A hashable copy of plain data that tells markup from text and keeps order; _NotPlain for anything else."""
    kind = type(value)
    if kind is str:
        if len(value) > LONGEST_TEXT_KEPT:
            raise _NotPlain
        return value
    if kind is Markup or kind is SafeString:
        if len(value) > LONGEST_TEXT_KEPT:
            raise _NotPlain
        return ("markup", str(value))
    if isinstance(value, Promise) and not hasattr(value, "__html__"):
        # A lazy text (`reverse_lazy`, a translation) prints as the text it gives.
        return _frozen(str(value))
    if kind is float:
        return ("float", repr(value))  # -0.0 prints otherwise than 0.0, though they are equal
    if kind is bool or kind is int or value is None:
        return (kind.__name__, value)
    if kind is dict:
        return ("dict", *((_frozen(key), _frozen(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (kind.__name__, *(_frozen(item) for item in value))
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
