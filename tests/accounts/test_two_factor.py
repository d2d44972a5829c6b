"""Two-factor sign-in (issue 18, part 1), signed in by the pages as a person does: the
password, then a code an authenticator app would show (computed here from the key the
setup page gives), or a recovery code. And the ways round it an attacker would try:
skipping the step, replaying a code, guessing, a second factor turned off by someone
who has only the password."""

import datetime
import re
import time
from base64 import b32decode

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import TwoFactorChange, TwoFactorEvent
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"
KEY_ON_PAGE = re.compile(r"data-two-factor-key>\s*([A-Z2-7 ]+?)\s*<")
CODES_ON_PAGE = re.compile(r"<li>([a-z2-7]{8})</li>")


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def reviewer():
    return _with_password(f.reviewer(username="reviewer"))


@pytest.fixture
def head():
    unit = f.UnitFactory()
    return _with_password(f.member(unit, f.rm.MembershipRole.HEAD, user__username="head"))


def step() -> int:
    return int(time.time()) // 30


def code(key: bytes, at: int | None = None) -> str:
    """The code an authenticator app shows for ``key`` at time step ``at`` (now)."""
    return f"{hotp(key, step() if at is None else at):06d}"


def sign_in(username: str) -> tuple[Client, str]:
    """A client past the password, and where the sign-in sent it."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:300]
    return client, response.url


def followed(client: Client, url: str) -> str:
    """Where a GET of ``url`` ends up, after the redirects."""
    return client.get(url, follow=True).request["PATH_INFO"]


def set_up(client: Client) -> tuple[bytes, list[str]]:
    """Takes the setup page as a person with an authenticator app: scans (reads) the
    key, types the app's code, keeps the recovery codes shown."""
    page = client.get(reverse("two_factor_setup")).content.decode()
    key = b32decode(KEY_ON_PAGE.search(page).group(1).replace(" ", ""))
    response = client.post(reverse("two_factor_setup"), {"code": code(key)}, follow=True)
    assert response.request["PATH_INFO"] == reverse("two_factor_codes")
    codes = CODES_ON_PAGE.findall(response.content.decode())
    assert len(codes) == two_factor.RECOVERY_CODES
    return key, codes


def test_a_reviewer_sets_up_then_signs_in_with_a_code_from_the_app(reviewer):
    client, went = sign_in("reviewer")
    # Required of a reviewer: the setup page before anything else.
    assert followed(client, went) == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup")).content.decode()
    assert "<svg" in page and "<img" not in page.split("two-factor-qr")[1][:200]
    key, _codes = set_up(client)
    assert followed(client, reverse("reports:list")) == reverse("reports:list")
    assert TwoFactorEvent.objects.filter(user=reviewer, change=TwoFactorChange.SET_UP).exists()

    # The next sign-in asks for a code; the one the setup took is not taken again.
    client, went = sign_in("reviewer")
    assert followed(client, went) == reverse("two_factor_verify")
    replayed = client.post(reverse("two_factor_verify"), {"code": code(key)})
    assert replayed.status_code == 200
    assert "Mã không đúng" in replayed.content.decode()
    TOTPDevice.objects.filter(user=reviewer).update(throttling_failure_count=0)
    response = client.post(reverse("two_factor_verify"), {"code": code(key, step() + 1)})
    assert response.status_code == 302
    assert followed(client, reverse("reports:list")) == reverse("reports:list")


def test_the_page_asked_for_before_the_code_opens_after_it(reviewer):
    client, _went = sign_in("reviewer")
    key, _codes = set_up(client)
    client, _went = sign_in("reviewer")
    asked = client.get(reverse("reports:list"))
    assert asked.url == f"{reverse('two_factor_verify')}?next=%2Freports%2F"
    response = client.post(
        reverse("two_factor_verify"), {"code": code(key, step() + 1), "next": "/reports/"}
    )
    assert response.url == "/reports/"


def test_a_next_address_on_another_site_is_not_followed(reviewer):
    client, _went = sign_in("reviewer")
    key, _codes = set_up(client)
    client, _went = sign_in("reviewer")
    response = client.post(
        reverse("two_factor_verify"),
        {"code": code(key, step() + 1), "next": "https://evil.example/"},
    )
    assert response.url == reverse("home")


def test_skipping_the_code_opens_nothing(reviewer):
    client, _went = sign_in("reviewer")
    set_up(client)
    client, _went = sign_in("reviewer")
    for url in (reverse("home"), reverse("reports:list"), "/admin/", reverse("two_factor")):
        assert followed(client, url) == reverse("two_factor_verify"), url
    # A form sent without the code changes nothing: new recovery codes, a new password.
    before = set(StaticToken.objects.values_list("token", flat=True))
    client.post(reverse("two_factor_new_codes"))
    assert set(StaticToken.objects.values_list("token", flat=True)) == before
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "x-new-pass-1",
            "new_password2": "x-new-pass-1",
        },
    )
    reviewer.refresh_from_db()
    assert reviewer.check_password(PASSWORD)
    # The page of the step shows no menu and no counts.
    page = client.get(reverse("two_factor_verify")).content.decode()
    assert "nav-bell" not in page and 'id="nav-main"' not in page


def test_setting_up_cannot_be_skipped_either(reviewer):
    client, _went = sign_in("reviewer")
    for url in (reverse("home"), reverse("reports:list"), reverse("two_factor_codes")):
        assert followed(client, url) == reverse("two_factor_setup"), url
    response = client.post(reverse("two_factor_setup"), {"code": "123456"})
    assert "Mã không đúng" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()


def test_a_recovery_code_signs_in_once(reviewer):
    client, _went = sign_in("reviewer")
    _key, codes = set_up(client)
    client, _went = sign_in("reviewer")
    response = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()}, follow=True)
    assert response.request["PATH_INFO"] == reverse("home")
    assert "còn 9 mã" in response.content.decode()
    again, _went = sign_in("reviewer")
    refused = again.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert refused.status_code == 200
    assert followed(again, reverse("home")) == reverse("two_factor_verify")


def test_new_recovery_codes_replace_the_old_ones(reviewer):
    client, _went = sign_in("reviewer")
    _key, old = set_up(client)
    response = client.post(reverse("two_factor_new_codes"), follow=True)
    new = CODES_ON_PAGE.findall(response.content.decode())
    assert len(new) == two_factor.RECOVERY_CODES and not set(new) & set(old)
    # Shown once: the page again shows none.
    assert followed(client, reverse("two_factor_codes")) == reverse("two_factor")
    again, _went = sign_in("reviewer")
    assert again.post(reverse("two_factor_verify"), {"code": old[1]}).status_code == 200
    assert again.post(reverse("two_factor_verify"), {"code": new[1]}).status_code == 200  # waits
    TOTPDevice.objects.filter(user=reviewer).update(throttling_failure_count=0)
    StaticDevice.objects.filter(user=reviewer).update(throttling_failure_count=0)
    assert again.post(reverse("two_factor_verify"), {"code": new[1]}).status_code == 302


def test_guessing_is_slowed_down(reviewer):
    client, _went = sign_in("reviewer")
    key, _codes = set_up(client)
    client, _went = sign_in("reviewer")
    wrong = client.post(reverse("two_factor_verify"), {"code": "000000"})
    assert "Mã không đúng" in wrong.content.decode()
    # Right, but at once after a wrong one: wait.
    waiting = client.post(reverse("two_factor_verify"), {"code": code(key, step() + 1)})
    assert "Nhập sai quá nhiều lần" in waiting.content.decode()
    assert followed(client, reverse("home")) == reverse("two_factor_verify")


HOSTILE = [
    "",
    "\x00\x01\x02",
    "１２３４５６" * 200,
    "፩፪፫፬፭፮",  # digits to Python, not to int()
    "١٢٣٤٥٦",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("typed", HOSTILE)
def test_hostile_codes_are_refused_with_a_message(reviewer, typed):
    client, _went = sign_in("reviewer")
    response = client.post(reverse("two_factor_setup"), {"code": typed})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    set_up(client)
    client, _went = sign_in("reviewer")
    response = client.post(reverse("two_factor_verify"), {"code": typed})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()


def test_full_width_digits_and_spaces_are_read_as_the_code(reviewer):
    client, _went = sign_in("reviewer")
    key, _codes = set_up(client)
    client, _went = sign_in("reviewer")
    typed = code(key, step() + 1)
    wide = " ".join(chr(ord("０") + int(d)) for d in typed)
    assert client.post(reverse("two_factor_verify"), {"code": wide}).status_code == 302


def test_unit_staff_choose_and_may_turn_it_off(head):
    client, went = sign_in("head")
    assert followed(client, went) == reverse("home")
    page = client.get(reverse("two_factor")).content.decode()
    assert reverse("two_factor_setup") in page
    set_up(client)
    assert reverse("two_factor_off") in client.get(reverse("two_factor")).content.decode()
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "Đã tắt" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=head).exists()
    changes = list(TwoFactorEvent.objects.filter(user=head).values_list("change", flat=True))
    assert changes == [TwoFactorChange.TURNED_OFF, TwoFactorChange.SET_UP]
    # Signs in with the password alone again.
    client, went = sign_in("head")
    assert followed(client, went) == reverse("home")


def test_a_reviewer_cannot_turn_it_off(reviewer):
    client, _went = sign_in("reviewer")
    set_up(client)
    assert reverse("two_factor_off") not in client.get(reverse("two_factor")).content.decode()
    response = client.post(reverse("two_factor_off"), follow=True)
    assert "không thể tắt" in response.content.decode()
    assert TOTPDevice.objects.filter(user=reviewer).exists()


def test_setting_up_ends_the_other_sessions(head):
    earlier, _went = sign_in("head")
    later, _went = sign_in("head")
    set_up(later)
    assert earlier.get(reverse("home")).url.startswith(reverse("login"))
    assert later.get(reverse("home")).status_code == 200


def test_a_session_that_gave_no_code_gives_one_to_change_the_second_factor(head):
    # Signed in before the second factor existed, and not ended (as a session kept
    # elsewhere than the database would be): it is asked for a code first.
    client, _went = sign_in("head")
    f.second_factor(head)
    for url in (reverse("two_factor_off"), reverse("two_factor_new_codes")):
        response = client.post(url)
        assert response.url.startswith(reverse("two_factor_verify")), url
    assert TOTPDevice.objects.filter(user=head).exists()


def test_an_administrator_resets_a_lost_second_factor_on_record(reviewer):
    client, _went = sign_in("reviewer")
    set_up(client)
    admin = f.admin(username="admin")
    admin_client = Client()
    admin_client.force_login(admin)
    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [reviewer.pk]},
        follow=True,
    )
    assert "Đã đặt lại" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reviewer).exists()
    assert TwoFactorEvent.objects.filter(
        user=reviewer, change=TwoFactorChange.RESET, by=admin
    ).exists()
    assert LogEntry.objects.filter(object_id=str(reviewer.pk), user=admin).exists()
    # Every session of the user ends; at the next sign-in, set up anew.
    assert client.get(reverse("reports:list")).url.startswith(reverse("login"))
    client, went = sign_in("reviewer")
    assert followed(client, went) == reverse("two_factor_setup")


def test_a_reset_while_on_the_code_page_leads_on_rather_than_round(reviewer):
    client, _went = sign_in("reviewer")
    set_up(client)
    client, _went = sign_in("reviewer")
    assert followed(client, reverse("reports:list")) == reverse("two_factor_verify")
    # A session the reset could not end (kept elsewhere than the database).
    TOTPDevice.objects.filter(user=reviewer).delete()
    assert followed(client, reverse("reports:list")) == reverse("two_factor_setup")


def test_the_wait_after_wrong_codes_is_bounded(reviewer):
    client, _went = sign_in("reviewer")
    key, _codes = set_up(client)
    client, _went = sign_in("reviewer")
    TOTPDevice.objects.filter(user=reviewer).update(
        throttling_failure_count=40,
        throttling_failure_timestamp=timezone.now() - datetime.timedelta(minutes=9),
    )
    response = client.post(reverse("two_factor_verify"), {"code": code(key, step() + 1)})
    assert response.status_code == 302


def test_an_administrator_must_give_a_code_too():
    _with_password(f.admin(username="boss"))
    client, _went = sign_in("boss")
    assert followed(client, "/admin/") == reverse("two_factor_setup")


def test_the_secret_keys_are_not_in_the_admin():
    admin = f.admin(username="admin")
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404
    assert client.get(reverse("admin:accounts_twofactorevent_changelist")).status_code == 200


def test_turned_off_by_the_operator_for_a_demo_and_warned_of(reviewer, settings):
    settings.TWO_FACTOR_REQUIRED = False
    client, went = sign_in("reviewer")
    assert followed(client, went) == reverse("home")
    from accounts.apps import second_factor_required_check

    assert [w.id for w in second_factor_required_check(None)] == ["accounts.W001"]
    settings.TWO_FACTOR_REQUIRED = True
    assert second_factor_required_check(None) == []


def test_after_the_codes_the_person_goes_where_they_were_going(reviewer):
    client, _went = sign_in("reviewer")
    asked = client.get(reverse("reports:list"))
    assert asked.url == f"{reverse('two_factor_setup')}?next=%2Freports%2F"
    page = client.get(asked.url).content.decode()
    key = b32decode(KEY_ON_PAGE.search(page).group(1).replace(" ", ""))
    response = client.post(asked.url, {"code": code(key), "next": "/reports/"}, follow=True)
    assert response.request["PATH_INFO"] == reverse("two_factor_codes")
    assert 'href="/reports/"' in response.content.decode()
