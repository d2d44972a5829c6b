"""A report's figures through Excel (issue 16, part 3): the unit's template, a filled
workbook checked cell by cell with the report form's rules and the quality checks,
nothing saved until confirmed, then saved as typed values are; several units at
once for whoever enters their reports."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import services
from reports.models import IndicatorValue, UnitReport, ValidationRule
from tests import factories as f


@pytest.fixture
def world(db):
    parent = f.UnitFactory(code="tu", kind="party_committee")
    unit = f.UnitFactory(code="du-baichay", name="Đảng ủy phường Bãi Cháy", parent=parent)
    other = f.UnitFactory(code="du-hongai", name="Đảng ủy phường Hồng Gai", parent=parent)
    f.QuarterFactory(year=2026, number=3, closed=True)
    quarter = f.QuarterFactory(year=2026, number=4, due_date=datetime.date(2030, 1, 10))
    indicators = {
        "DT_RECV": f.IndicatorFactory(code="DT_RECV", name="Đơn thư tiếp nhận", display_order=1),
        "DT_DONE": f.IndicatorFactory(code="DT_DONE", name="Đơn thư giải quyết", display_order=2),
        "FUND": f.IndicatorFactory(
            code="FUND", name="Quỹ vận động", measure="triệu đồng", display_order=3
        ),
    }
    ValidationRule.objects.create(
        name="Giải quyết không quá tiếp nhận", left="DT_DONE", operator="<=", right="DT_RECV"
    )
    return {
        "unit": unit,
        "other": other,
        "quarter": quarter,
        "indicators": indicators,
        "head": f.member(unit, role="head", user__username="bc-head"),
        "other_head": f.member(other, role="head", user__username="hg-head"),
        "admin": f.admin(username="admin"),
        "reviewer": f.reviewer(username="reviewer"),
    }


def template_of(client, world, unit_code="du-baichay"):
    response = client.get(reverse("reports:workbook", args=[unit_code, world["quarter"]]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def filled(workbook, **cells) -> bytes:
    """The workbook with ``cells`` ({"E6": value}) typed into its first sheet."""
    sheet = workbook.worksheets[0]
    for cell, value in cells.items():
        sheet[cell] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, world, content: bytes, name: str = "so-lieu.xlsx"):
    """Upload the workbook; the preview's confirm button (its token) is kept on the client."""
    file = io.BytesIO(content)
    file.name = name
    response = client.post(
        reverse("reports:import_workbook", args=[world["quarter"]]), {"workbook": file}
    )
    client.workbook_token = token_of(response)
    return response


def token_of(preview) -> str:
    """The confirm button's value: what ties a confirmation to its preview."""
    found = re.search(r'name="confirm" value="([0-9a-f]+)"', preview.content.decode())
    return found.group(1) if found else ""


def confirm(client, world, token: str | None = None):
    """Press the confirm button of the last preview (or of the one ``token`` names)."""
    url = reverse("reports:import_workbook", args=[world["quarter"]])
    return client.post(url, {"confirm": token or getattr(client, "workbook_token", "")})


def test_the_template_holds_the_units_indicators_and_only_two_columns_are_typed_in(client, world):
    client.force_login(world["head"])

    sheet = template_of(client, world).worksheets[0]

    assert sheet.title == "du-baichay"
    assert (sheet["B2"].value, sheet["B3"].value) == ("du-baichay", "2026-q4")
    assert [sheet[f"A{row}"].value for row in (6, 7, 8)] == ["DT_RECV", "DT_DONE", "FUND"]
    assert sheet.protection.sheet
    assert not sheet["E6"].protection.locked and not sheet["F6"].protection.locked
    assert sheet["B6"].protection.locked


def test_a_filled_workbook_is_previewed_then_saved_when_confirmed(client, world):
    client.force_login(world["head"])
    content = filled(template_of(client, world), E6=3, E7=5, F7="Giải quyết cả đơn tồn", E8=12.5)

    preview = upload(client, world, content)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "3 số liệu thay đổi" in page
    assert "DT_DONE (5) phải ≤ DT_RECV (3)." in page  # the quality checks, before saving
    assert "12,5" in page
    assert not UnitReport.objects.exists()  # nothing saved by checking

    confirmed = confirm(client, world)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == reverse(
        "reports:report", kwargs={"unit_code": world["unit"].code, "quarter": world["quarter"]}
    )  # a unit's own workbook: back to its report
    report = UnitReport.objects.get()
    saved = {value.indicator.code: (value.value, value.note) for value in report.values.all()}
    assert saved == {
        "DT_RECV": (Decimal(3), ""),
        "DT_DONE": (Decimal(5), "Giải quyết cả đơn tồn"),
        "FUND": (Decimal("12.5"), ""),
    }
    assert report.history.filter(event="saved").exists()  # as typed values are


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"E6": "ba"}, "E6: "),
        ({"E6": 2.5}, "E6: "),  # a fraction of a whole-number indicator
        ({"E6": "10,000"}, "E6: "),  # 10 or 10.000: refused, as typed on the form
        ({"A9": "KHONG_CO", "E9": 1}, "A9: không có chỉ tiêu “KHONG_CO”"),
        ({"B3": "2026-q3"}, "B3: trang tính này của “2026-q3”"),
        ({"B2": "khong-co"}, "B2: không có đơn vị mã “khong-co”"),
    ],
    ids=["text", "fraction", "ambiguous", "unknown-indicator", "other-quarter", "unknown-unit"],
)
def test_each_problem_names_its_cell_and_nothing_is_saved(client, world, cells, message):
    client.force_login(world["head"])

    page = upload(client, world, filled(template_of(client, world), **cells)).content.decode()

    assert message in page
    assert "Không trang tính nào nhập được" in page
    assert confirm(client, world).status_code == 302
    assert not IndicatorValue.objects.exists()


def test_a_sheet_of_a_unit_one_may_not_enter_is_refused(client, world):
    client.force_login(world["other_head"])
    other = template_of(client, world, "du-hongai")
    client.force_login(world["head"])
    ours = template_of(client, world)
    theirs = ours.create_sheet("du-hongai")
    for row in other.worksheets[0].iter_rows():
        for cell in row:
            theirs[cell.coordinate] = cell.value
    theirs["E6"] = 9

    page = upload(client, world, filled(ours, E6=4)).content.decode()
    confirm(client, world)

    assert "Anh/chị không được nhập báo cáo Quý IV/2026 của Đảng ủy phường Hồng Gai" in page
    assert list(IndicatorValue.objects.values_list("report__unit__code", "value")) == [
        ("du-baichay", Decimal(4))
    ]


def test_the_administrator_enters_several_units_in_one_workbook(client, world):
    client.force_login(world["admin"])
    response = client.get(reverse("reports:workbook_template", args=[world["quarter"]]))
    workbook = load_workbook(io.BytesIO(response.content))
    assert {sheet.title for sheet in workbook.worksheets} >= {"du-baichay", "du-hongai"}
    for sheet in workbook.worksheets:
        sheet["E6"] = 2

    upload(client, world, filled(workbook))
    confirmed = confirm(client, world)

    units = set(IndicatorValue.objects.values_list("report__unit__code", flat=True))
    assert {"du-baichay", "du-hongai"} <= units
    assert confirmed["Location"] == reverse("reports:import_workbook", args=[world["quarter"]])


def test_units_whose_codes_differ_only_in_case_get_a_sheet_each_and_import_alike(client, world):
    # A code is a slug, and nothing lowercases it: "DU-BAICHAY" may sit beside
    # "du-baichay". Excel refuses two sheets of one name ignoring case.
    twin = f.UnitFactory(code="DU-BAICHAY", parent=world["unit"].parent)
    client.force_login(world["admin"])
    response = client.get(reverse("reports:workbook_template", args=[world["quarter"]]))
    workbook = load_workbook(io.BytesIO(response.content))
    codes = {sheet["B2"].value: sheet.title for sheet in workbook.worksheets}
    assert {codes["du-baichay"], codes[twin.code]} in (
        {"du-baichay", "DU-BAICHAY (2)"},
        {"DU-BAICHAY", "du-baichay (2)"},
    )
    for sheet in workbook.worksheets:
        sheet["E6"] = 2
    upload(client, world, filled(workbook))
    confirm(client, world)
    assert IndicatorValue.objects.filter(report__unit=twin).exists()


def test_a_workbook_of_several_units_stays_on_the_import_page_when_one_sheet_is_saved(
    client, world
):
    """The other sheets were refused: the administrator uploads them again from here."""
    client.force_login(world["admin"])
    response = client.get(reverse("reports:workbook_template", args=[world["quarter"]]))
    workbook = load_workbook(io.BytesIO(response.content))
    for sheet in workbook.worksheets:
        sheet["E6"] = 2 if sheet.title == "du-baichay" else "nhiều"

    upload(client, world, filled(workbook))
    confirmed = confirm(client, world)

    assert set(IndicatorValue.objects.values_list("report__unit__code", flat=True)) == {
        "du-baichay"
    }
    assert confirmed["Location"] == reverse("reports:import_workbook", args=[world["quarter"]])


def test_a_report_saved_since_the_preview_is_not_overwritten(client, world):
    client.force_login(world["head"])
    upload(client, world, filled(template_of(client, world), E6=3))
    report, _ = services.report_get_or_create_draft(
        unit=world["unit"], quarter=world["quarter"], user=world["head"]
    )
    services.report_save_draft(
        report=report,
        user=world["head"],
        data={},
        values={world["indicators"]["DT_RECV"].id: (Decimal(40), "gõ tay")},
        expected_version=report.version,
    )

    response = confirm(client, world)

    assert response.status_code == 302
    assert IndicatorValue.objects.get().value == 40


@pytest.mark.parametrize(
    ("name", "content"),
    [("so-lieu.xls", b"\xd0\xcf\x11\xe0"), ("so-lieu.xlsx", b"%PDF-1.4"), ("so-lieu.xlsx", b"PK")],
    ids=["xls", "pdf", "broken-zip"],
)
def test_what_is_not_a_workbook_is_refused_with_a_clear_message(client, world, name, content):
    client.force_login(world["head"])

    response = upload(client, world, content, name)

    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()


def test_who_may_import(client, world):
    url = reverse("reports:import_workbook", args=[world["quarter"]])
    for user, status in (
        (world["head"], 200),
        (world["admin"], 200),
        (world["reviewer"], 403),
        (f.leader(username="leader"), 403),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.force_login(world["other_head"])
    workbook_url = reverse("reports:workbook", args=["du-baichay", world["quarter"]])
    assert client.get(workbook_url).status_code == 404


def test_confirming_saves_what_this_preview_showed_not_another_tabs(client, world):
    client.force_login(world["head"])
    first = upload(client, world, filled(template_of(client, world), E6=3))
    upload(client, world, filled(template_of(client, world), E6=99))  # another tab

    confirm(client, world, token_of(first))

    assert not IndicatorValue.objects.exists()  # neither: upload again, and confirm that


def test_a_unit_on_two_sheets_is_imported_from_the_first_only(client, world):
    client.force_login(world["head"])
    workbook = template_of(client, world)
    twice = workbook.copy_worksheet(workbook.worksheets[0])
    twice["E6"] = 7

    preview = upload(client, world, filled(workbook, E6=3))
    confirm(client, world)

    assert "đã có ở trang tính “du-baichay”" in preview.content.decode()
    assert IndicatorValue.objects.get().value == 3


def test_a_damaged_workbook_is_refused_not_a_server_error(client, world):
    client.force_login(world["head"])
    content = filled(template_of(client, world), E6=3)
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of its XML
            target.writestr(item, data)

    response = upload(client, world, damaged.getvalue())

    assert response.status_code == 400
    assert "Không đọc được tệp Excel này" in response.content.decode()


def test_the_administrators_workbook_holds_units_that_filed_earlier_but_not_now(client, world):
    q3 = world["quarter"].__class__.objects.get(year=2026, number=3)
    f.UnitReportFactory(unit=world["unit"], quarter=q3, status="accepted")
    f.UnitReportFactory(unit=world["unit"], quarter=world["quarter"])  # a draft now
    client.force_login(world["admin"])

    response = client.get(reverse("reports:workbook_template", args=[world["quarter"]]))

    titles = {sheet.title for sheet in load_workbook(io.BytesIO(response.content)).worksheets}
    assert "du-baichay" in titles
