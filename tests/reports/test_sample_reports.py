"""Reports the demo or the data generator made (``UnitReport.sample``) say so wherever
their figures and texts are shown (issue 15, part 7): the quarter page, the report's
page, the consolidated report, the indicator workbook and the report's document."""

import pytest
from django.urls import reverse

from reports.models import Quarter, UnitKind, UnitReport
from tests import factories as f
from tests.downloads import docx_of, xlsx_of

pytestmark = pytest.mark.django_db

SAMPLE_LINE = "[Dữ liệu mẫu] 1 báo cáo được tổng hợp là dữ liệu mẫu"


@pytest.fixture
def quarter():
    quarter = f.QuarterFactory(year=2024, number=1)
    f.UnitFactory(code="bdv", kind=UnitKind.MASS_MOBILIZATION, submits_reports=False)
    for code in ("that", "real"):
        report = f.UnitReportFactory(
            unit=f.UnitFactory(code=code), quarter=quarter, results=f"Kết quả của {code}."
        )
        f.IndicatorValueFactory(report=report, value=5)
        report.status = "accepted"
        report.save()
    return quarter


def pages(client, quarter) -> dict[str, str]:
    """What the reader of each page and document reads, as text."""
    docx = docx_of(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    workbook = xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=[quarter.slug])))
    unit_docx = docx_of(client.get(reverse("reports:document", args=["that", quarter.slug])))
    return {
        "quarter page": client.get(reverse("quarters:detail", args=[quarter.slug])).text,
        "report page": client.get(reverse("reports:report", args=["that", quarter.slug])).text,
        "consolidated report": "\n".join(p.text for p in docx.paragraphs),
        "workbook": "\n".join(
            str(row[0].value) for sheet in workbook for row in sheet.iter_rows(max_row=4)
        ),
        "report document": "\n".join(p.text for p in unit_docx.paragraphs),
    }


def test_sample_reports_are_labelled_on_every_page_and_document(client, quarter):
    client.force_login(f.reviewer())
    for name, text in pages(client, quarter).items():
        assert "Dữ liệu mẫu" not in text, name

    UnitReport.objects.filter(unit__code="that").update(sample=True)
    Quarter.objects.figures_changed()  # as the sample data's loaders do after their updates
    shown = pages(client, quarter)
    assert "Dữ liệu mẫu: 1 báo cáo được tổng hợp ở đây" in shown["quarter page"]
    assert "Dữ liệu mẫu" in shown["report page"]
    assert SAMPLE_LINE in shown["consolidated report"]
    assert SAMPLE_LINE in shown["workbook"]
    assert "[Dữ liệu mẫu] Báo cáo này do bản trình diễn tạo ra" in shown["report document"]
