"""The consolidated report written on its drafting page (issue 15, part 2): the
commission writes each section beside the units' submitted texts, quotes them, saves
drafts with history, marks it final; the .docx is that text, the units' own texts an
annex when chosen."""

import json

import pytest
from django.urls import reverse

from reports import permissions
from reports.models import ConsolidatedReport, DraftStatus, Unit, UnitKind
from tests.downloads import docx_of
from tests.security import world as audit

pytestmark = pytest.mark.django_db

# The audit world (tests/security/world.py): built once for the module, copied for each test.
built_world, world = audit.built_world, audit.world

DRAFT = reverse("quarters:draft", args=["2024-q1"])
DOCX = reverse("quarters:report_docx", args=["2024-q1"])


def written(world) -> ConsolidatedReport:
    return ConsolidatedReport.objects.get(unit__code="bdv", quarter=world.q1)


def form_data(page, **changes) -> dict:
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["units_annex"] = "on" if form["units_annex"].value() else ""
    return {**{k: v for k, v in data.items() if v != ""}, "action": "save", **changes}


def body_of(response) -> str:
    return "\n".join(p.text for p in docx_of(response).paragraphs)


def test_who_may_read_and_who_may_write_it(client, world):
    users = world.users
    commission = Unit.objects.get(code="bdv")
    ours = written(world)
    assert permissions.can_write_consolidated_report(users["reviewer"], commission.id, ours)
    for role in ("leader", "admin", "reporter_u", "head_u", "reviewer_x", "leader_x"):
        assert not permissions.can_write_consolidated_report(users[role], commission.id, ours)
    for role in ("reviewer", "leader", "admin"):
        assert permissions.can_read_consolidated_report(users[role], commission.id)
    for role in ("reporter_u", "head_u", "reviewer_x", "leader_x"):
        assert not permissions.can_read_consolidated_report(users[role], commission.id)

    client.force_login(users["reviewer"])
    page = client.get(DRAFT)
    assert page.status_code == 200
    assert 'name="results"' in page.text and "Nội dung: báo cáo tổng hợp" in page.text

    client.force_login(users["leader"])
    page = client.get(DRAFT)
    assert page.status_code == 200
    assert "Nội dung: báo cáo tổng hợp" in page.text
    assert 'name="results"' not in page.text and "data-quote" not in page.text
    assert client.post(DRAFT, {"results": "Lãnh đạo sửa", "version": "1"}).status_code == 403

    for role in ("reporter_u", "head_u"):
        client.force_login(users[role])
        assert client.get(DRAFT).status_code == 403
        assert client.post(DRAFT, {"results": "Đơn vị sửa", "version": "1"}).status_code == 403

    # The other province's reviewer writes their own commission's report, never ours.
    client.force_login(users["reviewer_x"])
    page = client.get(DRAFT)
    assert "Báo cáo tổng hợp riêng của tỉnh khác" in page.text
    assert "Nội dung: báo cáo tổng hợp" not in page.text and "Đơn vị U" not in page.text
    client.post(DRAFT, form_data(page, results="Tỉnh khác viết"))
    assert written(world).results == "Nội dung: báo cáo tổng hợp"
    assert ConsolidatedReport.objects.get(unit__code="bdv-x").results == "Tỉnh khác viết"


def test_the_units_texts_are_found_by_kind_and_without_diacritics(client, world):
    client.force_login(world.users["reviewer"])
    Unit.objects.filter(code="v").update(kind=UnitKind.FRONT)

    def units(**query) -> list[str]:
        page = client.get(DRAFT, {"partial": "1", "section": "results", **query})
        assert page.status_code == 200
        return [source.unit_name for source in page.context["sources"]]

    # Submitted and accepted reports, never a draft (V's Q2 draft is another quarter).
    assert units() == ["Đơn vị U", "Đơn vị V"]
    assert units(kind=UnitKind.FRONT) == ["Đơn vị V"]
    assert units(q="NOI DUNG results") == ["Đơn vị U", "Đơn vị V"]
    assert units(q="noi dung   RESULTS", kind=UnitKind.MASS_ORG) == ["Đơn vị U"]
    assert units(q="không có") == []
    assert units(section="not-a-section", kind="nonsense", q="\x00") == [
        "Đơn vị U",
        "Đơn vị V",
    ]


def test_a_quote_is_kept_while_its_words_are_in_the_section(client, world):
    client.force_login(world.users["reviewer"])
    page = client.get(DRAFT)
    quotes = [
        {"section": "results", "source": world.u_submitted.pk, "excerpt": "Nội dung: results"},
        # Another province's report, a draft, words no longer in the text: not kept.
        {"section": "results", "source": world.w_submitted.pk, "excerpt": "Nội dung"},
        {"section": "results", "source": world.v_draft.pk, "excerpt": "Nội dung"},
        {"section": "people_situation", "source": world.v_accepted.pk, "excerpt": "xóa rồi"},
        {"section": "people_situation", "source": world.v_accepted.pk, "excerpt": "Noi dung"},
    ]
    response = client.post(
        DRAFT,
        form_data(
            page,
            results="Các đơn vị báo cáo: Nội dung: results.",
            people_situation="Tình hình: nội dung ổn định.",
            quotes=json.dumps(quotes),
        ),
    )
    assert response.status_code == 302
    ours = written(world)
    assert ours.version == 2 and ours.history.first().history_user == world.users["reviewer"]
    assert sorted((q.section, q.source_id) for q in ours.quotes.all()) == [
        ("people_situation", world.v_accepted.pk),
        ("results", world.u_submitted.pk),
    ]
    page = client.get(DRAFT)
    assert page.context["rows"][1]["quoted"] == ["Đơn vị U"]

    # Typing over a quotation drops it; saving the same again writes nothing.
    client.post(DRAFT, form_data(page, results="Viết lại hoàn toàn."))
    ours = written(world)
    assert [q.section for q in ours.quotes.all()] == ["people_situation"]
    history = ours.history.count()
    client.post(DRAFT, form_data(client.get(DRAFT)))
    assert written(world).history.count() == history


def test_the_document_is_the_written_text_with_the_units_texts_as_an_annex(client, world):
    client.force_login(world.users["reviewer"])
    body = body_of(client.get(DOCX))
    assert "DỰ THẢO" in body
    main, annex = body.split("PHỤ LỤC")
    assert "Nội dung: báo cáo tổng hợp" in main and "Đơn vị U" not in main
    assert "(Phần này chưa được soạn thảo.)" in main  # the sections not written yet
    assert "Đơn vị U" in annex and "Nội dung: results" in annex

    page = client.get(DRAFT)
    data = form_data(page, action="final")
    data.pop("units_annex")
    assert client.post(DRAFT, data).status_code == 302
    body = body_of(client.get(DOCX))
    assert "DỰ THẢO" not in body and "PHỤ LỤC" not in body
    assert "Nội dung: báo cáo tổng hợp" in body and "Nội dung: results" not in body

    # Unit staff's document holds their own unit's texts, as before.
    client.force_login(world.users["head_u"])
    body = body_of(client.get(DOCX))
    assert "Đơn vị U" in body and "Nội dung: results" in body
    assert "DỰ THẢO" not in body and "báo cáo tổng hợp" not in body


def test_final_freezes_the_text_until_a_reviewer_takes_it_back(client, world):
    client.force_login(world.users["reviewer"])
    page = client.get(DRAFT)
    client.post(DRAFT, form_data(page, results="Bản chính thức.", action="final"))
    assert written(world).status == DraftStatus.FINAL

    refused = client.post(DRAFT, form_data(page, results="Sửa sau khi chốt."), follow=True)
    assert "hãy đưa về dự thảo để sửa" in refused.text
    assert written(world).results == "Bản chính thức."

    client.force_login(world.users["leader"])
    assert client.post(DRAFT, {"action": "reopen", "version": "3"}).status_code == 403
    client.force_login(world.users["reviewer"])
    version = written(world).version
    assert client.post(DRAFT, {"action": "reopen", "version": str(version - 1)}).status_code == 302
    assert written(world).is_final  # an old version reopens nothing
    client.post(DRAFT, {"action": "reopen", "version": str(version)})
    ours = written(world)
    assert ours.status == DraftStatus.DRAFT and ours.results == "Bản chính thức."
    assert [row.status for row in ours.history.order_by("history_id")][-2:] == ["final", "draft"]


def test_two_reviewers_saving_from_one_version_do_not_overwrite_each_other(client, world):
    client.force_login(world.users["reviewer"])
    page = client.get(DRAFT)
    first = form_data(page, results="Người thứ nhất viết.")
    second = form_data(page, results="Người thứ hai viết.")
    assert client.post(DRAFT, first).status_code == 302
    conflict = client.post(DRAFT, second)
    assert conflict.status_code == 409
    assert "Người thứ hai viết." in conflict.text  # what they typed is still in the form
    assert "Người thứ nhất viết." in conflict.text  # beside the version on record
    assert written(world).results == "Người thứ nhất viết."
    # Saving again, knowingly, goes over it.
    again = form_data(conflict, results="Người thứ hai viết.")
    assert client.post(DRAFT, again).status_code == 302
    assert written(world).results == "Người thứ hai viết."


def test_unreadable_quotations_are_refused_and_nothing_typed_is_lost(client, world):
    client.force_login(world.users["reviewer"])
    page = client.get(DRAFT)
    too_large = '[{"section": "results", "source": 100000000000000000000, "excerpt": "x"}]'
    for quotes in ("{not json", '[{"section": "results"}]', "[" * 5000, '"a string"', too_large):
        response = client.post(DRAFT, form_data(page, results="Chữ vừa gõ.", quotes=quotes))
        assert response.status_code == 400
        assert "Chữ vừa gõ." in response.text
        assert written(world).results == "Nội dung: báo cáo tổng hợp"
