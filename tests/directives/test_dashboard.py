"""The follow-up dashboard: every number equals a direct count in the database, and
every linked number opens a list of exactly that many rows (its pages' query counts:
test_dashboard_queries.py)."""

import datetime
import html
import itertools
import re

import pytest
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from directives.models import Assignment, AssignmentRole, Confidentiality, Directive
from directives.rules import DirectiveStatus as S
from tests import factories as f
from tests.directives.world import TODAY, review_claim

pytestmark = pytest.mark.django_db

PATTERNS = [
    # (due date, completed on, update quarters)
    (datetime.date(2024, 6, 30), datetime.date(2024, 5, 1), ("q2",)),  # done on time
    (datetime.date(2024, 4, 30), datetime.date(2024, 5, 10), ("q2",)),  # done late
    (datetime.date(2024, 4, 30), None, ("q1",)),  # overdue
    (datetime.date(2024, 6, 30), None, ()),  # not started
    (datetime.date(2024, 6, 30), None, ("q1",)),  # in progress, no update this quarter
    (datetime.date(2024, 6, 30), None, ("q2",)),  # in progress, updated
    (None, None, ("q2",)),  # ongoing, current
    (None, None, ("q1",)),  # ongoing, stale
]


def populate(world, size: int) -> None:
    """``size`` more directives over two meetings, three topics and three units,
    with every status among their lead and supporting units."""
    meetings = [world.meeting, f.MeetingFactory(quarter=world.q2, title="Giao ban quý II")]
    topics = [world.topic, f.TopicFactory(name="An sinh"), None]
    units = [world.unit_a, world.unit_b, world.unit_c]
    quarters = {"q1": world.q1, "q2": world.q2}
    cycle = itertools.cycle(PATTERNS)
    for i in range(size):
        lead_patterns = [next(cycle) for _ in range(1 + i % 2)]
        ongoing = all(p[0] is None for p in lead_patterns)
        if not ongoing:
            lead_patterns = [p for p in lead_patterns if p[0] is not None]
        directive = f.DirectiveFactory(
            meeting=meetings[i % 2],
            number=100 + Directive.objects.count(),
            topic=topics[i % 3],
            due_date=None if ongoing else datetime.date(2024, 6, 30),
            is_ongoing=ongoing,
            is_priority=i % 4 == 0,
            confidentiality=Confidentiality.CONFIDENTIAL if i % 5 == 0 else Confidentiality.NORMAL,
        )
        chosen = [units[(i + k) % 3] for k in range(len(lead_patterns) + 1)]
        roles = [AssignmentRole.LEAD] * len(lead_patterns) + [AssignmentRole.SUPPORT]
        patterns = [*lead_patterns, next(cycle)]
        for unit, role, (due, done, updated_in) in zip(chosen, roles, patterns, strict=True):
            if ongoing:
                due = None
            elif due is None:
                due = datetime.date(2024, 6, 30)
            assignment = f.AssignmentFactory(
                directive=directive, unit=unit, role=role, due_date=due, completed_on=done
            )
            for key in updated_in:
                f.ProgressUpdateFactory(assignment=assignment, quarter=quarters[key])


@pytest.fixture(scope="module")
def built_world(built_world):
    """The module's world (conftest.py) with more, made once for the module's tests."""
    populate(built_world, 24)
    return built_world


def direct_counts(world, visible: "Q | None" = None, unit_ids=None) -> dict:
    """The dashboard's numbers counted straight from the tables, without the
    status expressions of directives.query."""
    directives = Directive.objects.all()
    assignments = Assignment.objects.all()
    if visible is not None:
        directives = directives.filter(visible)
        assignments = assignments.filter(directive__in=directives)
    if unit_ids is not None:
        directives = directives.filter(assignments__unit_id__in=unit_ids).distinct()
        assignments = assignments.filter(unit_id__in=unit_ids)
    lead = Assignment.objects.filter(directive=OuterRef("pk"), role=AssignmentRole.LEAD)
    unfinished_lead = lead.filter(completed_on__isnull=True)
    done = directives.filter(Exists(lead)).exclude(Exists(unfinished_lead))
    overdue = directives.filter(Exists(unfinished_lead.filter(due_date__lt=TODAY)))
    open_assignments = assignments.filter(completed_on__isnull=True)
    updated = open_assignments.filter(updates__quarter=world.q2).distinct()
    return {
        "total": directives.count(),
        "done": done.count(),
        "overdue": overdue.count(),
        "with_deadline": directives.filter(is_ongoing=False).count(),
        "done_with_deadline": done.filter(is_ongoing=False).count(),
        "a_total": assignments.count(),
        "a_overdue": open_assignments.filter(due_date__lt=TODAY).count(),
        "a_open": open_assignments.count(),
        "a_updated": updated.count(),
        "a_not_started": open_assignments.filter(Q(due_date__gte=TODAY) | Q(due_date__isnull=True))
        .exclude(updates__isnull=False)
        .count(),
    }


@pytest.mark.slow
def test_every_province_number_equals_a_direct_count(client, world):
    client.force_login(world.leader)
    context = client.get(reverse("directives:dashboard")).context
    d, a = context["summary"]["directives"], context["summary"]["assignments"]
    expected = direct_counts(world)
    assert d["total"] == expected["total"]
    assert d["done"] == expected["done"]
    assert d[S.OVERDUE] == expected["overdue"]
    assert d["with_deadline"] == expected["with_deadline"]
    assert d["done_with_deadline"] == expected["done_with_deadline"]
    assert a["total"] == expected["a_total"]
    assert a[S.OVERDUE] == expected["a_overdue"]
    assert a["open"] == expected["a_open"]
    assert a["updated"] == expected["a_updated"]
    assert a[S.NOT_STARTED] == expected["a_not_started"]
    assert a["awaiting"] == expected["a_open"] - expected["a_updated"]
    assert sum(d[s] for s in S) == d["total"]
    from reports.rules import rate

    assert d["completion_rate"] == rate(expected["done_with_deadline"], expected["with_deadline"])
    assert a["update_rate"] == rate(expected["a_updated"], expected["a_open"])


def test_every_unit_row_equals_a_direct_count(client, world):
    client.force_login(world.reviewer)
    context = client.get(reverse("directives:dashboard")).context
    # Units in display order, then by name.
    assert [row["unit"] for row in context["by_unit"]] == [
        world.unit_a.pk,
        world.unit_c.pk,
        world.unit_b.pk,
    ]
    for row in context["by_unit"]:
        expected = direct_counts(world)
        assignments = Assignment.objects.filter(unit_id=row["unit"])
        open_ = assignments.filter(completed_on__isnull=True)
        assert row["total"] == assignments.count()
        assert row["overdue"] == open_.filter(due_date__lt=TODAY).count()
        assert row["done"] == assignments.filter(completed_on__isnull=False).count()
        assert row["open"] == open_.count()
        assert row["updated"] == open_.filter(updates__quarter=world.q2).distinct().count()
        assert expected  # the province figures stay consistent with the rows:
    assert sum(row["total"] for row in context["by_unit"]) == Assignment.objects.count()
    silent = {row["unit"] for row in context["not_updated"]}
    expected_silent = set(
        Assignment.objects.filter(completed_on__isnull=True)
        .exclude(updates__quarter=world.q2)
        .values_list("unit_id", flat=True)
    )
    assert silent == expected_silent


def test_topic_meeting_and_trend_numbers_equal_direct_counts(client, world):
    client.force_login(world.leader)
    context = client.get(reverse("directives:dashboard")).context
    for row in context["by_topic"]:
        assert row["total"] == Directive.objects.filter(topic=row["topic"]).count()
    for row in context["by_meeting"]:
        assert row["total"] == Directive.objects.filter(meeting=row["meeting"]).count()
    trend = {row["quarter"]: row for row in context["trend"]}
    assert trend[world.q1]["issued"] == Directive.objects.filter(meeting__quarter=world.q1).count()
    assert (
        trend[world.q2]["completed"]
        == Assignment.objects.filter(
            completed_on__range=(world.q2.start_date, world.q2.end_date)
        ).count()
    )
    assert trend[world.q1]["updated"] == (
        Assignment.objects.filter(updates__quarter=world.q1).distinct().count()
    )


def test_unit_staff_see_their_own_units_numbers_without_others_confidential_ones(client, world):
    client.force_login(world.reporter_b)
    context = client.get(reverse("directives:dashboard")).context
    visible = Q(confidentiality=Confidentiality.NORMAL) | Q(assignments__unit=world.unit_b)
    expected = direct_counts(world, visible=visible, unit_ids=[world.unit_b.pk])
    d, a = context["summary"]["directives"], context["summary"]["assignments"]
    assert d["total"] == expected["total"]
    assert d[S.OVERDUE] == expected["overdue"]
    assert a["total"] == expected["a_total"]
    assert a["open"] == expected["a_open"]
    assert [row["unit"] for row in context["by_unit"]] == [world.unit_b.pk]


LINK = re.compile(r'<a[^>]*href="(/directives/[^"#]*)"[^>]*>\s*([0-9]+)\s*</a>')


@pytest.mark.parametrize("who", ["leader", "reporter_b"])
def test_every_linked_number_opens_a_list_of_exactly_that_many_rows(client, world, who):
    client.force_login(getattr(world, who))
    page = client.get(reverse("directives:dashboard")).content.decode()
    links = LINK.findall(page)
    assert len(links) > 30
    for href, number in links:
        listed = client.get(html.unescape(href))
        assert listed.status_code == 200, href
        assert listed.context["page"].paginator.count == int(number), href


def test_the_dashboard_numbers_change_when_a_done_is_confirmed(client, world):
    client.force_login(world.leader)
    before = client.get(reverse("directives:dashboard")).context["summary"]["directives"]
    client.force_login(world.reporter_a)
    client.post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        {
            "claimed_status": "done",
            "percent": 100,
            "finished_on": "2024-05-20",
            "description": "Hoàn thành.",
        },
    )
    review_claim(client, world.reviewer, world.a_normal.updates.get(), decision="yes")
    client.force_login(world.leader)
    after = client.get(reverse("directives:dashboard")).context["summary"]["directives"]
    assert after["done"] == before["done"] + 1
    assert after[S.DONE_ON_TIME] == before[S.DONE_ON_TIME] + 1


def test_the_home_summary_partial_renders_for_leadership(client, world):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from directives.selectors import dashboard_summary_context

    request = RequestFactory().get("/")
    request.user = world.leader
    rendered = render_to_string(
        "directives/_dashboard_summary.html", dashboard_summary_context(world.leader), request
    )
    assert reverse("directives:dashboard") in rendered
    assert str(direct_counts(world)["total"]) in rendered
