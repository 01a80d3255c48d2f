"""Small registries that let lower layers show parts contributed by higher ones.

A cross-cutting page (the dashboard, an organisation's timeline, the ward
page, the service navigation, the deadlines) asks the registry for its parts;
modules register into it from their AppConfig.ready() (each app's
`registrations.register()`), never as a side effect of importing a module, so
core imports no domain app and every process (web, worker, scheduler, a
command, the shell) sees the same registrations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # The module's named predicate over the user: the same one its view declares.
    permission: Any
    order: int = 100
    # The URL prefix that marks this item as the current section.
    prefix: str = ""
    # Asked only for a user the permission lets in: False hides the item
    # (e.g. the Compact while it is switched off, except to officers who set it up).
    visible: Callable[[Any], bool] | None = None


@dataclass(frozen=True)
class OrganisationFilter:
    """A yes/no filter on the register, e.g. "currently funded"."""

    label: str
    # callable(queryset of organisations) -> queryset
    apply: Callable[[Any], Any]


@dataclass(frozen=True)
class WardColumn:
    """A figure per ward on the ward list from a higher module, e.g. "Organisations based here"."""

    label: str
    # callable(queryset of wards) -> the same wards annotated with `attribute`, in one query whatever their number
    annotate: Callable[[Any], Any]
    # The annotation's name: the value shown, exported and sorted on.
    attribute: str
    order: int = 100


@dataclass(frozen=True)
class Deadline:
    """A dated duty for someone: a return due, a notice period ending, a review."""

    date: Any
    title: str
    url: str
    kind: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class ExportList:
    """A list page that downloads as CSV or XLSX, written in the background (`core.exports`).

    `rows(request)` is the list page's own selector with the page's filters and sort applied, given a
    request whose `GET` holds the page's query and whose `user` is the person exporting: the view
    calls the same function, so the file holds what the page shows. The worker asks `permission`
    (the list view's predicate) again before it writes a row.
    """

    title: str
    filename: str
    permission: Any
    # callable(request) -> a queryset (iterated in chunks) or an iterable of rows
    rows: Callable[[Any], Any]
    # the columns, or callable(request) -> the columns when they vary (the ward list's figures from other
    # modules, a survey's questions)
    columns: Any
    # the list page, for the way back
    url_name: str
    # callable(the download's query) -> the address to go back to, for a list on a record's page (a survey's answers)
    back_url: Callable[[Any], str] | None = None


@dataclass(frozen=True)
class OtherFunding:
    """Money an organisation has from another funder (a 360Giving grant), for a higher module to cross-reference."""

    pk: int
    organisation_id: int
    funder: str
    title: str
    description: str
    amount: Any
    awarded_on: Any
    # The dates the funder planned the work for (or, without them, from its award for a year).
    start: Any
    end: Any
    # The page that shows it, named (a route taking `pk`) so a stored flag never holds an address.
    route: str
    label: str


@dataclass
class Registry:
    navigation: list[NavItem] = field(default_factory=list)
    # name -> callable(request) -> dict for the dashboard
    dashboard_panels: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # name -> callable(organisation_id) -> list of timeline entries
    timeline_sources: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # name -> callable(ward, request) -> dict(title, template, order, ...) or None,
    # for sections of the ward page contributed by higher modules (organisations in the ward, …)
    ward_sections: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # name -> WardColumn: figures per ward on the ward list from higher modules
    ward_columns: dict[str, WardColumn] = field(default_factory=dict)
    # name -> callable(organisation, request) -> dict(title, template, order, ...) or None,
    # for sections of the organisation page contributed by higher modules (agreements, …)
    organisation_sections: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # name -> OrganisationFilter: extra register filters from higher modules ("currently funded")
    organisation_filters: dict[str, OrganisationFilter] = field(default_factory=dict)
    # name -> callable(): date-driven duties run once a day by the scheduler
    daily_duties: dict[str, Callable[[], Any]] = field(default_factory=dict)
    # name -> callable(user, start: date, end: date, *, everyone: bool = False) -> list[Deadline]: for dashboards,
    # digests and calendars; the user's own records, or with `everyone` every record they may act on
    deadlines: dict[str, Callable[..., list[Deadline]]] = field(default_factory=dict)
    # life-cycle name (e.g. "agreement") -> checks a step must pass: callable(obj, to_status) -> list of reasons
    guards: dict[str, list[Callable[[Any, str], list[str]]]] = field(default_factory=dict)
    # name -> callable() -> list of dicts (url, title, standard, generated_at, row_count, out_of_date): the files
    # the council publishes as last generated, for the API (open data registers it)
    published_files: dict[str, Callable[[], list[dict[str, Any]]]] = field(default_factory=dict)
    # name -> callable(**arguments) -> (file name, bytes, content type): a file the worker attaches to an
    # organisation's message (core.outbox.MessageAttachment names it)
    message_attachments: dict[str, Callable[..., tuple[str, bytes, str]]] = field(default_factory=dict)
    # name -> ExportList: every list page's CSV and XLSX download
    exports: dict[str, ExportList] = field(default_factory=dict)

    # name -> callable(organisation_ids: list[int] | None, today: date) -> [OtherFunding]: other funders' money running on
    # or after `today` (None: every organisation's), registered by the module that holds it (grants)
    other_funding: dict[str, Callable[..., list[OtherFunding]]] = field(default_factory=dict)

    def add_nav(self, item: NavItem) -> None:
        if all(existing.url_name != item.url_name for existing in self.navigation):
            self.navigation.append(item)
            self.navigation.sort(key=lambda nav: (nav.order, nav.label))

    def add_guard(self, lifecycle: str, guard: Callable[[Any, str], list[str]]) -> None:
        """Register a check on a life-cycle's steps once (registering twice is harmless)."""
        guards = self.guards.setdefault(lifecycle, [])
        if guard not in guards:
            guards.append(guard)

    def guards_for(self, lifecycle: str) -> list[Callable[[Any, str], list[str]]]:
        return list(self.guards.get(lifecycle, ()))


registry = Registry()
