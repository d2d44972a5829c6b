"""Search that ignores Vietnamese diacritics, case and spacing."""

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from common.text import clean_text, fold, search_text


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


# --- clean_text: the one cleaning of typed text -------------------------------------

NFD_DAN_VAN = unicodedata.normalize("NFD", "Dân vận khéo")
KEPT = "\u200b\u200d\ufeff\u200e\u200f\u202e😀👍🏽🇻🇳\t"
REMOVED = "".join(
    [chr(c) for c in range(0x20) if chr(c) not in "\t\n\x0b\x0c\r"]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0) if c != 0x85]
    + ["\ud800", "\udfff", "\ufffe", "\uffff"]
)


def test_clean_text_composes_decomposed_vietnamese():
    assert NFD_DAN_VAN != "Dân vận khéo"
    assert clean_text(NFD_DAN_VAN) == "Dân vận khéo"


@pytest.mark.parametrize(
    "line_break", ["\r\n", "\r", "\n", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"]
)
def test_clean_text_turns_every_line_break_into_a_newline(line_break):
    assert clean_text(f"Dòng một{line_break}Dòng hai") == "Dòng một\nDòng hai"


def test_word_shift_enter_becomes_a_new_line():
    assert clean_text("Ban Dân vận\x0bTỉnh ủy") == "Ban Dân vận\nTỉnh ủy"


def test_windows_line_breaks_become_one_newline_each():
    assert clean_text("a\r\n\r\nb\r") == "a\n\nb\n"


@pytest.mark.parametrize("control", list(REMOVED))
def test_clean_text_removes_controls_surrogates_and_noncharacters(control):
    assert clean_text(f"Dân{control}vận") == "Dânvận"


def test_clean_text_removes_nul():
    assert clean_text("\x00Dân\x00 vận\x00") == "Dân vận"


def test_clean_text_keeps_tab_zero_width_direction_marks_and_emoji():
    assert clean_text(KEPT) == KEPT


def test_a_control_between_a_letter_and_its_accent_does_not_stop_the_composition():
    # "â" typed as "a" + combining circumflex, a NUL between them.
    assert clean_text("Da\x00\u0302n") == "Dân"


def test_clean_text_of_clean_text_changes_nothing():
    text = "Dân vận khéo\n\tmô hình “hay” 😀 \u200b 12,5%"
    assert clean_text(text) == text


hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec=None),
        st.sampled_from(list(REMOVED + KEPT + "\r\n\x0b\x0c\u2028")),
        st.sampled_from(list(NFD_DAN_VAN)),
    ),
    max_size=200,
)


@settings(max_examples=3 * settings.default.max_examples, deadline=None, derandomize=True)
@given(hostile_text)
def test_cleaned_text_is_nfc_free_of_controls_and_stable(text):
    cleaned = clean_text(text)
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not set(cleaned) & set(REMOVED + "\r\x0b\x0c\x85\u2028\u2029")
    assert clean_text(cleaned) == cleaned
    # Valid UTF-8 (no lone surrogate) that XML 1.0 can carry.
    cleaned.encode("utf-8")


@settings(max_examples=2 * settings.default.max_examples, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"))))
def test_clean_text_keeps_ordinary_text_except_for_composition(text):
    assert clean_text(text) == unicodedata.normalize(
        "NFC", text.replace("\ufffe", "").replace("\uffff", "")
    )


def test_search_text_never_holds_a_control_character():
    assert search_text("Giao\x00ban", "Dân\x0bvận") == "giaoban dan van"


def test_a_list_items_first_word_is_capitalised_after_a_label_in_brackets():
    from common.text import capital_first

    assert capital_first("phối hợp còn hạn chế") == "Phối hợp còn hạn chế"
    assert capital_first("[Dữ liệu mẫu] việc nắm tình hình") == "[Dữ liệu mẫu] Việc nắm tình hình"
    assert capital_first("[a] [b] đã") == "[a] [b] Đã"
    assert capital_first("") == ""
    assert capital_first("[chỉ nhãn]") == "[chỉ nhãn]"
