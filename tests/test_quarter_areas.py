"""The quarter page rolls completeness up by the tree: from the province to its
communes, each row counting the whole subtree, within the user's scope only."""

import datetime
import unicodedata

import pytest

from reports import aggregation
from reports.models import ReportStatus, UnitKind, UnitLevel
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    """A centre with two provinces; province A has a provincial unit and a city whose
    two communes report; province B one unit. Q2/2024 was due on 10/07/2024."""
    quarter = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2024, 7, 10))
    centre = f.UnitFactory(code="tw", name="Trung ương", parent=None, submits_reports=False)
    a = f.UnitFactory(code="a", name="Tỉnh A", parent=centre, submits_reports=False)
    b = f.UnitFactory(code="b", name="Tỉnh B", parent=centre, submits_reports=False)
    a_front = f.UnitFactory(code="a-front", parent=a, kind=UnitKind.FRONT)
    city = f.UnitFactory(code="a-city", name="Thành phố A1", parent=a, level=UnitLevel.DISTRICT)
    commune_1 = f.UnitFactory(code="a-c1", name="Xã 1", parent=city, level=UnitLevel.COMMUNE)
    f.UnitFactory(code="a-c2", name="Xã 2", parent=city, level=UnitLevel.COMMUNE)
    b_front = f.UnitFactory(code="b-front", parent=b)
    submitted = datetime.datetime(2024, 7, 1, 9, tzinfo=datetime.UTC)
    for unit in (a_front, commune_1, b_front):
        f.UnitReportFactory(
            unit=unit,
            quarter=quarter,
            status=ReportStatus.ACCEPTED,
            submitted_at=submitted,
            first_submitted_at=submitted,
        )
    return {"quarter": quarter, "centre": centre, "a": a, "b": b, "city": city}


def _rows(rollup):
    return {area.unit.code: (area.counts.expected, area.counts.filed) for area in rollup.areas}


def test_the_centre_sees_each_province_with_its_whole_subtree(country):
    rollup = aggregation.completeness_by_area(
        quarter=country["quarter"], scope=aggregation.EVERY_UNIT, today=datetime.date(2024, 8, 1)
    )
    assert rollup.node == country["centre"]
    assert _rows(rollup) == {"a": (4, 2), "b": (1, 1)}  # A: front, city, two communes


def test_drilling_down_to_a_city_lists_its_communes_and_the_city_itself(client, country):
    client.force_login(f.reviewer(country["a"]))
    response = client.get(country["quarter"].get_absolute_url() + "?under=a-city")
    assert response.status_code == 200
    rollup = response.context["rollup"]
    assert rollup.node == country["city"]
    assert [unit.code for unit in rollup.path] == ["a", "a-city"]
    assert _rows(rollup) == {"a-city": (1, 0), "a-c1": (1, 1), "a-c2": (1, 0)}
    assert 'href="?under=a-city#areas"' not in response.content.decode()  # no link to itself


def test_a_province_reviewer_cannot_drill_into_another_province(client, country):
    client.force_login(f.reviewer(country["a"]))
    response = client.get(country["quarter"].get_absolute_url() + "?under=b")
    rollup = response.context["rollup"]
    assert rollup.node == country["a"]  # the unit outside the scope is ignored
    assert "b-front" not in _rows(rollup) and "Tỉnh B" not in response.content.decode()


def test_unit_staff_get_no_rollup(client, country):
    client.force_login(f.member(country["city"]))
    response = client.get(country["quarter"].get_absolute_url())
    assert response.status_code == 200
    assert response.context["rollup"] is None


def test_units_that_did_not_exist_on_the_quarters_last_day_are_not_areas(country):
    """A committee dissolved before the quarter, or one set up after it, owes nothing
    then: listing it with 0 expected would read as a unit that did not report."""
    a = country["a"]
    f.UnitFactory(code="a-old", parent=a, valid_to=datetime.date(2024, 3, 31))
    f.UnitFactory(code="a-new", parent=a, valid_from=datetime.date(2024, 7, 1))
    ended_with_a_live_unit_under_it = f.UnitFactory(
        code="a-moved", parent=a, submits_reports=False, valid_to=datetime.date(2024, 3, 31)
    )
    f.UnitFactory(code="a-moved-c", parent=ended_with_a_live_unit_under_it)
    rollup = aggregation.completeness_by_area(
        quarter=country["quarter"], scope=aggregation.EVERY_UNIT, under=a
    )
    assert _rows(rollup) == {"a-front": (1, 1), "a-city": (3, 1), "a-moved": (1, 0)}


@pytest.mark.parametrize(
    "under",
    [
        "khong-co",  # no such unit
        "a-city\x00",
        "Xã 1",  # a name, not a code
        unicodedata.normalize("NFD", "Thành phố A1"),
        "a" * 5_000,
        "' OR 1=1 --",
    ],
    ids=["unknown", "nul", "name", "nfd", "long", "quote"],
)
def test_an_odd_drill_down_shows_the_top_of_the_scope(client, country, under):
    client.force_login(f.reviewer(country["a"]))
    response = client.get(country["quarter"].get_absolute_url(), {"under": under})
    assert response.status_code == 200
    assert response.context["rollup"].node == country["a"]


def test_a_scope_holding_a_root_of_several_has_that_root_at_its_top(country):
    """Two trees (the centre's and another root's): a reviewer of the other root's tree
    sees it from that root, which has no parent. Narrowing "whose parent is not in the
    scope" must keep a unit with no parent at all (SQL's NOT IN drops a NULL)."""
    other = f.UnitFactory(code="other", name="Gốc khác", parent=None, submits_reports=False)
    f.UnitFactory(code="other-front", parent=other)
    scope = aggregation.Scope(
        unit_ids=frozenset({other.id, *other.children.values_list("id", flat=True)}), oversees=True
    )
    rollup = aggregation.completeness_by_area(
        quarter=country["quarter"], scope=scope, today=datetime.date(2024, 8, 1)
    )
    assert rollup.node == other
    assert _rows(rollup) == {"other-front": (1, 0)}
