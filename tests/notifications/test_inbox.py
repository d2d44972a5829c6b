"""The inbox, the bell and the reviewer's counters, and the queue's "remind"."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import services
from notifications.models import DEFAULT_DELIVERY, Kind, Notification, Preference
from reports.models import MembershipRole, ReminderLog, ReportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def tell(user, event="e1", **params):
    services.notify(
        kind=Kind.REPORT_RETURNED,
        users=[user],
        event=event,
        params={"unit": "Hội Nông dân", "quarter_year": 2024, "quarter_number": 2, **params},
        url="/reports/",
    )
    return Notification.objects.get(user=user, event=event)


def test_the_bell_shows_the_unread_count_and_the_inbox_lists_them(client):
    user = f.member(f.UnitFactory())
    tell(user, "e1")
    tell(user, "e2", comment="Thiếu số liệu <b>quý</b>")
    client.force_login(user)
    page = client.get("/").content.decode()
    assert 'data-unread="2"' in page
    inbox = client.get(reverse("notifications:inbox")).content.decode()
    assert inbox.count(">Báo cáo Quý II/2024 của Hội Nông dân bị trả lại đơn vị</a>") == 2
    assert "Thiếu số liệu &lt;b&gt;quý&lt;/b&gt;" in inbox


def test_opening_one_marks_it_read_and_goes_to_its_page(client):
    user = f.member(f.UnitFactory())
    notification = tell(user)
    client.force_login(user)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 302 and response.url == "/reports/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert 'data-unread="' not in client.get("/").content.decode()


def test_another_persons_notification_is_not_found(client):
    notification = tell(f.member(f.UnitFactory()))
    client.force_login(f.member(f.UnitFactory()))
    assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_one_and_all_read(client):
    user = f.member(f.UnitFactory())
    first, second, third = (tell(user, f"e{i}") for i in range(3))
    client.force_login(user)
    client.post(reverse("notifications:read", args=[first.pk]))
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    unread = client.get(reverse("notifications:inbox") + "?unread=1").context["page"]
    assert {n.pk for n in unread} == {second.pk, third.pk}
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Đã đánh dấu đã đọc mọi thông báo." in response.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_settings_keep_a_choice_and_refuse_a_made_up_one(client):
    user = f.member(f.UnitFactory())
    client.force_login(user)
    url = reverse("notifications:settings")
    choices = {kind.value: "email" for kind in Kind}
    response = client.post(url, {**choices, Kind.REPORT_ACCEPTED: "off"}, follow=True)
    assert "Đã lưu lựa chọn của bạn." in response.content.decode()
    # Only the choices that differ from the defaults are kept.
    kept = dict(Preference.objects.values_list("kind", "delivery"))
    # A unit's staff are offered what happens to their unit, not a submission's notice
    # to the reviewers.
    assert kept == {
        kind.value: ("off" if kind == Kind.REPORT_ACCEPTED else "email")
        for kind in Kind
        if kind != Kind.REPORT_SUBMITTED
        and (kind == Kind.REPORT_ACCEPTED or DEFAULT_DELIVERY[kind] != "email")
    }
    assert Preference.objects.get(kind=Kind.REPORT_ACCEPTED).delivery == "off"
    response = client.post(url, {**choices, Kind.REPORT_DUE: "pigeon"})
    assert response.status_code == 200
    assert "Hãy chọn một trong các cách đã cho." in response.content.decode()
    assert Preference.objects.get(kind=Kind.REPORT_ACCEPTED).delivery == "off"


def test_the_reviewer_sees_what_waits_in_the_navigation(client):
    quarter = f.open_quarter()
    unit = f.UnitFactory()
    for status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        f.UnitReportFactory(unit=f.UnitFactory(), quarter=quarter, status=status)
    assignment = f.AssignmentFactory(
        directive__meeting=f.MeetingFactory(unit=f.root_unit(), quarter=quarter), unit=unit
    )
    f.ProgressUpdateFactory(assignment=assignment, quarter=quarter, done_claim=True)
    f.DeadlineChangeFactory(assignment=assignment)
    client.force_login(f.reviewer())
    page = client.get("/").content.decode()
    assert 'data-waiting="reports">1<' in page
    assert 'data-waiting="claims"' in page and 'data-waiting="deadlines"' in page
    # A reviewer of another committee has nothing waiting.
    client.force_login(f.reviewer(f.UnitFactory(code="xa-khac")))
    assert "data-waiting" not in client.get("/").content.decode()


@pytest.fixture
def queue_world():
    quarter = f.open_quarter(due_date=timezone.localdate() + datetime.timedelta(days=5))
    north = f.UnitFactory(code="bac")
    unit = f.UnitFactory(code="hoi", name="Hội Nông dân xã Bắc", parent=north)
    f.member(unit, role=MembershipRole.HEAD, user__username="head")
    return quarter, north, unit


def test_a_reviewer_reminds_a_unit_once_a_day(client, queue_world):
    quarter, north, unit = queue_world
    reviewer = f.reviewer(north, username="rv", first_name="Lan")
    client.force_login(reviewer)
    queue = reverse("reports:queue_quarter", args=[quarter])
    remind = reverse("reports:remind", args=[quarter, unit.code])
    assert remind in client.get(queue).content.decode()
    page = client.post(remind, follow=True).content.decode()
    assert "Đã nhắc Hội Nông dân xã Bắc: 1 người được báo." in page
    assert "đã được Lan nhắc hôm nay" in page
    assert Notification.objects.get(kind=Kind.REPORT_DUE).user.username == "head"
    page = client.post(remind, follow=True).content.decode()
    assert "đã được nhắc hôm nay" in page
    assert ReminderLog.objects.get().sent_by == reviewer
    assert Notification.objects.count() == 1


@pytest.mark.parametrize("who, status", [("leader", 403), ("other_reviewer", 404), ("staff", 403)])
def test_only_a_reviewer_of_the_unit_may_remind_it(client, queue_world, who, status):
    """The unit's leadership and staff are refused; another committee's reviewer does
    not see the unit."""
    quarter, north, unit = queue_world
    user = {
        "leader": lambda: f.leader(north),
        "other_reviewer": lambda: f.reviewer(f.UnitFactory(code="nam")),
        "staff": lambda: f.member(unit, role=MembershipRole.HEAD),
    }[who]()
    client.force_login(user)
    response = client.post(reverse("reports:remind", args=[quarter, unit.code]))
    assert response.status_code == status
    assert not ReminderLog.objects.exists()


def test_a_unit_that_filed_is_not_reminded(client, queue_world):
    quarter, north, unit = queue_world
    f.UnitReportFactory(
        unit=unit, quarter=quarter, status=ReportStatus.SUBMITTED, first_submitted_at=timezone.now()
    )
    client.force_login(f.reviewer(north))
    response = client.post(reverse("reports:remind", args=[quarter, unit.code]), follow=True)
    assert "đã nộp báo cáo này" in response.content.decode()
    assert not ReminderLog.objects.exists()


def test_a_unit_with_nobody_to_tell_is_not_marked_reminded(client, queue_world):
    quarter, north, unit = queue_world
    head = unit.memberships.get().user
    Preference.objects.create(user=head, kind=Kind.REPORT_DUE, delivery="off")
    client.force_login(f.reviewer(north))
    response = client.post(reverse("reports:remind", args=[quarter, unit.code]), follow=True)
    assert "không có ai để nhắc" in response.content.decode()
    assert not ReminderLog.objects.exists()


def test_each_person_is_offered_the_kinds_that_can_concern_them(client):
    url = reverse("notifications:settings")
    client.force_login(f.reviewer())
    assert list(client.get(url).context["form"].fields) == [Kind.REPORT_SUBMITTED]
    client.force_login(f.admin())  # no role on a unit: nothing is told to them
    page = client.get(url)
    assert page.context["nothing_to_tell"]
    assert "Tài khoản của bạn không giữ vai trò nào" in page.content.decode()


def test_the_inbox_stays_on_the_unread_after_marking_them(client):
    user = f.member(f.UnitFactory())
    first = tell(user, "e1")
    tell(user, "e2")
    client.force_login(user)
    response = client.post(reverse("notifications:read", args=[first.pk]), {"unread": "1"})
    assert response.url == reverse("notifications:inbox") + "?unread=1"
    client.post(reverse("notifications:read_all"), {"unread": "1"})
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "Bạn đã đọc mọi thông báo từ trước." in response.content.decode()
