"""The Django admin saves meetings, directives with their units and recommendations
through the services the pages use: their rules hold there too, their refusals come
back on the form, the history names the admin user, and an unchanged form saves nothing."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext

from directives import services
from directives.models import Assignment, AssignmentRole, Directive, Meeting, Recommendation
from tests import factories as f
from tests.directives.world import admin_form_data, inline_row, normal_on_meeting_admin

pytestmark = pytest.mark.django_db


def directive_page(world) -> str:
    return reverse("admin:directives_directive_change", args=[world.normal.pk])


def history_count() -> int:
    models = (Meeting, Directive, Assignment, Recommendation)
    return sum(model.history.count() for model in models)  # type: ignore[attr-defined]


def page_errors(response) -> str:
    return " ".join(response.context["adminform"].form.non_field_errors())


@pytest.mark.parametrize("change", ["remove", "give to another unit"])
def test_the_admin_refuses_to_take_an_assignment_with_progress_and_says_why(
    admin_client, world, change
):
    f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2)
    data = admin_form_data(admin_client, directive_page(world), "directive_form")
    row = inline_row(data, "assignments", world.a_normal)
    edit = {f"{row}-DELETE": "on"} if change == "remove" else {f"{row}-unit": str(world.unit_c.pk)}

    response = admin_client.post(directive_page(world), {**data, "title": "Tên mới", **edit})

    assert response.status_code == 200
    refusal = services.assignments_removal_refusal([world.a_normal])
    assert refusal and refusal in page_errors(response)
    assert escape(refusal) in response.content.decode()
    assert 'value="Tên mới"' in response.content.decode()  # what was typed is kept
    world.normal.refresh_from_db()
    assert world.normal.title != "Tên mới"  # and nothing of the save
    assert set(world.normal.assignments.values_list("unit", flat=True)) == {
        world.unit_a.pk,
        world.unit_b.pk,
    }


def test_a_directive_saved_in_the_admin_is_on_record_as_the_admin_users_change(admin_client, world):
    data = admin_form_data(admin_client, directive_page(world), "directive_form")
    row = inline_row(data, "assignments", world.b_normal)

    response = admin_client.post(
        directive_page(world),
        {**data, "title": "Tên mới", f"{row}-role": AssignmentRole.LEAD},
    )

    assert response.status_code == 302
    assert world.normal.history.first().history_user == world.admin
    world.b_normal.refresh_from_db()
    assert world.b_normal.role == AssignmentRole.LEAD
    assert world.b_normal.history.first().history_user == world.admin


@pytest.mark.parametrize(
    ("model", "obj"),
    [("directive", "normal"), ("meeting", "meeting"), ("recommendation", "recommendation")],
)
def test_an_unchanged_admin_form_saves_nothing(admin_client, world, model, obj):
    world.recommendation = f.RecommendationFactory(meeting=world.meeting, raised_by=world.unit_a)
    world.recommendation.directives.set([world.normal])
    url = reverse(f"admin:directives_{model}_change", args=[getattr(world, obj).pk])
    data = admin_form_data(admin_client, url, f"{model}_form")
    before = history_count()

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert history_count() == before
    world.a_normal.refresh_from_db()
    assert world.a_normal.due_date == world.normal.due_date


def test_a_directive_changed_on_the_meetings_admin_page_is_saved_by_the_service(
    admin_client, world
):
    url, data, row = normal_on_meeting_admin(admin_client, world)
    meeting_versions = world.meeting.history.count()

    response = admin_client.post(url, {**data, f"{row}-title": "Tên mới"})

    assert response.status_code == 302
    world.normal.refresh_from_db()
    assert world.normal.title == "Tên mới"
    assert world.normal.history.first().history_user == world.admin
    # The directive kept its units; the meeting, unchanged, was not saved again.
    assert set(world.normal.assignments.values_list("unit", "role")) == {
        (world.unit_a.pk, AssignmentRole.LEAD),
        (world.unit_b.pk, AssignmentRole.SUPPORT),
    }
    assert world.meeting.history.count() == meeting_versions


def test_a_recommendation_tied_in_the_admin_to_another_meetings_directive_is_refused(
    admin_client, world
):
    recommendation = f.RecommendationFactory(meeting=world.meeting, raised_by=world.unit_a)
    elsewhere = f.DirectiveFactory()
    url = reverse("admin:directives_recommendation_change", args=[recommendation.pk])
    data = admin_form_data(admin_client, url, "recommendation_form")

    response = admin_client.post(url, {**data, "directives": [str(elsewhere.pk)]})

    assert response.status_code == 200
    refusal = gettext("Choose directives of the same meeting as the recommendation.")
    assert refusal in page_errors(response)
    assert not recommendation.directives.exists()


def test_staff_who_are_not_reviewers_only_read_meetings_and_directives(client, world):
    client.force_login(world.admin)  # a superuser, not a reviewer
    url = directive_page(world)
    data = admin_form_data(client, url, "directive_form")

    page = client.get(url)
    refused = client.post(url, {**data, "title": "Tên mới"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert refused.status_code == 403
    world.normal.refresh_from_db()
    assert world.normal.title != "Tên mới"
    for model in ("meeting", "directive", "recommendation", "assignment"):
        assert client.get(reverse(f"admin:directives_{model}_add")).status_code == 403


def test_an_old_version_is_not_reverted_past_the_service(admin_client, world):
    world.normal.title = "Tên mới"
    services.directive_save(
        user=world.reviewer,
        directive=world.normal,
        lead_units=[world.unit_a],
        support_units=[world.unit_b],
    )
    old = world.normal.history.last()
    url = reverse(
        "admin:directives_directive_simple_history", args=[world.normal.pk, old.history_id]
    )

    page = admin_client.get(url)
    reverted = admin_client.post(url, {"title": old.title})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert reverted.status_code == 403
    world.normal.refresh_from_db()
    assert world.normal.title == "Tên mới"
