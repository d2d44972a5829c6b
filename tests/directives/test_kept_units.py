"""Forms never drop what they do not show (issue 14, part 4).

The reviewer's case: two units ended on 30/06/2025 (BCS Đảng UBND tỉnh, Đảng đoàn
HĐND tỉnh) and a successor began on 01/07/2025. The forms offer only units in
existence today; before, they also dropped the stored units they did not offer, so
saving /directives/1/edit/ without a change deleted the ended units' assignments, a
directive led only by an ended unit could not be saved ("choose a lead unit", or
"has reported progress, cannot be removed"), and a third showed no lead unit.

Every save below posts the form as the page renders it (tests/page_form.py).
"""

import datetime

import pytest
from django.urls import reverse

from directives.models import Assignment, AssignmentRole, Directive, Meeting, Recommendation
from directives.selectors import edit_version
from tests import factories as f
from tests.directives.world import freeze_today
from tests.page_form import form_as_posted

# The edit forms carry the version a history row gives: the rows start with theirs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factories_keep_history")]

TODAY = datetime.date(2025, 9, 15)
ENDED = datetime.date(2025, 6, 30)
BEGAN = datetime.date(2025, 7, 1)


@pytest.fixture
def merger(monkeypatch):
    """The merger as the reviewer modelled it in the admin, with one directive of each kind."""
    freeze_today(monkeypatch, TODAY)
    q1 = f.QuarterFactory(year=2025, number=1, closed=True)
    f.QuarterFactory(year=2025, number=3)
    successor = f.UnitFactory(code="dubnd", name="Đảng ủy UBND tỉnh", valid_from=BEGAN)
    bcs = f.UnitFactory(code="bcs", name="BCS Đảng UBND tỉnh", valid_to=ENDED, successor=successor)
    dd = f.UnitFactory(code="dd", name="Đảng đoàn HĐND tỉnh", valid_to=ENDED, successor=successor)
    youth = f.UnitFactory(code="td", name="Tỉnh đoàn")
    meeting = f.MeetingFactory(
        quarter=q1,
        held_at=datetime.datetime(2025, 3, 20, 14, 0, tzinfo=datetime.UTC),
        title="Giao ban quý I/2025",
    )
    meeting.attending_units.set([bcs, dd, youth])
    due = datetime.date(2025, 12, 31)
    mixed = f.DirectiveFactory(meeting=meeting, number=1, due_date=due)
    only_ended = f.DirectiveFactory(meeting=meeting, number=2, due_date=due)
    ended_lead = f.DirectiveFactory(meeting=meeting, number=3, due_date=due)
    f.AssignmentFactory(directive=mixed, unit=bcs, role=AssignmentRole.LEAD)
    f.AssignmentFactory(directive=mixed, unit=youth, role=AssignmentRole.LEAD)
    f.AssignmentFactory(directive=mixed, unit=dd, role=AssignmentRole.SUPPORT)
    reported = f.AssignmentFactory(directive=only_ended, unit=bcs, role=AssignmentRole.LEAD)
    f.ProgressUpdateFactory(assignment=reported, quarter=q1)
    f.AssignmentFactory(directive=ended_lead, unit=dd, role=AssignmentRole.LEAD)
    f.AssignmentFactory(directive=ended_lead, unit=youth, role=AssignmentRole.SUPPORT)
    recommendation = f.RecommendationFactory(meeting=meeting, number=1, raised_by=bcs)
    return {
        "successor": successor,
        "bcs": bcs,
        "dd": dd,
        "youth": youth,
        "meeting": meeting,
        "mixed": mixed,
        "only_ended": only_ended,
        "ended_lead": ended_lead,
        "recommendation": recommendation,
        "reviewer": f.reviewer(username="reviewer"),
    }


def assignments_on_record() -> list[tuple]:
    """Every assignment as (id, directive, unit, role): a row deleted and made again
    shows as a new id."""
    return list(
        Assignment.objects.order_by("pk").values_list("pk", "directive_id", "unit__code", "role")
    )


def history_rows() -> int:
    return (
        Directive.history.count()
        + Assignment.history.count()
        + Meeting.history.count()
        + Recommendation.history.count()
    )


def edit_url(directive: Directive) -> str:
    return reverse("directives:edit", args=[directive.pk])


def open_form(client, url: str):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    return page, form_as_posted(page)


@pytest.mark.parametrize("which", ["mixed", "only_ended", "ended_lead"])
def test_saving_a_directive_without_a_change_changes_nothing(client, merger, which):
    directive = merger[which]
    client.force_login(merger["reviewer"])
    before, rows, version = assignments_on_record(), history_rows(), edit_version(directive)
    _page, data = open_form(client, edit_url(directive))

    response = client.post(edit_url(directive), data)

    assert response.status_code == 302, response.context["form"].errors
    assert assignments_on_record() == before
    assert history_rows() == rows
    assert edit_version(Directive.objects.get(pk=directive.pk)) == version


def test_the_form_shows_ended_units_read_only_and_offers_them_nowhere(client, merger):
    client.force_login(merger["reviewer"])
    page, data = open_form(client, edit_url(merger["mixed"]))
    html = page.content.decode()

    # The unit in existence stays a choice; the ended ones are listed as they were.
    assert data["lead_units"] == [str(merger["youth"].pk)]
    assert "support_units" not in data
    assert str(merger["bcs"].pk) not in data.get("lead_units", [])
    form = page.context["form"]
    assert [(k.unit, k.role) for k in form.kept["lead_units"]] == [(merger["bcs"], "Lead")]
    assert [(k.unit, k.role) for k in form.kept["support_units"]] == [(merger["dd"], "Supporting")]
    assert "BCS Đảng UBND tỉnh</strong> (Lead)" in html
    assert "Đảng đoàn HĐND tỉnh</strong> (Supporting)" in html
    assert "ended its work on 30/06/2025; its successor is Đảng ủy UBND tỉnh" in html


def test_a_directive_led_only_by_an_ended_unit_shows_its_lead(client, merger):
    client.force_login(merger["reviewer"])
    page, _data = open_form(client, edit_url(merger["ended_lead"]))
    assert [k.unit for k in page.context["form"].kept["lead_units"]] == [merger["dd"]]
    assert "Đảng đoàn HĐND tỉnh</strong> (Lead)" in page.content.decode()


def test_the_successor_is_added_as_lead_beside_the_ended_one(client, merger):
    directive = merger["only_ended"]
    client.force_login(merger["reviewer"])
    _page, data = open_form(client, edit_url(directive))
    data["lead_units"] = [str(merger["successor"].pk)]

    response = client.post(edit_url(directive), data)

    assert response.status_code == 302
    roles = {a.unit.code: a.role for a in directive.assignments.select_related("unit")}
    assert roles == {"bcs": "lead", "dubnd": "lead"}
    added = directive.assignments.get(unit=merger["successor"])
    assert added.due_date == directive.due_date


def test_a_text_change_keeps_every_assignment_and_writes_one_history_row(client, merger):
    directive = merger["mixed"]
    client.force_login(merger["reviewer"])
    before = assignments_on_record()
    _page, data = open_form(client, edit_url(directive))
    data["title"] = ["Tiêu đề đã sửa <b>&</b>"]

    response = client.post(edit_url(directive), data)

    assert response.status_code == 302
    assert assignments_on_record() == before
    directive.refresh_from_db()
    assert directive.title == "Tiêu đề đã sửa <b>&</b>"
    assert directive.history.count() == 2  # created, then this change


def test_removing_the_only_lead_in_existence_is_refused_in_words(client, merger):
    directive = f.DirectiveFactory(
        meeting=merger["meeting"], number=9, due_date=datetime.date(2025, 12, 31)
    )
    f.AssignmentFactory(directive=directive, unit=merger["youth"], role=AssignmentRole.LEAD)
    client.force_login(merger["reviewer"])
    _page, data = open_form(client, edit_url(directive))
    data.pop("lead_units")

    response = client.post(edit_url(directive), data, HTTP_ACCEPT_LANGUAGE="vi")

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["lead_units"]
    assert "Hãy chọn ít nhất một đơn vị chủ trì." in response.content.decode()
    assert directive.assignments.get().unit == merger["youth"]


def test_an_ended_unit_posted_by_hand_is_refused(client, merger):
    directive = merger["mixed"]
    client.force_login(merger["reviewer"])
    _page, data = open_form(client, edit_url(directive))
    data["support_units"] = [str(merger["bcs"].pk)]  # already kept as lead: not a choice
    before = assignments_on_record()

    response = client.post(edit_url(directive), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "support_units" in response.context["form"].errors
    assert assignments_on_record() == before


def test_a_new_directive_is_offered_only_units_in_existence(client, merger):
    client.force_login(merger["reviewer"])
    url = reverse("meetings:directive_new", args=[merger["meeting"].pk])
    _page, data = open_form(client, url)
    data.update(
        title=["Sắp xếp tổ chức bộ máy"],
        text=["Nội dung."],
        due_date=["2025-12-31"],
        lead_units=[str(merger["successor"].pk)],
        support_units=[str(merger["dd"].pk)],
    )

    refused = client.post(url, data)
    assert "support_units" in refused.context["form"].errors

    data["support_units"] = [str(merger["youth"].pk)]
    assert client.post(url, data).status_code == 302
    directive = Directive.objects.get(title="Sắp xếp tổ chức bộ máy")
    assert {a.unit.code for a in directive.assignments.all()} == {"dubnd", "td"}


def test_the_unit_search_offers_units_in_existence_today(client, merger):
    client.force_login(merger["reviewer"])
    search = reverse("reports:unit_search")
    found = client.get(search, {"q": "dang", "current": "1"}).json()["results"]
    assert {unit["text"] for unit in found} == {"Đảng ủy UBND tỉnh"}
    everything = client.get(search, {"q": "dang"}).json()["results"]
    assert {unit["text"] for unit in everything} == {
        "Đảng ủy UBND tỉnh",
        "BCS Đảng UBND tỉnh",
        "Đảng đoàn HĐND tỉnh",
    }


# ------------------------------------------------------------- the meeting form


def test_saving_a_meeting_without_a_change_keeps_its_ended_attending_units(client, merger):
    meeting = merger["meeting"]
    url = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(merger["reviewer"])
    rows, version = history_rows(), edit_version(meeting)
    page, data = open_form(client, url)
    assert data["attending_units"] == [str(merger["youth"].pk)]
    assert "Đảng đoàn HĐND tỉnh</strong>: ended its work on 30/06/2025" in page.content.decode()

    response = client.post(url, data)

    assert response.status_code == 302
    assert set(meeting.attending_units.values_list("code", flat=True)) == {"bcs", "dd", "td"}
    assert history_rows() == rows
    assert edit_version(Meeting.objects.get(pk=meeting.pk)) == version


def test_a_unit_added_to_the_meeting_joins_the_ended_ones(client, merger):
    meeting = merger["meeting"]
    url = reverse("meetings:edit", args=[meeting.pk])
    client.force_login(merger["reviewer"])
    _page, data = open_form(client, url)
    data["attending_units"] = [str(merger["youth"].pk), str(merger["successor"].pk)]
    assert client.post(url, data).status_code == 302
    assert set(meeting.attending_units.values_list("code", flat=True)) == {
        "bcs",
        "dd",
        "td",
        "dubnd",
    }
    # The one unit in existence left out is removed; the ended ones stay.
    _page, data = open_form(client, url)
    data["attending_units"] = [str(merger["successor"].pk)]
    assert client.post(url, data).status_code == 302
    assert set(meeting.attending_units.values_list("code", flat=True)) == {"bcs", "dd", "dubnd"}


# ------------------------------------------------------ the recommendation form


def test_saving_a_recommendation_keeps_the_ended_unit_that_raised_it(client, merger):
    recommendation = merger["recommendation"]
    url = reverse("meetings:recommendation_edit", args=[recommendation.pk])
    client.force_login(merger["reviewer"])
    rows = history_rows()
    page, data = open_form(client, url)
    assert "raised_by" not in data
    assert "BCS Đảng UBND tỉnh</strong>: ended its work" in page.content.decode()

    assert client.post(url, data).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.raised_by == merger["bcs"]
    assert history_rows() == rows

    # A unit posted by hand for the kept field is ignored, the text still saved.
    data.update(raised_by=[str(merger["youth"].pk)], text=["Kiến nghị đã sửa."])
    assert client.post(url, data).status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.raised_by, recommendation.text) == (merger["bcs"], "Kiến nghị đã sửa.")


# ------------------------------------------------------------------ the admin


def admin_reviewer():
    """The administrator, also a reviewer: only reviewers record meetings and directives,
    in the admin as on the pages."""
    return f.reviewer(username="quantri", is_staff=True, is_superuser=True)


def test_the_admin_saves_a_directive_unchanged_with_its_ended_units(client, merger):
    client.force_login(admin_reviewer())
    url = reverse("admin:directives_directive_change", args=[merger["mixed"].pk])
    before, rows = assignments_on_record(), history_rows()
    data = form_as_posted(client.get(url), form_id="directive_form")

    response = client.post(url, {**data, "_save": "1"})

    assert response.status_code == 302
    assert assignments_on_record() == before
    assert history_rows() == rows

    # A change of the text keeps the ended units' assignments too.
    response = client.post(url, {**data, "title": "Tiêu đề sửa trong trang quản trị"})
    assert response.status_code == 302
    assert assignments_on_record() == before


def test_the_admin_saves_a_meeting_unchanged_with_its_ended_units(client, merger):
    client.force_login(admin_reviewer())
    meeting = merger["meeting"]
    url = reverse("admin:directives_meeting_change", args=[meeting.pk])
    data = form_as_posted(client.get(url), form_id="meeting_form")

    response = client.post(url, {**data, "_save": "1"})

    assert response.status_code == 302
    assert set(meeting.attending_units.values_list("code", flat=True)) == {"bcs", "dd", "td"}
    assert Recommendation.objects.get().raised_by == merger["bcs"]
    assert assignments_on_record()  # the meeting's directives untouched


def test_a_unit_moved_out_of_the_meeting_units_subtree_keeps_its_assignment(client, merger):
    """A reorganisation moved Tỉnh đoàn under another province: the directive it was
    given before still saves with it, and no directive of the meeting can newly take it."""
    elsewhere = f.UnitFactory(code="tinh-khac", name="Tỉnh ủy khác", parent=None)
    youth = merger["youth"]
    youth.parent = elsewhere
    youth.save()
    directive = merger["mixed"]
    client.force_login(merger["reviewer"])
    before = assignments_on_record()
    _page, data = open_form(client, edit_url(directive))

    response = client.post(edit_url(directive), data)

    assert response.status_code == 302
    assert assignments_on_record() == before
    # Given to another directive of the meeting, it is refused.
    other = merger["only_ended"]
    _page, data = open_form(client, edit_url(other))
    data["lead_units"] = [str(youth.pk)]
    refused = client.post(edit_url(other), data, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 200
    assert "not " in " ".join(refused.context["form"].errors["lead_units"])
    assert assignments_on_record() == before
