"""Synthetic national-scale data for load tests and benchmarks (``generate_data``).

The national structure after 2025: a root (the centre), the provincial Party
committees under it, and in each province its provincial bodies and its
commune-level units, with the former district committees in its history: they
reported until the reorganisation of 01/07/2025, when they were merged into a
commune-level successor by the reorganisation operation itself
(``structure.services.merge_units``), which handed over their open assignments
and their staff. A reviewer and a leader hold their roles on each province's
committee, and another pair on the root. Quarters carry reports in every status
with their indicator values; every province holds a briefing meeting each
quarter, with directives, assignments, progress updates, deadline changes and
recommendations, some directives confidential.

Each province draws from its own random generator (seeded by ``seed`` and the
province's number), so province 1 is the same data whether the country has one
province or 34: what a province's pages cost can be compared across sizes. The
same ``seed`` (and the same ``end`` quarter) gives the same data.

It is kept apart from the demo and from real data: unit codes start with
``gen-``, indicator codes with ``GEN_``, user names with ``gen-``, and names,
titles and texts with "[Sinh tự động]". ``generated_delete`` removes exactly
those rows, and what the reorganisation recorded about them (quarters are shared
with the demo and stay).

Rows are bulk-inserted (indicator values through COPY on PostgreSQL), so
``save()`` does not run: ``search_text`` and ``unit_name`` are filled here, and
no history rows are written — generated bulk data has no change history; only
the reorganisation, carried out by the service, writes the history it always
writes.
"""

import datetime
import io
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, Q

from common.text import search_text
from directives.models import (
    Assignment,
    AssignmentRole,
    ClaimedStatus,
    Confidentiality,
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
    ConsolidatedQuote,
    ConsolidatedReport,
    Indicator,
    IndicatorValue,
    Membership,
    MembershipRole,
    Quarter,
    ReminderLog,
    Reorganisation,
    ReportStatus,
    Unit,
    UnitKind,
    UnitLevel,
    UnitLink,
    UnitName,
    UnitReport,
)
from reports.rules import ROMAN
from structure.models import Handover
from structure.services import Decision, merge_units

MARK = "[Sinh tự động]"
UNIT_PREFIX = "gen-"
INDICATOR_PREFIX = "GEN_"
USER_PREFIX = "gen-"
CENTRE_CODE = "gen-tw"
REVIEWER_USERNAME = "gen-reviewer"
LEADER_USERNAME = "gen-leader"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 5000
# The two-level local government: the district level ended on 30/06/2025, its
# committees merged into commune-level units by the provinces' resolutions.
REORGANISED_ON = datetime.date(2025, 7, 1)
DECIDED_DAYS_BEFORE = 15


def _marked(text: str) -> str:
    """``text`` marked as generated; an empty text (a section left empty) stays empty."""
    return f"{MARK} {text}" if text else ""


def province_code(index: int) -> str:
    """The code of province ``index``'s Party committee (its root)."""
    return f"{UNIT_PREFIX}{index:03d}"


def province_reviewer(index: int) -> str:
    """The user name of the reviewer of province ``index`` (a role on its committee)."""
    return f"{province_code(index)}-reviewer"


def province_leader(index: int) -> str:
    """The user name of the leader of province ``index``."""
    return f"{province_code(index)}-leader"


def former_districts(index: int) -> int:
    """How many former district committees province ``index`` had: two or three."""
    return 3 if index % 2 else 2


# Province-level bodies of every generated province, in the commission's order.
PROVINCE_BODIES = [
    (UnitKind.MASS_MOBILIZATION, "Ban Dân vận Tỉnh ủy", "BDV"),
    (UnitKind.FRONT, "Ủy ban MTTQ Việt Nam tỉnh", "MTTQ"),
    (UnitKind.MASS_ORG, "Hội Liên hiệp Phụ nữ tỉnh", "HLHPN"),
    (UnitKind.MASS_ORG, "Tỉnh đoàn", "TĐ"),
    (UnitKind.MASS_ORG, "Hội Nông dân tỉnh", "HND"),
    (UnitKind.MASS_ORG, "Hội Cựu chiến binh tỉnh", "HCCB"),
    (UnitKind.MASS_ORG, "Liên đoàn Lao động tỉnh", "LĐLĐ"),
    (UnitKind.ARMED_FORCES, "Bộ Chỉ huy Quân sự tỉnh", "CHQS"),
    (UnitKind.ARMED_FORCES, "Công an tỉnh", "CA"),
    (UnitKind.ARMED_FORCES, "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "BĐBP"),
    (UnitKind.GOVERNMENT, "Ban Cán sự Đảng UBND tỉnh", "BCS UBND"),
    (UnitKind.GOVERNMENT, "Đảng đoàn HĐND tỉnh", "ĐĐ HĐND"),
]
# Commune-level bodies: (kind, name, share of the communes' units).
COMMUNE_BODIES = [
    (UnitKind.PARTY_COMMITTEE, "Đảng ủy xã", 70),
    (UnitKind.FRONT, "Ban Thường trực MTTQ xã", 15),
    (UnitKind.MASS_ORG, "Hội Liên hiệp Phụ nữ xã", 15),
]
KINDS = [kind for kind, _label in UnitKind.choices]

INDICATOR_NAMES = [
    ("Mô hình “Dân vận khéo” được công nhận", "mô hình", "Dân vận khéo"),
    ("Hội nghị tuyên truyền, phổ biến pháp luật", "cuộc", "Tuyên truyền"),
    ("Lượt người tham dự tuyên truyền", "lượt người", "Tuyên truyền"),
    ("Kinh phí vận động xây dựng nông thôn mới", "triệu đồng", "Nông thôn mới"),
    ("Ngày công lao động đóng góp", "ngày công", "Nông thôn mới"),
    ("Nhà đại đoàn kết được xây dựng, sửa chữa", "căn", "An sinh xã hội"),
    ("Hộ nghèo được hỗ trợ thoát nghèo", "hộ", "An sinh xã hội"),
    ("Tỷ lệ hộ gia đình văn hóa", "%", "Văn hóa"),
    ("Xã, phường không ma túy", "xã", "An ninh trật tự"),
    ("Cuộc giám sát, phản biện xã hội", "cuộc", "Giám sát, phản biện"),
    ("Đoàn viên, hội viên mới kết nạp", "người", "Xây dựng tổ chức"),
    ("Tỷ lệ đoàn viên, hội viên trên dân số", "%", "Xây dựng tổ chức"),
    ("Buổi tiếp xúc, đối thoại với nhân dân", "buổi", "Đối thoại"),
    ("Đơn thư kiến nghị được giải quyết", "đơn", "Đối thoại"),
    ("Tỷ lệ đơn thư giải quyết đúng hạn", "%", "Đối thoại"),
    ("Quỹ vì người nghèo vận động được", "triệu đồng", "An sinh xã hội"),
]
TOPIC_NAMES = [
    "Dân vận khéo",
    "Tuyên truyền, vận động",
    "An sinh xã hội",
    "An ninh trật tự, phòng chống ma túy",
    "Xây dựng nông thôn mới",
    "Giám sát, phản biện xã hội",
    "Xây dựng tổ chức",
]
DIRECTIVE_VERBS = [
    "Tăng cường",
    "Đẩy mạnh",
    "Nâng cao chất lượng",
    "Rà soát, đánh giá",
    "Tổ chức sơ kết",
    "Tập trung chỉ đạo",
]
DIRECTIVE_OBJECTS = [
    "công tác dân vận chính quyền",
    "phong trào thi đua “Dân vận khéo”",
    "tuyên truyền phòng, chống ma túy trong thanh thiếu niên",
    "vận động nhân dân hiến đất làm đường giao thông nông thôn",
    "giám sát việc thực hiện chính sách an sinh xã hội",
    "đối thoại giữa người đứng đầu cấp ủy với nhân dân",
    "công tác nắm tình hình nhân dân vùng đồng bào dân tộc thiểu số",
    "xây dựng khu dân cư văn hóa",
    "giải quyết đơn thư, kiến nghị của công dân",
    "vận động đoàn viên, hội viên tham gia bảo hiểm xã hội tự nguyện",
]
SECTION_TEXTS = {
    "people_situation": [
        "Tình hình nhân dân trên địa bàn cơ bản ổn định, tin tưởng vào sự lãnh đạo của Đảng.",
        "Nhân dân phấn khởi trước kết quả phát triển kinh tế - xã hội; còn băn khoăn về giá cả.",
        "Một số vụ việc khiếu kiện đông người được giải quyết kịp thời, không phát sinh điểm nóng.",
    ],
    "results": [
        "Triển khai đầy đủ các nhiệm vụ trọng tâm của quý; phong trào Dân vận khéo lan tỏa.",
        "Tổ chức các hội nghị tuyên truyền, vận động nhân dân thực hiện chủ trương của Đảng.",
        "Phối hợp giám sát, phản biện xã hội; vận động xây dựng nông thôn mới đạt kết quả tốt.",
    ],
    "shortcomings": [
        "Một số nơi triển khai còn chậm, chưa sâu sát cơ sở.",
        "Công tác nắm tình hình nhân dân có lúc chưa kịp thời.",
        "",
    ],
    "next_plan": [
        "Tiếp tục thực hiện các chỉ tiêu năm; sơ kết phong trào Dân vận khéo.",
        "Tập trung tuyên truyền các ngày lễ lớn; giải quyết kiến nghị của cử tri.",
    ],
    "recommendations": [
        "",
        "Đề nghị cấp trên quan tâm bố trí kinh phí cho hoạt động dân vận ở cơ sở.",
        "",
    ],
}
UPDATE_TEXTS = [
    "Đã xây dựng kế hoạch và triển khai đến các chi bộ.",
    "Đã tổ chức hội nghị quán triệt, phân công cán bộ phụ trách.",
    "Đang phối hợp với các ngành rà soát, tổng hợp số liệu.",
    "Đã hoàn thành các nội dung được giao, gửi báo cáo kết quả.",
]


@dataclass(frozen=True)
class Layout:
    """One province's size: its bodies, former district committees and commune-level
    units (with its Party committee, 1 + the three)."""

    index: int
    bodies: int
    districts: int
    communes: int

    @property
    def units(self) -> int:
        return 1 + self.bodies + self.districts + self.communes


@dataclass
class Plan:
    """What to generate.

    ``provinces`` provinces of ``communes`` commune-level units each, or, when
    ``units`` is given, that many units in all (the root included): the provinces
    share them, each with its committee, bodies and former districts first (a small
    total has fewer provinces).
    """

    provinces: int = 34
    communes: int = 100  # commune-level units per province
    units: int | None = None
    quarters: int = 8
    indicators: int = 40
    directives: int = 6  # per province and quarter
    seed: int = 1
    end: tuple[int, int] | None = None  # last quarter (year, number); default: today's
    password: str = "danvan2024"  # noqa: S105 - generated accounts only, printed
    today: datetime.date | None = None

    def layouts(self) -> list[Layout]:
        """Each province's size, in order."""
        bodies = len(PROVINCE_BODIES)
        if self.units is None:
            return [
                Layout(p, bodies, former_districts(p), self.communes)
                for p in range(1, self.provinces + 1)
            ]
        rest = self.units - 1  # the root
        count = min(self.provinces, rest // (1 + bodies + former_districts(1)))
        count = max(count, 1 if rest > 0 and self.provinces > 0 else 0)
        layouts = []
        for p in range(1, count + 1):
            left = rest // count + (1 if p <= rest % count else 0) - 1
            own_bodies = min(bodies, left)
            districts = min(former_districts(p), left - own_bodies)
            layouts.append(Layout(p, own_bodies, districts, left - own_bodies - districts))
        return layouts


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class GeneratedDataExists(Exception):
    """Generated rows are already in the database (use ``replace``)."""


def _unit_ids_q():
    return Unit.objects.filter(code__startswith=UNIT_PREFIX).values("id")


def generated_exists() -> bool:
    return (
        Unit.objects.filter(code__startswith=UNIT_PREFIX).exists()
        or Indicator.objects.filter(code__startswith=INDICATOR_PREFIX).exists()
        or Meeting.objects.filter(title__startswith=MARK).exists()
    )


def _raw_delete(queryset) -> int:
    """DELETE without loading rows or sending signals (no history rows for bulk data)."""
    return queryset._raw_delete(queryset.db) or 0  # None when nothing can match


def _delete_reorganisations(units) -> int:
    """What the reorganisation operation recorded about generated units, with the
    history rows it wrote; before the rows those history rows name are deleted."""
    reorganisations = list(
        UnitLink.objects.filter(Q(predecessor__in=units) | Q(successor__in=units)).values_list(
            "reorganisation_id", flat=True
        )
    )
    _raw_delete(Handover.objects.filter(Q(from_unit__in=units) | Q(to_unit__in=units)))
    _raw_delete(UnitLink.objects.filter(reorganisation__in=reorganisations))
    _raw_delete(UnitName.objects.filter(unit__in=units))
    assignments = Assignment.objects.filter(unit__in=units).values("id")
    for model in (ProgressUpdate, DeadlineChange):
        ids = model.objects.filter(assignment__in=assignments).values("id")
        _raw_delete(model.history.filter(id__in=ids))
    _raw_delete(Assignment.history.filter(unit__in=units))
    _raw_delete(Membership.history.filter(unit__in=units))
    _raw_delete(Unit.history.filter(code__startswith=UNIT_PREFIX))
    return _raw_delete(Reorganisation.objects.filter(id__in=reorganisations))


def generated_delete() -> dict[str, int]:
    """Delete every generated row (and nothing else); return counts by table."""
    units = _unit_ids_q()
    indicators = Indicator.objects.filter(code__startswith=INDICATOR_PREFIX).values("id")
    meetings = Meeting.objects.filter(title__startswith=MARK).values("id")
    directives = Directive.objects.filter(meeting__in=meetings).values("id")
    assignments = Assignment.objects.filter(Q(directive__in=directives) | Q(unit__in=units)).values(
        "id"
    )
    recommendations = Recommendation.objects.filter(
        Q(meeting__in=meetings) | Q(raised_by__in=units)
    ).values("id")
    reports = UnitReport.objects.filter(unit__in=units).values("id")
    counts: dict[str, int] = {}
    with transaction.atomic():
        counts["reorganisations"] = _delete_reorganisations(units)
        counts["progress updates"] = _raw_delete(
            ProgressUpdate.objects.filter(assignment__in=assignments)
        )
        counts["deadline changes"] = _raw_delete(
            DeadlineChange.objects.filter(assignment__in=assignments)
        )
        _raw_delete(
            Recommendation.directives.through.objects.filter(
                Q(recommendation__in=recommendations) | Q(directive__in=directives)
            )
        )
        counts["recommendations"] = _raw_delete(
            Recommendation.objects.filter(id__in=recommendations)
        )
        counts["assignments"] = _raw_delete(Assignment.objects.filter(id__in=assignments))
        counts["directives"] = _raw_delete(Directive.objects.filter(id__in=directives))
        _raw_delete(
            Meeting.attending_units.through.objects.filter(
                Q(meeting__in=meetings) | Q(unit__in=units)
            )
        )
        counts["meetings"] = _raw_delete(Meeting.objects.filter(id__in=meetings))
        counts["indicator values"] = _raw_delete(
            IndicatorValue.objects.filter(Q(report__in=reports) | Q(indicator__in=indicators))
        )
        # What the generated reviewers wrote of their reports (the drafting page).
        _raw_delete(
            ConsolidatedQuote.objects.filter(
                Q(source__in=reports) | Q(report__unit__code__startswith=UNIT_PREFIX)
            )
        )
        _raw_delete(ConsolidatedReport.objects.filter(unit__code__startswith=UNIT_PREFIX))
        counts["reports"] = _raw_delete(UnitReport.objects.filter(id__in=reports))
        _raw_delete(ReminderLog.objects.filter(unit__in=units))
        counts["memberships"] = _raw_delete(
            Membership.objects.filter(Q(unit__in=units) | Q(user__username__startswith=USER_PREFIX))
        )
        counts["users"] = User.objects.filter(username__startswith=USER_PREFIX).delete()[0]
        counts["units"] = _raw_delete(Unit.objects.filter(code__startswith=UNIT_PREFIX))
        counts["indicators"] = _raw_delete(
            Indicator.objects.filter(code__startswith=INDICATOR_PREFIX)
        )
        counts["topics"] = (
            Topic.objects.filter(name__startswith=MARK)
            .filter(~Exists(Directive.objects.filter(topic=OuterRef("pk"))))
            .delete()[0]
        )
        Quarter.objects.figures_changed()  # raw deletes send no signals
        FollowUpToken.objects.changed()
    return counts


# --- helpers --------------------------------------------------------------


def _quarter_keys(end: tuple[int, int], count: int) -> list[tuple[int, int]]:
    keys = []
    year, number = end
    for _step in range(count):
        keys.append((year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return keys[::-1]


def _due_date(year: int, number: int) -> datetime.date:
    """The 10th of the quarter's last month, as in the demo."""
    return datetime.date(year, number * 3, 10)


M = TypeVar("M", bound=Model)


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(rng.randint(7, 17), rng.randint(0, 59)), tzinfo=VN
    )


def _bulk(model, rows: list[M], log=None) -> list[M]:
    """bulk_create in batches; the rows come back with their ids."""
    created = []
    for start in range(0, len(rows), BATCH):
        created.extend(model.objects.bulk_create(rows[start : start + BATCH]))
    return created


def _copy_values(rows: list[tuple[int, int, str]]) -> None:
    """Insert (report id, indicator id, value) rows: COPY on PostgreSQL, else bulk_create."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        table = IndicatorValue._meta.db_table
        buffer = io.StringIO()
        buffer.writelines(
            f"{report}\t{indicator}\t{value}\t\n" for report, indicator, value in rows
        )
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {table} (report_id, indicator_id, value, note) FROM STDIN", buffer
            )
        return
    _bulk(
        IndicatorValue,
        [IndicatorValue(report_id=r, indicator_id=i, value=v, note="") for r, i, v in rows],
    )


# --- the generator --------------------------------------------------------


@dataclass
class _Prov:
    index: int
    rng: random.Random
    root: Unit
    bodies: list[Unit] = field(default_factory=list)
    districts: list[Unit] = field(default_factory=list)
    communes: list[Unit] = field(default_factory=list)
    reviewer: User = field(init=False)
    leader: User = field(init=False)

    @property
    def reporting(self) -> list[Unit]:
        return self.bodies + self.districts + self.communes

    @property
    def successor(self) -> Unit | None:
        """The commune-level unit the former district committees merge into: the
        first commune-level Party committee (else the first commune-level unit)."""
        committees = [u for u in self.communes if u.kind == UnitKind.PARTY_COMMITTEE]
        return next(iter(committees or self.communes), None)


class _Generator:
    def __init__(self, plan: Plan, log: Callable[[str], None]):
        self.plan = plan
        self.log = log
        self.rng = random.Random(plan.seed)  # noqa: S311 - test data, not secrets
        self.today = plan.today or datetime.date.today()
        self.now = datetime.datetime.combine(self.today, datetime.time(12), tzinfo=VN)
        self.counts: dict[str, int] = {}
        # The last day of the units the reorganisation ends (the former districts).
        self.ends: dict[int, datetime.date] = {}

    def clamp(self, moment: datetime.datetime) -> datetime.datetime:
        """Nothing happens after the moment of generation."""
        return min(moment, self.now)

    def active(self, unit: Unit, day: datetime.date) -> bool:
        """Whether ``unit`` still exists on ``day`` (once the reorganisation is done)."""
        return unit.id not in self.ends or day <= self.ends[unit.id]

    def run(self) -> dict[str, int]:
        self.make_quarters()
        self.make_units()
        self.make_users()
        self.make_indicators()
        self.make_reports()
        self.make_follow_up()
        self.reorganise()
        return self.counts

    # quarters ----------------------------------------------------------------

    def make_quarters(self) -> None:
        end = self.plan.end or (self.today.year, (self.today.month - 1) // 3 + 1)
        keys = _quarter_keys(end, self.plan.quarters)
        self.quarters: list[Quarter] = []
        for year, number in keys:
            quarter, _created = Quarter.objects.get_or_create(
                year=year,
                number=number,
                defaults={"due_date": _due_date(year, number), "closed": (year, number) != end},
            )
            self.quarters.append(quarter)
        self.counts["quarters"] = len(self.quarters)
        # The reorganisation takes effect on 01/07/2025, moved into the window of
        # quarters (after its first quarter, at the latest its last) when outside it.
        starts = [quarter.start_date for quarter in self.quarters]
        self.effective = (
            min(max(REORGANISED_ON, starts[1]), starts[-1]) if len(starts) > 1 else None
        )

    # units ---------------------------------------------------------------------

    def make_units(self) -> None:
        order = iter(range(1, 10**9))

        def unit(code, name, short, kind, level, parent=None) -> Unit:
            full = f"{MARK} {name}"
            return Unit(
                code=code,
                name=full,
                short_name=short,
                kind=kind,
                level=level,
                parent=parent,
                display_order=next(order),
                search_text=search_text(code, full, short),
            )

        centre = unit(
            CENTRE_CODE,
            "Ban Chấp hành Trung ương Đảng",
            "BCH TW",
            UnitKind.PARTY_COMMITTEE,
            UnitLevel.PROVINCE,
        )
        centre.submits_reports = False
        self.centre = _bulk(Unit, [centre])[0]
        layouts = self.plan.layouts()
        roots = []
        for layout in layouts:
            root = unit(
                province_code(layout.index),
                f"Tỉnh ủy tỉnh số {layout.index:03d}",
                f"TU {layout.index:03d}",
                UnitKind.PARTY_COMMITTEE,
                UnitLevel.PROVINCE,
                self.centre,
            )
            root.submits_reports = False
            roots.append(root)
        roots = _bulk(Unit, roots)
        self.provinces = [
            _Prov(
                index=layout.index,
                rng=random.Random(f"{self.plan.seed}:{layout.index}"),  # noqa: S311 - test data
                root=root,
            )
            for layout, root in zip(layouts, roots, strict=True)
        ]
        rows: list[Unit] = []
        weights = [share for _kind, _name, share in COMMUNE_BODIES]
        for prov, layout in zip(self.provinces, layouts, strict=True):
            p, code = prov.index, prov.root.code
            for b, (kind, name, short) in enumerate(PROVINCE_BODIES[: layout.bodies], start=1):
                rows.append(
                    unit(
                        f"{code}-b{b:02d}",
                        f"{name} (tỉnh số {p:03d})",
                        f"{short} {p:03d}",
                        kind,
                        UnitLevel.PROVINCE,
                        prov.root,
                    )
                )
            for d in range(1, layout.districts + 1):
                rows.append(
                    unit(
                        f"{code}-d{d:02d}",
                        f"Huyện ủy huyện số {d:02d} (tỉnh số {p:03d})",
                        f"HU {d:02d}/{p:03d}",
                        UnitKind.PARTY_COMMITTEE,
                        UnitLevel.DISTRICT,
                        prov.root,
                    )
                )
            for c in range(1, layout.communes + 1):
                kind, name, _share = prov.rng.choices(COMMUNE_BODIES, weights)[0]
                rows.append(
                    unit(
                        f"{code}-x{c:03d}",
                        f"{name} số {c:03d} (tỉnh số {p:03d})",
                        f"Xã {c:03d}/{p:03d}",
                        kind,
                        UnitLevel.COMMUNE,
                        prov.root,
                    )
                )
        created = iter(_bulk(Unit, rows))
        for prov, layout in zip(self.provinces, layouts, strict=True):
            prov.bodies = [next(created) for _b in range(layout.bodies)]
            prov.districts = [next(created) for _d in range(layout.districts)]
            prov.communes = [next(created) for _c in range(layout.communes)]
            if self.effective is not None and prov.successor is not None:
                for district in prov.districts:
                    self.ends[district.id] = self.effective - datetime.timedelta(days=1)
        self.counts["units"] = 1 + len(roots) + sum(len(p.reporting) for p in self.provinces)

    # users -----------------------------------------------------------------------

    def make_users(self) -> None:
        """A head for every reporting unit and a reporter for one in ten; a reviewer
        and a leader for each province, holding their role on its committee, and
        for the centre, on the root. All share one password (hashed once)."""
        password = make_password(self.plan.password)

        def person(username: str, first_name: str, last_name: str = "") -> User:
            return User(
                username=username, password=password, first_name=first_name, last_name=last_name
            )

        users = [
            person(REVIEWER_USERNAME, "Chuyên viên", "Trung ương"),
            person(LEADER_USERNAME, "Lãnh đạo", "Trung ương"),
        ]
        for prov in self.provinces:
            users += [
                person(province_reviewer(prov.index), "Chuyên viên", f"tỉnh số {prov.index:03d}"),
                person(province_leader(prov.index), "Lãnh đạo", f"tỉnh số {prov.index:03d}"),
            ]
        roles = []
        for prov in self.provinces:
            for index, unit in enumerate(prov.reporting):
                users.append(person(f"{unit.code}-head", "Trưởng đơn vị"))
                roles.append((unit, MembershipRole.HEAD))
                if index % 10 == 0:
                    users.append(person(f"{unit.code}-reporter", "Cán bộ"))
                    roles.append((unit, MembershipRole.REPORTER))
        users = _bulk(User, users)
        staff = iter(users)
        self.reviewer, self.leader = next(staff), next(staff)
        oversight = [
            Membership(user=self.reviewer, unit=self.centre, role=MembershipRole.REVIEWER),
            Membership(user=self.leader, unit=self.centre, role=MembershipRole.LEADERSHIP),
        ]
        for prov in self.provinces:
            prov.reviewer, prov.leader = next(staff), next(staff)
            oversight += [
                Membership(user=prov.reviewer, unit=prov.root, role=MembershipRole.REVIEWER),
                Membership(user=prov.leader, unit=prov.root, role=MembershipRole.LEADERSHIP),
            ]
        memberships = [
            Membership(user=user, unit=unit, role=role)
            for user, (unit, role) in zip(staff, roles, strict=True)
        ]
        _bulk(Membership, oversight + memberships)
        self.heads = {m.unit.id: m.user for m in memberships if m.role == MembershipRole.HEAD}
        self.counts["users"] = len(users)
        self.counts["memberships"] = len(oversight) + len(memberships)

    # indicators -----------------------------------------------------------------

    def make_indicators(self) -> None:
        rows = []
        for i in range(self.plan.indicators):
            name, measure, group = INDICATOR_NAMES[i % len(INDICATOR_NAMES)]
            if i >= len(INDICATOR_NAMES):
                name = f"{name} (nhóm {i // len(INDICATOR_NAMES) + 1})"
            code = f"{INDICATOR_PREFIX}{i + 1:02d}"
            full = f"{MARK} {name}"
            kinds = [] if i % 8 == 0 else sorted({KINDS[i % 6], KINDS[(i + 2) % 6]})
            is_rate = measure == "%"
            rows.append(
                Indicator(
                    code=code,
                    name=full,
                    group=group,
                    measure=measure,
                    unit_kinds=kinds,
                    accumulation=Accumulation.STOCK if is_rate or i % 4 == 3 else Accumulation.FLOW,
                    aggregation=Aggregation.MEAN if is_rate else Aggregation.SUM,
                    max_value=100 if is_rate else None,
                    whole_numbers=measure not in ("%", "triệu đồng"),
                    display_order=(i + 1) * 10,
                    search_text=search_text(code, full, group),
                )
            )
        self.indicators = _bulk(Indicator, rows)
        self.scale = {ind.id: self.rng.choice((5, 20, 100, 500)) for ind in self.indicators}
        self.by_kind = {
            kind: [ind for ind in self.indicators if ind.applies_to(kind)] for kind in KINDS
        }
        self.counts["indicators"] = len(self.indicators)

    # reports and values -----------------------------------------------------------

    @staticmethod
    def _status(rng: random.Random, is_open: bool) -> str | None:
        """A report's status, or None for no report at all."""
        roll = rng.random()
        if is_open:
            table = ((0.25, None), (0.45, "draft"), (0.75, "submitted"), (0.82, "returned"))
        else:
            table = ((0.03, None), (0.05, "draft"), (0.08, "returned"), (0.15, "submitted"))
        for bound, status in table:
            if roll < bound:
                return status
        return ReportStatus.ACCEPTED

    def make_reports(self) -> None:
        sections = list(SECTION_TEXTS)
        n_reports = n_values = 0
        rngs = {unit.id: prov.rng for prov in self.provinces for unit in prov.reporting}
        for qi, quarter in enumerate(self.quarters):
            is_open = not quarter.closed
            due = quarter.due_date
            reports = []
            for prov in self.provinces:
                rng = prov.rng
                for unit in prov.reporting:
                    if not self.active(unit, quarter.end_date):
                        continue  # it does not owe the report (Unit.owes_report_for)
                    status = self._status(rng, is_open)
                    if status is None:
                        continue
                    reports.append(self._report(rng, prov, unit, quarter, status, due, sections))
            reports = _bulk(UnitReport, reports)
            growth = 1 + 0.02 * qi
            values = []
            for report in reports:
                rng = rngs[report.unit.id]
                for indicator in self.by_kind[report.unit.kind]:
                    if rng.random() < 0.1:
                        continue
                    if indicator.aggregation == Aggregation.MEAN:
                        value = f"{rng.uniform(40, 100):.1f}"
                    else:
                        value = str(round(self.scale[indicator.id] * growth * rng.random()))
                    values.append((report.id, indicator.id, value))
                if len(values) >= 200_000:
                    _copy_values(values)
                    n_values += len(values)
                    values = []
            _copy_values(values)
            n_values += len(values)
            n_reports += len(reports)
            self.log(f"  {quarter.slug}: {len(reports)} reports, {n_values} values so far")
        self.counts["reports"] = n_reports
        self.counts["indicator values"] = n_values

    def _report(self, rng, prov: _Prov, unit: Unit, quarter, status, due, sections) -> UnitReport:
        filed = status != ReportStatus.DRAFT
        late = rng.random() < 0.12
        offset = rng.randint(1, 25) if late else -rng.randint(0, 20)
        submitted = self.clamp(_moment(due + datetime.timedelta(days=offset), rng))
        reviewed = None
        if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
            reviewed = self.clamp(submitted + datetime.timedelta(days=rng.randint(1, 6)))
        text = {
            name: _marked(rng.choice(SECTION_TEXTS[name])) if rng.random() < 0.9 else ""
            for name in sections
        }
        return UnitReport(
            unit=unit,
            quarter=quarter,
            unit_name=unit.name,
            sample=True,
            status=status,
            first_submitted_at=submitted if filed else None,
            submitted_at=submitted if filed else None,
            submitted_by=self.heads.get(unit.id) if filed else None,
            reviewed_at=reviewed,
            reviewed_by=prov.reviewer if reviewed else None,
            review_comment=(
                f"{MARK} Đề nghị bổ sung số liệu." if status == ReportStatus.RETURNED else ""
            ),
            version=rng.randint(1, 4),
            created_at=self.clamp(submitted - datetime.timedelta(days=7)),
            **text,
        )

    # meetings, directives, follow-up ------------------------------------------------

    def make_follow_up(self) -> None:
        topics = []
        for order, name in enumerate(TOPIC_NAMES, start=1):
            topic, _created = Topic.objects.get_or_create(
                name=f"{MARK} {name}", defaults={"display_order": 900 + order}
            )
            topics.append(topic)
        meetings, meeting_provs = [], []
        if self.plan.directives > 0:
            for quarter in self.quarters:
                for prov in self.provinces:
                    meetings.append(self._meeting(prov, quarter))
                    meeting_provs.append(prov)
        meetings = _bulk(Meeting, meetings)
        # bulk_create returns the same objects, in order.
        prov_of = {m.id: prov for m, prov in zip(meetings, meeting_provs, strict=True)}
        self.reviewer_of = {meeting_id: prov.reviewer for meeting_id, prov in prov_of.items()}
        self.quarter_index = {q.id: i for i, q in enumerate(self.quarters)}
        attending = [
            Meeting.attending_units.through(meeting_id=m.id, unit_id=u.id)
            for m in meetings
            for u in prov_of[m.id].bodies
        ]
        _bulk(Meeting.attending_units.through, attending)

        sums = [ind for ind in self.indicators if ind.aggregation == Aggregation.SUM]
        directives = []
        for meeting in meetings:
            rng = prov_of[meeting.id].rng
            for number in range(1, self.plan.directives + 1):
                directives.append(self._directive(rng, meeting, number, topics, sums))
        directives = _bulk(Directive, directives)

        assignments = []
        for directive in directives:
            prov = prov_of[directive.meeting.id]
            held_on = directive.meeting.held_at.astimezone(VN).date()
            pool = prov.bodies + [d for d in prov.districts if self.active(d, held_on)]
            chosen = prov.rng.sample(pool, min(len(pool), prov.rng.randint(1, 5)))
            # One former district per directive: they merge into the same successor,
            # where two claims awaiting confirmation could not be combined.
            districts = [u for u in chosen if u.level == UnitLevel.DISTRICT]
            chosen = [u for u in chosen if u.level != UnitLevel.DISTRICT or u is districts[0]]
            leads = prov.rng.randint(1, min(2, len(chosen))) if chosen else 0
            for position, unit in enumerate(chosen):
                assignment = Assignment(
                    directive=directive,
                    unit=unit,
                    role=AssignmentRole.LEAD if position < leads else AssignmentRole.SUPPORT,
                    due_date=directive.due_date,
                )
                assignments.append(assignment)
        assignments = _bulk(Assignment, assignments)

        updates: list[ProgressUpdate] = []
        changes: list[DeadlineChange] = []
        completed: list[Assignment] = []
        for assignment in assignments:
            rng = prov_of[assignment.directive.meeting.id].rng
            self._follow(rng, assignment, updates, changes, completed)
        _bulk(DeadlineChange, changes)
        _bulk(ProgressUpdate, updates)
        Assignment.objects.bulk_update(
            list({a.id: a for a in completed}.values()),
            ["due_date", "completed_on"],
            batch_size=BATCH,
        )

        recommendations, links = [], []
        by_meeting: dict[int, list[Directive]] = {}
        for directive in directives:
            by_meeting.setdefault(directive.meeting_id, []).append(directive)
        for meeting in meetings:
            prov = prov_of[meeting.id]
            held_on = meeting.held_at.astimezone(VN).date()
            raising = [u for u in prov.reporting if self.active(u, held_on)]
            for number in (1, 2):
                recommendation = Recommendation(
                    meeting=meeting,
                    number=number,
                    raised_by=prov.rng.choice(raising),
                    text=f"{MARK} Đề nghị hỗ trợ kinh phí cho mô hình “Dân vận khéo” ở cơ sở.",
                    response=f"{MARK} Giao Ban Dân vận Tỉnh ủy nghiên cứu, tham mưu.",
                )
                recommendations.append(recommendation)
        recommendations = _bulk(Recommendation, recommendations)
        for recommendation in recommendations:
            rng = prov_of[recommendation.meeting_id].rng
            candidates = by_meeting.get(recommendation.meeting_id, [])
            if candidates and rng.random() < 0.5:
                links.append(
                    Recommendation.directives.through(
                        recommendation_id=recommendation.id, directive_id=rng.choice(candidates).id
                    )
                )
        _bulk(Recommendation.directives.through, links)
        self.counts.update(
            {
                "meetings": len(meetings),
                "directives": len(directives),
                "assignments": len(assignments),
                "progress updates": len(updates),
                "deadline changes": len(changes),
                "recommendations": len(recommendations),
            }
        )

    def _meeting(self, prov: _Prov, quarter: Quarter) -> Meeting:
        held = _moment(quarter.due_date + datetime.timedelta(days=4), prov.rng)
        title = (
            f"{MARK} Giao ban công tác dân vận Quý {ROMAN[quarter.number]}/{quarter.year}"
            f" – tỉnh số {prov.index:03d}"
        )
        chair = f"Bí thư Tỉnh ủy tỉnh số {prov.index:03d}"
        venue = f"Hội trường Tỉnh ủy tỉnh số {prov.index:03d}"
        return Meeting(
            unit=prov.root,
            quarter=quarter,
            held_at=self.clamp(held),
            title=title,
            chair_name=chair,
            chair_positions="Bí thư Tỉnh ủy, Chủ tịch HĐND tỉnh",
            basis="Quyết định số 461-QĐ/TU ngày 14/12/2021",
            venue=venue,
            assessment=f"{MARK} Các đơn vị đã bám sát nhiệm vụ trọng tâm.",
            shortcomings=f"{MARK} Một số nơi báo cáo còn chậm.",
            search_text=search_text(title, chair, venue),
        )

    def _directive(self, rng, meeting: Meeting, number: int, topics, sums) -> Directive:
        held_on = meeting.held_at.astimezone(VN).date()
        title = f"{rng.choice(DIRECTIVE_VERBS)} {rng.choice(DIRECTIVE_OBJECTS)}"
        text = f"{MARK} {title} trên địa bàn tỉnh; báo cáo kết quả về Ban Dân vận."
        ongoing = rng.random() < 0.2
        due = (
            None
            if ongoing
            else held_on + datetime.timedelta(days=rng.choice((30, 60, 90, 180, 270)))
        )
        target = {}
        if sums and rng.random() < 0.05:
            target = {
                "target_indicator": rng.choice(sums),
                "target_baseline": rng.randint(0, 10),
                "target_min": rng.randint(10, 20),
                "target_max": rng.randint(20, 30),
                "target_date": due or held_on + datetime.timedelta(days=365),
            }
        return Directive(
            meeting=meeting,
            number=number,
            title=title,
            text=text,
            topic=rng.choice(topics),
            due_date=due,
            is_ongoing=ongoing,
            is_priority=rng.random() < 0.15,
            confidentiality=Confidentiality.CONFIDENTIAL
            if rng.random() < 0.1
            else Confidentiality.NORMAL,
            search_text=search_text(title, text),
            **target,
        )

    def _follow(self, rng, assignment: Assignment, updates, changes, completed) -> None:
        """An assignment's deadline request (sometimes) and its progress, quarter by
        quarter, until it is done or awaits confirmation; a unit that ended posts
        nothing after its last day."""
        directive = assignment.directive
        reviewer = self.reviewer_of[directive.meeting.id]
        head = self.heads.get(assignment.unit_id)
        if assignment.due_date and rng.random() < 0.03:
            requested = self.clamp(_moment(assignment.due_date - datetime.timedelta(days=10), rng))
            status = rng.choice(list(DeadlineChangeStatus))
            if self.active(assignment.unit, requested.astimezone(VN).date()):
                new_date = assignment.due_date + datetime.timedelta(days=90)
                pending = status == DeadlineChangeStatus.PENDING
                changes.append(
                    DeadlineChange(
                        assignment=assignment,
                        old_date=assignment.due_date,
                        new_date=new_date,
                        reason=f"{MARK} Cần thêm thời gian phối hợp với các ngành.",
                        requested_by=head,
                        requested_at=requested,
                        status=status,
                        decided_by=None if pending else reviewer,
                        decided_at=None if pending else requested,
                    )
                )
                if status == DeadlineChangeStatus.APPROVED:
                    assignment.due_date = new_date
                    completed.append(assignment)
        start = self.quarter_index[directive.meeting.quarter_id]
        percent = 0
        for quarter in self.quarters[start:]:
            if rng.random() < 0.25:
                continue
            reported = self.clamp(
                _moment(quarter.start_date + datetime.timedelta(days=rng.randint(20, 80)), rng)
            )
            if reported < directive.meeting.held_at:
                continue
            if not self.active(assignment.unit, reported.astimezone(VN).date()):
                break
            percent = min(100, percent + rng.randint(10, 50))
            claim = ClaimedStatus.IN_PROGRESS
            review = ReviewStatus.NOT_NEEDED
            if rng.random() < 0.05:
                claim = ClaimedStatus.BLOCKED
            elif not directive.is_ongoing and (percent >= 100 or rng.random() < 0.3):
                claim = ClaimedStatus.DONE
                roll = rng.random()
                review = (
                    ReviewStatus.PENDING
                    if roll < 0.2
                    else ReviewStatus.REJECTED
                    if roll < 0.3
                    else ReviewStatus.CONFIRMED
                )
            decided = review in (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED)
            updates.append(
                ProgressUpdate(
                    assignment=assignment,
                    quarter=quarter,
                    claimed_status=claim,
                    percent=percent if claim != ClaimedStatus.DONE else 100,
                    description=f"{MARK} {rng.choice(UPDATE_TEXTS)}",
                    finished_on=reported.astimezone(VN).date()
                    if claim == ClaimedStatus.DONE
                    else None,
                    reported_by=head,
                    reported_at=reported,
                    review_status=review,
                    reviewed_by=reviewer if decided else None,
                    reviewed_at=self.clamp(reported + datetime.timedelta(days=3))
                    if decided
                    else None,
                )
            )
            if review == ReviewStatus.CONFIRMED:
                assignment.completed_on = reported.astimezone(VN).date()
                completed.append(assignment)
                return
            if review == ReviewStatus.PENDING:
                return  # nothing more is posted while a claim awaits confirmation
            if review == ReviewStatus.REJECTED:
                percent = 80

    # the reorganisation of 01/07/2025 ------------------------------------------------

    def reorganise(self) -> None:
        """Each province's former district committees merge into its commune-level
        successor, through the operation an administrator uses: it ends them, links
        them to the successor and hands over their open assignments and their staff."""
        done = 0
        for prov in self.provinces:
            successor = prov.successor
            if self.effective is None or successor is None or not prov.districts:
                continue
            decision = Decision(
                number=f"{1600 + prov.index}/NQ-UBTVQH15",
                date=self.effective - datetime.timedelta(days=DECIDED_DAYS_BEFORE),
                effective_on=self.effective,
            )
            merge_units(
                units=prov.districts,
                into=successor,
                decision=decision,
                user=None,
                move_memberships=True,
            )
            done += 1
        self.counts["reorganisations"] = done


def generate(*, plan: Plan, replace: bool = False, log: Callable[[str], None] = print) -> Result:
    """Generate the data of ``plan`` in one transaction.

    Raises GeneratedDataExists when generated rows are there and ``replace`` is
    false; with ``replace`` they are deleted first.
    """
    started = time.monotonic()
    with transaction.atomic():
        if generated_exists():
            if not replace:
                raise GeneratedDataExists
            deleted = generated_delete()
            log(f"Deleted the previous generated data: {sum(deleted.values())} rows.")
        counts = _Generator(plan, log).run()
        Quarter.objects.figures_changed()  # bulk inserts send no signals
        FollowUpToken.objects.changed()
    if connection.vendor == "postgresql":
        # Fresh statistics, and (outside a transaction) the visibility map that lets
        # the planner answer from an index alone, as autovacuum would in a while.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return Result(counts=counts, seconds=time.monotonic() - started)
