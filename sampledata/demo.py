"""The demo data (docs/ARCHITECTURE.md, "Sample data").

It rebuilds the Quảng Ninh briefing of 14/03/2024 from the seed article
(shared/seed/giao-ban-dan-van-quy-I-2024.txt): its units, Quý I/2024, the
meeting with its chair and basis, the units' Q1 reports, the shortcomings,
every directive with its units, the three recommendations and the target
"4–5 drug-free districts". Around it sit quarters of sample data (2023 and
Quý II/2024) so that trends and follow-up have something to show; every
sample text starts with "[Dữ liệu mẫu]" and every indicator value carries the
note "Dữ liệu mẫu" (the article gives no figures). The sample quarters from
Quý III/2024 to today, with the 2025 reorganisation, are sampledata/later.py's.

Every row is looked up by its natural key and created only when missing, and
nothing that exists is ever updated: a second run writes nothing (not even a
history row), and data already in the database stays as it was.
"""

import copy
import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from common.history import note_history
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    DeadlineChange,
    DeadlineChangeStatus,
    Directive,
    FollowUpToken,
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
    Topic,
)
from reports.models import (
    Accumulation,
    Aggregation,
    ConsolidatedReport,
    DocumentIssuer,
    Indicator,
    IndicatorValue,
    Membership,
    MembershipRole,
    Quarter,
    ReportEvent,
    ReportStatus,
    SignerCapacity,
    Unit,
    UnitKind,
    UnitLevel,
    UnitReport,
    ValidationRule,
)
from reports.services import Quote, consolidated_report_save, report_versions_fill

# Rules between indicators of one report (reports.quality), as an administrator
# would keep them.
QUALITY_RULES = [
    ("Đơn thư giải quyết không quá số tiếp nhận", "DT_DONE", "<=", "DT_RECV"),
    ("Hội viên mới không quá tổng số hội viên", "MEM_NEW", "<=", "MEM_TOTAL"),
    ("Mỗi buổi tuyên truyền có người dự", "TT_PPL", ">=", "TT_SESS"),
]
DEFAULT_PASSWORD = "danvan2024"  # demo accounts only; the command prints it
SAMPLE = "[Dữ liệu mẫu]"
VALUE_NOTE = "Dữ liệu mẫu"
CHANGE_REASON = "Dữ liệu demo (load_demo)"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    """A moment in Vietnamese local time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=VN)


def _as_then(report: UnitReport, status: str) -> UnitReport:
    """A copy of ``report`` as it stood when it reached ``status``, for its history row:
    a draft was not yet sent, a sent report not yet reviewed. Sets only columns (the
    ``_id`` of a user), never a related object, so ``report`` itself is unchanged."""
    then = copy.copy(report)
    then.status = status
    if status == ReportStatus.DRAFT:
        then.first_submitted_at = then.submitted_at = then.submitted_by_id = None
    if status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED):
        then.reviewed_at = then.reviewed_by_id = None
    return then


# --- Units ---------------------------------------------------------------------
# The units the article names, in the commission's usual order.


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    short_name: str
    kind: UnitKind
    level: str = UnitLevel.PROVINCE
    parent: str | None = None
    submits_reports: bool = True


UNITS = [
    DemoUnit("bdv", "Ban Dân vận Tỉnh ủy", "Ban Dân vận", UnitKind.MASS_MOBILIZATION, parent="tu"),
    DemoUnit("mttq", "Ủy ban MTTQ Việt Nam tỉnh", "MTTQ tỉnh", UnitKind.FRONT, parent="tu"),
    DemoUnit("hlhpn", "Hội Liên hiệp Phụ nữ tỉnh", "Hội LHPN tỉnh", UnitKind.MASS_ORG, parent="tu"),
    DemoUnit("tinhdoan", "Tỉnh đoàn", "Tỉnh đoàn", UnitKind.MASS_ORG, parent="tu"),
    DemoUnit("hnd", "Hội Nông dân tỉnh", "Hội Nông dân tỉnh", UnitKind.MASS_ORG, parent="tu"),
    DemoUnit("hccb", "Hội Cựu chiến binh tỉnh", "Hội CCB tỉnh", UnitKind.MASS_ORG, parent="tu"),
    DemoUnit("ldld", "Liên đoàn Lao động tỉnh", "LĐLĐ tỉnh", UnitKind.MASS_ORG, parent="tu"),
    DemoUnit(
        "bchqs", "Bộ Chỉ huy Quân sự tỉnh", "Bộ CHQS tỉnh", UnitKind.ARMED_FORCES, parent="tu"
    ),
    DemoUnit("congan", "Công an tỉnh", "Công an tỉnh", UnitKind.ARMED_FORCES, parent="tu"),
    DemoUnit(
        "bdbp", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP tỉnh", UnitKind.ARMED_FORCES, parent="tu"
    ),
    DemoUnit(
        "bcsd-ubnd",
        "Ban Cán sự Đảng UBND tỉnh",
        "BCS Đảng UBND tỉnh",
        UnitKind.GOVERNMENT,
        parent="tu",
    ),
    DemoUnit(
        "dd-hdnd", "Đảng đoàn HĐND tỉnh", "Đảng đoàn HĐND tỉnh", UnitKind.GOVERNMENT, parent="tu"
    ),
    DemoUnit(
        "tu", "Tỉnh ủy Quảng Ninh", "Tỉnh ủy", UnitKind.PARTY_COMMITTEE, submits_reports=False
    ),
    DemoUnit(
        "tu-halong",
        "Thành ủy Hạ Long",
        "Thành ủy Hạ Long",
        UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.DISTRICT,
        parent="tu",
    ),
    DemoUnit(
        "tu-uongbi",
        "Thành ủy Uông Bí",
        "Thành ủy Uông Bí",
        UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.DISTRICT,
        parent="tu",
    ),
]
REPORTING_UNITS = [unit for unit in UNITS if unit.submits_reports]
PROVINCE = "tu"  # the root: its Standing Board holds the briefing; the roles are held on it

# The issuers of the demo's documents. The signers' names are invented, and say so.
ISSUERS_FROM = datetime.date(2021, 1, 1)


def unit_issuer(
    superior: str,
    header_name: str,
    symbol: str,
    capacity: str,
    signer_for: str,
    title: str,
    motto: str = "",
) -> dict:
    """The issuer details of a demo unit's own documents (its quarterly report): the
    header's two lines, the number's symbol, who signs (sample names), and the
    right-hand heading of an organisation that has its own."""
    return {
        "superior": superior,
        "header_name": header_name,
        "symbol": symbol,
        "place": "Quảng Ninh",
        "signer_capacity": capacity,
        "signer_for": signer_for,
        "signer_title": title,
        "signer_name": "Nguyễn Văn Mẫu (tên mẫu)",
        "recipients": "Thường trực Tỉnh ủy (để b/c)",
        "kept_by": "Văn phòng",
        "motto": motto,
    }


ISSUERS = {
    # A notice of the Standing Board is a document of the Tỉnh ủy, whose superior, the
    # provincial Party organisation, is not a unit of the tree.
    PROVINCE: {
        "superior": "ĐẢNG BỘ TỈNH QUẢNG NINH",
        "header_name": "TỈNH ỦY",
        "symbol": "TU",
        "place": "Quảng Ninh",
        "signer_capacity": SignerCapacity.BY_ORDER,
        "signer_for": "BAN THƯỜNG VỤ",
        "signer_title": "CHÁNH VĂN PHÒNG",
        "signer_name": "Nguyễn Văn An (tên mẫu)",
        "recipients": "Các đồng chí Ủy viên Ban Thường vụ Tỉnh ủy\nCác cơ quan, đơn vị dự giao ban",
        "kept_by": "Văn phòng Tỉnh ủy",
    },
    # The commission's header is its name under the Tỉnh ủy's, from the tree.
    "bdv": {
        "symbol": "BDVTU",
        "place": "Quảng Ninh",
        "signer_title": "TRƯỞNG BAN",
        "signer_name": "Trần Thị Bình (tên mẫu)",
        "recipients": "Thường trực Tỉnh ủy (để b/c)\nCác cơ quan, đơn vị khối dân vận",
        "kept_by": "Văn phòng Ban",
    },
    **{
        code: unit_issuer(*details)
        for code, details in {
            # The state's style (the Front, the mass organisations, the armed forces):
            # the body under its own organisation, as their documents head it.
            "mttq": (
                "ỦY BAN MTTQ VIỆT NAM TỈNH QUẢNG NINH",
                "BAN THƯỜNG TRỰC",
                "MTTQ",
                "T/M",
                "BAN THƯỜNG TRỰC",
                "CHỦ TỊCH",
            ),
            "hlhpn": (
                "HỘI LHPN TỈNH QUẢNG NINH",
                "BAN THƯỜNG VỤ",
                "HPN",
                "T/M",
                "BAN THƯỜNG VỤ",
                "CHỦ TỊCH",
            ),
            "tinhdoan": (
                "BCH ĐOÀN TỈNH QUẢNG NINH",
                "BAN THƯỜNG VỤ",
                "TĐTN",
                "T/M",
                "BAN THƯỜNG VỤ",
                "BÍ THƯ",
                "ĐOÀN TNCS HỒ CHÍ MINH",
            ),
            "hnd": (
                "HỘI NÔNG DÂN TỈNH QUẢNG NINH",
                "BAN THƯỜNG VỤ",
                "HND",
                "T/M",
                "BAN THƯỜNG VỤ",
                "CHỦ TỊCH",
            ),
            "hccb": (
                "HỘI CỰU CHIẾN BINH TỈNH QUẢNG NINH",
                "BAN THƯỜNG VỤ",
                "CCB",
                "T/M",
                "BAN THƯỜNG VỤ",
                "CHỦ TỊCH",
            ),
            "ldld": ("TỔNG LĐLĐ VIỆT NAM", "LĐLĐ TỈNH QUẢNG NINH", "LĐLĐ", "", "", "CHỦ TỊCH"),
            "bchqs": ("QUÂN KHU 3", "BỘ CHQS TỈNH QUẢNG NINH", "BCH", "", "", "CHỈ HUY TRƯỞNG"),
            "congan": ("BỘ CÔNG AN", "CÔNG AN TỈNH QUẢNG NINH", "CAT", "", "", "GIÁM ĐỐC"),
            "bdbp": (
                "BỘ TƯ LỆNH BỘ ĐỘI BIÊN PHÒNG",
                "BỘ CHỈ HUY BĐBP TỈNH QUẢNG NINH",
                "BĐBP",
                "",
                "",
                "CHỈ HUY TRƯỞNG",
            ),
            # The Party's style: the provincial Party organisation above the body.
            "bcsd-ubnd": (
                "ĐẢNG BỘ TỈNH QUẢNG NINH",
                "BAN CÁN SỰ ĐẢNG UBND TỈNH",
                "BCSĐ",
                "T/M",
                "BAN CÁN SỰ ĐẢNG",
                "BÍ THƯ",
            ),
            "dd-hdnd": (
                "ĐẢNG BỘ TỈNH QUẢNG NINH",
                "ĐẢNG ĐOÀN HĐND TỈNH",
                "ĐĐ",
                "T/M",
                "ĐẢNG ĐOÀN",
                "BÍ THƯ",
            ),
            "tu-halong": (
                "ĐẢNG BỘ TỈNH QUẢNG NINH",
                "THÀNH ỦY HẠ LONG",
                "THU",
                "T/M",
                "BAN THƯỜNG VỤ",
                "BÍ THƯ",
            ),
            "tu-uongbi": (
                "ĐẢNG BỘ TỈNH QUẢNG NINH",
                "THÀNH ỦY UÔNG BÍ",
                "THU",
                "T/M",
                "BAN THƯỜNG VỤ",
                "BÍ THƯ",
            ),
        }.items()
    },
}

MASS_ORGS = ("hlhpn", "tinhdoan", "hnd", "hccb", "ldld")
FRONT_AND_ORGS = ("mttq", *MASS_ORGS)
ARMED_FORCES = ("bchqs", "congan", "bdbp")
GOVERNMENT = ("bcsd-ubnd", "dd-hdnd")
CITY_COMMITTEES = ("tu-halong", "tu-uongbi")
# "Chiều 14/3, Thường Trực Tỉnh ủy có buổi giao ban, làm việc với Ban Dân vận
# Tỉnh ủy, chính quyền, lực lượng vũ trang trên địa bàn, Mặt trận Tổ quốc, các
# tổ chức chính trị - xã hội": the two Thành ủy were not there.
ATTENDING = ("bdv", *GOVERNMENT, *ARMED_FORCES, *FRONT_AND_ORGS)


# --- Indicators (shared/INDICATORS.md) -----------------------------------------

# code | name | group | measure | accumulation | aggregation | kinds that report it
INDICATOR_TABLE = """
DVK_REG | Mô hình "Dân vận khéo" đăng ký mới | Dân vận khéo | mô hình | flow | sum | all
DVK_REC | Mô hình "Dân vận khéo" được công nhận | Dân vận khéo | mô hình | flow | sum | all
TT_SESS | Buổi tuyên truyền, vận động nhân dân | Tuyên truyền, vận động | buổi | flow | sum | all
TT_PPL | Lượt người dự tuyên truyền | Tuyên truyền, vận động | lượt người | flow | sum | all
GS_SESS | Cuộc giám sát | Giám sát, phản biện xã hội | cuộc | flow | sum | front, mass_org
PB_SESS | Cuộc phản biện xã hội | Giám sát, phản biện xã hội | cuộc | flow | sum | front, mass_org
GS_REC | Kiến nghị sau giám sát | Giám sát, phản biện xã hội | kiến nghị | flow | sum | front, mass_org
DT_RECV | Đơn thư, kiến nghị của nhân dân tiếp nhận | Tiếp nhận, giải quyết đơn thư | đơn | flow | sum | all
DT_DONE | Đơn thư, kiến nghị đã giải quyết | Tiếp nhận, giải quyết đơn thư | đơn | flow | sum | all
HOT_NEW | Vụ việc phức tạp, điểm nóng phát sinh | Tiếp nhận, giải quyết đơn thư | vụ | flow | sum | all
DIALOG | Cuộc tiếp xúc, đối thoại của người đứng đầu với nhân dân | Chính quyền | cuộc | flow | sum | government, party_committee
TTHC_ONTIME | Hồ sơ thủ tục hành chính giải quyết đúng hạn | Chính quyền | % | stock | mean | government
MEM_TOTAL | Hội viên, đoàn viên | Tổ chức, hội viên | người | stock | sum | mass_org
MEM_NEW | Hội viên, đoàn viên mới kết nạp | Tổ chức, hội viên | người | flow | sum | mass_org
CHI_NODRUG | Chi hội, chi đoàn "không ma túy" | Phòng, chống ma túy | chi hội | stock | sum | mass_org
FUND_POOR | Quỹ "Vì người nghèo" vận động được | An sinh xã hội | triệu đồng | flow | sum | front
HOUSE_DDK | Nhà "Đại đoàn kết" xây mới, sửa chữa | An sinh xã hội | nhà | flow | sum | front
GIFT_TET | Suất quà Tết cho hộ nghèo, hộ khó khăn | An sinh xã hội | suất | flow | sum | front, mass_org
POOR_HELP | Hộ được hỗ trợ thoát nghèo | An sinh xã hội | hộ | flow | sum | front, mass_org
WORKDAYS | Ngày công giúp dân | Quốc phòng, an ninh | ngày công | flow | sum | armed_forces
SEC_GROUPS | Tổ tự quản về an ninh, trật tự | Quốc phòng, an ninh | tổ | stock | sum | armed_forces
COMMUNE_NODRUG | Xã, phường, thị trấn không ma túy | Phòng, chống ma túy | xã | stock | sum | armed_forces, mass_mobilization
DISTRICT_NODRUG | Huyện, thị xã, thành phố không ma túy | Phòng, chống ma túy | huyện | stock | sum | mass_mobilization
ADV_DOCS | Văn bản tham mưu cấp ủy ban hành | Tham mưu | văn bản | flow | sum | mass_mobilization
QCDC_CHECK | Cuộc kiểm tra thực hiện quy chế dân chủ ở cơ sở | Tham mưu | cuộc | flow | sum | mass_mobilization
CASES_TO_BOARD | Vụ việc phải đưa lên Thường trực Tỉnh ủy | Tham mưu | vụ | flow | sum | mass_mobilization
OCOP_SHOPS | Sản phẩm OCOP bán thường xuyên tại cửa hàng | Chính quyền | sản phẩm | stock | sum | government
"""  # noqa: E501 - one row per indicator, as in INDICATORS.md


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    group: str
    measure: str
    accumulation: str
    aggregation: str
    unit_kinds: list[str]  # empty: every kind


def _parse_indicators(table: str) -> list[DemoIndicator]:
    rows = []
    for line in table.strip().splitlines():
        code, name, group, measure, accumulation, aggregation, kinds = (
            cell.strip() for cell in line.split("|")
        )
        # The choices' constructors refuse a misspelt kind or accumulation.
        unit_kinds = [] if kinds == "all" else [UnitKind(k.strip()).value for k in kinds.split(",")]
        rows.append(
            DemoIndicator(
                code,
                name,
                group,
                measure,
                Accumulation(accumulation).value,
                Aggregation(aggregation).value,
                unit_kinds,
            )
        )
    return rows


INDICATORS = _parse_indicators(INDICATOR_TABLE)

# The HĐND's Party delegation handles no administrative procedures and sells
# no OCOP products, so it leaves those two government indicators empty.
NOT_REPORTED = {("dd-hdnd", "TTHC_ONTIME"), ("dd-hdnd", "OCOP_SHOPS")}


def indicators_of(unit: DemoUnit) -> list[DemoIndicator]:
    """The catalogue's indicators the unit fills in, in catalogue order."""
    return [
        indicator
        for indicator in INDICATORS
        if (not indicator.unit_kinds or unit.kind in indicator.unit_kinds)
        and (unit.code, indicator.code) not in NOT_REPORTED
    ]


# --- Quarters ------------------------------------------------------------------
# (year, number, due date, closed). Sample quarters fall due on the 10th of
# their last month. The article gives no due date for Quý I/2024: 10/03/2024
# follows the same rule and puts the reports before the briefing of 14/03.
# The quarters after Quý II/2024, up to today's, are sampledata/later.py's.
QUARTERS = [
    (2023, 1, datetime.date(2023, 3, 10), True),
    (2023, 2, datetime.date(2023, 6, 10), True),
    (2023, 3, datetime.date(2023, 9, 10), True),
    (2023, 4, datetime.date(2023, 12, 10), True),
    (2024, 1, datetime.date(2024, 3, 10), True),
    (2024, 2, datetime.date(2024, 6, 10), True),
]
SAMPLE_QUARTERS = [(year, number) for year, number, _due, _closed in QUARTERS]
SEED_QUARTER = (2024, 1)
FOLLOW_UP_QUARTER = (2024, 2)
# Reports that reached the commission after the due date.
LATE_REPORTS = {(2023, 2, "hccb"), (2023, 3, "tu-uongbi"), (2023, 4, "dd-hdnd"), (2024, 2, "hnd")}


# --- The meeting of 14/03/2024 (from the article) -------------------------------

MEETING_HELD_AT = _at(2024, 3, 14, 14, 0)  # "Chiều 14/3"
MEETING_TITLE = "Giao ban về tình hình nhân dân và công tác dân vận quý I/2024"
CHAIR_NAME = "Nguyễn Xuân Ký"
CHAIR_POSITIONS = "Ủy viên Trung ương Đảng, Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh"
MEETING_BASIS = "\n".join(
    [
        "Quyết định số 461-QĐ/TU ngày 14/12/2021 của Ban Thường vụ Tỉnh ủy",
        "Chương trình công tác năm 2024 của MTTQ và các tổ chức chính trị - xã hội",
        "Nghị quyết số 20-NQ/TU ngày 27/11/2023 của Ban Chấp hành Đảng bộ tỉnh"
        " “Về phương hướng, nhiệm vụ năm 2024”",
    ]
)
# The article's words in the notice's wording: the chair concludes ("Đồng chí … kết
# luận như sau:"), so the assessment has no reporter's "Phát biểu chỉ đạo…, đồng chí…".
MEETING_ASSESSMENT = (
    "Ghi nhận, đánh giá cao hoạt động của Ban Dân vận Tỉnh ủy, chính quyền, lực lượng vũ trang"
    " trên địa bàn, MTTQ, các tổ chức chính trị - xã hội đã thực hiện tốt công tác dân vận, góp"
    " phần củng cố khối đại đoàn kết toàn dân; tạo sự phấn khởi, đoàn kết, tin tưởng cho nhân"
    " dân."
)
MEETING_SHORTCOMINGS = "\n".join(
    [
        "việc cụ thể hóa, thể chế hóa, tổ chức thực hiện một số chủ trương, đường lối của Đảng,"
        " chính sách pháp luật của Nhà nước về công tác dân vận tại một số cấp ủy, tổ chức đảng"
        " còn hạn chế",
        "tình trạng một bộ phận đảng viên, cán bộ, công chức, viên chức khi thực thi công vụ chưa"
        " thực sự gần dân, sát dân, lắng nghe, kịp thời giải quyết những quyền lợi chính đáng của"
        " nhân dân",
        "sự phối hợp giữa một số cơ quan, đơn vị ở cấp sở, ngành với địa phương trong thực hiện"
        " nhiệm vụ công tác dân vận có mặt còn hạn chế",
        # The article goes on "Qua đó cần tăng cường hơn nữa trách nhiệm trong quá trình
        # giám sát, phản biện xã hội": the chair's conclusion, not a shortcoming; the
        # tasks on supervision and social criticism (9, 11) carry it.
    ]
)


# --- The units' Q1/2024 reports (from the article) ------------------------------

Q1_2024_PEOPLE = (
    "Trong quý I/2024, tình hình nhân dân trên địa bàn tỉnh cơ bản ổn định; quốc phòng, an ninh"
    " được giữ vững. Công tác an sinh xã hội tiếp tục được quan tâm, đặc biệt là việc chăm lo"
    " Tết cho người dân, bảo đảm mọi người, mọi nhà đều được đón Tết đầm ấm, yên vui. Nhân dân"
    " tích cực tham gia các hoạt động văn hóa thể thao, lễ hội truyền thống, các hoạt động vui"
    " xuân, đón Tết."
)
# The article's "Theo báo cáo của Ban Dân vận Tỉnh ủy, trong quý I/2024, ..." without
# its attribution, since here it is the commission's own report.
Q1_2024_BDV_RESULTS = "\n\n".join(
    [
        "Trong quý I/2024, bám sát Nghị quyết số 20-NQ/TU ngày 27/11/2023 của Ban Chấp hành"
        " Đảng bộ tỉnh “Về phương hướng, nhiệm vụ năm 2024”, chủ đề công tác năm “Nâng cao chất"
        " lượng tăng trưởng kinh tế; phát triển văn hóa, con người giàu bản sắc Quảng Ninh” và"
        " chỉ đạo của Ban Thường vụ, Thường trực Tỉnh ủy, các cơ quan, đơn vị đã xây dựng chương"
        " trình, kế hoạch công tác để triển khai thực hiện, gắn triển khai thực hiện quy chế công"
        " tác dân vận của hệ thống chính trị với nhiệm vụ chính trị của đơn vị.",
        "Ban Dân vận Tỉnh ủy kịp thời tham mưu Ban Thường vụ Tỉnh ủy ban hành các văn bản để"
        " lãnh đạo, chỉ đạo về công tác dân vận; ban hành chương trình công tác dân vận năm 2024,"
        " tập trung vào 4 nhóm nhiệm vụ trọng tâm. Đồng thời, tham mưu đổi mới hoạt động của Ban"
        " Chỉ đạo thực hiện quy chế dân chủ ở cơ sở tỉnh; tiếp tục nâng cao chất lượng, hiệu quả"
        " phong trào thi đua “Dân vận khéo”, gắn triển khai phong trào với xây dựng nông thôn"
        " mới, giải phóng mặt bằng, giữ gìn, phát huy các giá trị văn hóa truyền thống của con"
        " người Quảng Ninh.",
    ]
)
Q1_2024_FRONT_RESULTS = (
    "MTTQ và các tổ chức chính trị - xã hội đổi mới trong công tác tuyên truyền, vận động nhân"
    " dân; tích cực huy động các nguồn lực xã hội, góp phần thực hiện tốt công tác an sinh xã"
    " hội; trong công tác giám sát, phản biện xã hội, chú trọng lựa chọn các nội dung liên quan"
    " trực tiếp đến quyền, lợi ích của người dân để tổ chức thực hiện."
)
Q1_2024_ARMED_RESULTS = (
    "Lực lượng vũ trang tiếp tục chú trọng thực hiện công tác dân vận trong thực hiện nhiệm vụ"
    " quân sự, quốc phòng; nắm chắc tình hình, giữ vững an ninh chính trị, trật tự an toàn xã"
    " hội; tham gia xây dựng hệ thống chính trị ở cơ sở."
)
Q1_2024_GOVERNMENT_RESULTS = {
    "bcsd-ubnd": f"{SAMPLE} Chỉ đạo các sở, ngành, địa phương thực hiện quy chế dân chủ trong"
    " hoạt động của cơ quan hành chính; công khai thủ tục hành chính tại Trung tâm Hành chính"
    " công các cấp; người đứng đầu các cơ quan tiếp công dân định kỳ, đối thoại với người dân"
    " về giải phóng mặt bằng các dự án.",
    "dd-hdnd": f"{SAMPLE} Lãnh đạo Thường trực HĐND tỉnh tổ chức tiếp xúc cử tri, giám sát"
    " việc giải quyết kiến nghị của cử tri sau kỳ họp cuối năm 2023; theo dõi việc tiếp công"
    " dân của các cơ quan hành chính.",
}

# What the article reports of each unit, by unit; the others' Q1/2024 texts are samples.
Q1_2024_RESULTS = {
    "bdv": Q1_2024_BDV_RESULTS,
    "mttq": Q1_2024_FRONT_RESULTS,
    "bchqs": Q1_2024_ARMED_RESULTS,
    **Q1_2024_GOVERNMENT_RESULTS,
}
SAMPLE_PEOPLE_Q1_2024 = (
    "Tình hình cán bộ, hội viên, đoàn viên và nhân dân trong lĩnh vực đơn vị phụ trách ổn"
    " định; mọi người phấn khởi đón Tết Nguyên đán Giáp Thìn 2024."
)

# --- Sample narratives ------------------------------------------------------------

SAMPLE_PEOPLE = {
    (2023, 1): "Tình hình nhân dân trên địa bàn cơ bản ổn định; nhân dân phấn khởi đón Tết"
    " Nguyên đán Quý Mão 2023, tham gia các lễ hội đầu xuân an toàn, tiết kiệm.",
    (2023, 2): "Tình hình nhân dân ổn định; nhân dân quan tâm đến giá cả thị trường, việc làm"
    " của người lao động trong các doanh nghiệp và công tác chuẩn bị phòng, chống thiên tai.",
    (2023, 3): "Tình hình nhân dân ổn định; nhân dân quan tâm công tác phòng, chống bão lũ,"
    " giải phóng mặt bằng các dự án trọng điểm và việc chuẩn bị năm học mới.",
    (2023, 4): "Tình hình nhân dân ổn định, tin tưởng vào sự lãnh đạo của cấp ủy, chính quyền;"
    " nhân dân tích cực tham gia Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư.",
    (2024, 2): "Tình hình nhân dân ổn định; nhân dân quan tâm đến việc làm, thu nhập của người"
    " lao động và công tác chuẩn bị phòng, chống thiên tai mùa mưa bão năm 2024.",
}
SAMPLE_RESULTS = {
    UnitKind.MASS_MOBILIZATION: "Tham mưu Ban Thường vụ Tỉnh ủy các văn bản lãnh đạo, chỉ đạo"
    " công tác dân vận; hướng dẫn, kiểm tra việc thực hiện quy chế dân chủ ở cơ sở; theo dõi,"
    " nhân rộng các mô hình “Dân vận khéo”.",
    UnitKind.FRONT: "Vận động Quỹ “Vì người nghèo”, hỗ trợ xây mới, sửa chữa nhà “Đại đoàn"
    " kết”; tổ chức giám sát, phản biện xã hội theo chương trình năm.",
    UnitKind.MASS_ORG: "Tuyên truyền, vận động hội viên, đoàn viên; kết nạp hội viên mới; xây"
    " dựng chi hội, chi đoàn “không ma túy”; tham gia giám sát, phản biện xã hội.",
    UnitKind.ARMED_FORCES: "Thực hiện công tác dân vận gắn với nhiệm vụ quân sự, quốc phòng,"
    " giữ gìn an ninh, trật tự; giúp nhân dân ngày công lao động; củng cố tổ tự quản về an"
    " ninh, trật tự.",
    UnitKind.GOVERNMENT: "Chỉ đạo thực hiện dân vận chính quyền, cải cách hành chính; người"
    " đứng đầu tiếp xúc, đối thoại với nhân dân; giải quyết đơn thư, kiến nghị đúng thời hạn.",
    UnitKind.PARTY_COMMITTEE: "Lãnh đạo thực hiện quy chế công tác dân vận của hệ thống chính"
    " trị; người đứng đầu cấp ủy tiếp xúc, đối thoại với nhân dân; nhân rộng mô hình “Dân vận"
    " khéo” ở cơ sở.",
}
SAMPLE_SHORTCOMINGS = (
    "Một số nội dung triển khai còn chậm; việc nắm tình hình nhân dân ở một số cơ sở có lúc"
    " chưa kịp thời; sự phối hợp giữa các đơn vị có nội dung chưa chặt chẽ."
)
SAMPLE_NEXT_PLAN = (
    "Tiếp tục thực hiện chương trình công tác năm; nắm chắc tình hình nhân dân, kịp thời tham"
    " mưu giải quyết kiến nghị chính đáng của nhân dân; nâng cao chất lượng phong trào thi đua"
    " “Dân vận khéo”."
)
Q1_2024_NEXT_PLAN = (
    "Quý II/2024: cụ thể hóa các ý kiến chỉ đạo của Thường trực Tỉnh ủy tại buổi giao ban"
    " ngày 14/3/2024; báo cáo tiến độ thực hiện theo quy định."
)


# The commission's consolidated report of Q1/2024 (a draft, written from the units'
# reports): (section, the unit whose report it quotes, or "" for the commission's own
# words, text). Only what the article says; the next quarter's plan is a sample.
CONSOLIDATED_Q1_2024 = [
    ("people_situation", "bdv", Q1_2024_PEOPLE),
    *(("results", "bdv", paragraph) for paragraph in Q1_2024_BDV_RESULTS.split("\n\n")),
    ("results", "mttq", Q1_2024_FRONT_RESULTS),
    ("results", "bchqs", Q1_2024_ARMED_RESULTS),
    ("next_plan", "", f"{SAMPLE} {Q1_2024_NEXT_PLAN}"),
]


def _sample(text: str) -> str:
    return f"{SAMPLE} {text}"


# --- Directives (the chair's, in article order) -------------------------------------


@dataclass(frozen=True)
class SampleDirective:
    """A directive of a sample briefing: its text, topic, and lead and supporting units."""

    title: str
    topic: str
    text: str
    lead: tuple[str, ...]  # unit codes
    support: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoDirective(SampleDirective):
    due_date: datetime.date | None = None
    target: str | None = None
    # Which of its units the article does not name (the demo chose them): "" none,
    # "support" the supporting units, "all" every unit. A deadline is always the demo's.
    chosen_units: str = ""

    @property
    def labelled_text(self) -> str:
        """The article's words, then a line naming what the demo added, as sample."""
        added = {"all": ["đơn vị chủ trì, phối hợp"], "support": ["đơn vị phối hợp"]}.get(
            self.chosen_units, []
        )
        if self.due_date is not None:
            added.append("thời hạn")
        if not added:
            return self.text
        what = " và ".join(added)
        return f"{self.text}\n{SAMPLE} {what[0].upper()}{what[1:]}: bài viết không nêu."


TOPICS = [
    "Nắm tình hình nhân dân",
    "Đổi mới phương thức dân vận",
    "Phòng, chống ma túy",
    "Quy tắc ứng xử, hương ước",
    "Các giai tầng xã hội",
    "Công tác tham mưu",
    "Giám sát, phản biện xã hội",
    "Dân vận chính quyền",
    "Lực lượng vũ trang",
    "Thi đua, Dân vận khéo",
    "Giáo dục truyền thống",
    "Quỹ, tài sản của đoàn thể",
    "Xã hội học tập",
    "Tiêu thụ sản phẩm OCOP",
]

DISTRICT_TARGET_DATE = datetime.date(2024, 12, 31)

DIRECTIVES = [
    # 1. No unit named: the commission advises the Party on the whole system's
    # mass-mobilization work; "đặc biệt là công tác dân vận của các cơ quan nhà
    # nước" brings in the government units as support.
    DemoDirective(
        title="Đổi mới phương thức tiếp cận trong công tác dân vận",
        topic="Đổi mới phương thức dân vận",
        text="Trong thời gian tới, công tác dân vận cần được thực hiện"
        " qua việc nhận diện tình hình địa bàn tỉnh trong tư duy mới. Công tác dân vận phải thay"
        " đổi phương thức tiếp cận, đổi mới hơn nữa để nâng cao chất lượng, hiệu quả công tác"
        " dân vận của cả hệ thống chính trị, đặc biệt là công tác dân vận của các cơ quan nhà"
        " nước nhằm phát huy dân chủ xã hội chủ nghĩa, bảo đảm bảo vệ quyền con người, quyền"
        " công dân, quyền làm chủ của nhân dân trên mọi lĩnh vực của đời sống xã hội. Đồng thời"
        " giải quyết tốt nhất quyền và lợi ích hợp pháp, chính đáng, nâng cao chất lượng cuộc"
        " sống và hạnh phúc của nhân dân; phát huy tiềm năng và sức sáng tạo của nhân dân với ý"
        " chí tự lực tự cường truyền thống là tinh thần “Kỷ luật và đồng tâm” để xây dựng tỉnh"
        " Quảng Ninh ngày càng giàu đẹp, văn minh, hiện đại.",
        lead=("bdv",),
        support=GOVERNMENT,
        chosen_units="all",
    ),
    # 2. No unit named: the commission and the Front advise "cấp ủy, chính
    # quyền"; the mass organisations raise awareness among their members.
    DemoDirective(
        title="Nắm được dân, hiểu dân, sát dân, dự báo đúng tình hình nhân dân",
        topic="Nắm tình hình nhân dân",
        text="Trước hết phải nắm được dân, hiểu dân, sát dân,"
        " dự báo được tình hình trong nhân dân, hộ gia đình và từng đối tượng đặc thù, đặc biệt"
        " là các đối tượng như: Dân tộc, tôn giáo, công nhân, lao động, học sinh sinh viên, đồng"
        " bào vùng khó khăn để luôn luôn dự báo đúng, kịp thời tham mưu, đề xuất với cấp ủy,"
        " chính quyền giải quyết ngay từ cơ sở những vấn đề khúc mắc, bức xúc, kiến nghị của"
        " nhân dân với phương châm chủ động từ xa, từ sớm, từ cơ sở, từ đó, có các giải pháp về"
        " công tác tư tưởng, nâng cao nhận thức trong đoàn viên, hội viên trong các tổ chức"
        " chính trị - xã hội.",
        lead=("bdv", "mttq"),
        support=MASS_ORGS,
        chosen_units="all",
    ),
    # 3. The sentence lists Party bodies, state agencies, armed forces, the
    # Front and mass organisations, "đặc biệt là cấp huyện": the commission
    # leads, every body named (the Thành ủy for the district level) supports.
    DemoDirective(
        title="Tạo chuyển biến trong nhận thức, hành động về công tác dân vận, có kết quả đo đếm",
        topic="Đổi mới phương thức dân vận",
        text="Trong công tác dân vận cần tiếp tục tập trung tạo chuyển biến mạnh mẽ trong nhận"
        " thức và hành động của cơ quan đảng, tổ chức đảng, các cơ quan nhà nước, lực lượng vũ"
        " trang, MTTQ và các tổ chức chính trị - xã hội, đặc biệt là cấp huyện và cơ sở, đội"
        " ngũ CBCCVC về công tác dân vận trong tình hình mới gắn với triển khai có hiệu quả các"
        " quy định, quy chế và phải có kết quả đo đếm.",
        lead=("bdv",),
        support=("mttq", *MASS_ORGS, *ARMED_FORCES, *GOVERNMENT, *CITY_COMMITTEES),
        chosen_units="all",
    ),
    # 4. No unit named. The provincial police lead drug prevention; the
    # commission reports DISTRICT_NODRUG, the indicator the target reads on.
    # The Front, the military and border guard commands and the two city
    # committees (their own districts) support.
    DemoDirective(
        title="Phấn đấu toàn tỉnh có 4–5 huyện không ma túy",
        topic="Phòng, chống ma túy",
        text="Để làm tốt công tác dân vận, cần tiếp tục phấn đấu tăng số xã, phường, thị trấn,"
        " huyện không ma túy, không tệ nạn xã hội. Toàn tỉnh phấn đấu có 4-5 huyện không ma túy.",
        lead=("congan", "bdv"),
        support=("mttq", "bchqs", "bdbp", *CITY_COMMITTEES),
        due_date=DISTRICT_TARGET_DATE,
        target="DISTRICT_NODRUG",
        chosen_units="all",
    ),
    DemoDirective(
        title="Rà soát, bổ sung bộ quy tắc ứng xử, hương ước theo Nghị quyết 17",
        topic="Quy tắc ứng xử, hương ước",
        text="Từ Nghị quyết 17 của Ban Chấp hành Đảng bộ tỉnh, MTTQ và các tổ chức chính trị -"
        " xã hội cần rà soát các nội dung liên quan đến quy định, quy chế xây dựng bộ quy tắc"
        " ứng xử, hương ước để bổ sung nội dung mới cho phù hợp với từng đối tượng, nhất là cụ"
        " thể 6 đặc trưng. Mỗi một đoàn thể cần chọn ra những nội dung sát nhiệm vụ, đặc thù,"
        " đối tượng.",
        lead=FRONT_AND_ORGS,
    ),
    # 6. No unit named: each class the sentence lists has its organisation
    # (phụ nữ: Hội LHPN; thế hệ trẻ: Tỉnh đoàn; nông dân: Hội Nông dân; cựu
    # chiến binh: Hội CCB; công nhân, công đoàn: LĐLĐ). The commission and the
    # Front support for intellectuals, entrepreneurs, the elderly, ethnic and
    # religious policy.
    DemoDirective(
        title="Quán triệt chủ trương, chính sách đối với các giai tầng xã hội",
        topic="Các giai tầng xã hội",
        text="Quán triệt, tổ chức tốt các chủ trương, chính sách của Đảng, pháp luật của Nhà"
        " nước liên quan đến các giai tầng xã hội, trong đó, đặc biệt lưu ý đến xây dựng giai"
        " cấp công nhân và tổ chức công đoàn, giai cấp nông dân, xây dựng và phát triển đội ngũ"
        " trí thức, doanh nhân Quảng Ninh, chăm lo xây dựng người phụ nữ Quảng Ninh trong thời"
        " kỳ mới, tăng cường giáo dục cho thế hệ trẻ, tăng cường vai trò của cựu chiến binh"
        " trong giáo dục thế hệ trẻ, xây dựng Đảng, xây dựng chính quyền, phát huy kinh nghiệm"
        " của người cao tuổi, đảm bảo chính sách về dân tộc, tôn giáo.",
        lead=MASS_ORGS,
        support=("bdv", "mttq"),
        chosen_units="all",
    ),
    DemoDirective(
        title="Nâng cao chất lượng tham mưu, giảm vụ việc phải đưa lên Thường trực",
        topic="Công tác tham mưu",
        text="Ban Dân vận Tỉnh ủy nâng cao chất"
        " lượng công tác nghiên cứu, đề xuất, tham mưu với Tỉnh ủy, BTV Tỉnh ủy, nhất là trong"
        " thực hiện chức năng, nhiệm vụ giao ban, nắm bắt, hướng dẫn, giảm thiểu các vụ việc"
        " không cần phải đưa ra thường trực.",
        lead=("bdv",),
        target="CASES_TO_BOARD",
    ),
    DemoDirective(
        title="Đổi mới nội dung, phương thức hoạt động của các tổ chức chính trị - xã hội",
        topic="Đổi mới phương thức dân vận",
        text="Các tổ chức chính trị - xã hội, nhất là cấp huyện, xã đổi mới mạnh mẽ nội dung,"
        " phương thức, nâng cao chất lượng hoạt động theo hướng bám sát cơ sở, hội viên, đoàn"
        " viên phù hợp với tình hình mới, nhất là các hoạt động về tuyên truyền, giáo dục tư"
        " tưởng.",
        lead=MASS_ORGS,
    ),
    # 9. Addressed to the mass organisations; the Front, which presides over
    # supervision and social criticism with them, supports.
    DemoDirective(
        title="Củng cố đội ngũ cán bộ làm tốt giám sát, phản biện xã hội",
        topic="Giám sát, phản biện xã hội",
        text="Củng cố đội ngũ cán bộ nhằm làm tốt công tác giám sát, phản biện xã"
        " hội, góp phần xây dựng Đảng, chính quyền.",
        lead=MASS_ORGS,
        support=("mttq",),
        chosen_units="support",
    ),
    DemoDirective(
        title="Xây dựng chi hội, chi đoàn, gia đình không ma túy, không tệ nạn xã hội",
        topic="Phòng, chống ma túy",
        text="MTTQ và các tổ chức chính trị - xã hội xây dựng chi hội, chi đoàn không ma túy,"
        " không có tệ nạn xã hội; đoàn viên, hội viên, gia đình không có người nghiện ma túy,"
        " không có người mắc tệ nạn xã hội.",
        lead=FRONT_AND_ORGS,
    ),
    DemoDirective(
        title="Giám sát thực hiện các chương trình mục tiêu quốc gia, cải cách hành chính",
        topic="Giám sát, phản biện xã hội",
        text="Tiếp tục quan tâm, giám sát thực hiện các chương trình mục tiêu quốc"
        " gia, cải cách hành chính, nhất là chỉ tiêu gắn liền với lợi ích của nhân dân.",
        lead=FRONT_AND_ORGS,
    ),
    # 12. "trách nhiệm của người đứng đầu cấp ủy": the two city committees support.
    DemoDirective(
        title="Nâng cao trách nhiệm người đứng đầu trong tiếp xúc, đối thoại với nhân dân",
        topic="Dân vận chính quyền",
        text="Ban Cán sự Đảng UBND tỉnh, Đảng đoàn và HĐND tỉnh quan tâm công tác dân vận chính"
        " quyền. Trong đó, tiếp tục nâng cao trách nhiệm của người đứng đầu cấp ủy, các cơ quan"
        " quản lý nhà nước trong việc tiếp xúc, đối thoại, giải quyết kiến nghị, bức xúc của"
        " nhân dân, lắng nghe tâm tư, nguyện vọng của người dân từ cơ sở, tránh đùn đẩy, né"
        " tránh để dân phải lên cấp trên.",
        lead=GOVERNMENT,
        support=CITY_COMMITTEES,
        chosen_units="support",
    ),
    # 13. Continues the government paragraph: civil servants of the commune
    # governments and the Public Administration Centre answer to the People's
    # Committee; the HĐND's Party delegation supports through supervision.
    DemoDirective(
        title="Nâng cao đạo đức công vụ, tinh thần phục vụ người dân và doanh nghiệp",
        topic="Dân vận chính quyền",
        text="Tiếp tục quan tâm nâng cao đạo đức, công vụ, tinh thần phục vụ người dân và doanh"
        " nghiệp của đội ngũ cán bộ, công chức viên chức, nhất là tại chính quyền cơ sở và Trung"
        " tâm Hành chính công; giải quyết tốt quyền và lợi ích chính đáng của nhân dân, chăm lo"
        " đảm bảo an sinh xã hội, tất cả vì cuộc sống nhân dân.",
        lead=("bcsd-ubnd",),
        support=("dd-hdnd",),
        chosen_units="all",
    ),
    DemoDirective(
        title="Lực lượng vũ trang làm tốt công tác dân vận, giữ vững an ninh, trật tự",
        topic="Lực lượng vũ trang",
        text="Lực lượng vũ trang của tỉnh tiếp tục thực hiện công tác dân vận, xây dựng mối quan"
        " hệ máu thịt với nhân dân, xây dựng, củng cố vững chắc quốc phòng toàn dân, an ninh"
        " nhân dân, lòng dân vững chắc, chủ động nắm chắc tình hình nhân dân, báo cáo, tham mưu kịp"
        " thời với cấp ủy và chính quyền không để hình thành điểm nóng về ANTT, xây dựng xã hội"
        " trật tự kỷ cương, địa bàn biên phòng phấn đấu không có ma túy, không có tệ nạn xã hội.",
        lead=ARMED_FORCES,
    ),
    # 15. No unit named: the commission runs the "Dân vận khéo" movement and
    # every reporting unit registers models in it.
    DemoDirective(
        title="Đẩy mạnh phong trào thi đua “Dân vận khéo” gắn với phòng, chống ma túy",
        topic="Thi đua, Dân vận khéo",
        text="Đẩy mạnh phong trào thi đua yêu nước, thực hiện tốt phong trào “Dân vận khéo”,"
        " bền vững, gắn liền với các nghị quyết của tỉnh về phòng chống ma túy.",
        lead=("bdv",),
        support=("mttq", *MASS_ORGS, *ARMED_FORCES, *GOVERNMENT, *CITY_COMMITTEES),
        chosen_units="all",
    ),
    # 16. "Cấp ủy, tổ chức đảng": the city committees and the Party bodies of
    # the government (Ban Cán sự Đảng, Đảng đoàn); the commission supports.
    DemoDirective(
        title="Cấp ủy, tổ chức đảng gắn nghị quyết về dân vận với mô hình, phong trào thi đua",
        topic="Thi đua, Dân vận khéo",
        text="Cấp ủy, tổ chức đảng bám sát phân công các nghị quyết, chỉ thị, kết luận liên quan"
        " đến công tác dân vận gắn liền với các mô hình, từ đó tạo nên các phong trào thi đua"
        " trong công tác dân vận với khí thế mới, thực chất và hiệu quả.",
        lead=(*CITY_COMMITTEES, *GOVERNMENT),
        support=("bdv",),
        chosen_units="all",
    ),
    # 17. The article gives no date; 07/05/2024 is the anniversary itself.
    DemoDirective(
        title="Giáo dục truyền thống nhân kỷ niệm 70 năm Chiến thắng Điện Biên Phủ",
        topic="Giáo dục truyền thống",
        text="Đối với việc giáo dục truyền thống nhân kỷ niệm 70 năm Chiến thắng Điện Biên Phủ,"
        " MTTQ và các tổ chức chính trị - xã hội tham mưu đề xuất đảm bảo việc tổ chức tiết"
        " kiệm, hiệu quả.",
        lead=FRONT_AND_ORGS,
        due_date=datetime.date(2024, 5, 7),
    ),
    # 18–20 answer the three recommendations. Their due dates are sample
    # dates: the article gives none.
    DemoDirective(
        title="Rà soát tổ chức, hoạt động của các quỹ, tài sản của các tổ chức chính trị - xã hội",
        topic="Quỹ, tài sản của đoàn thể",
        text="Đối với các kiến nghị, đề xuất tại buổi làm việc về việc rà soát lại công tác tổ"
        " chức và hoạt động của các quỹ, tài sản của các tổ chức chính trị - xã hội, một mặt các"
        " tổ chức chính trị - xã hội tự rà soát, một mặt Ban Cán sự Đảng UBND tỉnh chỉ đạo rà"
        " soát.",
        lead=(*MASS_ORGS, "bcsd-ubnd"),
        due_date=datetime.date(2024, 9, 30),
    ),
    # 19. "từng đoàn thể": the Front and each mass organisation; the two city
    # committees support for their cities' learning-city goal.
    DemoDirective(
        title="Xây dựng xã hội học tập; đưa Hạ Long, Uông Bí trở thành thành phố học tập toàn cầu",
        topic="Xã hội học tập",
        text="Đối với việc nâng cao trách nhiệm của đoàn viên, hội viên, cán bộ, công chức trong"
        " học tập, xây dựng xã hội học tập, học tập suốt đời từng đoàn thể rà soát trên tinh"
        " thần xây dựng 2 thành phố Hạ Long và Uông Bí trở thành thành phố học tập toàn cầu.",
        lead=FRONT_AND_ORGS,
        support=CITY_COMMITTEES,
        due_date=datetime.date(2024, 9, 30),
        chosen_units="support",
    ),
    # 20. The farmers' association supports: the products are its members'.
    DemoDirective(
        title="Đưa sản phẩm OCOP vào cửa hàng bán thường xuyên, kết nối cung – cầu",
        topic="Tiêu thụ sản phẩm OCOP",
        text="Về vấn đề tiêu thụ sản phẩm OCOP cho bà con nông dân, Ban Cán sự Đảng UBND tỉnh rà"
        " soát việc đưa vào các cửa hàng bán thường xuyên; đồng thời xây dựng hình thức kết nối"
        " cung, cầu giữa người sản xuất với các doanh nghiệp một cách phù hợp.",
        lead=("bcsd-ubnd",),
        support=("hnd",),
        due_date=datetime.date(2024, 6, 30),
        chosen_units="support",
    ),
]

# (recommendation, the chair's response, numbers of the directives it led to);
# the article does not say who raised them.
RECOMMENDATIONS = [
    (
        "Rà soát lại công tác tổ chức và hoạt động của các quỹ, tài sản của các tổ chức chính"
        " trị xã - hội.",
        "Một mặt các tổ chức chính trị - xã hội tự rà soát, một mặt Ban Cán sự Đảng UBND tỉnh"
        " chỉ đạo rà soát.",
        (18,),
    ),
    (
        "Nâng cao trách nhiệm của đoàn viên, hội viên, cán bộ, công chức trong học tập, xây dựng"
        " xã hội học tập, học tập suốt đời.",
        "Từng đoàn thể rà soát trên tinh thần xây dựng 2 thành phố Hạ Long và Uông Bí trở thành"
        " thành phố học tập toàn cầu.",
        (19,),
    ),
    (
        "Tiêu thụ sản phẩm OCOP cho bà con nông dân.",
        "Ban Cán sự Đảng UBND tỉnh rà soát việc đưa vào các cửa hàng bán thường xuyên; đồng thời"
        " xây dựng hình thức kết nối cung, cầu giữa người sản xuất với các doanh nghiệp một cách"
        " phù hợp.",
        (20,),
    ),
]


# --- Sample follow-up in Quý II/2024 ------------------------------------------------


@dataclass(frozen=True)
class DemoUpdate:
    directive: int
    unit: str
    status: str
    percent: int
    description: str
    reported_at: datetime.datetime
    review: str = ReviewStatus.NOT_NEEDED
    reviewed_at: datetime.datetime | None = None
    finished_on: datetime.date | None = None  # a "done" claim: the day the work was finished


UPDATES = [
    DemoUpdate(
        17,
        "mttq",
        ClaimedStatus.DONE,
        100,
        "Đã tham mưu tổ chức các hoạt động giáo dục truyền thống, thăm hỏi cựu chiến binh, thanh"
        " niên xung phong Điện Biên Phủ bảo đảm tiết kiệm, hiệu quả.",
        _at(2024, 5, 6, 10, 0),
        ReviewStatus.CONFIRMED,
        _at(2024, 5, 8, 15, 0),
        datetime.date(2024, 5, 3),
    ),
    DemoUpdate(
        17,
        "hlhpn",
        ClaimedStatus.DONE,
        100,
        "Đã tổ chức tọa đàm “Phụ nữ Quảng Ninh với Chiến thắng Điện Biên Phủ” ở các huyện,"
        " thị xã, thành phố.",
        _at(2024, 5, 7, 16, 30),
        ReviewStatus.CONFIRMED,
        _at(2024, 5, 10, 9, 0),
        datetime.date(2024, 5, 5),
    ),
    DemoUpdate(
        20,
        "bcsd-ubnd",
        ClaimedStatus.IN_PROGRESS,
        60,
        "Đã rà soát danh mục sản phẩm OCOP; đang làm việc với các siêu thị, cửa hàng tiện lợi"
        " để đưa sản phẩm vào bán thường xuyên.",
        _at(2024, 6, 14, 9, 0),
    ),
    DemoUpdate(
        18,
        "hnd",
        ClaimedStatus.BLOCKED,
        20,
        "Chờ hướng dẫn thống nhất về tiêu chí rà soát quỹ hỗ trợ nông dân trước khi tổng hợp.",
        _at(2024, 6, 12, 14, 0),
    ),
    DemoUpdate(
        18,
        "bcsd-ubnd",
        ClaimedStatus.IN_PROGRESS,
        30,
        "Đã giao Sở Tài chính chủ trì xây dựng kế hoạch rà soát các quỹ, tài sản.",
        _at(2024, 6, 10, 9, 30),
    ),
    DemoUpdate(
        4,
        "congan",
        ClaimedStatus.IN_PROGRESS,
        40,
        "Rà soát tiêu chí huyện không ma túy; mở đợt cao điểm tấn công, trấn áp tội phạm ma túy.",
        _at(2024, 6, 18, 8, 30),
    ),
    DemoUpdate(
        4,
        "bdv",
        ClaimedStatus.IN_PROGRESS,
        35,
        "Hướng dẫn các địa phương gắn mô hình “Dân vận khéo” với xây dựng xã, huyện không ma túy.",
        _at(2024, 6, 19, 10, 0),
    ),
    DemoUpdate(
        7,
        "bdv",
        ClaimedStatus.IN_PROGRESS,
        50,
        "Duy trì giao ban định kỳ với các đơn vị; hướng dẫn giải quyết vụ việc ngay từ cơ sở.",
        _at(2024, 6, 20, 9, 0),
    ),
    DemoUpdate(
        12,
        "bcsd-ubnd",
        ClaimedStatus.IN_PROGRESS,
        50,
        "Chủ tịch UBND tỉnh đối thoại với người dân về bồi thường, giải phóng mặt bằng.",
        _at(2024, 6, 21, 15, 0),
    ),
    DemoUpdate(
        14,
        "bdbp",
        ClaimedStatus.IN_PROGRESS,
        50,
        "Duy trì đội công tác ở các xã biên giới; phối hợp xây dựng địa bàn không ma túy.",
        _at(2024, 6, 24, 9, 0),
    ),
]
# (directive, unit, requested deadline, reason, requested at, approved at): the
# unit's deadline moved to the requested one.
DEADLINE_CHANGE = (
    20,
    "bcsd-ubnd",
    datetime.date(2024, 9, 30),
    "Việc ký kết với các chuỗi cửa hàng cần thêm thời gian thẩm định chất lượng sản phẩm.",
    _at(2024, 6, 20, 16, 0),
    _at(2024, 6, 24, 10, 0),
)


# --- Sample indicator values ----------------------------------------------------
# Orders of magnitude follow INDICATORS.md: ~1,900 "Dân vận khéo" models a year
# of which ~722 recognised, ~59,000 Tết gift packages and ~420 "Đại đoàn kết"
# houses a year, ~4,131 self-managed security groups.

UNIT_SCALE: dict[str, float] = {
    "bdv": 0.6,
    "mttq": 1.5,
    "hlhpn": 1.3,
    "tinhdoan": 1.2,
    "hnd": 1.1,
    "hccb": 0.7,
    "ldld": 1.1,
    "bchqs": 0.8,
    "congan": 1.0,
    "bdbp": 0.9,
    "bcsd-ubnd": 0.8,
    "dd-hdnd": 0.4,
    "tu-halong": 1.6,
    "tu-uongbi": 1.0,
}
# (indicator, unit): (level in Quý I/2023, typical rise per quarter)
STOCK_START: dict[tuple[str, str], tuple[float, float]] = {
    ("MEM_TOTAL", "hlhpn"): (318_000, 1_300),
    ("MEM_TOTAL", "tinhdoan"): (96_000, 600),
    ("MEM_TOTAL", "hnd"): (152_000, 700),
    ("MEM_TOTAL", "hccb"): (31_500, 120),
    ("MEM_TOTAL", "ldld"): (148_000, 900),
    ("CHI_NODRUG", "hlhpn"): (1_450, 12),
    ("CHI_NODRUG", "tinhdoan"): (980, 10),
    ("CHI_NODRUG", "hnd"): (1_120, 9),
    ("CHI_NODRUG", "hccb"): (760, 6),
    ("CHI_NODRUG", "ldld"): (640, 8),
    ("SEC_GROUPS", "bchqs"): (372, 1.5),
    ("SEC_GROUPS", "congan"): (3_268, 6),
    ("SEC_GROUPS", "bdbp"): (441, 2),
    ("COMMUNE_NODRUG", "bdv"): (92, 1.5),
    ("COMMUNE_NODRUG", "bchqs"): (12, 0.3),
    ("COMMUNE_NODRUG", "congan"): (88, 1.5),
    ("COMMUNE_NODRUG", "bdbp"): (19, 0.4),
    ("OCOP_SHOPS", "bcsd-ubnd"): (310, 8),
}
# Hand-set series, one figure per sample quarter (2023 Q1 … 2024 Q2).
FIXED_SERIES: dict[tuple[str, str], list[int | str]] = {
    ("DISTRICT_NODRUG", "bdv"): [1, 1, 2, 2, 2, 3],
    ("CASES_TO_BOARD", "bdv"): [9, 8, 10, 7, 6, 5],
    ("TTHC_ONTIME", "bcsd-ubnd"): ["98.6", "98.9", "99.1", "99.3", "99.4", "99.5"],
}
# Every kind reports these: (base per quarter, seasonal factors Q1–Q4), scaled
# by the unit's size (UNIT_SCALE).
FLOW_BASE: dict[str, tuple[float, tuple[float, ...]]] = {
    "DVK_REG": (34, (0.9, 1.0, 1.0, 1.1)),
    "TT_SESS": (120, (1.1, 0.9, 0.9, 1.1)),
    "DT_RECV": (30, (1.0, 1.0, 1.0, 1.0)),
}
SEASONS_FLAT = (1.0, 1.0, 1.0, 1.0)
FLOW_PER_UNIT = {
    # indicator: ({unit: base per quarter}, seasonal factors)
    "GIFT_TET": (
        {
            "mttq": 22_000,
            "hlhpn": 8_000,
            "tinhdoan": 5_000,
            "hnd": 7_000,
            "hccb": 3_000,
            "ldld": 12_000,
        },
        (1.0, 0.03, 0.04, 0.12),
    ),
    "FUND_POOR": ({"mttq": 9_000}, (1.0, 0.5, 0.55, 2.6)),
    "HOUSE_DDK": ({"mttq": 105}, (0.6, 1.15, 1.25, 1.0)),
    "POOR_HELP": ({"mttq": 120, **dict.fromkeys(MASS_ORGS, 40)}, SEASONS_FLAT),
    "GS_SESS": ({"mttq": 14, **dict.fromkeys(MASS_ORGS, 6)}, (0.7, 1.1, 1.1, 1.1)),
    "PB_SESS": ({"mttq": 5, **dict.fromkeys(MASS_ORGS, 2)}, SEASONS_FLAT),
    "WORKDAYS": ({"bchqs": 5_200, "congan": 2_600, "bdbp": 4_300}, (1.2, 0.9, 0.9, 1.0)),
    "DIALOG": (
        {"bcsd-ubnd": 18, "dd-hdnd": 12, "tu-halong": 25, "tu-uongbi": 16},
        SEASONS_FLAT,
    ),
    "ADV_DOCS": ({"bdv": 10}, (1.2, 0.9, 0.9, 1.0)),
    "QCDC_CHECK": ({"bdv": 6}, (0.6, 1.1, 1.2, 1.1)),
}
# indicator: (the indicator it is a share of, lowest share, highest share)
SHARE_OF = {
    "DVK_REC": ("DVK_REG", 0.30, 0.46),
    "TT_PPL": ("TT_SESS", 45, 85),
    "GS_REC": ("GS_SESS", 1.5, 3.0),
    "DT_DONE": ("DT_RECV", 0.85, 1.0),
    "MEM_NEW": ("MEM_TOTAL", 0.005, 0.009),
}


def sample_values() -> dict[tuple[str, int, int], dict[str, Decimal]]:
    """{(unit code, year, quarter): {indicator code: value}} for every sample quarter.

    Deterministic: one seeded generator walks the units and the catalogue in a
    fixed order, so every run (and every database) gets the same figures.
    """
    rng = random.Random(2024)  # noqa: S311 - sample figures, not secrets
    table: dict[tuple[str, int, int], dict[str, Decimal]] = {
        (unit.code, year, number): {}
        for unit in REPORTING_UNITS
        for year, number in SAMPLE_QUARTERS
    }
    for unit in REPORTING_UNITS:
        series: dict[str, list[Decimal]] = {}
        for indicator in indicators_of(unit):
            series[indicator.code] = _series(rng, unit, indicator.code, series)
        for code, values in series.items():
            for (year, number), value in zip(SAMPLE_QUARTERS, values, strict=True):
                table[(unit.code, year, number)][code] = value
    return table


def _series(
    rng: random.Random, unit: DemoUnit, code: str, earlier: dict[str, list[Decimal]]
) -> list[Decimal]:
    """One indicator's figures for one unit over the sample quarters."""
    key = (code, unit.code)
    if key in FIXED_SERIES:
        return [Decimal(str(value)) for value in FIXED_SERIES[key]]
    if key in STOCK_START:
        level, rise = STOCK_START[key]
        values = []
        for _quarter in SAMPLE_QUARTERS:
            values.append(Decimal(round(level)))
            level += rise * rng.uniform(0.5, 1.5)
        return values
    return drawn_series(rng, unit, code, SAMPLE_QUARTERS, earlier.__getitem__)


def drawn_series(
    rng: random.Random,
    unit: DemoUnit,
    code: str,
    quarters: list[tuple[int, int]],
    figures_of: Callable[[str], list[Decimal]],
) -> list[Decimal]:
    """The figures drawn for one unit over ``quarters`` (year, number) of an indicator
    counted as a share of another (``SHARE_OF``; ``figures_of(code)``: the other's over
    the same quarters), the new hotline cases or a seasonal flow (``FLOW_BASE``,
    ``FLOW_PER_UNIT``). The seed demo and the quarters after it draw them alike."""
    if code in SHARE_OF:
        source, low, high = SHARE_OF[code]
        return [
            Decimal(round(float(value) * rng.uniform(low, high))) for value in figures_of(source)
        ]
    if code == "HOT_NEW":
        return [Decimal(rng.choice((0, 0, 1, 1, 2))) for _quarter in quarters]
    if code in FLOW_BASE:
        base, seasons = FLOW_BASE[code]
        base = base * UNIT_SCALE[unit.code]
    else:
        bases, seasons = FLOW_PER_UNIT[code]
        base = bases[unit.code]
    return [
        Decimal(round(base * seasons[number - 1] * rng.uniform(0.75, 1.25)))
        for _year, number in quarters
    ]


# --- Loading ------------------------------------------------------------------------


M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str
    created: bool


class _Loader:
    """Creates whatever of the demo is missing; never changes an existing row."""

    def __init__(self, password_hash: str):
        self.password_hash = password_hash
        self.accounts: list[DemoAccount] = []
        self.units: dict[str, Unit] = {}
        self.quarters: dict[tuple[int, int], Quarter] = {}
        self.indicators: dict[str, Indicator] = {}
        self.topics: dict[str, Topic] = {}
        self.reporters: dict[str, User] = {}
        self.heads: dict[str, User] = {}
        self.directives: dict[int, Directive] = {}
        self.assignments: dict[tuple[int, str], Assignment] = {}
        self.values = sample_values()

    @staticmethod
    def ensure(
        model: type[M],
        lookup: dict,
        defaults: dict | None = None,
        *,
        by: User | None = None,
        at: datetime.datetime | None = None,
    ) -> tuple[M, bool]:
        """get_or_create that records who created the row, and when, in its history."""
        existing = model._default_manager.filter(**lookup).first()
        if existing is not None:
            return existing, False
        obj = model(**lookup, **(defaults or {}))
        note_history(obj, by=by, at=at, reason=CHANGE_REASON)
        obj.save()
        return obj, True

    def run(self) -> list[DemoAccount]:
        self.load_accounts_and_units()
        self.load_issuers()
        self.load_catalogue()
        self.load_reports()
        self.load_meeting()
        self.load_consolidated_report()
        self.load_follow_up()
        return self.accounts

    # Users, units, memberships -------------------------------------------------

    def account(
        self, username: str, first_name: str, last_name: str, role: str, unit: str = "", **flags
    ) -> tuple[User, bool]:
        user, created = self.ensure(
            User,
            {"username": username},
            {
                "first_name": first_name,
                "last_name": last_name,
                "password": self.password_hash,
                **flags,
            },
        )
        self.accounts.append(
            DemoAccount(username, f"{first_name} {last_name}".strip(), role, unit, created)
        )
        return user, created

    def load_accounts_and_units(self) -> None:
        self.admin, _ = self.account(
            "admin", "Quản trị", "hệ thống", "Quản trị", is_superuser=True, is_staff=True
        )
        self.reviewer, _ = self.account(
            "reviewer", "Chuyên viên", "Ban Dân vận", "Thẩm định (reviewer)", "Tỉnh ủy"
        )
        self.leader, _ = self.account(
            "leader", "Thường trực", "Tỉnh ủy", "Lãnh đạo (leadership)", "Tỉnh ủy"
        )

        # Parents first (the province), each unit keeping its place in the usual order.
        ordered = sorted(enumerate(UNITS, start=1), key=lambda pair: pair[1].parent is not None)
        for order, demo in ordered:
            unit, _ = self.ensure(
                Unit,
                {"code": demo.code},
                {
                    "name": demo.name,
                    "short_name": demo.short_name,
                    "kind": demo.kind,
                    "level": demo.level,
                    "parent": self.units[demo.parent] if demo.parent else None,
                    "submits_reports": demo.submits_reports,
                    "display_order": order * 10,
                },
                by=self.admin,
            )
            self.units[demo.code] = unit
            if not demo.submits_reports:
                continue
            for suffix, first, role, role_label, users in (
                ("reporter", "Cán bộ", MembershipRole.REPORTER, "Cán bộ báo cáo", self.reporters),
                ("head", "Lãnh đạo", MembershipRole.HEAD, "Lãnh đạo đơn vị", self.heads),
            ):
                user, _ = self.account(
                    f"{demo.code}-{suffix}", first, demo.short_name, role_label, demo.short_name
                )
                self.ensure(Membership, {"user": user, "unit": unit}, {"role": role}, by=self.admin)
                users[demo.code] = user
        # The commission's reviewer and the Standing Board hold their roles on the
        # province's Party committee: every unit of the demo is under it.
        for user, role in (
            (self.reviewer, MembershipRole.REVIEWER),
            (self.leader, MembershipRole.LEADERSHIP),
        ):
            self.ensure(
                Membership,
                {"user": user, "unit": self.units[PROVINCE]},
                {"role": role},
                by=self.admin,
            )

    def load_issuers(self) -> None:
        """What the Tỉnh ủy's and the commission's documents carry (reports.issuers)."""
        for code, details in ISSUERS.items():
            self.ensure(
                DocumentIssuer,
                {"unit": self.units[code], "valid_from": ISSUERS_FROM},
                details,
                by=self.admin,
            )

    # Quarters, indicators, topics --------------------------------------------------

    def load_catalogue(self) -> None:
        for year, number, due_date, closed in QUARTERS:
            self.quarters[(year, number)], _ = self.ensure(
                Quarter,
                {"year": year, "number": number},
                {"due_date": due_date, "closed": closed},
                by=self.admin,
            )
        for order, demo in enumerate(INDICATORS, start=1):
            self.indicators[demo.code], _ = self.ensure(
                Indicator,
                {"code": demo.code},
                {
                    "name": demo.name,
                    "group": demo.group,
                    "measure": demo.measure,
                    "unit_kinds": demo.unit_kinds,
                    "accumulation": demo.accumulation,
                    "aggregation": demo.aggregation,
                    "max_value": Decimal(100) if demo.measure == "%" else None,
                    "whole_numbers": demo.measure not in ("%", "triệu đồng"),
                    "display_order": order * 10,
                },
                by=self.admin,
            )
        for order, name in enumerate(TOPICS, start=1):
            self.topics[name], _ = self.ensure(Topic, {"name": name}, {"display_order": order * 10})
        for name, left, operator, right in QUALITY_RULES:
            self.ensure(
                ValidationRule,
                {"name": name},
                {"left": left, "operator": operator, "right": right},
                by=self.admin,
            )

    # Reports ------------------------------------------------------------------------

    def load_reports(self) -> None:
        quarters = [self.quarters[(year, number)] for year, number, _due, _closed in QUARTERS]
        existing = set(
            UnitReport.objects.filter(quarter__in=quarters).values_list("unit_id", "quarter_id")
        )
        new_reports: list[UnitReport] = []
        for (year, number, due_date, _closed), quarter in zip(QUARTERS, quarters, strict=True):
            for index, demo in enumerate(REPORTING_UNITS):
                unit = self.units[demo.code]
                if (unit.pk, quarter.pk) in existing:
                    continue
                fields = self.report_fields(demo, index, year, number, due_date)
                if fields is None:
                    continue
                new_reports.append(UnitReport(unit=unit, quarter=quarter, sample=True, **fields))
        self.add_reports(new_reports)

    def add_reports(
        self,
        reports: list[UnitReport],
        figures_of: Callable[[UnitReport], dict[str, Decimal]] | None = None,
    ) -> None:
        """Save the new ``reports`` in bulk, with their history (``add_report_history``),
        figures (``add_values``) and what each filed one sent, as reviewers read it (see
        ReportVersion)."""
        units = Unit.objects.filter(pk__in={report.unit_id for report in reports})
        names = {unit.pk: unit for unit in units.prefetch_related("former_names")}
        for report in reports:
            # The name it is filed under (bulk_create skips UnitReport.save).
            filed = report.submitted_at or report.created_at
            report.unit_name = names[report.unit_id].name_on(timezone.localdate(filed))
        UnitReport.objects.bulk_create(reports, batch_size=500)
        self.add_report_history(reports)
        self.add_values(reports, figures_of)
        report_versions_fill(reports=reports)
        # Bulk inserts send no signals: the quarters' cached figures are renewed here.
        Quarter.objects.filter(pk__in={report.quarter_id for report in reports}).figures_changed()

    def add_report_history(self, reports: list[UnitReport]) -> None:
        """Each report's history as the services would have written it, one row an
        event, in the order of its dates: started by the unit's reporter (``created_at``),
        sent by its head (``first_submitted_at``), accepted by the reviewer
        (``reviewed_at``); each row holds the report as it stood then."""
        started, sent, accepted = [], [], []
        for report in reports:
            reporter = self.reporters[report.unit.code]
            started.append(
                note_history(
                    _as_then(report, ReportStatus.DRAFT), by=reporter, at=report.created_at
                )
            )
            if report.first_submitted_at is not None:
                then = _as_then(report, ReportStatus.SUBMITTED)
                sent.append(
                    note_history(then, by=report.submitted_by, at=report.first_submitted_at)
                )
            if report.status == ReportStatus.ACCEPTED:
                then = _as_then(report, ReportStatus.ACCEPTED)
                accepted.append(note_history(then, by=report.reviewed_by, at=report.reviewed_at))
        for event, rows in (
            (ReportEvent.CREATED, started),
            (ReportEvent.SUBMITTED, sent),
            (ReportEvent.ACCEPTED, accepted),
        ):
            UnitReport.history.bulk_history_create(
                rows,
                batch_size=500,
                update=event != ReportEvent.CREATED,
                default_change_reason=CHANGE_REASON,
                custom_historical_attrs={"event": event},
            )

    def report_fields(
        self, demo: DemoUnit, index: int, year: int, number: int, due_date: datetime.date
    ) -> dict | None:
        """The new report's fields, or None where the unit has no report that quarter."""
        head = self.heads[demo.code]
        if (year, number) == SEED_QUARTER:
            if demo.code not in ATTENDING:
                return None  # the two Thành ủy: missing, they were not at the briefing
            submitted = _at(2024, 3, 4 + index % 5, 8, 30 + index * 2)
            return {
                **self.seed_sections(demo),
                **self.accepted(head, submitted, _at(2024, 3, 12, 9, index * 3)),
                "created_at": submitted - datetime.timedelta(days=6),
            }
        # 2023 and Quý II/2024: every unit filed; a few reports came late.
        late = (year, number, demo.code) in LATE_REPORTS
        offset = 2 + index % 3 if late else -(index % 6)
        submitted = datetime.datetime.combine(
            due_date + datetime.timedelta(days=offset), datetime.time(9, index * 3), tzinfo=VN
        )
        return {
            "people_situation": _sample(SAMPLE_PEOPLE[(year, number)]),
            "results": _sample(SAMPLE_RESULTS[demo.kind]),
            "shortcomings": _sample(SAMPLE_SHORTCOMINGS),
            "next_plan": _sample(SAMPLE_NEXT_PLAN),
            **self.accepted(head, submitted, submitted + datetime.timedelta(days=3, hours=5)),
            "created_at": submitted - datetime.timedelta(days=7),
        }

    def accepted(
        self, head: User, submitted: datetime.datetime, reviewed: datetime.datetime
    ) -> dict:
        return {
            "status": ReportStatus.ACCEPTED,
            "first_submitted_at": submitted,
            "submitted_at": submitted,
            "submitted_by": head,
            "reviewed_at": reviewed,
            "reviewed_by": self.reviewer,
            "version": 1,
        }

    @staticmethod
    def seed_sections(demo: DemoUnit) -> dict:
        """What the article says of this unit, and labelled sample text where it says
        nothing of it: the people's situation is the commission's report, the Front's
        paragraph speaks for the Front's bloc and the armed forces' for the military
        command; the other organisations, the police and the border guards get their own
        sample text, not another unit's words."""
        results = Q1_2024_RESULTS.get(demo.code) or _sample(SAMPLE_RESULTS[demo.kind])
        people = Q1_2024_PEOPLE if demo.code == "bdv" else _sample(SAMPLE_PEOPLE_Q1_2024)
        return {
            "people_situation": people,
            "results": results,
            "shortcomings": _sample(SAMPLE_SHORTCOMINGS),
            "next_plan": _sample(Q1_2024_NEXT_PLAN),
        }

    def add_values(
        self,
        reports: list[UnitReport],
        figures_of: Callable[[UnitReport], dict[str, Decimal]] | None = None,
    ) -> None:
        """The sample figures of the reports created in this run (bulk, with history):
        ``figures_of(report)``, by default the report's in ``sample_values``."""
        values = []
        for report in reports:
            if figures_of is None:
                key = (report.unit.code, report.quarter.year, report.quarter.number)
                figures = self.values[key]
            else:
                figures = figures_of(report)
            for code, figure in figures.items():
                value = IndicatorValue(
                    report=report,
                    indicator=self.indicators[code],
                    value=figure,
                    note=VALUE_NOTE,
                    noted_value=figure,
                )
                note_history(
                    value,
                    by=report.submitted_by or self.reporters[report.unit.code],
                    at=report.submitted_at or report.created_at,
                )
                values.append(value)
            # updated_at is auto_now; set it to the report's own last event.
            report.updated_at = report.reviewed_at or report.submitted_at or report.created_at
        UnitReport.objects.bulk_update(reports, ["updated_at"], batch_size=500)
        bulk_create_with_history(
            values, IndicatorValue, batch_size=500, default_change_reason=CHANGE_REASON
        )

    # The meeting, its directives and recommendations -----------------------------------

    def load_meeting(self) -> None:
        recorded = _at(2024, 3, 15, 8, 0)
        meeting, created = self.ensure(
            Meeting,
            {"quarter": self.quarters[SEED_QUARTER], "held_at": MEETING_HELD_AT},
            {
                "unit": self.units[PROVINCE],
                "title": MEETING_TITLE,
                "chair_name": CHAIR_NAME,
                "chair_positions": CHAIR_POSITIONS,
                "basis": MEETING_BASIS,
                "venue": "",  # the article does not say where
                "assessment": MEETING_ASSESSMENT,
                "shortcomings": MEETING_SHORTCOMINGS,
            },
            by=self.reviewer,
            at=recorded,
        )
        if created:
            meeting.attending_units.set([self.units[code] for code in ATTENDING])

        seed_values = self.values[("bdv", *SEED_QUARTER)]
        for number, demo in enumerate(DIRECTIVES, start=1):
            target = {}
            if demo.target == "DISTRICT_NODRUG":
                target = {
                    "target_indicator": self.indicators["DISTRICT_NODRUG"],
                    "target_baseline": seed_values["DISTRICT_NODRUG"],
                    "target_min": Decimal(4),
                    "target_max": Decimal(5),
                    "target_date": DISTRICT_TARGET_DATE,
                }
            elif demo.target:
                target = {
                    "target_indicator": self.indicators[demo.target],
                    "target_baseline": seed_values[demo.target],
                }
            directive, _ = self.ensure(
                Directive,
                {"meeting": meeting, "number": number},
                {
                    "title": demo.title,
                    "text": demo.labelled_text,
                    "topic": self.topics[demo.topic],
                    "due_date": demo.due_date,
                    "is_ongoing": demo.due_date is None,
                    **target,
                },
                by=self.reviewer,
                at=recorded,
            )
            self.directives[number] = directive
            for role, codes in (
                (AssignmentRole.LEAD, demo.lead),
                (AssignmentRole.SUPPORT, demo.support),
            ):
                for code in codes:
                    if self.units[code].valid_to is not None:
                        # Ended in a reorganisation (sampledata/later.py), which handed its
                        # open parts over: they are not made again for the old unit.
                        continue
                    self.assignments[(number, code)], _ = self.ensure(
                        Assignment,
                        {"directive": directive, "unit": self.units[code]},
                        {"role": role, "due_date": demo.due_date},
                        by=self.reviewer,
                        at=recorded,
                    )

        for number, (text, response, led_to) in enumerate(RECOMMENDATIONS, start=1):
            recommendation, created = self.ensure(
                Recommendation,
                {"meeting": meeting, "number": number},
                {"text": text, "response": response},
                by=self.reviewer,
                at=recorded,
            )
            if created:
                recommendation.directives.set([self.directives[n] for n in led_to])

    def load_consolidated_report(self) -> None:
        """The commission's Q1/2024 consolidated report, as a draft it is writing on the
        drafting page: the article's words, each quoted from the report of the unit it
        is about (``CONSOLIDATED_Q1_2024``); a section the article says nothing of is left
        for the commission to write."""
        commission, quarter = self.units["bdv"], self.quarters[SEED_QUARTER]
        if ConsolidatedReport.objects.filter(unit=commission, quarter=quarter).exists():
            return
        reports = {
            report.unit.code: report
            for report in UnitReport.objects.filter(quarter=quarter).select_related("unit")
        }
        texts: dict[str, list[str]] = {}
        quotes = []
        for section, code, text in CONSOLIDATED_Q1_2024:
            texts.setdefault(section, []).append(text)
            if code:
                quotes.append(Quote(section=section, source=reports[code].pk, excerpt=text))
        consolidated_report_save(
            user=self.reviewer,
            commission=commission,
            quarter=quarter,
            texts={section: "\n".join(parts) for section, parts in texts.items()},
            units_annex=False,
            quotes=quotes,
            expected_version=0,
        )

    # Sample follow-up in Quý II/2024 -------------------------------------------------

    def load_follow_up(self) -> None:
        quarter = self.quarters[FOLLOW_UP_QUARTER]
        for demo in UPDATES:
            assignment = self.assignments[(demo.directive, demo.unit)]
            reporter = self.reporters[demo.unit]
            confirmed = demo.review == ReviewStatus.CONFIRMED
            _, created = self.ensure(
                ProgressUpdate,
                {"assignment": assignment, "quarter": quarter},
                {
                    "claimed_status": demo.status,
                    "percent": demo.percent,
                    "finished_on": demo.finished_on,
                    "description": _sample(demo.description),
                    "reported_by": reporter,
                    "reported_at": demo.reported_at,
                    "review_status": demo.review,
                    "reviewed_by": self.reviewer if confirmed else None,
                    "reviewed_at": demo.reviewed_at,
                },
                by=self.reviewer if confirmed else reporter,
                at=demo.reviewed_at or demo.reported_at,
            )
            if created and confirmed and assignment.completed_on is None:
                # A confirmed "done" completes the assignment on the day the work was finished.
                assignment.completed_on = demo.finished_on
                note_history(
                    assignment, by=self.reviewer, at=demo.reviewed_at, reason=CHANGE_REASON
                )
                assignment.save(update_fields=["completed_on"])

        number, unit, new_date, reason, requested_at, approved_at = DEADLINE_CHANGE
        assignment = self.assignments[(number, unit)]
        _, created = self.ensure(
            DeadlineChange,
            {"assignment": assignment, "new_date": new_date},
            {
                "old_date": assignment.due_date,
                "reason": _sample(reason),
                "requested_by": self.heads[unit],
                "requested_at": requested_at,
                "status": DeadlineChangeStatus.APPROVED,
                "decided_by": self.reviewer,
                "decided_at": approved_at,
            },
            by=self.reviewer,
            at=approved_at,
        )
        if created:
            # An approved change moves the unit's deadline (the old one stays on the change).
            assignment.due_date = new_date
            note_history(assignment, by=self.reviewer, at=approved_at, reason=CHANGE_REASON)
            assignment.save(update_fields=["due_date"])


def demo_load(
    *, password: str = DEFAULT_PASSWORD, today: datetime.date | None = None
) -> list[DemoAccount]:
    """Create whatever of the demo is missing, up to the quarter holding ``today``
    (by default the real date); return the demo accounts.

    Accounts created now get ``password``; existing ones keep theirs.
    """
    # The later quarters build on this module's loader, so they import it.
    from sampledata.later import LaterQuarters

    # One hash for every new account: they share the password anyway, and
    # hashing thirty-odd times would make the command slow for no gain.
    with transaction.atomic():
        loader = _Loader(make_password(password))
        loader.run()
        LaterQuarters(loader, today=today or timezone.localdate()).load()
        # Bulk inserts and updates send no signals.
        FollowUpToken.objects.changed()
        Quarter.objects.figures_changed()
        return loader.accounts
