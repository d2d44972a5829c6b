"""Quality checks on a report's figures (issue 16, part 2): rules between indicators
kept in the admin (read by a small parser, never eval), the unit's own history, the
units of the same kind beside it; a flagged value needs an explanation before the
report is submitted, and reviewers see the flags in the queue and on the report."""

import contextlib
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from reports import services
from reports.expressions import ExpressionError, parse
from reports.models import (
    FollowUp,
    Indicator,
    IndicatorValue,
    ReportStatus,
    ReportVersion,
    ValidationRule,
)
from reports.quality import value_flags
from tests import factories as f

# --- The expressions -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("DT_DONE", Decimal(5)),
        ("DT_RECV - 1", Decimal(2)),
        ("2 * (DT_DONE + DT_RECV) / 4", Decimal(4)),
        ("-DT_DONE + 10", Decimal(5)),
        ("[dt-khac] * 1.5", Decimal("3.0")),
    ],
)
def test_an_expression_is_read_and_evaluated(text, value):
    values = {"DT_DONE": Decimal(5), "DT_RECV": Decimal(3), "dt-khac": Decimal(2)}

    assert parse(text).evaluate(values) == value


def test_a_missing_value_or_a_division_by_zero_makes_a_rule_not_apply():
    assert parse("DT_DONE").evaluate({}) is None
    assert parse("DT_DONE / DT_RECV").evaluate({"DT_DONE": Decimal(1), "DT_RECV": 0}) is None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "DT_DONE +",
        "(DT_DONE",
        "DT_DONE)",
        "__import__('os')",
        "DT_DONE; 1",
        "a.b",
        "2 ** 3",
        "(" * 299 + "A" + ")" * 299,  # deeper than any rule: refused, not a crash
        "-" * 299 + "A",
    ],
)
def test_what_is_not_an_expression_is_refused(text):
    with pytest.raises(ExpressionError):
        parse(text)


@given(st.text(max_size=40))
def test_any_text_is_read_or_refused_never_anything_else(text):
    with contextlib.suppress(ExpressionError):  # anything else fails the test
        parse(text)


@pytest.mark.django_db
def test_the_admin_refuses_a_rule_it_cannot_check():
    f.IndicatorFactory(code="DT_DONE")
    rule = ValidationRule(name="Thử", left="DT_DONE", operator="<=", right="DT_RECV")

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()

    assert "DT_RECV" in str(refused.value)
    rule.right = "DT_DONE +"
    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert "right" in refused.value.message_dict


# --- The checks ------------------------------------------------------------------------


@pytest.fixture
def ward(db):
    parent = f.UnitFactory(code="tu", kind="party_committee")
    unit = f.UnitFactory(code="du-baichay", kind="party_committee", parent=parent)
    indicators = {
        code: f.IndicatorFactory(code=code, name=name)
        for code, name in [
            ("DT_RECV", "Đơn thư tiếp nhận"),
            ("DT_DONE", "Đơn thư đã giải quyết"),
            ("TT_SESS", "Buổi tuyên truyền"),
            ("HOT_NEW", "Vụ việc phức tạp"),
        ]
    }
    ValidationRule.objects.create(
        name="Giải quyết không quá tiếp nhận", left="DT_DONE", operator="<=", right="DT_RECV"
    )
    return {"parent": parent, "unit": unit, "indicators": indicators}


def quarter(year: int, number: int):
    return f.QuarterFactory(year=year, number=number)


def filed(unit, q, **values):
    report = f.UnitReportFactory(unit=unit, quarter=q, status=ReportStatus.ACCEPTED)
    for code, value in values.items():
        f.IndicatorValueFactory(
            report=report, indicator=Indicator.objects.get(code=code), value=value
        )
    return report


def flags_of(ward, q, **values):
    ids = {code: indicator.id for code, indicator in ward["indicators"].items()}
    found = value_flags(
        unit=ward["unit"], quarter=q, values={ids[code]: Decimal(v) for code, v in values.items()}
    )
    return {code: found.get(ids[code], []) for code in values}


def test_a_rule_between_indicators_flags_5_solved_out_of_3_received(ward):
    flags = flags_of(ward, quarter(2026, 4), DT_RECV=3, DT_DONE=5)

    assert flags["DT_RECV"] == []
    assert len(flags["DT_DONE"]) == 1
    assert flags_of(ward, quarter(2026, 4), DT_RECV=5, DT_DONE=5)["DT_DONE"] == []


def test_the_sentence_of_a_rule_without_message_names_both_sides(ward):
    flags = flags_of(ward, quarter(2026, 4), DT_RECV=3, DT_DONE=5)

    assert flags["DT_DONE"] == ["DT_DONE (5) phải ≤ DT_RECV (3)."]


def test_a_figure_far_from_the_units_history_is_flagged(ward):
    history = [40, 45, 48, 50, 52, 47, 44, 49]
    keys = [(2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2026, 1), (2026, 2), (2026, 3)]
    for (year, number), sessions in zip(keys, history, strict=True):
        filed(ward["unit"], quarter(year, number), TT_SESS=sessions)

    assert flags_of(ward, quarter(2026, 4), TT_SESS=1234)["TT_SESS"] == [
        "Khác xa các quý trước của đơn vị (trung vị: 47,5)."
    ]
    assert flags_of(ward, quarter(2026, 4), TT_SESS=51)["TT_SESS"] == []


def test_a_jump_beyond_three_times_the_same_quarter_is_flagged_small_ones_not(ward):
    filed(ward["unit"], quarter(2025, 4), HOT_NEW=1)

    assert flags_of(ward, quarter(2026, 4), HOT_NEW=1000)["HOT_NEW"] == [
        "Tăng hoặc giảm quá ba lần so với cùng quý năm trước (1)."
    ]
    assert flags_of(ward, quarter(2026, 4), HOT_NEW=4)["HOT_NEW"] == []  # 1 → 4: too small


def test_a_figure_far_from_units_of_the_same_kind_beside_it_is_flagged(ward):
    q = quarter(2026, 4)
    for n, sessions in enumerate([10, 12, 9, 11, 13, 10]):
        sibling = f.UnitFactory(code=f"du-{n}", kind="party_committee", parent=ward["parent"])
        filed(sibling, q, TT_SESS=sessions)
    elsewhere = f.UnitFactory(code="du-xa", kind="party_committee")
    filed(elsewhere, q, TT_SESS=5000)  # another parent: not beside it

    assert flags_of(ward, q, TT_SESS=500)["TT_SESS"] == [
        "Khác xa các đơn vị cùng loại bên cạnh (trung vị: 10,5)."
    ]
    assert flags_of(ward, q, TT_SESS=14)["TT_SESS"] == []


# --- Typed, submitted, reviewed ----------------------------------------------------------


@pytest.fixture
def draft(ward):
    q = quarter(2026, 4)
    q.due_date = datetime.date(2030, 1, 10)
    q.save()
    head = f.member(ward["unit"], role="head", user__username="bc-head")
    report, _ = services.report_get_or_create_draft(unit=ward["unit"], quarter=q, user=head)
    ids = {code: indicator.id for code, indicator in ward["indicators"].items()}
    report = services.report_save_draft(
        report=report,
        user=head,
        data=dict(f.REPORT_SECTIONS),
        values={ids["DT_RECV"]: (Decimal(3), ""), ids["DT_DONE"]: (Decimal(5), "")},
        expected_version=report.version,
    )
    return {**ward, "report": report, "head": head, "ids": ids, "quarter": q}


def test_the_reporter_sees_the_flag_on_the_form(client, draft):
    client.force_login(draft["head"])

    page = client.get(draft["report"].get_absolute_url()).content.decode()

    assert "DT_DONE (5) phải ≤ DT_RECV (3)." in page
    assert "Giải trình số liệu này (cần để gửi)" in page


def test_a_flagged_value_needs_an_explanation_before_the_report_is_submitted(client, draft):
    report, head = draft["report"], draft["head"]
    with pytest.raises(services.UnexplainedFlagsError) as refused:
        services.report_submit(report=report, user=head, expected_version=report.version)
    assert refused.value.names == ["Đơn thư đã giải quyết"]

    client.force_login(head)
    client.post(
        report.get_absolute_url(),
        f.report_form_data(
            report,
            action="submit",
            **{f"value_{draft['ids']['DT_RECV']}": "3", f"value_{draft['ids']['DT_DONE']}": "5"},
        ),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # refused, with the message on the page

    note = {f"note_{draft['ids']['DT_DONE']}": "Giải quyết cả 2 đơn tồn từ quý trước."}
    values = {f"value_{draft['ids']['DT_RECV']}": "3", f"value_{draft['ids']['DT_DONE']}": "5"}
    client.post(
        report.get_absolute_url(),
        f.report_form_data(report, action="submit", **values, **note),
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    version = ReportVersion.objects.get(report=report)
    assert version.flagged_values == 1
    flagged = version.values.get(indicator_code="DT_DONE")
    assert flagged.flags == "DT_DONE (5) phải ≤ DT_RECV (3)."
    assert flagged.note == "Giải quyết cả 2 đơn tồn từ quý trước."


def save_done(draft, report, done, note: str):
    """Save the draft with 3 cases received and ``done`` solved, with ``note`` on them."""
    ids = draft["ids"]
    return services.report_save_draft(
        report=report,
        user=draft["head"],
        data={},
        values={ids["DT_RECV"]: (Decimal(3), ""), ids["DT_DONE"]: (Decimal(done), note)},
        expected_version=report.version,
    )


def test_a_note_kept_while_its_value_changed_explains_nothing(client, draft):
    """A note explains the value it was written with: change the value (typed, or by a
    workbook) and keep the note, and the new value must be explained again."""
    report, head = draft["report"], draft["head"]
    report = save_done(draft, report, 3, "Đúng số đơn.")  # 3 of 3: not flagged, and noted
    report = save_done(draft, report, 7, "Đúng số đơn.")  # 7 of 3, the note unchanged
    with pytest.raises(services.UnexplainedFlagsError):
        services.report_submit(report=report, user=head, expected_version=report.version)
    client.force_login(head)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Ghi chú này viết cho số liệu trước (3): hãy giải trình số liệu mới." in page

    report = save_done(draft, report, 7, "Giải quyết thêm 4 đơn tồn.")
    report = services.report_submit(report=report, user=head, expected_version=report.version)
    assert report.status == ReportStatus.SUBMITTED


def test_the_unit_can_say_a_kept_note_still_explains_the_new_value(client, draft):
    report, head, ids = draft["report"], draft["head"], draft["ids"]
    note = "Giải quyết cả đơn tồn từ quý trước."
    report = save_done(draft, report, 4, note)
    report = save_done(draft, report, 6, note)  # noted with 4, then 6 typed beside it
    client.force_login(head)
    form = {
        f"value_{ids['DT_RECV']}": "3",
        f"value_{ids['DT_DONE']}": "6",
        f"note_{ids['DT_DONE']}": note,
    }
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Ghi chú vẫn giải trình đúng số liệu mới" in page

    client.post(report.get_absolute_url(), f.report_form_data(report, action="submit", **form))
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # the note was written for 4

    form[f"note_holds_{ids['DT_DONE']}"] = "on"
    client.post(report.get_absolute_url(), f.report_form_data(report, action="submit", **form))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert IndicatorValue.objects.get(report=report, indicator_id=ids["DT_DONE"]).noted_value == 6


def test_a_note_from_a_restored_backup_explains_its_value_until_the_value_changes(draft):
    """A note loaded without the value it was written for (a backup made before that
    was kept, a bulk load) is taken as written for the value beside it."""
    report, ids = draft["report"], draft["ids"]
    IndicatorValue.objects.filter(report=report, indicator_id=ids["DT_DONE"]).update(
        note="Giải quyết cả đơn tồn.", noted_value=None
    )
    assert not IndicatorValue.objects.get(report=report, indicator_id=ids["DT_DONE"]).note_is_stale

    report = save_done(draft, report, 6, "Giải quyết cả đơn tồn.")

    value = IndicatorValue.objects.get(report=report, indicator_id=ids["DT_DONE"])
    assert (value.noted_value, value.note_is_stale) == (Decimal(5), True)


def test_the_reviewer_sees_the_flags_and_explanations_in_the_queue_and_the_version(client, draft):
    report, head, ids = draft["report"], draft["head"], draft["ids"]
    services.report_save_draft(
        report=report,
        user=head,
        data={},
        values={ids["DT_DONE"]: (Decimal(5), "Giải quyết cả đơn tồn.")},
        expected_version=report.version,
    )
    report.refresh_from_db()
    services.report_submit(report=report, user=head, expected_version=report.version)
    client.force_login(f.reviewer(username="reviewer"))

    queue = client.get(reverse("reports:queue_quarter", args=[draft["quarter"]])).content.decode()
    version = client.get(
        reverse(
            "reports:version",
            kwargs={"unit_code": "du-baichay", "quarter": draft["quarter"], "number": 1},
        )
    ).content.decode()

    assert "1 số liệu, đã giải trình" in queue
    assert "DT_DONE (5) phải ≤ DT_RECV (3)." in version
    assert "Giải quyết cả đơn tồn." in version


# --- Follow-up marks -------------------------------------------------------------------


@pytest.fixture
def marked(client, ward):
    """A reviewer marked Bãi Cháy's Q3 complex cases; its Q4 draft is open."""
    q3, q4 = quarter(2026, 3), quarter(2026, 4)
    q4.due_date = datetime.date(2030, 1, 10)
    q4.save()
    report = filed(ward["unit"], q3, HOT_NEW=7)
    reviewer = f.reviewer(username="reviewer")
    client.force_login(reviewer)
    response = client.post(
        reverse("reports:follow_up", args=[report.pk]),
        {"indicator": ward["indicators"]["HOT_NEW"].pk, "note": "Theo dõi khu tái định cư"},
    )
    assert response.status_code == 302
    return {**ward, "report": report, "reviewer": reviewer, "q4": q4}


def test_a_reviewer_marks_a_value_and_the_next_quarter_shows_it(client, marked):
    mark = FollowUp.objects.get()
    assert (mark.report, mark.by, mark.note) == (
        marked["report"],
        marked["reviewer"],
        "Theo dõi khu tái định cư",
    )
    assert "Theo dõi quý sau" in client.get(marked["report"].get_absolute_url()).content.decode()

    head = f.member(marked["unit"], role="head", user__username="bc-head")
    client.force_login(head)
    next_quarter = reverse("reports:report", args=["du-baichay", marked["q4"]])
    page = client.get(next_quarter).content.decode()

    assert "Ban đề nghị theo dõi số liệu này sau Quý III/2026." in page
    assert "Theo dõi khu tái định cư" in page


def test_the_mark_can_be_taken_back(client, marked):
    client.post(
        reverse("reports:follow_up", args=[marked["report"].pk]),
        {"indicator": marked["indicators"]["HOT_NEW"].pk, "action": "clear"},
    )

    assert not FollowUp.objects.exists()


def test_only_a_reviewer_of_the_unit_marks_a_value(client, marked):
    url = reverse("reports:follow_up", args=[marked["report"].pk])
    data = {"indicator": marked["indicators"]["HOT_NEW"].pk, "action": "clear"}
    for user, status in (
        (f.member(marked["unit"], role="head", user__username="bc-head"), 403),
        (f.leader(username="leader"), 403),
        (f.reviewer(f.UnitFactory(code="khac"), username="other-reviewer"), 404),
    ):
        client.force_login(user)
        assert client.post(url, data).status_code == status, user
    assert FollowUp.objects.count() == 1


def test_a_value_the_report_lacks_cannot_be_marked(client, marked):
    response = client.post(
        reverse("reports:follow_up", args=[marked["report"].pk]),
        {"indicator": marked["indicators"]["TT_SESS"].pk},
    )

    assert response.status_code == 302
    assert FollowUp.objects.count() == 1
