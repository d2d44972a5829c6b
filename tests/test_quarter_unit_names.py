"""A past quarter's page and spreadsheet name each unit as it was on the quarter's
last day, as its consolidated report (.docx) does, not by the name it took since."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.documents.xlsx import HEADER_ROW
from reports.models import ReportStatus, Unit, UnitKind, name_on_expression
from structure import services as structure
from tests import factories as f

pytestmark = pytest.mark.django_db

BEFORE = "Ban Dân vận Tỉnh ủy"
AFTER = "Ban Tuyên giáo và Dân vận Tỉnh ủy"


@pytest.fixture
def renamed():
    """The commission and a unit under it filed their reports of Q1/2024; the
    commission was renamed from 01/03/2025."""
    quarter = f.QuarterFactory(year=2024, number=1)
    indicator = f.IndicatorFactory(code="HOP_DAN")
    commission = f.UnitFactory(code="bdv", name=BEFORE, kind=UnitKind.MASS_MOBILIZATION)
    office = f.UnitFactory(code="bdv-vp", name="Văn phòng Ban", parent=commission)
    for unit in (commission, office):
        report = f.UnitReportFactory(unit=unit, quarter=quarter, status=ReportStatus.ACCEPTED)
        f.IndicatorValueFactory(report=report, indicator=indicator)
    day = datetime.date(2025, 3, 1)
    structure.rename_unit(
        unit=commission,
        name=AFTER,
        short_name="Ban TG-DV",
        decision=structure.Decision(number="QĐ mẫu", date=day, effective_on=day),
        user=None,
    )
    return {"quarter": quarter, "indicator": indicator}


def test_the_quarter_page_names_every_unit_as_on_the_quarters_last_day(client, renamed):
    client.force_login(f.reviewer())
    url = reverse("quarters:detail", args=[renamed["quarter"].slug])

    response = client.get(url, {"indicator": renamed["indicator"].code})

    context = response.context
    assert f'href="?under=bdv#areas">{BEFORE}</a>' in response.text  # by area
    assert BEFORE in [unit.name for unit in context["summary"].completeness.units]
    assert BEFORE in [row.unit_name for row in context["drill_rows"]]
    assert AFTER not in main_of(response.text)


def main_of(page: str) -> str:
    """The page's content, without the layout (whose footer names the commission)."""
    return page.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_the_roll_up_under_a_renamed_unit_names_it_as_then(client, renamed):
    client.force_login(f.reviewer())
    url = reverse("quarters:detail", args=[renamed["quarter"].slug])

    page = client.get(url, {"under": "bdv"}).content.decode()

    assert f'aria-current="page">{BEFORE}<' in page  # the breadcrumb
    assert AFTER not in main_of(page)


def test_the_indicator_spreadsheet_names_units_and_their_parents_as_then(client, renamed):
    client.force_login(f.reviewer())
    url = reverse("quarters:indicators_xlsx", args=[renamed["quarter"].slug])

    workbook = load_workbook(io.BytesIO(client.get(url).content), read_only=True)
    rows = list(
        workbook["Theo đơn vị"].iter_rows(min_row=HEADER_ROW + 1, max_col=4, values_only=True)
    )

    by_unit = {row[0]: row[3] for row in rows}
    assert BEFORE in by_unit
    assert by_unit["Văn phòng Ban"] == BEFORE
    assert AFTER not in [cell for row in rows for cell in row]


@pytest.mark.parametrize(
    "day",
    [datetime.date(2024, 3, 31), datetime.date(2025, 2, 28), datetime.date(2025, 3, 1)],
)
def test_the_sql_twin_names_a_unit_as_name_on_does(renamed, day):
    unit = Unit.objects.get(code="bdv")

    in_sql = Unit.objects.filter(pk=unit.pk).values_list(name_on_expression(day), flat=True)

    assert in_sql.get() == unit.name_on(day)
