"""The demo from Quý III/2024 to today (docs/ARCHITECTURE.md, "Sample data").

After the seed's Quý I/2024 and the sample Quý II/2024 (sampledata/demo.py),
labelled sample quarters run to the quarter holding today, so the demo never looks
abandoned: every quarter before the previous one is closed, the previous and the
current are open. On the way, the 2025 changes are carried out by the app's own
reorganisation operation (``structure.services``), as an administrator records them,
with their handovers, successor links and former names:

- from 01/03/2025 the commission is Ban Tuyên giáo và Dân vận Tỉnh ủy (documents dated
  before carry "Ban Dân vận Tỉnh ủy", ``Unit.name_on``);
- from 01/07/2025 the district level is gone: Thành ủy Hạ Long is split into three ward
  Party committees and Thành ủy Uông Bí merged into one, each taking over the open parts
  of directives; the mass organisations sit under the Fatherland Front.

The dates are real; the deciding documents, the wards' names and their shares of the
city's figures are sample and marked so (the wards were not verified). Each unit that
owes a quarter (``Unit.owes_report_for``) files it: accepted in past quarters (a few
late), a mix of submitted, draft and not started in the current one. Figures carry on
demo.py's series, a ward's as its share of its city's, so comparisons across the change
stay smooth. Most 2024 directives are confirmed done by 2025; the rest, and a sample
briefing of the previous quarter, go on with progress every quarter.

Like demo.py it creates only what is missing and changes nothing that exists: a
reorganisation already carried out (its successor or new name exists) is not run again.
"""

import copy
import datetime
import random
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db.models import Max
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from common.history import note_history
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    DeadlineChange,
    Directive,
    Meeting,
    ProgressUpdate,
    ReviewStatus,
)
from notifications.messages import quarter_params
from notifications.models import Kind
from notifications.services import notify
from reports import permissions
from reports.models import (
    DocumentIssuer,
    Membership,
    MembershipRole,
    Quarter,
    ReportAnnex,
    ReportEvent,
    ReportStatus,
    ReviewEvent,
    ReviewOutcome,
    Unit,
    UnitKind,
    UnitLevel,
    UnitReport,
)
from reports.rules import ROMAN, quarter_bounds, quarter_of
from reports.services import annex_add, follow_up_mark, report_version_add
from sampledata.demo import (
    CHANGE_REASON,
    FIXED_SERIES,
    FOLLOW_UP_QUARTER,
    ISSUERS,
    MASS_ORGS,
    PROVINCE,
    REPORTING_UNITS,
    SAMPLE,
    SAMPLE_NEXT_PLAN,
    SAMPLE_RESULTS,
    SAMPLE_SHORTCOMINGS,
    STOCK_START,
    VN,
    DemoUnit,
    SampleDirective,
    _Loader,
    _sample,
    drawn_series,
    indicators_of,
    unit_issuer,
)
from structure.services import (
    Decision,
    NewUnit,
    SplitPart,
    merge_units,
    move_unit,
    rename_unit,
    split_unit,
)

Key = tuple[int, int]  # (year, quarter number)

FIRST_LATER: Key = (2024, 3)
# The demo's later quarters pass the reorganisation of 01/07/2025 with a quarter to
# spare, so that the previous quarter's briefing already meets the new units.
EARLIEST_TODAY = datetime.date(2025, 10, 1)


def _moment(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN)


def _label(key: Key) -> str:
    return f"Quý {ROMAN[key[1]]}/{key[0]}"


def _next(key: Key) -> Key:
    return (key[0] + 1, 1) if key[1] == 4 else (key[0], key[1] + 1)


def _previous(key: Key) -> Key:
    return (key[0] - 1, 4) if key[1] == 1 else (key[0], key[1] - 1)


def later_keys(today: datetime.date) -> list[Key]:
    """Quý III/2024 to the quarter holding ``today``, in order."""
    keys, key, last = [], FIRST_LATER, quarter_of(today)
    while key <= last:
        keys.append(key)
        key = _next(key)
    return keys


def due_date(key: Key) -> datetime.date:
    """The 10th of the quarter's last month, as demo.py's sample quarters."""
    return datetime.date(key[0], key[1] * 3, 10)


def _pick(*parts: object) -> int:
    """A stable number from ``parts`` (unlike ``hash``, the same in every process)."""
    return zlib.crc32("/".join(str(part) for part in parts).encode())


# --- The 2025 reorganisation ----------------------------------------------------

RENAMED_ON = datetime.date(2025, 3, 1)
REORGANISED_ON = datetime.date(2025, 7, 1)
NEW_NAME = "Ban Tuyên giáo và Dân vận Tỉnh ủy"
NEW_SHORT_NAME = "Ban Tuyên giáo và Dân vận"
# The real decisions' numbers are not in the seed: these are sample, and say so.
RENAME_DECISION = Decision(
    number=f"{SAMPLE} Quyết định số 01-QĐ/TU",
    date=datetime.date(2025, 2, 27),
    effective_on=RENAMED_ON,
)
WARDS_DECISION = Decision(
    number=f"{SAMPLE} Quyết định số 02-QĐ/TU",
    date=datetime.date(2025, 6, 27),
    effective_on=REORGANISED_ON,
)
FRONT_DECISION = Decision(
    number=f"{SAMPLE} Quyết định số 03-QĐ/TU",
    date=datetime.date(2025, 6, 27),
    effective_on=REORGANISED_ON,
)


@dataclass(frozen=True)
class Ward:
    """A ward Party committee that took over (a share of) a city committee's work."""

    code: str
    ward: str
    predecessor: str
    share: Decimal
    display_order: int

    @property
    def name(self) -> str:
        return f"Đảng ủy phường {self.ward} {SAMPLE}"

    @property
    def short_name(self) -> str:
        return f"ĐU phường {self.ward} {SAMPLE}"


# The largest share comes first: it is the city's successor (unit.successor). The
# city committees are 140 and 150 in demo.py's order; their wards follow them.
HALONG_WARDS = [
    Ward("du-hongai", "Hồng Gai", "tu-halong", Decimal("0.40"), 141),
    Ward("du-baichay", "Bãi Cháy", "tu-halong", Decimal("0.35"), 142),
    Ward("du-halong", "Hạ Long", "tu-halong", Decimal("0.25"), 143),
]
UONGBI_WARD = Ward("du-uongbi", "Uông Bí", "tu-uongbi", Decimal(1), 151)
WARDS = [*HALONG_WARDS, UONGBI_WARD]


# --- Reports --------------------------------------------------------------------

PEOPLE: dict[Key, str] = {
    (2024, 3): "Tình hình nhân dân cơ bản ổn định; nhân dân tích cực tham gia khắc phục hậu"
    " quả bão số 3, ổn định sản xuất, sớm đưa trẻ em trở lại trường học.",
    (2024, 4): "Tình hình nhân dân ổn định; nhân dân phấn khởi trước kết quả khắc phục hậu quả"
    " bão, quan tâm đến việc làm, thu nhập dịp cuối năm.",
    (2025, 1): "Tình hình nhân dân ổn định; nhân dân đón Tết Nguyên đán Ất Tỵ an toàn, tiết"
    " kiệm, đồng tình với chủ trương sắp xếp, tinh gọn tổ chức bộ máy.",
    (2025, 2): "Tình hình nhân dân ổn định; nhân dân quan tâm đến việc sắp xếp đơn vị hành"
    " chính cấp xã và tổ chức chính quyền địa phương hai cấp.",
    (2025, 3): "Chính quyền địa phương hai cấp vận hành từ 01/7/2025; nhân dân quan tâm đến"
    " việc giải quyết thủ tục hành chính ở các xã, phường mới.",
    (2025, 4): "Tình hình nhân dân ổn định, tin tưởng vào sự lãnh đạo của Đảng; nhân dân tích"
    " cực tham gia Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư.",
    (2026, 1): "Tình hình nhân dân ổn định; nhân dân đón Tết Nguyên đán Bính Ngọ an toàn, tham"
    " gia bầu cử đại biểu Quốc hội và Hội đồng nhân dân các cấp.",
}
# For a quarter the table does not reach: what that season usually brings.
SEASONAL_PEOPLE = {
    1: "Tình hình nhân dân ổn định; nhân dân đón Tết an toàn, tham gia các lễ hội đầu xuân"
    " tiết kiệm, văn minh.",
    2: "Tình hình nhân dân ổn định; nhân dân quan tâm đến việc làm của người lao động và công"
    " tác chuẩn bị phòng, chống thiên tai.",
    3: "Tình hình nhân dân ổn định; nhân dân quan tâm công tác phòng, chống bão lũ và việc"
    " chuẩn bị năm học mới.",
    4: "Tình hình nhân dân ổn định; nhân dân tích cực tham gia Ngày hội Đại đoàn kết toàn dân"
    " tộc ở khu dân cư, chăm lo cho hộ khó khăn dịp cuối năm.",
}
WARD_RESULTS = (
    "Tiếp nhận nhiệm vụ do thành ủy bàn giao; lãnh đạo thực hiện quy chế dân chủ ở cơ sở,"
    " người đứng đầu cấp ủy tiếp xúc, đối thoại với nhân dân ở khu phố."
)

# The current quarter's reports: submitted, drafts (with how much of their figures
# they hold so far), and the rest not started.
CURRENT_SUBMITTED = ("bdv", "du-baichay")
CURRENT_DRAFTS = {"mttq": "all", "hlhpn": "half", "congan": "all", "bcsd-ubnd": "none"}
CURRENT_DRAFTS |= {"du-hongai": "half"}
# Bãi Cháy's report of the current quarter went back once (issue 16, what changed):
# first sent with its results cut short and figures missing, returned by the
# commission, then sent again complete.
RESUBMITTED = "du-baichay"
# Files attached to reports of the current quarter, and a PDF to stand for them.
ANNEXES = [
    ("mttq", "Danh sách hộ được hỗ trợ nhà Đại đoàn kết.pdf"),
    (RESUBMITTED, "Danh sách vụ việc phức tạp.pdf"),
]
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
FOLLOW_UP_NOTE = "Theo dõi các vụ việc phức tạp ở khu tái định cư"
SESSIONS_EXPLAINED = "Tăng do đợt tuyên truyền bầu cử bổ sung đại biểu HĐND phường"
RETURN_COMMENT = (
    "Đề nghị phường bổ sung kết quả tiếp xúc, đối thoại với nhân dân và đủ số liệu"
    " các chỉ tiêu trước khi gửi lại."
)


# --- Figures --------------------------------------------------------------------

# Hand-set continuations of demo.py's FIXED_SERIES. The district level ends on
# 30/06/2025: drug-free districts are counted up to Quý II/2025, and no more.
DISTRICTS_DRUG_FREE = {(2024, 3): 3, (2024, 4): 4, (2025, 1): 5, (2025, 2): 5}


def later_values(
    earlier: dict[tuple[str, int, int], dict[str, Decimal]], keys: list[Key]
) -> dict[tuple[str, int, int], dict[str, Decimal]]:
    """{(unit code, year, quarter): {indicator code: value}} for ``keys``, carrying on from
    each unit's Quý II/2024 in ``earlier`` (demo.py's ``sample_values``).

    A city committee's series runs on after it ended, only for its wards: each reports
    its share of it. Each unit and indicator draws from its own seeded generator, so a
    quarter's figures are the same whatever quarter is today.
    """
    table: dict[tuple[str, int, int], dict[str, Decimal]] = {}
    for unit in REPORTING_UNITS:
        last = earlier[(unit.code, *FOLLOW_UP_QUARTER)]
        rows = [table.setdefault((unit.code, *key), {}) for key in keys]
        for indicator in indicators_of(unit):
            rng = random.Random(f"{unit.code}/{indicator.code}")  # noqa: S311 - sample figures
            values = _carried_on(rng, unit, indicator.code, last, keys, rows)
            for row, value in zip(rows, values, strict=True):
                if value is not None:
                    row[indicator.code] = value
    for ward in WARDS:
        for key in keys:
            rng = random.Random(f"{ward.code}/{key}")  # noqa: S311 - sample figures
            factor = Decimal(str(round(rng.uniform(0.9, 1.1), 3))) * ward.share
            city = table[(ward.predecessor, *key)]
            table[(ward.code, *key)] = {
                code: Decimal(round(value * factor)) for code, value in city.items()
            }
    return table


def _carried_on(
    rng: random.Random,
    unit: DemoUnit,
    code: str,
    last: dict[str, Decimal],
    keys: list[Key],
    rows: list[dict[str, Decimal]],
) -> list[Decimal | None]:
    """One indicator's figures for one unit over ``keys``; ``rows`` hold the unit's
    figures of the indicators before it in the catalogue, for the shares."""
    key = (code, unit.code)
    if code == "DISTRICT_NODRUG":
        return [_decimal(DISTRICTS_DRUG_FREE.get(k)) for k in keys]
    if key in FIXED_SERIES:
        return _fixed_walk(rng, code, last[code], len(keys))
    if key in STOCK_START:
        level, rise = float(last[code]), STOCK_START[key][1]
        values: list[Decimal | None] = []
        for _key in keys:
            level += rise * rng.uniform(0.5, 1.5)
            values.append(Decimal(round(level)))
        return values
    return list(drawn_series(rng, unit, code, keys, lambda source: [row[source] for row in rows]))


def _fixed_walk(rng: random.Random, code: str, last: Decimal, count: int) -> list[Decimal | None]:
    """The hand-set series carried on: cases sent to the Standing Board keep falling
    slowly, on-time procedures creep towards 100%."""
    values: list[Decimal | None] = []
    value = last
    for _ in range(count):
        if code == "TTHC_ONTIME":
            value = min(Decimal("99.9"), value + Decimal(rng.choice(("0", "0.1", "0.1"))))
        else:
            value = max(Decimal(2), value + rng.choice((-1, -1, 0, 0, 1)))
        values.append(value)
    return values


def _decimal(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# --- Follow-up ------------------------------------------------------------------

# The seed's directives confirmed done, every unit's part, in the quarter given. The
# others (2, 3, 5, 7, 15, 16) are ongoing work that goes on with progress every quarter.
SEED_DONE_IN: dict[int, Key] = {
    17: (2024, 3),
    18: (2024, 3),
    19: (2024, 3),
    20: (2024, 3),
    4: (2024, 4),
    9: (2024, 4),
    6: (2025, 1),
    11: (2025, 1),
    13: (2025, 1),
    1: (2025, 2),
    8: (2025, 2),
    10: (2025, 2),
    12: (2025, 2),
    14: (2025, 4),
}
# A part finished after the rest of its directive: (directive, unit): (quarter, day).
FINISHED_LATE = {(18, "hnd"): ((2024, 4), datetime.date(2024, 10, 8))}
# Units that have posted no progress yet in the current quarter.
QUIET_THIS_QUARTER = {"hnd", "tinhdoan", "hccb", "dd-hdnd", "bchqs", "du-halong"}

SEED_PROGRESS = {
    2: "Duy trì nắm tình hình nhân dân định kỳ; tổng hợp, phản ánh kịp thời tâm tư, nguyện"
    " vọng của nhân dân với cấp ủy, chính quyền.",
    3: "Quán triệt các quy định, quy chế về công tác dân vận trong cơ quan, đơn vị; đánh giá"
    " kết quả bằng tiêu chí đo đếm được.",
    5: "Rà soát quy tắc ứng xử, hương ước ở chi hội, chi đoàn; bổ sung nội dung phù hợp với"
    " từng đối tượng.",
    7: "Duy trì giao ban định kỳ với các đơn vị; hướng dẫn giải quyết vụ việc ngay từ cơ sở.",
    15: "Đăng ký, xây dựng mô hình “Dân vận khéo” gắn với phòng, chống ma túy ở khu dân cư.",
    16: "Gắn thực hiện nghị quyết, chỉ thị về công tác dân vận với các phong trào thi đua ở cơ sở.",
}
GENERIC_PROGRESS = (
    "Tiếp tục triển khai theo kế hoạch của đơn vị, lồng ghép vào chương trình công tác."
)
DONE_PROGRESS = "Đã hoàn thành nội dung được giao; kết quả tổng hợp trong báo cáo của đơn vị."
TAKEN_OVER = "Tiếp nhận phần việc do {old} bàn giao; xây dựng kế hoạch thực hiện ở phường."
BLOCKED_PROGRESS = (
    "Chờ hướng dẫn thống nhất về quy trình tiếp nhận hồ sơ sau sắp xếp để triển khai."
)


# --- A briefing of the previous quarter -------------------------------------------


@dataclass(frozen=True)
class RecentDirective(SampleDirective):
    quarters_given: int | None = 0  # due at the end of the current quarter + this; None: ongoing


WARD_CODES = tuple(ward.code for ward in WARDS)
RECENT_TITLE = "Giao ban công tác dân vận {label}"
RECENT_CHAIR = "Phó Bí thư Thường trực Tỉnh ủy"
RECENT_BASIS = "Quy chế làm việc của Ban Chấp hành Đảng bộ tỉnh"
RECENT_ASSESSMENT = (
    "Thường trực Tỉnh ủy ghi nhận kết quả công tác dân vận của hệ thống chính trị trong quý;"
    " các đảng ủy phường, xã mới đã chủ động nắm tình hình nhân dân ở cơ sở."
)
RECENT_SHORTCOMINGS = (
    "việc nắm tình hình nhân dân ở một số xã, phường mới sau sắp xếp còn chưa sâu\n"
    "một số kiến nghị của nhân dân về thủ tục hành chính chưa được giải quyết kịp thời"
)
RECENT_DIRECTIVES = [
    RecentDirective(
        "Nắm chắc tình hình nhân dân ở các xã, phường sau sắp xếp",
        "Nắm tình hình nhân dân",
        "Các đảng ủy phường, xã nắm chắc tình hình nhân dân ở khu dân cư, kịp thời phản ánh"
        " kiến nghị của nhân dân; Ban Tuyên giáo và Dân vận Tỉnh ủy tổng hợp, tham mưu.",
        lead=("bdv", *WARD_CODES),
        support=("mttq",),
    ),
    RecentDirective(
        "Tiếp nhận, giải quyết dứt điểm kiến nghị của nhân dân về thủ tục hành chính ở cấp xã",
        "Dân vận chính quyền",
        "Ban Cán sự Đảng UBND tỉnh chỉ đạo giải quyết dứt điểm các kiến nghị của nhân dân về"
        " thủ tục hành chính ở các xã, phường mới; MTTQ tỉnh giám sát.",
        lead=("bcsd-ubnd",),
        support=("mttq", *WARD_CODES),
        quarters_given=1,
    ),
    RecentDirective(
        "Nhân rộng mô hình “Dân vận khéo” trong xây dựng xã, phường không ma túy",
        "Phòng, chống ma túy",
        "Công an tỉnh chủ trì, các đoàn thể phối hợp nhân rộng mô hình “Dân vận khéo” gắn với"
        " xây dựng xã, phường không ma túy.",
        lead=("congan",),
        support=("bdv", *MASS_ORGS),
        quarters_given=1,
    ),
    RecentDirective(
        "Hỗ trợ hội viên nông dân tiêu thụ sản phẩm OCOP",
        "Tiêu thụ sản phẩm OCOP",
        "Hội Nông dân tỉnh kết nối hội viên với các cửa hàng, sàn thương mại điện tử để tiêu"
        " thụ sản phẩm OCOP.",
        lead=("hnd",),
        support=("bcsd-ubnd",),
    ),
    RecentDirective(
        "Giám sát việc thực hiện quy chế dân chủ ở các xã, phường mới",
        "Giám sát, phản biện xã hội",
        "MTTQ tỉnh chủ trì giám sát việc thực hiện quy chế dân chủ ở cơ sở tại các xã, phường"
        " sau sắp xếp.",
        lead=("mttq",),
        support=MASS_ORGS,
        quarters_given=None,
    ),
]
# In the current quarter: a ward claims its part done (awaiting confirmation), one is
# held up, and one asks for more time.
RECENT_CLAIM = (1, "du-baichay")
RECENT_BLOCKED = (2, "du-uongbi")
RECENT_DEADLINE_REQUEST = (
    1,
    "du-uongbi",
    "Phường mới sáp nhập từ nhiều đơn vị, cần thêm thời gian rà soát đủ các khu dân cư.",
)


class LaterQuarters:
    """Loads the quarters after Quý II/2024 on top of demo.py's loader."""

    def __init__(self, loader: _Loader, *, today: datetime.date):
        if today < EARLIEST_TODAY:
            raise ValueError(f"The demo runs from {EARLIEST_TODAY:%d/%m/%Y} on.")
        self.loader = loader
        self.today = today
        self.keys = later_keys(today)
        self.current = self.keys[-1]
        self.quarters: dict[Key, Quarter] = {}
        self.values = later_values(loader.values, self.keys)
        self.meetings = [Meeting.objects.get(quarter=loader.quarters[(2024, 1)])]

    def load(self) -> None:
        """In the order of events: the reports and progress of each quarter go to the
        units of their time, and what is open on 30/06/2025 is handed over by the
        reorganisation of 01/07/2025."""
        before = [key for key in self.keys if key < (2025, 3)]
        after = [key for key in self.keys if key >= (2025, 3)]
        self.load_quarters()
        self.rename_commission()
        self.load_reports(before)
        self.load_progress(before)
        self.reorganise_wards()
        self.move_mass_organisations()
        self.load_ward_accounts()
        self.load_recent_meeting()
        self.load_reports(after)
        self.load_progress(after)
        self.load_recent_requests()
        self.load_annexes()
        self.load_resubmission()
        self.load_follow_up_mark()
        self.load_notifications()

    @property
    def units(self) -> dict[str, Unit]:
        return self.loader.units

    @property
    def admin(self) -> User:
        return self.loader.admin

    @property
    def reviewer(self) -> User:
        return self.loader.reviewer

    def moment(self, fraction: float, hour: int = 9, minute: int = 0) -> datetime.datetime:
        """A moment ``fraction`` of the way from the current quarter's first day to
        yesterday (today, on its first day): nothing is dated after today."""
        start = quarter_bounds(*self.current)[0]
        days = max((self.today - start).days - 1, 0)
        return _moment(start + datetime.timedelta(days=round(days * fraction)), hour, minute)

    # Quarters ----------------------------------------------------------------------

    def load_quarters(self) -> None:
        previous = _previous(self.current)
        for key in self.keys:
            self.quarters[key], _ = self.loader.ensure(
                Quarter,
                {"year": key[0], "number": key[1]},
                {"due_date": due_date(key), "closed": key < previous},
                by=self.admin,
            )

    # The reorganisation --------------------------------------------------------------

    def rename_commission(self) -> None:
        commission = self.units["bdv"]
        if commission.former_names.exists():
            return
        rename_unit(
            unit=commission,
            name=NEW_NAME,
            short_name=NEW_SHORT_NAME,
            decision=RENAME_DECISION,
            user=self.admin,
        )
        # The merged commission numbers its documents with its own symbol.
        self.loader.ensure(
            DocumentIssuer,
            {"unit": commission, "valid_from": RENAMED_ON},
            {**ISSUERS["bdv"], "symbol": "BTGDVTU"},
            by=self.admin,
        )

    def reorganise_wards(self) -> None:
        """The city committees' open parts go to the wards. Recorded, as an office would
        have, when it took effect: the history rows of the parts handed over are dated
        that morning, so the briefing pack of a later meeting, which shows each part
        under the unit it had on the meeting's day (``directives.query.unit_as_of``),
        shows the wards rather than committees ended since."""
        last_row = Assignment.history.aggregate(last=Max("history_id"))["last"] or 0
        self._hand_over_to_wards()
        Assignment.history.filter(history_id__gt=last_row).update(
            history_date=_moment(WARDS_DECISION.effective_on, 8)
        )

    def _hand_over_to_wards(self) -> None:
        tinh_uy = self.units["tu"]
        if not Unit.objects.filter(code=HALONG_WARDS[0].code).exists():
            halong = self.units["tu-halong"]
            every_ward = list(range(len(HALONG_WARDS)))
            # Where the city led, each ward leads its own part; the city's supporting
            # parts go to the largest ward alone.
            placement = {
                assignment.pk: every_ward if assignment.role == AssignmentRole.LEAD else [0]
                for assignment in Assignment.objects.filter(unit=halong, completed_on__isnull=True)
            }
            parts = [SplitPart(self._new_ward(ward, tinh_uy), ward.share) for ward in HALONG_WARDS]
            split_unit(
                unit=halong,
                parts=parts,
                assignment_parts=placement,
                decision=WARDS_DECISION,
                user=self.admin,
            )
            self._place(HALONG_WARDS)
        if not Unit.objects.filter(code=UONGBI_WARD.code).exists():
            merge_units(
                units=[self.units["tu-uongbi"]],
                into=self._new_ward(UONGBI_WARD, tinh_uy),
                decision=WARDS_DECISION,
                user=self.admin,
            )
            self._place([UONGBI_WARD])
        for ward in WARDS:
            self.units[ward.code] = Unit.objects.get(code=ward.code)

    def _place(self, wards: list[Ward]) -> None:
        """The operation makes the units; the administrator then puts them in order."""
        for ward in wards:
            unit = Unit.objects.get(code=ward.code)
            unit.display_order = ward.display_order
            note_history(unit, by=self.admin, reason=CHANGE_REASON)
            unit.save(update_fields=["display_order"])

    @staticmethod
    def _new_ward(ward: Ward, parent: Unit) -> NewUnit:
        return NewUnit(
            code=ward.code,
            name=ward.name,
            short_name=ward.short_name,
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COMMUNE,
            parent=parent,
        )

    def move_mass_organisations(self) -> None:
        front, province = self.units["mttq"], self.units[PROVINCE]
        for code in MASS_ORGS:
            unit = self.units[code]
            # Only from where demo.py put it: a unit moved since (by this or by hand) stays.
            if unit.parent_id == province.pk:
                move_unit(unit=unit, parent=front, decision=FRONT_DECISION, user=self.admin)

    def load_ward_accounts(self) -> None:
        for ward in WARDS:
            unit = self.units[ward.code]
            # A ward's Party committee heads its documents under the provincial Party
            # organisation (36-HD/VPTW), its own name from the tree.
            self.loader.ensure(
                DocumentIssuer,
                {"unit": unit, "valid_from": REORGANISED_ON},
                unit_issuer("ĐẢNG BỘ TỈNH QUẢNG NINH", "", "ĐU", "T/M", "ĐẢNG ỦY", "BÍ THƯ"),
                by=self.admin,
            )
            reporters, heads = self.loader.reporters, self.loader.heads
            for suffix, first, role, role_label, users in (
                ("reporter", "Cán bộ", MembershipRole.REPORTER, "Cán bộ báo cáo", reporters),
                ("head", "Lãnh đạo", MembershipRole.HEAD, "Lãnh đạo đơn vị", heads),
            ):
                user, _ = self.loader.account(
                    f"{ward.code}-{suffix}", first, ward.short_name, role_label, ward.short_name
                )
                self.loader.ensure(
                    Membership, {"user": user, "unit": unit}, {"role": role}, by=self.admin
                )
                users[ward.code] = user

    # Reports -------------------------------------------------------------------------

    def demo_units(self) -> list[Unit]:
        codes = [unit.code for unit in REPORTING_UNITS] + [ward.code for ward in WARDS]
        return [self.units[code] for code in codes if code in self.units]

    def load_reports(self, keys: list[Key]) -> None:
        """Each demo unit's report of each quarter it owes, where it has none yet."""
        quarters = [self.quarters[key] for key in keys]
        units = self.demo_units()
        existing = set(
            UnitReport.objects.filter(quarter__in=quarters).values_list("unit_id", "quarter_id")
        )
        reports = []
        for key, quarter in zip(keys, quarters, strict=True):
            for index, unit in enumerate(units):
                if unit.owes_report_for(quarter) and (unit.pk, quarter.pk) not in existing:
                    report = self.new_report(unit, index, key, quarter)
                    if report is not None:
                        reports.append(report)
        self.loader.add_reports(reports, self.figures_of)

    def new_report(self, unit: Unit, index: int, key: Key, quarter: Quarter) -> UnitReport | None:
        """The unit's report of the quarter: accepted in a past quarter; in the current
        one submitted, a draft or (None) not started."""
        report = UnitReport(
            unit=unit,
            quarter=quarter,
            sample=True,
            people_situation=_sample(PEOPLE.get(key, SEASONAL_PEOPLE[key[1]])),
            results=_sample(
                WARD_RESULTS
                if unit.level == UnitLevel.COMMUNE
                else SAMPLE_RESULTS[UnitKind(unit.kind)]
            ),
            shortcomings=_sample(SAMPLE_SHORTCOMINGS),
            next_plan=_sample(SAMPLE_NEXT_PLAN),
        )
        if key == self.current:
            return self._under_way(report, index)
        return self._accepted(report, index, key)

    def _accepted(self, report: UnitReport, index: int, key: Key) -> UnitReport:
        """Filed around the due date (a few days late now and then) and accepted."""
        late = _pick(report.unit.code, *key) % 10 == 0
        offset = 2 + index % 3 if late else -(index % 6)
        submitted = _moment(due_date(key) + datetime.timedelta(days=offset), 9, index * 3)
        self._submitted(report, submitted)
        report.status = ReportStatus.ACCEPTED
        report.reviewed_at = submitted + datetime.timedelta(days=3, hours=5)
        report.reviewed_by = self.reviewer
        created = submitted - datetime.timedelta(days=7)
        return self._made(report, created=created)

    def _under_way(self, report: UnitReport, index: int) -> UnitReport | None:
        code = report.unit.code
        if code in CURRENT_SUBMITTED:
            submitted = self.moment(0.6, 8, 30 + index)
            self._submitted(report, submitted)
            if code == RESUBMITTED:
                report.first_submitted_at = self.moment(0.45, 8, 30)
            return self._made(report, created=self.moment(0.3))
        if code not in CURRENT_DRAFTS:
            return None
        started = self.moment(0.4, 8, index)
        if CURRENT_DRAFTS[code] == "none":
            report.shortcomings = report.next_plan = ""  # just started
        return self._made(report, created=started)

    def load_resubmission(self) -> None:
        """Bãi Cháy's two submissions of the current quarter: the first (what
        ``report_versions_fill`` froze of it, made into what was first sent), the
        commission's return, and the report as it stands sent again."""
        report = (
            UnitReport.objects.filter(
                unit__code=RESUBMITTED,
                quarter=self.quarters[self.current],
                status=ReportStatus.SUBMITTED,
            )
            .select_related("unit", "submitted_by")
            .first()
        )
        if report is None or report.first_submitted_at is None or report.submitted_at is None:
            return
        if report.versions.count() != 1:
            return  # loaded before
        first = report.versions.get()
        first.submitted_at = report.first_submitted_at
        first.results = report.results.split(";")[0] + "."
        first.save(update_fields=["submitted_at", "results"])
        values = list(first.values.order_by("display_order", "indicator_code"))
        for value in values[1:2]:
            value.value = (value.value / 2).to_integral_value()
            value.save(update_fields=["value"])
        for value in values[2:4]:
            value.delete()
        returned = self.moment(0.5, 14, 0)
        ReviewEvent.objects.create(
            version=first,
            outcome=ReviewOutcome.RETURNED,
            comment=RETURN_COMMENT,
            by=self.reviewer,
            at=returned,
        )
        # As the services leave it: the return's comment and reviewer stay on the
        # report until the next review.
        UnitReport.objects.filter(pk=report.pk).update(
            review_comment=RETURN_COMMENT, reviewed_by=self.reviewer, reviewed_at=returned
        )
        then = copy.copy(report)  # columns only (see demo._as_then)
        then.status, then.review_comment = ReportStatus.RETURNED, RETURN_COMMENT
        then.reviewed_by_id, then.reviewed_at = self.reviewer.pk, returned
        UnitReport.history.bulk_history_create(
            [note_history(then, by=self.reviewer, at=returned)],
            update=True,
            default_change_reason=CHANGE_REASON,
            custom_historical_attrs={"event": ReportEvent.RETURNED},
        )
        report.review_comment, report.reviewed_by_id, report.reviewed_at = (
            RETURN_COMMENT,
            self.reviewer.pk,
            returned,
        )
        UnitReport.history.bulk_history_create(
            [note_history(report, by=report.submitted_by, at=report.submitted_at)],
            update=True,
            default_change_reason=CHANGE_REASON,
            custom_historical_attrs={"event": ReportEvent.SUBMITTED},
        )
        # Sent again with one figure far above the ward's usual, explained in its note:
        # the quality checks flag it, and the reviewer reads why.
        sessions = report.values.filter(indicator__code="TT_SESS").first()
        if sessions is not None:
            sessions.value *= 10
            sessions.note = f"{sessions.note}. {SESSIONS_EXPLAINED}".lstrip(". ")
            sessions.noted_value = sessions.value  # the explanation is of this value
            sessions.save(update_fields=["value", "note", "noted_value"])
        report_version_add(report=report, user=report.submitted_by, at=report.submitted_at)

    def load_annexes(self) -> None:
        """Files attached to two reports of the current quarter (``ANNEXES``): the
        Front's draft, and Bãi Cháy's report before it is sent again, so its second
        submission holds one."""
        quarter = self.quarters[self.current]
        for code, name in ANNEXES:
            report = UnitReport.objects.filter(unit__code=code, quarter=quarter).first()
            if report is None or report.annexes.exists():
                continue
            was = report.status
            if was != ReportStatus.DRAFT:  # attached while it was back with the unit
                UnitReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
                report.status = ReportStatus.RETURNED
            annex = annex_add(
                report=report,
                user=self.loader.reporters[code],
                upload=ContentFile(SAMPLE_PDF, name=name),
                extension="pdf",
            )
            ReportAnnex.objects.filter(pk=annex.pk).update(added_at=self.moment(0.55, 9))
            if was != ReportStatus.DRAFT:
                UnitReport.objects.filter(pk=report.pk).update(status=was)

    def load_follow_up_mark(self) -> None:
        """The commission asked Bãi Cháy to follow its complex cases after last quarter:
        the current quarter's form shows it beside the figure."""
        report = (
            UnitReport.objects.filter(
                unit__code=RESUBMITTED, quarter=self.quarters[_previous(self.current)]
            )
            .select_related("unit", "quarter")
            .first()
        )
        if report is None:
            return
        value = report.values.filter(indicator__code="HOT_NEW").first()
        if value is None or not permissions.can_mark_follow_up(self.reviewer, report):
            return  # (beside other data, the demo's reviewer may not review this unit)
        follow_up_mark(
            report=report,
            indicator_id=value.indicator_id,
            user=self.reviewer,
            note=FOLLOW_UP_NOTE,
            at=(report.reviewed_at or self.moment(0.1)),
        )

    def load_notifications(self) -> None:
        """The inboxes as the current quarter's events left them: each reviewer told of
        the reports waiting for them, each unit of its report returned. Told in the
        app only (``mail=False``): a demo mails nobody."""
        quarter = self.quarters[self.current]
        for report in quarter.reports.filter(
            status__in=[ReportStatus.SUBMITTED, ReportStatus.RETURNED]
        ).select_related("unit", "quarter"):
            returned = report.status == ReportStatus.RETURNED
            notify(
                kind=Kind.REPORT_RETURNED if returned else Kind.REPORT_SUBMITTED,
                users=(permissions.staff_of if returned else permissions.reviewers_of)(
                    report.unit_id
                ),
                event=f"demo:{report.pk}:{report.status}",
                params={
                    "unit": report.unit.name,
                    **quarter_params(quarter),
                    **({"comment": report.review_comment} if returned else {}),
                },
                url=report.get_absolute_url(),
                mail=False,
            )

    def _submitted(self, report: UnitReport, at: datetime.datetime) -> None:
        report.status = ReportStatus.SUBMITTED
        report.first_submitted_at = report.submitted_at = at
        report.submitted_by = self.loader.heads[report.unit.code]

    @staticmethod
    def _made(report: UnitReport, *, created: datetime.datetime) -> UnitReport:
        """Started on ``created``; its history is written from its dates
        (``demo._Loader.add_report_history``)."""
        report.created_at = created
        return report

    def figures_of(self, report: UnitReport) -> dict[str, Decimal]:
        figures = self.values[(report.unit.code, report.quarter.year, report.quarter.number)]
        filled = CURRENT_DRAFTS.get(report.unit.code, "all")
        if report.status != ReportStatus.DRAFT or filled == "all":
            return figures
        codes = list(figures)[: len(figures) // 2] if filled == "half" else []
        return {code: figures[code] for code in codes}

    # Follow-up -----------------------------------------------------------------------

    def load_progress(self, keys: list[Key]) -> None:
        """Every open part of the demo's directives posts progress each quarter (in the
        current one, all but the quiet units); the seed's are confirmed done in turn."""
        quarters = [self.quarters[key] for key in keys]
        assignments = list(
            Assignment.objects.filter(directive__meeting__in=self.meetings)
            .select_related("directive__meeting__quarter", "unit")
            .order_by("directive__meeting__held_at", "directive__number", "unit__display_order")
        )
        existing = set(
            ProgressUpdate.objects.filter(quarter__in=quarters).values_list(
                "assignment_id", "quarter_id"
            )
        )
        updates, completed = [], []
        for key, quarter in zip(keys, quarters, strict=True):
            for index, assignment in enumerate(assignments):
                if (assignment.pk, quarter.pk) in existing or not self.posts(assignment, key):
                    continue
                update = self.update_of(assignment, index, key, quarter)
                updates.append(update)
                if update.review_status == ReviewStatus.CONFIRMED:
                    # A confirmed "done" completes the part on the day the work was finished.
                    assignment.completed_on = update.finished_on
                    note_history(
                        assignment, by=self.reviewer, at=update.reviewed_at, reason=CHANGE_REASON
                    )
                    completed.append(assignment)
        bulk_create_with_history(
            updates, ProgressUpdate, batch_size=500, default_change_reason=CHANGE_REASON
        )
        bulk_update_with_history(
            completed,
            Assignment,
            ["completed_on"],
            batch_size=500,
            default_change_reason=CHANGE_REASON,
        )

    def posts(self, assignment: Assignment, key: Key) -> bool:
        """Whether the part gets an update in the quarter: while it is open, from the
        quarter after its briefing, while its unit exists."""
        quarter = self.quarters[key]
        meeting = assignment.directive.meeting.quarter
        return (
            assignment.completed_on is None
            and key > (meeting.year, meeting.number)
            and assignment.unit.is_active_on(quarter.end_date)
            and not (key == self.current and assignment.unit.code in QUIET_THIS_QUARTER)
        )

    def update_of(
        self, assignment: Assignment, index: int, key: Key, quarter: Quarter
    ) -> ProgressUpdate:
        """The part's update of the quarter: in progress, or confirmed done when its
        seed directive is finished then; the recent briefing's claim and hold-up."""
        unit, directive = assignment.unit, assignment.directive
        seed = directive.meeting_id == self.meetings[0].pk
        recent_now = not seed and key == self.current
        update = ProgressUpdate(
            assignment=assignment,
            quarter=quarter,
            claimed_status=ClaimedStatus.IN_PROGRESS,
            percent=min(90, 30 + 10 * (index % 3) + 5 * self.keys.index(key)),
            reported_by=self.loader.reporters[unit.code],
            reported_at=self.reported_at(index, key),
        )
        text = SEED_PROGRESS.get(directive.number, GENERIC_PROGRESS) if seed else GENERIC_PROGRESS
        if unit.valid_from is not None and quarter.start_date <= unit.valid_from:
            text = TAKEN_OVER.format(old=self.predecessor_name(unit))
        finished_on = self.finished_on(assignment, key) if seed else None
        if finished_on is not None:
            self._confirmed_done(update, finished_on, index)
            text = DONE_PROGRESS
        elif recent_now and (directive.number, unit.code) == RECENT_CLAIM:
            update.claimed_status, update.percent = ClaimedStatus.DONE, 100
            update.finished_on = update.reported_at.date()
            update.review_status = ReviewStatus.PENDING
            text = DONE_PROGRESS
        elif recent_now and (directive.number, unit.code) == RECENT_BLOCKED:
            update.claimed_status, update.percent = ClaimedStatus.BLOCKED, 20
            text = BLOCKED_PROGRESS
        update.description = _sample(f"{_label(key)}: {text}")
        if update.review_status == ReviewStatus.CONFIRMED:
            return note_history(update, by=self.reviewer, at=update.reviewed_at)
        return note_history(update, by=update.reported_by, at=update.reported_at)

    def reported_at(self, index: int, key: Key) -> datetime.datetime:
        """Progress is posted in the quarter's last month (so far, in the current one)."""
        if key == self.current:
            return self.moment(0.2 + 0.06 * (index % 10), 8 + index % 8)
        day = datetime.date(key[0], key[1] * 3, 5 + index % 15)
        return _moment(day, 8 + index % 8, index % 60)

    def _confirmed_done(self, update: ProgressUpdate, finished_on: datetime.date, index: int):
        """A "done" claim posted a few days after the work, confirmed two days later."""
        reported = max(finished_on, update.quarter.start_date) + datetime.timedelta(days=4)
        update.claimed_status, update.percent = ClaimedStatus.DONE, 100
        update.finished_on = finished_on
        update.reported_at = _moment(reported, 9, index % 60)
        update.review_status = ReviewStatus.CONFIRMED
        update.reviewed_by = self.reviewer
        update.reviewed_at = _moment(reported + datetime.timedelta(days=2), 15)

    def finished_on(self, assignment: Assignment, key: Key) -> datetime.date | None:
        """The day a seed directive's part was finished, if it is confirmed done in the
        quarter ``key``: well into the quarter, or by its deadline if that came first."""
        number = assignment.directive.number
        late = FINISHED_LATE.get((number, assignment.unit.code))
        if late is not None:
            return late[1] if late[0] == key else None
        if SEED_DONE_IN.get(number) != key:
            return None
        day = quarter_bounds(*key)[0] + datetime.timedelta(days=40)
        return day if assignment.due_date is None else min(day, assignment.due_date)

    def predecessor_name(self, unit: Unit) -> str:
        ward = next(ward for ward in WARDS if ward.code == unit.code)
        return self.units[ward.predecessor].name

    # A briefing of the previous quarter ----------------------------------------------------

    def load_recent_meeting(self) -> None:
        key = _previous(self.current)
        quarter = self.quarters[key]
        held = _moment(datetime.date(key[0], key[1] * 3, 15), 14)
        recorded = held + datetime.timedelta(hours=18)
        label = f"quý {ROMAN[key[1]]}/{key[0]}"
        meeting, created = self.loader.ensure(
            Meeting,
            {"quarter": quarter, "held_at": held},
            {
                "unit": self.units[PROVINCE],  # the province's Standing Board holds it
                "title": _sample(RECENT_TITLE.format(label=label)),
                "chair_name": _sample(RECENT_CHAIR),
                "basis": _sample(RECENT_BASIS),
                "assessment": _sample(RECENT_ASSESSMENT),
                "shortcomings": _sample(RECENT_SHORTCOMINGS),
            },
            by=self.reviewer,
            at=recorded,
        )
        if created:
            meeting.attending_units.set(
                [unit for unit in self.demo_units() if unit.owes_report_for(quarter)]
            )
        self.meetings.append(meeting)
        for number, demo in enumerate(RECENT_DIRECTIVES, start=1):
            due = None
            if demo.quarters_given is not None:
                last = self.current
                for _ in range(demo.quarters_given):
                    last = _next(last)
                due = quarter_bounds(*last)[1]
            directive, _ = self.loader.ensure(
                Directive,
                {"meeting": meeting, "number": number},
                {
                    "title": _sample(demo.title),
                    "text": _sample(demo.text),
                    "topic": self.loader.topics[demo.topic],
                    "due_date": due,
                    "is_ongoing": due is None,
                },
                by=self.reviewer,
                at=recorded,
            )
            for role, codes in (
                (AssignmentRole.LEAD, demo.lead),
                (AssignmentRole.SUPPORT, demo.support),
            ):
                for code in codes:
                    self.loader.ensure(
                        Assignment,
                        {"directive": directive, "unit": self.units[code]},
                        {"role": role, "due_date": due},
                        by=self.reviewer,
                        at=recorded,
                    )

    def load_recent_requests(self) -> None:
        """A ward asks for more time on the recent briefing's first directive."""
        number, code, reason = RECENT_DEADLINE_REQUEST
        assignment = Assignment.objects.get(
            directive__meeting=self.meetings[-1], directive__number=number, unit=self.units[code]
        )
        assert assignment.due_date is not None  # the directive has a deadline
        new_date = quarter_bounds(*_next(self.current))[1]
        requested_at = self.moment(0.5, 16)
        head = self.loader.heads[code]
        self.loader.ensure(
            DeadlineChange,
            {"assignment": assignment, "new_date": new_date},
            {
                "old_date": assignment.due_date,
                "reason": _sample(reason),
                "requested_by": head,
                "requested_at": requested_at,
            },
            by=head,
            at=requested_at,
        )
