"""The report form: indicator values, bad input, long text, escaping, concurrent edits."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.forms import SECTION_MAX_LENGTH
from reports.models import IndicatorValue, ReportStatus, UnitKind, UnitReport
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit():
    return f.UnitFactory(code="bdv", kind=UnitKind.MASS_MOBILIZATION)


@pytest.fixture
def quarter():
    f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2024, 4, 10), closed=True)
    return f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))


@pytest.fixture
def reporter(unit):
    return f.member(unit, user__username="bdv-reporter", user__first_name="Lan")


@pytest.fixture
def head(unit):
    return f.member(unit, role="head", user__username="bdv-head", user__first_name="Hùng")


@pytest.fixture
def indicator():
    return f.IndicatorFactory(
        code="ADV_DOCS", name="Văn bản tham mưu", unit_kinds=["mass_mobilization"]
    )


@pytest.fixture
def url(unit, quarter):
    return reverse("reports:report", args=[unit.code, quarter.slug])


def post(client, url, report=None, **fields):
    return client.post(url, f.report_form_data(report, **fields))


# --- The form page ----------------------------------------------------------------------


def test_the_form_shows_the_unit_kinds_indicators_with_last_quarters_value(
    client, unit, quarter, reporter, indicator
):
    f.IndicatorFactory(name="Chỉ tiêu của quân đội", unit_kinds=["armed_forces"])
    f.IndicatorFactory(name="Chỉ tiêu đã bỏ", is_active=False)
    previous = f.UnitReportFactory(unit=unit, quarter=f.QuarterFactory(year=2024, number=1))
    f.IndicatorValueFactory(report=previous, indicator=indicator, value=Decimal("1234.5"))
    client.force_login(reporter)
    body = client.get(
        reverse("reports:report", args=[unit.code, quarter.slug]),
        HTTP_ACCEPT_LANGUAGE="vi",
    ).content.decode()
    assert "Văn bản tham mưu" in body
    assert "Chỉ tiêu của quân đội" not in body
    assert "Chỉ tiêu đã bỏ" not in body
    assert "1.234,5" in body  # Vietnamese number format


def test_values_are_saved_and_an_emptied_value_is_removed(client, url, reporter, indicator):
    indicator.whole_numbers = False
    indicator.save()
    client.force_login(reporter)
    post(client, url, **{f"value_{indicator.id}": "12,5", f"note_{indicator.id}": "Quý II"})
    value = IndicatorValue.objects.get()
    assert (value.value, value.note) == (Decimal("12.5"), "Quý II")
    report = UnitReport.objects.get()
    post(client, url, report, **{f"value_{indicator.id}": ""})
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize(
    "bad", ["-3", "abc", "1e30", str(10**15), "1,255", "999999999999999999999999"]
)
def test_a_bad_value_is_refused_next_to_the_field_and_everything_typed_is_kept(
    client, url, reporter, indicator, bad
):
    client.force_login(reporter)
    response = post(client, url, results="Văn bản đang soạn", **{f"value_{indicator.id}": bad})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'id="id_value_{indicator.id}-errors"' in body
    assert "Văn bản đang soạn" in body
    assert f'value="{bad}"' in body
    assert not UnitReport.objects.exists()


def test_a_value_above_the_indicators_limit_is_refused(client, url, reporter):
    rate = f.IndicatorFactory(name="Tỷ lệ", measure="%", max_value=Decimal(100))
    client.force_login(reporter)
    response = post(client, url, **{f"value_{rate.id}": "120"})
    assert response.status_code == 400
    assert "100" in response.content.decode()


def test_text_far_longer_than_a_report_is_refused_with_a_message(client, url, reporter):
    client.force_login(reporter)
    response = post(client, url, results="a" * (SECTION_MAX_LENGTH + 1), next_plan="Giữ lại")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_results-errors"' in body
    assert "Giữ lại" in body
    assert not UnitReport.objects.exists()


def test_html_in_the_narrative_is_stored_as_typed_and_shown_escaped(
    client, url, reporter, reviewer_user
):
    client.force_login(reporter)
    post(client, url, results="<script>alert(1)</script>\n<b>đậm</b>")
    report = UnitReport.objects.get()
    assert report.results == "<script>alert(1)</script>\n<b>đậm</b>"
    body = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


@pytest.fixture
def reviewer_user():
    return f.reviewer(username="reviewer")


def test_the_read_view_escapes_html_and_keeps_line_breaks(client, unit, quarter, url, head):
    from reports import services

    report = f.UnitReportFactory(
        unit=unit,
        quarter=quarter,
        **{**f.REPORT_SECTIONS, "results": "<img src=x onerror=alert(1)>\nDòng 2"},
    )
    services.report_submit(report=report, user=head, expected_version=report.version)
    client.force_login(f.reviewer(username="reviewer"))
    body = client.get(url).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;<br>Dòng 2" in body


# --- Two people editing at once ------------------------------------------------------------


def test_a_stale_save_is_refused_and_both_versions_are_shown(
    client, unit, quarter, url, reporter, head
):
    client.force_login(reporter)
    post(client, url, results="Bản đầu")
    report = UnitReport.objects.get()
    opened_version = report.version
    client.force_login(head)
    post(client, url, report, results="Bản của trưởng đơn vị")
    client.force_login(reporter)
    response = client.post(
        url,
        {"version": opened_version, **f.REPORT_SECTIONS, "results": "Bản của người báo cáo"},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Bản của người báo cáo" in body  # what I typed, still in the field
    assert "Bản của trưởng đơn vị" in body  # what is on record, beside it
    assert "Hùng" in body  # who saved it
    assert 'class="conflict-panel' in body
    report.refresh_from_db()
    assert report.results == "Bản của trưởng đơn vị"


@pytest.mark.parametrize("action", ["save", "submit"])
def test_a_save_from_a_page_opened_before_the_head_submitted_says_so(
    client, unit, quarter, url, reporter, head, action
):
    """A stale page of a report submitted meanwhile (by the head, or from another tab)
    was refused as if its writer had no right to it (403)."""
    from reports import services

    client.force_login(reporter)
    post(client, url, results="Bản nháp")
    report = UnitReport.objects.get()
    opened_version = report.version
    services.report_submit(report=report, user=head, expected_version=report.version)
    response = client.post(
        url,
        {
            "version": opened_version,
            **f.REPORT_SECTIONS,
            "results": "Sửa sau khi đã gửi",
            "action": action,
        },
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "đã được" in body and "Hùng" in body and "trong khi trang này đang mở" in body
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.results == "Bản nháp"
    client.force_login(f.member(f.UnitFactory(code="khac")))
    assert client.post(url, {"version": report.version}).status_code == 404  # another unit's


def test_two_people_starting_the_same_report_do_not_overwrite_each_other(
    client, url, reporter, head
):
    client.force_login(head)
    post(client, url, results="Người thứ nhất")
    client.force_login(reporter)
    response = post(client, url, results="Người thứ hai")  # form opened before the report existed
    assert response.status_code == 409
    assert UnitReport.objects.get().results == "Người thứ nhất"


def test_the_form_carries_the_version_and_the_browser_copy_key(client, url, reporter):
    client.force_login(reporter)
    post(client, url)
    body = client.get(url).content.decode()
    assert 'name="version" value="2"' in body
    assert 'data-keep="report:bdv:2024-q2"' in body  # stored as danvan:report:bdv:2024-q2
    assert 'data-max-length="20000"' in body  # the counter of each section (site.js)


# --- Bounded queries --------------------------------------------------------------------


@pytest.mark.parametrize("units", [3, 30])
def test_the_form_page_runs_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, unit, quarter, url, reporter, units
):
    indicators = [f.IndicatorFactory(group=f"Nhóm {i % 3}") for i in range(10)]
    previous = f.UnitReportFactory(unit=unit, quarter=f.QuarterFactory(year=2024, number=1))
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    for indicator in indicators:
        f.IndicatorValueFactory(report=previous, indicator=indicator)
        f.IndicatorValueFactory(report=report, indicator=indicator)
    for _ in range(units):
        other = f.UnitFactory()
        f.UnitReportFactory(unit=other, quarter=quarter)
    client.force_login(reporter)
    # + the quality checks (indicators, rules, quarters, history, units beside: 5) and
    # the follow-up marks and the annexes (2).
    with django_assert_max_num_queries(22):
        assert client.get(url).status_code == 200


def test_a_stale_save_shows_the_indicator_values_on_record_too(
    client, url, reporter, head, indicator
):
    client.force_login(reporter)
    post(client, url, **{f"value_{indicator.id}": "5"})
    report = UnitReport.objects.get()
    opened_version = report.version
    client.force_login(head)
    post(client, url, report, **{f"value_{indicator.id}": "1.500"})
    client.force_login(reporter)
    response = client.post(
        url, {"version": opened_version, **f.REPORT_SECTIONS, f"value_{indicator.id}": "7"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert f'name="value_{indicator.id}"' in body and 'value="7"' in body
    assert "<strong>1.500</strong>" in body
    assert IndicatorValue.objects.get().value == 1500


def test_the_hint_writes_numbers_as_the_pages_language_reads_them(client, url, reporter):
    """The English page said to write 1.234 or 12,5, which it then refused as ambiguous."""
    client.force_login(reporter)
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    vietnamese = client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Write numbers as 1,234 or 12.5" in english
    assert "Viết số theo dạng 1.234 hoặc 12,5" in vietnamese


def test_no_text_area_lets_the_browser_cut_a_paste_at_its_limit(client, reviewer_user):
    """A text area with maxlength keeps the first 20,000 characters of a longer paste
    without a word; its limit is the server's, which refuses with a message."""
    f.QuarterFactory(year=2024, number=1)
    client.force_login(reviewer_user)
    for page in [reverse("meetings:new")]:  # its assessment, basis, shortcomings
        body = client.get(page).content.decode()
        areas = re.findall(r"<textarea[^>]*>", body)
        assert areas, page
        assert not [area for area in areas if "maxlength" in area], page
        assert all("data-max-length=" in area for area in areas), page


def test_a_first_save_from_a_page_opened_before_the_quarter_closed_says_so(
    client, unit, quarter, url, reporter
):
    """A report never saved, whose quarter closed while its page was open: the writer
    was refused as if they had no right to it (403)."""
    client.force_login(reporter)
    page = client.get(url)
    assert page.status_code == 200
    quarter.closed = True
    quarter.save()
    response = client.post(url, {"version": 0, **f.REPORT_SECTIONS, "action": "save"})
    assert response.status_code == 409
    assert "Quý đã khóa sổ" in response.content.decode()
    assert not UnitReport.objects.exists()


def test_a_save_from_a_page_opened_before_the_report_was_accepted_asks_to_reopen_it(
    client, unit, quarter, url, reporter, head, reviewer_user
):
    from reports import services

    client.force_login(reporter)
    post(client, url, results="Bản nháp")
    report = UnitReport.objects.get()
    opened_version = report.version
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    services.report_accept(report=report, user=reviewer_user)
    response = client.post(url, {"version": opened_version, **f.REPORT_SECTIONS})
    assert response.status_code == 409
    assert "đề nghị Ban mở lại báo cáo" in response.content.decode()
