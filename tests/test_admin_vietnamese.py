"""The Django admin speaks Vietnamese throughout: no English left from Django or our data."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from reports.models import RETIRED_ROLE_GROUPS, MembershipRole
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


def test_the_retired_role_groups_say_they_are_no_longer_used(admin_client_vi):
    response = admin_client_vi.get(reverse("admin:auth_group_changelist"))
    assert english_in(response) == []
    html = response.content.decode()
    with translation.override("vi"):
        for label in RETIRED_ROLE_GROUPS.values():
            assert escape(str(label)) in html
    assert set(Group.objects.values_list("name", flat=True)) >= {"reviewers", "leadership"}


def test_a_users_roles_on_units_are_listed_on_the_user_page(admin_client_vi):
    unit = f.UnitFactory(name="Thành ủy Hạ Long")
    user = f.reviewer(unit, username="tham-dinh")
    response = admin_client_vi.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert english_in(response) == []
    html = response.content.decode()
    assert "Thành ủy Hạ Long" in html
    assert 'value="reviewer" selected' in html


def test_the_membership_admin_offers_the_four_roles_in_vietnamese(admin_client_vi):
    response = admin_client_vi.get(reverse("admin:reports_membership_add"))
    assert english_in(response) == []
    html = response.content.decode()
    with translation.override("vi"):
        for role in MembershipRole:
            assert f'<option value="{role.value}">{escape(str(role.label))}</option>' in html


def test_a_page_of_ours_does_not_rename_the_admins_buttons(admin_client_vi):
    """The directive form's "save and add another directive" and the filters' "clear
    the filters" have their own context: without it they replaced Django's words on
    every admin form ("Lưu và thêm ý kiến khác" under a user)."""
    html = admin_client_vi.get(reverse("admin:auth_user_add")).content.decode()
    assert "Lưu và thêm mới" in html
    assert "ý kiến khác" not in html
    with translation.override("vi"):
        assert translation.gettext("Clear") == "Xóa"
        assert translation.pgettext("filters", "Clear") == "Xóa bộ lọc"
