"""The national-scale benchmark (``make bench``); see bench/README.md.

1. Creates the PostgreSQL database if missing, migrates it and fills it with
   ``generate_data`` (20,000 units, 8 quarters, 40 indicators by default),
   unless the same generated data set is already there.
2. Times each page and export in-process with Django's test client (DEBUG
   off): median and p95 over repeated requests, the number of SQL queries, and
   the time of the same SQL statements re-run directly on a cursor, in the
   same run (the "bare SQL"), with the ratio of the two.
3. EXPLAINs every query of those pages and lists sequential scans of the big
   tables.
4. Runs the production server (gunicorn, 2 workers) under simulated users
   (threads on loopback, bounded in time): throughput, latency, errors.
5. Writes everything, with the machine's description, to tools/bench/results.md.
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
from collections.abc import Iterable
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
}
PAGE_TARGET_MS = 300
EXPORT_TARGET_MS = 5000
RATIO_TARGET = 2.0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.getenv("BENCH_DATABASE_URL") or DEFAULT_DB)
    parser.add_argument("--units", type=int, default=20000)
    parser.add_argument("--quarters", type=int, default=8)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--directives", type=int, default=200, help="Per quarter, in all.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="Generate even if present.")
    parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="Seconds per page at most (at least 5 runs)."
    )
    parser.add_argument(
        "--timeout", type=float, default=120, help="Seconds a request may take (default 120)."
    )
    parser.add_argument("--load-users", type=int, default=50)
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument(
        "--only", default="", help="Time only the pages whose name contains this text."
    )
    parser.add_argument("--port", type=int, default=0, help="Default: a free port.")
    parser.add_argument("--out", default=str(ROOT / "tools" / "bench" / "results.md"))
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="Rewrite the results file from the last run's figures (tools/bench/last-run.json) and "
        "tools/bench/findings.md, without measuring.",
    )
    return parser.parse_args()


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


def configure(args) -> dict:
    """Environment of the benchmark: production settings on the bench database."""
    env = {
        "DATABASE_URL": args.database_url,
        "DEBUG": "0",
        "SECRET_KEY": os.getenv("SECRET_KEY") or secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "LOG_LEVEL": "WARNING",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DB_CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "danvan.settings",
    }
    os.environ.update(env)
    return env


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


def ensure_data(args, log) -> float | None:
    """Generate the data set unless it is already there; the seconds it took, or None."""
    from django.core.management import call_command

    from reports.models import Indicator, Quarter, Unit

    call_command("migrate", verbosity=0)
    have = (
        Unit.objects.filter(code__startswith="gen-").count() == args.units
        and Indicator.objects.filter(code__startswith="GEN_").count() == args.indicators
        and Quarter.objects.filter(reports__unit__code__startswith="gen-").distinct().count()
        == args.quarters
    )
    if have and not args.regenerate:
        log("The generated data set is already there; not generating it again.")
        return None
    started = time.monotonic()
    call_command(
        "generate_data",
        units=args.units,
        quarters=args.quarters,
        indicators=args.indicators,
        directives=args.directives,
        seed=args.seed,
        replace=True,
        stdout=sys.stdout,
    )
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


def targets() -> dict:
    """The users and objects the benchmarked pages are opened on."""
    from django.contrib.auth.models import User
    from django.db.models import Count

    from directives.models import Directive, Meeting
    from reports.models import Membership, MembershipRole, Quarter, ReportStatus, UnitReport

    current = Quarter.objects.current()
    previous = (
        Quarter.objects.filter(reports__unit__code__startswith="gen-", closed=True)
        .distinct()
        .order_by("-year", "-number")
        .first()
    )
    draft = (
        UnitReport.objects.filter(
            quarter=current, status=ReportStatus.DRAFT, unit__code__startswith="gen-"
        )
        .select_related("unit")
        .order_by("unit__display_order")
        .first()
    )
    head = Membership.objects.get(unit=draft.unit, role=MembershipRole.HEAD).user
    meeting = (
        Meeting.objects.filter(quarter=previous, title__startswith="[Sinh")
        .annotate(n=Count("directives"))
        .order_by("-n", "pk")
        .first()
    )
    heads = list(
        User.objects.filter(
            memberships__role=MembershipRole.HEAD,
            memberships__unit__code__startswith="gen-",
        ).order_by("pk")[:200]
    )
    directive = (
        Directive.objects.filter(meeting=meeting).annotate(n=Count("assignments")).order_by("-n")
    ).first()
    return {
        "directive": directive,
        "reviewer": User.objects.get(username="gen-reviewer"),
        "leader": User.objects.get(username="gen-leader"),
        "head": head,
        "heads": heads,
        "unit": draft.unit,
        "current": current,
        "previous": previous,
        "meeting": meeting,
    }


def pages(t: dict) -> list[tuple[str, str, str, bool, bool]]:
    """(name, role, url, is_export, cold): a cold page has the cache emptied before
    each request, to measure it before and after the figures cache."""
    q = t["previous"].slug
    current = t["current"].slug
    listed = [
        ("Quarter page", "leader", f"/quarters/{q}/", False),
        ("Follow-up dashboard", "leader", "/directives/dashboard/", False),
        ("Directive register, search “ma tuy”", "reviewer", "/directives/?q=ma+tuy", False),
        (
            "Report form (unit head)",
            "head",
            f"/reports/{t['unit'].code}/{t['current'].slug}/",
            False,
        ),
        ("Consolidated report .docx", "reviewer", f"/quarters/{q}/report.docx?number=12", True),
        ("Indicator table .xlsx", "reviewer", f"/quarters/{q}/indicators.xlsx", True),
        ("Directive register .xlsx", "reviewer", f"/quarters/{q}/directives.xlsx", True),
        (
            "Conclusion notice .docx",
            "reviewer",
            f"/quarters/{q}/meetings/{t['meeting'].pk}/notice.docx",
            True,
        ),
        # Other pages of every day, for the record (the same targets apply).
        ("Home (leadership)", "leader", "/", False),
        ("Report list (reviewer)", "reviewer", "/reports/", False),
        ("Review queue of the current quarter", "reviewer", f"/reports/queue/{current}/", False),
        ("Assignments list", "reviewer", "/directives/assignments/", False),
        ("Meeting page", "reviewer", f"/meetings/{t['meeting'].pk}/", False),
        ("Directive page", "reviewer", f"/directives/{t['directive'].pk}/", False),
        ("Briefing pack", "reviewer", f"/meetings/{t['meeting'].pk}/pack/", False),
        ("Unit head's work on directives", "head", "/directives/mine/", False),
    ]
    cold = [
        ("Quarter page, cache emptied before each request", "leader", f"/quarters/{q}/", False),
        (
            "Indicator table .xlsx, cache emptied before each request",
            "reviewer",
            f"/quarters/{q}/indicators.xlsx",
            True,
        ),
    ]
    return [(*page, False) for page in listed] + [(*page, True) for page in cold]


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


def get(client, url: str, limit: float):
    """client.get(url), abandoned with PageTimeout after ``limit`` seconds."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return client.get(url)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def time_page(
    client, url: str, repeat: int, budget: float, log, limit: float = 120, cold: bool = False
) -> dict:
    """Median and p95 of ``repeat`` requests (fewer for slow pages: at least 5 under
    2 s a request, 3 under 20 s, else only the captured one, within ``budget``
    seconds), the queries of one more request, and the same statements re-run
    bare on a cursor."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fresh():
        if cold:
            cache.clear()

    fresh()
    t0 = time.perf_counter()
    try:
        response = get(client, url, limit)
    except PageTimeout:
        from django.db import close_old_connections

        close_old_connections()
        log(f"  {url}: did not finish within {limit:.0f} s")
        return {"timed_out": True, "limit_s": limit}
    warm = time.perf_counter() - t0
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    min_runs = 5 if warm < 2 else 3 if warm < 20 else 0  # 0: one run, the captured one
    times = []
    started = time.monotonic()
    while (
        min_runs
        and len(times) < repeat
        and (len(times) < min_runs or time.monotonic() - started < budget)
    ):
        fresh()
        t0 = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t0)
        assert response.status_code == 200, url
    fresh()
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if min_runs == 0 and not times:
        # Over 20 s a request: the request whose queries are captured is the timed one.
        times.append(time.perf_counter() - t0)
    size = len(response.content)
    statements = [plain(query["sql"]) for query in captured.captured_queries]
    in_request = sum(float(query["time"]) for query in captured.captured_queries)
    per_query = []
    for sql in statements:
        runs = [run_sql([sql]) for _ in range(3)]
        per_query.append((statistics.median(runs), sql))
    bare = []
    started = time.monotonic()
    while len(bare) < max(3, min(len(times), 10)) and (
        len(bare) < 3 or time.monotonic() - started < budget / 2
    ):
        bare.append(run_sql(statements))
    page_ms = statistics.median(times) * 1000
    bare_ms = statistics.median(bare) * 1000
    log(f"  {url}: median {page_ms:.0f} ms, {len(statements)} queries, bare SQL {bare_ms:.0f} ms")
    return {
        "runs": len(times),
        "median_ms": page_ms,
        "p95_ms": pct(times, 0.95) * 1000,
        "queries": len(statements),
        "bare_ms": bare_ms,
        "sql_in_request_ms": in_request * 1000,
        "ratio": page_ms / bare_ms if bare_ms else float("nan"),
        "bytes": size,
        "statements": statements,
        "slowest": sorted(per_query, reverse=True)[:3],
    }


def explain(statements: list[str]) -> list[dict]:
    """Sequential scans of the big tables in the plans of the page's SELECTs."""
    from django.db import connection

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


# --- load ------------------------------------------------------------------------------


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(3600)
    session.create()
    return session.session_key


def load_test(args, env: dict, t: dict, log) -> dict:
    """gunicorn with 2 workers; ``load_users`` threads, each a signed-in user browsing
    the usual pages with a think time of 0.5–1.5 s, for ``load_seconds``."""
    q = t["previous"].slug
    staff_pages = [
        "/",
        f"/quarters/{q}/",
        "/directives/dashboard/",
        "/directives/?q=ma+tuy",
        "/directives/",
        f"/meetings/{t['meeting'].pk}/",
    ]
    users = []
    for index in range(args.load_users):
        if index % 5 == 0:
            user = t["leader"] if index % 10 == 0 else t["reviewer"]
            users.append((session_for(user), staff_pages))
        else:
            head = t["heads"][index % len(t["heads"])]
            unit = head.memberships.first().unit
            users.append(
                (
                    session_for(head),
                    [
                        "/",
                        f"/reports/{unit.code}/{t['current'].slug}/",
                        "/directives/mine/",
                        "/directives/",
                        f"/quarters/{q}/",
                    ],
                )
            )
    if not args.port:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            args.port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "danvan.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )
    try:
        for _try in range(60):
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.5)
        results: list[tuple[str, float, int]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + args.load_seconds

        def browse(number: int, session_key: str, urls: list[str]) -> None:
            rng = random.Random(number)  # noqa: S311 - a load pattern, not a secret
            time.sleep(rng.uniform(0, 2))
            while time.monotonic() < deadline:
                url = rng.choice(urls)
                started = time.perf_counter()
                try:
                    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=120)
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
                time.sleep(rng.uniform(0.5, 1.5))

        log(f"Load: {len(users)} users for {args.load_seconds} s against gunicorn (2 workers)…")
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
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    latencies = [elapsed for _url, elapsed, _status in results]
    errors = [status for _url, _elapsed, status in results if status != 200]
    by_page: dict[str, list[float]] = {}
    for url, elapsed, _status in results:
        key = url.split("?")[0]
        for prefix in ("/reports/", "/quarters/", "/meetings/"):
            if key.startswith(prefix):
                key = prefix + "…"
        by_page.setdefault(key, []).append(elapsed)
    return {
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


def _table(head: str, rule: str, rows: Iterable[str]) -> list[str]:
    """A Markdown table's lines: its head, the rule under it, its rows."""
    return [head, rule, *rows]


def write_results(path: str, info: dict) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/run.py) on {info['when']} UTC. Figures as measured;",
        "where a target is not met it says so, with the reason found.",
        "",
        "## Machine",
        "",
        *_table("| | |", "| --- | --- |", (f"| {k} | {v} |" for k, v in info["machine"].items())),
        "",
        "## Data set",
        "",
        "`generate_data "
        + " ".join(f"--{k} {v}" for k, v in info["plan"].items())
        + "`"
        + (
            f" — generated in {info['generated_s']:.0f} s."
            if info["generated_s"]
            else " (already in the database)."
        ),
        "",
        *_table(
            "| table | rows |",
            "| --- | ---: |",
            (f"| {table} | {count:,} |" for table, count in info["dataset"].items()),
        ),
        "",
        "## Pages and exports (in-process, Django test client, DEBUG off)",
        "",
        f"Targets: pages under {PAGE_TARGET_MS} ms median and within {RATIO_TARGET:g}× of "
        f"their bare SQL; exports under {EXPORT_TARGET_MS / 1000:g} s. "
        "“Bare SQL” re-runs the exact statements the request ran, on a cursor, fetching "
        "every row, in the same run; “SQL in request” is the database time Django measured "
        "inside one request. The rest of a request's time is Python: building rows, "
        "rendering the template or document.",
        "",
        "| page | role | runs | median ms | p95 ms | queries | SQL in request ms | "
        "bare SQL ms | ratio | size KB | target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
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
    lines += ["", "## EXPLAIN: sequential scans of the big tables on these pages", ""]
    any_scan = False
    for name, _role, _url, _is_export, scans in info["explain"]:
        seen: dict[tuple, int] = {}
        for scan in scans:
            key = (scan["table"], scan["rows"] or 0, scan["filter"][:160])
            seen[key] = seen.get(key, 0) + 1
        for (table, rows, condition), times in seen.items():
            any_scan = True
            lines.append(
                f"- {name}: Seq Scan on `{table}` (~{rows:,} rows estimated)"
                + (f", filter `{condition}`" if condition else "")
                + (f" ({times} times)" if times > 1 else "")
            )
    if not any_scan:
        lines.append("None: every big table is read through an index on these pages.")
    load = info.get("load")
    lines += ["", "## Load: gunicorn, 2 workers, simulated users on loopback", ""]
    if load is None:
        lines.append("Not run (--skip-load).")
    else:
        lines += [
            f"{load['users']} signed-in users (1 in 5 leadership or reviewer, the rest unit "
            "heads), each requesting its usual pages with a think time of 0.5–1.5 s, for "
            f"{load['seconds']:.0f} s.",
            "",
            "| requests | throughput req/s | median ms | p95 ms | max ms | errors |",
            "| ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {load['requests']} | {load['throughput']:.1f} | {load['median_ms']:.0f} | "
            f"{load['p95_ms']:.0f} | {load['max_ms']:.0f} | {load['errors']} "
            f"{load['error_statuses'] or ''} |",
            "",
            *_table(
                "| page | requests | median ms | p95 ms |",
                "| --- | ---: | ---: | ---: |",
                (
                    f"| `{page}` | {count} | {median:.0f} | {p95:.0f} |"
                    for page, (count, median, p95) in load["by_page"].items()
                ),
            ),
        ]
    if info.get("notes"):
        lines += ["", "## Findings", "", info["notes"].strip()]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


LAST_RUN = ROOT / "tools" / "bench" / "last-run.json"


def _slim_row(row: dict) -> dict:
    slim = {k: v for k, v in row.items() if k != "statements"}
    if "slowest" in slim:
        slim["slowest"] = [(seconds, sql[:300]) for seconds, sql in slim["slowest"]]
    return slim


def save(info: dict) -> None:
    """The figures of this run, to rewrite the results with new findings (--report-only)."""
    slim = {
        **info,
        "pages": [
            (name, role, url, is_export, _slim_row(row))
            for name, role, url, is_export, row in info["pages"]
        ],
    }
    slim["explain"] = [
        (
            name,
            role,
            url,
            is_export,
            [{k: v for k, v in scan.items() if k != "sql"} for scan in scans],
        )
        for name, role, url, is_export, scans in info["explain"]
    ]
    slim.pop("notes", None)
    LAST_RUN.write_text(json.dumps(slim, ensure_ascii=False, indent=1), encoding="utf-8")


def with_notes(info: dict) -> dict:
    notes = ROOT / "tools" / "bench" / "findings.md"
    if notes.exists():
        info["notes"] = notes.read_text(encoding="utf-8")
    return info


def main() -> None:
    args = parse_args()
    if args.report_only:
        write_results(args.out, with_notes(json.loads(LAST_RUN.read_text(encoding="utf-8"))))
        print(f"Results rewritten to {args.out}")
        return

    def log(message: str) -> None:
        print(message, flush=True)

    ensure_database(args.database_url)
    env = configure(args)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    # DEBUG is off, so pages name their static files from the manifest: collect them
    # first, or a fresh clone fails on "Missing staticfiles manifest entry".
    call_command("collectstatic", interactive=False, verbosity=0)
    generated = ensure_data(args, log)
    t = targets()
    info = {
        "when": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": machine(),
        "plan": {
            "units": args.units,
            "quarters": args.quarters,
            "indicators": args.indicators,
            "directives": args.directives,
            "seed": args.seed,
        },
        "generated_s": generated,
        "dataset": dataset(),
        "pages": [],
        "explain": [],
    }
    with_notes(info)
    clients = {}
    for role in ("leader", "reviewer", "head"):
        client = Client()
        client.force_login(t[role])
        clients[role] = client
    for name, role, url, is_export, cold in pages(t):
        if args.only and args.only.lower() not in name.lower():
            continue
        log(f"{name}…")
        row = time_page(clients[role], url, args.repeat, args.budget, log, args.timeout, cold)
        info["pages"].append((name, role, url, is_export, row))
        scans = explain(row["statements"]) if "statements" in row else []
        info["explain"].append((name, role, url, is_export, scans))
    save(info)
    write_results(args.out, info)
    if not args.skip_load:
        info["load"] = load_test(args, env, t, log)
        save(info)
        write_results(args.out, info)
    log(f"Results written to {args.out}")


if __name__ == "__main__":
    main()
