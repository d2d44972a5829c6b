"""What a resubmission changed (issue 16, part 1): a text diff per section and the
values' deltas against the submission the reviewer returned, on the report and
version pages, and "resubmitted: 1 section, 2 indicators changed" in the queue."""

import datetime
import importlib
import itertools
import unicodedata
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from reports import services
from reports.changes import (
    Piece,
    SubmittedValue,
    changed_values,
    compare,
    text_diff,
)
from reports.models import ReportVersion
from tests import factories as f

FIRST = "Tiếp nhận nhiệm vụ do thành ủy bàn giao."
SECOND = "Tiếp nhận nhiệm vụ do thành ủy bàn giao; đối thoại với nhân dân <b>ở khu phố</b>."
COMMENT = "Đề nghị bổ sung kết quả đối thoại và số liệu."


def _before(pieces) -> str:
    return "".join(piece.text for piece in pieces if piece.kind != Piece.ADDED)


def _after(pieces) -> str:
    return "".join(piece.text for piece in pieces if piece.kind != Piece.REMOVED)


# --- The diff ------------------------------------------------------------------------

WORDS = st.sampled_from(["Nhân", "dân", "tin", "tưởng", ".", ",", ";", " ", "\n", "ổn", "định"])
TEXTS = st.lists(WORDS, max_size=40).map("".join)


@given(before=TEXTS, after=TEXTS)
def test_a_diff_gives_back_both_texts_exactly(before, after):
    pieces = text_diff(before, after)

    assert _before(pieces) == before
    assert _after(pieces) == after
    assert all(piece.text for piece in pieces)
    # Runs of one kind are one piece.
    assert all(a.kind != b.kind for a, b in itertools.pairwise(pieces))


def test_a_diff_keeps_the_words_a_person_kept():
    pieces = text_diff(FIRST, SECOND)

    assert (pieces[0].kind, pieces[0].text) == (
        Piece.SAME,
        "Tiếp nhận nhiệm vụ do thành ủy bàn giao",
    )
    assert [piece.kind for piece in pieces] == [Piece.SAME, Piece.ADDED, Piece.SAME]
    assert pieces[-1].text == "."


def test_a_rewritten_phrase_reads_as_one_removal_and_one_addition():
    pieces = text_diff("Một hai ba bốn năm.", "Một sáu bảy tám năm.")

    assert [(piece.kind, piece.text) for piece in pieces] == [
        (Piece.SAME, "Một "),
        (Piece.REMOVED, "hai ba bốn"),
        (Piece.ADDED, "sáu bảy tám"),
        (Piece.SAME, " năm."),
    ]


def test_unchanged_paragraphs_stay_whole_in_a_long_section():
    paragraphs = [f"Đoạn {n}: nhân dân đồng thuận với chủ trương." for n in range(400)]
    before = "\n".join(paragraphs)
    paragraphs[200] = "Đoạn 200: sửa lại."
    after = "\n".join(paragraphs)

    pieces = text_diff(before, after)

    assert len(pieces) == 4  # kept, removed, added, kept
    assert (pieces[1].kind, pieces[1].text) == (Piece.REMOVED, "nhân dân đồng thuận với chủ trương")
    assert (pieces[2].kind, pieces[2].text) == (Piece.ADDED, "sửa lại")


def value(code: str, amount: str, note: str = "", order: int = 0) -> SubmittedValue:
    return SubmittedValue(code, code.upper(), "buổi", order, Decimal(amount), note)


def test_changed_values_lists_changes_additions_and_removals_only():
    before = [value("a", "5", order=1), value("b", "7", order=2), value("c", "1", order=3)]
    after = [value("a", "10", order=1), value("b", "7", "mới", order=2), value("d", "3", order=0)]

    changes = changed_values(before, after)

    assert [(c.code, c.before, c.after, c.delta) for c in changes] == [
        ("d", None, Decimal("3"), None),
        ("a", Decimal("5"), Decimal("10"), Decimal("5")),
        ("b", Decimal("7"), Decimal("7"), Decimal("0")),
        ("c", Decimal("1"), None, None),
    ]
    assert [c.note_changed for c in changes] == [False, False, True, False]
    assert changed_values(before, before) == []


# --- Through the services and the pages ---------------------------------------------


@pytest.fixture
def world(db):
    unit = f.UnitFactory(code="du-baichay", name="Đảng ủy phường Bãi Cháy")
    quarter = f.QuarterFactory(year=2026, number=4, due_date=datetime.date(2030, 1, 10))
    sessions = f.IndicatorFactory(code="buoi", name="Buổi tuyên truyền", measure="buổi")
    people = f.IndicatorFactory(code="luot", name="Lượt người dự", measure="lượt người")
    models = f.IndicatorFactory(code="mo-hinh", name="Mô hình công nhận", measure="mô hình")
    return {
        "unit": unit,
        "quarter": quarter,
        "indicators": (sessions, people, models),
        "head": f.member(unit, role="head", user__username="bc-head"),
        "reviewer": f.reviewer(username="reviewer"),
        "outsider": f.reviewer(f.UnitFactory(code="khac"), username="outsider"),
    }


def _save_and_submit(world, report, results: str, values: dict):
    report = services.report_save_draft(
        report=report,
        user=world["head"],
        data={
            "people_situation": "Nhân dân phấn khởi.",
            "results": results,
            "shortcomings": "Còn chậm.",
            "next_plan": "Tiếp tục.",
            "recommendations": "",
        },
        values=values,
        expected_version=report.version,
    )
    return services.report_submit(
        report=report, user=world["head"], expected_version=report.version
    )


@pytest.fixture
def resubmitted(world):
    sessions, people, models = world["indicators"]
    report, _ = services.report_get_or_create_draft(
        unit=world["unit"], quarter=world["quarter"], user=world["head"]
    )
    report = _save_and_submit(
        world,
        report,
        FIRST,
        {sessions.id: (Decimal("48"), ""), people.id: (Decimal("1200"), ""), models.id: (None, "")},
    )
    report = services.report_return(report=report, user=world["reviewer"], comment=COMMENT)
    report = _save_and_submit(
        world,
        report,
        SECOND,
        {
            sessions.id: (Decimal("63"), ""),
            people.id: (Decimal("1200"), "đã đối chiếu"),
            models.id: (Decimal("2"), ""),
        },
    )
    return report


def test_each_resubmission_counts_what_it_changed(resubmitted):
    first, second = ReportVersion.objects.filter(report=resubmitted).order_by("number")

    assert (first.sections_changed, first.values_changed) == (None, None)
    assert (second.sections_changed, second.values_changed) == (1, 3)
    changes = compare(first, second)
    assert [section.name for section in changes.sections] == ["results"]
    assert [(v.code, v.before, v.after) for v in changes.values] == [
        ("buoi", Decimal("48"), Decimal("63")),
        ("luot", Decimal("1200"), Decimal("1200")),
        ("mo-hinh", None, Decimal("2")),
    ]


def test_the_reviewer_sees_what_changed_since_the_return(client, world, resubmitted):
    client.force_login(world["reviewer"])

    page = client.get(resubmitted.get_absolute_url()).content.decode()

    assert "Lần gửi 2 đã sửa gì so với lần gửi 1" in page
    assert "Gửi lại: 1 phần, 3 chỉ tiêu thay đổi" in page
    assert COMMENT in page
    # The added words, escaped like every text of the page.
    assert "<ins>; đối thoại với nhân dân &lt;b&gt;ở khu phố&lt;/b&gt;</ins>" in page
    assert "<b>ở khu phố</b>" not in page
    assert '<span class="text-success">+15</span>' in page
    assert "<ins>đã đối chiếu</ins>" in page


def test_the_version_page_shows_what_each_later_submission_changed(client, world, resubmitted):
    client.force_login(world["reviewer"])
    url = reverse(
        "reports:version",
        kwargs={"unit_code": "du-baichay", "quarter": world["quarter"], "number": 2},
    )

    second = client.get(url).content.decode()
    first = client.get(url.replace("/2/", "/1/")).content.decode()

    assert "Lần gửi 2 đã sửa gì so với lần gửi 1" in second
    assert "đã sửa gì so với" not in first


def test_the_queue_says_what_a_resubmission_changed(client, world, resubmitted):
    client.force_login(world["reviewer"])

    page = client.get(reverse("reports:queue_quarter", args=[world["quarter"]])).content.decode()

    assert "Gửi lại: 1 phần, 3 chỉ tiêu thay đổi" in page
    # It awaits review again: the return is not shown as its review.
    returned_on = timezone.localtime(resubmitted.reviewed_at).strftime("%d/%m/%Y")
    row = page[page.index("Gửi lại: 1 phần") :].split("</tr>")[0]
    assert returned_on not in row.split("</td>")[-2]


def test_a_reviewer_of_another_subtree_sees_none_of_it(client, world, resubmitted):
    client.force_login(world["outsider"])

    assert client.get(resubmitted.get_absolute_url()).status_code == 404
    queue = client.get(reverse("reports:queue_quarter", args=[world["quarter"]]))
    assert "Bãi Cháy" not in queue.content.decode()


def test_the_migration_counts_the_versions_submitted_before_it(resubmitted):
    ReportVersion.objects.update(sections_changed=None, values_changed=None)
    migration = importlib.import_module("reports.migrations.0021_version_change_counts")

    migration.count_changes(apps, None)

    counts = ReportVersion.objects.order_by("number").values_list(
        "sections_changed", "values_changed"
    )
    assert list(counts) == [(None, None), (1, 3)]


def test_decomposed_text_typed_again_is_no_change(world, resubmitted):
    """Text is stored composed (NFC): the same words typed decomposed change nothing."""
    report = services.report_return(report=resubmitted, user=world["reviewer"], comment=COMMENT)
    decomposed = unicodedata.normalize("NFD", SECOND)
    sessions, people, models = world["indicators"]
    _save_and_submit(
        world,
        report,
        decomposed,
        {
            sessions.id: (Decimal("63"), ""),
            people.id: (Decimal("1200"), "đã đối chiếu"),
            models.id: (Decimal("2"), ""),
        },
    )

    third = ReportVersion.objects.get(report=resubmitted, number=3)
    assert (third.sections_changed, third.values_changed) == (0, 0)
