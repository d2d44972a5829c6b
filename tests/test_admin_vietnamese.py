"""The Django admin speaks Vietnamese throughout: no English left from Django or our data."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from reports.permissions import LEADERSHIP, REVIEWERS
from tests import factories as f

pytestmark = pytest.mark.django_db

ENGLISH_LEFTOVERS = [
    "Please correct the error",
    "Please correct the errors",
    "Show counts",
    "Hide counts",
    "Skip to main content",
    "Toggle theme",
    ">reviewers<",
    ">leadership<",
]


@pytest.fixture
def admin_client_vi(client):
    client.force_login(f.UserFactory(username="quantri", is_staff=True, is_superuser=True))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return client


def english_in(response) -> list[str]:
    assert response.status_code == 200
    html = response.content.decode()
    return [text for text in ENGLISH_LEFTOVERS if text in html]


def test_the_admin_index_has_no_english_left(admin_client_vi):
    assert english_in(admin_client_vi.get(reverse("admin:index"))) == []


def test_a_change_form_with_an_error_says_so_in_vietnamese(admin_client_vi):
    response = admin_client_vi.post(
        reverse("admin:reports_quarter_add"), {"year": "", "number": ""}
    )
    assert english_in(response) == []
    assert "Vui lòng sửa lỗi bên dưới." in response.content.decode()


def test_a_list_with_filters_offers_its_counts_in_vietnamese(admin_client_vi):
    f.QuarterFactory(year=2030, number=1)
    response = admin_client_vi.get(reverse("admin:reports_quarter_changelist"))
    assert english_in(response) == []
    assert "Hiện số lượng" in response.content.decode()


def test_the_role_groups_show_their_role_and_keep_their_code(admin_client_vi):
    response = admin_client_vi.get(reverse("admin:auth_group_changelist"))
    assert english_in(response) == []
    html = response.content.decode()
    assert "Chuyên viên thẩm định (Ban Dân vận)" in html
    assert "Lãnh đạo" in html
    assert set(Group.objects.values_list("name", flat=True)) >= {REVIEWERS, LEADERSHIP}


def test_a_users_groups_are_shown_by_role(admin_client_vi):
    user = f.reviewer(username="tham-dinh")
    response = admin_client_vi.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert english_in(response) == []
    assert "Chuyên viên thẩm định (Ban Dân vận)" in response.content.decode()


def test_a_role_groups_code_cannot_be_renamed_in_the_admin(admin_client_vi):
    group = Group.objects.get(name=REVIEWERS)
    url = reverse("admin:auth_group_change", args=[group.pk])
    admin_client_vi.post(url, {"name": "renamed", "permissions": []})
    group.refresh_from_db()
    assert group.name == REVIEWERS
