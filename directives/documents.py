"""Directive documents: the register (.xlsx) with derived statuses and a
meeting's draft conclusion notice (.docx, "thông báo kết luận").

Rows come from ``directives.selectors`` (already narrowed to what the user may
see, statuses derived in SQL, units prefetched): no query per row.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, TypedDict

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from common.documents.docx import (
    document_symbol,
    grid_table,
    heading,
    paragraph,
    party_document,
    quarter_title,
    signature_block,
    text_paragraphs,
    to_bytes,
    vn_number,
)
from common.documents.xlsx import (
    HEADER_ROW,
    Book,
    Sheet,
    filter_all,
    print_landscape,
    row_height,
    title_rows,
)
from common.text import capital_first
from directives import permissions, query, selectors
from directives.models import (
    NOTICE_CLOSING,
    Assignment,
    AssignmentRole,
    ConclusionNotice,
    Directive,
    Meeting,
    ProgressUpdate,
)
from directives.rules import DirectiveStatus
from reports.issuers import issuer_on, issuing_commission
from reports.models import Quarter
from reports.permissions import scope_of_reads
from reports.rules import ROMAN
from reports.selectors import load_former_names

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from directives.query import DirectiveWithStatus


class RegisterFields(TypedDict):
    """What the register reads of each directive besides its status (``_with_progress``)."""

    status: str
    latest_progress: str | None
    latest_percent: int | None
    latest_reported_at: datetime.datetime | None
    finished_on: datetime.date | None


if TYPE_CHECKING:
    RegisterDirective = WithAnnotations[Directive, RegisterFields]

STATUS_TITLES: dict[str, str] = {  # by DirectiveStatus value
    DirectiveStatus.DONE_ON_TIME: "Đã hoàn thành đúng hạn",
    DirectiveStatus.DONE_LATE: "Hoàn thành quá hạn",
    DirectiveStatus.IN_PROGRESS: "Chưa hoàn thành, trong hạn",
    DirectiveStatus.OVERDUE: "Quá hạn",
    DirectiveStatus.NOT_STARTED: "Chưa triển khai",
    DirectiveStatus.ONGOING_CURRENT: "Thường xuyên, đã cập nhật",
    DirectiveStatus.ONGOING_STALE: "Thường xuyên, chưa cập nhật",
}


def _scoped(user, directives: QuerySet[DirectiveWithStatus]) -> QuerySet[DirectiveWithStatus]:
    """Unit staff see their own units' directives only, as on the quarter page."""
    return selectors.directives_in_scope(directives, scope_of_reads(user))


def _units(directive: Directive, role: str, on: datetime.date | None = None) -> str:
    """The directive's units in ``role``, by short name; as named on ``on`` if given."""
    return ", ".join(
        assignment.unit.label_on(on) if on else assignment.unit.label
        for assignment in directive.assignments.all()
        if assignment.role == role
    )


def _lower_first(text: str) -> str:
    """ "Giao ban về…" reads "giao ban về…" inside a sentence (acronyms are kept)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def _due(directive: Directive) -> str:
    if directive.is_ongoing or directive.due_date is None:
        return "Thường xuyên"
    return f"{directive.due_date:%d/%m/%Y}"


def register_directives(
    user, *, quarter: Quarter, day: datetime.date
) -> tuple[list[RegisterDirective], list[RegisterDirective]]:
    """The quarter's meetings' directives, and earlier ones not done, as they stood at
    the end of ``day`` (today, or an earlier day: the statuses, progress and completion
    of that day, ``query`` ``as_of``). 2 queries each."""
    as_of = day if day < timezone.localdate() else None
    current = quarter if as_of else Quarter.objects.current()
    given = selectors.directives_with_status(user, quarter=current, today=day, as_of=as_of)
    base = _scoped(user, given.filter(meeting__held_at__date__lte=day))
    base = _with_progress(base, day).select_related("target_indicator")
    this_quarter = selectors.with_units(base.filter(meeting__quarter=quarter)).order_by(
        "meeting__held_at", "number"
    )
    earlier = (
        selectors.with_units(
            base.filter(meeting__held_at__lt=_quarter_start(quarter)).exclude(
                status__in=query.DONE_VALUES
            )
        )
        .exclude(meeting__quarter=quarter)
        .order_by("meeting__held_at", "number")
    )
    return list(this_quarter), list(earlier)


def _with_progress(
    directives: QuerySet[DirectiveWithStatus], day: datetime.date
) -> QuerySet[RegisterDirective]:
    """The latest progress its units reported by ``day`` (what, how far, when) and the
    day its lead units finished by then (the last of them)."""
    latest = ProgressUpdate.objects.filter(
        assignment__directive=OuterRef("pk"), reported_at__date__lte=day
    ).order_by("-reported_at", "-pk")
    finished = (
        Assignment.objects.filter(
            directive=OuterRef("pk"), role=AssignmentRole.LEAD, completed_on__lte=day
        )
        .order_by("-completed_on")
        .values("completed_on")[:1]
    )
    return directives.annotate(
        latest_progress=Subquery(latest.values("description")[:1]),
        latest_percent=Subquery(latest.values("percent")[:1]),
        latest_reported_at=Subquery(latest.values("reported_at")[:1]),
        finished_on=Subquery(finished),
    )


def _quarter_start(quarter: Quarter) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(quarter.start_date, datetime.time()),
        timezone.get_default_timezone(),
    )


REGISTER_HEADERS = [
    "Buổi giao ban",
    "Số",
    "Nội dung chỉ đạo",
    "Nội dung đầy đủ",
    "Chủ đề",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Chỉ tiêu",
    "Tiến độ gần nhất",
    "Tỷ lệ (%)",
    "Cập nhật lần cuối",
    "Ngày hoàn thành",
    "Trạng thái",
    "Ưu tiên",
    "Mật",
]
REGISTER_WIDTHS = [14, 6, 40, 60, 22, 30, 30, 14, 30, 50, 10, 14, 14, 26, 8, 8]
REGISTER_DATE_COLUMNS = (0, 7, 11, 12)  # by position in a row


def _target(directive: Directive) -> str:
    """ "Số huyện không ma túy: từ 4 đến 5 (đến 31/12/2024)", or nothing."""
    indicator = directive.target_indicator
    if indicator is None:
        return ""
    low, high = directive.target_min, directive.target_max
    if low is not None and high is not None and low != high:
        goal = f"từ {vn_number(low)} đến {vn_number(high)}"
    elif low is not None or high is not None:
        goal = vn_number(low if low is not None else high)
    else:
        goal = ""
    by = f" (đến {directive.target_date:%d/%m/%Y})" if directive.target_date else ""
    return f"{indicator.name}: {goal}{by}".replace(": (", " (").rstrip(": ")


def _register_sheet(
    sheet: Sheet, directives: list[RegisterDirective], *, titles: list[str]
) -> None:
    book = sheet.book
    print_landscape(sheet, widths=REGISTER_WIDTHS)
    sheet.ws.freeze_panes(HEADER_ROW, 3)
    title_rows(sheet, titles)
    sheet.append(REGISTER_HEADERS, book.head)
    formats = [
        book.wrapped_date if column in REGISTER_DATE_COLUMNS else book.wrap
        for column in range(len(REGISTER_HEADERS))
    ]
    for directive in directives:
        held_on = timezone.localtime(directive.meeting.held_at).date()
        reported = directive.latest_reported_at
        values = [
            held_on,
            directive.number,
            directive.title,
            directive.text if directive.text.strip() != directive.title.strip() else "",
            directive.topic.name if directive.topic else "",
            _units(directive, AssignmentRole.LEAD),
            _units(directive, AssignmentRole.SUPPORT),
            directive.due_date if directive.due_date else "Thường xuyên",
            _target(directive),
            directive.latest_progress or "",
            directive.latest_percent,
            timezone.localtime(reported).date() if reported else None,
            directive.finished_on if directive.status in query.DONE_VALUES else None,
            STATUS_TITLES.get(directive.status, directive.status),
            "x" if directive.is_priority else "",
            "x" if directive.is_confidential else "",
        ]
        sheet.ws.set_row(sheet.row, row_height(values, REGISTER_WIDTHS))
        sheet.append(values, formats)
    filter_all(sheet, len(REGISTER_HEADERS), len(directives))


def directive_register_xlsx(user, *, quarter: Quarter, day: datetime.date | None = None) -> bytes:
    """Two sheets: the quarter's directives, and earlier ones still open, as at ``day``."""
    day = min(day or timezone.localdate(), timezone.localdate())
    this_quarter, earlier = register_directives(user, quarter=quarter, day=day)
    book = Book()
    label = quarter_title(quarter.year, quarter.number)
    as_at = f"Trạng thái, tiến độ và ngày hoàn thành tính đến hết ngày {day:%d/%m/%Y}."
    _register_sheet(
        # "Quý IV-2026": the documents' numerals; a sheet's name cannot hold "/".
        book.sheet(f"Quý {ROMAN[quarter.number]}-{quarter.year}"),
        this_quarter,
        titles=[
            "SỔ THEO DÕI THỰC HIỆN Ý KIẾN CHỈ ĐẠO",
            f"Ý kiến chỉ đạo tại các buổi giao ban {label}",
            as_at,
        ],
    )
    _register_sheet(
        book.sheet("Chưa xong từ trước"),
        earlier,
        titles=[
            "SỔ THEO DÕI THỰC HIỆN Ý KIẾN CHỈ ĐẠO",
            f"Ý kiến chỉ đạo của các quý trước {label}, chưa hoàn thành",
            as_at,
        ],
    )
    return book.to_bytes()


def notice_directives(
    user, *, meeting: Meeting, day: datetime.date | None = None
) -> list[Directive]:
    """The meeting's directives the user may see (own units' only for unit staff), their
    units' former names read for naming them as on the meeting's date; with ``day``,
    the units as given then (``selectors.assignments_as_given``)."""
    directives = selectors.meeting_directives(meeting, user, quarter=Quarter.objects.current())
    listed: list[Directive] = list(_scoped(user, directives))
    if day is not None:
        selectors.assignments_as_given(listed, day)
    else:
        load_former_names(selectors.assigned_units(listed))
    return listed


def conclusion_notice_docx(
    user, *, meeting: Meeting, day: datetime.date, number: str = ""
) -> bytes:
    """The conclusion notice of a meeting: a document of the unit that held it (the Tỉnh
    ủy) from header to "Lưu". As the commission edited it (``ConclusionNotice``) for
    whoever may read that (``permissions.can_read_notice_draft``), and for everyone once
    issued, with its number and date; else a draft from the meeting's record, with the
    directives the user may see. "DỰ THẢO" until it is issued; dated ``day`` until then.
    The units and deadlines of each task are an annex after the signature."""
    notice = ConclusionNotice.objects.filter(meeting=meeting).first()
    if notice is not None and not (
        notice.is_issued or permissions.can_read_notice_draft(user, meeting)
    ):
        notice = None
    issued = False
    if notice is not None and notice.issued_on is not None:
        issued, day, number = True, notice.issued_on, str(notice.number)
    issuer = issuer_on(meeting.unit, day)
    directives = notice_directives(user, meeting=meeting, day=day)
    label = quarter_title(meeting.quarter.year, meeting.quarter.number)
    doc = party_document(
        issuer=issuer,
        day=day,
        kind_code="TB",
        number=number,
        title="THÔNG BÁO",
        subject=f"Kết luận của đồng chí {meeting.chair_name} tại buổi giao ban "
        f"công tác dân vận {label}",
        draft=not issued,
    )
    paragraph(doc, notice.opening if notice else notice_opening(meeting), indent=True)
    paragraph(
        doc,
        "Sau khi nghe báo cáo của các cơ quan, đơn vị và ý kiến phát biểu của các đại biểu "
        f"dự giao ban, đồng chí {meeting.chair_name} kết luận như sau:",
        indent=True,
    )
    assessment = notice.assessment if notice else meeting.assessment
    shortcomings = notice.shortcomings if notice else meeting.shortcomings
    heading(doc, "I. ĐÁNH GIÁ CHUNG")
    if assessment.strip():
        text_paragraphs(doc, assessment)
    else:
        paragraph(doc, "(Nội dung đánh giá chung.)", italic=True, indent=True)
    if shortcomings.strip():
        heading(doc, "II. HẠN CHẾ")
        items = [
            line.strip().lstrip("-–• ").rstrip(";.,").strip()
            for line in shortcomings.splitlines()
            if line.strip().lstrip("-–• ")
        ]
        for position, item in enumerate(items, start=1):
            end = "." if position == len(items) else ";"
            paragraph(doc, f"- {capital_first(item)}{end}", indent=True)
    heading(doc, f"{'III' if shortcomings.strip() else 'II'}. NHIỆM VỤ TRONG THỜI GIAN TỚI")
    if notice is not None:
        text_paragraphs(doc, notice.tasks)
    elif not directives:
        paragraph(doc, "Chưa có ý kiến chỉ đạo nào được ghi nhận.", italic=True, indent=True)
    for directive in directives if notice is None else []:
        paragraph(doc, f"{directive.number}. {directive.title}", bold=True, indent=True)
        if directive.text.strip() and directive.text.strip() != directive.title.strip():
            text_paragraphs(doc, directive.text)
    paragraph(doc, notice.closing if notice else NOTICE_CLOSING, indent=True, keep_with_next=True)
    signature_block(doc, issuer)
    if directives:
        symbol = document_symbol(issuer, number, "TB")
        _assignment_annex(doc, directives, meeting=meeting, symbol=symbol, day=day)
    return to_bytes(doc)


def draft_notice(user, *, meeting: Meeting) -> ConclusionNotice:
    """The meeting's conclusion notice as saved, or a first draft from its record: the
    opening (``notice_opening``), the chair's assessment and shortcomings, and each
    directive the user may see, in its own words, to be edited before it is issued."""
    saved = ConclusionNotice.objects.filter(meeting=meeting).first()
    if saved is not None:
        return saved
    tasks = []
    for directive in notice_directives(user, meeting=meeting):
        if directive.is_confidential:
            continue  # an issued notice goes to every unit: these are sent on their own
        text = directive.text.strip()
        words = f"{directive.title}." if not text or text == directive.title.strip() else text
        tasks.append(f"{directive.number}. {words}")
    return ConclusionNotice(
        meeting=meeting,
        opening=notice_opening(meeting),
        assessment=meeting.assessment,
        shortcomings=meeting.shortcomings,
        tasks="\n\n".join(tasks),
    )


def notice_opening(meeting: Meeting) -> str:
    """Who met whom, when, where, on what and under which rules, from the meeting's record:
    "Chiều ngày 14/3/2024, Thường trực Tỉnh ủy giao ban, làm việc với … về tình hình nhân
    dân và công tác dân vận quý I/2024 theo Quyết định số 461-QĐ/TU …. Đồng chí …, chủ trì."
    Units are named as they were on the day."""
    held = timezone.localtime(meeting.held_at)
    on = held.date()
    part_of_day = "Sáng" if held.hour < 12 else "Chiều" if held.hour < 18 else "Tối"
    units = list(meeting.attending_units.order_by("display_order", "name"))
    load_former_names([meeting.unit, *units])  # one query for every name of the day
    body = f"Thường trực {meeting.unit.label_on(on)}"
    attending = [unit.name_on(on) for unit in units]
    with_whom = f", làm việc với {', '.join(attending)}" if attending else ""
    label = quarter_title(meeting.quarter.year, meeting.quarter.number)
    title = meeting.title.strip()
    topic = (
        _lower_first(title.removeprefix("Giao ban").strip())
        if title.startswith("Giao ban ")
        else f"về công tác dân vận {label}"
    )
    basis = [line.strip().rstrip(".;") for line in meeting.basis.splitlines() if line.strip()]
    under = f" theo {'; '.join(basis)}" if basis else ""
    venue = f" tại {meeting.venue}" if meeting.venue else ""
    chair = meeting.chair_name
    if meeting.chair_positions:
        chair = f"{chair}, {meeting.chair_positions},"
    return (
        f"{part_of_day} ngày {on.day}/{on.month}/{on.year}{venue}, {body} giao ban"
        f"{with_whom} {topic}{under}. Đồng chí {chair} chủ trì buổi giao ban."
    )


def _assignment_annex(
    doc, directives: list[Directive], *, meeting: Meeting, symbol: str, day: datetime.date
) -> None:
    """The units and deadlines of each task, on a page of their own after the signature:
    an annex of the notice, not a second telling of it."""
    doc.add_page_break()
    paragraph(doc, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    paragraph(
        doc,
        "PHÂN CÔNG THỰC HIỆN CÁC NHIỆM VỤ",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=0,
    )
    paragraph(
        doc,
        f"(Kèm theo Thông báo số {symbol} ngày {day:%d/%m/%Y})",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        space_after=12,
    )
    rows = [
        [
            str(directive.number),
            directive.title,
            _units(directive, AssignmentRole.LEAD, meeting.held_on),
            _units(directive, AssignmentRole.SUPPORT, meeting.held_on),
            _due(directive),
        ]
        for directive in directives
    ]
    grid_table(
        doc,
        ["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"],
        rows,
        [10, 65, 32, 33, 25],
        "clllc",
    )


# --- The briefing pack ------------------------------------------------------------

TIMELINESS_TITLES = {  # by reports.rules.Timeliness value
    "on_time": "Đúng hạn",
    "late": "Chậm",
    "missing": "Chưa gửi, đã quá hạn",
    "not_due": "Chưa gửi, chưa đến hạn",
}


def pack_date(meeting: Meeting, pack: dict) -> datetime.date:
    """The pack's date: its meeting's day for an earlier meeting (as things stood then),
    else today."""
    return pack["as_of"] or timezone.localdate()


def briefing_pack_docx(user, *, meeting: Meeting, pack: dict) -> bytes:
    """The briefing pack as the commission's report for the meeting, dated and issued as
    the pack stands (``selectors.briefing_pack``): completeness, open work per unit and
    the meeting's directives."""
    day = pack_date(meeting, pack)
    on = pack["names_on"]
    quarter = meeting.quarter
    label = quarter_title(quarter.year, quarter.number)
    issuer = issuer_on(issuing_commission(scope_of_reads(user)), day)
    doc = party_document(
        issuer=issuer,
        day=day,
        kind_code="BC",
        number="",
        title="BÁO CÁO",
        subject=(
            "Tình hình gửi báo cáo và thực hiện ý kiến chỉ đạo, phục vụ buổi giao ban "
            f"công tác dân vận {label} ngày {meeting.held_on:%d/%m/%Y}"
        ),
    )
    paragraph(doc, f"Số liệu tính đến hết ngày {day:%d/%m/%Y}.", italic=True, indent=True)

    heading(doc, f"I. TÌNH HÌNH GỬI BÁO CÁO {label.upper()}")
    counts = {str(timeliness): n for timeliness, n in pack["completeness_counts"].items()}
    paragraph(
        doc,
        f"Hạn gửi báo cáo: {quarter.due_date:%d/%m/%Y}. Đúng hạn: {counts['on_time']}; "
        f"chậm: {counts['late']}; chưa gửi, đã quá hạn: {counts['missing']}; "
        f"chưa gửi, chưa đến hạn: {counts['not_due']}.",
        indent=True,
    )
    if pack["completeness_capped"]:
        paragraph(
            doc,
            "Bảng dưới đây chỉ liệt kê các đơn vị chưa gửi đúng hạn"
            + (
                f" (còn {pack['completeness_more']} đơn vị khác)."
                if pack["completeness_more"]
                else "."
            ),
            italic=True,
            indent=True,
        )
    if pack["completeness"]:
        rows = [
            [
                str(number),
                row["unit"].name_on(on),
                TIMELINESS_TITLES[str(row["timeliness"])],
                f"{timezone.localtime(row['submitted_at']):%d/%m/%Y}"
                if row["submitted_at"]
                else "",
            ]
            for number, row in enumerate(pack["completeness"], start=1)
        ]
        grid_table(doc, ["TT", "Đơn vị", "Tình hình", "Ngày gửi"], rows, [10, 85, 45, 25], "cllc")

    heading(doc, "II. Ý KIẾN CHỈ ĐẠO CHƯA HOÀN THÀNH, THEO ĐƠN VỊ")
    totals = pack["open_totals"]
    paragraph(
        doc,
        f"{totals['open']} nhiệm vụ chưa hoàn thành của {totals['units']} đơn vị, trong đó "
        f"{totals['overdue']} nhiệm vụ quá hạn của {totals['overdue_units']} đơn vị.",
        indent=True,
    )
    for row in pack["directive_rows"]:
        paragraph(
            doc,
            f"{row['unit'].name_on(on)}: {len(row['open'])} nhiệm vụ chưa hoàn thành"
            + (f", {len(row['overdue'])} quá hạn." if row["overdue"] else "."),
            bold=True,
            indent=True,
            keep_with_next=True,
        )
        grid_table(
            doc,
            ["TT", "Nội dung", "Giao ngày", "Thời hạn", "Tình trạng"],
            [
                [
                    str(number),
                    assignment.directive.title,
                    f"{assignment.directive.meeting.held_on:%d/%m/%Y}",
                    _assignment_due(assignment),
                    STATUS_TITLES[assignment.status],
                ]
                for number, assignment in enumerate(row["open"], start=1)
            ],
            [10, 75, 25, 25, 30],
            "clccl",
        )
    if pack["open_units_more"]:
        paragraph(
            doc,
            f"Còn {pack['open_units_more']} đơn vị khác có nhiệm vụ chưa hoàn thành.",
            italic=True,
            indent=True,
        )

    heading(doc, "III. Ý KIẾN CHỈ ĐẠO TẠI BUỔI GIAO BAN")
    if not pack["new_directives"]:
        paragraph(doc, "Chưa có ý kiến chỉ đạo nào được ghi nhận.", italic=True, indent=True)
    for directive in pack["new_directives"]:
        paragraph(doc, f"{directive.number}. {directive.title}", bold=True, indent=True)
        lead = _units(directive, AssignmentRole.LEAD, on) or "—"
        support = _units(directive, AssignmentRole.SUPPORT, on)
        line = f"Đơn vị chủ trì: {lead}"
        if support:
            line += f"; đơn vị phối hợp: {support}"
        paragraph(doc, f"{line}; thời hạn: {_due(directive)}.", italic=True, indent=True)
    signature_block(doc, issuer)
    return to_bytes(doc)


def _assignment_due(assignment) -> str:
    """The assignment's deadline as the pack reads it (on its day, for an earlier meeting)."""
    due = getattr(assignment, query.DUE_AS_OF, None) or assignment.due_date
    return f"{due:%d/%m/%Y}" if due else "Thường xuyên"
