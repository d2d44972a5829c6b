"""Every state-changing URL refuses a POST without a CSRF token, whoever sends it."""

import pytest
from django.test import Client

from tests.security.test_url_audit import POST_CASES, url_of
from tests.security.world import ROLES, login, snapshot

pytestmark = pytest.mark.django_db


def test_a_post_without_a_csrf_token_is_refused_on_every_state_changing_url(world):
    before = snapshot()
    wrong = []
    for role in ROLES:
        # One sign-in per role: a refused post changes no row. Its 403 page sets the CSRF
        # cookie, so the later posts carry the cookie without the token: refused alike.
        client = login(Client(enforce_csrf_checks=True), world, role)
        for case, name, kwargs, _ in POST_CASES:
            url = url_of(world, name, kwargs)
            status = client.post(url, {"version": 1, "comment": "x", "decision": "yes"}).status_code
            if status != 403:
                wrong.append(f"POST {url} ({case}) as {role}: {status}")
    assert not wrong, "\n".join(wrong)
    assert snapshot() == before


def test_a_post_with_a_forged_token_is_refused(world):
    client = login(Client(enforce_csrf_checks=True), world, "reviewer")
    client.cookies["csrftoken"] = "a" * 32
    url = url_of(world, "reports:accept", lambda w: {"pk": w.u_submitted.pk})
    assert client.post(url, {"csrfmiddlewaretoken": "b" * 32}).status_code == 403


def test_the_same_post_with_the_token_goes_through(world):
    client = login(Client(enforce_csrf_checks=True), world, "reviewer")
    page = client.get(
        url_of(world, "reports:report", lambda w: {"unit_code": "u", "quarter": "2024-q1"})
    )
    token = page.context["csrf_token"]
    url = url_of(world, "reports:accept", lambda w: {"pk": w.u_submitted.pk})
    assert client.post(url, {"csrfmiddlewaretoken": str(token)}).status_code == 302
    world.u_submitted.refresh_from_db()
    assert world.u_submitted.status == "accepted"
