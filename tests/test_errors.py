"""The error pages: Vietnamese, in the site's look, and the 500 page needs no database."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import path
from django.views.defaults import server_error


def _broken_view(request):
    raise RuntimeError("something broke")


urlpatterns = [path("broken/", _broken_view)]


def test_the_500_page_is_rendered_without_a_single_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Hệ thống gặp sự cố" in page
    assert "Về trang chủ" in page


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_a_crash_shows_the_500_page_even_with_the_database_out_of_reach(client):
    # No django_db mark: pytest-django refuses any database access in this test.
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Hệ thống gặp sự cố" in page
    assert "something broke" not in page
    assert "Traceback" not in page
