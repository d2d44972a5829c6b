"""Figures as people type them: one reading per page language, never a guess."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from common.numbers import VALUE_MAX, FigureField, format_figure, parse_figure, query_int
from reports.models import Indicator, IndicatorValue, UnitKind, UnitReport
from tests import factories as f


def refusal(text, **kwargs) -> str:
    with pytest.raises(ValidationError) as error:
        parse_figure(text, **kwargs)
    return error.value.messages[0]


# --- What a Vietnamese page accepts -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1234", Decimal("1234")),
        ("1.234", Decimal("1234")),
        ("1.500", Decimal("1500")),
        ("10.000", Decimal("10000")),
        ("1.234,5", Decimal("1234.5")),
        ("1.234.567,25", Decimal("1234567.25")),
        ("12,5", Decimal("12.5")),
        ("12,50", Decimal("12.5")),
        (" 2 000 ", Decimal("2000")),
        ("1\u00a0234", Decimal("1234")),
        ("0", Decimal("0")),
        ("-0", Decimal("0")),
    ],
)
def test_a_vietnamese_page_reads_numbers_as_vietnamese_write_them(text, value):
    assert parse_figure(text, language="vi") == value


@pytest.mark.parametrize(
    ("text", "value"),
    [("1,234", Decimal("1234")), ("1,234.5", Decimal("1234.5")), ("12.5", Decimal("12.5"))],
)
def test_an_english_page_reads_english_grouping(text, value):
    assert parse_figure(text, language="en") == value


# --- Two readings: refused with both shown ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("10,000", ("10", "10.000")),
        ("1,500", ("1,5", "1.500")),
        ("2.5", ("2,5", "25")),
        ("1.5", ("1,5", "15")),
        ("12.5", ("12,5", "125")),
        ("12,500", ("12,5", "12.500")),
    ],
)
def test_a_number_two_readings_could_give_is_refused_with_both_readings(text, readings):
    message = refusal(text, language="vi")
    first, second = readings
    assert f"“{text}”" in message
    assert f"{first} hoặc {second}" in message


def test_ten_thousand_typed_the_english_way_on_an_english_page_is_ten_thousand():
    assert parse_figure("10,000", language="en") == Decimal("10000")


def test_english_grouping_on_a_vietnamese_page_is_answered_with_its_vietnamese_writing():
    assert "1.234,5" in refusal("1,234.5", language="vi")
    assert "1.000.000" in refusal("1,000,000", language="vi")


# --- Not numbers, and numbers that cannot be figures -----------------------------------


@pytest.mark.parametrize(
    "text", ["abc", "", "   ", "1e30", "NaN", "Infinity", "12abc", "٣", "²", "1/2", "2 5", "--1"]
)
def test_what_is_not_a_number_is_refused_with_an_example(text):
    assert "Hãy nhập một số, ví dụ 1.234 hoặc 12,5" in refusal(text, language="vi")


def test_a_negative_is_refused():
    assert "không được âm" in refusal("-5", language="vi")


def test_more_decimals_than_a_figure_has_are_refused():
    assert "tối đa 2 chữ số thập phân" in refusal("0,125", language="vi")


def test_a_fraction_of_a_thing_counted_whole_is_refused():
    assert "số nguyên" in refusal("2,5", language="vi", whole=True)
    assert parse_figure("2,0", language="vi", whole=True) == Decimal(2)


def test_a_figure_above_its_ceiling_or_the_columns_is_refused():
    assert "100" in refusal("120", language="vi", max_value=Decimal(100))
    assert "quá lớn" in refusal("1.000.000.000.000", language="vi")


# --- Printed and read back ---------------------------------------------------------------


def test_figures_are_printed_grouped_with_decimals_only_when_any():
    assert format_figure(Decimal("1234567.50"), language="vi") == "1.234.567,5"
    assert format_figure(Decimal("12.00"), language="vi") == "12"
    assert format_figure(Decimal("1234.5"), language="en") == "1,234.5"
    assert format_figure(None) == ""


figures = st.decimals(min_value=0, max_value=VALUE_MAX, places=2, allow_nan=False)


@settings(max_examples=3 * settings.default.max_examples, deadline=None)
@given(value=figures, language=st.sampled_from(["vi", "en"]))
def test_a_printed_figure_reads_back_as_the_same_figure(value, language):
    assert parse_figure(format_figure(value, language=language), language=language) == value


@settings(max_examples=settings.default.max_examples, deadline=None)
@given(value=st.integers(min_value=0, max_value=int(VALUE_MAX)))
def test_a_printed_whole_figure_reads_back_as_whole(value):
    text = format_figure(value, language="vi")
    assert parse_figure(text, language="vi", whole=True) == value


def test_the_figure_field_shows_a_stored_figure_grouped():
    field = FigureField(required=False)
    assert field.prepare_value(Decimal("1234.50")) == "1.234,5"
    assert field.clean("") is None


# --- The report form -----------------------------------------------------------------------


@pytest.fixture
def page(db):
    unit = f.UnitFactory(code="bdv", kind=UnitKind.MASS_MOBILIZATION)
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))
    reporter = f.member(unit, user__username="bdv-reporter")
    people = f.IndicatorFactory(name="Lượt người dự", measure="lượt người")
    money = f.IndicatorFactory(name="Quỹ vận động", measure="triệu đồng", whole_numbers=False)
    return {
        "url": reverse("reports:report", args=[unit.code, quarter.slug]),
        "reporter": reporter,
        "people": people,
        "money": money,
    }


def save(client, page, report=None, **values):
    data = {"version": report.version if report else 0, "results": "Kết quả", "action": "save"}
    data.update({f"value_{page[name].id}": text for name, text in values.items()})
    return client.post(page["url"], data, HTTP_ACCEPT_LANGUAGE="vi")


def test_ten_thousand_typed_with_a_comma_is_refused_not_stored_as_ten(client, page):
    client.force_login(page["reporter"])
    response = save(client, page, people="10,000")
    assert response.status_code == 400
    body = response.content.decode()
    assert "10 hoặc 10.000" in body
    assert 'value="10,000"' in body
    assert not IndicatorValue.objects.exists()


def test_a_fraction_of_people_is_refused_but_money_may_have_decimals(client, page):
    client.force_login(page["reporter"])
    response = save(client, page, people="12,5", money="12,5")
    assert response.status_code == 400
    assert "số nguyên" in response.content.decode()
    response = save(client, page, people="12", money="12,5")
    assert response.status_code == 302
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [
        Decimal("12"),
        Decimal("12.5"),
    ]


def test_a_saved_figure_shows_grouped_and_saves_again_unchanged(client, page):
    client.force_login(page["reporter"])
    save(client, page, people="1234", money="1234,5")
    body = client.get(page["url"], HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    people_input = f'name="value_{page["people"].id}"'
    assert people_input in body
    assert 'value="1.234"' in body
    assert 'value="1.234,5"' in body
    report = UnitReport.objects.get()
    response = save(client, page, report, people="1.234", money="1.234,5")
    assert response.status_code == 302
    assert sorted(IndicatorValue.objects.values_list("value", flat=True)) == [
        Decimal("1234"),
        Decimal("1234.5"),
    ]


# --- Which indicators are counted whole (the data migration) ------------------------------


@pytest.mark.django_db
def test_percentages_money_rates_and_indicators_with_decimals_on_record_allow_fractions():
    migration = importlib.import_module(
        "reports.migrations.0010_indicator_fractions_for_rates_and_money"
    )
    rate = f.IndicatorFactory(measure="%")
    money = f.IndicatorFactory(measure="triệu đồng")
    mean = f.IndicatorFactory(measure="điểm", aggregation="mean")
    named = f.IndicatorFactory(name="Tỷ lệ hộ văn hóa", measure="hộ")
    people = f.IndicatorFactory(measure="người")
    sessions = f.IndicatorFactory(measure="buổi")
    halves = f.IndicatorFactory(measure="ngày công")
    f.IndicatorValueFactory(indicator=sessions, value=Decimal("12"))
    f.IndicatorValueFactory(indicator=halves, value=Decimal("12.5"))
    migration.allow_fractions(apps, None)
    whole = dict(Indicator.objects.values_list("pk", "whole_numbers"))
    assert [whole[i.pk] for i in (rate, money, mean, named, halves)] == [False] * 5
    assert [whole[i.pk] for i in (people, sessions)] == [True, True]


# --- Numbers in query strings ----------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["²", "٣", "1e9", "-1", "99999999999999999999", "", "abc", " 3", "3.0", None]
)
def test_a_query_number_that_is_not_plain_ascii_digits_is_the_default(raw):
    assert query_int(raw, default=7) == 7


def test_a_query_number_of_ascii_digits_is_read_within_bounds():
    assert query_int("12") == 12
    assert query_int("12", maximum=10, default=1) == 1
    assert query_int("0", minimum=1, default=1) == 1


# --- The admin ----------------------------------------------------------------------------


def admin_form(model, data, language="vi"):
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    model_admin = django_admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = f.UserFactory(is_superuser=True, is_staff=True)
    with translation.override(language):
        form = model_admin.get_form(request)(data)
        form.is_valid()
        return form, {name: [str(e) for e in errors] for name, errors in form.errors.items()}


@pytest.mark.django_db
def test_the_admin_reads_a_directive_target_like_the_directive_form():
    from directives.models import Directive

    indicator = f.IndicatorFactory(measure="huyện")
    data = {"target_indicator": indicator.pk, "target_min": "10,000", "target_max": "4,5"}
    _form, errors = admin_form(Directive, data)
    assert "10 hoặc 10.000" in errors["target_min"][0]
    assert "số nguyên" in errors["target_max"][0]


@pytest.mark.django_db
def test_the_admin_reads_an_indicators_ceiling_and_offers_whole_units():
    form, _errors = admin_form(Indicator, {"max_value": "1.000"})
    assert form.cleaned_data["max_value"] == Decimal("1000")
    assert "whole_numbers" in form.fields


@settings(max_examples=3 * settings.default.max_examples, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60),
        st.text(alphabet="0123456789.,- \u00a0", max_size=60),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(str),
    ),
    language=st.sampled_from(["vi", "en"]),
)
def test_any_typed_text_is_a_figure_or_a_message_never_an_error(text, language):
    try:
        value = parse_figure(text, language=language)
    except ValidationError as error:
        assert error.messages[0]
    else:
        assert 0 <= value <= VALUE_MAX


def test_a_very_long_run_of_digits_is_refused_with_a_message_not_an_error():
    assert "quá lớn" in refusal("9" * 39, language="vi")
    assert refusal("1." + "0" * 33, language="vi")
    # Read with its group marks ignored this is a 33-digit number: still a message.
    assert refusal("0.00000855214191251625725142561696", language="vi")
    assert format_figure(Decimal("1E+40"), language="vi").startswith("10.000")


def test_a_fraction_in_a_whole_number_field_is_refused_without_naming_an_indicator():
    """The percent done of a task said "Chỉ tiêu này…" (this indicator) of a fraction."""
    from common.numbers import FigureField

    with pytest.raises(ValidationError) as refused:
        FigureField(whole=True).clean("50,5")
    assert refused.value.messages == [
        "Số này tính theo đơn vị nguyên: hãy nhập số nguyên, không có phần thập phân."
    ]
