"""Each event reaches the right people and no one else, in the inbox and by mail as
they chose (issue 17): the people of another subtree, the one who acted and the
inactive are never told; one event makes one notification per person."""

import datetime
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from directives import services as directive_services
from notifications import services
from notifications.models import Kind, Mail, Notification, Preference
from reports import services as report_services
from reports.models import MembershipRole
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two committees under the province, each with a unit, its staff and a reviewer."""
    quarter = f.open_quarter()
    province = f.root_unit()
    north = f.UnitFactory(code="bac", name="Tỉnh ủy phía Bắc", parent=province)
    south = f.UnitFactory(code="nam", name="Tỉnh ủy phía Nam", parent=province)
    unit = f.UnitFactory(code="hoi", name="Hội Nông dân xã Bắc", parent=north)
    other = f.UnitFactory(code="khac", name="Hội Nông dân xã Nam", parent=south)
    return {
        "quarter": quarter,
        "unit": unit,
        "head": f.member(unit, role=MembershipRole.HEAD, user__username="head"),
        "reporter": f.member(unit, user__username="reporter"),
        "gone": f.member(unit, user__username="gone", user__is_active=False),
        "other_staff": f.member(other, role=MembershipRole.HEAD, user__username="other-head"),
        "reviewer": f.reviewer(north, username="north-reviewer"),
        "province_reviewer": f.reviewer(province, username="province-reviewer"),
        "south_reviewer": f.reviewer(south, username="south-reviewer"),
        "leader": f.leader(north, username="north-leader"),
    }


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def tell(user, kind, event: str) -> None:
    """One event about a report of unit X, told to ``user``."""
    services.notify(
        kind=kind,
        users=[user],
        event=event,
        params={"unit": "X", "quarter_year": 2024, "quarter_number": 2},
        url="/",
    )


def submitted(world, django_capture_on_commit_callbacks):
    report = f.UnitReportFactory(unit=world["unit"], quarter=world["quarter"])
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(
            report=report, user=world["head"], expected_version=report.version
        )
    report.refresh_from_db()
    return report


def test_a_submitted_report_reaches_the_reviewers_of_its_unit_only(
    world, django_capture_on_commit_callbacks
):
    submitted(world, django_capture_on_commit_callbacks)
    assert told(Kind.REPORT_SUBMITTED) == {"north-reviewer", "province-reviewer"}
    notification = Notification.objects.get(user=world["reviewer"])
    assert notification.title == "Hội Nông dân xã Bắc đã gửi báo cáo Quý II/2024"
    assert notification.url == "/reports/hoi/2024-q2/"
    # The reviewers' default for a submission is the daily digest: no mail at once.
    assert notification.mail == Mail.DIGEST
    assert mail.outbox == []


def test_a_returned_report_reaches_the_units_active_staff_by_mail_with_the_comment(
    world, django_capture_on_commit_callbacks
):
    report = submitted(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(
            report=report, user=world["reviewer"], comment="Bổ sung số liệu\nquý này."
        )
    assert told(Kind.REPORT_RETURNED) == {"head", "reporter"}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "head@example.test",
        "reporter@example.test",
    ]
    message = mail.outbox[0]
    assert message.subject == "Báo cáo Quý II/2024 của Hội Nông dân xã Bắc bị trả lại đơn vị"
    assert "Bổ sung số liệu\nquý này." in message.body
    assert "http://127.0.0.1:8000/reports/hoi/2024-q2/" in message.body
    html = message.alternatives[0][0]
    assert 'href="http://127.0.0.1:8000/reports/hoi/2024-q2/"' in html


def test_accepting_and_reopening_tell_the_unit(world, django_capture_on_commit_callbacks):
    report = submitted(world, django_capture_on_commit_callbacks)
    report_services.report_accept(report=report, user=world["reviewer"])
    report_services.report_reopen(report=report, user=world["reviewer"], reason="Sai số liệu.")
    assert told(Kind.REPORT_ACCEPTED) == {"head", "reporter"}
    assert told(Kind.REPORT_REOPENED) == {"head", "reporter"}
    assert Notification.objects.get(kind=Kind.REPORT_REOPENED, user=world["head"]).comment == (
        "Sai số liệu."
    )


def test_the_one_who_acts_is_not_told_of_their_own_act(world):
    """A reviewer of the committee who is also a head of the unit decides its claim:
    the unit's other staff are told, not the one who decided."""
    meeting = f.MeetingFactory(unit=world["unit"].parent, quarter=world["quarter"])
    assignment = f.AssignmentFactory(directive__meeting=meeting, unit=world["unit"])
    claim = f.ProgressUpdateFactory(
        assignment=assignment, quarter=world["quarter"], done_claim=True
    )
    both = f.reviewer(world["unit"].parent, username="both")
    f.MembershipFactory(user=both, unit=world["unit"], role=MembershipRole.HEAD)
    directive_services.progress_reject(user=both, update=claim, comment="Chưa xong.")
    assert told(Kind.CLAIM_DECIDED) == {"head", "reporter"}


def test_one_event_told_twice_makes_one_notification_per_person(world):
    for _ in range(2):
        services.notify(
            kind=Kind.FOLLOW_UP,
            users=[world["head"], world["reporter"]],
            event="follow_up:1",
            params={"unit": "X", "quarter_year": 2024, "quarter_number": 2, "indicator": "Y"},
            url="/",
        )
    assert Notification.objects.count() == 2


def test_each_person_gets_what_they_chose(world, django_capture_on_commit_callbacks):
    Preference.objects.create(user=world["head"], kind=Kind.REPORT_RETURNED, delivery="off")
    Preference.objects.create(user=world["reporter"], kind=Kind.REPORT_RETURNED, delivery="app")
    report = submitted(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_return(report=report, user=world["reviewer"], comment="Sửa.")
    assert told(Kind.REPORT_RETURNED) == {"reporter"}
    assert Notification.objects.get(kind=Kind.REPORT_RETURNED).mail == Mail.NONE
    assert mail.outbox == []


def test_the_digest_goes_once_a_day_with_everything_waiting(
    world, django_capture_on_commit_callbacks
):
    """Submitted, returned and submitted again: two submissions in each reviewer's
    digest."""
    report = submitted(world, django_capture_on_commit_callbacks)
    report_services.report_return(report=report, user=world["reviewer"], comment="Sửa.")
    report.refresh_from_db()
    report_services.report_submit(
        report=report, user=world["head"], expected_version=report.version
    )
    day = datetime.date(2024, 7, 1)
    assert services.send_digests(day=day) == 2  # the two reviewers of the unit
    assert services.send_digests(day=day) == 0
    digest = next(m for m in mail.outbox if m.to == ["north-reviewer@example.test"])
    assert digest.subject == "Dân vận: 2 thông báo ngày 01/07/2024"
    assert digest.body.count("Hội Nông dân xã Bắc đã gửi báo cáo Quý II/2024") == 2
    assert not Notification.objects.filter(mail=Mail.DIGEST, mailed_at__isnull=True).exists()


def test_a_failed_mail_is_sent_again_by_the_next_run(world, settings, monkeypatch):
    calls = []

    def fail_once(self, messages):
        calls.append(messages)
        if len(calls) == 1:
            raise OSError("server down")
        return len(messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", fail_once)
    tell(world["head"], Kind.REPORT_RETURNED, "report_returned:1")
    assert services.deliver() == 0
    assert Notification.objects.get().mailed_at is None
    assert services.deliver() == 1
    assert services.deliver() == 0
    assert len(calls) == 2


def test_a_directive_reaches_the_staff_of_each_unit_given_it(world):
    meeting = f.MeetingFactory(unit=f.root_unit(), quarter=world["quarter"])
    other = f.UnitFactory(code="ho-tro", name="Đơn vị hỗ trợ", parent=world["unit"].parent)
    f.member(other, user__username="support-staff")
    directive = f.DirectiveFactory.build(meeting=meeting, number=1, title="Tuyên truyền")
    admin = world["province_reviewer"]
    directive_services.directive_save(
        user=admin, directive=directive, lead_units=[world["unit"]], support_units=[other]
    )
    assert told(Kind.DIRECTIVE_ASSIGNED) == {"head", "reporter", "support-staff"}
    head_told = Notification.objects.get(kind=Kind.DIRECTIVE_ASSIGNED, user=world["head"])
    assert head_told.title == "Ý kiến chỉ đạo cho Hội Nông dân xã Bắc: Tuyên truyền"
    assert head_told.url == directive.get_absolute_url()
    # Saving it unchanged tells nobody; a change tells the units it stays with.
    directive_services.directive_save(
        user=admin, directive=directive, lead_units=[world["unit"]], support_units=[other]
    )
    assert told(Kind.DIRECTIVE_CHANGED) == set()
    directive.title = "Tuyên truyền, vận động"
    directive.due_date = datetime.date(2024, 9, 30)
    directive_services.directive_save(
        user=admin, directive=directive, lead_units=[world["unit"]], support_units=[]
    )
    # The unit kept is told what changed; the unit taken off is told it no longer has it.
    assert told(Kind.DIRECTIVE_CHANGED) == {"head", "reporter", "support-staff"}
    assert Notification.objects.get(kind=Kind.DIRECTIVE_CHANGED, user=world["head"]).title == (
        "Ý kiến chỉ đạo giao Hội Nông dân xã Bắc đã được sửa đổi (tiêu đề, hạn (30/09/2024)): "
        "Tuyên truyền, vận động"
    )
    assert Notification.objects.get(
        user__username="support-staff", kind=Kind.DIRECTIVE_CHANGED
    ).title == ("Ý kiến chỉ đạo không còn giao Đơn vị hỗ trợ: Tuyên truyền, vận động")


def test_deadline_and_claim_decisions_reach_the_unit(world):
    meeting = f.MeetingFactory(unit=f.root_unit(), quarter=world["quarter"])
    assignment = f.AssignmentFactory(directive__meeting=meeting, unit=world["unit"])
    change = f.DeadlineChangeFactory(assignment=assignment, requested_by=world["head"])
    directive_services.deadline_change_decide(
        user=world["province_reviewer"], change=change, approve=True
    )
    told_head = Notification.objects.get(kind=Kind.DEADLINE_DECIDED, user=world["head"])
    assert "30/09/2024" in told_head.title
    claim = f.ProgressUpdateFactory(
        assignment=assignment, quarter=world["quarter"], done_claim=True
    )
    directive_services.progress_confirm(user=world["province_reviewer"], update=claim)
    assert told(Kind.CLAIM_DECIDED) == {"head", "reporter"}
    assert told(Kind.DEADLINE_DECIDED) == {"head", "reporter"}


def test_a_follow_up_mark_reaches_the_unit(world, django_capture_on_commit_callbacks):
    report = submitted(world, django_capture_on_commit_callbacks)
    indicator = f.IndicatorFactory(name="Số mô hình")
    f.IndicatorValueFactory(report=report, indicator=indicator, value=3)
    report_services.follow_up_mark(
        report=report, indicator_id=indicator.pk, user=world["reviewer"], note="Kiểm tra lại."
    )
    notification = Notification.objects.get(kind=Kind.FOLLOW_UP, user=world["head"])
    assert notification.title.endswith(": Số mô hình")
    assert told(Kind.FOLLOW_UP) == {"head", "reporter"}


def test_a_title_with_line_breaks_is_one_line(world):
    services.notify(
        kind=Kind.DIRECTIVE_ASSIGNED,
        users=[world["head"]],
        event="x",
        params={"unit": "Hội\r\nNông dân", "directive": "Tuyên\u2028truyền\x0b mới"},
        url="/",
    )
    title = Notification.objects.get().title
    assert "\n" not in title and "\u2028" not in title
    assert title == "Ý kiến chỉ đạo cho Hội Nông dân: Tuyên truyền mới"


def test_a_units_new_role_on_a_directive_is_a_change_it_is_told_of(world):
    meeting = f.MeetingFactory(unit=f.root_unit(), quarter=world["quarter"])
    other = f.UnitFactory(code="chu-tri", parent=world["unit"].parent)
    directive = f.DirectiveFactory.build(meeting=meeting, number=1, title="Tuyên truyền")
    reviewer = world["province_reviewer"]
    directive_services.directive_save(
        user=reviewer, directive=directive, lead_units=[other], support_units=[world["unit"]]
    )
    directive_services.directive_save(
        user=reviewer, directive=directive, lead_units=[other, world["unit"]], support_units=[]
    )
    assert told(Kind.DIRECTIVE_CHANGED) == {"head", "reporter"}


def test_a_confidential_directive_is_named_in_the_app_but_not_in_the_mail(
    world, django_capture_on_commit_callbacks
):
    meeting = f.MeetingFactory(unit=f.root_unit(), quarter=world["quarter"])
    directive = f.DirectiveFactory.build(
        meeting=meeting, number=1, title="Nắm tình hình khiếu kiện", confidentiality="confidential"
    )
    with django_capture_on_commit_callbacks(execute=True):
        directive_services.directive_save(
            user=world["province_reviewer"],
            directive=directive,
            lead_units=[world["unit"]],
            support_units=[],
        )
    notification = Notification.objects.get(user=world["head"])
    assert notification.title.endswith(": Nắm tình hình khiếu kiện")
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "khiếu kiện" not in message.subject + message.body
        assert "ý kiến chỉ đạo mật (xem trong phần mềm)" in message.subject


def test_a_claim_left_by_a_process_that_died_is_mailed_after_an_hour(world):
    tell(world["head"], Kind.REPORT_RETURNED, "report_returned:9")
    Notification.objects.update(mail_claim=uuid.uuid4(), mail_claimed_at=timezone.now())
    assert services.deliver() == 0  # another process may still be sending it
    Notification.objects.update(mail_claimed_at=timezone.now() - datetime.timedelta(hours=2))
    assert services.deliver() == 1
    assert len(mail.outbox) == 1


def test_a_digest_that_could_not_go_goes_on_the_next_run(world, monkeypatch):
    tell(world["reviewer"], Kind.REPORT_SUBMITTED, "report_submitted:9:1")
    real = mail.get_connection().__class__.send_messages
    calls = []

    def down_once(self, messages):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("server down")
        return real(self, messages)

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", down_once)
    day = datetime.date(2024, 7, 1)
    assert services.send_digests(day=day) == 0
    assert services.send_digests(day=day) == 1
    assert len(mail.outbox) == 1


def test_a_deactivated_account_is_not_mailed_what_waits(world):
    tell(world["head"], Kind.REPORT_RETURNED, "report_returned:9")
    world["head"].is_active = False
    world["head"].save()
    assert services.deliver() == 0
    assert mail.outbox == []


def test_a_follow_up_mark_taken_back_takes_back_its_unread_notice(
    world, django_capture_on_commit_callbacks
):
    report = submitted(world, django_capture_on_commit_callbacks)
    indicator = f.IndicatorFactory(name="Số mô hình")
    f.IndicatorValueFactory(report=report, indicator=indicator, value=3)
    mark = {"report": report, "indicator_id": indicator.pk, "user": world["reviewer"]}
    report_services.follow_up_mark(**mark, note="Kiểm tra lại.")
    Notification.objects.filter(user=world["reporter"]).update(read_at=timezone.now())
    report_services.follow_up_clear(**mark)
    # The head had not read it: taken back; the reporter had: it stays, as read.
    assert told(Kind.FOLLOW_UP) == {"reporter"}
