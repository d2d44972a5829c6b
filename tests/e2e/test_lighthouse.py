"""Lighthouse (the npm package, offline, in Debian's Chromium) on each role's main page,
signed in, on a phone and on a desktop: at least 95 in performance, accessibility, best
practices and SEO. Performance is timed, so it varies a few points from run to run: a
page under 95 is measured four times more and judged by the median of the five, as
Lighthouse advises. Lighthouse's phone is this machine's processor slowed four times,
a mid-tier phone when the machine is a high-end desktop; on a weaker machine those four
runs slow it less, in proportion, as Lighthouse's docs/throttling.md advises, so that
the phone stays the same."""

import json
import os
import statistics
import subprocess
from pathlib import Path

import pytest

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, CURRENT, DESKTOP, ROOT, _new_page, sign_in

pytestmark = pytest.mark.e2e

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 95
# Lighthouse's phone preset slows the processor 4 times, meant for a high-end desktop:
# a benchmarkIndex of 1500 to 2000 (docs/throttling.md, "Calibrating the CPU slowdown").
MOBILE_SLOWDOWN = 4
HIGH_END_DESKTOP = 1500
# Each role's main page: where they start their work.
PAGES = [
    (None, "/accounts/login/", "sign-in"),
    ("hnd-reporter", f"/reports/hnd/{CURRENT}/", "report-form"),
    ("mttq-head", "/directives/mine/", "unit-directives"),
    ("reviewer", f"/reports/queue/{CURRENT}/", "review-queue"),
    ("leader", "/directives/dashboard/", "dashboard"),
    ("admin", "/", "home-admin"),
]


@pytest.fixture(scope="module")
def cookies(browser, live_url) -> dict[str, str]:
    """Each role's session cookie, signed in once through the pages (second factor too)."""
    found = {}
    for username, _path, _name in PAGES:
        if username is None or username in found:
            continue
        page = _new_page(browser, DESKTOP)
        sign_in(page, live_url, username)
        found[username] = next(
            c["value"] for c in page.context.cookies() if c["name"] == "sessionid"
        )
        page.context.close()
    return found


def calibrated_slowdown(report: Path) -> float:
    """The phone's slowdown for the machine that wrote ``report``: 4 from a benchmarkIndex
    of 1500 up, in proportion below (3.1 for this 2-core machine's 1152), at least 1."""
    index = json.loads(report.read_text(encoding="utf-8"))["environment"]["benchmarkIndex"]
    return round(max(1.0, MOBILE_SLOWDOWN * min(1.0, index / HIGH_END_DESKTOP)), 1)


def lighthouse(
    url: str, cookie: str | None, preset: str, out: Path, slowdown: float = MOBILE_SLOWDOWN
) -> dict[str, int]:
    headers = {"Accept-Language": "vi"}
    if cookie:
        headers["Cookie"] = f"sessionid={cookie}"
    command = [
        str(LIGHTHOUSE),
        url,
        f"--only-categories={','.join(CATEGORIES)}",
        f"--extra-headers={json.dumps(headers)}",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
        *(["--preset=desktop"] if preset == "desktop" else []),
        *([f"--throttling.cpuSlowdownMultiplier={slowdown}"] if preset == "mobile" else []),
    ]
    # Lighthouse sometimes loses the trace of a load ("NO_NAVSTART: please run
    # Lighthouse again"): that is no score, and it is run again, twice at most.
    failure = ""
    for _attempt in range(3):
        out.unlink(missing_ok=True)
        try:
            done = subprocess.run(  # noqa: S603 - the project's own Lighthouse, fixed arguments
                command,
                timeout=240,
                env={**os.environ, "CHROME_PATH": CHROMIUM},
                capture_output=True,
                text=True,
                check=False,
            )
        except subprocess.TimeoutExpired:
            failure = "no report in 240 s"
            continue
        report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        scores = {key: report.get("categories", {}).get(key, {}).get("score") for key in CATEGORIES}
        if done.returncode == 0 and not report.get("runtimeError") and None not in scores.values():
            # The page itself, not the sign-in page a lost session would lead to.
            assert report["finalDisplayedUrl"] == url, f"{url} led to {report['finalDisplayedUrl']}"
            return {key: round(score * 100) for key, score in scores.items()}
        failure = done.stderr[-2000:]
    raise AssertionError(f"Lighthouse failed on {url}: {failure}")


@pytest.mark.parametrize("preset", ["mobile", "desktop"])
@pytest.mark.parametrize(("username", "path", "name"), PAGES, ids=[p[2] for p in PAGES])
def test_each_roles_main_page_scores_at_least_95(
    live_url, cookies, tmp_path, username, path, name, preset
):
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is not installed: run `make install` (npm ci).")
    cookie = cookies.get(username) if username else None
    url = f"{live_url}{path}"
    runs = [lighthouse(url, cookie, preset, tmp_path / "1.json")]
    if runs[0]["performance"] < TARGET:
        # Lighthouse's own advice for a timed score: the median of five runs, the phone's
        # slowdown calibrated to this machine (the first run's, uncalibrated, counts too).
        slowdown = calibrated_slowdown(tmp_path / "1.json")
        runs += [
            lighthouse(url, cookie, preset, tmp_path / f"{n}.json", slowdown) for n in range(2, 6)
        ]
    scores = {key: statistics.median([run[key] for run in runs]) for key in CATEGORIES}
    low = {key: score for key, score in scores.items() if score < TARGET}
    report = ROOT / "test-artifacts" / f"lighthouse-{name}-{preset}.json"
    if low:
        report.parent.mkdir(exist_ok=True)
        report.write_text((tmp_path / "1.json").read_text(encoding="utf-8"), encoding="utf-8")
    assert not low, f"{name} ({preset}): {low} (runs: {runs}); report in {report}"
