"""Browser tests: Debian's Chromium, driven by Playwright, against a live server.

The demo data is built once per session into a template SQLite file; each test
module gets a fresh copy and its own server (production-like: DEBUG off,
static files collected and served by WhiteNoise), so journeys that change data
do not leak into each other. A failing test leaves a screenshot in
test-artifacts/.
"""

import contextlib
import datetime
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from base64 import b32decode
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django_otp.oath import hotp

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "danvan2024-e2e"
# The demo runs to the quarter holding today (the site's today): its open quarter,
# where Hội Nông dân (hnd) has no report yet and MTTQ a draft.
TODAY = datetime.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
CURRENT = f"{TODAY.year}-q{(TODAY.month - 1) // 3 + 1}"
# Its reports are due on the 10th of the quarter's last month.
CURRENT_DUE = datetime.date(TODAY.year, (TODAY.month - 1) // 3 * 3 + 3, 10)


def _manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _server_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEBUG": "0",
        "SECRET_KEY": "e2e-only-not-a-secret",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        # A test server on plain HTTP: HTTPS only is turned off, as the README says.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory) -> Path:
    """A migrated SQLite file with the demo data, built once per session."""
    database = tmp_path_factory.mktemp("e2e") / "demo.sqlite3"
    env = _server_env(database)
    _manage("collectstatic", "--noinput", env=env)
    _manage("migrate", "--noinput", env=env)
    _manage("load_demo", "--password", PASSWORD, env=env)
    return database


@pytest.fixture(scope="module")
def live_url(demo_database, tmp_path_factory) -> Iterator[str]:
    """The address of a server running on a fresh copy of the demo database."""
    database = tmp_path_factory.mktemp("e2e-module") / "db.sqlite3"
    shutil.copy(demo_database, database)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=_server_env(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/accounts/login/", timeout=2)  # noqa: S310 - loopback
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("the test server did not start") from None
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make e2e`, which installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


def _new_page(browser, viewport: dict[str, int]):
    context = browser.new_context(
        viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True
    )
    context.set_default_timeout(10_000)
    return context.new_page()


def save_screenshots_if_failed(request, pages: list[tuple[str, object]]) -> None:
    """Screenshots of the pages in test-artifacts/ when the test failed."""
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    for suffix, page in pages:
        name = f"{request.node.name}{suffix}.png".replace("/", "_")
        # A page that cannot be photographed must not hide the failure itself.
        with contextlib.suppress(Exception):
            page.screenshot(path=ARTIFACTS / name, full_page=True)


def _close(request, pages: list[tuple[str, object]]) -> None:
    """Close the pages' contexts, first saving screenshots if the test failed."""
    save_screenshots_if_failed(request, pages)
    for _, page in pages:
        page.context.close()


@pytest.fixture
def page(browser, request):
    """A desktop-sized page (1366×768); screenshot saved when the test fails."""
    page = _new_page(browser, DESKTOP)
    yield page
    _close(request, [("", page)])


@pytest.fixture
def open_as(browser, live_url, request):
    """Open a page signed in as a demo user, in a browser context of its own.

    ``open_as("reviewer")``; each page is screenshot (``<test>-<user>.png``) if the test fails.
    """
    pages: list[tuple[str, object]] = []

    def _open(username: str, *, viewport: dict[str, int] = DESKTOP):
        page = _new_page(browser, viewport)
        pages.append((f"-{username}", page))
        sign_in(page, live_url, username)
        return page

    yield _open
    _close(request, pages)


def t(message: str, **values: object) -> str:
    """What a page shows for an English msgid: its Vietnamese translation once translated.

    Tests find buttons and labels by this text, so they keep passing through the
    translation pass and still prove that each control has an accessible name.
    """
    from django.utils import translation

    with translation.override("vi"):
        text = translation.gettext(message)
    return text % values if values else text


def sign_in(page, live_url: str, username: str, password: str = PASSWORD) -> None:
    """Signs in as a person does: the password, then, for whoever must give one, the
    second factor (set up at the first sign-in, with the key the page shows)."""
    password_step(page, live_url, username, password)
    second_factor(page, username)


def password_step(page, live_url: str, username: str, password: str = PASSWORD) -> None:
    """The sign-in page's user name and password, sent."""
    page.goto(f"{live_url}/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


@dataclass
class Authenticator:
    """What a person keeps of their second factor: the app's key, the last time step
    they typed a code of (the site takes each once), their recovery codes."""

    key: bytes
    last_step: int = -1
    codes: list[str] = field(default_factory=list)

    def code(self) -> str | None:
        """The app's code now, or for the next step (the site allows one step of
        clock difference); None when both were typed already."""
        now = int(time.time()) // 30
        for step in (now, now + 1):
            if step > self.last_step:
                self.last_step = step
                return f"{hotp(self.key, step):06d}"
        return None


# Each server's people, by (server, user name): a module's server keeps its database.
AUTHENTICATORS: dict[tuple[str, str], Authenticator] = {}


def second_factor(page, username: str) -> None:
    """Sets up or gives the second factor if the page asks for it."""
    address = urlsplit(page.url)
    path, person = address.path, (f"{address.scheme}://{address.netloc}", username)
    if path == "/accounts/two-factor/setup/":
        key = page.locator("[data-two-factor-key]").inner_text().replace(" ", "")
        app = AUTHENTICATORS[person] = Authenticator(b32decode(key))
        page.get_by_label(t("Authentication code")).fill(app.code() or "")
        page.get_by_role("button", name=t("Turn on two-factor sign-in")).click()
        app.codes = page.locator("[data-recovery-codes] li").all_inner_texts()
        page.get_by_role("link", name=t("I have kept them: go on")).click()
    elif path == "/accounts/two-factor/verify/":
        app = AUTHENTICATORS[person]
        page.get_by_label(t("Authentication code")).fill(app.code() or app.codes.pop())
        page.get_by_role("button", name=t("Sign in")).click()
    else:
        return
    page.wait_for_load_state()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """WCAG 2.1 AA violations of the given impacts on the current page (axe-core)."""
    # Evaluated, not added as a <script>: the Content-Security-Policy forbids inline scripts.
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [f"{n['target']} {n['html'][:100]}" for n in v["nodes"][:5]],
        }
        for v in results["violations"]
        if v["impact"] in impacts
    ]


def describe(violations: list[dict]) -> str:
    """axe-core's findings, one readable line per element."""
    return "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): {node}" for v in violations for node in v["nodes"]
    )


def t_pattern(message: str) -> re.Pattern[str]:
    """A pattern for a translated message whose placeholders (``%(name)s``) may be anything."""
    parts = re.split(r"%\(\w+\)[sd]", t(message))
    return re.compile(".+?".join(re.escape(part) for part in parts))
