"""A document of a past day names the units given the task then (issue 15): after the
2025 reorganisation handed a 2024 directive to a merged unit, the 2024 conclusion
notice and the briefing pack of that meeting named the successor."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from directives.models import Assignment, Directive
from structure import services as structure
from tests import factories as f
from tests.downloads import docx_of

pytestmark = pytest.mark.django_db


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 16, 0))


@pytest.fixture
def handed_over(factories_keep_history):
    """The meeting of 14/03/2024 gives Thành ủy Uông Bí an open task (recorded that
    afternoon); on 01/07/2025 it is merged into a new provincial unit."""
    quarter = f.QuarterFactory(year=2024, number=1)
    meeting = f.MeetingFactory(quarter=quarter, held_at=_at(2024, 3, 14))
    uong_bi = f.UnitFactory(code="tu-uongbi", name="Thành ủy Uông Bí", short_name="TU Uông Bí")
    directive = f.DirectiveFactory(
        meeting=meeting, number=1, title="Xây dựng xã hội học tập", due_date=None, is_ongoing=True
    )
    assignment = f.AssignmentFactory(directive=directive, unit=uong_bi)
    Directive.history.filter(id=directive.pk).update(history_date=_at(2024, 3, 14))
    Assignment.history.filter(id=assignment.pk).update(history_date=_at(2024, 3, 14))
    day = datetime.date(2025, 7, 1)
    structure.merge_units(
        units=[uong_bi],
        into=structure.NewUnit(
            code="dang-bo-moi",
            name="Đảng bộ phường mới",
            short_name="ĐB phường mới",
            kind=uong_bi.kind,
            level=uong_bi.level,
            parent=uong_bi.parent,
        ),
        decision=structure.Decision(number="QĐ 1", date=day, effective_on=day),
        user=None,
    )
    assignment.refresh_from_db()
    assert assignment.unit.code == "dang-bo-moi"
    return meeting


def test_the_notice_and_the_pack_of_2024_name_the_unit_given_the_task_then(client, handed_over):
    meeting = handed_over
    client.force_login(f.reviewer())
    url = reverse("quarters:notice_docx", args=[meeting.quarter.slug, meeting.pk])
    doc = docx_of(client.get(url, {"date": "2024-03-18"}))
    annex = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "TU Uông Bí" in annex and "phường mới" not in annex

    context = client.get(reverse("meetings:pack", args=[meeting.pk])).context
    (directive,) = context["new_directives"]
    assert [a.unit.code for a in directive.assignments.all()] == ["tu-uongbi"]
    pack = docx_of(client.get(reverse("meetings:pack_docx", args=[meeting.pk])))
    text = "\n".join(p.text for p in pack.paragraphs)
    assert "TU Uông Bí" in text and "phường mới" not in text

    # The meeting's own page shows where the work is today.
    today = client.get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "phường mới" in today
