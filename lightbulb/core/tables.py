"""Tables that read on a phone: the `stacked` template filter.

On a wide screen a table is a table. Below the GOV.UK tablet breakpoint (641 px) a table marked
`lb-table--stacked` shows each row as a block of "label: value" lines (frontend/scss/_lightbulb.scss),
so a page reflows at 320 CSS pixels with nothing to scroll sideways (WCAG 1.4.10).

Each body cell needs its column's name beside it on a phone. Rather than have every template
repeat each header on each cell, a template wraps its table in the filter, which copies each
column header's text into its cells' `data-label` (a cell that already has one keeps it):

    {% filter stacked %}
    <table class="govuk-table">…</table>
    {% endfilter %}

A header marked `lb-table__wide-only` drops its whole column on a phone: keep the columns a
person needs to find and open a row, and leave the rest to the row's own page. The filter works
on the template's own, already escaped output: text from the database cannot contain a tag.
"""

from __future__ import annotations

import html
import re

from markupsafe import Markup

_THEAD = re.compile(r"<thead\b.*?</thead>", re.S | re.I)
_HEADER = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S | re.I)
_TBODY = re.compile(r"(<tbody\b[^>]*>)(.*?)(</tbody>)", re.S | re.I)
_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)(</tr>)", re.S | re.I)
_CELL = re.compile(r"<(td|th)\b([^>]*)>", re.I)
_TABLE = re.compile(r"<table\b([^>]*)>", re.I)
_TAGS = re.compile(r"<[^>]+>")
_VISUALLY_HIDDEN = re.compile(r"<span[^>]*govuk-visually-hidden[^>]*>.*?</span>", re.S | re.I)
_CLASS = re.compile(r'\bclass="([^"]*)"', re.I)
_COLSPAN = re.compile(r'\bcolspan="?(\d+)', re.I)
WIDE_ONLY = "lb-table__wide-only"


def _text(markup: str) -> str:
    """A header's words as a person reads them (sort links and visually hidden notes dropped)."""
    return " ".join(html.unescape(_TAGS.sub(" ", _VISUALLY_HIDDEN.sub("", markup))).split())


def _add_class(attributes: str, name: str) -> str:
    if _CLASS.search(attributes):
        return _CLASS.sub(lambda match: f'class="{match.group(1)} {name}"', attributes, count=1)
    return f'{attributes} class="{name}"'


def _columns(table: str) -> list[tuple[str, bool]]:
    """(label, wide only) for each column, from the table's header row."""
    head = _THEAD.search(table)
    if head is None:
        return []
    return [(_text(content), WIDE_ONLY in attributes) for attributes, content in _HEADER.findall(head.group(0))]


def _label_row(row: str, columns: list[tuple[str, bool]]) -> str:
    position = 0
    pieces: list[str] = []
    last = 0
    for match in _CELL.finditer(row):
        tag, attributes = match.group(1), match.group(2)
        span = _COLSPAN.search(attributes)
        width = int(span.group(1)) if span else 1
        if width == 1 and position < len(columns):
            label, wide_only = columns[position]
            if label and "data-label=" not in attributes:
                attributes += f' data-label="{html.escape(label)}"'
            if wide_only:
                attributes = _add_class(attributes, WIDE_ONLY)
        elif width > 1:
            attributes = _add_class(attributes, "lb-table__cell--whole-row")
        pieces.append(row[last : match.start()] + f"<{tag}{attributes}>")
        last = match.end()
        position += width
    pieces.append(row[last:])
    return "".join(pieces)


def stacked_table(markup: str) -> Markup:
    """The table(s) in `markup`, marked to stack on a phone, each body cell labelled with its column."""
    text = str(markup)
    columns = _columns(text)
    text = _TABLE.sub(lambda match: f"<table{_add_class(match.group(1), 'lb-table--stacked')}>", text, count=1)

    def label_body(body: re.Match[str]) -> str:
        rows = _ROW.sub(lambda row: row.group(1) + _label_row(row.group(2), columns) + row.group(3), body.group(2))
        return body.group(1) + rows + body.group(3)

    return Markup(_TBODY.sub(label_body, text))  # noqa: S704 - the template's own escaped output, only attributes added
