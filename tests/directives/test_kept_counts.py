"""The follow-up counts a user's home, quarter and dashboard pages show, the assignments
awaiting their update and the register's pages are kept in the process's memory under
``FollowUpToken`` (directives.selectors.kept): a second visit reads them, and every
change they count is seen at once."""

import datetime

import factory
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import AssignmentRole, Directive, FollowUpToken
from directives.selectors import dashboard_summary, directive_counts, follow_up_dashboard
from directives.selectors.dashboard import _summary
from directives.signals import COUNTED
from reports.models import (
    Membership,
    MembershipRole,
    Reorganisation,
    ReorganisationKind,
    UnitLink,
    UnitName,
)
from reports.permissions import ADMIN_PERMISSION
from tests import factories as f
from tests.directives.world import TODAY

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["home", "directives:dashboard"])
def test_a_second_visit_reads_the_kept_counts(client, world, url):
    client.force_login(world.reviewer)
    first = _queries(client, reverse(url))
    # The summary is two queries, the dashboard a dozen: one is left, for the token.
    assert _queries(client, reverse(url)) <= first - (1 if url == "home" else 10)


def _total(user, **kwargs) -> int:
    return dashboard_summary(user, quarter=kwargs.pop("quarter", None), **kwargs)["directives"][
        "total"
    ]


def test_a_new_directive_is_counted_at_once(world):
    before = _total(world.reviewer, quarter=world.q2)
    directive = f.DirectiveFactory(meeting=world.meeting, number=9)
    f.AssignmentFactory(directive=directive, unit=world.unit_c, role=AssignmentRole.LEAD)
    assert _total(world.reviewer, quarter=world.q2) == before + 1


def test_the_quarter_pages_directive_counts_are_the_summarys_and_kept_as_they_are(world):
    """The quarter page counts its meetings' directives alone (``directive_counts``):
    the summary's, without its assignments, and a new directive at once."""

    def counts():
        return directive_counts(
            world.reviewer, quarter=world.q2, meeting_quarter=world.meeting.quarter
        )

    before = counts()
    summary = dashboard_summary(
        world.reviewer, quarter=world.q2, meeting_quarter=world.meeting.quarter
    )
    assert before == summary["directives"] and before["total"] > 0
    directive = f.DirectiveFactory(meeting=world.meeting, number=9)
    f.AssignmentFactory(directive=directive, unit=world.unit_c, role=AssignmentRole.LEAD)
    assert counts()["total"] == before["total"] + 1


def test_the_dashboard_counts_a_progress_update_at_once(world):
    def awaiting() -> int:
        return follow_up_dashboard(world.reviewer, quarter=world.q2)["summary"]["assignments"][
            "awaiting"
        ]

    before = awaiting()
    f.ProgressUpdateFactory(assignment=world.a_normal, quarter=world.q2)
    assert awaiting() == before - 1


def _merger() -> Reorganisation:
    return Reorganisation.objects.create(
        kind=ReorganisationKind.MERGE,
        effective_on=datetime.date(2024, 4, 1),
        decision_number="1-QĐ/TU",
        decision_date=datetime.date(2024, 3, 20),
    )


# One row of each model the counts read, as a test makes it.
MADE = {
    "meeting": lambda w: f.MeetingFactory(quarter=w.q2),
    "directive": lambda w: f.DirectiveFactory(meeting=w.meeting, number=8),
    "assignment": lambda w: f.AssignmentFactory(directive=w.ongoing, unit=w.unit_c),
    "progressupdate": lambda w: f.ProgressUpdateFactory(assignment=w.b_ongoing, quarter=w.q2),
    "deadlinechange": lambda w: f.DeadlineChangeFactory(assignment=w.a_normal),
    "topic": lambda w: f.TopicFactory(name="An sinh"),
    "unit": lambda w: f.UnitFactory(code="d"),
    "unitlink": lambda w: UnitLink.objects.create(
        reorganisation=_merger(), predecessor=w.unit_c, successor=w.unit_b
    ),
    "unitname": lambda w: UnitName.objects.create(
        unit=w.unit_a,
        name="Hội Phụ nữ tỉnh",
        used_until=datetime.date(2023, 12, 31),
        reorganisation=_merger(),
    ),
    "recommendation": lambda w: f.RecommendationFactory(meeting=w.meeting),
    "membership": lambda w: f.MembershipFactory(unit=w.unit_c),
    "quarter": lambda w: f.QuarterFactory(year=2024, number=3),
}


def test_every_model_the_counts_read_has_a_row_made_here():
    assert {model._meta.model_name for model in COUNTED} == set(MADE)


@pytest.mark.parametrize("name", sorted(MADE))
def test_every_save_and_deletion_of_what_the_counts_read_renews_the_token(world, name):
    token = FollowUpToken.objects.current()
    row = MADE[name](world)
    assert FollowUpToken.objects.current() != token, "made"
    token = FollowUpToken.objects.current()
    row.save()
    assert FollowUpToken.objects.current() != token, "saved"
    token = FollowUpToken.objects.current()
    row.delete()
    assert FollowUpToken.objects.current() != token, "deleted"


def test_each_user_keeps_their_own_counts(world):
    """Unit A leads the overdue confidential directive; unit B has nothing overdue."""
    kept = {
        user: dashboard_summary(user, quarter=world.q2)
        for user in (world.reporter_a, world.reporter_b)
    }
    for user, summary in kept.items():
        assert summary == _summary(user, quarter=world.q2, meeting_quarter=None, today=TODAY)
    assert kept[world.reporter_a]["directives"]["overdue"] == 1
    assert kept[world.reporter_b]["directives"]["overdue"] == 0


def test_a_user_made_administrator_counts_every_directive_at_once(world):
    user = world.reporter_c
    assert _total(user) == 0
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename=ADMIN_PERMISSION.split(".")[1]))
    user = type(user).objects.get(pk=user.pk)  # a new request's user: no cached rights
    assert _total(user) == 3


def test_a_role_given_is_counted_at_once(world):
    user = world.reporter_c
    assert _total(user) == 0
    Membership.objects.create(user=user, unit=world.unit_a, role=MembershipRole.REPORTER)
    user = type(user).objects.get(pk=user.pk)
    assert _total(user) == 2  # the normal and the confidential directive unit A leads


def test_the_counts_follow_the_day(world):
    """The confidential directive is due 30/04/2024: overdue from the next day on."""

    def overdue(day: datetime.date) -> int:
        return dashboard_summary(world.reviewer, quarter=world.q2, today=day)["directives"][
            "overdue"
        ]

    assert overdue(datetime.date(2024, 4, 30)) == overdue(TODAY) - 1


def test_the_register_reads_a_kept_page_and_shows_a_change_at_once(client, world):
    client.force_login(world.reviewer)
    url = reverse("directives:register")
    first = _queries(client, url)
    assert _queries(client, url) <= first - 3  # the count, the rows, their units
    world.normal.title = "Một tiêu đề mới"
    world.normal.save()
    assert "Một tiêu đề mới" in client.get(url).content.decode()


def test_the_register_keeps_each_filter_and_page_apart(client, world):
    client.force_login(world.reviewer)
    url = reverse("directives:register")
    f.DirectiveFactory.create_batch(
        30, meeting=world.meeting, number=factory.Iterator(range(100, 130))
    )
    searched = {q: client.get(url, {"q": q}).context["page"] for q in ("phong trào", "quỹ")}
    assert [d.title for d in searched["phong trào"]] == [world.normal.title]
    assert [d.title for d in searched["quỹ"]] == [world.confidential.title]
    pages = [client.get(url, {"page": n}).context["page"] for n in (1, 2, 9)]
    assert [page.number for page in pages] == [1, 2, 2]  # past the last: the last
    assert pages[0].paginator.count == pages[1].paginator.count == 33
    assert not {d.pk for d in pages[0]} & {d.pk for d in pages[1]}


def test_the_lists_a_meeting_page_shows_renew_the_token(world):
    recommendation = f.RecommendationFactory(meeting=world.meeting)
    for change in (
        lambda: world.meeting.attending_units.add(world.unit_c),
        lambda: world.meeting.attending_units.remove(world.unit_c),
        lambda: recommendation.directives.add(world.normal),
        lambda: recommendation.directives.clear(),
    ):
        token = FollowUpToken.objects.current()
        change()
        assert FollowUpToken.objects.current() != token


def test_the_meeting_page_reads_a_kept_page_and_shows_a_change_at_once(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:detail", args=[world.meeting.pk])
    first = _queries(client, url)
    assert _queries(client, url) <= first - 5
    f.RecommendationFactory(meeting=world.meeting, text="Kiến nghị mới về an sinh.")
    world.unit_b.name = world.unit_b.short_name = "Đoàn Thanh niên tỉnh"
    world.unit_b.save()  # renamed with no former name kept: named so everywhere
    page = client.get(url).content.decode()
    assert "Kiến nghị mới về an sinh." in page
    assert "Đoàn Thanh niên tỉnh" in page
    assert "Tỉnh đoàn" not in page


def test_rows_the_counts_never_read_are_still_deleted_in_one_statement(world):
    """Only the counted models have receivers: Django deletes any other model's rows
    without loading them (sessions, notifications, history), as before."""
    from django.contrib.sessions.models import Session
    from django.db.models.deletion import Collector

    from notifications.models import Notification

    for model in (Session, Notification, Directive.history.model):
        assert Collector(using="default").can_fast_delete(model.objects.all()), model
    assert not Collector(using="default").can_fast_delete(Directive.objects.all())


def test_every_migrate_renews_the_token(world):
    from django.core.management.sql import emit_post_migrate_signal

    token = FollowUpToken.objects.current()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert FollowUpToken.objects.current() != token
