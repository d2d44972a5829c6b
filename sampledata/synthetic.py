"""Synthetic national-scale data for load tests and benchmarks (``generate_data``).

A unit tree (province → district → commune, every kind of unit), quarters with
reports in every status and their indicator values, one briefing meeting per
province and quarter with directives, assignments, progress updates, deadline
changes and recommendations, some directives confidential. The same ``seed``
(and the same ``end`` quarter) gives the same data.

It is kept apart from the demo and from real data: unit codes start with
``gen-``, indicator codes with ``GEN_``, user names with ``gen-``, and names,
titles and texts with "[Sinh tự động]". ``generated_delete`` removes exactly
those rows (quarters are shared with the demo and stay).

Rows are bulk-inserted (indicator values through COPY on PostgreSQL), so
``save()`` does not run: ``search_text`` and ``unit_name`` are filled here, and
no history rows are written — generated bulk data has no change history.
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
    Meeting,
    ProgressUpdate,
    Recommendation,
    ReviewStatus,
    Topic,
)
from reports.models import (
    Accumulation,
    Aggregation,
    Indicator,
    IndicatorValue,
    Membership,
    MembershipRole,
    Quarter,
    ReminderLog,
    ReportStatus,
    Unit,
    UnitKind,
    UnitLevel,
    UnitReport,
)
from reports.rules import ROMAN

MARK = "[Sinh tự động]"
UNIT_PREFIX = "gen-"
INDICATOR_PREFIX = "GEN_"
USER_PREFIX = "gen-"
REVIEWER_USERNAME = "gen-reviewer"
LEADER_USERNAME = "gen-leader"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BATCH = 5000
UNITS_PER_PROVINCE = 600

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


@dataclass
class Plan:
    """What to generate."""

    units: int = 20000
    quarters: int = 8
    indicators: int = 40
    directives: int = 200  # per quarter, over all the quarter's meetings
    seed: int = 1
    end: tuple[int, int] | None = None  # last quarter (year, number); default: today's
    password: str = "danvan2024"  # noqa: S105 - generated accounts only, printed
    today: datetime.date | None = None


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
    return queryset._raw_delete(queryset.db)


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
    root: Unit
    bodies: list[Unit] = field(default_factory=list)
    districts: list[Unit] = field(default_factory=list)
    communes: list[Unit] = field(default_factory=list)

    @property
    def reporting(self) -> list[Unit]:
        return self.bodies + self.districts + self.communes


class _Generator:
    def __init__(self, plan: Plan, log: Callable[[str], None]):
        self.plan = plan
        self.log = log
        self.rng = random.Random(plan.seed)  # noqa: S311 - test data, not secrets
        self.today = plan.today or datetime.date.today()
        self.now = datetime.datetime.combine(self.today, datetime.time(12), tzinfo=VN)
        self.counts: dict[str, int] = {}

    def clamp(self, moment: datetime.datetime) -> datetime.datetime:
        """Nothing happens after the moment of generation."""
        return min(moment, self.now)

    def run(self) -> dict[str, int]:
        self.make_quarters()
        self.make_units()
        self.make_users()
        self.make_indicators()
        self.make_reports()
        self.make_follow_up()
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

    # units ---------------------------------------------------------------------

    def make_units(self) -> None:
        total = max(1, self.plan.units)
        n_prov = max(1, round(total / UNITS_PER_PROVINCE))
        budgets = [total // n_prov + (1 if i < total % n_prov else 0) for i in range(n_prov)]
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

        roots = [
            unit(
                f"{UNIT_PREFIX}{p:03d}",
                f"Tỉnh ủy tỉnh số {p:03d}",
                f"TU {p:03d}",
                UnitKind.PARTY_COMMITTEE,
                UnitLevel.PROVINCE,
            )
            for p in range(1, n_prov + 1)
        ]
        for root in roots:
            root.submits_reports = False
        roots = _bulk(Unit, roots)
        self.provinces = [_Prov(index=p, root=r) for p, r in enumerate(roots, start=1)]

        second, plans = [], []
        for prov, budget in zip(self.provinces, budgets, strict=True):
            rest = budget - 1
            bodies = min(len(PROVINCE_BODIES), rest)
            rest -= bodies
            districts = max(1, rest // 16) if rest > 0 else 0
            communes = rest - districts
            p = prov.index
            for b, (kind, name, short) in enumerate(PROVINCE_BODIES[:bodies], start=1):
                second.append(
                    unit(
                        f"{UNIT_PREFIX}{p:03d}-b{b:02d}",
                        f"{name} (tỉnh số {p:03d})",
                        f"{short} {p:03d}",
                        kind,
                        UnitLevel.PROVINCE,
                        prov.root,
                    )
                )
            for d in range(1, districts + 1):
                second.append(
                    unit(
                        f"{UNIT_PREFIX}{p:03d}-d{d:03d}",
                        f"Huyện ủy huyện số {d:03d}, tỉnh số {p:03d}",
                        f"HU {d:03d}/{p:03d}",
                        UnitKind.PARTY_COMMITTEE,
                        UnitLevel.DISTRICT,
                        prov.root,
                    )
                )
            plans.append((prov, bodies, districts, communes))
        second = _bulk(Unit, second)
        position = 0
        third, third_provs = [], []
        for prov, bodies, districts, communes in plans:
            prov.bodies = second[position : position + bodies]
            position += bodies
            prov.districts = second[position : position + districts]
            position += districts
            weights = [share for _kind, _name, share in COMMUNE_BODIES]
            for c in range(communes):
                district = prov.districts[c % len(prov.districts)]
                kind, name, _share = self.rng.choices(COMMUNE_BODIES, weights)[0]
                number = c // len(prov.districts) + 1
                third_provs.append(prov)
                third.append(
                    unit(
                        f"{district.code}-c{number:03d}",
                        f"{name} số {number:03d}, {district.name[len(MARK) + 1 :]}",
                        f"Xã {number:03d}/{district.short_name}",
                        kind,
                        UnitLevel.COMMUNE,
                        district,
                    )
                )
        third = _bulk(Unit, third)
        # Communes go back to their provinces; one in a hundred was merged into a
        # neighbour at the last reorganisation (valid_to, successor).
        merged = []
        for commune, prov in zip(third, third_provs, strict=True):
            prov.communes.append(commune)
        end_day = self.quarters[-1].start_date - datetime.timedelta(days=1)
        for prov in self.provinces:
            for index, commune in enumerate(prov.communes[:-1]):
                if self.rng.random() < 0.01 and len(self.quarters) > 1:
                    commune.valid_to = end_day
                    commune.successor_id = prov.communes[index + 1].id
                    merged.append(commune)
        Unit.objects.bulk_update(merged, ["valid_to", "successor"], batch_size=BATCH)
        self.units = [u for prov in self.provinces for u in prov.reporting]
        self.counts["units"] = len(roots) + len(second) + len(third)

    # users -----------------------------------------------------------------------

    def make_users(self) -> None:
        """A head for every reporting unit, a reporter for one in ten, one reviewer and
        one leader holding their roles on every province's root; all share one
        password (hashed once)."""
        password = make_password(self.plan.password)
        users = [
            User(username=REVIEWER_USERNAME, password=password, first_name="Chuyên viên"),
            User(username=LEADER_USERNAME, password=password, first_name="Lãnh đạo"),
        ]
        roles = []
        for index, unit in enumerate(self.units):
            users.append(User(username=f"{unit.code}-head", password=password))
            roles.append((unit, MembershipRole.HEAD))
            if index % 10 == 0:
                users.append(User(username=f"{unit.code}-reporter", password=password))
                roles.append((unit, MembershipRole.REPORTER))
        users = _bulk(User, users)
        self.reviewer, self.leader = users[0], users[1]
        memberships = [
            Membership(user=user, unit=unit, role=role)
            for user, (unit, role) in zip(users[2:], roles, strict=True)
        ]
        # The reviewer and the leader hold their roles on every generated province.
        oversight = [
            Membership(user=user, unit=prov.root, role=role)
            for user, role in (
                (self.reviewer, MembershipRole.REVIEWER),
                (self.leader, MembershipRole.LEADERSHIP),
            )
            for prov in self.provinces
        ]
        _bulk(Membership, memberships + oversight)
        self.heads = {m.unit.id: m.user for m in memberships if m.role == MembershipRole.HEAD}
        self.counts["users"] = len(users)
        self.counts["memberships"] = len(memberships)

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

    def _status(self, is_open: bool) -> str | None:
        """A report's status, or None for no report at all."""
        roll = self.rng.random()
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
        for qi, quarter in enumerate(self.quarters):
            is_open = not quarter.closed
            due = quarter.due_date
            reports = []
            for unit in self.units:
                if unit.valid_to is not None and unit.valid_to < quarter.start_date:
                    continue
                status = self._status(is_open)
                if status is None:
                    continue
                filed = status != ReportStatus.DRAFT
                late = self.rng.random() < 0.12
                offset = self.rng.randint(1, 25) if late else -self.rng.randint(0, 20)
                submitted = self.clamp(_moment(due + datetime.timedelta(days=offset), self.rng))
                reviewed = None
                if status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED):
                    reviewed = self.clamp(
                        submitted + datetime.timedelta(days=self.rng.randint(1, 6))
                    )
                text = {
                    name: f"{MARK} {self.rng.choice(SECTION_TEXTS[name])}"
                    if self.rng.random() < 0.9
                    else ""
                    for name in sections
                }
                reports.append(
                    UnitReport(
                        unit=unit,
                        quarter=quarter,
                        unit_name=unit.name,
                        status=status,
                        first_submitted_at=submitted if filed else None,
                        submitted_at=submitted if filed else None,
                        submitted_by=self.heads.get(unit.id) if filed else None,
                        reviewed_at=reviewed,
                        reviewed_by=self.reviewer if reviewed else None,
                        review_comment=(
                            f"{MARK} Đề nghị bổ sung số liệu."
                            if status == ReportStatus.RETURNED
                            else ""
                        ),
                        version=self.rng.randint(1, 4),
                        created_at=self.clamp(submitted - datetime.timedelta(days=7)),
                        **text,
                    )
                )
            reports = _bulk(UnitReport, reports)
            growth = 1 + 0.02 * qi
            values = []
            for report in reports:
                for indicator in self.by_kind[report.unit.kind]:
                    if self.rng.random() < 0.1:
                        continue
                    if indicator.aggregation == Aggregation.MEAN:
                        value = f"{self.rng.uniform(40, 100):.1f}"
                    else:
                        value = str(round(self.scale[indicator.id] * growth * self.rng.random()))
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

    # meetings, directives, follow-up ------------------------------------------------

    def make_follow_up(self) -> None:
        rng = self.rng
        topics = []
        for order, name in enumerate(TOPIC_NAMES, start=1):
            topic, _created = Topic.objects.get_or_create(
                name=f"{MARK} {name}", defaults={"display_order": 900 + order}
            )
            topics.append(topic)
        per_quarter = max(0, self.plan.directives)
        n_meetings = min(len(self.provinces), per_quarter)
        meetings, meeting_provs = [], []
        for quarter in self.quarters:
            for prov in rng.sample(self.provinces, n_meetings):
                held = _moment(quarter.due_date + datetime.timedelta(days=4), rng)
                title = (
                    f"{MARK} Giao ban công tác dân vận Quý {ROMAN[quarter.number]}/{quarter.year}"
                    f" – tỉnh số {prov.index:03d}"
                )
                chair = f"Bí thư Tỉnh ủy tỉnh số {prov.index:03d}"
                venue = f"Hội trường Tỉnh ủy tỉnh số {prov.index:03d}"
                meeting = Meeting(
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
                meetings.append(meeting)
                meeting_provs.append(prov)
        meetings = _bulk(Meeting, meetings)
        # bulk_create returns the same objects, in order.
        prov_of = {m.id: prov for m, prov in zip(meetings, meeting_provs, strict=True)}
        attending = [
            Meeting.attending_units.through(meeting_id=m.id, unit_id=u.id)
            for m in meetings
            for u in prov_of[m.id].bodies
        ]
        _bulk(Meeting.attending_units.through, attending)

        sums = [ind for ind in self.indicators if ind.aggregation == Aggregation.SUM]
        directives = []
        for index, meeting in enumerate(meetings):
            share = per_quarter // n_meetings + (
                1 if index % n_meetings < per_quarter % n_meetings else 0
            )
            held_on = meeting.held_at.astimezone(VN).date()
            for number in range(1, share + 1):
                verb = rng.choice(DIRECTIVE_VERBS)
                obj = rng.choice(DIRECTIVE_OBJECTS)
                title = f"{verb} {obj}"
                text = (
                    f"{MARK} {title} trên địa bàn tỉnh số {prov_of[meeting.id].index:03d}; "
                    "báo cáo kết quả về Ban Dân vận."
                )
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
                directive = Directive(
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
                directives.append(directive)
        directives = _bulk(Directive, directives)

        assignments = []
        for directive in directives:
            prov = prov_of[directive.meeting.id]
            pool = prov.bodies + prov.districts
            chosen = rng.sample(pool, min(len(pool), rng.randint(1, 5)))
            leads = rng.randint(1, min(2, len(chosen))) if chosen else 0
            for position, unit in enumerate(chosen):
                assignment = Assignment(
                    directive=directive,
                    unit=unit,
                    role=AssignmentRole.LEAD if position < leads else AssignmentRole.SUPPORT,
                    due_date=directive.due_date,
                )
                assignments.append(assignment)
        assignments = _bulk(Assignment, assignments)

        qindex = {q.id: i for i, q in enumerate(self.quarters)}
        updates, changes, completed = [], [], []
        for assignment in assignments:
            directive = assignment.directive
            start = qindex[directive.meeting.quarter_id]
            percent = 0
            if assignment.due_date and rng.random() < 0.03:
                new_date = assignment.due_date + datetime.timedelta(days=90)
                status = rng.choice(list(DeadlineChangeStatus))
                requested = self.clamp(
                    _moment(assignment.due_date - datetime.timedelta(days=10), rng)
                )
                changes.append(
                    DeadlineChange(
                        assignment=assignment,
                        old_date=assignment.due_date,
                        new_date=new_date,
                        reason=f"{MARK} Cần thêm thời gian phối hợp với các ngành.",
                        requested_by=self.heads.get(assignment.unit_id),
                        requested_at=requested,
                        status=status,
                        decided_by=None
                        if status == DeadlineChangeStatus.PENDING
                        else self.reviewer,
                        decided_at=None if status == DeadlineChangeStatus.PENDING else requested,
                    )
                )
                if status == DeadlineChangeStatus.APPROVED:
                    assignment.due_date = new_date
                    completed.append(assignment)
            for quarter in self.quarters[start:]:
                if rng.random() < 0.25:
                    continue
                reported = self.clamp(
                    _moment(quarter.start_date + datetime.timedelta(days=rng.randint(20, 80)), rng)
                )
                if reported < directive.meeting.held_at:
                    continue
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
                        reported_by=self.heads.get(assignment.unit_id),
                        reported_at=reported,
                        review_status=review,
                        reviewed_by=self.reviewer
                        if review in (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED)
                        else None,
                        reviewed_at=self.clamp(reported + datetime.timedelta(days=3))
                        if review in (ReviewStatus.CONFIRMED, ReviewStatus.REJECTED)
                        else None,
                    )
                )
                if review == ReviewStatus.CONFIRMED:
                    assignment.completed_on = reported.astimezone(VN).date()
                    completed.append(assignment)
                    break
                if review == ReviewStatus.PENDING:
                    break  # nothing more is posted while a claim awaits confirmation
                if review == ReviewStatus.REJECTED:
                    percent = 80
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
            for number in (1, 2):
                recommendation = Recommendation(
                    meeting=meeting,
                    number=number,
                    raised_by=rng.choice(prov_of[meeting.id].reporting),
                    text=f"{MARK} Đề nghị hỗ trợ kinh phí cho mô hình “Dân vận khéo” ở cơ sở.",
                    response=f"{MARK} Giao Ban Dân vận Tỉnh ủy nghiên cứu, tham mưu.",
                )
                recommendations.append(recommendation)
        recommendations = _bulk(Recommendation, recommendations)
        for recommendation in recommendations:
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
    if connection.vendor == "postgresql":
        # Fresh statistics, and (outside a transaction) the visibility map that lets
        # the planner answer from an index alone, as autovacuum would in a while.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return Result(counts=counts, seconds=time.monotonic() - started)
