"""Every demo role signs in through the real sign-in page and sees who they are."""

import pytest

from tests.e2e.conftest import axe_violations, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("admin", "Quản trị viên"),
        # Their roles are held on the province's Party committee (its whole tree).
        ("reviewer", " — Tỉnh ủy Quảng Ninh"),
        ("leader", " — Tỉnh ủy Quảng Ninh"),
        # The commission has been Ban Tuyên giáo và Dân vận Tỉnh ủy since 01/03/2025.
        ("bdv-reporter", "Cán bộ báo cáo — Ban Tuyên giáo và Dân vận Tỉnh ủy"),
        ("du-hongai-reporter", "Cán bộ báo cáo — Đảng ủy phường Hồng Gai [Dữ liệu mẫu]"),
        ("mttq-head", "Lãnh đạo đơn vị — Ủy ban MTTQ Việt Nam tỉnh"),
    ],
)
def test_each_role_signs_in_and_is_named(page, live_url, username, expected):
    sign_in(page, live_url, username)
    assert page.get_by_role("button", name="Đăng xuất").is_visible()
    assert expected in page.inner_text("main")


def test_a_wrong_password_is_refused_in_vietnamese(page, live_url):
    sign_in(page, live_url, "reviewer", "wrong-password")
    assert "mật khẩu chính xác" in page.inner_text("main")


def test_sign_in_page_has_no_serious_accessibility_violations(page, live_url):
    page.goto(f"{live_url}/accounts/login/")
    assert axe_violations(page) == []


def test_admin_lists_the_demo_units(page, live_url):
    sign_in(page, live_url, "admin")
    page.goto(f"{live_url}/admin/reports/unit/")
    units = page.inner_text("#result_list")
    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in units
    assert "Thành ủy Hạ Long" in units  # ended in 2025, kept with its reports
