"""Pages and JSON go compressed to a browser that asks; downloads, already compressed,
go as they are; a browser that does not ask gets plain pages."""

import gzip

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.fixture
def reviewer(client):
    user = f.reviewer()
    client.force_login(user)
    return user


def test_a_page_is_compressed_and_reads_the_same(client, reviewer):
    plain = client.get(reverse("home"))
    packed = client.get(reverse("home"), **GZIP)
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "<html" in html and len(packed.content) < len(plain.content) / 2


def test_json_is_compressed(client, reviewer):
    for number in range(30):
        f.UnitFactory(name=f"Xã thử số {number}")
    response = client.get(reverse("reports:unit_search"), {"q": "xa thu"}, **GZIP)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Encoding"] == "gzip"


def test_a_download_goes_as_it_is(client, reviewer):
    quarter = f.QuarterFactory(year=2024, number=1)
    response = client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug]), **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"".join(response).startswith(b"PK")  # the .xlsx's own zip


def test_the_pages_of_a_second_factors_secrets_go_uncompressed(client):
    client.force_login(f.member(f.UnitFactory()))
    response = client.get(reverse("two_factor_setup"), **GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"data-two-factor-key" in response.content
