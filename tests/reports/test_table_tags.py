"""The table pieces every list page is built from: ``{% list_table %}`` and ``{% empty_row %}``."""

import lxml.html
from django.template import Context, Template

PAGE = Template(
    "{% load tables %}"
    '{% list_table "Đơn vị" label "Số" classes="table-hover" head_class="table-light" '
    "caption=label numbers_from=3 %}"
    "{% for row in rows %}<tr><td>{{ row }}</td></tr>"
    "{% empty %}{% empty_row 3 %}{{ label }}{% endempty_row %}{% endfor %}"
    "{% endlist_table %}"
)
HOSTILE = '<script>alert("x")</script>'


def render(**context) -> lxml.html.HtmlElement:
    return lxml.html.fragment_fromstring(PAGE.render(Context(context)))


def test_the_table_scrolls_sideways_with_its_headings_over_its_rows():
    wrapper = render(label="Kỳ", rows=["Một", "Hai"])

    assert wrapper.get("class") == "table-responsive"
    (table,) = wrapper
    assert table.get("class") == "table table-hover"
    assert table.xpath("caption")[0].text == "Kỳ"
    assert table.xpath("thead")[0].get("class") == "table-light"
    heads = table.xpath("thead/tr/th")
    assert [th.text for th in heads] == ["Đơn vị", "Kỳ", "Số"]
    assert [th.get("scope") for th in heads] == ["col"] * 3
    assert [th.get("class") for th in heads] == [None, None, "text-end"]
    assert [td.text for td in table.xpath("tbody/tr/td")] == ["Một", "Hai"]


def test_an_empty_list_says_so_across_every_column():
    (table,) = render(label="Chưa có gì.", rows=[])

    (cell,) = table.xpath("tbody/tr/td")
    assert cell.get("colspan") == "3"
    assert cell.get("class") == "text-muted"
    assert cell.text == "Chưa có gì."


def test_typed_text_in_headings_captions_and_rows_stays_text():
    html = PAGE.render(Context({"label": HOSTILE, "rows": [HOSTILE]}))

    assert "<script>" not in html
    assert html.count("&lt;script&gt;") == 3
