"""Two officers edit one record: helpers for the tests of `lightbulb.core.locking` in each module.

`opened_form` reads an edit page as a browser would submit it (every input, ticked box, chosen
option and text area, the hidden version included), so a test changes only what the officer types.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.http import HttpResponse
from django.test import Client

from lightbulb.core.roles import Role
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.helpers import visible_text

STALE = "changed by someone else"
_NOT_SENT = {"submit", "button", "image", "file", "reset"}


class _FormReader(HTMLParser):
    """Each <form>'s fields as {name: [values]}, as the browser would send them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append({})
        elif self.forms and attributes.get("name"):
            self._field(tag, str(attributes["name"]), attributes)
        elif tag == "option" and self._select and "selected" in attributes:
            self.forms[-1].setdefault(self._select, []).append(attributes.get("value") or "")

    def _field(self, tag: str, name: str, attributes: dict[str, str | None]) -> None:
        fields = self.forms[-1]
        kind = attributes.get("type") or "text"
        if tag == "input" and kind not in _NOT_SENT and (kind not in {"checkbox", "radio"} or "checked" in attributes):
            fields.setdefault(name, []).append(attributes.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "textarea":
            self._textarea = name
            fields.setdefault(name, []).append("")
        elif tag == "select":
            self._select = name

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.forms[-1][self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self._textarea:
            values = self.forms[-1][self._textarea]
            values[-1] = values[-1].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(html: str | bytes) -> dict[str, Any]:
    """The fields of the page's versioned form: a single value as a string, several as a list."""
    reader = _FormReader()
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    versioned = [fields for fields in reader.forms if "version" in fields]
    assert len(versioned) == 1, "the edit page has one form carrying the record's version"
    return {name: values[0] if len(values) == 1 else values for name, values in versioned[0].items()}


def opened_form(client: Client, url: str) -> dict[str, Any]:
    response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return form_values(response.content)


def two_officers() -> tuple[Client, Client]:
    return (
        sign_in(Client(), UserFactory(role=Role.OFFICER, email="first.officer@example.org", full_name="First Officer")),
        sign_in(Client(), UserFactory(role=Role.OFFICER, email="second.officer@example.org", full_name="Second Officer")),
    )


def second_save_refused(url: str, first_changes: dict[str, Any], second_changes: dict[str, Any]) -> HttpResponse:
    """Both officers open `url`; the first saves `first_changes`; the second's save of `second_changes` is refused.

    Returns the second officer's page: their own input kept, the refusal at the top.
    """
    first, second = two_officers()
    first_form, second_form = opened_form(first, url), opened_form(second, url)
    saved = first.post(url, {**first_form, **first_changes})
    assert saved.status_code == 302, visible_text(saved.content)
    refused = second.post(url, {**second_form, **second_changes})
    assert refused.status_code == 200
    text = visible_text(refused.content)
    assert "There is a problem" in text and STALE in text
    # The form now carries the current version: saving again, having read what changed, goes through.
    assert form_values(refused.content)["version"] == str(int(second_form["version"]) + 1)
    return refused
