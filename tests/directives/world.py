"""A small follow-up world shared by the directive page tests: this folder's conftest
gives it as the ``world`` fixture (``built_world`` once for a module, copied for each
test); tests elsewhere build it with ``build_world``."""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from directives.models import AssignmentRole, Confidentiality
from reports.models import Membership, MembershipRole
from tests import factories as f
from tests.once import for_one_test, kept_for_the_scope
from tests.page_form import form_as_posted

TODAY = datetime.date(2024, 5, 20)


def build_world() -> SimpleNamespace:
    """Units A, B, C; Q1/2024 (closed) and Q2/2024 (current); the meeting of
    14/03/2024 with a normal directive (A lead, B support), a confidential one
    (A lead) and an ongoing one (B lead)."""
    q1 = f.QuarterFactory(year=2024, number=1, closed=True)
    q2 = f.QuarterFactory(year=2024, number=2)
    unit_a = f.UnitFactory(code="a", name="Hội Liên hiệp Phụ nữ tỉnh", short_name="Hội LHPN")
    unit_b = f.UnitFactory(code="b", name="Tỉnh đoàn", short_name="Tỉnh đoàn")
    unit_c = f.UnitFactory(code="c", name="Hội Nông dân tỉnh", short_name="Hội ND")
    meeting = f.MeetingFactory(quarter=q1)
    topic = f.TopicFactory(name="Dân vận khéo")
    normal = f.DirectiveFactory(
        meeting=meeting,
        number=1,
        title="Nâng cao chất lượng phong trào Dân vận khéo",
        topic=topic,
        due_date=datetime.date(2024, 6, 30),
    )
    confidential = f.DirectiveFactory(
        meeting=meeting,
        number=2,
        title="Rà soát quỹ của các tổ chức",
        confidentiality=Confidentiality.CONFIDENTIAL,
        due_date=datetime.date(2024, 4, 30),
    )
    ongoing = f.DirectiveFactory(
        meeting=meeting, number=3, title="Tuyên truyền thường xuyên", due_date=None, is_ongoing=True
    )
    a_normal = f.AssignmentFactory(directive=normal, unit=unit_a, role=AssignmentRole.LEAD)
    b_normal = f.AssignmentFactory(directive=normal, unit=unit_b, role=AssignmentRole.SUPPORT)
    a_secret = f.AssignmentFactory(directive=confidential, unit=unit_a)
    b_ongoing = f.AssignmentFactory(directive=ongoing, unit=unit_b)
    admin = User.objects.create_superuser("admin", "admin@example.test", "pw")
    return SimpleNamespace(
        q1=q1,
        q2=q2,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_c=unit_c,
        meeting=meeting,
        topic=topic,
        normal=normal,
        confidential=confidential,
        ongoing=ongoing,
        a_normal=a_normal,
        b_normal=b_normal,
        a_secret=a_secret,
        b_ongoing=b_ongoing,
        reviewer=f.reviewer(username="reviewer"),
        leader=f.leader(username="leader"),
        admin=admin,
        reporter_a=f.member(unit_a, user__username="a-reporter"),
        head_a=f.member(unit_a, MembershipRole.HEAD, user__username="a-head"),
        reporter_b=f.member(unit_b, user__username="b-reporter"),
        reporter_c=f.member(unit_c, user__username="c-reporter"),
        nobody=f.UserFactory(username="nobody"),
    )


def new_directive_data(world: SimpleNamespace, **fields) -> dict:
    """What the directive form posts for a new directive 4 of the meeting, led by unit A."""
    return {
        "number": 4,
        "title": "Xây dựng chi hội không ma túy",
        "text": "MTTQ và các tổ chức chính trị - xã hội xây dựng chi hội không ma túy.",
        "due_date": "2024-12-31",
        "confidentiality": "normal",
        "lead_units": [world.unit_a.pk],
        **fields,
    }


def done_claim(world: SimpleNamespace, assignment=None, **fields):
    """A claim this quarter that the work of ``assignment`` (unit A's on the normal
    directive) is done, awaiting the reviewer's confirmation."""
    return f.ProgressUpdateFactory(
        assignment=assignment or world.a_normal, quarter=world.q2, done_claim=True, **fields
    )


def ask_for_more_time(client, user, assignment, new_date: str, reason: str = "Chờ kinh phí."):
    """``user`` asks on its form to move the deadline of ``assignment`` to ``new_date``."""
    client.force_login(user)
    return client.post(
        reverse("directives:deadline_new", args=[assignment.pk]),
        {"new_date": new_date, "reason": reason},
    )


def review_claim(client, user, update, **decision):
    """``user`` posts ``decision`` (its fields) on the review form of ``update``."""
    client.force_login(user)
    return client.post(reverse("directives:update_review", args=[update.pk]), decision)


def new_meeting_data(world: SimpleNamespace, **fields) -> dict:
    """What the meeting form posts for the province's meeting of Q2/2024, attended by
    units A and B."""
    return {
        "unit": f.root_unit().pk,
        "quarter": world.q2.pk,
        "held_at": "2024-06-14T14:00",
        "title": "Giao ban quý II/2024",
        "chair_name": "Nguyễn Xuân Ký",
        "attending_units": [world.unit_a.pk, world.unit_b.pk],
        **fields,
    }


def freeze_today(monkeypatch, day: datetime.date = TODAY) -> None:
    """Make timezone.localdate() (and now()) answer ``day`` at 10:00 local time."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)


def admin_form_data(client, url: str, form_id: str) -> dict:
    """What the admin page's form sends as it is (``form_as_posted``), a field's one
    value as a string: a row's fields are then read and changed by name."""
    posted = form_as_posted(client.get(url), form_id=form_id)
    return {name: values[0] if len(values) == 1 else values for name, values in posted.items()}


def normal_on_meeting_admin(client, world: SimpleNamespace) -> tuple[str, dict, str]:
    """The meeting's admin page: its URL, what its form sends as it is, and the prefix
    of the normal directive's row in its directives' inline."""
    url = reverse("admin:directives_meeting_change", args=[world.meeting.pk])
    data = admin_form_data(client, url, "meeting_form")
    return url, data, inline_row(data, "directives", world.normal)


def inline_row(data: dict, prefix: str, obj) -> str:
    """The prefix of ``obj``'s row in the admin inline ``prefix`` ("assignments-0")."""
    return next(
        name.removesuffix("-id")
        for name, value in data.items()
        if name.startswith(f"{prefix}-") and name.endswith("-id") and value == str(obj.pk)
    )


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    """``build_world()`` on ``TODAY``, once for a module of tests and rolled back after
    them. A module that needs more overrides it, at the same scope."""
    with pytest.MonkeyPatch.context() as patch, kept_for_the_scope(django_db_blocker):
        freeze_today(patch)
        yield build_world()


@pytest.fixture
def world(built_world, db, monkeypatch, settings, tmp_path):
    """The module's world for one test (``once.for_one_test``), on ``TODAY``, with
    uploads in a temporary folder."""
    freeze_today(monkeypatch)
    settings.MEDIA_ROOT = tmp_path
    return for_one_test(built_world)


@pytest.fixture
def admin_client(client, world):
    """The world's administrator, also a reviewer: the services let reviewers record
    and decide, in the admin as on the pages."""
    Membership.objects.create(user=world.admin, unit=f.root_unit(), role=MembershipRole.REVIEWER)
    client.force_login(world.admin)
    return client
