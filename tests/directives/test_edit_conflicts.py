"""Saving a meeting, a directive or a recommendation over a change someone made
since the form was opened is refused (HTTP 409): the typed text stays in the
form, the page says who saved in between, and saving again is a choice."""

import re

import pytest
from django.urls import reverse

from directives import services
from directives.models import Directive, Meeting, Recommendation
from directives.selectors import edit_version
from tests import factories as f

# The edit forms carry the version a history row gives: the rows start with theirs.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("factories_keep_history")]


def version_in(body: str) -> str:
    return re.search(r'name="version" value="(\d+)"', body).group(1)


def directive_data(world, version, **overrides):
    data = {
        "version": version,
        "number": world.normal.number,
        "title": world.normal.title,
        "text": "Bản của tôi: bổ sung chỉ tiêu 100% chi hội.",
        "due_date": "2024-06-30",
        "confidentiality": "normal",
        "lead_units": [world.unit_a.pk],
        "support_units": [world.unit_b.pk],
    }
    data.update(overrides)
    return data


def someone_else_saves(world, directive):
    other = f.reviewer(username="hung", first_name="Hùng")
    directive.text = "Bản của người khác."
    services.directive_save(
        user=other, directive=directive, lead_units=[world.unit_a], support_units=[world.unit_b]
    )


@pytest.fixture
def stale_form(client, world):
    """The reviewer's form of the normal directive, opened before someone else saved the
    directive: (its address, the version it carries)."""
    client.force_login(world.reviewer)
    url = reverse("directives:edit", args=[world.normal.pk])
    opened = version_in(client.get(url).content.decode())
    someone_else_saves(world, Directive.objects.get(pk=world.normal.pk))
    return url, opened


def test_a_stale_directive_edit_is_refused_with_the_typed_text_kept(client, world, stale_form):
    url, opened = stale_form
    response = client.post(url, directive_data(world, opened))

    assert response.status_code == 409
    body = response.content.decode()
    assert "Bản của tôi: bổ sung chỉ tiêu 100% chi hội." in body  # still in the form
    assert "Người khác đã lưu nội dung này trong lúc bạn đang sửa" in body
    assert "Hùng" in body
    assert 'data-keep-bound="1"' in body  # the browser keeps its copy too
    assert Directive.objects.get(pk=world.normal.pk).text == "Bản của người khác."


def test_after_a_conflict_saving_again_replaces_the_version_on_record(client, world, stale_form):
    url, opened = stale_form
    refused = client.post(url, directive_data(world, opened))
    now = version_in(refused.content.decode())
    assert now != opened

    response = client.post(url, directive_data(world, now))

    assert response.status_code == 302
    assert Directive.objects.get(pk=world.normal.pk).text.startswith("Bản của tôi")


def test_an_edit_on_the_current_version_is_saved(client, world):
    client.force_login(world.reviewer)
    url = reverse("directives:edit", args=[world.normal.pk])
    opened = version_in(client.get(url).content.decode())
    assert client.post(url, directive_data(world, opened)).status_code == 302


def test_a_stale_meeting_edit_is_refused_with_the_typed_text_kept(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:edit", args=[world.meeting.pk])
    opened = version_in(client.get(url).content.decode())
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    meeting.title = "Tên do người khác sửa"
    services.meeting_save(user=f.reviewer(username="hung"), meeting=meeting, attending_units=[])

    response = client.post(
        url,
        {
            "version": opened,
            "unit": world.meeting.unit_id,
            "quarter": world.q1.pk,
            "held_at": "2024-03-14T14:00",
            "title": "Giao ban quý I/2024",
            "chair_name": "Nguyễn Văn A",
            "assessment": "Đánh giá tôi vừa viết.",
        },
    )

    assert response.status_code == 409
    assert "Đánh giá tôi vừa viết." in response.content.decode()
    assert Meeting.objects.get(pk=world.meeting.pk).title == "Tên do người khác sửa"


def test_a_stale_recommendation_edit_is_refused_with_the_typed_text_kept(client, world):
    recommendation = f.RecommendationFactory(meeting=world.meeting, number=1)
    client.force_login(world.reviewer)
    url = reverse("meetings:recommendation_edit", args=[recommendation.pk])
    opened = version_in(client.get(url).content.decode())
    recommendation.response = "Trả lời của người khác."
    services.recommendation_save(
        user=f.reviewer(username="hung"), recommendation=recommendation, directives=[]
    )

    response = client.post(
        url, {"version": opened, "number": 1, "text": "Kiến nghị tôi vừa sửa.", "response": ""}
    )

    assert response.status_code == 409
    assert "Kiến nghị tôi vừa sửa." in response.content.decode()
    assert Recommendation.objects.get().response == "Trả lời của người khác."


def test_two_saves_from_the_same_version_cannot_both_pass(world):
    directive = Directive.objects.get(pk=world.normal.pk)
    opened = edit_version(directive)
    directive.title = "Tiêu đề đã sửa"
    services.directive_save(
        user=world.reviewer,
        directive=directive,
        lead_units=[world.unit_a],
        support_units=[world.unit_b],
        expected_version=opened,
    )
    with pytest.raises(services.EditConflict):
        services.directive_save(
            user=world.reviewer,
            directive=Directive.objects.get(pk=world.normal.pk),
            lead_units=[world.unit_a],
            support_units=[world.unit_b],
            expected_version=opened,
        )
