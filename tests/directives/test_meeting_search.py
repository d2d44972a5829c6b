"""The meeting filter of the register and the assignments list: the page holds only
the chosen meeting, the others are found by typing (``/meetings/search/``)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from directives.models import Confidentiality, Meeting
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = reverse("meetings:search")
FILTER_PAGES = ["directives:register", "directives:assignments"]


def held(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(14, 0)))


@pytest.fixture(scope="module")
def built_world(built_world):
    """The module's world (conftest.py) with more, made once for the module's tests."""
    built_world.june = f.MeetingFactory(
        quarter=built_world.q2,
        held_at=held(datetime.date(2024, 6, 14)),
        title="Giao ban quý II/2024 về đảm bảo an ninh nông thôn",
        chair_name="Trần Thị Bình",
    )
    # Its only directive is confidential to unit A: the meeting itself is not.
    built_world.secret_meeting = f.MeetingFactory(
        quarter=built_world.q2,
        held_at=held(datetime.date(2024, 5, 2)),
        title="Giao ban chuyên đề quỹ hội",
    )
    f.AssignmentFactory(
        directive=f.DirectiveFactory(
            meeting=built_world.secret_meeting,
            number=1,
            title="Kiểm tra quỹ hội",
            confidentiality=Confidentiality.CONFIDENTIAL,
        ),
        unit=built_world.unit_a,
    )
    return built_world


def labels(response) -> list[str]:
    return [meeting["text"] for meeting in response.json()["results"]]


# ------------------------------------------------------------------- search


@pytest.mark.parametrize("q", ["quy ii", "QUÝ II", "ninh  an", "đảm bảo", "tran thi binh"])
def test_it_finds_meetings_ignoring_diacritics_case_and_word_order(client, world, q):
    client.force_login(world.reviewer)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert labels(response) == ["Giao ban quý II/2024 về đảm bảo an ninh nông thôn (14/06/2024)"]


def test_it_answers_ids_and_the_label_the_filter_shows_newest_first(client, world):
    client.force_login(world.reviewer)
    response = client.get(URL, {"q": "giao ban"})
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "results": [
            {"id": meeting.pk, "text": str(meeting)}
            for meeting in (world.june, world.secret_meeting, world.meeting)
        ]
    }
    assert labels(response)[-1] == "Giao ban công tác dân vận (14/03/2024)"


def test_it_answers_at_most_twenty_meetings_newest_first(client, world):
    start = datetime.date(2020, 1, 1)
    for week in range(30):
        f.MeetingFactory(
            quarter=world.q1,
            held_at=held(start + datetime.timedelta(weeks=week)),
            title=f"Họp chuyên đề số {week:02}",
        )
    client.force_login(world.leader)
    found = labels(client.get(URL, {"q": "hop chuyen de"}))
    assert [label.split(" (")[0] for label in found] == [
        f"Họp chuyên đề số {week:02}" for week in range(29, 9, -1)
    ]


def test_an_empty_or_unmatched_search_finds_nothing(client, world):
    client.force_login(world.reviewer)
    assert labels(client.get(URL, {"q": "  "})) == []
    assert labels(client.get(URL)) == []
    assert labels(client.get(URL, {"q": "hội nghị thượng đỉnh"})) == []


@pytest.mark.parametrize(
    ("q", "found"),
    [("%", 0), ("_", 0), ("giao\x00ban", 3), ("giao ban " + "x" * 5000, 0)],
    ids=["percent", "underscore", "nul", "long"],
)
def test_odd_searches_answer_without_an_error(client, world, q, found):
    # Wildcards match literally; PostgreSQL refuses a NUL, which separates words.
    client.force_login(world.reviewer)
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert len(labels(response)) == found


def test_it_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for number in range(40):
        f.MeetingFactory(quarter=world.q1, title=f"Giao ban số {number}")
    client.force_login(world.reporter_c)
    # session, user, memberships, roots, meetings
    with django_assert_max_num_queries(5):
        response = client.get(URL, {"q": "giao ban"})
    assert len(labels(response)) == 20


@pytest.mark.parametrize(
    "who",
    ["reviewer", "leader", "admin", "reporter_a", "head_a", "reporter_c"],
)
def test_everyone_who_may_open_the_register_finds_every_meeting(client, world, who):
    # Meetings are not confidential (the meeting list shows them all); a meeting
    # whose directives another unit's reporter may not see is still found.
    client.force_login(getattr(world, who))
    response = client.get(URL, {"q": "giao ban"})
    assert response.status_code == 200
    assert len(labels(response)) == 3
    listed = client.get(reverse("meetings:list")).context["page"]
    assert {m["id"] for m in response.json()["results"]} == {m.pk for m in listed}


def test_a_user_without_a_role_or_unit_is_refused(client, world):
    client.force_login(world.nobody)
    assert client.get(URL, {"q": "giao ban"}).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, world):
    response = client.get(URL, {"q": "giao ban"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_answers_only_get(client, world):
    client.force_login(world.reviewer)
    assert client.post(URL, {"q": "giao ban"}).status_code == 405


# ------------------------------------------------------------------ filters


def meeting_select(html: str) -> str:
    match = re.search(r'<select name="meeting".*?</select>', html, re.S)
    assert match, "no meeting select"
    return match.group(0)


def options(select: str) -> list[str]:
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


@pytest.mark.parametrize("url_name", FILTER_PAGES)
def test_the_meeting_filter_lists_no_meeting_until_one_is_chosen(client, world, url_name):
    client.force_login(world.reviewer)
    html = client.get(reverse(url_name)).content.decode()
    select = meeting_select(html)
    assert options(select) == ["---------"]
    assert f'data-search-url="{URL}"' in select
    assert "Giao ban quý II/2024" not in html
    assert "js/unit_picker.js" in html


def test_the_register_filtered_by_a_meeting_shows_it_chosen_and_only_its_directives(client, world):
    client.force_login(world.reviewer)
    response = client.get(reverse("directives:register"), {"meeting": world.secret_meeting.pk})
    select = meeting_select(response.content.decode())
    assert options(select) == ["---------", "Giao ban chuyên đề quỹ hội (02/05/2024)"]
    assert f'value="{world.secret_meeting.pk}" selected' in select
    assert [d.title for d in response.context["page"]] == ["Kiểm tra quỹ hội"]


def test_a_reporter_filtering_by_a_meeting_still_sees_only_what_they_may(client, world):
    client.force_login(world.reporter_c)
    response = client.get(reverse("directives:register"), {"meeting": world.secret_meeting.pk})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    response = client.get(reverse("directives:register"), {"meeting": world.meeting.pk})
    assert set(response.context["page"]) == {world.normal, world.ongoing}


def test_the_assignments_list_filtered_by_a_meeting_keeps_the_same_address(client, world):
    client.force_login(world.reviewer)
    response = client.get(reverse("directives:assignments"), {"meeting": world.meeting.pk})
    assert {a.directive.meeting_id for a in response.context["page"]} == {world.meeting.pk}
    assert len(response.context["page"]) == 4
    select = meeting_select(response.content.decode())
    assert options(select) == ["---------", "Giao ban công tác dân vận (14/03/2024)"]


@pytest.mark.parametrize("bad", ["999999", "abc", "-1", "9" * 30, "1 OR 1=1"])
def test_an_unknown_meeting_in_the_filter_is_a_form_error_not_a_crash(client, world, bad):
    client.force_login(world.reviewer)
    for url_name in FILTER_PAGES:
        response = client.get(reverse(url_name), {"meeting": bad})
        assert response.status_code == 200
        assert "meeting" in response.context["filter"].form.errors
        assert options(meeting_select(response.content.decode())) == ["---------"]


def test_the_picker_texts_come_from_the_page_in_its_language(client, world):
    client.force_login(world.head_a)
    html = client.get(reverse("directives:register"), headers={"accept-language": "vi"})
    select = meeting_select(html.content.decode())
    assert 'data-placeholder="Gõ tiêu đề buổi giao ban"' in select
    assert 'data-no-results="Không có buổi giao ban nào phù hợp."' in select


def test_the_meeting_count_does_not_change_the_page(client, world):
    client.force_login(world.reviewer)
    before = len(client.get(reverse("directives:register")).content)
    for number in range(30):
        f.MeetingFactory(quarter=world.q1, title=f"Giao ban số {number}")
    assert Meeting.objects.count() > 30
    assert len(client.get(reverse("directives:register")).content) == before
