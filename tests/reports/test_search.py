"""Search across the texts units submitted (issue 16, part 7): without diacritics,
only what the user may read, never a unit's unsubmitted edits, with the words
marked in excerpts."""

import datetime
import unicodedata

import pytest
from django.urls import reverse

from reports import services
from reports.models import ReportVersion
from reports.search import excerpt
from tests import factories as f

SUBMITTED = "Nhân dân tin tưởng; mô hình “Dân vận khéo” ở khu phố 3 được nhân rộng."
EDITED = "Đoạn sửa chưa gửi: đường dây nóng."


@pytest.fixture
def world(db):
    quarter = f.QuarterFactory(year=2026, number=4, due_date=datetime.date(2030, 1, 10))
    unit = f.UnitFactory(code="du-baichay", name="Đảng ủy phường Bãi Cháy")
    head = f.member(unit, role="head", user__username="bc-head")
    report, _ = services.report_get_or_create_draft(unit=unit, quarter=quarter, user=head)
    report = services.report_save_draft(
        report=report,
        user=head,
        data={**f.REPORT_SECTIONS, "results": SUBMITTED},
        values={},
        expected_version=report.version,
    )
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    reviewer = f.reviewer(username="reviewer")
    report = services.report_return(report=report, user=reviewer, comment="Bổ sung")
    services.report_save_draft(
        report=report,
        user=head,
        data={"shortcomings": EDITED},
        values={},
        expected_version=report.version,
    )
    return {
        "quarter": quarter,
        "head": head,
        "reviewer": reviewer,
        "outsider": f.reviewer(f.UnitFactory(code="tinh-khac"), username="reviewer-x"),
        "other_unit": f.member(f.UnitFactory(code="khac"), user__username="khac-reporter"),
    }


def search(client, user, q, **params):
    client.force_login(user)
    response = client.get(reverse("reports:search"), {"q": q, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["dân vận khéo", "DAN VAN KHEO", unicodedata.normalize("NFD", "Dân vận khéo"), "kheo dan"],
)
def test_words_are_found_however_they_are_typed(client, world, query):
    page = search(client, world["reviewer"], query)

    assert "1 báo cáo có các từ này." in page
    assert "<mark>Dân</mark>" in page
    assert "<mark>khéo</mark>" in page


def test_the_excerpt_marks_the_words_in_the_original_text():
    cut = excerpt("Kết quả", SUBMITTED, ["dan", "van", "kheo"])

    marked = [text for text, is_word in cut.pieces if is_word]
    assert marked == ["dân", "Dân", "vận", "khéo"]
    assert "".join(text for text, _ in cut.pieces) == SUBMITTED


def test_unsubmitted_edits_are_never_found_by_reviewers(client, world):
    assert "Không báo cáo nào" in search(client, world["reviewer"], "duong day nong")
    assert ReportVersion.objects.count() == 1


def test_outsiders_find_nothing(client, world):
    for user in (world["outsider"], world["other_unit"]):
        assert "Không báo cáo nào" in search(client, user, "dan van kheo")


def test_the_unit_finds_what_it_submitted(client, world):
    assert "1 báo cáo có các từ này." in search(client, world["head"], "khu pho 3")


def test_odd_queries_answer_without_error(client, world):
    for query in ("", "%", "_", "\\", "' OR 1=1 --", "a" * 5000, "\x00"):
        search(client, world["reviewer"], query, quarter="²")


def test_a_search_runs_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    client.force_login(world["reviewer"])
    with django_assert_max_num_queries(10):
        client.get(reverse("reports:search"), {"q": "dan van"})
