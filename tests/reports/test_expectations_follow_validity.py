"""Expectations follow validity (issue 14, part 2), through the pages.

A unit owes a quarter's report when it exists on the quarter's last day
(``Unit.owes_report_for``). After the reviewer's merger (two units ended on
30/06/2025, a successor from 01/07/2025) the ended unit was still asked for a
Q3/2025 report and could save one, and the successor was asked for Q2/2024. Here the
home page, the report page, the queue, the quarter page and the reminders must agree.

A draft an ended unit started for a later quarter (before the reorganisation was
recorded) stays readable by its unit, cannot be saved or submitted, counts nowhere,
and is listed on its successor's report page for the successor to take over.
"""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from reports.models import (
    IndicatorValue,
    MembershipRole,
    Reorganisation,
    ReorganisationKind,
    ReportStatus,
    UnitKind,
    UnitLink,
    UnitReport,
)
from tests import factories as f
from tests.directives.world import freeze_today
from tests.page_form import form_as_posted

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2025, 6, 30)
BEGAN = datetime.date(2025, 7, 1)


def units():
    """The merger: two units ended on 30/06/2025, their successor from 01/07/2025, and a
    unit untouched by it; each with a head who has an email address."""
    successor = f.UnitFactory(code="dubnd", name="Đảng ủy UBND tỉnh", valid_from=BEGAN)
    ended = f.UnitFactory(
        code="bcs", name="BCS Đảng UBND tỉnh", valid_to=ENDED, successor=successor
    )
    f.UnitFactory(code="dd", name="Đảng đoàn HĐND tỉnh", valid_to=ENDED, successor=successor)
    steady = f.UnitFactory(code="td", name="Tỉnh đoàn")
    heads = {
        unit.code: f.member(unit, MembershipRole.HEAD, user__email=f"{unit.code}@example.test")
        for unit in (successor, ended, steady)
    }
    return {"successor": successor, "ended": ended, "steady": steady, "heads": heads}


@pytest.fixture
def q3_2025(monkeypatch):
    """Q3/2025 is the quarter in progress, due 10/10/2025; today 05/10/2025."""
    freeze_today(monkeypatch, datetime.date(2025, 10, 5))
    f.QuarterFactory(year=2025, number=2, closed=True)
    quarter = f.QuarterFactory(year=2025, number=3, due_date=datetime.date(2025, 10, 10))
    return {"quarter": quarter, **units()}


@pytest.fixture
def q2_2024(monkeypatch):
    """Q2/2024 is the quarter in progress, due 10/07/2024; today 05/07/2024. The successor
    of 2025 is already on record."""
    freeze_today(monkeypatch, datetime.date(2024, 7, 5))
    f.QuarterFactory(year=2024, number=1, closed=True)
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2024, 7, 10))
    return {"quarter": quarter, **units()}


def report_url(unit, quarter) -> str:
    return reverse("reports:report", args=[unit.code, quarter.slug])


def expected_everywhere(client, quarter) -> dict[str, list[str]]:
    """Which units each page and the reminders expect a report from (codes)."""
    client.force_login(f.reviewer())
    queue = client.get(reverse("reports:queue_quarter", args=[quarter.slug])).context
    page = client.get(reverse("quarters:detail", args=[quarter.slug])).context
    mail.outbox.clear()
    reminder_day = quarter.due_date - datetime.timedelta(days=3)
    call_command(
        "send_reminders", "--today", reminder_day.isoformat(), "--days-before", "3",
        stdout=StringIO(),
    )  # fmt: skip
    return {
        "queue": sorted(unit.code for unit, _reminder, _remindable in queue["unfiled"]),
        "quarter page": sorted(u.code for u in page["summary"].completeness.units),
        "reminders": sorted(m.to[0].split("@")[0] for m in mail.outbox),
    }


def assert_not_asked_and_cannot_start(client, unit, head, quarter):
    client.force_login(head)
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Start the report" not in home
    assert "The unit does not report for" in home
    listed = client.get(reverse("reports:list")).content.decode()
    assert report_url(unit, quarter) not in listed
    page = client.get(report_url(unit, quarter), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "The unit does not report for" in page.content.decode()
    posted = client.post(report_url(unit, quarter), f.report_form_data(), HTTP_ACCEPT_LANGUAGE="en")
    assert posted.status_code == 409  # a page of before: told why, nothing saved
    assert (
        "The unit does not report for this quarter: nothing was saved." in posted.content.decode()
    )
    assert not UnitReport.objects.filter(unit=unit).exists()


def test_a_unit_that_ended_is_not_asked_for_a_later_quarter_and_cannot_start_it(client, q3_2025):
    quarter = q3_2025["quarter"]
    assert expected_everywhere(client, quarter) == {
        "queue": ["dubnd", "td"],
        "quarter page": ["dubnd", "td"],
        "reminders": ["dubnd", "td"],
    }
    assert_not_asked_and_cannot_start(client, q3_2025["ended"], q3_2025["heads"]["bcs"], quarter)


def test_the_successor_starts_the_quarter_through_its_page(client, q3_2025):
    quarter, successor = q3_2025["quarter"], q3_2025["successor"]
    client.force_login(q3_2025["heads"]["dubnd"])
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Start the report" in home
    assert report_url(successor, quarter) in client.get(reverse("reports:list")).content.decode()
    data = form_as_posted(client.get(report_url(successor, quarter)))
    data.update(f.report_form_data(version=data["version"][0]))
    assert client.post(report_url(successor, quarter), data).status_code == 302
    assert UnitReport.objects.get(unit=successor, quarter=quarter).results == "Kết quả tốt."


def test_a_unit_that_began_later_is_not_asked_for_an_earlier_quarter(client, q2_2024):
    quarter = q2_2024["quarter"]
    # The units that ended in 2025 still owe Q2/2024; the successor of 2025 does not.
    assert expected_everywhere(client, quarter) == {
        "queue": ["bcs", "dd", "td"],
        "quarter page": ["bcs", "dd", "td"],
        "reminders": ["bcs", "td"],  # dd has no member here
    }
    assert_not_asked_and_cannot_start(
        client, q2_2024["successor"], q2_2024["heads"]["dubnd"], quarter
    )


# ------------------------------------- a draft started before the reorganisation


@pytest.fixture
def orphan(q3_2025):
    """BCS started its Q3/2025 draft before the reorganisation was recorded."""
    draft = f.UnitReportFactory(
        unit=q3_2025["ended"], quarter=q3_2025["quarter"], results="Đã làm <b>nhiều</b> việc."
    )
    return {**q3_2025, "draft": draft}


def test_the_draft_stays_readable_by_its_unit_and_says_why_it_cannot_be_sent(client, orphan):
    client.force_login(orphan["heads"]["bcs"])
    page = client.get(report_url(orphan["ended"], orphan["quarter"]), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert page.context["form"] is None
    assert not page.context["can_submit"]
    assert "Đã làm &lt;b&gt;nhiều&lt;/b&gt; việc." in html
    assert "BCS Đảng UBND tỉnh ended its work on 30/06/2025 and does not report for" in html
    assert "The quarter is reported by Đảng ủy UBND tỉnh" in html

    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Continue the report" not in home
    assert "Open the report" in home
    assert "check the draft and submit it" not in home
    assert "ended its work on 30/06/2025" in home


@pytest.mark.parametrize("action", ["save", "submit"])
def test_the_draft_can_no_longer_be_saved_or_submitted(client, orphan, action):
    draft = orphan["draft"]
    client.force_login(orphan["heads"]["bcs"])
    url = report_url(orphan["ended"], orphan["quarter"])

    response = client.post(
        url, f.report_form_data(draft, results="Sửa sau khi giải thể.", action=action),
        HTTP_ACCEPT_LANGUAGE="en", follow=True,
    )  # fmt: skip

    assert response.status_code == 200
    assert "can no longer be saved or submitted" in response.content.decode()
    saved = UnitReport.objects.get(pk=draft.pk)
    assert (saved.status, saved.version, saved.results) == (
        ReportStatus.DRAFT,
        draft.version,
        "Đã làm <b>nhiều</b> việc.",
    )
    assert saved.history.count() == draft.history.count()


def test_the_draft_counts_nowhere(client, orphan):
    assert expected_everywhere(client, orphan["quarter"]) == {
        "queue": ["dubnd", "td"],
        "quarter page": ["dubnd", "td"],
        "reminders": ["dubnd", "td"],
    }


def test_the_draft_is_listed_on_the_successors_report_page(client, orphan):
    successor, quarter = orphan["successor"], orphan["quarter"]
    client.force_login(orphan["heads"]["dubnd"])
    page = client.get(report_url(successor, quarter), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.context["predecessor_drafts"] == [orphan["draft"]]
    assert "Drafts of the units this unit took over" in html
    assert "Đã làm &lt;b&gt;nhiều&lt;/b&gt; việc." in html
    # The successor's own form is there, and saving it leaves the draft alone.
    data = form_as_posted(page)
    data.update(f.report_form_data(version=data["version"][0]))
    assert client.post(report_url(successor, quarter), data).status_code == 302
    assert UnitReport.objects.get(pk=orphan["draft"].pk).results == "Đã làm <b>nhiều</b> việc."


def test_the_draft_is_not_listed_for_anyone_else(client, orphan):
    successor, quarter = orphan["successor"], orphan["quarter"]
    client.force_login(orphan["heads"]["td"])
    assert client.get(report_url(successor, quarter)).status_code == 404
    client.force_login(f.reviewer())
    assert client.get(report_url(successor, quarter)).status_code == 404
    assert client.get(report_url(orphan["ended"], quarter)).status_code == 404
    # A filed report of the successor shows reviewers no predecessor's draft either.
    client.force_login(orphan["heads"]["td"])
    steady = client.get(report_url(orphan["steady"], quarter))
    assert steady.context["predecessor_drafts"] == []


# ------------------------------------------- indicators that no longer apply


def test_a_value_of_an_indicator_that_no_longer_applies_survives_a_save(client, q3_2025):
    unit, quarter = q3_2025["steady"], q3_2025["quarter"]
    unit.kind = UnitKind.MASS_ORG
    unit.save()
    counted = f.IndicatorFactory(code="dan", name="Số hộ dân được vận động", unit_kinds=[])
    others = f.IndicatorFactory(
        code="mttq", name="Số khu dân cư đoàn kết", unit_kinds=[UnitKind.FRONT]
    )
    retired = f.IndicatorFactory(code="cu", name="Chỉ tiêu cũ", is_active=False)
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    for indicator, value in ((counted, 12), (others, 7), (retired, 3)):
        f.IndicatorValueFactory(report=report, indicator=indicator, value=value, note="ghi chú")
    client.force_login(q3_2025["heads"]["td"])
    url = report_url(unit, quarter)

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    data = form_as_posted(page)
    assert f"value_{counted.pk}" in data
    assert f"value_{others.pk}" not in data and f"value_{retired.pk}" not in data
    html = page.content.decode()
    assert "Values of indicators that no longer apply to this unit" in html
    assert "Số khu dân cư đoàn kết" in html and "Chỉ tiêu cũ" in html

    # Unchanged: nothing is written.
    assert client.post(url, data).status_code == 302
    assert UnitReport.objects.get(pk=report.pk).version == report.version

    # The value the form shows changes; the others stay as they were.
    data[f"value_{counted.pk}"] = ["15"]
    assert client.post(url, data).status_code == 302
    values = dict(
        IndicatorValue.objects.filter(report=report).values_list("indicator__code", "value")
    )
    assert values == {"dan": 15, "mttq": 7, "cu": 3}


def test_a_draft_of_a_unit_split_into_this_one_is_listed_too(client, orphan):
    """A split links the old unit to each new one (``UnitLink``) and names no successor."""
    ended, successor = orphan["ended"], orphan["successor"]
    ended.successor = None
    ended.save()
    decision = Reorganisation.objects.create(
        kind=ReorganisationKind.SPLIT,
        effective_on=BEGAN,
        decision_number="01-QĐ/TU",
        decision_date=datetime.date(2025, 6, 20),
    )
    UnitLink.objects.create(
        reorganisation=decision, predecessor=ended, successor=successor, share="0.5"
    )
    client.force_login(orphan["heads"]["dubnd"])
    page = client.get(report_url(successor, orphan["quarter"]))
    assert page.context["predecessor_drafts"] == [orphan["draft"]]


def test_a_quarter_the_unit_does_not_owe_shows_no_due_date_or_lateness(client, q3_2025):
    """The ward of 2025 opening Q2/2025 saw "Not started", the due date and "538 days
    late" above "The unit does not report for Q2/2025": the badges said it owed it."""
    successor = q3_2025["successor"]
    earlier = f.QuarterFactory(year=2025, number=1, due_date=datetime.date(2025, 4, 10))
    client.force_login(q3_2025["heads"]["dubnd"])
    html = client.get(report_url(successor, earlier), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The unit does not report for" in html
    assert "days late" not in html
    assert "Not started" not in html
    assert "Due 10/04/2025" not in html


def test_a_draft_no_longer_owed_shows_no_lateness(client, orphan, monkeypatch):
    freeze_today(monkeypatch, datetime.date(2025, 10, 20))  # after the due date
    client.force_login(orphan["heads"]["bcs"])
    page = client.get(report_url(orphan["ended"], orphan["quarter"]), HTTP_ACCEPT_LANGUAGE="en")
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    for html in (page.content.decode(), home.content.decode()):
        assert "ended its work on 30/06/2025" in html
        assert "days late" not in html
