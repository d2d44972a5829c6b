"""Unit fields of the follow-up pages: the page holds only the chosen units, the
filters and forms accept the same ids as before and refuse unknown ones in words."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from directives.models import Directive, Meeting, Recommendation
from tests import factories as f
from tests.directives.world import new_meeting_data

pytestmark = pytest.mark.django_db

SEARCH = reverse("reports:unit_search")


@pytest.fixture(scope="module")
def built_world(built_world):
    """The module's world (conftest.py) with more, made once for the module's tests."""
    # Many more units than any page may list.
    for number in range(60):
        f.UnitFactory(code=f"xa-{number}", name=f"Đảng ủy xã số {number}")
    built_world.ended = f.UnitFactory(
        code="cu", name="Huyện ủy cũ", valid_to=datetime.date(2023, 1, 1)
    )
    return built_world


def select_of(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0)


def options(select: str) -> list[str]:
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("url_name", ["directives:register", "directives:assignments"])
def test_the_unit_filter_lists_no_unit_until_one_is_chosen(client, world, url_name):
    client.force_login(world.reviewer)
    html = client.get(reverse(url_name)).content.decode()
    unit = select_of(html, "unit")
    assert options(unit) == ["---------"]
    assert f'data-search-url="{SEARCH}"' in unit
    assert "Đảng ủy xã số" not in html
    assert "vendor/tom-select/js/tom-select.complete.min.js" in html
    assert "js/unit_picker.js" in html


def test_the_register_filtered_by_a_unit_shows_that_unit_chosen(client, world):
    client.force_login(world.reviewer)
    response = client.get(reverse("directives:register"), {"unit": world.unit_b.pk})
    unit = select_of(response.content.decode(), "unit")
    assert options(unit) == ["---------", "Tỉnh đoàn"]
    assert f'value="{world.unit_b.pk}" selected' in unit
    assert {d.title for d in response.context["page"]} == {
        "Nâng cao chất lượng phong trào Dân vận khéo",
        "Tuyên truyền thường xuyên",
    }


def test_the_assignments_list_filtered_by_a_unit_keeps_the_same_address(client, world):
    client.force_login(world.reviewer)
    response = client.get(reverse("directives:assignments"), {"unit": world.unit_a.pk})
    assert {a.unit for a in response.context["page"]} == {world.unit_a}
    assert f'value="{world.unit_a.pk}" selected' in response.content.decode()


@pytest.mark.parametrize("bad", ["999999", "abc", "9" * 30])
def test_an_unknown_unit_in_the_filter_is_a_form_error_not_a_crash(client, world, bad):
    client.force_login(world.reviewer)
    for url_name in ("directives:register", "directives:assignments"):
        response = client.get(reverse(url_name), {"unit": bad})
        assert response.status_code == 200
        assert "unit" in response.context["filter"].form.errors


def test_the_directive_form_lists_only_its_units(client, world):
    client.force_login(world.reviewer)
    html = client.get(reverse("directives:edit", args=[world.normal.pk])).content.decode()
    lead, support = select_of(html, "lead_units"), select_of(html, "support_units")
    assert options(lead) == ["Hội Liên hiệp Phụ nữ tỉnh"]
    assert options(support) == ["Tỉnh đoàn"]
    assert "multiple" in lead
    # The picker offers the units of the meeting unit's subtree only.
    assert f'data-search-url="{SEARCH}?current=1&amp;within={world.meeting.unit_id}"' in lead
    assert "Đảng ủy xã số" not in html
    assert "js/unit_picker.js" in html


def test_the_new_directive_form_lists_no_unit(client, world):
    client.force_login(world.reviewer)
    html = client.get(reverse("meetings:directive_new", args=[world.meeting.pk])).content.decode()
    assert options(select_of(html, "lead_units")) == []
    assert options(select_of(html, "support_units")) == []


def directive_data(**units) -> dict:
    """A new directive's form, with the given unit fields (ids)."""
    return {
        "number": 4,
        "title": "Xây dựng chi hội không ma túy",
        "text": "Nội dung",
        "due_date": "2024-12-31",
        "confidentiality": "normal",
        **units,
    }


def test_a_directive_is_saved_with_units_chosen_by_id(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:directive_new", args=[world.meeting.pk]),
        directive_data(lead_units=[world.unit_a.pk], support_units=[world.unit_c.pk]),
    )
    assert response.status_code == 302
    roles = {a.unit: a.role for a in Directive.objects.get(number=4).assignments.all()}
    assert roles == {world.unit_a: "lead", world.unit_c: "support"}


@pytest.mark.parametrize("bad", ["999999", "abc", "9" * 30])
def test_an_unknown_or_ended_unit_is_refused_with_a_clear_message(client, world, bad):
    client.force_login(world.reviewer)
    with translation.override("vi"):
        for unit in (bad, world.ended.pk):
            response = client.post(
                reverse("meetings:directive_new", args=[world.meeting.pk]),
                directive_data(lead_units=[world.unit_a.pk, unit]),
            )
            assert response.status_code == 200
            [message] = response.context["form"].errors["lead_units"]
            assert "chọn" in message
            # The units still valid stay chosen, the page still lists no others.
            lead = select_of(response.content.decode(), "lead_units")
            assert options(lead) == ["Hội Liên hiệp Phụ nữ tỉnh"]
    assert not Directive.objects.filter(number=4).exists()


def test_the_meeting_form_lists_only_the_attending_units(client, world):
    world.meeting.attending_units.set([world.unit_a, world.unit_c])
    client.force_login(world.reviewer)
    html = client.get(reverse("meetings:edit", args=[world.meeting.pk])).content.decode()
    attending = select_of(html, "attending_units")
    assert options(attending) == ["Hội Liên hiệp Phụ nữ tỉnh", "Hội Nông dân tỉnh"]
    assert "Đảng ủy xã số" not in html


def test_a_meeting_with_an_unknown_attending_unit_is_refused(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:new"), new_meeting_data(world, attending_units=[world.unit_a.pk, 999999])
    )
    assert response.status_code == 200
    assert "attending_units" in response.context["form"].errors
    assert not Meeting.objects.filter(title="Giao ban quý II/2024").exists()


def test_the_recommendation_form_picks_the_raising_unit_by_search(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:recommendation_new", args=[world.meeting.pk])
    html = client.get(url).content.decode()
    raised_by = select_of(html, "raised_by")
    assert options(raised_by) == ["---------"]
    assert "Đảng ủy xã số" not in html
    data = {"number": 1, "raised_by": 999999, "text": "Kiến nghị", "response": ""}
    response = client.post(url, data)
    assert "raised_by" in response.context["form"].errors
    response = client.post(url, {**data, "raised_by": world.unit_b.pk})
    assert response.status_code == 302
    assert Recommendation.objects.get().raised_by == world.unit_b
