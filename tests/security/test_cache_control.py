"""What a signed-in user sees is never kept by a browser or proxy cache."""

import pytest
from django.urls import reverse

from tests.security.world import login

pytestmark = pytest.mark.django_db


def never_stored(response) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def test_a_signed_in_page_is_private_and_not_stored(client, world):
    login(client, world, "reporter_u")
    response = client.get("/")
    assert response.status_code == 200
    assert never_stored(response)


def test_a_download_is_private_and_not_stored(client, world):
    login(client, world, "reviewer")
    response = client.get(reverse("directives:evidence", args=[world.update_u.pk]))
    assert response.status_code == 200
    assert never_stored(response)


def test_the_sign_in_page_is_not_stored_either(client, world):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_cacheable_answer_keeps_its_own_headers(client, world):
    response = client.get(reverse("favicon"))
    assert "private" not in response.get("Cache-Control", "")
