"""The conclusion notice, edited before it is issued (issue 15, part 3): a first draft
from the meeting's record, the commission's words, then issued with its number and
date, which the meeting shows; read-only after."""

import pytest
from django.urls import reverse

from directives.models import ConclusionNotice
from reports.models import Unit, UnitKind
from tests import factories as f
from tests.downloads import docx_of

pytestmark = pytest.mark.django_db


def notice_url(world) -> str:
    return reverse("meetings:notice", args=[world.meeting.pk])


def docx_text(client, world, **query) -> tuple[str, list[str]]:
    url = reverse("quarters:notice_docx", args=[world.q1.slug, world.meeting.pk])
    doc = docx_of(client.get(url, query))
    header = [p.text for p in doc.tables[0].cell(0, 0).paragraphs]
    cells = [p.text for p in doc.tables[0].cell(0, 1).paragraphs]
    body = "\n".join(p.text for p in doc.paragraphs)
    return body, header + cells


def posted(form, **changes) -> dict:
    data = {name: form[name].value() or "" for name in form.fields}
    return {**data, **changes}


def test_a_reviewer_edits_the_draft_and_the_notice_says_their_words(client, world):
    client.force_login(world.reviewer)
    page = client.get(notice_url(world))
    assert page.status_code == 200
    form = page.context["form"]
    assert form["opening"].value().endswith("chủ trì buổi giao ban.")
    tasks = form["tasks"].value().split("\n\n")
    assert [task.split(".")[0] for task in tasks] == ["1", "3"]  # 2 is confidential: sent alone
    assert tasks[0] == f"1. {world.normal.text}"
    assert not ConclusionNotice.objects.exists()  # a GET saves nothing

    response = client.post(
        notice_url(world),
        posted(form, tasks="1. Ban Dân vận nắm chắc tình hình nhân dân.", action="save"),
    )
    assert response.status_code == 302
    notice = ConclusionNotice.objects.get(meeting=world.meeting)
    assert notice.history.first().history_user == world.reviewer
    body, _header = docx_text(client, world)
    assert "1. Ban Dân vận nắm chắc tình hình nhân dân." in body
    assert "DỰ THẢO" in body


def test_issuing_records_the_number_and_date_and_freezes_the_notice(client, world):
    client.force_login(world.reviewer)
    form = client.get(notice_url(world)).context["form"]
    refused = client.post(
        notice_url(world),
        posted(form, action="issue", number="45", issued_on="2024-03-10"),
    )
    assert refused.status_code == 200  # before the meeting of 14/03/2024
    assert "trước buổi giao ban" in refused.content.decode()
    assert not ConclusionNotice.objects.filter(issued_on__isnull=False).exists()

    response = client.post(
        notice_url(world), posted(form, action="issue", number="45", issued_on="2024-03-18")
    )
    assert response.status_code == 302
    notice = ConclusionNotice.objects.get(meeting=world.meeting)
    assert (notice.number, f"{notice.issued_on:%d/%m/%Y}") == (45, "18/03/2024")
    assert notice.issued_by == world.reviewer
    meeting_page = client.get(world.meeting.get_absolute_url()).content.decode()
    assert "45-TB" in meeting_page and "18/03/2024" in meeting_page
    body, header = docx_text(client, world)
    assert "DỰ THẢO" not in body
    assert "Số 45-TB/" in " ".join(header)
    assert any("ngày 18 tháng 3 năm 2024" in line for line in header)

    page = client.get(notice_url(world))
    assert page.context["editable"] is False
    assert 'name="action"' not in page.content.decode()
    again = client.post(notice_url(world), posted(form, action="save", tasks="Sửa sau."))
    assert again.status_code == 403
    assert ConclusionNotice.objects.get(pk=notice.pk).tasks != "Sửa sau."


def test_two_saves_from_the_same_version_do_not_overwrite_each_other(client, world):
    client.force_login(world.reviewer)
    form = client.get(notice_url(world)).context["form"]
    client.post(notice_url(world), posted(form, action="save", tasks="Lần một."))
    form = client.get(notice_url(world)).context["form"]
    client.post(notice_url(world), posted(form, action="save", tasks="Lần hai."))
    stale = client.post(notice_url(world), posted(form, action="save", tasks="Lần ba."))
    assert stale.status_code == 409
    assert ConclusionNotice.objects.get().tasks == "Lần hai."
    assert "Lần ba." in stale.content.decode()  # what was typed is still there


def test_who_may_read_and_who_may_edit_the_notice(client, world):
    other_root = Unit.objects.create(
        code="other", name="Tỉnh ủy khác", kind=UnitKind.PARTY_COMMITTEE, submits_reports=False
    )
    cases = {
        "reviewer": (world.reviewer, 200, True),
        "leadership": (world.leader, 200, False),
        "administrator": (world.admin, 200, False),  # as the meeting: its reviewers edit
        "unit head": (world.head_a, 403, None),
        "unit reporter": (world.reporter_b, 403, None),
        "no role": (world.nobody, 403, None),
        "another province's reviewer": (f.reviewer(other_root), 404, None),
    }
    for role, (user, status, editable) in cases.items():
        client.force_login(user)
        response = client.get(notice_url(world))
        assert response.status_code == status, role
        if status == 200:
            assert response.context["editable"] is editable, role
            post = client.post(notice_url(world), {"action": "save", "tasks": "x"})
            assert (post.status_code == 403) is not editable, role
        else:
            assert client.post(notice_url(world), {"action": "save"}).status_code == status
    client.logout()
    assert client.get(notice_url(world)).status_code == 302


def test_unit_staff_read_the_edited_words_only_once_issued(client, world):
    client.force_login(world.reviewer)
    form = client.get(notice_url(world)).context["form"]
    client.post(notice_url(world), posted(form, action="save", tasks="Lời văn đang sửa."))
    client.force_login(world.reporter_a)
    body, _header = docx_text(client, world)
    assert "Lời văn đang sửa." not in body  # the draft from the record, their directives
    notice = ConclusionNotice.objects.get()
    notice.number, notice.issued_on = 45, world.meeting.held_on
    notice.save()
    body, _header = docx_text(client, world)
    assert "Lời văn đang sửa." in body


def test_a_notice_is_not_issued_on_a_day_to_come_nor_under_a_number_the_year_has(client, world):
    """Issued as 12 of 01/01/2030, then another as 12 again: neither was refused, and an
    issued notice cannot be changed."""
    import datetime

    from django.utils import timezone

    last_year = f.MeetingFactory(quarter=world.q1, unit=world.meeting.unit)
    ConclusionNotice.objects.create(
        meeting=last_year, opening="…", tasks="…", number=12, issued_on=datetime.date(2023, 12, 20)
    )
    client.force_login(world.reviewer)
    form = client.get(notice_url(world)).context["form"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    future = client.post(
        notice_url(world), posted(form, action="issue", number="12", issued_on=f"{tomorrow}")
    )
    assert future.status_code == 200
    assert "vào ngày ký" in future.content.decode()
    assert not ConclusionNotice.objects.filter(meeting=world.meeting).exists()

    issued = client.post(  # 12 of 2023 is another year's series
        notice_url(world), posted(form, action="issue", number="12", issued_on="2024-03-18")
    )
    assert issued.status_code == 302
    other = f.MeetingFactory(quarter=world.q1, unit=world.meeting.unit)
    other_url = reverse("meetings:notice", args=[other.pk])
    form = client.get(other_url).context["form"]
    tasks = "1. Nắm chắc tình hình nhân dân."  # the meeting has no directive on record
    again = client.post(
        other_url, posted(form, action="issue", number="12", issued_on="2024-04-02", tasks=tasks)
    )
    assert again.status_code == 200
    assert "18/03/2024" in again.content.decode()  # the notice that has number 12
    assert ConclusionNotice.objects.filter(number=12, issued_on__year=2024).count() == 1
