"""One unit's report as a document of that unit (issue 15, part 5): its own header
(the Party's rules for Party bodies, the state's for the Front, the mass organisations
and the armed forces), what the reader may read of it, its own date."""

import datetime

import pytest
from django.urls import reverse

from reports import services
from reports.models import DocumentStyle, UnitKind
from tests import factories as f
from tests.downloads import docx_of

pytestmark = pytest.mark.django_db


def url(report) -> str:
    return reverse("reports:document", args=[report.unit.code, report.quarter.slug])


def read(response) -> tuple[list[str], str]:
    """The header's lines (left cell, then right) and the body's text."""
    doc = docx_of(response)
    header = [p.text for cell in doc.tables[0].rows[0].cells for p in cell.paragraphs]
    return header, "\n".join(p.text for p in doc.paragraphs)


@pytest.fixture
def filed():
    """The Farmers' Association's Q1/2024 report, submitted on 05/04/2024, with a value."""
    unit = f.UnitFactory(code="hnd", name="Hội Nông dân tỉnh", kind=UnitKind.MASS_ORG)
    head = f.member(unit, "head")
    quarter = f.QuarterFactory(year=2024, number=1)
    report = f.UnitReportFactory(
        unit=unit, quarter=quarter, results="Vận động hội viên tham gia xây dựng nông thôn mới."
    )
    f.IndicatorValueFactory(
        report=report,
        indicator=f.IndicatorFactory(name="Hội viên mới", measure="người"),
        value=1234,
    )
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    type(report).objects.filter(pk=report.pk).update(
        submitted_at=datetime.datetime(2024, 4, 5, 9, 0, tzinfo=datetime.UTC)
    )
    report.versions.update(submitted_at=datetime.datetime(2024, 4, 5, 9, 0, tzinfo=datetime.UTC))
    return report, head


def test_a_mass_organisations_report_has_the_states_header(client, filed):
    report, head = filed
    f.DocumentIssuerFactory(
        unit=report.unit,
        symbol="HND",
        signer_capacity="T/M",
        signer_for="Ban Thường vụ",
        signer_title="Chủ tịch",
        recipients="Ban Dân vận Tỉnh ủy",
        kept_by="Văn phòng",
    )
    client.force_login(head)
    header, body = read(client.get(url(report), {"number": "7"}))
    assert header[:4] == ["TỈNH ỦY (THỬ NGHIỆM)", "HỘI NÔNG DÂN TỈNH", "—————", "Số: 7/BC-HND"]
    assert header[4:7] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "—————",
    ]
    assert header[-1] == "Quảng Ninh, ngày 05 tháng 4 năm 2024"  # the day it was submitted
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in header and "*" not in header
    assert "Vận động hội viên tham gia xây dựng nông thôn mới." in body
    assert "DỰ THẢO" not in body
    doc = docx_of(client.get(url(report)))
    table = doc.tables[1]
    assert [c.text for c in table.rows[1].cells] == ["1", "Hội viên mới", "người", "1.234", ""]
    signature = [p.text for cell in doc.tables[-1].rows[0].cells for p in cell.paragraphs]
    assert "- Ban Dân vận Tỉnh ủy;" in signature and "- Lưu: VT, Văn phòng." in signature
    assert "TM. BAN THƯỜNG VỤ" in signature and "CHỦ TỊCH" in signature


def test_a_party_bodys_report_has_the_partys_header_and_the_style_can_be_set(client, filed):
    report, head = filed
    client.force_login(head)
    details = f.DocumentIssuerFactory(unit=report.unit, symbol="HND", style=DocumentStyle.PARTY)
    header, _body = read(client.get(url(report)))
    assert header[:4] == ["TỈNH ỦY (THỬ NGHIỆM)", "HỘI NÔNG DÂN TỈNH", "*", "Số     -BC/HND"]
    assert header[4] == "ĐẢNG CỘNG SẢN VIỆT NAM"

    details.style, details.motto = DocumentStyle.STATE, "ĐOÀN TNCS HỒ CHÍ MINH"
    details.save()
    header, _body = read(client.get(url(report)))
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in header and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in header

    commission = f.UnitFactory(code="bdv", kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận")
    own = f.UnitReportFactory(unit=commission, quarter=report.quarter)
    client.force_login(f.member(commission, "head"))
    header, body = read(client.get(url(own)))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "*" in header
    assert "DỰ THẢO" in body  # a draft, read by its unit


def test_each_reader_gets_what_they_may_read_of_it(client, filed):
    report, head = filed
    reviewer = f.reviewer()
    services.report_return(report=report, user=reviewer, comment="Bổ sung số liệu.")
    services.report_save_draft(
        report=report,
        user=head,
        data={"results": "Nội dung đang sửa lại."},
        values={},
        expected_version=type(report).objects.get(pk=report.pk).version,
    )
    client.force_login(head)
    _header, body = read(client.get(url(report)))
    assert "Nội dung đang sửa lại." in body and "DỰ THẢO" in body

    client.force_login(reviewer)  # what was submitted, not the unit's edits
    _header, body = read(client.get(url(report)))
    assert "Vận động hội viên tham gia xây dựng nông thôn mới." in body
    assert "Nội dung đang sửa lại." not in body and "DỰ THẢO" not in body

    client.force_login(f.member(f.UnitFactory(), "head"))
    assert client.get(url(report)).status_code == 404
    never_sent = f.UnitReportFactory(unit=f.UnitFactory(), quarter=report.quarter)
    client.force_login(reviewer)
    assert client.get(url(never_sent)).status_code == 404
    client.logout()
    assert client.get(url(report)).status_code == 302


def test_its_date_is_chosen_and_a_wrong_one_is_refused(client, filed):
    report, head = filed
    client.force_login(head)
    header, _body = read(client.get(url(report), {"date": "2024-04-10"}))
    assert header[-1].endswith("ngày 10 tháng 4 năm 2024")
    refused = client.get(url(report), {"date": "10/04/2024x"}, follow=True)
    assert refused.redirect_chain[-1][0] == report.get_absolute_url()
    assert "Ngày của văn bản phải là một ngày từ 01/01/2000 đến 31/12/2100." in refused.text
