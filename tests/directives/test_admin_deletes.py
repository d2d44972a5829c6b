"""A directive deleted in the Django admin is deleted by ``directive_delete``: on its
page, by the "delete selected" action and on its meeting's page, only by reviewers,
never once a unit has reported progress on it, and on record as the admin user's."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from directives import services
from directives.models import Assignment, Directive
from tests import factories as f
from tests.directives.world import normal_on_meeting_admin

pytestmark = pytest.mark.django_db


def delete_page(directive) -> str:
    return reverse("admin:directives_directive_delete", args=[directive.pk])


def delete_selected(client, *directives):
    return client.post(
        reverse("admin:directives_directive_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [str(d.pk) for d in directives],
            "post": "yes",
        },
        follow=True,
    )


def shown_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def refusal_for(world, directive) -> str:
    with pytest.raises(ValidationError) as refused:
        services.directive_delete(user=world.reviewer, directive=directive)
    return refused.value.messages[0]


def test_the_service_deletes_a_directive_and_its_assignments_on_record_as_the_user(world):
    pk = world.normal.pk

    services.directive_delete(user=world.reviewer, directive=world.normal)

    assert not Directive.objects.filter(pk=pk).exists()
    assert not Assignment.objects.filter(pk__in=[world.a_normal.pk, world.b_normal.pk]).exists()
    deleted = Directive.history.filter(id=pk).first()
    assert deleted.history_type == "-"
    assert deleted.history_user == world.reviewer
    assert Assignment.history.filter(id=world.a_normal.pk).first().history_user == world.reviewer


def test_the_service_refuses_a_directive_a_unit_has_reported_progress_on(world):
    f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2)

    refusal = refusal_for(world, world.normal)

    assert str(world.normal) in refusal
    assert world.unit_a.label in refusal
    assert Directive.objects.filter(pk=world.normal.pk).exists()
    assert world.normal.assignments.count() == 2


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "admin", "nobody"])
def test_the_service_lets_only_reviewers_delete(world, who):
    with pytest.raises(PermissionDenied):
        services.directive_delete(user=getattr(world, who), directive=world.normal)

    assert Directive.objects.filter(pk=world.normal.pk).exists()


def test_the_admin_deletes_a_directive_on_its_page_through_the_service(admin_client, world):
    response = admin_client.post(delete_page(world.normal), {"post": "yes"})

    assert response.status_code == 302
    assert not Directive.objects.filter(pk=world.normal.pk).exists()
    assert Directive.history.filter(id=world.normal.pk).first().history_user == world.admin
    assert LogEntry.objects.filter(object_id=str(world.normal.pk)).exists()


def test_the_admin_refuses_on_its_page_to_delete_a_directive_with_progress(admin_client, world):
    f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2)

    response = admin_client.post(delete_page(world.normal), {"post": "yes"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:directives_directive_change", args=[world.normal.pk]
    )
    assert refusal_for(world, world.normal) in shown_messages(response)
    assert Directive.objects.filter(pk=world.normal.pk).exists()
    assert world.normal.assignments.count() == 2
    assert not LogEntry.objects.filter(object_id=str(world.normal.pk)).exists()


def test_the_delete_selected_action_deletes_through_the_service(admin_client, world):
    response = delete_selected(admin_client, world.normal, world.ongoing)

    assert response.status_code == 200
    assert not Directive.objects.filter(pk__in=[world.normal.pk, world.ongoing.pk]).exists()
    assert Directive.history.filter(id=world.ongoing.pk).first().history_user == world.admin


def test_the_delete_selected_action_deletes_nothing_if_one_is_refused(admin_client, world):
    f.ProgressUpdateFactory(assignment=world.b_ongoing, quarter=world.q2)

    response = delete_selected(admin_client, world.normal, world.ongoing)

    assert response.status_code == 200
    [message] = shown_messages(response)
    assert refusal_for(world, world.ongoing) in message
    assert str(world.normal) not in message
    assert Directive.objects.filter(pk__in=[world.normal.pk, world.ongoing.pk]).count() == 2
    assert world.normal.assignments.count() == 2
    assert not LogEntry.objects.exists()


def test_staff_who_are_not_reviewers_cannot_delete_a_directive(client, world):
    client.force_login(world.admin)  # a superuser, not a reviewer

    on_its_page = client.post(delete_page(world.normal), {"post": "yes"})
    by_the_action = delete_selected(client, world.normal)

    assert on_its_page.status_code == 403
    assert by_the_action.status_code == 200
    assert Directive.objects.filter(pk=world.normal.pk).exists()


def test_a_directive_deleted_on_its_meetings_page_is_deleted_by_the_service(admin_client, world):
    url, data, row = normal_on_meeting_admin(admin_client, world)

    response = admin_client.post(url, {**data, f"{row}-DELETE": "on"})

    assert response.status_code == 302
    assert not Directive.objects.filter(pk=world.normal.pk).exists()
    assert Assignment.history.filter(id=world.a_normal.pk).first().history_user == world.admin


def test_a_directive_with_progress_is_not_deleted_on_its_meetings_page(admin_client, world):
    f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2)
    url, data, row = normal_on_meeting_admin(admin_client, world)

    response = admin_client.post(url, {**data, f"{row}-DELETE": "on"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert refusal_for(world, world.normal) in errors
    assert Directive.objects.filter(pk=world.normal.pk).exists()
