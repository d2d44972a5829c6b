"""The national-scale benchmark (``make bench``); see tools/bench/README.md.

1. Creates two PostgreSQL databases if missing, migrates them and fills them with
   ``generate_data``: the same provinces (100 commune-level units each by
   default), one province in the first and 34 in the second, unless the same
   data set is already there.
2. Times a province reviewer's and a province leader's pages and exports in
   both databases, in-process with Django's test client (DEBUG off), the
   requests of the two alternating, and writes the ratio of the medians (34
   provinces / 1 province): a province must cost the same whatever the size of
   the country (at most 1.2).
3. Times the centre's pages (a reviewer and a leader of the whole country) at
   34 provinces against the page targets: median and p95, the number of SQL
   queries, and the time of the same SQL statements re-run directly on a cursor
   (the "bare SQL"), with the ratio of the two.
4. EXPLAINs every query of those pages and lists sequential scans of the big
   tables.
5. Runs the production server (gunicorn, 2 workers) on the 34 provinces under
   simulated users spread over the provinces (threads on loopback, bounded in
   time): throughput, latency, errors.
6. Writes everything, with the machine's description, to tools/bench/results.md.
"""

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/danvan_bench"
BIG_TABLES = {
    "reports_indicatorvalue",
    "reports_unitreport",
    "reports_unit",
    "reports_membership",
    "auth_user",
    "directives_assignment",
    "directives_progressupdate",
    "directives_directive",
    "directives_meeting",
}
PAGE_TARGET_MS = 300
EXPORT_TARGET_MS = 5000
RATIO_TARGET = 2.0
PROVINCE_RATIO_TARGET = 1.2


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url",
        default=os.getenv("BENCH_DATABASE_URL") or DEFAULT_DB,
        help="The databases are this one's name with _p1 and _p<provinces> appended.",
    )
    parser.add_argument("--provinces", type=int, default=34, help="The country's provinces.")
    parser.add_argument("--communes", type=int, default=100, help="Per province.")
    parser.add_argument(
        "--units",
        type=int,
        default=None,
        help="Units in all at --provinces, instead of --communes (e.g. 20000); the one "
        "province gets the first province's size.",
    )
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--directives", type=int, default=6, help="Per province and quarter.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--province", type=int, default=1, help="The province timed (default 1).")
    parser.add_argument("--regenerate", action="store_true", help="Generate even if present.")
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
    parser.add_argument(
        "--budget", type=float, default=40.0, help="Seconds per page at most (at least 5 runs)."
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="Seconds a request may take (default 120)."
    )
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-centre", action="store_true", help="Time the provinces only.")
    parser.add_argument(
        "--only", default="", help="Time only the pages whose name contains this text."
    )
    parser.add_argument(
        "--port", type=int, default=0, help="The first server's port (default: free ports)."
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=0,
        help="App servers for the load, on loopback ports (default: one with 2 workers, "
        "then two with one each).",
    )
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers per server.")
    parser.add_argument(
        "--threads", type=int, default=1, help="Threads per worker (gunicorn's gthread if > 1)."
    )
    parser.add_argument("--out", default=str(ROOT / "tools" / "bench" / "results.md"))
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="Rewrite the results file from the last run's figures (tools/bench/last-run.json) and "
        "tools/bench/findings.md, without measuring.",
    )
    return parser.parse_args()


def database_url(base: str, provinces: int) -> str:
    """``base`` with ``_p<provinces>`` appended to the database's name."""
    parts = urlparse(base)
    return parts._replace(path=f"{parts.path.rstrip('/')}_p{provinces}").geturl()


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def configure(url: str) -> dict:
    """Environment of the benchmark: production settings on the bench database."""
    env = {
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": os.getenv("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "danvan.settings",
    }
    os.environ.update(env)
    return env


def use(url: str) -> None:
    """Point the default connection at the database of ``url`` (the two data sets are
    timed from one process, their requests alternating)."""
    from django.db import connections

    wrapper = connections["default"]
    name = urlparse(url).path.lstrip("/")
    if wrapper.settings_dict["NAME"] != name:
        wrapper.close()
        wrapper.settings_dict["NAME"] = name


# --- helpers ------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def machine() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "cpu": cpu,
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "load average at start": Path("/proc/loadavg").read_text().strip(),
        "postgresql": pg_version,
        "python": platform.python_version(),
        "django": django.get_version(),
        "os": platform.platform(),
    }


# --- data -----------------------------------------------------------------------


def plan_for(args, provinces: int):
    """The generator's plan for ``provinces``: the same size of province in both."""
    from sampledata.synthetic import Plan

    common = {
        "quarters": args.quarters,
        "indicators": args.indicators,
        "directives": args.directives,
        "seed": args.seed,
    }
    country = Plan(provinces=args.provinces, communes=args.communes, units=args.units, **common)
    if provinces == args.provinces:
        return country
    return Plan(provinces=provinces, communes=country.layouts()[0].communes, **common)


def plan_options(plan) -> dict:
    return {
        "provinces": plan.provinces,
        "communes": plan.communes,
        "units": plan.units,
        "quarters": plan.quarters,
        "indicators": plan.indicators,
        "directives": plan.directives,
        "seed": plan.seed,
    }


def ensure_data(args, plan, log) -> float | None:
    """Generate ``plan`` unless it is already there; the seconds it took, or None."""
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from reports.models import Indicator, Quarter, Reorganisation, Unit
    from sampledata.synthetic import UNIT_PREFIX, province_reviewer

    call_command("migrate", verbosity=0)
    units = 1 + sum(layout.units for layout in plan.layouts())
    have = (
        Unit.objects.filter(code__startswith=UNIT_PREFIX).count() == units
        and Indicator.objects.filter(code__startswith="GEN_").count() == plan.indicators
        and Quarter.objects.filter(reports__unit__code__startswith=UNIT_PREFIX).distinct().count()
        == plan.quarters
        and User.objects.filter(username=province_reviewer(len(plan.layouts()))).exists()
        and Reorganisation.objects.exists()
    )
    if have and not args.regenerate:
        log("  The generated data set is already there; not generating it again.")
        return None
    started = time.monotonic()
    options = {k: v for k, v in plan_options(plan).items() if v is not None}
    call_command("generate_data", **options, replace=True, stdout=sys.stdout)
    return time.monotonic() - started


def dataset() -> dict[str, int]:
    from django.db import connection

    tables = [
        "reports_unit",
        "auth_user",
        "reports_membership",
        "reports_quarter",
        "reports_indicator",
        "reports_unitreport",
        "reports_indicatorvalue",
        "reports_reorganisation",
        "directives_meeting",
        "directives_directive",
        "directives_assignment",
        "directives_progressupdate",
    ]
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts[table] = cursor.fetchone()[0]
    return counts


def _meeting_of(province: int, quarter):
    from django.db.models import Count

    from directives.models import Meeting

    return (
        Meeting.objects.filter(quarter=quarter, title__endswith=f"tỉnh số {province:03d}")
        .annotate(n=Count("directives"))
        .order_by("-n", "pk")
        .first()
    )


def targets(province: int) -> dict:
    """The users and objects the benchmarked pages are opened on."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from directives.models import Directive, Meeting
    from reports.models import (
        FILED_STATUSES,
        Membership,
        MembershipRole,
        Quarter,
        ReportStatus,
        UnitReport,
    )
    from sampledata.synthetic import (
        LEADER_USERNAME,
        REVIEWER_USERNAME,
        province_code,
        province_leader,
        province_reviewer,
    )

    current = Quarter.objects.current()
    previous = (
        Quarter.objects.filter(reports__unit__code__startswith="gen-", closed=True)
        .distinct()
        .order_by("-year", "-number")
        .first()
    )
    own = f"{province_code(province)}-"
    draft = (
        UnitReport.objects.filter(
            quarter=current, status=ReportStatus.DRAFT, unit__code__startswith=own
        )
        .select_related("unit")
        .order_by("unit__display_order")
        .first()
    )
    filed = (
        UnitReport.objects.filter(
            quarter=previous, status__in=FILED_STATUSES, unit__code__startswith=own
        )
        .select_related("unit")
        .order_by("unit__display_order")
        .first()
    )
    meeting = _meeting_of(province, previous)
    directive = (
        Directive.objects.filter(meeting=meeting).annotate(n=Count("assignments")).order_by("-n")
    ).first()
    centre_meeting = (
        Meeting.objects.filter(quarter=previous, title__startswith="[Sinh")
        .annotate(n=Count("directives"))
        .order_by("-n", "pk")
        .first()
    )
    memberships = (
        Membership.objects.filter(
            role=MembershipRole.HEAD, unit__code__startswith="gen-", unit__valid_to=None
        )
        .select_related("user", "unit")
        .order_by("unit__display_order", "pk")
    )
    # Heads spread over the provinces, for the load run: evenly through the tree.
    every = list(memberships)
    step = max(1, len(every) // 200)
    heads = [(m.user, m.unit) for m in every[::step]]
    return {
        "province": province,
        "reviewer": User.objects.get(username=province_reviewer(province)),
        "leader": User.objects.get(username=province_leader(province)),
        "centre reviewer": User.objects.get(username=REVIEWER_USERNAME),
        "centre leader": User.objects.get(username=LEADER_USERNAME),
        "head": Membership.objects.get(unit=draft.unit, role=MembershipRole.HEAD).user,
        "heads": heads,
        "unit": draft.unit,
        "filed": filed,
        "current": current,
        "previous": previous,
        "meeting": meeting,
        "directive": directive,
        "centre meeting": centre_meeting,
        "centre directive": (
            Directive.objects.filter(meeting=centre_meeting)
            .annotate(n=Count("assignments"))
            .order_by("-n")
            .first()
        ),
    }


def province_pages(t: dict) -> list[tuple[str, str, bool]]:
    """(name, url, is_export): what a province's reviewer and leader open every day."""
    q = t["previous"].slug
    filed = t["filed"]
    return [
        ("Home", "/", False),
        ("Follow-up dashboard", "/directives/dashboard/", False),
        ("Quarter page", f"/quarters/{q}/", False),
        ("Review queue of the current quarter", f"/reports/queue/{t['current'].slug}/", False),
        ("Directive register", "/directives/", False),
        ("Directive page", f"/directives/{t['directive'].pk}/", False),
        ("Filed report", f"/reports/{filed.unit.code}/{q}/", False),
        ("Consolidated report .docx", f"/quarters/{q}/report.docx?number=12", True),
        ("Indicator table .xlsx", f"/quarters/{q}/indicators.xlsx", True),
        ("Directive register .xlsx", f"/quarters/{q}/directives.xlsx", True),
        ("Briefing pack", f"/meetings/{t['meeting'].pk}/pack/", True),
    ]


def centre_pages(t: dict) -> list[tuple[str, str, str, bool, str]]:
    """(name, role, url, is_export, empty): ``empty`` names the caches emptied before each
    request ("", "memory" or "all": ``empty_caches``), to measure the figures' caches."""
    q = t["previous"].slug
    current = t["current"].slug
    meeting = t["centre meeting"].pk
    listed = [
        ("Quarter page", "centre leader", f"/quarters/{q}/", False),
        ("Follow-up dashboard", "centre leader", "/directives/dashboard/", False),
        (
            "Directive register, search “ma tuy”",
            "centre reviewer",
            "/directives/?q=ma+tuy",
            False,
        ),
        (
            "Report form (unit head)",
            "head",
            f"/reports/{t['unit'].code}/{current}/",
            False,
        ),
        (
            "Consolidated report .docx",
            "centre reviewer",
            f"/quarters/{q}/report.docx?number=12",
            True,
        ),
        ("Indicator table .xlsx", "centre reviewer", f"/quarters/{q}/indicators.xlsx", True),
        ("Directive register .xlsx", "centre reviewer", f"/quarters/{q}/directives.xlsx", True),
        (
            "Conclusion notice .docx",
            "centre reviewer",
            f"/quarters/{q}/meetings/{meeting}/notice.docx",
            True,
        ),
        # Other pages of every day, for the record (the same targets apply).
        ("Home (leadership)", "centre leader", "/", False),
        ("Report list (reviewer)", "centre reviewer", "/reports/", False),
        (
            "Review queue of the current quarter",
            "centre reviewer",
            f"/reports/queue/{current}/",
            False,
        ),
        ("Assignments list", "centre reviewer", "/directives/assignments/", False),
        ("Meeting page", "centre reviewer", f"/meetings/{meeting}/", False),
        ("Directive page", "centre reviewer", f"/directives/{t['centre directive'].pk}/", False),
        ("Briefing pack", "centre reviewer", f"/meetings/{meeting}/pack/", False),
        ("Unit head's work on directives", "head", "/directives/mine/", False),
        # Issue 16: the reports' search (every submitted text the reviewer may read) and
        # the unit's workbook (its quality checks run on the report form above).
        ("Report search “nhan dan”", "centre reviewer", "/reports/search/?q=nhan+dan", False),
        (
            "Unit's workbook .xlsx",
            "head",
            f"/reports/{t['unit'].code}/{current}/workbook.xlsx",
            True,
        ),
    ]
    # The figures' sums are kept in each process's memory and in the database
    # (common.caching): "memory" empties the first, as after a restart or in a worker
    # that has just started; "all" empties both, as after a change to every quarter.
    cold = []
    for empty, what in (
        ("memory", "memory cache emptied before each request, sums kept in the database"),
        ("all", "every cache emptied before each request"),
    ):
        cold += [
            (f"Quarter page, {what}", "centre leader", f"/quarters/{q}/", False, empty),
            (
                f"Indicator table .xlsx, {what}",
                "centre reviewer",
                f"/quarters/{q}/indicators.xlsx",
                True,
                empty,
            ),
        ]
    return [(*page, "") for page in listed] + cold


# --- in-process timing --------------------------------------------------------------


_DECLARE = re.compile(r"^\s*DECLARE\s+\"[^\"]+\"\s+.*?CURSOR\s+WITH(?:OUT)?\s+HOLD\s+FOR\s+", re.S)


def plain(sql: str) -> str:
    """A server-side cursor's DECLARE … FOR <query> (QuerySet.iterator()) as its query."""
    return _DECLARE.sub("", sql, count=1)


def run_sql(statements: list[str]) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    return time.perf_counter() - started


class PageTimeout(BaseException):
    """A request ran past --timeout (BaseException, so Django's handlers let it through)."""


def _alarm(_signum, _frame):
    raise PageTimeout


@dataclass
class Upload:
    """A file a page is sent (a POST), as a user's browser would send it."""

    field: str
    name: str
    content: bytes


@dataclass
class Side:
    """One database's request of a page: where, as whom, what (a GET, or a POST of
    ``upload``)."""

    database: str  # its URL
    client: object
    url: str
    upload: Upload | None = None

    def send(self):
        if self.upload is None:
            return self.client.get(self.url)
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = self.upload
        return self.client.post(
            self.url, {upload.field: SimpleUploadedFile(upload.name, upload.content)}
        )


def get(side: Side, limit: float):
    """``side.send()``, abandoned with PageTimeout after ``limit`` seconds."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return side.send()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def empty_caches(which: str) -> None:
    """ "memory": what the process keeps (the sums and what its pages kept); "all": that
    and the database's copy of the sums."""
    from common import caching

    if which == "all":
        caching.clear()
    elif which == "memory":
        caching.clear_memory()


def _request(side: Side, empty: str):
    use(side.database)
    empty_caches(empty)
    started = time.perf_counter()
    response = side.send()
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{side.url} answered {response.status_code}")
    return response, elapsed


def _captured(side: Side, empty: str, times: list[float], budget: float, log) -> dict:
    """The queries of one more request of ``side`` and the same statements re-run bare."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    use(side.database)
    empty_caches(empty)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = side.send()
    if not times:
        # Over 20 s a request: the request whose queries are captured is the timed one.
        times.append(time.perf_counter() - started)
    # Re-run bare: what the page read. Its writes (the shared cache's rows) are counted
    # as queries but not re-run: an insert would find its key.
    statements = [plain(query["sql"]) for query in captured.captured_queries]
    reads = [sql for sql in statements if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    in_request = sum(float(query["time"]) for query in captured.captured_queries)
    per_query = []
    for sql in reads:
        runs = [run_sql([sql]) for _ in range(3)]
        per_query.append((statistics.median(runs), sql))
    bare = []
    started = time.monotonic()
    while len(bare) < max(3, min(len(times), 10)) and (
        len(bare) < 3 or time.monotonic() - started < budget / 2
    ):
        bare.append(run_sql(reads))
    page_ms = statistics.median(times) * 1000
    bare_ms = statistics.median(bare) * 1000
    log(
        f"  {side.url}: median {page_ms:.0f} ms, {len(statements)} queries, "
        f"bare SQL {bare_ms:.0f} ms"
    )
    return {
        "runs": len(times),
        "median_ms": page_ms,
        "p95_ms": pct(times, 0.95) * 1000,
        "queries": len(statements),
        "bare_ms": bare_ms,
        "sql_in_request_ms": in_request * 1000,
        "ratio": page_ms / bare_ms if bare_ms else float("nan"),
        "bytes": len(response.content),
        "statements": reads,
        "slowest": sorted(per_query, reverse=True)[:3],
        "per_query_ms": [seconds * 1000 for seconds, _sql in per_query],
    }


def time_sides(
    sides: list[Side], repeat: int, budget: float, log, limit: float = 120, empty: str = ""
) -> list[dict]:
    """For each side: median and p95 of ``repeat`` requests (fewer for slow pages: at
    least 5 under 2 s a request, 3 under 20 s, else only the captured one, within
    ``budget`` seconds a side), the queries of one more request, and the same
    statements re-run bare on a cursor. The sides' requests alternate (A, B, A, B…),
    so that whatever else the machine does falls on each alike."""
    from django.db import close_old_connections

    warm = []
    for side in sides:
        use(side.database)
        started = time.perf_counter()
        try:
            get(side, limit)
        except PageTimeout:
            close_old_connections()
            log(f"  {side.url}: did not finish within {limit:.0f} s")
            return [{"timed_out": True, "limit_s": limit} for _side in sides]
        warm.append(time.perf_counter() - started)
    slowest = max(warm)
    min_runs = 5 if slowest < 2 else 3 if slowest < 20 else 0  # 0: the captured run only
    times: list[list[float]] = [[] for _side in sides]
    started = time.monotonic()
    while (
        min_runs
        and len(times[0]) < repeat
        and (len(times[0]) < min_runs or time.monotonic() - started < budget * len(sides))
    ):
        for side, side_times in zip(sides, times, strict=True):
            side_times.append(_request(side, empty)[1])
    return [
        _captured(side, empty, side_times, budget, log)
        for side, side_times in zip(sides, times, strict=True)
    ]


def explain(database: str, statements: list[str]) -> list[dict]:
    """Sequential scans of the big tables in the plans of the page's SELECTs."""
    from django.db import connection

    use(database)
    found = []

    def walk(node, sql):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(
                {
                    "table": node["Relation Name"],
                    "rows": node.get("Plan Rows"),
                    "filter": node.get("Filter", ""),
                    "sql": sql,
                }
            )
        for child in node.get("Plans", []):
            walk(child, sql)

    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            walk(plan[0]["Plan"], sql)
    return found


def statement_growth(small: dict, big: dict) -> list[tuple[float, float, str]]:
    """The statements of a page whose bare time grew most from one province to the
    country: (ms at 1, ms at N, sql), the biggest growth first (a page runs the same
    statements in the same order at both sizes, ids apart)."""
    pairs = [
        (at_one, at_all, sql)
        for at_one, at_all, sql in zip(
            small["per_query_ms"], big["per_query_ms"], big["statements"], strict=False
        )
    ]
    return sorted(pairs, key=lambda pair: pair[1] - pair[0], reverse=True)[:3]


# --- load ------------------------------------------------------------------------------


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from sampledata.sessions import second_factor_given

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    second_factor_given(session, user)
    session.set_expiry(3600)
    session.create()
    return session.session_key


def load_population(count: int, provinces: int, t: dict) -> list[tuple[object, list[str]]]:
    """``count`` users spread over the provinces, each with its usual pages: one in
    five a reviewer or a leader (the centre's first, then provinces 1, 8, 15… in
    turn, each on its own province's meeting), the rest heads of units taken evenly
    through the whole tree."""
    from django.contrib.auth.models import User

    from sampledata.synthetic import province_leader, province_reviewer

    q = t["previous"].slug
    current = t["current"].slug
    users = []
    for index in range(count):
        if index % 5 == 0:
            number = index // 5
            province = 0 if number == 0 else 1 + (number * 7) % provinces
            if province == 0:
                user = t["centre reviewer"] if number % 2 == 0 else t["centre leader"]
                meeting = t["centre meeting"]
            else:
                name = province_reviewer(province) if number % 2 == 0 else province_leader(province)
                user = User.objects.get(username=name)
                meeting = _meeting_of(province, t["previous"])
            pages = [
                "/",
                f"/quarters/{q}/",
                "/directives/dashboard/",
                "/directives/?q=ma+tuy",
                "/directives/",
                f"/meetings/{meeting.pk}/",
                f"/reports/queue/{current}/",
            ]
            users.append((user, pages))
        else:
            head, unit = t["heads"][index * len(t["heads"]) // count]
            pages = [
                "/",
                f"/reports/{unit.code}/{current}/",
                "/directives/mine/",
                "/directives/",
                f"/quarters/{q}/",
            ]
            users.append((head, pages))
    return users


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Layout:
    """App servers on loopback ports, each gunicorn with workers × threads."""

    servers: int
    workers: int
    threads: int = 1

    def __str__(self) -> str:
        servers = f"{self.servers} app servers" if self.servers > 1 else "gunicorn"
        threads = f" × {self.threads} threads" if self.threads > 1 else ""
        return f"{servers}, {self.workers} worker{'s' if self.workers > 1 else ''}{threads}"


def layouts(args) -> list[Layout]:
    """The load's server layouts: the one given (by any of ``--servers``, ``--workers``,
    ``--threads``); else ``make serve``'s (one server, 2 workers), then the same two
    processes as two servers, each request of a session going to the other one
    (nothing may depend on the process that answered before)."""
    if args.servers or args.workers or args.threads > 1:
        return [Layout(args.servers or 1, args.workers or 2, args.threads)]
    return [Layout(1, 2), Layout(2, 1)]


def _gunicorn(layout: Layout, env: dict, port: int) -> subprocess.Popen:
    """One app server as ``make serve`` starts it: workers, each with threads
    (gunicorn's threaded workers when more than one)."""
    return subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "danvan.wsgi",
            "--workers",
            str(layout.workers),
            "--threads",
            str(layout.threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )


def _wait_until_up(server: subprocess.Popen, port: int) -> None:
    for _try in range(60):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def load_test(args, layout: Layout, env: dict, t: dict, log) -> dict:
    """The ``layout``'s app servers on loopback ports, one database; ``load_users``
    threads, each a signed-in user browsing the usual pages with a think time of
    0.5–1.5 s, for ``load_seconds``. With several servers each user's requests go to
    them in turn, so every request of a session lands on another process than the
    one before."""
    users = [
        (session_for(user), pages)
        for user, pages in load_population(args.load_users, args.provinces, t)
    ]
    ports = [args.port + n for n in range(layout.servers)] if args.port else []
    ports = ports or [_free_port() for _n in range(layout.servers)]
    servers = [_gunicorn(layout, env, port) for port in ports]
    try:
        for server, port in zip(servers, ports, strict=True):
            _wait_until_up(server, port)
        results: list[tuple[str, float, int]] = []
        by_server = dict.fromkeys(ports, 0)
        lock = threading.Lock()
        deadline = time.monotonic() + args.load_seconds

        def browse(number: int, session_key: str, urls: list[str]) -> None:
            rng = random.Random(number)  # noqa: S311 - a load pattern, not a secret
            time.sleep(rng.uniform(0, 2))
            sent = number
            while time.monotonic() < deadline:
                url = rng.choice(urls)
                port = ports[sent % len(ports)]
                sent += 1
                started = time.perf_counter()
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                    connection.request("GET", url, headers={"Cookie": f"sessionid={session_key}"})
                    response = connection.getresponse()
                    response.read()
                    status = response.status
                    connection.close()
                except OSError:
                    status = 0
                elapsed = time.perf_counter() - started
                with lock:
                    results.append((url, elapsed, status))
                    by_server[port] += 1
                time.sleep(rng.uniform(0.5, 1.5))

        log(
            f"Load: {len(users)} users over the provinces for {args.load_seconds} s against "
            f"{layout}…"
        )
        started = time.monotonic()
        threads = [
            threading.Thread(target=browse, args=(n, key, urls), daemon=True)
            for n, (key, urls) in enumerate(users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=30)
    latencies = [elapsed for _url, elapsed, _status in results]
    errors = [status for _url, _elapsed, status in results if status != 200]
    by_page: dict[str, list[float]] = {}
    for url, elapsed, _status in results:
        key = url.split("?")[0]
        for prefix in ("/reports/queue/", "/reports/", "/quarters/", "/meetings/"):
            if key.startswith(prefix):
                key = prefix + "…"
                break
        by_page.setdefault(key, []).append(elapsed)
    return {
        "model": str(layout),
        "per_server": list(by_server.values()),
        # What the users ask for if every answer were instant (a think time of 1 s on
        # average): what the servers keep up with is measured against it.
        "offered": len(users) / 1.0,
        "users": len(users),
        "seconds": duration,
        "requests": len(results),
        "throughput": len(results) / duration if duration else 0,
        "median_ms": pct(latencies, 0.5) * 1000,
        "p95_ms": pct(latencies, 0.95) * 1000,
        "max_ms": max(latencies, default=0) * 1000,
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
        "by_page": {
            page: (len(values), pct(values, 0.5) * 1000, pct(values, 0.95) * 1000)
            for page, values in sorted(by_page.items())
        },
    }


# --- report ------------------------------------------------------------------------------


def verdict(row: dict, is_export: bool) -> str:
    if is_export:
        return "met" if row["median_ms"] < EXPORT_TARGET_MS else "NOT met"
    time_ok = row["median_ms"] < PAGE_TARGET_MS
    ratio_ok = row["ratio"] <= RATIO_TARGET
    if time_ok and ratio_ok:
        return "met"
    missed = []
    if not time_ok:
        missed.append(f"> {PAGE_TARGET_MS} ms")
    if not ratio_ok:
        missed.append(f"> {RATIO_TARGET:g}× SQL")
    return "NOT met (" + ", ".join(missed) + ")"


def province_ratio(entry: dict, small: str, big: str) -> float | None:
    rows = entry["rows"]
    if rows[small].get("timed_out") or rows[big].get("timed_out"):
        return None
    return rows[big]["median_ms"] / rows[small]["median_ms"]


def _scan_lines(name: str, scans: list[dict]) -> list[str]:
    seen: dict[tuple, int] = {}
    for scan in scans:
        key = (scan["table"], scan["rows"] or 0, scan["filter"][:160])
        seen[key] = seen.get(key, 0) + 1
    return [
        f"- {name}: Seq Scan on `{table}` (~{rows:,} rows estimated)"
        + (f", filter `{condition}`" if condition else "")
        + (f" ({times} times)" if times > 1 else "")
        for (table, rows, condition), times in seen.items()
    ]


def _data_lines(info: dict) -> list[str]:
    lines = ["## Data sets", ""]
    sizes = info["sizes"]
    for key, size in sizes.items():
        options = " ".join(f"--{k} {v}" for k, v in size["plan"].items() if v is not None)
        generated = (
            f"generated in {size['generated_s']:.0f} s"
            if size["generated_s"]
            else "already in the database"
        )
        lines.append(f"- {key} province(s): `generate_data {options}` ({generated}).")
    keys = list(sizes)
    lines += [
        "",
        "| table | " + " | ".join(f"rows, {key} province(s)" for key in keys) + " |",
        "| --- |" + " ---: |" * len(keys),
    ]
    for table in sizes[keys[0]]["dataset"]:
        counts = " | ".join(f"{sizes[key]['dataset'][table]:,}" for key in keys)
        lines.append(f"| {table} | {counts} |")
    return lines


def _province_lines(info: dict) -> list[str]:
    small, big = list(info["sizes"])
    province = info["province"]
    lines = [
        "",
        f"## A province at 1 and at {big} provinces",
        "",
        f"Province {province}'s reviewer and leader (roles on its Party committee), the same "
        f"province's data in both databases (each province draws from its own generator). "
        f"The requests of the two databases alternate, one process, Django's test client, "
        f"DEBUG off. Ratio = median at {big} / median at {small}; target ≤ "
        f"{PROVINCE_RATIO_TARGET:g}: a province costs the same whatever the size of the country.",
        "",
        f"| page | role | runs | median ms, {small} | median ms, {big} | ratio | "
        f"queries, {small} / {big} | size KB, {small} / {big} | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    flagged = []
    for entry in info["province_pages"]:
        rows = entry["rows"]
        ratio = province_ratio(entry, small, big)
        label = f"{entry['name']} (`{entry['url']}`)"
        if ratio is None:
            lines.append(f"| {label} | {entry['role']} | 0 | | | | | | NOT met (timed out) |")
            continue
        ok = ratio <= PROVINCE_RATIO_TARGET
        if not ok:
            flagged.append(entry)
        one, all_ = rows[small], rows[big]
        lines.append(
            f"| {label} | {entry['role']} | {one['runs']} | {one['median_ms']:.0f} | "
            f"{all_['median_ms']:.0f} | {ratio:.2f} | {one['queries']} / {all_['queries']} | "
            f"{one['bytes'] / 1024:.0f} / {all_['bytes'] / 1024:.0f} | "
            + ("met" if ok else f"**NOT met (> {PROVINCE_RATIO_TARGET:g})**")
            + " |"
        )
    lines += ["", f"### Where the ratio is above {PROVINCE_RATIO_TARGET:g}", ""]
    if not flagged:
        lines.append(f"Nowhere: every page and export is within {PROVINCE_RATIO_TARGET:g}.")
    for entry in flagged:
        lines.append(
            f"- **{entry['name']}** ({entry['role']}): the statements that grew most, "
            f"bare ms at {small} → at {big}:"
        )
        for at_one, at_all, sql in entry["growth"]:
            lines.append(f"  - {at_one:.1f} → {at_all:.1f} ms `{sql[:200]}…`")
        lines += ["  " + line for line in _scan_lines("EXPLAIN at " + big, entry["scans"][big])]
    scans = [
        line
        for entry in info["province_pages"]
        for line in _scan_lines(f"{entry['name']} ({entry['role']})", entry["scans"][big])
    ]
    lines += [
        "",
        f"### EXPLAIN at {big} provinces: sequential scans of the big tables on these pages",
        "",
    ]
    lines += scans or ["None: every big table is read through an index on these pages."]
    return lines


def _centre_lines(info: dict) -> list[str]:
    big = list(info["sizes"])[-1]
    lines = [
        "",
        f"## The centre's pages at {big} provinces (in-process, Django test client, DEBUG off)",
        "",
        "The centre's reviewer and leader hold their roles on the root, over the whole "
        f"country. Targets: pages under {PAGE_TARGET_MS} ms median and within "
        f"{RATIO_TARGET:g}× of their bare SQL; exports under {EXPORT_TARGET_MS / 1000:g} s. "
        "“Bare SQL” re-runs the exact statements the request ran, on a cursor, fetching "
        "every row, in the same run; “SQL in request” is the database time Django measured "
        "inside one request. The rest of a request's time is Python: building rows, "
        "rendering the template or document.",
        "",
        "| page | role | runs | median ms | p95 ms | queries | SQL in request ms | "
        "bare SQL ms | ratio | size KB | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    if not info["pages"]:
        return [*lines, "", "Not run (--skip-centre)."]
    for name, role, url, is_export, row in info["pages"]:
        if row.get("timed_out"):
            lines.append(
                f"| {name} (`{url}`) | {role} | 0 | > {row['limit_s'] * 1000:.0f} | | | | | | | "
                f"NOT met (did not finish in {row['limit_s']:.0f} s; abandoned) |"
            )
            continue
        lines.append(
            f"| {name} (`{url}`) | {role} | {row['runs']} | {row['median_ms']:.0f} | "
            f"{row['p95_ms']:.0f} | {row['queries']} | {row['sql_in_request_ms']:.0f} | "
            f"{row['bare_ms']:.1f} | "
            f"{row['ratio']:.1f}× | {row['bytes'] / 1024:.0f} | {verdict(row, is_export)} |"
        )
    lines += ["", "### Slowest statements per page", ""]
    for name, _role, _url, _is_export, row in info["pages"]:
        if row.get("timed_out"):
            continue
        lines.append(
            f"- **{name}**: "
            + "; ".join(
                f"{seconds * 1000:.1f} ms `{sql[:160]}…`" for seconds, sql in row["slowest"]
            )
        )
    lines += ["", "### EXPLAIN: sequential scans of the big tables on these pages", ""]
    scans = [
        line
        for name, _role, _url, _is_export, s in info["explain"]
        for line in _scan_lines(name, s)
    ]
    lines += scans or ["None: every big table is read through an index on these pages."]
    return lines


def _load_lines(info: dict) -> list[str]:
    # (a run before the two layouts kept one load, as "load")
    loads = info.get("loads") or ([info["load"]] if info.get("load") else [])
    if not loads:
        return ["", "## Load", "", "Not run (--skip-load)."]
    lines: list[str] = []
    for load in loads:
        lines += _one_load_lines(info, load)
    return lines


def _one_load_lines(info: dict, load: dict) -> list[str]:
    big = list(info["sizes"])[-1]
    model = load.get("model", "gunicorn, 2 workers")
    lines = ["", f"## Load: {model}, simulated users over {big} provinces", ""]
    per_server = load.get("per_server", [load["requests"]])
    offered = load.get("offered", load["users"])
    lines += [
        f"{load['users']} signed-in users spread over the provinces (1 in 5 a reviewer or a "
        "leader: the centre's, then provinces 1, 8, 15… each on its own province; the rest "
        "heads of units taken evenly through the tree), each requesting its usual pages "
        f"with a think time of 0.5–1.5 s, for {load['seconds']:.0f} s. They offer about "
        f"{offered:.0f} requests/s were every answer instant; "
        f"{len(per_server)} app server(s) on one database, each user's requests going to "
        f"them in turn (requests per server: {', '.join(map(str, per_server))}).",
        "",
        "| requests | throughput req/s | of offered | median ms | p95 ms | max ms | errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {load['requests']} | {load['throughput']:.1f} | "
        f"{load['throughput'] / offered:.0%} | {load['median_ms']:.0f} | "
        f"{load['p95_ms']:.0f} | {load['max_ms']:.0f} | {load['errors']} "
        f"{load['error_statuses'] or ''} |",
        "",
        "| page | requests | median ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
    ]
    for page, (count, median, p95) in load["by_page"].items():
        lines.append(f"| `{page}` | {count} | {median:.0f} | {p95:.0f} |")
    return [*lines, "", load_verdict(load, offered)]


# Issue 19's targets for the load: the servers keep up with what the users ask for.
LOAD_SHARE = 0.9  # of what the users offer
LOAD_P95_MS = 500


def load_verdict(load: dict, offered: float) -> str:
    """Which of the load's targets the run met, and which not, with the figures."""
    checks = [
        (load["errors"] == 0, f"{load['errors']} errors (target 0)"),
        (
            load["throughput"] >= LOAD_SHARE * offered,
            f"{load['throughput']:.1f} requests/s, {load['throughput'] / offered:.1%} of the "
            f"{offered:.0f} offered (target at least {LOAD_SHARE:.0%})",
        ),
        (load["p95_ms"] <= LOAD_P95_MS, f"p95 {load['p95_ms']:.0f} ms (target {LOAD_P95_MS} ms)"),
    ]
    met = [text for ok, text in checks if ok]
    missed = [text for ok, text in checks if not ok]
    verdict = "**Targets met**" if not missed else "**Targets not met:** " + "; ".join(missed)
    return verdict + (f" (met: {'; '.join(met)})." if met else ".")


def write_results(path: str, info: dict) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (tools/bench/run.py) on {info['when']} UTC. Figures as "
        "measured; where a target is not met it says so, with the reason found.",
    ]
    if info.get("seconds"):
        lines.append(f"The run took {info['seconds'] / 60:.1f} minutes, generation included.")
    lines += ["", "## Machine", "", "| | |", "| --- | --- |"]
    for key, value in info["machine"].items():
        lines.append(f"| {key} | {value} |")
    lines += ["", *_data_lines(info)]
    lines += _province_lines(info)
    lines += _centre_lines(info)
    lines += _load_lines(info)
    if info.get("notes"):
        lines += ["", "## Findings", "", info["notes"].strip()]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


LAST_RUN = ROOT / "tools" / "bench" / "last-run.json"


def _slim_row(row: dict) -> dict:
    slim = {k: v for k, v in row.items() if k not in ("statements", "per_query_ms")}
    if "slowest" in slim:
        slim["slowest"] = [(seconds, sql[:300]) for seconds, sql in slim["slowest"]]
    return slim


def _slim_scans(scans: list[dict]) -> list[dict]:
    return [{k: v for k, v in scan.items() if k != "sql"} for scan in scans]


def save(info: dict) -> None:
    """The figures of this run, to rewrite the results with new findings (--report-only)."""
    slim = {
        **info,
        "pages": [
            (name, role, url, is_export, _slim_row(row))
            for name, role, url, is_export, row in info["pages"]
        ],
        "explain": [
            (name, role, url, is_export, _slim_scans(scans))
            for name, role, url, is_export, scans in info["explain"]
        ],
        "province_pages": [
            {
                **entry,
                "rows": {key: _slim_row(row) for key, row in entry["rows"].items()},
                "scans": {key: _slim_scans(scans) for key, scans in entry["scans"].items()},
                "growth": [(a, b, sql[:300]) for a, b, sql in entry["growth"]],
            }
            for entry in info["province_pages"]
        ],
    }
    slim.pop("notes", None)
    LAST_RUN.write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")


def with_notes(info: dict) -> dict:
    notes = ROOT / "tools" / "bench" / "findings.md"
    if notes.exists():
        info["notes"] = notes.read_text(encoding="utf-8")
    return info


def _clients(database: str, users: dict) -> dict:
    from django.test import Client

    use(database)
    clients = {}
    from sampledata.sessions import second_factor_given

    for role, user in users.items():
        client = Client()
        client.force_login(user)
        session = client.session
        second_factor_given(session, user)
        session.save()
        clients[role] = client
    return clients


def measure_provinces(args, urls: dict[str, str], t: dict[str, dict], info: dict, log) -> None:
    """The province's reviewer and leader, page by page, in both databases."""
    small, big = list(urls)
    clients = {
        key: _clients(url, {"reviewer": t[key]["reviewer"], "leader": t[key]["leader"]})
        for key, url in urls.items()
    }
    pages = {key: province_pages(t[key]) for key in urls}
    for index, (name, _url, is_export) in enumerate(pages[big]):
        if args.only and args.only.lower() not in name.lower():
            continue
        for role in ("reviewer", "leader"):
            log(f"Province {args.province}, {name} ({role}), at {small} and {big} provinces…")
            sides = [Side(urls[key], clients[key][role], pages[key][index][1]) for key in urls]
            rows = time_sides(sides, args.repeat, args.budget, log, args.timeout)
            entry = {
                "name": name,
                "role": f"province {role}",
                "url": pages[big][index][1],
                "is_export": is_export,
                "rows": dict(zip(urls, rows, strict=True)),
                "scans": {
                    key: explain(urls[key], row.get("statements", []))
                    for key, row in zip(urls, rows, strict=True)
                },
                "growth": []
                if rows[0].get("timed_out") or rows[1].get("timed_out")
                else statement_growth(rows[0], rows[1]),
            }
            info["province_pages"].append(entry)


def measure_centre(args, url: str, t: dict, info: dict, log) -> None:
    clients = _clients(
        url,
        {
            "centre reviewer": t["centre reviewer"],
            "centre leader": t["centre leader"],
            "head": t["head"],
        },
    )
    for name, role, page_url, is_export, empty in centre_pages(t):
        if args.only and args.only.lower() not in name.lower():
            continue
        log(f"The centre: {name}…")
        [row] = time_sides(
            [Side(url, clients[role], page_url)], args.repeat, args.budget, log, args.timeout, empty
        )
        info["pages"].append((name, role, page_url, is_export, row))
        info["explain"].append(
            (name, role, page_url, is_export, explain(url, row.get("statements", [])))
        )
    for name, page_url, upload in import_pages(url, t, clients["head"]):
        if args.only and args.only.lower() not in name.lower():
            continue
        log(f"The centre: {name}…")
        [row] = time_sides(
            [Side(url, clients["head"], page_url, upload)],
            args.repeat,
            args.budget,
            log,
            args.timeout,
        )
        info["pages"].append((name, "head", page_url, False, row))
        info["explain"].append(
            (name, "head", page_url, False, explain(url, row.get("statements", [])))
        )


def import_pages(database: str, t: dict, head) -> list[tuple[str, str, Upload]]:
    """(name, url, upload): a unit head's imports, up to their preview (nothing is
    saved before it is confirmed, so each run finds the same report): the workbook
    the unit downloads, filled with its last quarter's figures, and a Word report."""
    use(database)
    unit, current = t["unit"].code, t["current"].slug
    workbook = head.get(f"/reports/{unit}/{current}/workbook.xlsx")
    if workbook.status_code != 200:
        raise RuntimeError(f"the unit's workbook answered {workbook.status_code}")
    return [
        (
            "Workbook import, preview (unit head)",
            f"/reports/import/{current}/",
            Upload("workbook", "bao-cao.xlsx", _filled(workbook.content)),
        ),
        (
            "Word import, preview (unit head)",
            f"/reports/{unit}/{current}/word/",
            Upload("document", "bao-cao.docx", _word_report()),
        ),
    ]


def _filled(workbook: bytes) -> bytes:
    """The unit's workbook with each value typed from its last quarter's column."""
    import io

    from openpyxl import load_workbook

    from reports.workbook import FIRST_ROW, VALUE_COLUMN

    book = load_workbook(io.BytesIO(workbook))
    for sheet in book.worksheets:
        for row in range(FIRST_ROW, sheet.max_row + 1):
            last = sheet[f"D{row}"].value  # "Quý trước", beside "Quý này" (VALUE_COLUMN)
            if isinstance(last, int | float):
                sheet[f"{VALUE_COLUMN}{row}"] = last
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _word_report() -> bytes:
    """A unit's usual quarterly report in Word: its title, the five numbered sections
    of a few paragraphs each, the signature."""
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("BÁO CÁO")
    document.add_paragraph("Tình hình nhân dân và công tác dân vận quý")
    sections = [
        "I. TÌNH HÌNH NHÂN DÂN",
        "II. KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        "III. HẠN CHẾ, NGUYÊN NHÂN",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ QUÝ TỚI",
        "V. KIẾN NGHỊ, ĐỀ XUẤT",
    ]
    paragraph = (
        "Nhân dân trên địa bàn cơ bản tin tưởng vào sự lãnh đạo của Đảng, đồng tình với "
        "chủ trương sắp xếp tổ chức bộ máy; công tác dân vận được triển khai đồng bộ, "
        "gắn với phong trào thi đua “Dân vận khéo” và việc giải quyết kiến nghị của nhân dân."
    )
    for heading in sections:
        document.add_paragraph(heading)
        for _ in range(4):
            document.add_paragraph(paragraph)
    document.add_paragraph("Nơi nhận:")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main() -> None:
    args = parse_args()
    if args.report_only:
        write_results(args.out, with_notes(json.loads(LAST_RUN.read_text(encoding="utf-8"))))
        print(f"Results rewritten to {args.out}")
        return

    def log(message: str) -> None:
        print(message, flush=True)

    started = time.monotonic()
    sizes = [1, args.provinces] if args.provinces != 1 else [1]
    urls = {str(n): database_url(args.database_url, n) for n in sizes}
    for url in urls.values():
        ensure_database(url)
    big = str(sizes[-1])
    env = configure(urls[big])
    import django

    django.setup()
    from django.core.management import call_command

    # DEBUG is off, so pages name their static files from the manifest: collect them
    # first, or a fresh clone fails on "Missing staticfiles manifest entry".
    call_command("collectstatic", interactive=False, verbosity=0)
    info = {
        "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": machine(),
        "province": args.province,
        "sizes": {},
        "province_pages": [],
        "pages": [],
        "explain": [],
    }
    t = {}
    for key, url in urls.items():
        use(url)
        plan = plan_for(args, int(key))
        log(f"Data set of {key} province(s) in {urlparse(url).path.lstrip('/')}…")
        generated = ensure_data(args, plan, log)
        info["sizes"][key] = {
            "plan": plan_options(plan),
            "generated_s": generated,
            "dataset": dataset(),
        }
        t[key] = targets(args.province)
    with_notes(info)
    if len(urls) > 1:
        measure_provinces(args, urls, t, info, log)
    if not args.skip_centre:
        measure_centre(args, urls[big], t[big], info, log)
    info["seconds"] = time.monotonic() - started
    save(info)
    write_results(args.out, info)
    if not args.skip_load:
        use(urls[big])
        info["loads"] = [load_test(args, layout, env, t[big], log) for layout in layouts(args)]
        info["seconds"] = time.monotonic() - started
        save(info)
        write_results(args.out, info)
    log(f"Results written to {args.out} in {(time.monotonic() - started) / 60:.1f} minutes")


if __name__ == "__main__":
    main()
