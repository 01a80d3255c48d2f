"""The sources an administrator can import, by name.

Each source module defines an Importer subclass; the imports app registers
them with `register` from its AppConfig.ready() (lightbulb/imports/registrations.py),
and the upload form and `manage.py import_file` offer every registered source.
"""

from __future__ import annotations

from lightbulb.imports.base import Importer

SOURCES: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    SOURCES[importer.name] = importer
    return importer


def source_choices() -> list[tuple[str, str]]:
    return [(name, importer.label) for name, importer in sorted(SOURCES.items(), key=lambda item: item[1].label)]


def get_source(name: str) -> type[Importer] | None:
    return SOURCES.get(name)
