"""The directive register: filters, diacritic-free search, sort and pages."""

import datetime

import pytest
from django.urls import reverse

from directives.models import AssignmentRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [d.title for d in response.context["page"]]


@pytest.mark.parametrize("q", ["dan van kheo", "DÂN VẬN KHÉO", "Dan Van", "kheo dan"])
def test_search_ignores_diacritics_and_case(client, world, q):
    client.force_login(world.leader)
    response = client.get(reverse("directives:register"), {"q": q})
    assert titles(response) == ["Nâng cao chất lượng phong trào Dân vận khéo"]


def test_search_finds_words_of_the_full_text(client, world):
    f.DirectiveFactory(
        meeting=world.meeting, number=9, title="Khác", text="Xây dựng nhà Đại đoàn kết"
    )
    client.force_login(world.leader)
    response = client.get(reverse("directives:register"), {"q": "dai doan ket"})
    assert titles(response) == ["Khác"]


def test_filters_by_status_unit_role_topic_meeting_quarter_and_priority(client, world):
    client.force_login(world.leader)
    url = reverse("directives:register")
    assert titles(client.get(url, {"status": "overdue"})) == ["Rà soát quỹ của các tổ chức"]
    assert set(titles(client.get(url, {"unit": world.unit_b.pk}))) == {
        "Nâng cao chất lượng phong trào Dân vận khéo",
        "Tuyên truyền thường xuyên",
    }
    assert titles(client.get(url, {"unit": world.unit_b.pk, "role": AssignmentRole.SUPPORT})) == [
        "Nâng cao chất lượng phong trào Dân vận khéo"
    ]
    assert titles(client.get(url, {"topic": world.topic.pk})) == [
        "Nâng cao chất lượng phong trào Dân vận khéo"
    ]
    assert len(titles(client.get(url, {"meeting": world.meeting.pk}))) == 3
    assert len(titles(client.get(url, {"quarter": world.q2.pk}))) == 0
    assert titles(client.get(url, {"deadline": "no"})) == ["Tuyên truyền thường xuyên"]
    world.normal.is_priority = True
    world.normal.save()
    assert titles(client.get(url, {"priority": "on"})) == [world.normal.title]


def test_sorting_by_due_date_puts_ongoing_directives_last(client, world):
    client.force_login(world.leader)
    url = reverse("directives:register")
    assert titles(client.get(url, {"sort": "due"})) == [
        "Rà soát quỹ của các tổ chức",
        "Nâng cao chất lượng phong trào Dân vận khéo",
        "Tuyên truyền thường xuyên",
    ]
    assert titles(client.get(url, {"sort": "-due"}))[0] == (
        "Nâng cao chất lượng phong trào Dân vận khéo"
    )


def test_the_register_is_paginated_by_25_and_keeps_the_filters(client, world):
    for i in range(30):
        f.DirectiveFactory(meeting=world.meeting, number=10 + i, title=f"Mô hình điểm {i}")
    client.force_login(world.leader)
    response = client.get(reverse("directives:register"), {"q": "mo hinh diem"})
    assert len(response.context["page"]) == 25
    assert "q=mo+hinh+diem&amp;page=2" in response.content.decode()
    second = client.get(reverse("directives:register"), {"q": "mo hinh diem", "page": 2})
    assert len(second.context["page"]) == 5


def test_unit_staff_may_narrow_to_their_own_units(client, world):
    client.force_login(world.reporter_b)
    response = client.get(reverse("directives:register"), {"mine": "on"})
    assert set(titles(response)) == {
        "Nâng cao chất lượng phong trào Dân vận khéo",
        "Tuyên truyền thường xuyên",
    }


def test_bad_filter_values_do_not_break_the_page(client, world):
    client.force_login(world.leader)
    response = client.get(
        reverse("directives:register"),
        {"status": "nonsense", "unit": "abc", "quarter": "999", "sort": "x", "page": "zz"},
    )
    assert response.status_code == 200
    assert "status" in response.context["filter"].form.errors


def test_the_assignments_list_shows_each_units_own_status(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("directives:assignments"), {"status": "overdue"})
    assert [(a.unit, a.directive) for a in response.context["page"]] == [
        (world.unit_a, world.confidential)
    ]
    response = client.get(reverse("directives:assignments"), {"progress": "awaiting"})
    assert response.context["page"].paginator.count == 4
    assert datetime.date(2024, 6, 30) in [a.due_date for a in response.context["page"]]


@pytest.mark.parametrize("name", ["directives:register", "directives:assignments"])
def test_a_search_pasted_thousands_of_words_long_answers_with_a_page(client, world, name):
    """SQLite refused the query (one condition per word: "Expression tree is too
    large"), and the page answered 500; the search reads its first words only."""
    client.force_login(world.leader)
    response = client.get(reverse(name), {"q": "dân vận khéo " * 4000})
    assert response.status_code == 200


def test_the_filter_form_names_every_field_and_marks_a_refused_value(client, world):
    """``filter_field`` draws what crispy-forms drew: a label bound to each widget, the
    Bootstrap class, and a refused value marked invalid with its message tied to it."""
    client.force_login(world.leader)
    html = client.get(reverse("directives:register"), {"role": "xx", "mine": "on"}).content
    html = html.decode()
    assert '<label for="id_q" class="form-label">' in html
    assert 'class="textinput form-control"' in html
    assert 'class="select form-select is-invalid" aria-describedby="id_role_error"' in html
    assert '<div id="id_role_error" class="invalid-feedback"><p><strong>' in html
    assert 'class="checkboxinput form-check-input" id="id_mine" checked>' in html
    assert '<label for="id_mine" class="form-check-label">' in html
    assert 'class="unitsearchselect form-select"' in html


def test_filter_field_gives_each_kind_of_widget_its_class_and_leaves_groups_to_crispy():
    from django import forms

    from directives.templatetags.directives_tags import filter_field

    class Filters(forms.Form):
        day = forms.DateField(required=False, widget=forms.DateInput(attrs={"class": "mine"}))
        count = forms.IntegerField(help_text="Bao nhiêu <b>lần</b>")
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        hidden = forms.CharField(widget=forms.HiddenInput)

    form = Filters({"count": "x"})
    day, count = str(filter_field(form["day"])), str(filter_field(form["count"]))
    assert 'class="mine dateinput form-control"' in day
    assert 'class="numberinput form-control is-invalid"' in count
    assert 'aria-describedby="id_count_helptext id_count_error"' in count
    assert "Bao nhiêu &lt;b&gt;lần&lt;/b&gt;" in count
    radios, hidden = str(filter_field(form["kind"])), str(filter_field(form["hidden"]))
    assert "<fieldset" in radios and "form-check" in radios
    assert "<label" not in hidden
