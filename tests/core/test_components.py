"""GOV.UK components rendered once for the same parameters (core/components.py) print what the macro prints."""

from __future__ import annotations

import pytest
from django.template import engines
from markupsafe import Markup

from lightbulb.core import components
from tests.core.test_forms import ExampleForm


@pytest.fixture(autouse=True)
def _nothing_kept():
    components.forget_all()
    yield
    components.forget_all()


def macro(path: str, name: str):
    return getattr(engines["jinja2"].env.get_template(f"govuk_frontend_jinja/components/{path}/macro.html").module, name)


def counting(wrapped, name: str | None = None):
    calls = []

    def call(params):
        calls.append(params)
        return wrapped(params)

    call.name = name or wrapped.name
    return call, calls


def _never_plain(value):
    raise components._NotPlain


def test_a_field_prints_as_its_macro_prints_it_and_the_second_time_from_what_was_kept(monkeypatch):
    form = ExampleForm({"name": "<b>Hall</b>", "kind": "b"})
    form.is_valid()
    fields = "".join(f'{{{{ field(form["{name}"]) }}}}' for name in ("name", "kind", "starts", "notes", "agree"))
    page = engines["jinja2"].from_string('{% from "core/forms.html" import field %}' + fields)
    with monkeypatch.context() as patched:
        patched.setattr(components, "_frozen", _never_plain)
        straight = page.render({"form": form})
    assert page.render({"form": form}) == straight  # worked out and kept
    assert page.render({"form": form}) == straight  # from what was kept
    assert 'value="&lt;b&gt;Hall&lt;/b&gt;"' in straight and "without HTML tags" in straight
    select, calls = counting(macro("radios", "govukRadios"))
    params = {"name": "kind", "items": [{"value": "a", "text": "Apple"}, {"value": "b", "text": "Banana", "checked": True}]}
    html = components.remembered(select, params)
    assert components.remembered(select, {**params}) == html == macro("radios", "govukRadios")(params)
    assert len(calls) == 1
    assert 'value="b" checked' in html


def test_markup_and_text_are_kept_apart():
    hint, calls = counting(macro("input", "govukInput"))
    as_text = components.remembered(hint, {"name": "q", "label": {"text": "Name"}, "hint": {"text": "<b>Bold</b>"}})
    as_markup = components.remembered(hint, {"name": "q", "label": {"text": "Name"}, "hint": {"text": Markup("<b>Bold</b>")}})
    assert "&lt;b&gt;Bold&lt;/b&gt;" in as_text and "<b>Bold</b>" in as_markup
    assert len(calls) == 2


@pytest.mark.parametrize(
    "odd",
    [
        {"name": "q", "label": {"text": "Name"}, "value": "x" * (components.LONGEST_TEXT_KEPT + 1)},  # a paragraph
        {"name": "q", "label": {"text": "Name"}, "value": object()},  # not plain data
    ],
)
def test_a_long_text_or_anything_not_plain_is_rendered_every_time(odd):
    render, calls = counting(lambda params: Markup(f"<p>{len(str(params['value']))}</p>"), "odd")
    assert components.remembered(render, odd) == components.remembered(render, odd)
    assert len(calls) == 2


def test_yes_no_and_numbers_are_told_apart_and_order_is_kept():
    render, calls = counting(lambda params: Markup(repr(params)), "repr")
    cases = (
        {"a": True},
        {"a": 1},
        {"a": 1.0},
        {"a": "1"},
        {"a": 1, "b": 2},
        {"b": 2, "a": 1},
        {"a": 0.0},
        {"a": -0.0},
        {"a": [1]},
        {"a": (1,)},
        {1: "a"},
        {True: "a"},
    )
    outputs = {str(components.remembered(render, params)) for params in cases}
    assert len(calls) == len(outputs) == len(cases)


def test_only_the_latest_calls_are_kept(monkeypatch):
    monkeypatch.setattr(components, "REMEMBERED_UP_TO", 3)
    render, calls = counting(lambda params: Markup(params["n"]), "n")
    for number in range(5):
        components.remembered(render, {"n": number})
    components.remembered(render, {"n": 4})
    components.remembered(render, {"n": 0})
    assert [params["n"] for params in calls] == [0, 1, 2, 3, 4, 0]


def test_lazy_text_is_kept_as_its_text_and_safe_strings_as_markup():
    from django.urls import reverse_lazy
    from django.utils.safestring import mark_safe

    render, calls = counting(lambda params: Markup(repr(str(params["a"])) + str(type(params["a"]).__name__)), "lazy")
    first = components.remembered(render, {"a": reverse_lazy("organisations:list")})
    assert components.remembered(render, {"a": reverse_lazy("organisations:list")}) == first
    assert len(calls) == 1
    components.remembered(render, {"a": mark_safe("/organisations/")})
    assert len(calls) == 2  # markup, not the same as the text


def test_threads_keep_and_drop_calls_without_error(monkeypatch):
    """A worker may serve on threads (gunicorn's --threads, the test server): keeping and dropping never fails a page."""
    import itertools
    import sys
    import threading

    monkeypatch.setattr(components, "REMEMBERED_UP_TO", 8)
    render, _calls = counting(lambda params: Markup(params["v"]), "threads")
    numbers = itertools.count()
    errors: list[BaseException] = []

    def hammer():
        try:
            for _ in range(20_000):
                components.remembered(render, {"v": str(next(numbers))})
        except BaseException as error:  # noqa: BLE001 - any error at all is the failure
            errors.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can, so a race shows
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    assert errors == [] and len(components._remembered) <= 8
