"""tools/suite_profile.py: each sample of py-spy's raw output counts for its test and
for the view its request ran."""

from tools.suite_profile import shares

WORKER = 'process 1:"";process 2:"python -u -c import sys"'
TEST = "test_a_page_opens (tests/test_pages.py:12)"
REQUEST = "ClientHandler.__call__ (django/test/client.py:169);"
REQUEST += "BaseHandler._get_response (django/core/handlers/base.py:197)"
VIEW = "register (directives/views.py:230);render (django/shortcuts.py:18)"
RAW = "\n".join(
    [
        f"{WORKER};{TEST};{REQUEST};{VIEW} 30",
        f"{WORKER};{TEST};{REQUEST};changelist_view (django/contrib/admin/options.py:1900) 5",
        f"{WORKER};{TEST};ClientHandler.__call__ (django/test/client.py:169) 3",
        f"{WORKER};{TEST};setup (tests/factories.py:5) 2",
        f'{WORKER};process 3:"python manage.py migrate --noinput";main (manage.py:24) 10',
        f"{WORKER};pytest_collection (_pytest/main.py:300) 4",
        "a line py-spy cut short",
    ]
)


def test_each_sample_counts_for_its_test_and_its_requests_view(tmp_path):
    profile = tmp_path / "profile.txt"
    profile.write_text(RAW)
    total, by_test, by_view = shares(profile)
    assert total == 54
    assert by_test == {
        "tests/test_pages.py::test_a_page_opens": 40,
        "command: migrate --noinput": 10,
        "pytest and start-up": 4,
    }
    assert by_view == {
        "directives/views.py::register": 30,
        "the admin (Django's views)": 5,
        "(a request, outside the views: middleware, sign-in, responses rendered after)": 3,
        "(not in a request)": 16,
    }
