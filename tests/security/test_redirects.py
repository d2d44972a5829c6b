"""No open redirects: a "next" pointing at another site is replaced by a page of ours."""

import pytest
from django.urls import reverse

from tests.security.world import login

pytestmark = pytest.mark.django_db

ELSEWHERE = ["https://evil.example/", "//evil.example/", "https:evil.example", "\\\\evil.example"]


def stays_home(response) -> bool:
    location = response["Location"]
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", ELSEWHERE)
@pytest.mark.parametrize(
    ("name", "obj"),
    [("directives:update_review", "update_u"), ("directives:deadline_decide", "change_u")],
)
def test_a_reviewers_decision_never_redirects_off_site(client, world, name, obj, target):
    login(client, world, "reviewer")
    url = reverse(name, args=[getattr(world, obj).pk])
    response = client.post(url, {"decision": "no", "comment": "Chưa đủ.", "next": target})
    assert response.status_code == 302
    assert stays_home(response), response["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_signing_in_never_redirects_off_site(client, world, target):
    user = world.users["reporter_u"]
    user.set_password("a-long-enough-passphrase")
    user.save()
    response = client.post(
        reverse("login"),
        {"username": user.username, "password": "a-long-enough-passphrase", "next": target},
    )
    assert response.status_code == 302
    assert stays_home(response), response["Location"]


@pytest.mark.parametrize("target", ELSEWHERE)
def test_changing_language_never_redirects_off_site(client, target):
    response = client.post(reverse("set_language"), {"language": "en", "next": target})
    assert stays_home(response), response["Location"]
