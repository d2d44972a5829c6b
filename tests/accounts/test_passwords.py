"""Passwords people manage themselves (issue 18, part 2): changing one's own, resetting
a forgotten one by e-mail through a real SMTP server, and choosing one's own at the
first sign-in after an administrator chose it."""

import datetime
import re

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.test import Client
from django.urls import reverse

from accounts.models import Account
from tests import factories as f
from tests.mailserver import serving

pytestmark = pytest.mark.django_db

OLD = "an-old-long-passphrase"
# The user admin's inline of roles on units, empty.
INLINE = {
    "memberships-TOTAL_FORMS": "0",
    "memberships-INITIAL_FORMS": "0",
    "memberships-MIN_NUM_FORMS": "0",
    "memberships-MAX_NUM_FORMS": "1000",
}
NEW = "a-brand-new-passphrase"


@pytest.fixture
def smtp(settings):
    yield from serving(settings)


@pytest.fixture
def reviewer():
    user = f.reviewer(username="reviewer", email="ban@example.test", first_name="Lan")
    user.set_password(OLD)
    user.save()
    return user


def signs_in(username: str, password: str) -> bool:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def test_a_user_changes_their_own_password(client, reviewer):
    client.force_login(reviewer)
    url = reverse("password_change")
    refused = client.post(
        url, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW}
    )
    assert refused.status_code == 200
    assert "Mật khẩu cũ không chính xác" in refused.content.decode()
    weak = client.post(
        url, {"old_password": OLD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    assert weak.status_code == 200
    done = client.post(
        url, {"old_password": OLD, "new_password1": NEW, "new_password2": NEW}, follow=True
    )
    assert "Đã đổi mật khẩu của bạn." in done.content.decode()
    assert signs_in("reviewer", NEW) and not signs_in("reviewer", OLD)


def _link(inbox) -> str:
    _rcpts, message = inbox.messages[-1]
    text = message.get_body(("plain",)).get_content()
    return re.search(r"https://danvan\.example\.test(/accounts/reset/\S+/)", text).group(1)


def test_a_forgotten_password_is_reset_by_mail_once(client, reviewer, smtp):
    asked = client.post(reverse("password_reset"), {"email": "BAN@example.test"}, follow=True)
    assert "Hãy xem hộp thư" in asked.content.decode()
    assert smtp.recipients() == ["ban@example.test"]
    _rcpts, message = smtp.messages[0]
    assert message["Subject"].strip() == "Dân vận: chọn mật khẩu mới"
    assert "Tên đăng nhập của bạn: reviewer" in message.get_body(("plain",)).get_content()
    link = _link(smtp)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    set_url = form.redirect_chain[-1][0]
    saved = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Đã lưu mật khẩu mới của bạn." in saved.content.decode()
    assert signs_in("reviewer", NEW)
    # The link works once.
    again = Client().get(link, follow=True)
    assert not again.context["validlink"]
    assert "Liên kết này không còn dùng được" in again.content.decode()


def test_the_answer_is_the_same_whether_the_account_exists_or_not(client, reviewer, smtp):
    known = client.post(reverse("password_reset"), {"email": "ban@example.test"}, follow=True)
    unknown = Client().post(
        reverse("password_reset"), {"email": "nobody@example.test"}, follow=True
    )
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert smtp.recipients() == ["ban@example.test"]


def test_a_reset_link_expires(client, reviewer, smtp, monkeypatch, settings):
    client.post(reverse("password_reset"), {"email": "ban@example.test"})
    link = _link(smtp)
    later = datetime.datetime.now() + datetime.timedelta(
        seconds=settings.PASSWORD_RESET_TIMEOUT + 60
    )
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    assert not client.get(link, follow=True).context["validlink"]


def test_resets_are_limited_per_address_and_per_email(reviewer, smtp, settings):
    assert (settings.RESET_LIMIT_PER_ADDRESS, settings.RESET_LIMIT_PER_EMAIL) == (5, 3)
    client = Client()
    for _ in range(5):
        client.post(reverse("password_reset"), {"email": "ban@example.test"})
    assert len(smtp.messages) == 3  # three for one e-mail an hour
    others = f.UserFactory.create_batch(3, email="x@example.test")
    assert others
    for _ in range(2):
        client.post(reverse("password_reset"), {"email": "x@example.test"})
    # The address has asked 7 times: past its 5, nothing more goes.
    assert len(smtp.messages) == 3
    Client(REMOTE_ADDR="10.1.1.1").post(reverse("password_reset"), {"email": "x@example.test"})
    assert len(smtp.messages) == 6  # another address: the three accounts of x@


def test_an_account_the_administrator_made_chooses_its_password_first(client, admin_user):
    staff = Client()
    staff.force_login(admin_user)
    staff.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "password1": OLD,
            "password2": OLD,
            "usable_password": "true",
            **INLINE,
        },
    )
    assert Account.objects.get(user__username="newcomer").must_change_password
    client.post(reverse("login"), {"username": "newcomer", "password": OLD})
    home = client.get(reverse("home"), follow=True)
    assert home.redirect_chain[-1][0] == reverse("password_change")
    assert "Mật khẩu của bạn do quản trị viên đặt" in home.content.decode()
    assert client.get(reverse("reports:list")).status_code == 302
    client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert client.get(reverse("home")).status_code == 200
    assert not Account.objects.get(user__username="newcomer").must_change_password


def test_a_password_the_administrator_gives_is_replaced_too(admin_user, reviewer):
    staff = Client()
    staff.force_login(admin_user)
    staff.post(
        reverse("admin:auth_user_password_change", args=[reviewer.pk]),
        {"password1": OLD + "x", "password2": OLD + "x", "usable_password": "true"},
    )
    assert Account.objects.get(user=reviewer).must_change_password


def test_the_password_one_has_is_not_a_new_one(client, reviewer):
    client.force_login(reviewer)
    same = client.post(
        reverse("password_change"),
        {"old_password": OLD, "new_password1": OLD, "new_password2": OLD},
    )
    assert same.status_code == 200
    assert "Hãy chọn mật khẩu khác mật khẩu đang dùng." in same.content.decode()


def test_a_reset_ends_a_lockout_of_the_user_name(client, reviewer, smtp):
    for _ in range(5):
        client.post(reverse("login"), {"username": "reviewer", "password": "wrong"})
    assert not signs_in("reviewer", OLD)
    client.post(reverse("password_reset"), {"email": "ban@example.test"})
    form = client.get(_link(smtp), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert signs_in("reviewer", NEW)


def test_others_asking_past_their_limit_do_not_use_up_a_persons_resets(reviewer, smtp):
    stranger = Client(REMOTE_ADDR="10.6.6.6")
    for _ in range(8):  # 5 recorded, of which 3 mailed, then refused
        stranger.post(reverse("password_reset"), {"email": "ban@example.test"})
    assert len(smtp.messages) == 3
    # Within the hour the e-mail's three are used: its owner's next is refused too,
    # but the stranger's five refused ones did not count against it.
    from accounts.models import ResetRequest

    assert ResetRequest.objects.filter(mailed=True).count() == 3


def test_in_production_links_go_to_the_sites_own_address():
    from tests.fresh import manage

    code = "from django.conf import settings; print(settings.SITE_URL)"
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "danvan.example.gov.vn",
        "SITE_URL": "",
    }
    result = manage("shell", "-c", code, env=env)
    assert result.stdout.strip().endswith("https://danvan.example.gov.vn"), result.stderr
