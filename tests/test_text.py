"""Search that ignores Vietnamese diacritics, case and spacing."""

import unicodedata

import pytest

from reports.text import fold, search_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dân vận khéo", "dan van kheo"),
        ("ĐẢNG BỘ", "dang bo"),
        ("đảng bộ", "dang bo"),
        ("Ban Dân vận Tỉnh ủy", "ban dan van tinh uy"),
        ("Hội Liên hiệp Phụ nữ", "hoi lien hiep phu nu"),
        ("Ủy ban MTTQ Việt Nam", "uy ban mttq viet nam"),
        ("Cựu chiến binh", "cuu chien binh"),
        ("Quảng Ninh", "quang ninh"),
        ("Bộ Chỉ huy Quân sự", "bo chi huy quan su"),
        ("Ơn Ưu ĩ Ỹ ẵ ậ ố ữ", "on uu i y a a o u"),
        ("Quý I/2024", "quy i/2024"),
        ("4-5 huyện", "4-5 huyen"),
        ("plain ascii", "plain ascii"),
    ],
)
def test_fold_strips_diacritics_and_case(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize("text", ["Dân vận khéo", "ĐẢNG BỘ TỈNH QUẢNG NINH", "Nghị quyết 20-NQ/TU"])
def test_composed_and_decomposed_input_fold_alike(text):
    composed = unicodedata.normalize("NFC", text)
    decomposed = unicodedata.normalize("NFD", text)
    assert composed != decomposed
    assert fold(composed) == fold(decomposed)
    assert fold(decomposed).isascii()


def test_the_old_style_tone_placement_folds_alike():
    # "hoà" (old style) and "hòa" (new style) are the same word.
    assert fold("hoà bình") == fold("hòa bình") == "hoa binh"


@pytest.mark.parametrize("empty", [None, "", "   ", "\t\n"])
def test_fold_of_nothing_is_the_empty_string(empty):
    assert fold(empty) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Dân   vận  ", "dan van"),
        ("Dân\tvận\nkhéo", "dan van kheo"),
        ("Dân\u00a0vận", "dan van"),
        ("a  \r\n  b", "a b"),
    ],
)
def test_fold_collapses_whitespace(text, expected):
    assert fold(text) == expected


def test_folding_twice_changes_nothing():
    once = fold("  ĐẢNG BỘ  Dân vận khéo ")
    assert fold(once) == once


def test_a_folded_query_finds_the_folded_text():
    stored = search_text("Mô hình Dân vận khéo", "xã Đông Xá")
    for query in ("dan van kheo", "DÂN VẬN", "Đông Xá", "dong xa", "mo hinh"):
        assert fold(query) in stored


def test_search_text_joins_the_folded_parts():
    assert search_text("DV-01", "Dân vận khéo", "Đông Xá") == "dv-01 dan van kheo dong xa"


def test_search_text_skips_empty_parts():
    assert search_text("Dân", "", None, "Vận") == "dan van"
    assert search_text("", None) == ""
    assert search_text() == ""


def test_search_text_keeps_non_text_parts():
    assert search_text("Chỉ thị", 12, 0) == "chi thi 12 0"
