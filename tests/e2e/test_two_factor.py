"""Two-factor sign-in in the browser (a server of its own: its people start with no
second factor): the QR code drawn on the page within the Content-Security-Policy, a
code from the app, then a recovery code."""

import pytest

from tests.e2e.conftest import AUTHENTICATORS, axe_violations, password_step, second_factor, t

pytestmark = pytest.mark.e2e


def test_a_leader_sets_up_signs_in_with_the_app_then_with_a_recovery_code(page, live_url):
    refused = []
    page.on("console", lambda message: message.type == "error" and refused.append(message.text))
    password_step(page, live_url, "leader")
    assert page.url.endswith("/accounts/two-factor/setup/")
    box = page.locator(".two-factor-qr svg").bounding_box()
    assert box and box["width"] >= 150 and box["height"] >= 150
    assert axe_violations(page) == []

    second_factor(page, "leader")
    assert page.url == f"{live_url}/"
    app = AUTHENTICATORS[(live_url, "leader")]
    assert len(app.codes) == 10

    page.get_by_role("button", name="Đăng xuất").click()
    password_step(page, live_url, "leader")
    assert page.url.endswith("/accounts/two-factor/verify/")
    page.get_by_label(t("Authentication code")).fill(app.codes[0])
    page.get_by_role("button", name=t("Sign in")).click()
    page.wait_for_load_state()
    assert page.url == f"{live_url}/"
    assert "còn 9 mã" in page.inner_text("main")
    assert refused == []
