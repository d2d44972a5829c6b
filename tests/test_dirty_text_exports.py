"""Text stored before the fields cleaned it (Word's Shift+Enter, a NUL, a unit
separator) never takes an export down: every writer cleans the text it writes."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from common.documents.xlsx import HEADER_ROW
from directives.models import Directive, Meeting
from reports.models import Indicator, ReportStatus, Unit, UnitReport
from sampledata.demo import demo_load
from tests.dirty import dirty, write_raw
from tests.downloads import docx_of, xlsx_of
from tests.once import kept_for_the_scope

pytestmark = pytest.mark.django_db

CLEAN = "Dòng một\ndòng hai đúng hạn"


@pytest.fixture(scope="module")
def dirty_world(django_db_setup, django_db_blocker):
    """The demo with dirty texts written around the fields, once for the module: its
    tests only read."""
    with kept_for_the_scope(django_db_blocker):
        yield _dirtied_demo()


def _dirtied_demo():
    demo_load(password="danvan2024-dirty")
    report = UnitReport.objects.filter(status=ReportStatus.ACCEPTED).select_related("quarter")
    report = report.first()
    meeting = Meeting.objects.filter(directives__isnull=False).first()
    directive = meeting.directives.first()
    write_raw(UnitReport, report.pk, results=dirty(), unit_name="Ban\x0bDân vận\x1f")
    write_raw(Unit, report.unit_id, name="Ban\x0bDân vận\x1f")
    write_raw(Meeting, meeting.pk, assessment=dirty(), title="Giao ban\x0c", venue="Hạ\x1fLong")
    write_raw(Directive, directive.pk, title="Chỉ\x0bđạo\x1f", text=dirty())
    indicator = Indicator.objects.filter(values__report=report).order_by("display_order").first()
    write_raw(Indicator, indicator.pk, group="Dân\x0bvận\x1f khéo")
    return report, meeting


def _docx_text(doc) -> str:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_the_consolidated_report_exports_despite_control_characters(client, dirty_world):
    report, _meeting = dirty_world
    client.force_login(User.objects.get(username="reviewer"))
    doc = docx_of(client.get(reverse("quarters:report_docx", args=[report.quarter.slug])))
    text = _docx_text(doc)
    assert "dòng hai đúng hạn" in text
    assert "\x0b" not in text and "\x1f" not in text


def test_the_indicator_workbook_exports_despite_control_characters(client, dirty_world):
    report, _meeting = dirty_world
    client.force_login(User.objects.get(username="reviewer"))
    book = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[report.quarter.slug])))
    unit_sheet = book["Theo đơn vị"]
    names = [row[0] for row in unit_sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)]
    assert "Ban\nDân vận" in names
    groups = [cell.value for cell in unit_sheet[HEADER_ROW - 1] if cell.value]
    assert "Dân\nvận khéo" in groups  # the groups' names above the header, cleaned too


def test_the_directive_register_exports_despite_control_characters(client, dirty_world):
    _report, meeting = dirty_world
    client.force_login(User.objects.get(username="reviewer"))
    book = xlsx_of(client.get(reverse("quarters:directives_xlsx", args=[meeting.quarter.slug])))
    titles = [
        row[2] for row in book.worksheets[0].iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]
    assert "Chỉ\nđạo" in titles


def test_the_conclusion_notice_exports_despite_control_characters(client, dirty_world):
    _report, meeting = dirty_world
    client.force_login(User.objects.get(username="reviewer"))
    url = reverse("quarters:notice_docx", args=[meeting.quarter.slug, meeting.pk])
    text = _docx_text(docx_of(client.get(url)))
    assert "Hạ" in text and "Long" in text
    assert "dòng hai đúng hạn" in text


def test_the_pages_that_show_the_dirty_texts_still_open(client, dirty_world):
    report, meeting = dirty_world
    client.force_login(User.objects.get(username="reviewer"))
    for url in (
        reverse("quarters:detail", args=[report.quarter.slug]),
        reverse("quarters:detail", args=[meeting.quarter.slug]),
    ):
        assert client.get(url).status_code == 200
