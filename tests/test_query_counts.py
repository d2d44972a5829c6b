"""Query discipline: every page and export runs the same number of SQL queries on a
small and on a five-times larger generated data set (generate_data), and no more
than the number pinned here. The pages of those who gave a second factor (reviewers,
leadership, the administrator) count one query more: django-otp reads the device
their session gave, so that one reset in the admin stops counting at once.

The data comes from ``sampledata.synthetic`` at two sizes; each page is requested
as the role that uses it. A page whose count grows with the data fails here.
(Django admin pages are pinned in test_admin.py; the evidence download needs a
stored file and is pinned in the directive tests.)
"""

import datetime
import re
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
)
from reports.models import (
    ConsolidatedQuote,
    ConsolidatedReport,
    Indicator,
    Membership,
    MembershipRole,
    Quarter,
    ReportStatus,
    Unit,
    UnitKind,
    UnitReport,
)
from sampledata.synthetic import MARK, Plan, generate

pytestmark = pytest.mark.django_db

SIZES = {
    "small": Plan(units=5, quarters=3, indicators=4, directives=3, seed=3, end=(2024, 2)),
    "large": Plan(units=25, quarters=5, indicators=12, directives=30, seed=3, end=(2024, 2)),
}


def _quiet(_line: str) -> None:
    pass


def _head_of(unit_id: int) -> User:
    return Membership.objects.get(unit_id=unit_id, role=MembershipRole.HEAD).user


def build(size: str) -> SimpleNamespace:
    """Generate the data set, then fix the few rows the pages are opened on, so that
    both sizes show the same kinds of row (a draft, a submitted report, an open
    assignment) and only the amount of data differs."""
    # What the previous size added beside the generated data goes first.
    ConsolidatedReport.objects.all().delete()
    Unit.objects.filter(code="gen-commission").delete()
    generate(plan=SIZES[size], replace=True, log=_quiet)
    current = Quarter.objects.get(year=2024, number=2)
    previous = Quarter.objects.get(year=2024, number=1)
    meeting = (
        Meeting.objects.filter(title__startswith=MARK, quarter=previous).order_by("pk").first()
    )
    directive = Directive.objects.filter(meeting=meeting).order_by("number").first()
    Directive.objects.filter(pk=directive.pk).update(
        is_ongoing=False, due_date=datetime.date(2099, 12, 31)
    )
    # The directive opened carries a target, so that its page reads the target's figures.
    Directive.objects.filter(pk=directive.pk).update(
        target_indicator=Indicator.objects.filter(code__startswith="GEN_").order_by("code")[0],
        target_min=10,
        target_max=20,
        target_date=datetime.date(2099, 12, 31),
    )
    lead = directive.assignments.order_by("pk").first()
    Assignment.objects.filter(pk=lead.pk).update(
        role=AssignmentRole.LEAD, due_date=datetime.date(2099, 12, 31), completed_on=None
    )
    unit = lead.unit
    UnitReport.objects.filter(unit=unit, quarter=current).delete()
    # The unit filed its report of the previous quarter, so that its quarter page
    # lists it at both sizes.
    UnitReport.objects.filter(unit=unit, quarter=previous).delete()
    filed_at = datetime.datetime(2024, 3, 5, 9, tzinfo=datetime.UTC)
    UnitReport.objects.create(
        unit=unit,
        quarter=previous,
        status=ReportStatus.SUBMITTED,
        first_submitted_at=filed_at,
        submitted_at=filed_at,
    )
    # … and not the one before it: the quarter page's comparison with that quarter
    # leaves it out at both sizes (the sums of the units compared take a query).
    UnitReport.objects.filter(unit=unit, quarter__year=2023, quarter__number=4).delete()
    draft = UnitReport.objects.create(unit=unit, quarter=current, status=ReportStatus.DRAFT)
    submitted = (
        UnitReport.objects.filter(quarter=previous, status=ReportStatus.SUBMITTED)
        .exclude(unit=unit)
        .select_related("unit")
        .first()
    )
    if submitted is None:
        submitted = (
            UnitReport.objects.filter(quarter=previous).exclude(unit=unit).select_related("unit")
        ).first()
        UnitReport.objects.filter(pk=submitted.pk).update(status=ReportStatus.SUBMITTED)
    recommendation = Recommendation.objects.filter(meeting=meeting).first()
    # The province's commission, with its consolidated report of the previous quarter
    # quoting a unit's report: the drafting page reads the quotes at both sizes.
    commission = Unit.objects.create(
        code="gen-commission",
        name="Ban Dân vận (sinh tự động)",
        kind=UnitKind.MASS_MOBILIZATION,
        parent=Unit.objects.get(parent__isnull=True),
        submits_reports=False,
    )
    written = ConsolidatedReport.objects.create(
        unit=commission, quarter=previous, results="Trích báo cáo của đơn vị."
    )
    ConsolidatedQuote.objects.create(
        report=written, section="results", source=submitted, excerpt="Trích"
    )
    # Both sizes have progress and a deadline change awaiting a decision, so the
    # review queue shows rows at both (an empty list skips its row query).
    ProgressUpdate.objects.filter(
        pk=ProgressUpdate.objects.filter(assignment=lead).values("pk")[:1]
    ).update(review_status=ReviewStatus.PENDING)
    if not ProgressUpdate.objects.filter(review_status=ReviewStatus.PENDING).exists():
        ProgressUpdate.objects.create(
            assignment=lead,
            quarter=previous,
            claimed_status=ClaimedStatus.DONE,
            percent=100,
            description="Đã hoàn thành.",
            review_status=ReviewStatus.PENDING,
        )
    if not DeadlineChange.objects.filter(status=DeadlineChangeStatus.PENDING).exists():
        DeadlineChange.objects.create(
            assignment=lead,
            old_date=datetime.date(2099, 12, 31),
            new_date=datetime.date(2100, 3, 31),
            reason="Cần thêm thời gian.",
        )
    return SimpleNamespace(
        reviewer=User.objects.get(username="gen-reviewer"),
        leader=User.objects.get(username="gen-leader"),
        head=_head_of(unit.id),
        unit=unit,
        current=current,
        previous=previous,
        meeting=meeting,
        directive=directive,
        assignment=lead,
        draft=draft,
        submitted=submitted,
        recommendation=recommendation,
        indicator_code=Indicator.objects.filter(code__startswith="GEN_").order_by("code")[0].code,
    )


def _search(url_name: str, text: str) -> str:
    return reverse(url_name) + "?" + urlencode({"q": text})


# (name, role, url builder, pinned maximum). A signed-in page's navigation counts what
# waits for the user (unread notifications; a reviewer's reports, claims and deadline
# requests) in one query (danvan.context_processors.waiting). Every URL of danvan/urls.py,
# reports/urls.py, directives/urls*.py and quarters/views.py that answers a GET.
PAGES = [
    # + the follow-up token of the kept counts (directives.selectors.kept)
    ("home (reviewer)", "reviewer", lambda w: reverse("home"), 12),
    ("home (head)", "head", lambda w: reverse("home"), 11),
    ("healthz", None, lambda w: reverse("healthz"), 1),
    ("login", None, lambda w: reverse("login"), 0),
    ("password change (head)", "head", lambda w: reverse("password_change"), 4),
    ("password reset", None, lambda w: reverse("password_reset"), 0),
    ("password reset sent", None, lambda w: reverse("password_reset_done"), 0),
    # + the devices, the recovery codes left, the changes on record
    ("two-factor sign-in (head)", "head", lambda w: reverse("two_factor"), 7),
    ("two-factor sign-in (reviewer)", "reviewer", lambda w: reverse("two_factor"), 9),
    ("two-factor setup (head)", "head", lambda w: reverse("two_factor_setup"), 8),
    ("notifications (head)", "head", lambda w: reverse("notifications:inbox"), 6),
    (
        "notifications settings (reviewer)",
        "reviewer",
        lambda w: reverse("notifications:settings"),
        7,
    ),
    ("report list (head)", "head", lambda w: reverse("reports:list"), 11),
    ("report list (reviewer)", "reviewer", lambda w: reverse("reports:list"), 11),
    (
        "review queue (redirects to the current quarter's)",
        "reviewer",
        lambda w: reverse("reports:queue"),
        7,
    ),
    (
        "review queue of a quarter",
        "reviewer",
        lambda w: reverse("reports:queue_quarter", args=[w.previous.slug]),
        14,
    ),
    (
        "reports' unit search (reviewer)",
        "reviewer",
        lambda w: _search("reports:unit_search", "sinh tu dong"),
        6,  # session, user, its second factor, memberships, the roots (covered by the roles), units
    ),
    ("reports' unit search (head)", "head", lambda w: _search("reports:unit_search", "so 1"), 5),
    (
        "report form (head)",
        "head",
        lambda w: reverse("reports:report", args=[w.unit.code, w.current.slug]),
        17,
    ),
    (
        "report search (reviewer)",
        "reviewer",
        lambda w: reverse("reports:search") + "?q=nhan+dan",
        8,
    ),
    (
        "report figures from Excel (head)",
        "head",
        lambda w: reverse("reports:import_workbook", args=[w.current.slug]),
        5,
    ),
    (
        "report from a Word file (head)",
        "head",
        lambda w: reverse("reports:import_word", args=[w.unit.code, w.current.slug]),
        9,
    ),
    (
        "submitted report (reviewer)",
        "reviewer",
        lambda w: reverse("reports:report", args=[w.submitted.unit.code, w.previous.slug]),
        23,  # + the quality checks (5), the follow-up marks, the annexes
    ),
    (
        "submitted report as a document (reviewer)",
        "reviewer",
        lambda w: reverse("reports:document", args=[w.submitted.unit.code, w.previous.slug]),
        12,  # + the last version with its values, the unit's names and issuer details
    ),
    (
        "report as a document (head)",
        "head",
        lambda w: reverse("reports:document", args=[w.unit.code, w.current.slug]),
        10,
    ),
    ("meeting list", "reviewer", lambda w: reverse("meetings:list"), 9),
    (
        "meeting search (reviewer)",
        "reviewer",
        lambda w: _search("meetings:search", "sinh tu dong giao ban"),
        6,  # session, user, its second factor, memberships, the roots, meetings
    ),
    ("meeting search (head)", "head", lambda w: _search("meetings:search", "giao ban"), 5),
    ("new meeting form", "reviewer", lambda w: reverse("meetings:new"), 9),
    # Each + the follow-up token of the kept page (directives.selectors.kept).
    ("meeting", "reviewer", lambda w: reverse("meetings:detail", args=[w.meeting.pk]), 19),
    ("meeting (head)", "head", lambda w: reverse("meetings:detail", args=[w.meeting.pk]), 18),
    ("meeting form", "reviewer", lambda w: reverse("meetings:edit", args=[w.meeting.pk]), 13),
    (
        "briefing pack",
        "reviewer",
        lambda w: reverse("meetings:pack", args=[w.meeting.pk]),
        # + of a past meeting, the units as given that day: the open work's ids first,
        # its units, and the meeting's directives' (directive and assignment history,
        # the units)
        19,
    ),
    (
        "new directive form",
        "reviewer",
        lambda w: reverse("meetings:directive_new", args=[w.meeting.pk]),
        13,
    ),
    (
        "new recommendation form",
        "reviewer",
        lambda w: reverse("meetings:recommendation_new", args=[w.meeting.pk]),
        11,
    ),
    (
        "recommendation form",
        "reviewer",
        lambda w: reverse("meetings:recommendation_edit", args=[w.recommendation.pk]),
        13,
    ),
    ("register", "reviewer", lambda w: reverse("directives:register"), 15),
    ("register (head)", "head", lambda w: reverse("directives:register"), 15),
    (
        "register with a search and filters",
        "reviewer",
        lambda w: (
            reverse("directives:register")
            + "?q=dan+van&status=overdue&status=in_progress&sort=-due&deadline=yes"
        ),
        15,
    ),
    (
        "register filtered by a meeting",
        "reviewer",
        lambda w: reverse("directives:register") + f"?meeting={w.meeting.pk}",
        15,  # + the follow-up token of the kept page (directives.selectors.kept)
    ),
    ("assignments", "reviewer", lambda w: reverse("directives:assignments"), 16),
    (
        "assignments of a meeting",
        "head",
        lambda w: reverse("directives:assignments") + f"?meeting={w.meeting.pk}&mine=on",
        14,
    ),
    (
        "assignments awaiting an update",
        "reviewer",
        lambda w: reverse("directives:assignments") + "?progress=awaiting&q=tinh",
        16,
    ),
    # Each + the follow-up token of the kept counts (directives.selectors.kept).
    ("dashboard (reviewer)", "reviewer", lambda w: reverse("directives:dashboard"), 23),
    ("dashboard (leader)", "leader", lambda w: reverse("directives:dashboard"), 22),
    ("dashboard (head)", "head", lambda w: reverse("directives:dashboard"), 21),
    (
        "dashboard of a meeting quarter",
        "reviewer",
        lambda w: reverse("directives:dashboard") + f"?quarter={w.previous.pk}",
        24,
    ),
    ("my work", "head", lambda w: reverse("directives:my_work"), 10),
    ("progress review queue", "reviewer", lambda w: reverse("directives:review"), 10),
    # + the subtree of the unit that held the meeting, whose units reach its target.
    ("directive", "reviewer", lambda w: reverse("directives:detail", args=[w.directive.pk]), 15),
    ("directive (head)", "head", lambda w: reverse("directives:detail", args=[w.directive.pk]), 14),
    ("directive form", "reviewer", lambda w: reverse("directives:edit", args=[w.directive.pk]), 14),
    (
        "progress form",
        "head",
        lambda w: reverse("directives:progress_new", args=[w.assignment.pk]),
        9,
    ),
    (
        "deadline change form",
        "head",
        lambda w: reverse("directives:deadline_new", args=[w.assignment.pk]),
        8,
    ),
    ("quarter list", "reviewer", lambda w: reverse("quarters:list"), 9),
    (
        "quarter (reviewer)",
        "reviewer",
        lambda w: reverse("quarters:detail", args=[w.previous.slug]),
        # + the roll-up by area: the scope's top, its sub-units, their counts, and their
        # former names (named as on the quarter's last day, load_former_names); + the
        # commission whose consolidated report the documents are (drafting_commission)
        # and its report's status (written_report); + the units each comparison rests
        # on: the filed units, the links, the sums of the units compared (comparisons);
        # + 21 as nothing is cached yet: the sums, the filed units and the comparisons
        # each looked up in the shared cache (1) and written to it (2: its count, the
        # upsert), each in a savepoint in a test's transaction (2: common.caching);
        # + the follow-up token of the kept counts (directives.selectors.kept);
        # + 14 as the completeness and the roll-up by area, kept for the commission too
        # (completeness.kept_for_the_quarter), are looked up and written the same way
        65,
    ),
    (
        "quarter (head)",
        "head",
        lambda w: reverse("quarters:detail", args=[w.previous.slug]),
        # + the filed units and the links of the comparisons; + the follow-up token
        22,
    ),
    (
        "quarter with a drill-down",
        "leader",
        lambda w: (
            reverse("quarters:detail", args=[w.previous.slug]) + f"?indicator={w.indicator_code}"
        ),
        # + the roll-up by area, with its units' former names; + the commission's report;
        # + the comparisons' filed units, links and the sums of the units compared
        29,
    ),
    (
        "consolidated report drafting page",
        "reviewer",
        lambda w: reverse("quarters:draft", args=[w.previous.slug]),
        # the commission, its report and quotes, the units' texts, the figures and the
        # units their comparisons rest on; + 5 for the completeness kept for the
        # commission, looked up and written (completeness.kept_for_the_quarter)
        21,
    ),
    (
        "consolidated report .docx",
        "reviewer",
        lambda w: reverse("quarters:report_docx", args=[w.previous.slug]) + "?number=12",
        # + the commission whose written report it is (drafting_commission, its names on
        # the date for the header) and what it wrote (written_report); + the units the
        # comparisons rest on
        18,
    ),
    (
        "indicator table .xlsx",
        "leader",
        lambda w: reverse("quarters:indicators_xlsx", args=[w.previous.slug]),
        14,  # the summary: completeness, figures and the units the comparisons rest on
    ),
    (
        "directive register .xlsx",
        "reviewer",
        lambda w: reverse("quarters:directives_xlsx", args=[w.previous.slug]),
        12,
    ),
    (
        "conclusion notice .docx",
        "reviewer",
        lambda w: reverse("quarters:notice_docx", args=[w.previous.slug, w.meeting.pk]),
        # + its issuer's details on the date; the attending units; its edited words; the
        # units as given on its date (directive and assignment history, the units)
        17,
    ),
]


AREAS = {
    "danvan": ("home", "healthz", "login"),
    "accounts": ("password", "two-factor"),
    "notifications": ("notifications",),
    "reports": ("report", "review queue", "submitted report"),
    "meetings": (
        "meeting",
        "briefing",
        "new directive",
        "new meeting",
        "new recommendation",
        "recommendation",
    ),
    "directives": (
        "register",
        "assignments",
        "dashboard",
        "my work",
        "progress",
        "directive",
        "deadline",
    ),
    "quarters": (
        "quarter",
        "consolidated",
        "indicator table",
        "directive register .xlsx",
        "conclusion",
    ),
}


def _pages_of(area: str) -> list:
    """The pages of an area, by the start of their names (each page in one area only)."""
    taken = {name for other in AREAS if other < area for name, *_rest in _pages_of_raw(other)}
    return [page for page in _pages_of_raw(area) if page[0] not in taken]


def _pages_of_raw(area: str) -> list:
    return [page for page in PAGES if page[0].startswith(AREAS[area])]


def _count(client, world, role, url_of) -> tuple[int, int, str]:
    client.logout()
    if role is not None:
        client.force_login(getattr(world, role))
    url = url_of(world)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured), url


def test_every_page_belongs_to_exactly_one_area():
    found = [page[0] for area in AREAS for page in _pages_of(area)]
    assert sorted(found) == sorted(page[0] for page in PAGES)


@pytest.mark.parametrize("area", list(AREAS))
def test_every_page_runs_the_same_bounded_number_of_queries_at_two_sizes(client, area):
    """Two data sets per area (not per page) keep this fast; a failure lists every page."""
    pages = _pages_of(area)
    counts = {name: {} for name, *_rest in pages}
    problems = []
    for size in SIZES:
        world = build(size)
        for name, role, url_of, _pinned in pages:
            status, count, url = _count(client, world, role, url_of)
            expected = 302 if name.startswith("review queue (redirects") else 200
            if status != expected:
                problems.append(f"{name}: {url} answered {status} on the {size} data")
            counts[name][size] = count
    for name, _role, _url_of, pinned in pages:
        small, large = counts[name]["small"], counts[name]["large"]
        if small != large:
            problems.append(f"{name}: the count grows with the data ({small} → {large})")
        if large > pinned:
            problems.append(f"{name}: {large} queries, pinned {pinned}")
    assert not problems, "\n".join(problems)


def test_unit_fields_hold_only_the_chosen_units_at_the_larger_size(client):
    """Forms and filters never list every unit: their selects carry the chosen ones
    and the browser searches the others (common.widgets.UnitSearchSelect)."""
    world = build("large")
    client.force_login(world.reviewer)
    pages = [
        reverse("directives:register"),
        reverse("directives:register") + f"?unit={world.unit.pk}",
        reverse("directives:assignments"),
        reverse("meetings:directive_new", args=[world.meeting.pk]),
        reverse("directives:edit", args=[world.directive.pk]),
        reverse("meetings:edit", args=[world.meeting.pk]),
        reverse("meetings:recommendation_new", args=[world.meeting.pk]),
    ]
    unit_count = Unit.objects.count()
    search = reverse("reports:unit_search")
    for url in pages:
        html = client.get(url).content.decode()
        selects = re.findall(rf'<select[^>]*data-search-url="{search}.*?</select>', html, re.S)
        assert selects, url
        for select in selects:
            listed = re.findall(r'<option value="([^"]+)"', select)
            chosen = re.findall(r'<option value="[^"]+" selected', select)
            assert len(listed) == len(chosen) < unit_count, url


def test_meeting_filters_hold_only_the_chosen_meeting_at_the_larger_size(client):
    """The register's and the assignments list's meeting filter lists no meeting
    but the chosen one; the browser searches the others (``meetings:search``)."""
    world = build("large")
    client.force_login(world.reviewer)
    assert Meeting.objects.count() > 2
    search = reverse("meetings:search")
    for url_name in ("directives:register", "directives:assignments"):
        for query, chosen in (("", []), (f"?meeting={world.meeting.pk}", [str(world.meeting.pk)])):
            html = client.get(reverse(url_name) + query).content.decode()
            [select] = re.findall(r'<select name="meeting".*?</select>', html, re.S)
            assert f'data-search-url="{search}"' in select
            assert re.findall(r'<option value="(\d+)"', select) == chosen, url_name + query
