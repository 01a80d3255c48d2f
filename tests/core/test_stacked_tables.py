"""The `stacked` filter labels each body cell with its column, so a table reads on a phone."""

from __future__ import annotations

from django.template import engines

from lightbulb.core.tables import stacked_table

TABLE = """<table class="govuk-table">
  <caption class="govuk-table__caption">Organisations</caption>
  <thead class="govuk-table__head"><tr class="govuk-table__row">
    <th scope="col" class="govuk-table__header" aria-sort="none"><a class="govuk-link" href="?sort=name">Name</a></th>
    <th scope="col" class="govuk-table__header lb-table__wide-only">Identifiers</th>
    <th scope="col" class="govuk-table__header">Ward <span class="govuk-visually-hidden">(where it is based)</span></th>
  </tr></thead>
  <tbody class="govuk-table__body">
    <tr class="govuk-table__row"><th scope="row" class="govuk-table__header">Anytown &amp; District Food Bank</th><td class="govuk-table__cell">GB-CHC-1</td><td class="govuk-table__cell" data-label="Based in">Abbey</td></tr>
    <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="3">No more organisations</td></tr>
  </tbody>
</table>"""


def test_each_body_cell_is_labelled_with_its_column_header():
    out = str(stacked_table(TABLE))
    assert '<table class="govuk-table lb-table--stacked">' in out
    assert '<th scope="row" class="govuk-table__header" data-label="Name">Anytown &amp; District Food Bank</th>' in out
    assert 'data-label="Identifiers"' in out and "GB-CHC-1" in out


def test_a_wide_only_column_is_marked_on_every_cell():
    out = str(stacked_table(TABLE))
    assert '<td class="govuk-table__cell lb-table__wide-only" data-label="Identifiers">GB-CHC-1</td>' in out


def test_a_cell_keeps_its_own_label_and_a_spanning_cell_gets_none():
    out = str(stacked_table(TABLE))
    assert 'data-label="Based in">Abbey' in out
    assert 'data-label="Ward' not in out
    assert '<td class="govuk-table__cell lb-table__cell--whole-row" colspan="3">No more organisations</td>' in out


def test_header_text_is_escaped_once_and_hidden_notes_are_dropped():
    out = str(stacked_table(TABLE.replace(">Name</a>", ">Name &amp; &quot;alias&quot;</a>")))
    assert 'data-label="Name &amp; &quot;alias&quot;"' in out


def test_the_filter_wraps_a_template_table_and_keeps_its_content_escaped():
    template = engines["jinja2"].from_string(
        '{% filter stacked %}<table class="govuk-table"><thead><tr><th>Name</th></tr></thead><tbody><tr><td>{{ name }}</td></tr></tbody></table>{% endfilter %}'
    )
    out = template.render({"name": '<td class="x">'})
    assert '<td data-label="Name">&lt;td class=&#34;x&#34;&gt;</td>' in out
    assert "lb-table--stacked" in out


def test_a_table_without_a_header_row_is_only_marked():
    out = str(stacked_table("<table><tbody><tr><td>1</td></tr></tbody></table>"))
    assert out == '<table class="lb-table--stacked"><tbody><tr><td>1</td></tr></tbody></table>'
