"""SQL injection and unexpected values in every filter, search and id: never a 500, no change.

Every page of the audit table that reads its query string gets every
parameter any page reads, set to hostile values: each value in every parameter at
once, then every parameter repeated with all the values. Property-based tests
(hypothesis) then throw arbitrary text at the register's filters and the report
form's indicator values.
"""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.security.world import login, snapshot

pytestmark = pytest.mark.django_db

# Every query parameter a page of the project reads.
PARAMETERS = [
    "q",
    "status",
    "unit",
    "role",
    "deadline",
    "mine",
    "sort",
    "topic",
    "meeting",
    "quarter",
    "priority",
    "progress",
    "kind",
    "page",
    "indicator",
    "number",
    "scope",
    "next",
    "section",
    "partial",
    "date",
]
HOSTILE = [
    "'; DROP TABLE reports_unitreport; --",
    "1 OR 1=1",
    '" OR ""="',
    "%",
    "_",
    "%_%",
    "\\",
    "\x00",
    "１２３",
    "Hội Liên hiệp Phụ nữ 🎉",
    "x" * 5000,
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "2024-q5",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "",
]
# Pages that read the query string.
FILTER_PAGES = [
    ("home", {}),
    ("reports:list", {}),
    ("reports:queue_quarter", {"quarter": "2024-q1"}),
    ("reports:search", {}),
    ("directives:register", {}),
    ("directives:assignments", {}),
    ("directives:dashboard", {}),
    ("directives:my_work", {}),
    ("directives:review", {}),
    ("meetings:list", {}),
    ("meetings:search", {}),
    ("reports:unit_search", {}),
    ("quarters:list", {}),
    ("quarters:detail", {"quarter": "2024-q1"}),
    ("quarters:report_docx", {"quarter": "2024-q1"}),
    ("quarters:indicators_xlsx", {"quarter": "2024-q1"}),
    ("quarters:directives_xlsx", {"quarter": "2024-q1"}),
    ("quarters:draft", {"quarter": "2024-q1"}),
    ("reports:document", {"unit_code": "u", "quarter": "2024-q1"}),
]
HOSTILE_PATHS = [
    "/reports/u/2024-q9/",
    "/reports/u/%27%3B%20DROP%20TABLE%20x%3B--/",
    "/reports/%E2%80%AE/2024-q1/",
    "/reports/99999999999999999999999/submit/",
    "/directives/99999999999999999999999/",
    "/directives/0/",
    "/directives/updates/99999999999999999999999/evidence/",
    "/meetings/99999999999999999999999/",
    "/meetings/99999999999999999999999/pack/",
    "/quarters/2024-q1%27--/",
    "/quarters/%00/",
    "/quarters/2024-q1/meetings/99999999999999999999999/notice.docx",
    "/directives/abc/",
    "/reports/../../etc/passwd",
]


def hostile_queries():
    """(what it is, query): each value in every parameter; then every parameter
    repeated, with every value and a plain "1" last.

    The repeated form used to be sent once per value, as [value, "1"]. A page reading
    a parameter as one value (``GET.get``) takes the last, "1", whatever the value:
    twenty identical requests. A page reading it as a list (a multiple-choice
    filter, ``GET.copy()`` for the paging links) takes each element on its own, and
    now finds every value among them in one request."""
    for value in HOSTILE:
        yield repr(value[:40]), dict.fromkeys(PARAMETERS, value)
    repeated = [(name, value) for name in PARAMETERS for value in [*HOSTILE, "1"]]
    yield "every value, repeated", repeated


@pytest.mark.slow
@pytest.mark.parametrize("role", ["reporter_u", "reviewer"])
def test_hostile_query_strings_never_give_a_500_nor_change_data(world, role, untracked_templates):
    client = login(Client(raise_request_exception=False), world, role)
    before = snapshot()
    errors = []
    for name, kwargs in FILTER_PAGES:
        url = reverse(name, kwargs=kwargs or None)
        for what, query in hostile_queries():
            status = client.get(url, query).status_code
            if status >= 500 or status not in (200, 302, 400, 403, 404):
                errors.append(f"{url} {what}: {status}")
    assert not errors, "\n".join(errors)
    assert snapshot() == before


def test_hostile_paths_give_404_never_a_500(world):
    client = login(Client(raise_request_exception=False), world, "reviewer")
    for path in HOSTILE_PATHS:
        assert client.get(path).status_code in (404, 405), path


def test_a_search_with_like_wildcards_matches_them_literally(world, client):
    login(client, world, "reviewer")
    everything = client.get(reverse("directives:register")).context["page"].paginator.count
    assert everything > 0
    for wildcard in ("%", "_", "%%"):
        response = client.get(reverse("directives:register"), {"q": wildcard})
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0, wildcard


def test_a_search_for_an_injection_finds_nothing_and_drops_nothing(world, client):
    login(client, world, "reviewer")
    before = snapshot()
    response = client.get(reverse("directives:register"), {"q": "' OR 1=1 --"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert snapshot() == before


# --- property-based ---------------------------------------------------------------------

# Each example is a request or two: a fifth of the profile's count (20, or 200 with
# HYPOTHESIS_PROFILE=thorough).
FUZZ = hypothesis_settings(
    max_examples=hypothesis_settings.default.max_examples // 5,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.text(max_size=60)


@FUZZ
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), st.lists(TEXT, max_size=3), max_size=6))
def test_the_register_answers_any_filter_without_error(world, params):
    client = login(Client(raise_request_exception=False), world, "reporter_u")
    for name in ("directives:register", "directives:assignments"):
        response = client.get(reverse(name), params)
        assert response.status_code == 200, (name, params)


@FUZZ
@given(
    value=st.one_of(
        TEXT,
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.integers().map(str),
        st.floats().map(str),
    ),
    note=TEXT,
)
def test_the_report_form_answers_any_indicator_value_without_error(world, value, note):
    world.u_draft.refresh_from_db()
    client = login(Client(raise_request_exception=False), world, "reporter_u")
    url = reverse("reports:report", args=["u", "2024-q2"])
    field = f"value_{world.indicator.pk}"
    response = client.post(
        url,
        {
            "version": world.u_draft.version,
            "people_situation": "Ổn định.",
            field: value,
            f"note_{world.indicator.pk}": note,
        },
    )
    assert response.status_code in (302, 400), (value, response.status_code)
    stored = world.u_draft.values.filter(indicator=world.indicator).first()
    if stored is not None and stored.value is not None:
        assert stored.value >= 0
