from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_health_check_answers_ok_without_signing_in(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_check_reports_a_database_that_does_not_answer(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_health_check_is_never_cached(client):
    assert "no-cache" in client.get(reverse("healthz"))["Cache-Control"]


def test_health_check_answers_a_head_probe(client):
    assert client.head(reverse("healthz")).status_code == 200
