"""The trail above a page: ``{% breadcrumbs %}``, ``{% crumb %}`` and ``{% here %}``."""

import lxml.html
import pytest
from django.template import Context, Template

from tests import factories as f

TRAIL = Template(
    '{% load breadcrumbs %}{% breadcrumbs classes="small" %}'
    '{% crumb "Báo cáo" "reports:list" %}{% crumb name %}'
    '{% crumb quarter.label "reports:report" code quarter %}'
    "{% here %}{{ name }}{% endhere %}{% endbreadcrumbs %}"
)


@pytest.mark.django_db
def test_the_trail_links_the_pages_on_the_way_and_marks_the_page_itself():
    quarter = f.QuarterFactory(year=2024, number=1)
    html = TRAIL.render(Context({"name": "<b>Đoàn</b>", "quarter": quarter, "code": "bdv"}))

    nav = lxml.html.fragment_fromstring(html)
    assert nav.tag == "nav" and nav.get("aria-label")
    (trail,) = nav
    assert trail.get("class") == "breadcrumb small"
    items = trail.xpath("li")
    assert [li.get("class") for li in items] == ["breadcrumb-item"] * 3 + ["breadcrumb-item active"]
    assert [a.get("href") for a in trail.xpath("li/a")] == ["/reports/", "/reports/bdv/2024-q1/"]
    assert items[1].text == items[3].text == "<b>Đoàn</b>"  # typed text stays text
    assert items[3].get("aria-current") == "page"
