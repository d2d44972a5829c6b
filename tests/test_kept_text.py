"""What a user typed is never lost to an expired session or a refused CSRF check:
the answer leads back to the form's page, where the browser's copy is offered
(static/js/site.js; the browser side is proven in tests/e2e/test_kept_text.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from directives.models import ProgressUpdate
from tests import factories as f
from tests.directives.world import build_world, freeze_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    freeze_today(monkeypatch)
    return build_world()


def next_of(response) -> str:
    location = urlsplit(response["Location"])
    assert location.path == reverse("login"), response["Location"]
    return parse_qs(location.query)["next"][0]


# The forms that carry typed text: (URL name, its arguments, the signed-in user, a POST).
FORMS = {
    "progress": (
        "directives:progress_new",
        lambda w: [w.a_normal.pk],
        "reporter_a",
        {"claimed_status": "in_progress", "percent": "40", "description": "Đã làm 40%."},
    ),
    "deadline": (
        "directives:deadline_new",
        lambda w: [w.a_normal.pk],
        "reporter_a",
        {"new_date": "2024-09-30", "reason": "Chờ kinh phí."},
    ),
    "meeting": ("meetings:edit", lambda w: [w.meeting.pk], "reviewer", {"title": "Giao ban"}),
    "new directive": (
        "meetings:directive_new",
        lambda w: [w.meeting.pk],
        "reviewer",
        {"title": "Chỉ đạo mới", "text": "Nội dung."},
    ),
    "directive": ("directives:edit", lambda w: [w.normal.pk], "reviewer", {"text": "Sửa."}),
    "recommendation": (
        "meetings:recommendation_new",
        lambda w: [w.meeting.pk],
        "reviewer",
        {"text": "Kiến nghị mới."},
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_form_sent_on_an_expired_session_leads_through_sign_in_back_to_the_form(world, form):
    name, args, who, data = FORMS[form]
    url = reverse(name, args=args(world))
    client = Client()  # the session has expired: no user any more
    response = client.post(url, data)
    assert response.status_code == 302
    page = next_of(response)
    assert page == url
    client.force_login(getattr(world, who))
    body = client.get(page).content.decode()
    assert "data-keep=" in body  # the form's page, where site.js offers the text back
    assert "data-keep-notice" in body


def test_nothing_is_saved_by_a_form_sent_on_an_expired_session(world):
    Client().post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        {"claimed_status": "in_progress", "percent": "40", "description": "Đã làm 40%."},
    )
    assert not ProgressUpdate.objects.exists()


def test_a_reviewers_decision_on_an_expired_session_returns_to_the_page_that_showed_it(world):
    update = f.ProgressUpdateFactory(
        assignment=world.a_normal, quarter=world.q2, claimed_status="done", percent=100
    )
    queue = reverse("directives:review") + "?page=1"
    response = Client().post(
        reverse("directives:update_review", args=[update.pk]),
        {"decision": "no", "comment": "Chưa có biên bản.", "next": queue},
    )
    assert next_of(response) == queue  # not the POST-only action, which answers 405 to a GET


def test_a_post_only_action_without_next_returns_to_the_page_it_came_from(world):
    report = f.UnitReportFactory(unit=world.unit_a, quarter=world.q2, status="submitted")
    page = reverse("reports:report", args=["a", "2024-q2"])
    response = Client().post(
        reverse("reports:return", args=[report.pk]),
        {"comment": "Bổ sung số liệu."},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert next_of(response) == page


@pytest.mark.parametrize("elsewhere", ["https://evil.example/x", "//evil.example/"])
def test_a_page_of_another_site_is_never_the_way_back(world, elsewhere):
    url = reverse("directives:progress_new", args=[world.a_normal.pk])
    response = Client().post(url, {"next": elsewhere}, HTTP_REFERER=elsewhere)
    assert next_of(response) == url


def test_signing_out_still_leads_to_the_sign_in_page_alone(world):
    client = Client()
    client.force_login(world.reviewer)
    response = client.post(reverse("logout"), HTTP_REFERER="http://testserver/directives/")
    assert response["Location"] == reverse("login")


def test_a_save_confirmed_by_the_server_carries_the_mark_that_forgets_the_browser_copy(
    client, world
):
    client.force_login(world.reporter_a)
    response = client.post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        {"claimed_status": "in_progress", "percent": "40", "description": "Đã làm 40%."},
        follow=True,
    )
    assert "data-keep-saved" in response.content.decode()


def test_a_refused_form_keeps_the_browser_copy(client, world):
    client.force_login(world.reporter_a)
    response = client.post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        {"claimed_status": "in_progress", "percent": "400", "description": "Đã làm."},
    )
    body = response.content.decode()
    assert "data-keep-saved" not in body
    assert 'data-keep-bound="1"' in body  # the page shows what was posted: no offer


# --- CSRF failure and the 403 page ------------------------------------------------------


def test_a_form_refused_by_the_csrf_check_is_answered_in_vietnamese_with_the_way_back(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.reporter_a)
    form = reverse("directives:progress_new", args=[world.a_normal.pk])
    response = client.post(
        form, {"description": "Đã làm 40%."}, HTTP_REFERER=f"http://testserver{form}"
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="vi">' in body
    assert "Biểu mẫu của bạn chưa được gửi đi" in body
    assert "vẫn được giữ an toàn trong trình duyệt này" in body
    assert "Khôi phục" in body  # how to get it back
    assert f'href="{form}"' in body
    assert "CSRF verification failed" not in body
    assert not ProgressUpdate.objects.exists()


def test_the_csrf_page_leads_home_when_the_form_came_from_elsewhere(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.reporter_a)
    response = client.post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        HTTP_REFERER="https://evil.example/form",
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "evil.example" not in body
    assert 'href="/">Quay lại biểu mẫu' in body


def test_the_forbidden_page_is_vietnamese_and_leads_back(client, world):
    client.force_login(world.reporter_a)
    response = client.get(
        reverse("directives:review"), HTTP_REFERER="http://testserver/directives/mine/"
    )
    assert response.status_code == 403
    body = response.content.decode()
    assert "Bạn không có quyền thực hiện thao tác này" in body
    assert 'href="/directives/mine/"' in body
    assert "Quay lại trang trước" in body


def test_a_form_refused_as_not_allowed_says_the_text_is_kept(client, world):
    client.force_login(world.reporter_a)
    response = client.post(reverse("meetings:edit", args=[world.meeting.pk]), {"title": "Giao ban"})
    assert response.status_code == 403
    assert "Nội dung bạn đã nhập được giữ trong trình duyệt này" in response.content.decode()
