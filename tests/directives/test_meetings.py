"""Reviewers record meetings, directives with their units in one form, and
recommendations; a meeting's page carries over unfinished directives; the
briefing pack lists report completeness and open directives per unit."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from directives.models import Assignment, AssignmentRole, Directive, Meeting, Recommendation
from reports.models import ReportStatus
from tests import factories as f
from tests.directives.world import new_directive_data, new_meeting_data
from tests.downloads import docx_of

pytestmark = pytest.mark.django_db


def directive_data(world, **overrides):
    """Led by units A and B, supported by C."""
    units = {"lead_units": [world.unit_a.pk, world.unit_b.pk], "support_units": [world.unit_c.pk]}
    return new_directive_data(world, **{**units, **overrides})


def test_a_reviewer_records_a_meeting_with_its_attending_units(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:new"),
        new_meeting_data(world, basis="Quyết định số 461-QĐ/TU ngày 14/12/2021"),
    )
    meeting = Meeting.objects.get(title="Giao ban quý II/2024")
    assert response.status_code == 302
    assert set(meeting.attending_units.all()) == {world.unit_a, world.unit_b}
    assert meeting.history.first().history_user == world.reviewer


def test_a_directive_and_its_lead_and_supporting_units_are_recorded_in_one_form(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:directive_new", args=[world.meeting.pk]), directive_data(world)
    )
    assert response.status_code == 302
    directive = Directive.objects.get(number=4)
    roles = {a.unit: a.role for a in directive.assignments.all()}
    assert roles == {world.unit_a: "lead", world.unit_b: "lead", world.unit_c: "support"}
    assert {a.due_date for a in directive.assignments.all()} == {datetime.date(2024, 12, 31)}


def test_editing_a_directive_moves_units_that_kept_the_original_deadline(client, world):
    world.b_normal.due_date = datetime.date(2024, 8, 31)  # an approved change
    world.b_normal.save()
    client.force_login(world.reviewer)
    data = directive_data(
        world,
        number=1,
        title=world.normal.title,
        due_date="2024-07-31",
        lead_units=[world.unit_a.pk],
        support_units=[world.unit_b.pk, world.unit_c.pk],
    )
    response = client.post(reverse("directives:edit", args=[world.normal.pk]), data)
    assert response.status_code == 302
    dates = {a.unit: a.due_date for a in world.normal.assignments.all()}
    assert dates == {
        world.unit_a: datetime.date(2024, 7, 31),
        world.unit_b: datetime.date(2024, 8, 31),
        world.unit_c: datetime.date(2024, 7, 31),
    }


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"due_date": "2024-03-01"}, "due_date"),
        ({"due_date": ""}, "due_date"),
        ({"due_date": "2024-12-31", "is_ongoing": "on"}, "due_date"),
        ({"lead_units": []}, "lead_units"),
        ({"support_units": ["UNIT_A"]}, "support_units"),
        ({"number": 1}, "number"),
        ({"target_min": "4"}, "target_indicator"),
        ({"target_min": "5", "target_max": "4", "target_indicator": "IND"}, None),
    ],
)
def test_a_bad_directive_is_refused_next_to_the_field_keeping_the_input(
    client, world, overrides, field
):
    indicator = f.IndicatorFactory()
    overrides = {
        key: (
            [world.unit_a.pk] if value == ["UNIT_A"] else indicator.pk if value == "IND" else value
        )
        for key, value in overrides.items()
    }
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:directive_new", args=[world.meeting.pk]),
        directive_data(world, **overrides),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field:
        assert field in form.errors
    assert "Xây dựng chi hội không ma túy" in response.content.decode()
    assert not Directive.objects.filter(number=4).exists()


def test_the_due_date_before_the_meeting_says_so(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:directive_new", args=[world.meeting.pk]),
        directive_data(world, due_date="2024-03-13"),
    )
    message = gettext("The due date cannot be before the meeting.")
    assert response.context["form"].errors["due_date"] == [message]


def test_a_unit_that_reported_progress_cannot_be_removed(client, world):
    f.ProgressUpdateFactory(assignment=world.b_normal, quarter=world.q2)
    client.force_login(world.reviewer)
    response = client.post(
        reverse("directives:edit", args=[world.normal.pk]),
        directive_data(
            world, number=1, title="Đổi tên", lead_units=[world.unit_a.pk], support_units=[]
        ),
    )
    assert response.status_code == 200
    assert "lead_units" in response.context["form"].errors
    world.normal.refresh_from_db()
    assert world.normal.title != "Đổi tên"
    assert Assignment.objects.filter(pk=world.b_normal.pk).exists()


def test_a_recommendation_is_recorded_with_the_directives_it_led_to(client, world):
    client.force_login(world.reviewer)
    response = client.post(
        reverse("meetings:recommendation_new", args=[world.meeting.pk]),
        {
            "number": 1,
            "raised_by": world.unit_a.pk,
            "text": "Rà soát quỹ, tài sản của các tổ chức chính trị - xã hội.",
            "response": "Các tổ chức tự rà soát.",
            "directives": [world.confidential.pk],
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert list(recommendation.directives.all()) == [world.confidential]
    page = client.get(reverse("meetings:detail", args=[world.meeting.pk])).content.decode()
    assert "Các tổ chức tự rà soát." in page


def test_the_meeting_page_shows_everything_and_carries_over_unfinished_directives(client, world):
    world.meeting.assessment = "Đánh giá cao hoạt động."
    world.meeting.shortcomings = "Phối hợp còn hạn chế."
    world.meeting.save()
    world.meeting.attending_units.add(world.unit_a)
    later = f.MeetingFactory(
        quarter=world.q2,
        held_at=timezone.make_aware(datetime.datetime(2024, 6, 14, 14, 0)),
        title="Giao ban quý II",
    )
    f.AssignmentFactory(
        directive=f.DirectiveFactory(meeting=world.meeting, number=8, title="Đã xong"),
        unit=world.unit_c,
        completed_on=datetime.date(2024, 5, 1),
    )
    client.force_login(world.leader)
    page = client.get(reverse("meetings:detail", args=[world.meeting.pk]))
    text = page.content.decode()
    for expected in ("Đánh giá cao hoạt động.", "Phối hợp còn hạn chế.", "Hội LHPN", "Rà soát quỹ"):
        assert expected in text
    carried = client.get(reverse("meetings:detail", args=[later.pk])).context["carried_over"]
    assert {d.title for d in carried} == {
        "Nâng cao chất lượng phong trào Dân vận khéo",
        "Rà soát quỹ của các tổ chức",
        "Tuyên truyền thường xuyên",
    }


def _at(year: int, month: int, day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 9, 0))


def test_the_briefing_pack_lists_report_completeness_and_open_directives_per_unit(client, world):
    """The pack of the meeting held today: today's reports and directives."""
    world.meeting.held_at = _at(2024, 5, 20)  # TODAY, the frozen date of the world
    world.meeting.save()
    on_time = f.UnitReportFactory(
        unit=world.unit_a, quarter=world.q1, status=ReportStatus.SUBMITTED
    )
    on_time.first_submitted_at = _at(2024, 3, 1)
    on_time.save()
    late = f.UnitReportFactory(unit=world.unit_b, quarter=world.q1, status=ReportStatus.ACCEPTED)
    late.first_submitted_at = _at(2024, 3, 30)
    late.save()
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:pack", args=[world.meeting.pk]))
    assert response.context["as_of"] is None
    rows = {row["unit"]: row["timeliness"] for row in response.context["completeness"]}
    assert rows == {world.unit_a: "on_time", world.unit_b: "late", world.unit_c: "missing"}
    per_unit = {row["unit"]: row for row in response.context["directive_rows"]}
    assert len(per_unit[world.unit_a]["open"]) == 2
    assert [a.directive for a in per_unit[world.unit_a]["overdue"]] == [world.confidential]
    assert len(per_unit[world.unit_b]["open"]) == 2


def test_the_pack_of_an_earlier_meeting_is_as_things_stood_on_its_day(client, world):
    """Issue 15: the pack of 14/03/2024 listed what was given, done and reported since.
    Seen on 20/05/2024: a report filed on 30/03, a directive of 15/04, a completion of
    10/04, an update of 01/05 and a deadline moved on 01/04 are not yet so."""
    filed_later = f.UnitReportFactory(
        unit=world.unit_b, quarter=world.q1, status=ReportStatus.ACCEPTED
    )
    filed_later.first_submitted_at = _at(2024, 3, 30)
    filed_later.save()
    later_meeting = f.MeetingFactory(quarter=world.q2, held_at=_at(2024, 4, 15))
    given_later = f.DirectiveFactory(meeting=later_meeting, number=1, title="Giao sau giao ban")
    f.AssignmentFactory(directive=given_later, unit=world.unit_a)
    world.a_normal.completed_on = datetime.date(2024, 4, 10)
    world.a_normal.save()
    f.ProgressUpdateFactory(assignment=world.b_ongoing, reported_at=_at(2024, 5, 1))
    world.a_secret.due_date = datetime.date(2024, 4, 30)
    world.a_secret.save()
    f.DeadlineChangeFactory(
        assignment=world.a_secret,
        old_date=datetime.date(2024, 3, 1),
        new_date=datetime.date(2024, 4, 30),
        status="approved",
        decided_at=_at(2024, 4, 1),
    )
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:pack", args=[world.meeting.pk]))
    context, page = response.context, response.content.decode()

    assert context["as_of"] == datetime.date(2024, 3, 14)
    assert "14/03/2024" in page and "data-as-of" in page
    rows = {row["unit"]: row["timeliness"] for row in context["completeness"]}
    assert rows[world.unit_b] in ("not_due", "missing")  # filed on 30/03, after the meeting
    assert rows[world.unit_b] != "late"
    per_unit = {row["unit"]: row for row in context["directive_rows"]}
    open_a = {a.directive for a in per_unit[world.unit_a]["open"]}
    assert open_a == {world.normal, world.confidential}  # done later; given later: absent
    assert [a.directive for a in per_unit[world.unit_a]["overdue"]] == [world.confidential]
    overdue = next(a for a in per_unit[world.unit_a]["open"] if a.directive == world.confidential)
    assert overdue.due_as_of == datetime.date(2024, 3, 1)  # the deadline of that day
    ongoing = next(a for a in per_unit[world.unit_b]["open"] if a == world.b_ongoing)
    assert ongoing.status == "not_started"  # its update came on 01/05
    assert "Giao sau giao ban" not in page
    # The deadline of that day, and how late it was then (01/03 → 14/03), on the page.
    assert "01/03/2024" in page
    assert "Quá hạn 13 ngày" in page
    # Numbers of that day are not links to today's lists.
    assert reverse("directives:assignments") + "?" not in page
    statuses = {d.pk: d.status for d in context["new_directives"]}
    assert statuses[world.normal.pk] != "done_on_time"


def test_the_pack_replays_a_directive_edited_and_a_unit_added_after_its_day(client, world):
    """Issue 15: the deadline of 14/03 was read from today's row when the directive
    itself was edited since (no deadline request on record), and a unit added to a
    directive a month later was listed as if given that day."""
    recorded = _at(2024, 3, 14)  # the directive and its units, entered that afternoon
    Directive.history.bulk_history_create([world.confidential], default_date=recorded)
    world.a_secret.due_date = datetime.date(2024, 3, 1)
    world.a_secret.save()
    Assignment.history.bulk_history_create([world.a_secret], default_date=recorded)
    # Edited on 01/04: a new deadline for A, and Tỉnh đoàn added to the directive.
    world.a_secret.due_date = datetime.date(2024, 4, 30)
    world.a_secret.save()
    Assignment.history.bulk_history_create(
        [world.a_secret], update=True, default_date=_at(2024, 4, 1)
    )
    added = f.AssignmentFactory(directive=world.confidential, unit=world.unit_b)
    Assignment.history.bulk_history_create([added], default_date=_at(2024, 4, 1))

    client.force_login(world.reviewer)
    context = client.get(reverse("meetings:pack", args=[world.meeting.pk])).context
    per_unit = {row["unit"]: row for row in context["directive_rows"]}
    secret = next(a for a in per_unit[world.unit_a]["open"] if a == world.a_secret)
    assert secret.due_as_of == datetime.date(2024, 3, 1)  # as it stood, not 30/04
    assert secret in per_unit[world.unit_a]["overdue"]
    assert added not in per_unit[world.unit_b]["open"]  # added a month later
    assert context["open_totals"]["open"] == 4  # A's two, B's two given by then

    # Today's pack of a meeting held today counts the unit added since, with today's deadline.
    world.meeting.held_at = _at(2024, 5, 20)  # TODAY, the frozen date of the world
    world.meeting.save()
    context = client.get(reverse("meetings:pack", args=[world.meeting.pk])).context
    per_unit = {row["unit"]: row for row in context["directive_rows"]}
    assert added in per_unit[world.unit_b]["open"]
    assert context["open_totals"]["open"] == 5


def test_the_status_of_that_day_counts_only_the_lead_units_given_then(client, world):
    """A lead unit added to a directive after the meeting changed the status the pack
    showed for that day, while the pack listed only the units given then."""
    recorded = _at(2024, 3, 14)
    Directive.history.bulk_history_create([world.normal], default_date=recorded)
    world.a_normal.completed_on = datetime.date(2024, 3, 10)
    world.a_normal.save()
    Assignment.history.bulk_history_create([world.a_normal], default_date=recorded)
    late_lead = f.AssignmentFactory(
        directive=world.normal, unit=world.unit_c, role=AssignmentRole.LEAD
    )
    Assignment.history.bulk_history_create([late_lead], default_date=_at(2024, 4, 1))

    client.force_login(world.reviewer)
    context = client.get(reverse("meetings:pack", args=[world.meeting.pk])).context
    statuses = {d.pk: d.status for d in context["new_directives"]}
    assert statuses[world.normal.pk] == "done_on_time"  # A, its only lead then, had finished


def _rename_unit_a_in_2025(world):
    """Hội LHPN takes a new name from 01/03/2025, a year after the meeting of 14/03/2024."""
    from structure import services as structure

    day = datetime.date(2025, 3, 1)
    structure.rename_unit(
        unit=world.unit_a,
        name="Hội Liên hiệp Phụ nữ tỉnh Quảng Ninh",
        short_name="Hội Phụ nữ QN",
        decision=structure.Decision(number="QĐ mẫu", date=day, effective_on=day),
        user=None,
    )


def test_the_briefing_pack_names_each_unit_as_it_was_on_the_meetings_date(client, world):
    _rename_unit_a_in_2025(world)
    client.force_login(world.reviewer)

    page = client.get(reverse("meetings:pack", args=[world.meeting.pk])).content.decode()

    assert "Hội Liên hiệp Phụ nữ tỉnh<" in page  # the completeness table, the open directives
    assert "Hội Liên hiệp Phụ nữ tỉnh;" in page  # the draft notice's lead units
    assert "Quảng Ninh" not in page and "Hội Phụ nữ QN" not in page


def test_the_meeting_page_names_each_unit_as_it_was_on_the_meetings_date(client, world):
    world.meeting.attending_units.add(world.unit_a)
    _rename_unit_a_in_2025(world)
    client.force_login(world.reviewer)

    page = client.get(reverse("meetings:detail", args=[world.meeting.pk])).content.decode()

    assert "Hội LHPN" in page  # attending, and among the directives' units
    assert "Quảng Ninh" not in page and "Hội Phụ nữ QN" not in page


def test_the_draft_conclusion_notice_names_each_unit_as_it_was_on_the_meetings_date(client, world):
    import io

    from docx import Document

    _rename_unit_a_in_2025(world)
    client.force_login(world.reviewer)

    url = reverse("quarters:notice_docx", args=[world.meeting.quarter.slug, world.meeting.pk])
    document = Document(io.BytesIO(client.get(url).content))
    annex = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    text = "\n".join(p.text for p in document.paragraphs)

    assert annex[0][2] == "Chủ trì"
    assert "Hội LHPN" in [row[2] for row in annex[1:]]  # the annex of who leads each task
    assert "Hội Phụ nữ QN" not in text + str(annex)


def test_the_pack_prints_and_downloads_as_the_commissions_report_of_that_day(client, world):
    """Issue 15: the pack has a print button, a .docx and a PDF, dated by its day."""
    later_meeting = f.MeetingFactory(quarter=world.q2, held_at=_at(2024, 4, 15))
    f.AssignmentFactory(
        directive=f.DirectiveFactory(meeting=later_meeting, number=1, title="Giao sau giao ban"),
        unit=world.unit_a,
    )
    client.force_login(world.reviewer)
    page = client.get(reverse("meetings:pack", args=[world.meeting.pk])).content.decode()
    url = reverse("meetings:pack_docx", args=[world.meeting.pk])
    assert "data-print" in page and f'href="{url}"' in page and f'href="{url}?format=pdf"' in page
    response = client.get(url)
    assert response["Content-Disposition"].endswith(f'-2024-03-14-{world.meeting.pk}.docx"')
    doc = docx_of(response)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Số liệu tính đến hết ngày 14/03/2024." in text
    assert "ngày 14 tháng 3 năm 2024" in doc.tables[0].cell(0, 1).text
    for section in ("I. TÌNH HÌNH GỬI BÁO CÁO QUÝ I/2024", "II. Ý KIẾN CHỈ ĐẠO", "III. Ý KIẾN"):
        assert any(p.startswith(section) for p in text.splitlines()), section
    cells = {c.text for table in doc.tables for row in table.rows for c in row.cells}
    assert world.unit_a.name in cells
    assert "Giao sau giao ban" not in text and "Giao sau giao ban" not in cells
    assert world.normal.title in cells  # open on 14/03, as the pack's page says


def test_who_may_not_see_the_pack_may_not_download_it(client, world):
    for user in (world.reporter_b, f.UserFactory()):
        client.force_login(user)
        page = client.get(reverse("meetings:pack", args=[world.meeting.pk])).status_code
        document = client.get(reverse("meetings:pack_docx", args=[world.meeting.pk])).status_code
        assert document == page
        if page != 200:
            assert document in (403, 404)
