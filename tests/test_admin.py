"""The Django admin: every model's pages open, search ignores diacritics,
history says who changed what, constraint violations come back as form errors
and list pages run a bounded number of queries."""

import datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils.html import escape

from accounts.models import TwoFactorChange, TwoFactorEvent
from directives import models as dm
from notifications import models as nm
from reports import models as rm
from reports import services
from structure.services import Decision, dissolve_unit
from tests import factories as f

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------- helpers


class _FormFields(HTMLParser):
    """The values a browser would post from the admin's change form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data: list[tuple[str, str]] = []
        self._in_form = False
        self._select: str | None = None
        self._select_multiple = False
        self._options: list[tuple[str, bool]] = []
        self._option_value: str | None = None
        self._option_selected = False
        self._option_text = ""
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("id") or "").endswith("_form"):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.append((name, a.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._select_multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select:
            self._option_value = a.get("value")
            self._option_selected = "selected" in a
            self._option_text = ""
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data
        elif self._option_value is None and self._select:
            self._option_text += data

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "option" and self._select:
            value = self._option_value if self._option_value is not None else self._option_text
            self._options.append((value, self._option_selected))
            self._option_value = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not self._select_multiple and self._options:
                chosen = [self._options[0][0]]
            self.data.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # Browsers drop the newline that follows <textarea>.
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.data.append((self._textarea, text))
            self._textarea = None


def form_data(response, **changes) -> dict:
    """The admin form of ``response`` as a browser would post it, with ``changes``."""
    parser = _FormFields()
    parser.feed(response.content.decode())
    data: dict = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def post_form(client, url: str, **changes):
    """The admin form at ``url`` posted as a browser would, with ``changes``."""
    return client.post(url, form_data(client.get(url), **changes))


def refused_form(client, url: str, **changes) -> str:
    """The errors the admin form at ``url`` answers ``changes`` with (it must refuse them)."""
    response = post_form(client, url, **changes)
    assert response.status_code == 200
    return errors_of(response)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def errors_of(response) -> str:
    """Every error message on an admin form page, field, form and inline alike."""
    messages = [str(e) for e in response.context["errors"]]
    for formset in response.context.get("inline_admin_formsets", []):
        messages += [str(e) for e in formset.formset.non_form_errors()]
        messages += [str(e) for form_errors in formset.formset.errors for e in form_errors]
    return " ".join(messages)


@pytest.fixture
def superuser():
    """An administrator who is also a reviewer: reviewers record meetings and directives."""
    return f.reviewer(username="quantri", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, superuser):
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# ------------------------------------------------- every page of every model


def _one_of_each() -> dict:
    """One saved object of every model the admin knows."""
    report = f.UnitReportFactory()
    assignment = f.AssignmentFactory()
    meeting = assignment.directive.meeting
    return {
        rm.Unit: report.unit,
        rm.Membership: f.MembershipFactory(unit=report.unit),
        rm.Quarter: report.quarter,
        rm.Indicator: f.IndicatorFactory(unit_kinds=[rm.UnitKind.FRONT]),
        rm.ValidationRule: rm.ValidationRule.objects.create(
            name="Giải quyết không quá tiếp nhận", left="IND_A", operator="<=", right="IND_B"
        ),
        rm.DocumentIssuer: f.DocumentIssuerFactory(),
        rm.UnitReport: report,
        rm.IndicatorValue: f.IndicatorValueFactory(report=report),
        rm.ReportVersion: rm.ReportVersion.objects.create(
            report=report, number=1, unit_name=report.unit_name, submitted_at=report.created_at
        ),
        rm.ReminderLog: rm.ReminderLog.objects.create(
            unit=report.unit, quarter=report.quarter, sent_on=datetime.date(2024, 3, 10)
        ),
        rm.ConsolidatedReport: _consolidated(report),
        rm.Reorganisation: dissolve_unit(
            unit=f.UnitFactory(),
            decision=Decision(
                number="QĐ 1",
                date=datetime.date(2025, 6, 20),
                effective_on=datetime.date(2025, 7, 1),
            ),
            user=None,
        ).reorganisation,
        dm.Meeting: meeting,
        dm.Topic: f.TopicFactory(),
        dm.Directive: assignment.directive,
        dm.Assignment: assignment,
        dm.ProgressUpdate: f.ProgressUpdateFactory(assignment=assignment),
        dm.DeadlineChange: f.DeadlineChangeFactory(assignment=assignment),
        dm.Recommendation: f.RecommendationFactory(meeting=meeting, raised_by=report.unit),
        dm.ConclusionNotice: dm.ConclusionNotice.objects.create(
            meeting=meeting, opening="Chiều ngày 14/3/2024, …", tasks="1. Nhiệm vụ."
        ),
        User: f.MembershipFactory(unit=report.unit).user,
        Group: Group.objects.first(),
        nm.Notification: nm.Notification.objects.create(
            user=f.UserFactory(),
            kind=nm.Kind.REPORT_RETURNED,
            event="report_returned:1",
            params={"unit": "Đơn vị", "quarter_year": 2024, "quarter_number": 1},
            url="/",
        ),
        nm.Preference: nm.Preference.objects.create(
            user=f.UserFactory(), kind=nm.Kind.REPORT_ACCEPTED, delivery=nm.Delivery.OFF
        ),
        nm.Digest: nm.Digest.objects.create(user=f.UserFactory(), day=datetime.date(2024, 3, 10)),
        AccessAttempt: AccessAttempt.objects.create(
            username="clerk",
            ip_address="10.0.0.1",
            failures_since_start=3,
            user_agent="x",
            get_data="",
            post_data="",
            http_accept="",
            path_info="/accounts/login/",
        ),
        TwoFactorEvent: TwoFactorEvent.objects.create(
            user=f.UserFactory(), change=TwoFactorChange.RESET, by=f.UserFactory()
        ),
    }


def _consolidated(report: rm.UnitReport) -> rm.ConsolidatedReport:
    written = rm.ConsolidatedReport.objects.create(
        unit=f.UnitFactory(kind=rm.UnitKind.MASS_MOBILIZATION),
        quarter=report.quarter,
        results="Đã trích: kết quả.",
    )
    rm.ConsolidatedQuote.objects.create(
        report=written, section="results", source=report, excerpt="kết quả"
    )
    return written


def test_every_registered_model_has_a_working_changelist_add_and_change_page(staff_client):
    objects = _one_of_each()
    unknown = set(admin.site._registry) - set(objects)
    assert not unknown, f"add an object of {unknown} to _one_of_each()"
    for model, obj in objects.items():
        for url in (
            admin_url(model, "changelist"),
            admin_url(model, "add"),
            admin_url(model, "change", obj.pk),
        ):
            response = staff_client.get(url)
            assert response.status_code in (200, 403), url
            if response.status_code == 403:
                # Read-only logs and records, what only a unit makes (a claim, a
                # deadline request) and an assignment (given on its directive) refuse
                # an add page, and say so.
                assert url in (
                    admin_url(rm.UnitReport, "add"),
                    admin_url(rm.IndicatorValue, "add"),
                    admin_url(rm.ReminderLog, "add"),
                    admin_url(rm.ReportVersion, "add"),
                    admin_url(rm.ConsolidatedReport, "add"),  # written on its drafting page
                    admin_url(dm.Assignment, "add"),
                    admin_url(dm.ProgressUpdate, "add"),
                    admin_url(dm.DeadlineChange, "add"),
                    admin_url(dm.ConclusionNotice, "add"),  # edited on its meeting's page
                    # made by the services and the daily job, chosen by each person
                    admin_url(nm.Notification, "add"),
                    admin_url(nm.Preference, "add"),
                    admin_url(nm.Digest, "add"),
                    admin_url(AccessAttempt, "add"),  # made by failed sign-ins
                    admin_url(TwoFactorEvent, "add"),  # made by the changes it records
                )


def test_every_model_with_a_history_shows_its_history_page(staff_client):
    for model, obj in _one_of_each().items():
        if hasattr(model, "history"):
            response = staff_client.get(admin_url(model, "history", obj.pk))
            assert response.status_code == 200, model


def test_the_admin_site_is_titled_for_the_commission(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert "Mass mobilization administration" in response.content.decode()


def test_a_user_who_is_not_staff_is_sent_to_the_admin_login(client):
    client.force_login(f.UserFactory())
    response = client.get(admin_url(rm.Unit, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_reviewer_without_staff_status_is_sent_to_the_admin_login(client):
    client.force_login(f.reviewer())
    response = client.get(admin_url(rm.UnitReport, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# -------------------------------------------------------------------- history


@pytest.mark.usefixtures("factories_keep_history")
def test_a_report_saved_on_its_page_shows_who_saved_it_in_the_admin_history(staff_client):
    report = f.UnitReportFactory()
    value = f.IndicatorValueFactory(report=report, value=5)
    clerk = f.member(report.unit, user__username="van-thu")
    services.report_save_draft(
        report=report,
        user=clerk,
        data={"results": "Đã tổ chức 12 hội nghị."},
        values={value.indicator_id: (Decimal(7), "")},
        expected_version=report.version,
    )

    response = staff_client.get(admin_url(rm.UnitReport, "history", report.pk))
    html = response.content.decode()
    assert ">van-thu</a>" in html
    assert "Đã tổ chức 12 hội nghị." in html
    value.refresh_from_db()
    assert value.value == 7
    assert value.history.latest().history_user == clerk


def test_the_admin_writes_no_report_and_no_value(staff_client):
    """Reports are written on their page and decided by the review actions, through
    reports.services; the admin reads them, draft or filed."""
    value = f.IndicatorValueFactory(value=5)
    report = value.report
    change = admin_url(rm.UnitReport, "change", report.pk)
    page = staff_client.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert staff_client.post(change, {"results": "Sửa bởi quản trị."}).status_code == 403
    added = staff_client.post(
        admin_url(rm.IndicatorValue, "add"),
        {"report": report.pk, "indicator": f.IndicatorFactory().pk, "value": "3"},
    )
    assert added.status_code == 403
    for model, obj in ((rm.UnitReport, report), (rm.IndicatorValue, value)):
        delete = admin_url(model, "delete", obj.pk)
        assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    report.refresh_from_db()
    value.refresh_from_db()
    assert report.results != "Sửa bởi quản trị." and value.value == 5
    assert rm.IndicatorValue.objects.count() == 1


# --------------------------------------------------------------------- search


@pytest.fixture
def commission():
    unit = f.UnitFactory(
        name="Ban Dân vận Tỉnh ủy", code="bdv-tu", kind=rm.UnitKind.MASS_MOBILIZATION
    )
    f.UnitFactory(name="Ủy ban MTTQ tỉnh", code="mttq", kind=rm.UnitKind.FRONT)
    return unit


@pytest.mark.parametrize("term", ["ban dan van", "Dân Vận", "BAN DÂN VẬN TỈNH ỦY", "bdv-tu"])
def test_searching_units_finds_the_commission_with_or_without_diacritics(
    staff_client, commission, term
):
    response = staff_client.get(admin_url(rm.Unit, "changelist"), {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [commission]


@pytest.mark.parametrize("term", ["ban dan van", "Dân Vận"])
def test_searching_reports_and_memberships_goes_through_their_unit(staff_client, commission, term):
    report = f.UnitReportFactory(unit=commission)
    f.UnitReportFactory(quarter=report.quarter)
    membership = f.MembershipFactory(unit=commission)
    f.MembershipFactory()

    response = staff_client.get(admin_url(rm.UnitReport, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [report]
    response = staff_client.get(admin_url(rm.Membership, "changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == [membership]


def test_searching_assignments_goes_through_their_unit_and_directive(staff_client, commission):
    mine = f.AssignmentFactory(unit=commission)
    other = f.AssignmentFactory(directive__title="Xây dựng xã không ma túy")

    response = staff_client.get(admin_url(dm.Assignment, "changelist"), {"q": "Ban dan van"})
    assert list(response.context["cl"].result_list) == [mine]
    response = staff_client.get(admin_url(dm.Assignment, "changelist"), {"q": "ma tuy"})
    assert list(response.context["cl"].result_list) == [other]


def test_searching_users_finds_them_by_the_unit_they_work_in(staff_client, commission):
    user = f.MembershipFactory(unit=commission, user__username="lan").user
    f.MembershipFactory(user__username="hoa")

    response = staff_client.get(admin_url(User, "changelist"), {"q": "dân vận"})
    assert list(response.context["cl"].result_list) == [user]


def test_the_unit_autocomplete_ignores_diacritics(staff_client, commission):
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "term": "dan van",
            "app_label": "reports",
            "model_name": "membership",
            "field_name": "unit",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Ban Dân vận Tỉnh ủy"]


def test_searching_directives_ignores_diacritics(staff_client):
    directive = f.DirectiveFactory(title="Xây dựng huyện không ma túy")
    f.DirectiveFactory()
    response = staff_client.get(admin_url(dm.Directive, "changelist"), {"q": "huyen khong"})
    assert list(response.context["cl"].result_list) == [directive]


# ------------------------------------------------------ derived, read-only


def test_a_report_shows_its_timeliness_and_version_read_only(staff_client):
    quarter = f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2024, 3, 20))
    report = f.UnitReportFactory(
        quarter=quarter,
        status=rm.ReportStatus.SUBMITTED,
        first_submitted_at=datetime.datetime(2024, 3, 25, 9, tzinfo=datetime.UTC),
    )
    response = staff_client.get(admin_url(rm.UnitReport, "change", report.pk))
    form = response.context["adminform"].form
    assert "version" not in form.fields
    assert "first_submitted_at" not in form.fields
    assert '<div class="readonly">Late</div>' in response.content.decode()

    response = staff_client.get(admin_url(rm.UnitReport, "changelist"))
    assert '<td class="field-timeliness_display">Late</td>' in response.content.decode()


def test_a_directive_shows_the_status_derived_from_its_lead_units(staff_client):
    today = datetime.date.today()
    overdue = f.DirectiveFactory(due_date=today - datetime.timedelta(days=1))
    f.AssignmentFactory(directive=overdue)
    done = f.DirectiveFactory(due_date=today + datetime.timedelta(days=30))
    f.AssignmentFactory(directive=done, completed_on=today)

    response = staff_client.get(admin_url(dm.Directive, "changelist"))
    html = response.content.decode()
    assert '<td class="field-status_display">Overdue</td>' in html
    assert '<td class="field-status_display">Done on time</td>' in html

    response = staff_client.get(admin_url(dm.Directive, "change", overdue.pk))
    assert '<div class="readonly">Overdue</div>' in response.content.decode()


def test_an_ongoing_assignment_updated_this_quarter_reads_as_current(staff_client):
    current = f.QuarterFactory(year=2099, number=1)
    assignment = f.AssignmentFactory(directive__due_date=None, directive__is_ongoing=True)
    f.ProgressUpdateFactory(assignment=assignment, quarter=current)

    response = staff_client.get(admin_url(dm.Assignment, "changelist"))
    assert '<td class="field-status_display">Ongoing, updated</td>' in (response.content.decode())


def test_an_assignment_added_on_its_directive_takes_the_directives_deadline(staff_client):
    directive = f.DirectiveFactory(due_date=datetime.date(2024, 6, 30))
    unit = f.UnitFactory()
    response = post_form(
        staff_client,
        admin_url(dm.Directive, "change", directive.pk),
        **{"assignments-0-unit": str(unit.pk), "assignments-0-role": "lead"},
    )
    assert response.status_code == 302, errors_of(response)
    assert dm.Assignment.objects.get(unit=unit).due_date == datetime.date(2024, 6, 30)


def test_indicator_kinds_are_ticked_as_checkboxes(staff_client):
    response = post_form(
        staff_client,
        admin_url(rm.Indicator, "add"),
        code="MH_DVK",
        name="Mô hình Dân vận khéo",
        measure="mô hình",
        unit_kinds=[rm.UnitKind.PARTY_COMMITTEE, rm.UnitKind.FRONT],
    )
    assert response.status_code == 302, errors_of(response)
    indicator = rm.Indicator.objects.get(code="MH_DVK")
    assert indicator.unit_kinds == [rm.UnitKind.FRONT, rm.UnitKind.PARTY_COMMITTEE]

    response = staff_client.get(admin_url(rm.Indicator, "change", indicator.pk))
    assert response.context["adminform"].form["unit_kinds"].value() == indicator.unit_kinds


def test_an_indicator_with_no_kind_ticked_applies_to_every_kind(staff_client):
    url = admin_url(rm.Indicator, "add")
    response = post_form(staff_client, url, code="CUOC", name="Số cuộc", measure="cuộc")
    assert response.status_code == 302, errors_of(response)
    assert rm.Indicator.objects.get(code="CUOC").unit_kinds == []


# ---------------------------------------------- constraints are form errors


def test_a_second_quarter_with_the_same_year_and_number_is_a_form_error(staff_client):
    f.QuarterFactory(year=2024, number=1)
    url = admin_url(rm.Quarter, "add")
    errors = refused_form(staff_client, url, year="2024", number="1", due_date="2024-03-20")
    assert "already exists" in errors
    assert rm.Quarter.objects.count() == 1


def test_a_quarter_numbered_5_is_a_form_error(staff_client):
    url = admin_url(rm.Quarter, "add")
    errors = refused_form(staff_client, url, year="2024", number="5", due_date="2024-03-20")
    assert "less than or equal to 4" in errors


def test_a_directive_with_a_due_date_and_ongoing_is_a_form_error(staff_client):
    meeting = f.MeetingFactory()
    url = admin_url(dm.Directive, "add")
    response = post_form(
        staff_client,
        url,
        meeting=str(meeting.pk),
        number="1",
        title="Tiếp tục thực hiện",
        text="Nội dung.",
        due_date="2024-06-30",
        is_ongoing="on",
    )
    assert response.status_code == 200
    assert "An ongoing directive has no due date." in errors_of(response)
    assert escape("An ongoing directive has no due date.") in response.content.decode()
    assert not dm.Directive.objects.exists()


def test_a_directive_inline_in_a_meeting_with_a_due_date_and_ongoing_is_a_form_error(
    staff_client,
):
    meeting = f.MeetingFactory()
    errors = refused_form(
        staff_client,
        admin_url(dm.Meeting, "change", meeting.pk),
        **{
            "directives-TOTAL_FORMS": "1",
            "directives-0-number": "1",
            "directives-0-title": "Tiếp tục thực hiện",
            "directives-0-text": "Nội dung.",
            "directives-0-due_date": "2024-06-30",
            "directives-0-is_ongoing": "on",
            "directives-0-confidentiality": "normal",
        },
    )
    assert "An ongoing directive has no due date." in errors


def test_a_new_unit_ending_before_it_begins_is_a_form_error(staff_client):
    """Only a new unit's validity is typed; an existing one's changes by a reorganisation
    (tests/structure/test_reorganisation_admin.py)."""
    errors = refused_form(
        staff_client,
        admin_url(rm.Unit, "add"),
        code="moi",
        name="Đơn vị mới",
        kind="front",
        valid_from="2025-07-01",
        valid_to="2025-01-01",
    )
    assert "A unit cannot end before it begins." in errors


def test_a_user_twice_in_the_same_unit_is_a_form_error(staff_client):
    membership = f.MembershipFactory()
    errors = refused_form(
        staff_client,
        admin_url(rm.Membership, "add"),
        user=str(membership.user.pk),
        unit=str(membership.unit.pk),
        role="head",
    )
    assert "already belongs to this unit" in errors


# ----------------------------------------------------------- bounded queries


def _units_with_reports(count: int) -> None:
    quarter = f.QuarterFactory()
    parent = f.UnitFactory(name="Tỉnh ủy Quảng Ninh")
    for _ in range(count):
        report = f.UnitReportFactory(unit=f.UnitFactory(parent=parent), quarter=quarter)
        f.IndicatorValueFactory(report=report)


def _directives_with_assignments(count: int) -> None:
    meeting = f.MeetingFactory()
    for _ in range(count):
        assignment = f.AssignmentFactory(directive=f.DirectiveFactory(meeting=meeting))
        f.ProgressUpdateFactory(assignment=assignment)
        f.DeadlineChangeFactory(assignment=assignment)


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize("model", [rm.Unit, rm.UnitReport, rm.IndicatorValue, rm.Membership, User])
def test_report_side_changelists_run_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, count, model
):
    _units_with_reports(count)
    for unit in rm.Unit.objects.all():
        f.MembershipFactory(unit=unit)
    with django_assert_max_num_queries(12):
        response = staff_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    "model",
    [dm.Meeting, dm.Directive, dm.Assignment, dm.ProgressUpdate, dm.DeadlineChange],
)
def test_directive_side_changelists_run_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, count, model
):
    _directives_with_assignments(count)
    with django_assert_max_num_queries(12):
        response = staff_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200


def _pages_with_many_rows(count: int) -> dict[str, str]:
    """Change pages whose inlines hold ``count`` rows each."""
    directive = f.DirectiveFactory()
    report = f.UnitReportFactory()
    unit = f.UnitFactory()
    meeting = f.MeetingFactory()
    user = f.UserFactory()
    for _ in range(count):
        f.AssignmentFactory(directive=directive)
        f.IndicatorValueFactory(report=report)
        f.MembershipFactory(unit=unit)
        f.MembershipFactory(user=user)
        f.UnitFactory(parent=unit)
        f.RecommendationFactory(meeting=meeting, raised_by=f.UnitFactory())
        f.DirectiveFactory(meeting=meeting, topic=f.TopicFactory())
    assignment = directive.assignments.first()
    for n in range(count):
        f.ProgressUpdateFactory(assignment=assignment, quarter=f.QuarterFactory(year=2000 + n))
        f.DeadlineChangeFactory(assignment=assignment)
    return {
        "directive": admin_url(dm.Directive, "change", directive.pk),
        "report": admin_url(rm.UnitReport, "change", report.pk),
        "unit": admin_url(rm.Unit, "change", unit.pk),
        "assignment": admin_url(dm.Assignment, "change", assignment.pk),
        "meeting": admin_url(dm.Meeting, "change", meeting.pk),
        "user": admin_url(User, "change", user.pk),
    }


@pytest.mark.parametrize("count", [3, 30])
def test_change_pages_with_many_inline_rows_run_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, count
):
    for page, url in _pages_with_many_rows(count).items():
        # (each also reads the device the staff session gave as its second factor)
        with django_assert_max_num_queries(13):
            response = staff_client.get(url)
        assert response.status_code == 200, page


def test_inline_rows_show_their_current_choice(staff_client):
    membership = f.MembershipFactory(user__username="lan")
    response = staff_client.get(admin_url(rm.Unit, "change", membership.unit.pk))
    assert f'<option value="{membership.user.pk}" selected>lan</option>' in (
        response.content.decode()
    )


@pytest.mark.parametrize("model", [Group, dm.Topic, rm.Quarter])
def test_every_admin_list_reads_only_the_first_words_of_a_search(staff_client, model):
    """Groups, topics and quarters searched with Django's own search: one condition
    per word, and a pasted text of thousands of words answered 500."""
    response = staff_client.get(admin_url(model, "changelist"), {"q": "ban dan van " * 4000})
    assert response.status_code == 200


def test_an_admin_search_thousands_of_words_long_answers_with_a_page(staff_client, commission):
    """One condition per word made SQLite refuse the query ("Expression tree is too
    large"): the admin's search reads its first words only."""
    response = staff_client.get(admin_url(rm.Unit, "changelist"), {"q": "ban dan van " * 4000})
    assert list(response.context["cl"].result_list) == [commission]
