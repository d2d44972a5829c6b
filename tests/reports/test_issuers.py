"""Who issues a document, on its date (issue 15: one issuer per document, from the data)."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from reports.issuers import issuer_on
from reports.models import SignerCapacity, UnitKind
from structure.services import Decision, rename_unit
from tests import factories as f
from tests.downloads import docx_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def commission():
    root = f.root_unit()
    root.name, root.short_name = "Tỉnh ủy Quảng Ninh", "Tỉnh ủy"
    root.save()
    return f.UnitFactory(kind=UnitKind.MASS_MOBILIZATION, name="Ban Dân vận Tỉnh ủy")


def test_the_details_valid_on_the_date_are_used_and_none_before_the_first(commission):
    f.DocumentIssuerFactory(unit=commission, valid_from=datetime.date(2021, 1, 1), symbol="BDVTU")
    f.DocumentIssuerFactory(
        unit=commission,
        valid_from=datetime.date(2025, 3, 1),
        symbol="BTGDVTU",
        signer_name="Người ký mới",
    )
    assert issuer_on(commission, datetime.date(2025, 2, 28)).symbol == "BDVTU"
    on_the_day = issuer_on(commission, datetime.date(2025, 3, 1))
    assert (on_the_day.symbol, on_the_day.signer_name) == ("BTGDVTU", "Người ký mới")
    before = issuer_on(commission, datetime.date(2020, 12, 31))
    assert (before.superior, before.name, before.symbol) == (
        "TỈNH ỦY QUẢNG NINH",
        "BAN DÂN VẬN",
        "",
    )


def test_the_header_follows_the_names_the_units_carried_on_the_date(commission):
    f.DocumentIssuerFactory(unit=commission, valid_from=datetime.date(2021, 1, 1))
    rename_unit(
        unit=commission,
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        short_name="",
        decision=Decision("01-QĐ/TU", datetime.date(2025, 2, 20), datetime.date(2025, 3, 1)),
        user=None,
    )
    assert issuer_on(commission, datetime.date(2025, 2, 28)).name == "BAN DÂN VẬN"
    after = issuer_on(commission, datetime.date(2025, 3, 1))
    assert after.name == "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    assert after.author == "Ban Tuyên giáo và Dân vận Tỉnh ủy"


def test_the_signature_and_recipients_are_written_in_party_style(commission):
    f.DocumentIssuerFactory(
        unit=commission,
        signer_capacity=SignerCapacity.DEPUTY,
        signer_for="Trưởng ban",
        signer_title="Phó Trưởng ban",
        recipients="- Thường trực Tỉnh ủy (để b/c);\n\n• Các đơn vị khối dân vận.\n   ",
        kept_by="Văn phòng Ban.",
    )
    issuer = issuer_on(commission, datetime.date(2024, 3, 31))
    assert issuer.signer_lines == ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
    assert issuer.recipients == (
        "- Thường trực Tỉnh ủy (để b/c),",
        "- Các đơn vị khối dân vận,",
        "- Lưu Văn phòng Ban.",
    )
    f.DocumentIssuerFactory(unit=commission, valid_from=datetime.date(2024, 6, 1))
    assert issuer_on(commission, datetime.date(2024, 6, 1)).signer_lines == ("TRƯỞNG BAN",)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"signer_capacity": "T/L", "signer_for": ""}, "signer_for", "Ghi ký thay cho ai"),
        ({"signer_capacity": "", "signer_for": "BAN THƯỜNG VỤ"}, "signer_capacity", "Chọn T/M"),
        ({"symbol": "bdv-tu"}, "symbol", "Chỉ gồm chữ in hoa"),
    ],
)
def test_inconsistent_details_are_refused_in_vietnamese(commission, changes, field, message):
    details = f.DocumentIssuerFactory.build(unit=commission, **changes)
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        details.full_clean()
    assert message in " ".join(refused.value.message_dict[field])


def test_hostile_text_in_the_details_comes_out_clean_in_the_document(client, commission):
    """Pasted from Word (a Shift+Enter, a zero-width space) and decomposed (NFD)."""
    decomposed = unicodedata.normalize("NFD", "Trần Thị Bình")
    f.DocumentIssuerFactory(
        unit=commission,
        signer_name=f"{decomposed}\x0b\u200b",
        recipients=f"Thường trực\x0bTỉnh ủy\n{decomposed}",
        place=unicodedata.normalize("NFD", "Quảng Ninh"),
    )
    quarter = f.QuarterFactory(year=2024, number=1)
    client.force_login(f.reviewer())
    doc = docx_of(client.get(reverse("quarters:report_docx", args=[quarter.slug])))
    texts = [p.text for table in doc.tables for cell in table._cells for p in cell.paragraphs]
    # One-line values stay on one line; Word's line break splits the recipients.
    assert any(text.startswith("Trần Thị Bình") and "\n" not in text for text in texts)
    assert [text for text in texts if text.startswith("- ") and "Lưu" not in text] == [
        "- Thường trực,",
        "- Tỉnh ủy,",
        "- Trần Thị Bình,",
    ]
    assert "Quảng Ninh, ngày 31 tháng 3 năm 2024" in texts
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert not any("\x0b" in text for text in texts)  # zero-width characters are text: kept
