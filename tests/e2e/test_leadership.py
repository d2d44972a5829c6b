"""Leadership, on a desktop and on a tablet, reads the follow-up and takes the documents."""

from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import TABLET, t

pytestmark = pytest.mark.e2e


def test_leadership_opens_the_dashboard_and_the_quarter_page(open_as):
    leader = open_as("leader")
    nav = leader.get_by_role("navigation", name=t("Main navigation"))
    nav.get_by_role("link", name=t("Follow-up")).click()
    expect(leader.get_by_role("heading", level=1)).to_be_visible()
    # The navigation says where you are, to the eye and to a screen reader.
    expect(nav.get_by_role("link", name=t("Follow-up"))).to_have_attribute("aria-current", "page")
    expect(leader.get_by_role("main")).to_contain_text("%")
    # Leadership reads; it never edits or confirms.
    expect(leader.get_by_role("button", name=t("Confirm done"))).to_have_count(0)

    nav.get_by_role("link", name=t("Quarters")).click()
    leader.get_by_role("link", name="Quý I/2024").first.click()
    expect(leader.get_by_role("heading", level=1)).to_contain_text("Quý I/2024")
    # Its reports were filed before the commission's renaming: they carry the old name.
    expect(leader.get_by_role("main")).to_contain_text("Ban Dân vận Tỉnh ủy")


def _docx_text(path) -> str:
    document = Document(path)
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*cells, *(paragraph.text for paragraph in document.paragraphs)])


def _download(page, click, folder: Path) -> tuple[str, Path]:
    """The file a click downloads, kept under the name the server gave it."""
    with page.expect_download() as info:
        click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path


def test_leadership_downloads_each_document_of_the_quarter(open_as, live_url, tmp_path):
    leader = open_as("leader", viewport=TABLET)
    leader.goto(f"{live_url}/quarters/2024-q1/")
    documents = leader.get_by_role("region", name=t("Documents"))

    documents.get_by_label(t("Number (optional)")).fill("12")
    # The report's form first; the register's "as at" form has a Download button too.
    download = documents.get_by_role("button", name=t("Download")).first.click
    name, path = _download(leader, download, tmp_path)
    assert name == "bao-cao-dan-van-2024-q1.docx"
    text = _docx_text(path)
    assert "BÁO CÁO" in text
    assert "12-BC/BDVTU" in text

    name, path = _download(
        leader,
        documents.get_by_role(
            "link",
            name=t(
                "Indicator table: %(scope)s, by kind, by unit", scope=t("Whole province").lower()
            ),
        ).click,
        tmp_path,
    )
    assert name == "chi-tieu-2024-q1.xlsx"
    assert load_workbook(path, read_only=True).sheetnames

    name, path = _download(leader, documents.get_by_role("button", name="PDF").click, tmp_path)
    assert name == "bao-cao-dan-van-2024-q1.pdf"
    assert path.read_bytes().startswith(b"%PDF")

    name, path = _download(
        leader,
        documents.get_by_role("link", name=t("Directive register with statuses")).click,
        tmp_path,
    )
    assert name == "so-theo-doi-chi-dao-2024-q1.xlsx"
    sheet = load_workbook(path, read_only=True).active
    assert sheet.max_row > 20  # the 20 directives of the demo briefing, below their headings

    meetings = leader.get_by_role("region", name=t("The quarter's meeting and directive follow-up"))
    name, path = _download(
        leader,
        meetings.get_by_role("button", name=t("Draft conclusion notice (.docx)")).first.click,
        tmp_path,
    )
    assert name.startswith("thong-bao-ket-luan-2024-q1-")
    assert name.endswith(".docx")
    assert "THÔNG BÁO" in _docx_text(path)


def test_leadership_reads_the_briefing_pack(open_as, live_url):
    leader = open_as("leader", viewport=TABLET)
    nav = leader.get_by_role("navigation", name=t("Main navigation"))
    leader.get_by_role("button", name=t("Toggle navigation")).click()
    nav.get_by_role("link", name=t("Meetings")).click()
    leader.get_by_role("link", name="Giao ban về tình hình nhân dân").first.click()
    leader.get_by_role("link", name=t("Briefing pack")).click()
    expect(leader.get_by_role("heading", level=1)).to_be_visible()
    expect(leader.get_by_role("main")).to_contain_text("Ủy ban MTTQ")
