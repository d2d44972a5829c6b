"""Dates stay within 2000-2100, and no page fails on an odd date stored anyway."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from directives.models import Assignment, DeadlineChange, Directive, Meeting
from reports.models import Membership, MembershipRole, Quarter, Unit
from tests.security import world as audit
from tests.security.world import login

pytestmark = pytest.mark.django_db

# The audit world (tests/security/world.py): built once for the module, copied for each test.
built_world, world = audit.built_world, audit.world

ODD_TIMES = [
    datetime.datetime(1, 1, 1, 0, 0, tzinfo=datetime.UTC),
    datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC),
]


def pages(world) -> list[str]:
    meeting = world.meeting
    slug = meeting.quarter.slug
    return [
        reverse("meetings:list"),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:pack", args=[meeting.pk]),
        reverse("meetings:search") + "?q=a",
        reverse("quarters:list"),
        reverse("quarters:detail", args=[slug]),
        reverse("quarters:report_docx", args=[slug]),
        reverse("quarters:directives_xlsx", args=[slug]),
        reverse("quarters:notice_docx", args=[slug, meeting.pk]),
        reverse("reports:document", args=["u", slug]),
        reverse("directives:register"),
        reverse("quarters:indicators_xlsx", args=[slug]),
        reverse("directives:dashboard"),
        reverse("directives:detail", args=[world.directive.pk]),
        reverse("home"),
        reverse("admin:directives_meeting_changelist"),
        reverse("admin:directives_meeting_change", args=[meeting.pk]),
        reverse("admin:directives_meeting_history", args=[meeting.pk]),
        reverse("admin:directives_directive_changelist"),
    ]


@pytest.mark.parametrize("odd", ODD_TIMES, ids=["year-1", "year-9999"])
def test_no_page_fails_on_a_meeting_stored_at_an_odd_time(client, world, odd):
    Meeting.objects.filter(pk=world.meeting.pk).update(held_at=odd)
    login(client, world, "admin")
    answers = {url: client.get(url).status_code for url in pages(world)}
    assert {url: code for url, code in answers.items() if code != 200} == {}


ODD_DAYS = [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)]


@pytest.mark.slow
@pytest.mark.parametrize("odd", ODD_DAYS, ids=["year-1", "year-9999"])
def test_no_page_fails_on_odd_dates_stored_anywhere(client, world, odd, untracked_templates):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        held_at=datetime.datetime.combine(odd, datetime.time(), tzinfo=datetime.UTC)
    )
    Quarter.objects.filter(pk=world.meeting.quarter_id).update(due_date=odd)
    Directive.objects.filter(due_date__isnull=False).update(due_date=odd)
    Directive.objects.update(target_date=odd)
    Assignment.objects.filter(due_date__isnull=False).update(due_date=odd)
    Assignment.objects.update(completed_on=odd)
    DeadlineChange.objects.update(old_date=ODD_DAYS[0], new_date=ODD_DAYS[1])
    Unit.objects.update(valid_from=odd, valid_to=odd)
    failures = {}
    for role in ("admin", "reviewer", "leader", "reporter_u", "head_u"):
        client.logout()
        login(client, world, role)
        # The drafting page is the commission's, whom the administrator of two
        # provinces is not: it is read as the reviewer and leader read it.
        for url in [*pages(world), reverse("quarters:draft", args=[world.meeting.quarter.slug])]:
            code = client.get(url).status_code
            if code >= 500:
                failures[role, url] = code
    assert failures == {}


# ------------------------------------------------------ typed dates are bounded


def meeting_post(world, **changes) -> dict:
    data = {
        "unit": world.meeting.unit_id,
        "quarter": world.meeting.quarter_id,
        "held_at": "2024-04-05T08:00",
        "title": "Giao ban quý",
        "chair_name": "Nguyễn Văn A",
    }
    return {**data, **changes}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0001-01-01T00:00", "Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."),
        ("1999-12-31T09:00", "Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."),
        ("2101-01-01T09:00", "Nhập ngày trong khoảng từ 01/01/2000 đến 31/12/2100."),
        ("99999-01-01T09:00", "Nhập"),
    ],
)
def test_a_meeting_dated_outside_2000_to_2100_is_refused_with_a_clear_message(
    client, world, typed, message
):
    login(client, world, "reviewer")
    before = Meeting.objects.count()
    response = client.post(reverse("meetings:new"), meeting_post(world, held_at=typed))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Meeting.objects.count() == before


def test_a_meeting_far_from_its_quarter_is_refused(client, world):
    login(client, world, "reviewer")
    quarter = world.meeting.quarter
    far = datetime.date(quarter.year + 2, 1, 10)
    response = client.post(
        reverse("meetings:new"), meeting_post(world, held_at=f"{far:%Y-%m-%d}T08:00")
    )
    assert response.status_code == 200
    assert "Buổi giao ban được tổ chức gần quý mà nó đánh giá" in response.content.decode()


def test_a_meeting_in_the_quarter_after_the_one_it_reviews_is_accepted(world):
    quarter = world.meeting.quarter
    meeting = world.meeting
    meeting.held_at = timezone.make_aware(
        datetime.datetime.combine(quarter.end_date + datetime.timedelta(days=20), datetime.time(8))
    )
    meeting.full_clean()


EDITABLE_DATES = [
    ("meeting", "held_at"),
    ("directive", "due_date"),
    ("directive", "target_date"),
    ("assignment_u", "due_date"),
    ("assignment_u", "completed_on"),
    ("change_u", "new_date"),
    ("update_u", "reported_at"),
]


@pytest.mark.parametrize(("name", "field"), EDITABLE_DATES)
def test_every_date_people_type_is_kept_within_2000_to_2100(world, name, field):
    obj = getattr(world, name)
    for odd in (datetime.date(1999, 12, 31), datetime.date(2101, 1, 1)):
        value = odd
        if field.endswith("_at"):
            value = datetime.datetime.combine(odd, datetime.time(12), tzinfo=datetime.UTC)
        setattr(obj, field, value)
        with pytest.raises(ValidationError) as refused:
            obj.clean_fields(exclude=[f.name for f in obj._meta.fields if f.name != field])
        assert field in refused.value.message_dict


def test_units_and_quarters_dates_are_bounded_too(world):
    quarter = world.meeting.quarter
    quarter.due_date = datetime.date(1, 1, 1)
    unit = Unit.objects.first()
    unit.valid_from = datetime.date(2101, 1, 1)
    with pytest.raises(ValidationError):
        quarter.clean_fields(exclude=["year", "number", "closed"])
    with pytest.raises(ValidationError):
        unit.clean_fields(exclude=[f.name for f in unit._meta.fields if f.name != "valid_from"])


@pytest.mark.parametrize("odd", ["0001-01-01", "99999-12-31", "0000-00-00"])
def test_an_odd_date_in_a_query_parameter_is_not_a_server_error(client, world, odd):
    login(client, world, "admin")
    urls = [
        reverse("admin:directives_meeting_changelist") + f"?held_at__gte={odd}",
        reverse("admin:directives_meeting_changelist") + f"?held_at__lte={odd}%2000:00",
        reverse("admin:directives_directive_changelist") + f"?due_date__gte={odd}",
        reverse("admin:directives_assignment_changelist") + f"?due_date__lt={odd}",
        reverse("admin:reports_quarter_changelist") + f"?due_date={odd}",
        reverse("directives:register") + f"?due_date={odd}&q={odd}",
        reverse("directives:assignments") + f"?due={odd}",
    ]
    assert {url: code for url in urls if (code := client.get(url).status_code) >= 500} == {}


def test_the_admin_can_repair_an_odd_date(client, world):
    Meeting.objects.filter(pk=world.meeting.pk).update(held_at=ODD_TIMES[1])
    # Meetings are recorded by reviewers (meeting_save), in the admin as on the pages.
    Membership.objects.create(
        user=world.users["admin"], unit=world.meeting.unit, role=MembershipRole.REVIEWER
    )
    login(client, world, "admin")
    url = reverse("admin:directives_meeting_change", args=[world.meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form[name].value() or ""
        for name in ("unit", "quarter", "title", "chair_name", "venue")
    }
    data.update(
        {
            "held_at_0": f"{world.meeting.quarter.start_date:%d/%m/%Y}",
            "held_at_1": "08:00:00",
            "attending_units": [u.pk for u in world.meeting.attending_units.all()],
        }
    )
    for prefix in ("directives", "recommendations"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, data)
    world.meeting.refresh_from_db()
    assert timezone.localtime(world.meeting.held_at).date() == world.meeting.quarter.start_date, (
        response.context and response.context["adminform"].form.errors
    )
