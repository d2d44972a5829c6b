"""Reviewer and leadership are roles held on a unit, covering its subtree (issue 14).

The tree: the province P (the test root), district D with communes C1 and C2,
district E with commune C3. A reviewer and a leader of D act on D, C1 and C2 and
on nothing of E; a reviewer of P acts everywhere. Each permission function is
proved through the pages, for the role that may and the roles that may not.
"""

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from directives import permissions as dp
from directives.models import Confidentiality, Directive, Meeting, ReviewStatus
from reports import permissions, services
from reports.models import MembershipRole, ReportStatus, Unit, UnitKind
from tests import factories as f

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% evidence\n%%EOF\n"


def submitted(unit, quarter, head):
    report = f.UnitReportFactory(unit=unit, quarter=quarter)
    return services.report_submit(report=report, user=head, expected_version=report.version)


@pytest.fixture
def tree(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    province = f.root_unit()
    d = f.UnitFactory(code="d", name="Huyện ủy D", kind=UnitKind.PARTY_COMMITTEE)
    e = f.UnitFactory(code="e", name="Huyện ủy E", kind=UnitKind.PARTY_COMMITTEE)
    c1 = f.UnitFactory(code="c1", name="Xã C1", parent=d)
    c2 = f.UnitFactory(code="c2", name="Xã C2", parent=d)
    c3 = f.UnitFactory(code="c3", name="Xã C3", parent=e)
    quarter = f.QuarterFactory(year=2026, number=1, due_date=datetime.date(2026, 4, 10))
    heads = {
        u.code: f.member(u, MembershipRole.HEAD, user__username=f"{u.code}-head")
        for u in (c1, c2, c3)
    }
    reports = {
        code: submitted(unit, quarter, heads[code]) for code, unit in (("c1", c1), ("c3", c3))
    }
    meeting_d = f.MeetingFactory(
        unit=d,
        quarter=quarter,
        title="Giao ban huyện D",
        held_at=datetime.datetime(2026, 3, 20, 8, tzinfo=datetime.UTC),
    )
    meeting_p = f.MeetingFactory(
        unit=province,
        quarter=quarter,
        title="Giao ban tỉnh",
        held_at=datetime.datetime(2026, 3, 21, 8, tzinfo=datetime.UTC),
    )
    directive_d = f.DirectiveFactory(meeting=meeting_d, title="Việc của huyện D")
    directive_p = f.DirectiveFactory(meeting=meeting_p, title="Việc chung của tỉnh")
    secret_p = f.DirectiveFactory(
        meeting=meeting_p, title="Việc mật giao xã C3", confidentiality=Confidentiality.CONFIDENTIAL
    )
    c1_on_d = f.AssignmentFactory(directive=directive_d, unit=c1)
    c1_on_p = f.AssignmentFactory(directive=directive_p, unit=c1)
    c3_secret = f.AssignmentFactory(directive=secret_p, unit=c3)
    claims = {}
    for name, assignment in (("d", c1_on_d), ("p", c1_on_p), ("secret", c3_secret)):
        claim = f.ProgressUpdateFactory(assignment=assignment, done_claim=True, quarter=quarter)
        claim.evidence.save("bien-ban.pdf", ContentFile(PDF))
        claims[name] = claim
    return SimpleNamespace(
        province=province,
        d=d,
        e=e,
        c1=c1,
        c2=c2,
        c3=c3,
        quarter=quarter,
        heads=heads,
        reports=reports,
        meeting_d=meeting_d,
        meeting_p=meeting_p,
        directive_d=directive_d,
        directive_p=directive_p,
        secret_p=secret_p,
        claims=claims,
        reviewer_d=f.reviewer(d, username="reviewer-d"),
        leader_d=f.leader(d, username="leader-d"),
        reviewer_e=f.reviewer(e, username="reviewer-e"),
        reviewer_p=f.reviewer(username="reviewer-p"),
    )


def ids(*units) -> frozenset[int]:
    return frozenset(unit.id for unit in units)


# ------------------------------------------------------------------- the subtree


def test_a_role_on_a_district_covers_the_district_and_its_communes_only(tree):
    assert permissions.reviewed_units(tree.reviewer_d) == ids(tree.d, tree.c1, tree.c2)
    assert permissions.overseen_units(tree.leader_d) == ids(tree.d, tree.c1, tree.c2)
    assert permissions.reviewed_units(tree.leader_d) == frozenset()
    assert permissions.scope_for(tree.reviewer_d) == permissions.Scope(
        ids(tree.d, tree.c1, tree.c2), oversees=True
    )
    assert permissions.oversees_unit(tree.leader_d, tree.c1.id)
    assert not permissions.oversees_unit(tree.leader_d, tree.c3.id)
    assert not permissions.is_member_of(tree.reviewer_d, tree.d.id)  # not the unit's staff


def test_a_role_on_every_root_is_every_unit_without_a_list_of_them(tree):
    assert permissions.scope_for(tree.reviewer_p) is permissions.EVERY_UNIT
    other_root = f.UnitFactory(code="khac", parent=None)
    reviewer = f.reviewer(username="reviewer-p-again")  # a new request: roots read again
    assert permissions.reviewed_units(reviewer) == Unit.objects.subtree_ids([tree.province.id])
    assert other_root.id not in permissions.reviewed_units(reviewer)


def test_the_subtree_follows_a_unit_moved_to_another_parent(tree):
    Unit.objects.filter(pk=tree.c3.pk).update(parent=tree.d)
    reviewer = User.objects.get(username="reviewer-d")  # a fresh user object: a new request
    assert tree.c3.id in permissions.reviewed_units(reviewer)


def test_a_loop_in_the_tree_ends_the_walk(tree):
    Unit.objects.filter(pk=tree.d.pk).update(parent=tree.c1)  # D under its own commune
    assert Unit.objects.subtree_ids([tree.d.id]) == ids(tree.d, tree.c1, tree.c2)
    assert tree.d.id in Unit.objects.ancestor_ids([tree.c2.id])


def test_the_scope_costs_three_queries_whatever_the_size_of_the_subtree(
    tree, django_assert_num_queries
):
    f.UnitFactory.create_batch(150, parent=tree.c2)
    reviewer = f.reviewer(tree.d, username="reviewer-d-2")
    with django_assert_num_queries(3):  # memberships, roots, the subtree
        scope = permissions.scope_for(reviewer)
        assert permissions.reviews_unit(reviewer, tree.c1.id)
        assert not permissions.oversees_unit(reviewer, tree.c3.id)
    assert len(scope.unit_ids) == 153  # D, C1, C2 and the 150 under C2
    with django_assert_num_queries(0):  # cached for the request
        permissions.scope_for(reviewer)


# ----------------------------------------------------------------- reports


@pytest.mark.parametrize("who", ["reviewer_d", "leader_d"])
def test_a_report_is_read_by_the_roles_of_its_subtree_only(client, tree, who):
    client.force_login(getattr(tree, who))
    for code, expected in (("c1", 200), ("c3", 404)):
        page = client.get(reverse("reports:report", args=[code, tree.quarter.slug]))
        version = client.get(reverse("reports:version", args=[code, tree.quarter.slug, 1]))
        assert (page.status_code, version.status_code) == (expected, expected), code


def test_only_a_reviewer_of_the_subtree_accepts_or_reopens(client, tree):
    c1, c3 = tree.reports["c1"], tree.reports["c3"]
    client.force_login(tree.leader_d)
    assert client.post(reverse("reports:accept", args=[c1.pk])).status_code == 403
    client.force_login(tree.reviewer_d)
    assert client.post(reverse("reports:accept", args=[c3.pk])).status_code == 404
    assert client.post(reverse("reports:accept", args=[c1.pk])).status_code == 302
    c1.refresh_from_db()
    assert c1.status == ReportStatus.ACCEPTED
    client.force_login(tree.reviewer_e)
    reopen = client.post(reverse("reports:reopen", args=[c1.pk]), {"reason": "Mở lại."})
    assert reopen.status_code == 404
    client.force_login(tree.reviewer_d)
    reopen = client.post(reverse("reports:reopen", args=[c1.pk]), {"reason": "Mở lại."})
    assert reopen.status_code == 302


def test_the_queue_and_the_quarter_count_the_subtree_only(client, tree):
    client.force_login(tree.leader_d)
    queue = client.get(reverse("reports:queue_quarter", args=[tree.quarter.slug]))
    assert [r.unit.code for r in queue.context["page"]] == ["c1"]
    assert queue.context["counts"].expected == 3  # D, C1 and C2 (not C3)
    quarter = client.get(reverse("quarters:detail", args=[tree.quarter.slug]))
    assert {u.code for u in quarter.context["summary"].completeness.units} == {"d", "c1", "c2"}
    assert "Xã C3" not in quarter.content.decode()
    assert client.get(reverse("reports:list")).context["page"].paginator.count == 1


def test_the_unit_pickers_find_the_units_of_the_subtree_only(client, tree):
    client.force_login(tree.reviewer_d)
    url = reverse("reports:unit_search")
    found = client.get(url, {"q": "xa"}).json()["results"]
    assert [u["text"] for u in found] == ["Xã C1", "Xã C2"]
    within = client.get(url, {"q": "xa", "within": tree.c1.pk}).json()["results"]
    assert [u["text"] for u in within] == ["Xã C1"]
    client.force_login(tree.heads["c3"])  # unit staff: their own unit
    assert [u["text"] for u in client.get(url, {"q": "xa"}).json()["results"]] == ["Xã C3"]


def test_reminders_go_to_the_units_staff_not_to_reviewers_holding_a_role_there(tree):
    f.QuarterFactory(year=2030, number=2, due_date=datetime.date(2030, 7, 10))
    f.reviewer(tree.c2, username="reviewer-c2", email="reviewer@example.test")
    call_command("send_reminders", "--today", "2030-07-07", stdout=open("/dev/null", "w"))  # noqa: SIM115
    recipients = {address for message in mail.outbox for address in message.to}
    assert "reviewer@example.test" not in recipients
    assert "c2-head@example.test" in recipients


# -------------------------------------------------------------- meetings, directives


def test_directives_are_seen_by_the_subtree_and_the_units_below_a_meeting(client, tree):
    visible = {
        who: set(
            Directive.objects.filter(dp.directive_visibility(getattr(tree, who))).values_list(
                "title", flat=True
            )
        )
        for who in ("reviewer_d", "leader_d", "reviewer_e")
    }
    assert visible["reviewer_d"] == {"Việc của huyện D", "Việc chung của tỉnh"}
    assert visible["leader_d"] == visible["reviewer_d"]
    # E's reviewer: the province's normal directive (a meeting above E), and the
    # confidential one given to C3; nothing of D's meeting.
    assert visible["reviewer_e"] == {"Việc chung của tỉnh", "Việc mật giao xã C3"}
    client.force_login(tree.reviewer_e)
    assert client.get(reverse("directives:detail", args=[tree.directive_d.pk])).status_code == 404
    assert client.get(reverse("meetings:detail", args=[tree.meeting_d.pk])).status_code == 404
    client.force_login(tree.heads["c3"])
    assert client.get(reverse("meetings:detail", args=[tree.meeting_p.pk])).status_code == 200
    assert client.get(reverse("meetings:detail", args=[tree.meeting_d.pk])).status_code == 404


def test_a_reviewer_records_meetings_only_for_a_unit_of_their_subtree(client, tree):
    client.force_login(tree.reviewer_d)
    data = {
        "quarter": tree.quarter.pk,
        "held_at": "2026-03-25T08:00",
        "title": "Giao ban mới",
        "chair_name": "Bí thư",
    }
    for unit in (tree.province, tree.e):
        response = client.post(reverse("meetings:new"), {**data, "unit": unit.pk})
        assert response.status_code == 200
        assert "unit" in response.context["form"].errors
    assert client.post(reverse("meetings:new"), {**data, "unit": tree.c1.pk}).status_code == 302
    assert Meeting.objects.get(title="Giao ban mới").unit == tree.c1
    assert client.get(reverse("meetings:edit", args=[tree.meeting_p.pk])).status_code == 403
    # One unit reviewed: the new meeting's form starts on it.
    assert client.get(reverse("meetings:new")).context["form"].initial["unit"] == tree.d.pk


def test_a_meetings_directives_go_to_units_of_its_subtree_only(client, tree):
    client.force_login(tree.reviewer_d)
    url = reverse("meetings:directive_new", args=[tree.meeting_d.pk])
    data = {
        "number": 5,
        "title": "Việc mới",
        "text": "Nội dung.",
        "due_date": "2030-12-31",
        "confidentiality": "normal",
        "lead_units": [tree.c1.pk],
        "support_units": [tree.c3.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["support_units"][0].startswith(tree.c3.label)
    assert not tree.meeting_d.directives.filter(number=5).exists()
    assert client.post(url, {**data, "support_units": [tree.c2.pk]}).status_code == 302
    assert dp.assignment_unit_refusal(tree.meeting_p, [tree.c3]) is None  # the province's


def test_claims_are_decided_by_the_reviewers_of_the_meetings_unit(client, tree):
    client.force_login(tree.reviewer_d)
    queue = client.get(reverse("directives:review"))
    assert [u.pk for u in queue.context["updates"]] == [tree.claims["d"].pk]
    province_claim = reverse("directives:update_review", args=[tree.claims["p"].pk])
    assert client.post(province_claim, {"decision": "yes"}).status_code == 403
    own_claim = reverse("directives:update_review", args=[tree.claims["d"].pk])
    assert client.post(own_claim, {"decision": "yes"}).status_code == 302
    tree.claims["d"].refresh_from_db()
    assert tree.claims["d"].review_status == ReviewStatus.CONFIRMED
    client.force_login(tree.reviewer_p)
    assert client.post(province_claim, {"decision": "yes"}).status_code == 302


def test_the_briefing_pack_is_for_those_who_oversee_the_meetings_unit(client, tree):
    client.force_login(tree.leader_d)
    assert client.get(reverse("meetings:pack", args=[tree.meeting_d.pk])).status_code == 200
    assert client.get(reverse("meetings:pack", args=[tree.meeting_p.pk])).status_code == 403
    client.force_login(tree.reviewer_p)
    assert client.get(reverse("meetings:pack", args=[tree.meeting_d.pk])).status_code == 200


def test_evidence_is_opened_by_those_who_oversee_the_assigned_unit(client, tree):
    url = reverse("directives:evidence", args=[tree.claims["d"].pk])
    for who, expected in (("leader_d", 200), ("reviewer_e", 404), ("reviewer_p", 200)):
        client.force_login(getattr(tree, who))
        assert client.get(url).status_code == expected, who


def test_the_dashboard_counts_the_subtrees_directives(client, tree):
    client.force_login(tree.leader_d)
    summary = client.get(reverse("directives:dashboard")).context["summary"]
    assert summary["directives"]["total"] == 2  # D's own and the province's given to C1
    client.force_login(tree.reviewer_e)
    summary = client.get(reverse("directives:dashboard")).context["summary"]
    assert summary["directives"]["total"] == 1  # the confidential one given to C3


def test_the_dashboard_does_not_call_a_subtree_the_whole_province(client, tree):
    client.force_login(tree.reviewer_d)
    page = client.get(reverse("directives:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All units of the province." not in page
    assert "Units in your scope." in page
    client.force_login(tree.reviewer_p)
    page = client.get(reverse("directives:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All units of the province." in page
