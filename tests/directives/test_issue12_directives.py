"""Issue 12, the follow-up's part: no 500 and no duplicate on "save and add
another", races and repeats answered with a message, completion dated by the
work, the admin through the services, and the smaller holes."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from directives import permissions, services
from directives.models import (
    ClaimedStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    ProgressUpdate,
    ReviewStatus,
)
from directives.rules import DirectiveStatus
from directives.selectors import directive_assignments
from tests import factories as f
from tests.directives.world import (
    admin_form_data,
    ask_for_more_time,
    freeze_today,
    inline_row,
    new_directive_data,
    normal_on_meeting_admin,
    review_claim,
)

pytestmark = pytest.mark.django_db


def directive_data(world, **overrides):
    """Saved with "Save and add another"."""
    return new_directive_data(world, **{"add_another": "1", **overrides})


# ------------------------------------------------- save and add another


def test_save_and_add_another_twice_in_a_row_opens_a_fresh_form_each_time(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:directive_new", args=[world.meeting.pk])
    first = client.post(url, directive_data(world), follow=True)
    assert first.status_code == 200
    assert first.redirect_chain[-1][0] == url
    assert first.context["form"].initial["number"] == 5
    second = client.post(url, directive_data(world, number=5, title="Thứ hai"), follow=True)
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == url
    assert list(world.meeting.directives.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_a_retried_save_and_add_another_does_not_record_the_directive_twice(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:directive_new", args=[world.meeting.pk])
    client.post(url, directive_data(world))
    retry = client.post(url, directive_data(world))
    assert retry.status_code == 200
    assert Directive.objects.filter(title="Xây dựng chi hội không ma túy").count() == 1


# ------------------------------------------------------- races and repeats


def claim(world, assignment=None, **kwargs):
    kwargs.setdefault("finished_on", datetime.date(2024, 5, 15))
    kwargs.setdefault("quarter", world.q2)
    return f.ProgressUpdateFactory(
        assignment=assignment or world.a_normal,
        done_claim=True,
        reported_by=world.reporter_a,
        **kwargs,
    )


def post_progress(world, **fields):
    """Unit A's reporter posts on its assignment of the normal directive: by default a
    second "done"."""
    fields = {
        "claimed_status": ClaimedStatus.DONE,
        "percent": 100,
        "description": "Lần nữa.",
        "finished_on": datetime.date(2024, 5, 16),
        **fields,
    }
    return services.progress_post(
        user=world.reporter_a, assignment=world.a_normal, quarter=world.q2, **fields
    )


def assert_second_claim_refused(world) -> None:
    """A second "done" on unit A's assignment is refused: one claim awaits already."""
    with pytest.raises(ValidationError) as refused:
        post_progress(world)
    assert str(permissions.CLAIM_PENDING) in refused.value.messages
    assert world.a_normal.updates.count() == 1


def confirmed_by(who: str) -> str:
    return gettext("This claim has already been confirmed by %(who)s.") % {"who": who}


def overdue(days: int) -> str:
    return ngettext("%(days)d day overdue", "%(days)d days overdue", days) % {"days": days}


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_confirming_a_claim_twice_says_it_is_already_confirmed(client, world):
    update = claim(world)
    client.force_login(world.reviewer)
    url = reverse("directives:update_review", args=[update.pk])
    client.post(url, {"decision": "yes"})
    again = client.post(url, {"decision": "yes"})
    assert again.status_code == 302
    assert confirmed_by("reviewer") in said(again)
    world.a_normal.refresh_from_db()
    assert world.a_normal.completed_on == datetime.date(2024, 5, 15)


def test_a_reject_that_loses_the_race_to_a_confirm_is_told_and_changes_nothing(client, world):
    update = claim(world)
    client.force_login(world.reviewer)
    url = reverse("directives:update_review", args=[update.pk])
    client.post(url, {"decision": "yes"})
    late = client.post(url, {"decision": "no", "comment": "Thiếu biên bản."})
    assert late.status_code == 302
    assert confirmed_by("reviewer") in said(late)
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.CONFIRMED
    assert update.review_comment == ""


def test_deciding_a_deadline_change_twice_says_it_is_already_decided(client, world):
    change = f.DeadlineChangeFactory(assignment=world.a_normal)
    client.force_login(world.reviewer)
    url = reverse("directives:deadline_decide", args=[change.pk])
    client.post(url, {"decision": "yes"})
    again = client.post(url, {"decision": "no", "comment": "Không đồng ý."})
    assert again.status_code == 302
    assert gettext("This request has already been approved by %(who)s.") % {
        "who": "reviewer"
    } in said(again)
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.APPROVED


def test_a_second_done_claim_is_refused_while_one_awaits_confirmation(world):
    claim(world)
    assert_second_claim_refused(world)


def test_the_database_holds_at_most_one_pending_claim_per_assignment(world):
    claim(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(
            assignment=world.a_normal,
            quarter=world.q2,
            claimed_status=ClaimedStatus.DONE,
            percent=100,
            description="x",
            review_status=ReviewStatus.PENDING,
        )


def test_a_racing_second_claim_that_meets_the_database_rule_gets_the_same_message(
    world, monkeypatch
):
    claim(world)
    real = permissions.progress_refusal
    calls = []

    def unlocked_first_look(assignment, **kwargs):
        # As if the first look ran before the other claim was committed.
        calls.append(1)
        return None if len(calls) == 1 else real(assignment, **kwargs)

    monkeypatch.setattr(permissions, "progress_refusal", unlocked_first_look)
    assert_second_claim_refused(world)


def test_a_progress_post_while_a_claim_awaits_confirmation_is_refused_by_the_server(client, world):
    claim(world)
    client.force_login(world.reporter_a)
    page = client.get(reverse("directives:detail", args=[world.normal.pk]))
    assert reverse("directives:progress_new", args=[world.a_normal.pk]) not in page.text
    url = reverse("directives:progress_new", args=[world.a_normal.pk])
    response = client.post(
        url, {"claimed_status": "in_progress", "percent": 40, "description": "Thêm."}
    )
    assert response.status_code == 200
    assert response.context["refusal"] == permissions.CLAIM_PENDING
    assert world.a_normal.updates.count() == 1
    with pytest.raises(ValidationError):
        post_progress(
            world,
            claimed_status=ClaimedStatus.IN_PROGRESS,
            percent=40,
            description="Thêm.",
            finished_on=None,
        )


def test_a_claim_pending_since_an_earlier_quarter_offers_no_post_button_in_the_awaiting_list(
    client, world
):
    claim(world, quarter=world.q1, finished_on=datetime.date(2024, 3, 20))
    client.force_login(world.reporter_a)

    page = client.get(reverse("directives:my_work"))

    awaiting = page.context["awaiting_assignments"]
    assert world.a_normal in list(awaiting)  # no update this quarter
    assert reverse("directives:progress_new", args=[world.a_normal.pk]) not in page.text
    assert gettext("Awaiting confirmation") in page.text


# ------------------------------------------------ completion dated by the work


def test_a_done_claim_needs_the_day_the_work_was_finished(client, world):
    client.force_login(world.reporter_a)
    url = reverse("directives:progress_new", args=[world.a_normal.pk])
    data = {"claimed_status": "done", "percent": 100, "description": "Xong."}
    missing = client.post(url, data)
    assert missing.context["form"].has_error("finished_on")
    future = client.post(url, {**data, "finished_on": "2024-05-21"})
    assert future.context["form"].errors["finished_on"] == [
        gettext("The day the work was finished cannot be in the future.")
    ]
    before_meeting = client.post(url, {**data, "finished_on": "2024-03-01"})
    assert "14/03/2024" in str(before_meeting.context["form"].errors["finished_on"])
    assert not world.a_normal.updates.exists()
    client.post(url, {**data, "finished_on": "2024-05-10"})
    assert world.a_normal.updates.get().finished_on == datetime.date(2024, 5, 10)


@pytest.fixture
def claimed_before_the_deadline(world, monkeypatch):
    """A's claim that the work was done on 15/09/2024, its deadline being 30/09/2024,
    seen by the reviewer on 10/10/2024."""
    world.a_normal.due_date = datetime.date(2024, 9, 30)
    world.a_normal.save()
    update = claim(world, finished_on=datetime.date(2024, 9, 15))
    freeze_today(monkeypatch, datetime.date(2024, 10, 10))
    return update


def test_work_finished_before_the_deadline_and_confirmed_after_it_is_done_on_time(
    client, world, claimed_before_the_deadline
):
    review_claim(client, world.reviewer, claimed_before_the_deadline, decision="yes")
    world.a_normal.refresh_from_db()
    assert world.a_normal.completed_on == datetime.date(2024, 9, 15)
    statuses = {a.pk: a.status for a in directive_assignments(world.normal, quarter=world.q2)}
    assert statuses[world.a_normal.pk] == DirectiveStatus.DONE_ON_TIME


def test_the_reviewer_corrects_the_finished_day_and_the_page_shows_the_days_late(
    client, world, claimed_before_the_deadline
):
    update = claimed_before_the_deadline
    client.force_login(world.reviewer)
    page = client.get(reverse("directives:detail", args=[world.normal.pk]))
    assert 'name="finished_on"' in page.text and 'value="2024-09-15"' in page.text
    client.post(
        reverse("directives:update_review", args=[update.pk]),
        {"decision": "yes", "finished_on": "2024-10-05"},
    )
    update.refresh_from_db()
    world.a_normal.refresh_from_db()
    assert update.finished_on == world.a_normal.completed_on == datetime.date(2024, 10, 5)
    page = client.get(reverse("directives:detail", args=[world.normal.pk]))
    assert ngettext("%(days)d day late", "%(days)d days late", 5) % {"days": 5} in page.text


def test_a_reviewer_cannot_date_the_work_in_the_future(client, world):
    update = claim(world)
    response = review_claim(
        client, world.reviewer, update, decision="yes", finished_on="2024-06-01"
    )
    assert gettext("The day the work was finished cannot be in the future.") in said(response)
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.PENDING


def test_pages_show_the_days_an_open_assignment_is_overdue(client, world):
    # The confidential directive was due on 30/04/2024; today is 20/05/2024.
    client.force_login(world.reporter_a)
    for url in (
        reverse("directives:detail", args=[world.confidential.pk]),
        reverse("directives:my_work"),
        reverse("directives:assignments"),
    ):
        assert overdue(20) in client.get(url).text, url
    client.force_login(world.leader)
    assert overdue(20) in client.get(reverse("directives:dashboard")).text


# ------------------------------------------------------------- deadlines


def test_a_deadline_request_for_a_day_already_past_is_refused(client, world):
    # Due 30/04/2024, today 20/05/2024: 10/05 is after the deadline but already past.
    response = ask_for_more_time(client, world.reporter_a, world.a_secret, "2024-05-10")
    assert response.status_code == 200
    assert response.context["form"].errors["new_date"] == [
        gettext("The requested deadline (%(date)s) has already passed: choose a later day.")
        % {"date": "10/05/2024"}
    ]
    with pytest.raises(ValidationError):
        services.deadline_change_request(
            user=world.reporter_a,
            assignment=world.a_secret,
            new_date=datetime.date(2024, 5, 10),
            reason="Chờ kinh phí.",
        )
    assert not DeadlineChange.objects.exists()


def test_the_extension_button_is_hidden_while_a_request_awaits_a_decision(client, world):
    client.force_login(world.reporter_a)
    detail = reverse("directives:detail", args=[world.normal.pk])
    ask = reverse("directives:deadline_new", args=[world.a_normal.pk])
    assert ask in client.get(detail).text
    client.post(ask, {"new_date": "2024-09-30", "reason": "Chờ kinh phí."})
    assert ask not in client.get(detail).text
    page = client.get(ask)
    assert page.context["refusal"] == permissions.CHANGE_PENDING
    assert "new_date" not in page.text


# ------------------------------------------------- the admin through the services


def changelist(model) -> str:
    return reverse(f"admin:directives_{model._meta.model_name}_changelist")


def run_action(client, model, action, rows, **extra):
    return client.post(
        changelist(model),
        {"action": action, ACTION_CHECKBOX_NAME: [r.pk for r in rows], **extra},
        follow=True,
    )


def test_confirming_a_claim_in_the_admin_completes_the_assignment(admin_client, world):
    update = claim(world, finished_on=datetime.date(2024, 5, 15))
    response = run_action(admin_client, ProgressUpdate, "confirm_claims", [update])
    assert response.status_code == 200
    world.a_normal.refresh_from_db()
    assert world.a_normal.completed_on == datetime.date(2024, 5, 15)
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.CONFIRMED
    assert update.reviewed_by == world.admin
    # Confirming it again is reported for the row, not done twice.
    again = run_action(admin_client, ProgressUpdate, "confirm_claims", [update])
    assert confirmed_by("admin") in said(again)


def test_rejecting_claims_in_the_admin_asks_for_a_comment_first(admin_client, world):
    update = claim(world)
    page = run_action(admin_client, ProgressUpdate, "reject_claims", [update])
    assert page.status_code == 200
    assert 'name="comment"' in page.text
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.PENDING
    empty = run_action(admin_client, ProgressUpdate, "reject_claims", [update], apply="1")
    assert empty.context["form"].errors
    run_action(
        admin_client,
        ProgressUpdate,
        "reject_claims",
        [update],
        apply="1",
        comment="Chưa có biên bản.",
    )
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.REJECTED
    assert update.review_comment == "Chưa có biên bản."


def test_approving_a_deadline_change_in_the_admin_moves_the_due_date(admin_client, world):
    change = f.DeadlineChangeFactory(assignment=world.a_normal)
    run_action(admin_client, DeadlineChange, "approve_changes", [change])
    world.a_normal.refresh_from_db()
    assert world.a_normal.due_date == datetime.date(2024, 9, 30)
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.APPROVED
    assert change.decided_by == world.admin


def test_refusing_a_deadline_change_in_the_admin_needs_a_comment(admin_client, world):
    change = f.DeadlineChangeFactory(assignment=world.a_normal)
    run_action(admin_client, DeadlineChange, "refuse_changes", [change], apply="1")
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.PENDING
    run_action(
        admin_client, DeadlineChange, "refuse_changes", [change], apply="1", comment="Không."
    )
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.REFUSED
    world.a_normal.refresh_from_db()
    assert world.a_normal.due_date == datetime.date(2024, 6, 30)


def test_an_administrator_who_is_not_a_reviewer_is_told_per_row(client, world):
    update = claim(world)
    client.force_login(world.admin)
    response = run_action(client, ProgressUpdate, "confirm_claims", [update])
    assert gettext("%(row)s: only reviewers may decide this.") % {"row": update} in said(response)
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.PENDING


def test_decision_fields_posted_to_the_admin_change_forms_are_ignored(admin_client, world):
    update = claim(world)
    change = f.DeadlineChangeFactory(assignment=world.b_normal)
    saved = admin_client.post(
        reverse("admin:directives_progressupdate_change", args=[update.pk]),
        {
            "assignment": world.b_normal.pk,
            "quarter": world.q2.pk,
            "claimed_status": "done",
            "percent": 100,
            "description": "Đã xong.",
            "reported_at_0": "2024-05-15",
            "reported_at_1": "08:00:00",
            "review_status": ReviewStatus.CONFIRMED,
            "reviewed_by": world.admin.pk,
            "review_comment": "Sửa trộm.",
            "finished_on": "2024-03-20",
        },
    )
    assert saved.status_code == 302
    update.refresh_from_db()
    assert update.review_status == ReviewStatus.PENDING
    assert update.review_comment == ""
    assert update.assignment == world.a_normal
    assert update.finished_on == datetime.date(2024, 5, 15)
    saved = admin_client.post(
        reverse("admin:directives_deadlinechange_change", args=[change.pk]),
        {
            "assignment": world.b_normal.pk,
            "old_date": "2024-06-30",
            "new_date": "2024-09-30",
            "reason": "Cần thêm thời gian.",
            "requested_at_0": "2024-05-15",
            "requested_at_1": "08:00:00",
            "status": DeadlineChangeStatus.APPROVED,
            "decision_comment": "Sửa trộm.",
        },
    )
    assert saved.status_code == 302
    requested = change.new_date
    change.refresh_from_db()
    assert change.status == DeadlineChangeStatus.PENDING
    assert change.decision_comment == ""
    assert change.new_date == requested
    # An assignment is given and changed on its directive (directive_save): its own
    # admin page only reads.
    url = reverse("admin:directives_assignment_change", args=[world.b_normal.pk])
    saved = admin_client.post(
        url,
        {
            "directive": world.normal.pk,
            "unit": world.unit_b.pk,
            "role": "support",
            "due_date": "2025-12-31",
            "completed_on": "2024-05-01",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
            "deadline_changes-TOTAL_FORMS": "0",
            "deadline_changes-INITIAL_FORMS": "0",
        },
    )
    assert saved.status_code == 403
    world.b_normal.refresh_from_db()
    assert world.b_normal.due_date == datetime.date(2024, 6, 30)
    assert world.b_normal.completed_on is None


def test_the_admin_adds_no_claims_and_no_deadline_requests(admin_client):
    # Both are the unit's to make, through progress_post and deadline_change_request.
    for model in ("progressupdate", "deadlinechange"):
        assert admin_client.get(reverse(f"admin:directives_{model}_add")).status_code == 403


def test_a_directive_date_moved_in_the_admin_moves_the_deadlines_that_followed_it(
    admin_client, world
):
    world.b_normal.due_date = datetime.date(2024, 8, 31)  # moved by an approved change
    world.b_normal.save()
    url = reverse("admin:directives_directive_change", args=[world.normal.pk])
    data = admin_form_data(admin_client, url, "directive_form")

    saved = admin_client.post(url, {**data, "due_date": "31/07/2024"})

    assert saved.status_code == 302
    world.a_normal.refresh_from_db()
    world.b_normal.refresh_from_db()
    assert world.a_normal.due_date == datetime.date(2024, 7, 31)
    assert world.b_normal.due_date == datetime.date(2024, 8, 31)


def test_the_admin_keeps_an_assignment_that_has_progress(admin_client, world):
    f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2)
    url = reverse("admin:directives_directive_change", args=[world.normal.pk])
    data = admin_form_data(admin_client, url, "directive_form")
    row = inline_row(data, "assignments", world.a_normal)

    removed = admin_client.post(url, {**data, f"{row}-DELETE": "on"})
    moved = admin_client.post(url, {**data, f"{row}-unit": str(world.unit_c.pk)})

    assert removed.status_code == moved.status_code == 200  # the form again, with why
    world.a_normal.refresh_from_db()
    assert world.a_normal.unit == world.unit_a
    assert world.a_normal.updates.count() == 1


def test_a_directive_date_moved_on_the_meetings_admin_page_moves_them_too(admin_client, world):
    url, data, row = normal_on_meeting_admin(admin_client, world)

    saved = admin_client.post(url, {**data, f"{row}-due_date": "31/07/2024"})

    assert saved.status_code == 302
    world.a_normal.refresh_from_db()
    assert world.a_normal.due_date == datetime.date(2024, 7, 31)


# ------------------------------------------- a recommendation of a confidential directive


def test_a_recommendation_led_only_to_a_confidential_directive_is_hidden_from_other_units(
    client, world
):
    secret = f.RecommendationFactory(
        meeting=world.meeting, text="Kiến nghị về quỹ.", response="Giao rà soát quỹ kín."
    )
    secret.directives.set([world.confidential])
    open_one = f.RecommendationFactory(
        meeting=world.meeting, text="Kiến nghị chung.", response="Đồng ý chung."
    )
    url = reverse("meetings:detail", args=[world.meeting.pk])
    client.force_login(world.reporter_b)  # unit B is not assigned to the confidential one
    page = client.get(url).text
    assert "Giao rà soát quỹ kín." not in page
    assert "Kiến nghị về quỹ." not in page
    assert "Đồng ý chung." in page
    client.force_login(world.reporter_a)  # unit A is
    page = client.get(url).text
    assert "Giao rà soát quỹ kín." in page
    assert open_one.response in page


def test_the_data_migration_dates_stored_done_claims_by_their_report_day(world):
    from importlib import import_module

    from django.apps import apps

    migration = import_module(
        "directives.migrations.0005_backfill_finished_on_and_single_pending_claim"
    )
    stored = claim(world, finished_on=None)
    ProgressUpdate.objects.filter(pk=stored.pk).update(
        reported_at=timezone.make_aware(datetime.datetime(2024, 5, 6, 23, 30))
    )
    migration.forwards(apps, None)
    stored.refresh_from_db()
    assert stored.finished_on == datetime.date(2024, 5, 6)
