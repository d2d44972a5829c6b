"""The reporting models: quarters, units, reports and values, and the rules the database keeps."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from reports.models import (
    Indicator,
    Membership,
    Quarter,
    ReportStatus,
    Unit,
    UnitKind,
    UnitReport,
)
from reports.rules import Timeliness
from tests.factories import (
    IndicatorFactory,
    IndicatorValueFactory,
    MembershipFactory,
    QuarterFactory,
    UnitFactory,
    UnitReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


# --- Quarter --------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "roman"), [(1, "I"), (2, "II"), (3, "III"), (4, "IV")])
def test_a_quarter_reads_the_vietnamese_way(number, roman):
    quarter = Quarter(year=2024, number=number, due_date=datetime.date(2024, 12, 1))
    with translation.override("vi"):
        assert quarter.label == f"Quý {roman}/2024"
        assert str(quarter) == f"Quý {roman}/2024"


@pytest.mark.parametrize(("number", "roman"), [(1, "I"), (2, "II"), (3, "III"), (4, "IV")])
def test_a_quarter_label_in_english_keeps_the_numeral_and_year(number, roman):
    quarter = Quarter(year=2024, number=number, due_date=datetime.date(2024, 12, 1))
    with translation.override("en"):
        label = quarter.label
    assert label.startswith("Q")
    assert label.endswith(f"{roman}/2024")
    assert "Quý" not in label


@pytest.mark.parametrize(("number", "slug"), [(1, "2024-q1"), (4, "2024-q4")])
def test_a_quarter_has_a_url_slug(number, slug):
    assert Quarter(year=2024, number=number).slug == slug


def test_a_quarter_is_found_by_its_slug():
    QuarterFactory(year=2023, number=4)
    wanted = QuarterFactory(year=2024, number=1)
    QuarterFactory(year=2024, number=2)
    assert Quarter.objects.get_by_slug("2024-q1") == wanted
    assert Quarter.objects.get_by_slug(wanted.slug) == wanted


@pytest.mark.parametrize(
    "slug",
    ["2024-q5", "2024-q0", "2023-q1", "x", "2024q1", "../etc", "", "2024-q", "-q1", "2024-", "q1"],
)
def test_an_unknown_or_malformed_slug_is_not_found(slug):
    QuarterFactory(year=2024, number=1)
    with pytest.raises(Quarter.DoesNotExist):
        Quarter.objects.get_by_slug(slug)


@pytest.mark.parametrize("slug", ["2024-q²", "2024-q01", "٢٠٢٤-q1"])
def test_a_slug_in_any_but_the_canonical_form_is_not_found(slug):
    QuarterFactory(year=2024, number=1)
    with pytest.raises(Quarter.DoesNotExist):
        Quarter.objects.get_by_slug(slug)


def test_a_slug_with_a_huge_year_is_not_found():
    with pytest.raises(Quarter.DoesNotExist):
        Quarter.objects.get_by_slug("99999999999999999999-q1")


def test_the_current_quarter_is_the_latest_one_not_closed():
    QuarterFactory(year=2023, number=4, closed=True)
    older_open = QuarterFactory(year=2024, number=1)
    latest_open = QuarterFactory(year=2024, number=2)
    QuarterFactory(year=2022, number=3)
    assert Quarter.objects.current() == latest_open
    latest_open.closed = True
    latest_open.save()
    assert Quarter.objects.current() == older_open


def test_a_later_year_beats_a_higher_quarter_number():
    QuarterFactory(year=2023, number=4)
    first_of_2024 = QuarterFactory(year=2024, number=1)
    assert Quarter.objects.current() == first_of_2024


def test_there_is_no_current_quarter_when_all_are_closed():
    QuarterFactory(year=2024, number=1, closed=True)
    assert Quarter.objects.current() is None


def test_there_is_no_current_quarter_before_any_exists():
    assert Quarter.objects.current() is None


@pytest.mark.parametrize(
    ("year", "number", "start", "end"),
    [
        (2024, 1, datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)),
        (2024, 2, datetime.date(2024, 4, 1), datetime.date(2024, 6, 30)),
        (2024, 3, datetime.date(2024, 7, 1), datetime.date(2024, 9, 30)),
        (2024, 4, datetime.date(2024, 10, 1), datetime.date(2024, 12, 31)),
    ],
)
def test_a_quarter_knows_its_first_and_last_day(year, number, start, end):
    quarter = Quarter(year=year, number=number)
    assert quarter.start_date == start
    assert quarter.end_date == end


@pytest.mark.parametrize(
    ("year", "number", "previous"),
    [(2024, 1, (2023, 4)), (2024, 2, (2024, 1)), (2024, 3, (2024, 2)), (2024, 4, (2024, 3))],
)
def test_the_previous_quarter_crosses_the_year_after_the_first(year, number, previous):
    assert Quarter(year=year, number=number).previous_key() == previous


def test_days_left_count_down_to_the_due_date():
    quarter = Quarter(year=2024, number=1, due_date=datetime.date(2024, 3, 25))
    assert quarter.days_left(datetime.date(2024, 3, 20)) == 5
    assert quarter.days_left(datetime.date(2024, 3, 25)) == 0
    assert quarter.days_left(datetime.date(2024, 3, 27)) == -2


def test_days_left_default_to_today_in_hanoi():
    today = timezone.localdate()
    quarter = Quarter(year=today.year, number=1, due_date=today + datetime.timedelta(days=3))
    assert quarter.days_left() == 3


# --- UnitReport: timeliness ---------------------------------------------------------------


def report_due(due_date: datetime.date, **kwargs) -> UnitReport:
    quarter = QuarterFactory(year=2024, number=1, due_date=due_date)
    return UnitReportFactory(quarter=quarter, **kwargs)


@pytest.mark.parametrize(
    ("first_submitted_at", "timeliness"),
    [
        (datetime.datetime(2024, 3, 10, 23, 59, tzinfo=HANOI), Timeliness.ON_TIME),
        # 17:00 on the due date in UTC, as the database keeps it
        (datetime.datetime(2024, 3, 11, 0, 0, tzinfo=HANOI), Timeliness.LATE),
    ],
    ids=["the-due-date's-last-minute", "midnight-after-it"],
)
def test_a_report_is_late_from_midnight_after_the_due_date_in_hanoi(first_submitted_at, timeliness):
    report = report_due(
        datetime.date(2024, 3, 10),
        status=ReportStatus.SUBMITTED,
        first_submitted_at=first_submitted_at,
    )
    report.refresh_from_db()  # read back from the database in UTC
    assert report.first_submitted_at == first_submitted_at
    assert report.timeliness == timeliness
    assert report.is_late is (timeliness == Timeliness.LATE)


def test_lateness_goes_by_the_first_submission_not_a_resubmission():
    report = report_due(
        datetime.date(2024, 3, 10),
        status=ReportStatus.SUBMITTED,
        first_submitted_at=datetime.datetime(2024, 3, 8, 9, 0, tzinfo=HANOI),
        submitted_at=datetime.datetime(2024, 3, 20, 9, 0, tzinfo=HANOI),
    )
    assert report.timeliness == Timeliness.ON_TIME
    assert report.is_late is False


def test_a_report_never_submitted_is_missing_after_the_due_date():
    report = report_due(timezone.localdate() - datetime.timedelta(days=1))
    assert report.first_submitted_at is None
    assert report.timeliness == Timeliness.MISSING
    assert report.is_late is False


def test_a_report_never_submitted_is_not_due_on_the_due_date_itself():
    report = report_due(timezone.localdate())
    assert report.timeliness == Timeliness.NOT_DUE
    assert report.is_late is False


def test_a_report_never_submitted_is_not_due_before_the_due_date():
    report = report_due(timezone.localdate() + datetime.timedelta(days=5))
    assert report.timeliness == Timeliness.NOT_DUE


@pytest.mark.parametrize(
    ("status", "editable"),
    [
        (ReportStatus.DRAFT, True),
        (ReportStatus.RETURNED, True),
        (ReportStatus.SUBMITTED, False),
        (ReportStatus.ACCEPTED, False),
    ],
)
def test_only_draft_and_returned_reports_are_editable(status, editable):
    assert UnitReport(status=status).is_editable_status is editable


def test_a_report_lists_its_five_sections_in_order():
    report = UnitReportFactory(recommendations="Kiến nghị.")
    sections = report.sections()
    assert [name for name, _title, _text in sections] == list(UnitReport.SECTIONS)
    assert sections[0][2] == "Tình hình nhân dân ổn định."
    assert sections[-1][2] == "Kiến nghị."


# --- UnitReport: the unit's name as filed -----------------------------------------------


def test_a_report_keeps_the_unit_name_it_was_filed_under():
    unit = UnitFactory(name="Ban Dân vận Huyện ủy Hoành Bồ")
    report = UnitReportFactory(unit=unit)
    assert report.unit_name == "Ban Dân vận Huyện ủy Hoành Bồ"

    unit.name = "Ban Dân vận Thành ủy Hạ Long"
    unit.save()
    report.refresh_from_db()
    report.save()

    assert report.unit_name == "Ban Dân vận Huyện ủy Hoành Bồ"
    assert str(report).startswith("Ban Dân vận Huyện ủy Hoành Bồ")


def test_a_report_given_a_unit_name_keeps_it():
    report = UnitReportFactory(unit_name="Tên cũ")
    assert report.unit_name == "Tên cũ"


# --- Unit -------------------------------------------------------------------------------


def test_saving_a_unit_fills_its_search_text_without_diacritics():
    unit = UnitFactory(code="hlhpn", name="Hội Liên hiệp Phụ nữ tỉnh", short_name="Hội LHPN")
    assert unit.search_text == "hlhpn hoi lien hiep phu nu tinh hoi lhpn"
    unit.name = "Đoàn Thanh niên"
    unit.save()
    unit.refresh_from_db()
    assert "doan thanh nien" in unit.search_text
    assert "phu nu" not in unit.search_text


def test_a_unit_is_found_by_text_typed_without_diacritics():
    wanted = UnitFactory(name="Ủy ban MTTQ tỉnh")
    UnitFactory(name="Công an tỉnh")
    assert list(Unit.objects.filter(search_text__contains="uy ban mttq")) == [wanted]


def test_a_unit_label_prefers_the_short_name():
    assert Unit(name="Hội Nông dân tỉnh", short_name="HND").label == "HND"
    assert Unit(name="Hội Nông dân tỉnh").label == "Hội Nông dân tỉnh"


def test_saving_an_indicator_fills_its_search_text():
    indicator = IndicatorFactory(code="DVK_MODELS", name="Mô hình Dân vận khéo", group="Đăng ký")
    assert indicator.search_text == "dvk_models mo hinh dan van kheo dang ky"


def test_an_indicator_applies_to_the_kinds_ticked_or_to_all_when_none_are():
    everyone = Indicator(unit_kinds=[])
    fronts = Indicator(unit_kinds=[UnitKind.FRONT, UnitKind.MASS_ORG])
    assert everyone.applies_to(UnitKind.ARMED_FORCES)
    assert fronts.applies_to(UnitKind.MASS_ORG)
    assert not fronts.applies_to(UnitKind.ARMED_FORCES)


# --- constraints the database keeps ------------------------------------------------------


def test_a_unit_has_one_report_per_quarter():
    report = UnitReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitReport.objects.create(unit=report.unit, quarter=report.quarter)


def test_the_same_unit_may_report_on_another_quarter():
    report = UnitReportFactory()
    other = UnitReportFactory(unit=report.unit, quarter=QuarterFactory(year=2024, number=2))
    assert other.pk != report.pk


@pytest.mark.parametrize("value", [Decimal("-1"), Decimal("-0.01")])
def test_an_indicator_value_cannot_be_negative(value):
    report = UnitReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(report=report, value=value)


def test_zero_is_a_valid_indicator_value():
    assert IndicatorValueFactory(value=0).value == 0


def test_a_report_has_one_value_per_indicator():
    value = IndicatorValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorValueFactory(report=value.report, indicator=value.indicator, value=3)


@pytest.mark.parametrize("number", [0, 5])
def test_a_quarter_is_numbered_one_to_four(number):
    with pytest.raises(IntegrityError), transaction.atomic():
        Quarter.objects.create(year=2024, number=number, due_date=datetime.date(2024, 12, 1))


def test_a_quarter_exists_once():
    QuarterFactory(year=2024, number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quarter.objects.create(year=2024, number=1, due_date=datetime.date(2024, 3, 20))


def test_a_unit_cannot_end_before_it_begins():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(valid_from=datetime.date(2025, 7, 1), valid_to=datetime.date(2025, 6, 30))


def test_a_unit_may_exist_for_a_single_day():
    unit = UnitFactory(valid_from=datetime.date(2025, 7, 1), valid_to=datetime.date(2025, 7, 1))
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_a_unit_cannot_be_its_own_successor():
    unit = UnitFactory()
    unit.successor = unit
    with pytest.raises(IntegrityError), transaction.atomic():
        unit.save()


def test_unit_codes_are_unique():
    UnitFactory(code="bdv")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(code="bdv")


def test_a_user_has_one_role_per_unit():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=membership.user, unit=membership.unit, role="head")


def test_a_report_version_starts_at_one():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitReportFactory(version=0)


def test_a_report_status_must_be_known():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitReportFactory(status="lost")


@pytest.mark.parametrize("max_value", [Decimal("0"), Decimal("-5")])
def test_an_indicator_limit_must_be_above_zero(max_value):
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(max_value=max_value)


# --- model validation for forms -------------------------------------------------------


def test_a_value_above_the_indicator_limit_is_refused_with_a_sentence():
    indicator = IndicatorFactory(name="Tỷ lệ hộ gia đình văn hóa", measure="%", max_value=100)
    value = IndicatorValueFactory.build(
        report=UnitReportFactory(), indicator=indicator, value=Decimal("100.01")
    )
    with pytest.raises(ValidationError) as caught:
        value.clean()
    assert set(caught.value.message_dict) == {"value"}
    assert "Tỷ lệ hộ gia đình văn hóa" in caught.value.message_dict["value"][0]


def test_a_value_at_the_indicator_limit_is_accepted():
    indicator = IndicatorFactory(max_value=100)
    value = IndicatorValueFactory.build(report=UnitReportFactory(), indicator=indicator, value=100)
    value.clean()


def test_an_indicator_without_a_limit_takes_any_value():
    value = IndicatorValueFactory.build(
        report=UnitReportFactory(),
        indicator=IndicatorFactory(whole_numbers=False),
        value=Decimal("999999999999.99"),
    )
    value.full_clean()


def test_full_clean_refuses_a_negative_value_on_the_field():
    value = IndicatorValueFactory.build(
        report=UnitReportFactory(), indicator=IndicatorFactory(), value=-1
    )
    with pytest.raises(ValidationError) as caught:
        value.full_clean()
    assert "value" in caught.value.message_dict


def test_full_clean_explains_a_unit_ending_before_it_begins():
    unit = UnitFactory.build(
        valid_from=datetime.date(2025, 7, 1), valid_to=datetime.date(2025, 1, 1)
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        unit.full_clean()
    assert caught.value.message_dict["__all__"] == ["A unit cannot end before it begins."]


# --- history ---------------------------------------------------------------------------


@pytest.mark.usefixtures("factories_keep_history")
def test_every_save_of_a_report_is_kept_in_its_history_with_who_made_it():
    author = UserFactory(username="to_truong")
    report = UnitReportFactory()
    report.results = "Kết quả đã sửa."
    report._history_user = author
    report.save()

    history = list(report.history.order_by("history_date"))
    assert len(history) == 2
    assert [h.history_type for h in history] == ["+", "~"]
    assert history[0].results == "Kết quả thực hiện nhiệm vụ."
    assert history[1].results == "Kết quả đã sửa."
    assert history[1].history_user == author


@pytest.mark.usefixtures("factories_keep_history")
def test_indicator_values_keep_a_history_too():
    value = IndicatorValueFactory(value=5)
    value.value = 7
    value.save()
    assert [h.value for h in value.history.order_by("history_date")] == [5, 7]
