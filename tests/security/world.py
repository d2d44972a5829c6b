"""The audit world: one of everything, for unit U and another unit V, and a user per role.

Shared by the security tests (URL × role audit, CSRF, IDOR, XSS), as the fixture
``world``: built once for a module (``built_world``) and copied for each test. Quarters:
Q1/2024 open (reports submitted) and Q2/2024 open and current (drafts).

U and V are units of the test province (``factories.root_unit``), whose reviewer
and leader are ``reviewer`` and ``leader``. Another root, X (another province),
has its own unit W with a submitted report, a meeting, a directive assigned to W
with progress, a deadline request and a recommendation; ``reviewer_x`` and
``leader_x`` hold their roles on X and must see none of the first province, as
its reviewer and leader must see none of X (``FIRST_PROVINCE`` / ``OTHER_PROVINCE``:
texts only that side's pages may show).
"""

import contextlib
import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from directives.models import AssignmentRole, Confidentiality
from notifications.models import Notification
from reports import services
from reports.models import MembershipRole, ReportAnnex, ReportStatus, UnitKind, ValidationRule
from tests import factories as f
from tests.once import for_one_test, kept_for_the_scope
from tests.samples import PDF

ROLES = (
    "anonymous",
    "reporter_u",
    "head_u",
    "reporter_v",
    "reviewer",
    "leader",
    "admin",
    "reviewer_x",
    "leader_x",
)
# Texts of each province that nobody of the other may read, on any page or export.
FIRST_PROVINCE = (
    "Tỉnh ủy (thử nghiệm)",
    "Đơn vị U",
    "Đơn vị V",
    "Giao ban công tác dân vận Quý I",
    "Chỉ đạo thường",
    "Chỉ đạo mật",
    "Kiến nghị tăng kinh phí",
)
OTHER_PROVINCE = (
    "Tỉnh ủy tỉnh khác",
    "Đơn vị W",
    "Giao ban của tỉnh khác",
    "Chủ trương riêng của tỉnh khác",
    "Kiến nghị riêng của tỉnh khác",
    "Tình hình riêng của tỉnh khác",
    "Báo cáo tổng hợp riêng của tỉnh khác",
)


def build_world(**texts) -> SimpleNamespace:
    """Everything a URL of the project can point at. ``texts`` overrides free text
    (the XSS tests put a payload everywhere)."""
    text = texts.get("text", "Nội dung")
    q1 = f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2030, 4, 10))
    q2 = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2030, 7, 10))
    indicator = f.IndicatorFactory(
        code="SEC_MEETINGS",
        name=texts.get("indicator_name", "Số cuộc họp"),
        unit_kinds=[UnitKind.MASS_ORG],
    )
    # A quality rule, as administrators keep them (reports.quality): the values here keep it.
    ValidationRule.objects.create(
        name=texts.get("rule_name", "Số cuộc họp hợp lý"),
        left="SEC_MEETINGS",
        operator="<=",
        right="1000",
        message=texts.get("rule_message", ""),
    )
    unit_u = f.UnitFactory(
        code="u",
        name=texts.get("unit_name", "Đơn vị U"),
        short_name=texts.get("unit_short_name", "U"),
    )
    unit_v = f.UnitFactory(code="v", name="Đơn vị V", short_name="V")
    users = {
        "reporter_u": f.member(unit_u, user__username="u-reporter"),
        "head_u": f.member(unit_u, MembershipRole.HEAD, user__username="u-head"),
        "reporter_v": f.member(unit_v, user__username="v-reporter"),
        "head_v": f.member(unit_v, MembershipRole.HEAD, user__username="v-head"),
        "reviewer": f.reviewer(username="reviewer"),
        "leader": f.leader(username="leader"),
        "admin": User.objects.create_superuser("admin", "admin@example.test", "pw"),
    }
    sections = {
        name: texts.get(name, f"{text}: {name}")
        for name in ("people_situation", "results", "shortcomings", "next_plan", "recommendations")
    }

    def report(unit, quarter, head, status):
        made = f.UnitReportFactory(unit=unit, quarter=quarter, **sections)
        f.IndicatorValueFactory(report=made, indicator=indicator, value=7)
        if status != ReportStatus.DRAFT:
            made = services.report_submit(report=made, user=head, expected_version=made.version)
        if status == ReportStatus.ACCEPTED:
            made = services.report_accept(report=made, user=users["reviewer"])
        return made

    u_submitted = report(unit_u, q1, users["head_u"], ReportStatus.SUBMITTED)
    u_draft = report(unit_u, q2, users["head_u"], ReportStatus.DRAFT)
    v_accepted = report(unit_v, q1, users["head_v"], ReportStatus.ACCEPTED)
    v_draft = report(unit_v, q2, users["head_v"], ReportStatus.DRAFT)

    meeting = f.MeetingFactory(
        quarter=q1,
        title=texts.get("meeting_title", "Giao ban công tác dân vận Quý I"),
        chair_name=texts.get("chair_name", "Nguyễn Văn A"),
        chair_positions=texts.get("chair_positions", "Bí thư Tỉnh ủy"),
        basis=texts.get("basis", "Quyết định số 461-QĐ/TU"),
        venue=texts.get("venue", "Hội trường Tỉnh ủy"),
        assessment=texts.get("assessment", "Đánh giá chung."),
        shortcomings=texts.get("meeting_shortcomings", "Hạn chế được nêu."),
    )
    meeting.attending_units.set([unit_u, unit_v])
    topic = f.TopicFactory(name=texts.get("topic", "Dân vận khéo"))
    directive = f.DirectiveFactory(
        meeting=meeting,
        number=1,
        title=texts.get("directive_title", "Chỉ đạo thường"),
        text=texts.get("directive_text", "Nội dung chỉ đạo."),
        topic=topic,
        due_date=datetime.date(2030, 6, 30),
    )
    secret_u = f.DirectiveFactory(
        meeting=meeting,
        number=2,
        title="Chỉ đạo mật giao U",
        confidentiality=Confidentiality.CONFIDENTIAL,
        due_date=datetime.date(2030, 6, 30),
    )
    secret_v = f.DirectiveFactory(
        meeting=meeting,
        number=3,
        title="Chỉ đạo mật giao V",
        confidentiality=Confidentiality.CONFIDENTIAL,
        due_date=datetime.date(2030, 6, 30),
    )
    directive_v = f.DirectiveFactory(
        meeting=meeting, number=4, title="Chỉ đạo thường chỉ giao V", due_date=None, is_ongoing=True
    )
    assignment_u = f.AssignmentFactory(directive=directive, unit=unit_u, role=AssignmentRole.LEAD)
    assignment_u_secret = f.AssignmentFactory(directive=secret_u, unit=unit_u)
    assignment_v = f.AssignmentFactory(directive=secret_v, unit=unit_v)
    assignment_v_normal = f.AssignmentFactory(
        directive=directive, unit=unit_v, role=AssignmentRole.SUPPORT
    )

    def update(assignment, reporter):
        made = f.ProgressUpdateFactory(
            assignment=assignment,
            quarter=q2,
            done_claim=True,
            description=texts.get("progress_description", "Đã hoàn thành."),
            reported_by=reporter,
        )
        made.evidence.save("bien-ban.pdf", ContentFile(PDF))
        return made

    update_u = update(assignment_u, users["reporter_u"])
    update_v = update(assignment_v, users["reporter_v"])
    update_v_normal = update(assignment_v_normal, users["reporter_v"])
    assignment_v_only = f.AssignmentFactory(directive=directive_v, unit=unit_v)
    update_v_only = update(assignment_v_only, users["reporter_v"])
    change_u = f.DeadlineChangeFactory(
        assignment=assignment_u,
        old_date=datetime.date(2030, 6, 30),
        new_date=datetime.date(2030, 9, 30),
        reason=texts.get("deadline_reason", "Cần thêm thời gian."),
        requested_by=users["reporter_u"],
    )
    change_v = f.DeadlineChangeFactory(
        assignment=assignment_v,
        old_date=datetime.date(2030, 6, 30),
        new_date=datetime.date(2030, 9, 30),
        reason=texts.get("deadline_reason", "Chờ kinh phí."),
        requested_by=users["reporter_v"],
    )
    recommendation = f.RecommendationFactory(
        meeting=meeting,
        number=1,
        raised_by=unit_u,
        text=texts.get("recommendation_text", "Kiến nghị tăng kinh phí."),
        response=texts.get("recommendation_response", "Đồng ý."),
    )
    # The province's commission, which issues its consolidated report (written here).
    commission = f.UnitFactory(
        code="bdv",
        name="Ban Dân vận (thử nghiệm)",
        kind=UnitKind.MASS_MOBILIZATION,
        submits_reports=False,
    )
    services.consolidated_report_save(
        user=users["reviewer"],
        commission=commission,
        quarter=q1,
        texts={"results": texts.get("consolidated_text", f"{text}: báo cáo tổng hợp")},
        units_annex=True,
        quotes=[services.Quote(section="results", source=u_submitted.pk, excerpt=text)],
        expected_version=0,
    )
    # Annexes: one on U's draft (the unit's own until sent), one that U submitted.
    annex_draft = ReportAnnex(report=u_draft, name="phu-luc-nhap.pdf", size=len(PDF))
    annex_draft.file.save("nhap.pdf", ContentFile(PDF))
    annex_sent = ReportAnnex(report=u_submitted, name="phu-luc.pdf", size=len(PDF))
    annex_sent.file.save("da-gui.pdf", ContentFile(PDF))
    u_submitted.versions.get().annexes.add(annex_sent)
    other = _other_province(q1, q2, indicator, users, update)
    # The reviewer was told of U's submission: a notification only they may open.
    notification = Notification.objects.filter(user=users["reviewer"]).earliest("pk")
    return SimpleNamespace(
        **other,
        notification=notification,
        q1=q1,
        q2=q2,
        indicator=indicator,
        unit_u=unit_u,
        unit_v=unit_v,
        users=users,
        u_submitted=u_submitted,
        u_draft=u_draft,
        annex_draft=annex_draft,
        annex_sent=annex_sent,
        v_accepted=v_accepted,
        v_draft=v_draft,
        meeting=meeting,
        topic=topic,
        directive=directive,
        secret_u=secret_u,
        secret_v=secret_v,
        directive_v=directive_v,
        assignment_v_only=assignment_v_only,
        update_v_only=update_v_only,
        assignment_u=assignment_u,
        assignment_u_secret=assignment_u_secret,
        assignment_v=assignment_v,
        assignment_v_normal=assignment_v_normal,
        update_u=update_u,
        update_v=update_v,
        update_v_normal=update_v_normal,
        change_u=change_u,
        change_v=change_v,
        recommendation=recommendation,
    )


def _other_province(q1, q2, indicator, users, update) -> dict:
    """Province X, another root: its unit W with a submitted report, its meeting with a
    directive for W (progress, a deadline request), a recommendation, and its reviewer
    and leader (added to ``users``)."""
    root_x = f.UnitFactory(
        code="x",
        name="Tỉnh ủy tỉnh khác",
        kind=UnitKind.PARTY_COMMITTEE,
        submits_reports=False,
        parent=None,
    )
    unit_w = f.UnitFactory(code="w", name="Đơn vị W", short_name="W", parent=root_x)
    users["reporter_w"] = f.member(unit_w, user__username="w-reporter")
    users["head_w"] = f.member(unit_w, MembershipRole.HEAD, user__username="w-head")
    users["reviewer_x"] = f.reviewer(root_x, username="reviewer-x")
    users["leader_x"] = f.leader(root_x, username="leader-x")
    w_submitted = f.UnitReportFactory(
        unit=unit_w, quarter=q1, people_situation="Tình hình riêng của tỉnh khác."
    )
    f.IndicatorValueFactory(report=w_submitted, indicator=indicator, value=5)
    w_submitted = services.report_submit(
        report=w_submitted, user=users["head_w"], expected_version=w_submitted.version
    )
    meeting_x = f.MeetingFactory(unit=root_x, quarter=q1, title="Giao ban của tỉnh khác")
    meeting_x.attending_units.set([unit_w])
    directive_x = f.DirectiveFactory(
        meeting=meeting_x,
        number=1,
        title="Chủ trương riêng của tỉnh khác",
        text="Chủ trương riêng của tỉnh khác.",
        due_date=datetime.date(2030, 6, 30),
    )
    assignment_w = f.AssignmentFactory(directive=directive_x, unit=unit_w)
    update_w = update(assignment_w, users["reporter_w"])
    change_w = f.DeadlineChangeFactory(
        assignment=assignment_w,
        old_date=datetime.date(2030, 6, 30),
        new_date=datetime.date(2030, 9, 30),
        reason="Chờ kinh phí của tỉnh khác.",
        requested_by=users["reporter_w"],
    )
    recommendation_x = f.RecommendationFactory(
        meeting=meeting_x, number=1, raised_by=unit_w, text="Kiến nghị riêng của tỉnh khác."
    )
    commission_x = f.UnitFactory(
        code="bdv-x",
        name="Ban Dân vận tỉnh khác",
        kind=UnitKind.MASS_MOBILIZATION,
        submits_reports=False,
        parent=root_x,
    )
    services.consolidated_report_save(
        user=users["reviewer_x"],
        commission=commission_x,
        quarter=q1,
        texts={"people_situation": "Báo cáo tổng hợp riêng của tỉnh khác."},
        units_annex=True,
        quotes=[],
        expected_version=0,
    )
    return {
        "root_x": root_x,
        "unit_w": unit_w,
        "w_submitted": w_submitted,
        "meeting_x": meeting_x,
        "directive_x": directive_x,
        "assignment_w": assignment_w,
        "update_w": update_w,
        "change_w": change_w,
        "recommendation_x": recommendation_x,
    }


def login(client, world, role: str):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


# The admin's pages are Django's, tested with the admin (tests/test_admin.py), except
# its index and the pages of our own in it: the reorganisation wizard and its unit search.
ADMIN_URL_NAMES = {
    "admin:index",
    "admin:reports_reorganisation_add",
    "admin:reports_reorganisation_units",
}


def project_url_names() -> set[str]:
    """Every named URL of the project, "namespace:name"; of the admin its index and our
    own pages (``ADMIN_URL_NAMES``)."""
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or ""
                if inner == "admin":
                    names.update(ADMIN_URL_NAMES)
                    continue
                walk(entry.url_patterns, f"{namespace}{inner}:" if inner else namespace)
            elif isinstance(entry, URLPattern):
                names.add(f"{namespace}{entry.name or entry.pattern}")

    walk(get_resolver().url_patterns, "")
    return names


def snapshot() -> str:
    """Every row of the two apps' tables (history included), to prove nothing changed."""
    out = io.StringIO()
    call_command("dumpdata", "reports", "directives", stdout=out, verbosity=0)
    return out.getvalue()


@contextlib.contextmanager
def kept_for_the_module(django_db_blocker, tmp_path_factory, build=build_world):
    """``build()`` (a world), kept for a module of tests and rolled back after them; its
    files in a directory of the module's. The app deletes no stored file, so what one
    test does leaves every file there for the next."""
    with kept_for_the_scope(django_db_blocker, MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield build()


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """``build_world()``, once for a module of tests (``kept_for_the_module``). A module
    that needs more (or other texts) overrides it, at the same scope."""
    with kept_for_the_module(django_db_blocker, tmp_path_factory) as world:
        yield world


@pytest.fixture
def world(built_world, db):
    """The module's world for one test (``once.for_one_test``)."""
    return for_one_test(built_world)
