"""Sign-in protection: lockout after repeated failures, strong passwords, sessions that end."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from common.http import UNREADABLE, client_ip
from danvan.security import REFRESHED
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def clerk():
    user = f.UserFactory(username="clerk")
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(client, username="clerk", password=PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_a_wrong_password_is_refused_with_the_form_again(client, clerk):
    response = sign_in(client, password="wrong")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_user_name_out_from_that_address(client, clerk, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200
    locked = sign_in(client, password="wrong")
    assert locked.status_code == 429
    assert b'id="locked-out"' in locked.content
    assert b"15" in locked.content  # minutes to wait
    # Even the right password is refused while locked.
    assert sign_in(client).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_for_that_user_name_and_address_only(client, clerk):
    colleague = f.UserFactory(username="colleague")
    colleague.set_password("colleague-passphrase")
    colleague.save()
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(Client(), "colleague", "colleague-passphrase").status_code == 302
    assert sign_in(Client(), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, clerk):
    for _ in range(5):
        sign_in(client, password="wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client).status_code == 302


def test_a_successful_sign_in_clears_the_failures(client, clerk):
    for _ in range(4):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, password="wrong").status_code == 200


def test_the_admin_sign_in_is_locked_out_too(client):
    f.UserFactory(username="boss", is_staff=True, is_superuser=True)
    url = reverse("admin:login")
    for _ in range(4):
        client.post(url, {"username": "boss", "password": "wrong"})
    assert client.post(url, {"username": "boss", "password": "wrong"}).status_code == 429


def test_behind_the_proxy_the_address_is_the_one_nginx_wrote(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"  # a forged header is ignored without a proxy
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"


# --- passwords ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["short-pw", "1234567890123", "password123", "clerk@example.test"],
)
def test_weak_passwords_are_refused(password, clerk):
    with pytest.raises(ValidationError):
        validate_password(password, user=clerk)


def test_a_long_uncommon_password_is_accepted(clerk):
    validate_password("sông Bạch Đằng 1288", user=clerk)


def test_passwords_are_at_least_ten_characters(clerk):
    with pytest.raises(ValidationError):
        validate_password("xq7-kp2-w", user=clerk)  # nine
    validate_password("xq7-kp2-wz", user=clerk)  # ten


# --- sessions -------------------------------------------------------------------------


def test_a_session_ends_after_thirty_minutes_without_a_request(client, clerk, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    client.force_login(clerk)
    assert client.get(reverse("home")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def age_the_session(client, *, seconds: int) -> None:
    """Pretend the session was last saved ``seconds`` ago, with half a minute left."""
    session = client.session
    session[REFRESHED] -= seconds
    session.save()
    Session.objects.update(expire_date=timezone.now() + datetime.timedelta(seconds=30))


def test_a_request_a_minute_after_the_last_renews_the_session(client, clerk):
    client.force_login(clerk)
    age_the_session(client, seconds=61)
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get().expire_date
    assert renewed > timezone.now() + datetime.timedelta(minutes=29)


def test_requests_within_the_minute_do_not_write_the_session(client, clerk):
    client.force_login(clerk)
    client.get(reverse("home"))
    age_the_session(client, seconds=10)
    before = Session.objects.get().expire_date
    client.get(reverse("home"))
    assert Session.objects.get().expire_date == before


def test_the_session_cookie_dies_with_the_browser(client, clerk):
    response = sign_in(client)
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"]
    assert not cookie["expires"]
    assert cookie["httponly"]


def test_changing_the_password_signs_out_the_other_sessions(clerk):
    elsewhere = Client()
    elsewhere.force_login(clerk)
    assert elsewhere.get(reverse("home")).status_code == 200
    clerk.set_password("a-brand-new-passphrase")
    clerk.save()
    response = elsewhere.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_changing_the_password_in_the_admin_keeps_only_that_session(admin_user):
    admin_user.set_password(PASSWORD)
    admin_user.save()
    here, elsewhere = Client(), Client()
    here.force_login(admin_user)
    elsewhere.force_login(admin_user)
    new = "another-long-passphrase"
    response = here.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert here.get(reverse("home")).status_code == 200
    assert elsewhere.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_user_name_longer_than_any_account_is_refused_before_it_is_tried(client, url_name):
    """Django's sign-in form shows a length limit but does not enforce it: a pasted
    text of thousands of characters was tried, and recording the failure
    (django-axes, 255 characters) answered 500 on PostgreSQL."""
    response = client.post(reverse(url_name), {"username": "a" * 5000, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()


def test_spraying_from_one_address_is_stopped_whatever_the_user_names(client, settings):
    """Four passwords on each of many user names from one address (under the limit
    per user name each time): the address is locked out after AXES_ADDRESS_FAILURE_LIMIT
    failures, for every user name, the right password included; another address is not."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    victim = f.UserFactory(username="victim")
    victim.set_password("victim-passphrase")
    victim.save()
    answers = [
        sign_in(client, f"user{number}", f"guess-{guess}").status_code
        for number in range(6)
        for guess in range(4)
    ]
    assert answers[:20] == [200] * 20
    assert answers[20:] == [429] * 4
    locked = sign_in(client, "victim", "victim-passphrase")
    assert locked.status_code == 429
    assert "từ địa chỉ máy tính của bạn" in locked.content.decode()
    assert (
        sign_in(Client(), "victim", "victim-passphrase", REMOTE_ADDR="10.9.9.9").status_code == 302
    )


def test_the_administrator_sees_and_lifts_a_lockout_on_record(client, clerk, admin_user):
    for _ in range(5):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429
    staff = Client()
    staff.force_login(admin_user)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert "clerk" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="clerk")
    lifted = staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "lift", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert "Đã gỡ khóa 1 lượt đăng nhập sai." in lifted.content.decode()
    assert not AccessAttempt.objects.exists()
    assert LogEntry.objects.filter(change_message__contains="clerk từ 127.0.0.1").exists()
    assert sign_in(client).status_code == 302


def test_an_address_lockout_ends_after_the_cool_off_however_many_keep_trying(client, settings):
    victim = f.UserFactory(username="victim")
    victim.set_password("victim-passphrase")
    victim.save()
    for number in range(20):
        sign_in(client, f"user{number}", "guess")
    counted = AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"]
    for _ in range(6):  # colleagues with their right password, during the lockout
        assert sign_in(client, "victim", "victim-passphrase").status_code == 429
    assert AccessAttempt.objects.aggregate(total=Sum("failures_since_start"))["total"] == counted
    assert not AccessAttempt.objects.filter(username="victim").exists()
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, "victim", "victim-passphrase").status_code == 302


def test_the_admin_shows_an_address_locked_across_user_names(client, admin_user):
    for number in range(20):
        sign_in(client, f"user{number}", "guess")
    staff = Client()
    staff.force_login(admin_user)
    page = staff.get(reverse("admin:axes_accessattempt_changelist"))
    rows = page.context["cl"].result_list
    assert {row.from_address for row in rows} == {20}
    assert page.content.decode().count('alt="True"') == 20  # every row: locked


@pytest.mark.parametrize(
    ("seen", "counted"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::"),
        ("2001:db8:1:2::1", "2001:db8:1:2::"),
        ("fe80::1%eth0", "fe80::"),
        ("[2001:db8:1:2::9]:443", "2001:db8:1:2::"),
        ("203.0.113.7:5678", "203.0.113.7"),
        ("not an address", UNREADABLE),
        ("unix:", UNREADABLE),
        ("", UNREADABLE),
    ],
)
def test_an_address_is_counted_by_its_ipv6_network(rf, seen, counted):
    assert client_ip(rf.get("/", REMOTE_ADDR=seen)) == counted


def test_spraying_from_many_addresses_of_one_ipv6_network_is_stopped(settings):
    """An IPv6 client holds a /64: changing address within it for each try changes
    nothing; another /64 is not locked."""
    answers = [
        sign_in(
            Client(), f"user{number}", "guess", REMOTE_ADDR=f"2001:db8:7:7::{number + 1:x}"
        ).status_code
        for number in range(settings.AXES_ADDRESS_FAILURE_LIMIT + 1)
    ]
    assert answers[-1] == 429
    assert sign_in(Client(), "user0", "guess", REMOTE_ADDR="2001:db8:7:8::1").status_code == 200


def test_a_forwarded_address_that_is_no_address_is_still_locked_out(client, clerk, settings):
    """A misconfigured proxy's unreadable address: no 500, and the five failures of a
    user name still lock it (all such clients counted as one address)."""
    settings.BEHIND_PROXY = True
    answers = [
        sign_in(client, password="wrong", HTTP_X_FORWARDED_FOR="unix:").status_code
        for _try in range(6)
    ]
    assert answers == [200] * 4 + [429] * 2
    assert sign_in(Client(), HTTP_X_FORWARDED_FOR="<script>").status_code == 429


def test_an_unreadable_address_is_logged_and_a_missing_one_is_not(rf, caplog):
    with caplog.at_level("WARNING", logger="common.http"):
        client_ip(rf.get("/", REMOTE_ADDR=""))
        assert not caplog.records
        client_ip(rf.get("/", REMOTE_ADDR="unix:"))
    assert "unix:" in caplog.text
