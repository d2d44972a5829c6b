"""Who may do what with meetings, directives and progress, per role."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests import factories as f
from tests.directives.world import done_claim, review_claim

pytestmark = pytest.mark.django_db


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


BROWSE_PAGES = [
    ("meetings:list", None),
    ("directives:register", None),
    ("directives:assignments", None),
    ("directives:dashboard", None),
]


@pytest.mark.parametrize("name, _", BROWSE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, name, _):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


@pytest.mark.parametrize(
    "who", ["reporter_a", "head_a", "reporter_b", "reviewer", "leader", "admin"]
)
@pytest.mark.parametrize("name, _", BROWSE_PAGES)
def test_every_role_opens_the_lists_and_the_dashboard(client, world, who, name, _):
    assert get(client, getattr(world, who), reverse(name)).status_code == 200


def test_a_user_without_any_role_is_refused(client, world):
    assert get(client, world.nobody, reverse("directives:register")).status_code == 403


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "reviewer", "leader", "admin"])
def test_the_confidential_directive_opens_for_its_unit_and_the_commission(client, world, who):
    url = reverse("directives:detail", args=[world.confidential.pk])
    assert get(client, getattr(world, who), url).status_code == 200


@pytest.mark.parametrize("who", ["reporter_b", "reporter_c"])
def test_the_confidential_directive_is_not_found_for_other_units(client, world, who):
    url = reverse("directives:detail", args=[world.confidential.pk])
    assert get(client, getattr(world, who), url).status_code == 404


@pytest.mark.parametrize("name", ["directives:register", "directives:assignments", "meetings:list"])
def test_the_confidential_directive_is_absent_from_lists_and_searches(client, world, name):
    response = get(client, world.reporter_b, reverse(name) + "?q=ra soat quy")
    assert "Rà soát quỹ" not in response.content.decode()
    response = get(client, world.reporter_a, reverse("directives:register") + "?q=ra soat quy")
    assert "Rà soát quỹ" in response.content.decode()


def test_the_confidential_directive_is_absent_from_meeting_pages_and_counts(client, world):
    response = get(client, world.reporter_b, reverse("meetings:detail", args=[world.meeting.pk]))
    assert "Rà soát quỹ" not in response.content.decode()
    response = get(client, world.reporter_b, reverse("meetings:list"))
    assert response.context["page"][0].directive_count == 2
    client.force_login(world.reviewer)
    response = client.get(reverse("meetings:list"))
    assert response.context["page"][0].directive_count == 3


def test_the_confidential_directive_is_absent_from_the_dashboard_of_other_units(client, world):
    response = get(client, world.reporter_b, reverse("directives:dashboard"))
    assert response.context["summary"]["directives"]["total"] == 2
    assert "Rà soát quỹ" not in response.content.decode()
    response = get(client, world.leader, reverse("directives:dashboard"))
    assert response.context["summary"]["directives"]["total"] == 3


@pytest.mark.parametrize("who", ["reporter_a", "head_a"])
def test_unit_staff_may_post_progress_on_their_assignment(client, world, who):
    url = reverse("directives:progress_new", args=[world.a_normal.pk])
    assert get(client, getattr(world, who), url).status_code == 200


@pytest.mark.parametrize("who", ["reporter_c", "reviewer", "leader", "admin"])
def test_others_may_not_post_progress_for_a_unit(client, world, who):
    url = reverse("directives:progress_new", args=[world.a_normal.pk])
    assert get(client, getattr(world, who), url).status_code == 403
    client.post(url, {"claimed_status": "in_progress", "percent": 10, "description": "x"})
    assert not world.a_normal.updates.exists()


def test_posting_on_another_units_confidential_assignment_is_not_found(client, world):
    url = reverse("directives:progress_new", args=[world.a_secret.pk])
    assert get(client, world.reporter_b, url).status_code == 404


@pytest.mark.parametrize("who", ["reporter_a", "head_a", "leader", "admin"])
def test_only_reviewers_record_meetings_and_directives(client, world, who):
    user = getattr(world, who)
    assert get(client, user, reverse("meetings:new")).status_code == 403
    assert (
        get(client, user, reverse("meetings:directive_new", args=[world.meeting.pk])).status_code
        == 403
    )
    assert get(client, user, reverse("directives:edit", args=[world.normal.pk])).status_code == 403
    assert get(client, user, reverse("directives:review")).status_code == 403


def test_a_reviewer_records_meetings_and_directives(client, world):
    client.force_login(world.reviewer)
    assert client.get(reverse("meetings:new")).status_code == 200
    assert client.get(reverse("meetings:directive_new", args=[world.meeting.pk])).status_code == 200
    assert client.get(reverse("directives:review")).status_code == 200


@pytest.mark.parametrize("who", ["leader", "admin", "reporter_a"])
def test_confirming_a_done_is_refused_to_everyone_but_reviewers(client, world, who):
    update = done_claim(world)
    response = review_claim(client, getattr(world, who), update, decision="yes")
    assert response.status_code == 403
    world.a_normal.refresh_from_db()
    assert world.a_normal.completed_on is None


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b"])
def test_the_briefing_pack_is_for_the_commission_and_leadership(client, world, who):
    url = reverse("meetings:pack", args=[world.meeting.pk])
    assert get(client, getattr(world, who), url).status_code == 403
    client.force_login(world.leader)
    assert client.get(url).status_code == 200


@pytest.fixture
def evidence_of(world, settings, tmp_path):
    """The download address of the evidence file of a progress update on an assignment."""
    settings.MEDIA_ROOT = tmp_path

    def stored(assignment) -> str:
        update = f.ProgressUpdateFactory(assignment=assignment, quarter=world.q2)
        update.evidence.save("x.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
        return reverse("directives:evidence", args=[update.pk])

    return stored


def test_evidence_is_served_only_to_those_who_see_the_directive(client, world, evidence_of):
    url = evidence_of(world.a_secret)
    assert get(client, world.reporter_b, url).status_code == 404
    response = get(client, world.reporter_a, url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"


def test_evidence_is_not_served_to_units_outside_the_directive(client, world, evidence_of):
    url = evidence_of(world.b_ongoing)
    assert get(client, world.reporter_c, url).status_code == 404
    page = client.get(reverse("directives:detail", args=[world.ongoing.pk])).content.decode()
    assert url not in page
    assert get(client, world.leader, url).status_code == 200
    assert get(client, world.reporter_b, url).status_code == 200
