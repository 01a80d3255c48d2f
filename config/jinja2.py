"""The Jinja2 environment: GOV.UK Frontend macros plus a few Django helpers."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from jinja2 import ChoiceLoader, Environment, PackageLoader, PrefixLoader

from lightbulb.core import templating
from lightbulb.core.links import url


def _blank_none(value: Any) -> Any:
    return "" if value is None else value


def environment(**options: Any) -> Environment:
    app_loader = options.pop("loader")
    options["loader"] = ChoiceLoader(
        [
            app_loader,
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}),
        ]
    )
    options.setdefault("extensions", []).append("jinja2.ext.do")
    # An empty value prints as nothing, never as the word "None".
    options["finalize"] = _blank_none
    env = Environment(**options)  # noqa: S701 - autoescape is set by Django's backend
    env.globals.update({"static": static, "url": url, **templating.GLOBALS})
    env.filters.update(templating.FILTERS)
    return env
