"""The unit pickers: the search behind them, and selects that hold only the chosen units."""

import datetime
import re

import pytest
from django import forms
from django.urls import reverse

from common.text import search_words
from common.widgets import UnitSearchSelect, UnitSearchSelectMultiple
from reports.models import MembershipRole, Unit
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("reports:unit_search")


@pytest.fixture
def units():
    return {
        "women": f.UnitFactory(
            code="lhpn", name="Hội Liên hiệp Phụ nữ tỉnh", short_name="Hội LHPN"
        ),
        "youth": f.UnitFactory(code="td", name="Tỉnh đoàn", display_order=2),
        "farmers": f.UnitFactory(code="hnd", name="Hội Nông dân tỉnh", display_order=1),
        "old": f.UnitFactory(
            code="hnd-cu",
            name="Hội Nông dân huyện cũ",
            display_order=3,
            valid_to=datetime.date(2023, 12, 31),
        ),
    }


def names(response) -> list[str]:
    return [unit["text"] for unit in response.json()["results"]]


@pytest.mark.parametrize("q", ["hoi nong dan", "HỘI NÔNG DÂN", "nong  Dan", "dân hội"])
def test_it_finds_units_ignoring_diacritics_case_and_word_order(client, units, q):
    client.force_login(f.reviewer())
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert names(response) == ["Hội Nông dân tỉnh", "Hội Nông dân huyện cũ"]


def test_it_answers_ids_and_names_as_json(client, units):
    client.force_login(f.reviewer())
    response = client.get(URL, {"q": "doan"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"results": [{"id": units["youth"].pk, "text": "Tỉnh đoàn"}]}


def test_it_finds_units_by_code_and_short_name(client, units):
    client.force_login(f.reviewer())
    assert names(client.get(URL, {"q": "lhpn"})) == ["Hội Liên hiệp Phụ nữ tỉnh"]
    assert names(client.get(URL, {"q": "hnd-cu"})) == ["Hội Nông dân huyện cũ"]


def test_current_only_leaves_out_units_that_have_ended(client, units):
    client.force_login(f.reviewer())
    response = client.get(URL, {"q": "nong dan", "current": "1"})
    assert names(response) == ["Hội Nông dân tỉnh"]


def test_an_empty_search_finds_nothing(client, units):
    client.force_login(f.reviewer())
    assert names(client.get(URL, {"q": "  "})) == []
    assert names(client.get(URL)) == []


def test_it_answers_at_most_twenty_units_in_the_usual_order(client):
    for number in range(30, 0, -1):
        f.UnitFactory(code=f"xa-{number}", name=f"Xã số {number:02}", display_order=number)
    client.force_login(f.leader())
    found = names(client.get(URL, {"q": "xa so"}))
    assert found == [f"Xã số {number:02}" for number in range(1, 21)]


def test_it_runs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    for number in range(40):
        f.UnitFactory(name=f"Xã số {number}")
    client.force_login(f.reviewer())
    # session, user, its second factor, memberships, roots, units
    with django_assert_max_num_queries(6):
        client.get(URL, {"q": "xa so"})


def test_a_long_search_is_cut_short_without_an_error(client, units):
    client.force_login(f.reviewer())
    response = client.get(URL, {"q": "nong dan " + "x" * 5000})
    assert response.status_code == 200
    assert names(response) == []


def test_a_nul_character_separates_words(client, units):
    # PostgreSQL refuses a NUL in a query: it must never reach the database.
    assert search_words("nong\x00dan") == ["nong", "dan"]
    client.force_login(f.reviewer())
    response = client.get(URL, {"q": "nong\x00dan"})
    assert response.status_code == 200
    assert names(response) == ["Hội Nông dân tỉnh", "Hội Nông dân huyện cũ"]


@pytest.mark.parametrize(
    "who",
    [
        lambda unit: f.reviewer(),
        lambda unit: f.leader(),
        lambda unit: f.member(unit),
        lambda unit: f.member(unit, MembershipRole.HEAD),
        lambda unit: f.admin(),
    ],
    ids=["reviewer", "leader", "reporter", "head", "admin"],
)
def test_everyone_who_may_open_the_register_may_search(client, units, who):
    client.force_login(who(units["youth"]))
    assert client.get(URL, {"q": "doan"}).status_code == 200


def test_a_user_without_a_role_or_unit_is_refused(client, units):
    client.force_login(f.UserFactory())
    assert client.get(URL, {"q": "doan"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, units):
    response = client.get(URL, {"q": "doan"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_only_get(client, units):
    client.force_login(f.reviewer())
    assert client.post(URL, {"q": "doan"}).status_code == 405


# ------------------------------------------------------------------- widgets


class _UnitForm(forms.Form):
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.order_by("display_order", "name"),
        required=False,
        widget=UnitSearchSelect(),
    )
    units = forms.ModelMultipleChoiceField(
        queryset=Unit.objects.filter(valid_to__isnull=True),
        widget=UnitSearchSelectMultiple(current_only=True),
    )


def option_count(html: str) -> int:
    return html.count("<option")


def options_chosen(html: str) -> list[str]:
    return re.findall(r"<option [^>]*selected>([^<]*)</option>", html)


def test_the_select_lists_only_the_chosen_unit(units):
    form = _UnitForm(data={"unit": units["youth"].pk, "units": [units["women"].pk]})
    html = str(form["unit"])
    assert option_count(html) == 2  # the empty choice and the chosen unit
    assert f'<option value="{units["youth"].pk}" selected>Tỉnh đoàn</option>' in html
    assert "Hội Nông dân" not in html
    assert f'data-search-url="{URL}"' in html


def test_the_multiple_select_lists_only_the_chosen_units_and_searches_current_ones(units):
    chosen = [units["women"].pk, units["farmers"].pk]
    html = str(_UnitForm(data={"units": chosen})["units"])
    assert option_count(html) == 2
    assert html.count(" selected>") == 2
    assert "Tỉnh đoàn" not in html
    assert f'data-search-url="{URL}?current=1"' in html
    assert "multiple" in html


def test_an_empty_select_runs_no_query(units, django_assert_num_queries):
    form = _UnitForm()
    with django_assert_num_queries(0):
        html = str(form["unit"]) + str(form["units"])
    assert option_count(html) == 1


def test_the_picker_texts_come_from_the_page_in_its_language(units):
    from django.utils import translation

    with translation.override("vi"):
        html = str(_UnitForm()["unit"])
    assert 'data-placeholder="Gõ tên đơn vị"' in html
    assert "data-no-results=" in html
    assert "data-type-to-search=" in html


@pytest.mark.parametrize("bad", ["999999", "abc", "1 OR 1=1", "-1", "9" * 30])
def test_a_value_that_is_no_unit_renders_no_option(units, bad):
    # Validation is the field's (tests/directives/test_unit_pickers.py); the widget
    # never fails on what a browser may send.
    fields = _UnitForm().fields
    assert option_count(fields["unit"].widget.render("unit", bad)) == 1
    html = fields["units"].widget.render("units", [bad, str(units["women"].pk)])
    assert options_chosen(html) == ["Hội Liên hiệp Phụ nữ tỉnh"]


@pytest.mark.parametrize("bad", ["999999", "abc", "-1", "9" * 30])
def test_an_unknown_unit_is_a_form_error(units, bad):
    form = _UnitForm(data={"unit": bad, "units": [units["women"].pk]})
    assert not form.is_valid()
    assert set(form.errors) == {"unit"}


def test_a_unit_that_has_ended_is_refused_where_only_current_units_may_be_chosen(units):
    form = _UnitForm(data={"units": [units["old"].pk]})
    assert not form.is_valid()
    assert "units" in form.errors
    assert option_count(str(form["units"])) == 0


def test_the_media_bring_tom_select_and_the_picker_script_deferred():
    media = str(_UnitForm().media)
    assert "vendor/tom-select/css/tom-select.bootstrap5.min.css" in media
    assert "css/unit_picker.css" in media
    assert "vendor/tom-select/js/tom-select.complete.min.js" in media
    assert media.count(" defer") == 2
