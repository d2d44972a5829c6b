"""Long lists at national scale: the dashboard, the meeting page and the briefing
pack keep every count complete but list at most ``selectors.ROWS_SHOWN`` rows,
those that need attention first, with an "N more" link to exactly the rows of
the whole list; a province whose lists fit still sees every row as before.

The tests lower the cap instead of creating thousands of units."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from directives import selectors
from directives.models import Assignment, Directive
from reports.models import ReportStatus
from tests import factories as f
from tests.directives.test_dashboard import populate
from tests.directives.world import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built_world(built_world):
    """The module's world (conftest.py) with more, made once for the module's tests."""
    populate(built_world, 24)
    return built_world


@pytest.fixture
def cap(monkeypatch):
    def lower(n: int) -> None:
        for module in (selectors, selectors.visible, selectors.briefing, selectors.dashboard):
            monkeypatch.setattr(module, "ROWS_SHOWN", n)

    return lower


def more_link(page: str, name: str) -> str | None:
    """The address of the "N more" link named ``name``, or None when there is none."""
    tag = re.search(rf'<a\b[^>]*\bdata-more="{name}"[^>]*>', page)
    if tag is None:
        return None
    return html.unescape(re.search(r'href="([^"]+)"', tag.group()).group(1))


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def unit_figures(world) -> dict[int, tuple[int, int, int]]:
    """(overdue, open, awaiting an update this quarter) per unit, counted straight."""
    figures = {}
    for unit_id in set(Assignment.objects.values_list("unit_id", flat=True)):
        open_ = Assignment.objects.filter(unit_id=unit_id, completed_on__isnull=True)
        figures[unit_id] = (
            open_.filter(due_date__lt=TODAY).count(),
            open_.count(),
            open_.exclude(updates__quarter=world.q2).count(),
        )
    return figures


# ---------------------------------------------------------------- dashboard


def test_the_dashboard_lists_the_worst_units_first_and_links_to_every_assignment(
    client, world, cap
):
    cap(2)
    client.force_login(world.leader)
    response = client.get(reverse("directives:dashboard"))
    context, page = response.context, response.content.decode()
    figures = unit_figures(world)
    assert len(figures) == 3

    worst = sorted(figures, key=lambda unit: (-figures[unit][0], -figures[unit][1]))
    assert [row["unit"] for row in context["by_unit"]] == worst[:2]
    for row in context["by_unit"]:
        assert (row["overdue"], row["open"]) == figures[row["unit"]][:2]
    assert context["units_more"] == 1
    # Counts stay complete: the province numbers do not depend on the rows shown.
    assert context["summary"]["assignments"]["total"] == Assignment.objects.count()

    # "1 more unit" opens every assignment: those of the units shown and of the one left out.
    url = more_link(page, "units")
    assert listed(client, url) == Assignment.objects.count()
    assert sum(row["total"] for row in context["by_unit"]) < Assignment.objects.count()


def test_the_units_awaiting_an_update_are_capped_with_a_link_to_all_of_them(client, world, cap):
    cap(1)
    client.force_login(world.leader)
    response = client.get(reverse("directives:dashboard"))
    context, page = response.context, response.content.decode()
    awaiting = {unit: n for unit, (_o, _open, n) in unit_figures(world).items() if n}
    assert len(awaiting) > 1
    [shown] = context["not_updated"]
    assert shown["awaiting"] == max(awaiting.values())
    assert context["not_updated_more"] == len(awaiting) - 1
    url = more_link(page, "not-updated")
    assert listed(client, url) == sum(awaiting.values())
    assert listed(client, url) == context["summary"]["assignments"]["awaiting"]


def test_the_dashboard_lists_the_latest_meetings_with_a_link_to_every_directive(client, world, cap):
    cap(1)
    client.force_login(world.leader)
    response = client.get(reverse("directives:dashboard"))
    context, page = response.context, response.content.decode()
    latest = Directive.objects.order_by("-meeting__held_at", "-meeting_id").first().meeting
    assert [row["meeting"] for row in context["by_meeting"]] == [latest.pk]
    assert context["by_meeting"][0]["total"] == Directive.objects.filter(meeting=latest).count()
    assert context["meetings_more"] == 1
    assert listed(client, more_link(page, "meetings")) == Directive.objects.count()


def test_a_province_whose_lists_fit_sees_every_row_in_its_usual_order(client, world):
    client.force_login(world.leader)
    response = client.get(reverse("directives:dashboard"))
    context, page = response.context, response.content.decode()
    assert [row["unit"] for row in context["by_unit"]] == [
        world.unit_a.pk,
        world.unit_c.pk,
        world.unit_b.pk,
    ]
    assert len(context["by_meeting"]) == Directive.objects.values("meeting").distinct().count()
    assert context["units_more"] == context["meetings_more"] == context["not_updated_more"] == 0
    assert "data-more" not in page


def test_a_unit_dashboard_caps_and_links_within_its_own_units(client, world, cap):
    cap(1)
    f.MembershipFactory(user=world.reporter_b, unit=world.unit_c)
    client.force_login(world.reporter_b)
    response = client.get(reverse("directives:dashboard"))
    context, page = response.context, response.content.decode()
    assert len(context["by_unit"]) == 1
    assert context["units_more"] == 1
    mine = Assignment.objects.filter(
        unit__in=[world.unit_b, world.unit_c],
        directive__in=selectors.directives_visible_to(world.reporter_b),
    )
    assert listed(client, more_link(page, "units")) == mine.count()


# ------------------------------------------------------------- meeting page


def later_meeting(world):
    return f.MeetingFactory(
        quarter=world.q2,
        held_at=timezone.make_aware(datetime.datetime(2024, 12, 14, 14, 0)),
        title="Giao ban quý IV",
    )


def test_the_meeting_page_pages_carried_over_directives_overdue_first(client, world, cap):
    later = later_meeting(world)
    client.force_login(world.reviewer)
    url = reverse("meetings:detail", args=[later.pk])
    everything = list(client.get(url).context["carried_over"])
    assert len(everything) > 3
    assert "?page=2" not in client.get(url).content.decode()

    cap(3)
    first = client.get(url)
    page_one = list(first.context["carried_over"])
    assert len(page_one) == 3
    statuses = [d.status for d in page_one]
    assert statuses == sorted(statuses, key=lambda s: s != "overdue")
    assert "overdue" in statuses
    assert 'href="?page=2#carried-over"' in first.content.decode()
    shown = []
    for number in range(1, first.context["carried_over"].paginator.num_pages + 1):
        shown += list(client.get(f"{url}?page={number}").context["carried_over"])
    # Every unfinished directive once, over the pages, the overdue ones before the rest.
    assert sorted(d.pk for d in shown) == sorted(d.pk for d in everything)
    overdue = [d.status == "overdue" for d in shown]
    assert overdue == sorted(overdue, reverse=True)


# ------------------------------------------------------------ briefing pack


def hold_today(world) -> None:
    """The meeting held today (``TODAY``): its pack is today's, and links its numbers
    to today's lists (the pack of an earlier meeting is as things stood then)."""
    world.meeting.held_at = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(8)))
    world.meeting.save()


def file_reports(world) -> None:
    """A on time, B late, C and a fourth unit D missing the Q1 report."""
    f.UnitFactory(code="d", name="Công đoàn tỉnh")
    for unit, day in ((world.unit_a, 1), (world.unit_b, 30)):
        report = f.UnitReportFactory(unit=unit, quarter=world.q1, status=ReportStatus.SUBMITTED)
        report.first_submitted_at = timezone.make_aware(datetime.datetime(2024, 3, day, 9, 0))
        report.save()


def test_the_briefing_pack_lists_the_units_without_a_report_on_time_first(client, world, cap):
    hold_today(world)
    file_reports(world)
    cap(2)
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:pack", args=[world.meeting.pk]))
    context, page = response.context, response.content.decode()
    counts = {str(k): n for k, n in context["completeness_counts"].items()}
    assert counts == {"on_time": 1, "late": 1, "missing": 2, "not_due": 0}
    rows = [(row["unit"].code, row["timeliness"]) for row in context["completeness"]]
    assert rows == [("d", "missing"), ("c", "missing")]
    assert context["completeness_more"] == 2
    assert more_link(page, "completeness") == (
        reverse("quarters:detail", args=[world.q1.slug]) + "#completeness"
    )

    cap(3)
    context = client.get(reverse("meetings:pack", args=[world.meeting.pk])).context
    rows = [(row["unit"].code, row["timeliness"]) for row in context["completeness"]]
    assert rows == [("d", "missing"), ("c", "missing"), ("b", "late")]


def test_a_province_pack_lists_every_unit_in_its_usual_order(client, world):
    hold_today(world)
    file_reports(world)
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:pack", args=[world.meeting.pk]))
    rows = [(row["unit"].code, row["timeliness"]) for row in response.context["completeness"]]
    assert rows == [("d", "missing"), ("a", "on_time"), ("c", "missing"), ("b", "late")]
    assert [row["unit"] for row in response.context["directive_rows"]] == [
        world.unit_a,
        world.unit_c,
        world.unit_b,
    ]
    assert "data-more" not in response.content.decode()


def test_the_briefing_pack_lists_the_units_with_overdue_assignments_first(client, world, cap):
    hold_today(world)
    cap(2)
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:pack", args=[world.meeting.pk]))
    context, page = response.context, response.content.decode()
    figures = unit_figures(world)
    worst = sorted(figures, key=lambda unit: (-figures[unit][0], -figures[unit][1]))
    assert [row["unit"].pk for row in context["directive_rows"]] == worst[:2]
    open_ = Assignment.objects.filter(completed_on__isnull=True)
    totals = context["open_totals"]
    assert totals["open"] == open_.count()
    assert totals["overdue"] == open_.filter(due_date__lt=TODAY).count()
    assert totals["units"] == 3
    for row in context["directive_rows"]:
        unit_open = open_.filter(unit=row["unit"])
        assert len(row["open"]) == unit_open.count()
        assert len(row["overdue"]) == unit_open.filter(due_date__lt=TODAY).count()
        own = f"{reverse('directives:assignments')}?unit={row['unit'].pk}&progress=open"
        assert listed(client, own) == len(row["open"])
    assert context["open_units_more"] == 1
    assert listed(client, more_link(page, "open-units")) == open_.count()


def test_the_draft_conclusion_notice_stays_complete(client, world, cap):
    cap(1)
    client.force_login(world.reviewer)
    context = client.get(reverse("meetings:pack", args=[world.meeting.pk])).context
    assert len(context["new_directives"]) == Directive.objects.filter(meeting=world.meeting).count()
    assert len(context["new_directives"]) > 1


NUMBER_LINK = re.compile(
    r'<a[^>]*href="(/directives/assignments/[^"#]*)"[^>]*>\s*([0-9]+)\b[^<]*</a>'
)


@pytest.mark.parametrize("rows_shown", [1, 50])
def test_every_linked_number_of_the_pack_opens_exactly_that_many_rows(
    client, world, cap, rows_shown
):
    hold_today(world)
    cap(rows_shown)
    client.force_login(world.leader)
    page = client.get(reverse("meetings:pack", args=[world.meeting.pk])).content.decode()
    links = NUMBER_LINK.findall(page)
    assert len(links) >= 4
    for href, number in links:
        assert listed(client, html.unescape(href)) == int(number), href
