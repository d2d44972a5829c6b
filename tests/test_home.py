"""Signing in, the home page and the language of the interface."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from reports.models import MembershipRole
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_sign_in_page_speaks_vietnamese_by_default(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in html
    assert "Đăng nhập" in html
    assert "Tên đăng nhập" in html


def test_signing_in_lands_on_home(client):
    f.UserFactory(username="bdv-reporter")
    response = client.post(reverse("login"), {"username": "bdv-reporter", "password": "pw"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_is_refused_with_a_message_and_keeps_the_username(client):
    f.UserFactory(username="bdv-reporter")
    response = client.post(reverse("login"), {"username": "bdv-reporter", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "mật khẩu chính xác" in html
    assert 'value="bdv-reporter"' in html


def test_home_names_the_unit_and_role_of_unit_staff(client):
    unit = f.UnitFactory(name="Hội Nông dân tỉnh")
    user = f.member(unit, MembershipRole.HEAD)
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert "Hội Nông dân tỉnh" in html
    assert "Lãnh đạo đơn vị" in html
    assert reverse("admin:index") not in html


@pytest.mark.parametrize(
    ("make_user", "role"),
    [(f.reviewer, MembershipRole.REVIEWER), (f.leader, MembershipRole.LEADERSHIP)],
)
def test_home_names_a_reviewers_or_leaders_role_and_the_unit_it_is_held_on(client, make_user, role):
    unit = f.UnitFactory(name="Thành ủy Hạ Long")
    client.force_login(make_user(unit))
    html = client.get(reverse("home")).content.decode()
    with translation.override("vi"):
        assert f"{escape(str(role.label))} — Thành ủy Hạ Long" in html


def test_administrator_sees_the_admin_link(client):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    html = client.get(reverse("home")).content.decode()
    assert "Quản trị viên" in html
    assert reverse("admin:index") in html


def test_user_without_role_is_told_what_to_do(client):
    client.force_login(f.UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert "Bạn chưa được phân vai trò" in html


def test_home_shows_the_open_quarter_and_its_due_date(client):
    f.QuarterFactory(year=2024, number=1, closed=True)
    f.QuarterFactory(year=2024, number=2, due_date="2024-06-10")
    client.force_login(f.UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert "Quý II/2024" in html
    assert "10/06/2024" in html


def test_interface_can_switch_to_english(client):
    client.force_login(f.UserFactory())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in html
    assert "Sign out" in html


def test_sign_out_needs_a_post_and_ends_the_session(client):
    client.force_login(f.UserFactory())
    assert client.get(reverse("logout")).status_code == 405
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_unknown_page_gets_the_vietnamese_404(client, settings):
    settings.DEBUG = False
    client.force_login(f.UserFactory())
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_unit_staff_see_the_directives_awaiting_their_progress(client):
    quarter = f.QuarterFactory(year=2024, number=2)
    assignment = f.AssignmentFactory(directive__title="Rà soát quỹ của đoàn thể")
    f.AssignmentFactory(directive__title="Việc của đơn vị khác")
    client.force_login(f.member(assignment.unit))
    html = client.get(reverse("home")).content.decode()
    assert quarter.label in html
    assert "Rà soát quỹ của đoàn thể" in html
    assert "Việc của đơn vị khác" not in html


def test_leadership_home_shows_the_follow_up_summary(client):
    f.QuarterFactory(year=2024, number=2)
    f.AssignmentFactory()
    client.force_login(f.leader())
    response = client.get(reverse("home"))
    assert response.context["summary"]["directives"]["total"] == 1
    assert reverse("directives:dashboard") in response.content.decode()
