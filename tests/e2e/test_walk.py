"""The main page of every role, every visible link and button clicked in Chromium.

The Django-client walk (tests/walk/) covers every page and form without
script; this one checks what only a browser shows: after each click, no
console error (script errors, Content-Security-Policy refusals) and no 5xx
for anything the page fetched. Each click starts again from the main page.
"""

import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, _new_page, save_screenshots_if_failed, sign_in

pytestmark = pytest.mark.e2e

USERS = ["anonymous", "bdv-reporter", "bdv-head", "hnd-reporter", "reviewer", "leader", "admin"]
CLICKABLE = "a[href]:visible, button:visible, input[type=submit]:visible"
MAX_CLICKS = 40


@pytest.mark.parametrize("username", USERS)
def test_every_button_and_link_of_the_main_page_works_in_the_browser(
    browser, live_url, request, username
):
    page = _new_page(browser, DESKTOP)
    problems: list[str] = []
    current = {"click": "(opening the main page)"}
    page.on(
        "console",
        lambda m: m.type == "error" and problems.append(f"{current['click']}: console: {m.text}"),
    )
    page.on("pageerror", lambda e: problems.append(f"{current['click']}: script error: {e}"))
    page.on(
        "response",
        lambda r: r.status >= 500 and problems.append(f"{current['click']}: {r.status} {r.url}"),
    )

    def home():
        """The main page, signed in again if a click signed the user out."""
        page.goto(f"{live_url}/")
        page.wait_for_load_state("load")
        if username != "anonymous" and "/login/" in page.url:
            sign_in(page, live_url, username, PASSWORD)
            page.goto(f"{live_url}/")
            page.wait_for_load_state("load")

    try:
        if username != "anonymous":
            sign_in(page, live_url, username, PASSWORD)
        home()
        count = min(page.locator(CLICKABLE).count(), MAX_CLICKS)
        assert count > 0
        for index in range(count):
            home()
            element = page.locator(CLICKABLE).nth(index)
            if not element.count():
                continue
            href = element.get_attribute("href") or ""
            if href.startswith("#"):
                continue  # the skip link and in-page anchors
            if href.startswith(("http://", "https://", "mailto:")) and not href.startswith(
                live_url
            ):
                continue
            label = " ".join((element.inner_text() or href or "?").split())[:60]
            current["click"] = f"{username}: {label!r} ({href or 'button'})"
            try:
                element.click(timeout=5_000)
                page.wait_for_load_state("load", timeout=10_000)
            except Exception as error:  # a click that fails is a finding
                problems.append(f"{current['click']}: could not click: {error}".splitlines()[0])
            # The language switch works; the next click is in Vietnamese again.
            page.context.clear_cookies(name="django_language")
            # A signed-in user must not land on the sign-in page (except by signing out).
            if (
                username != "anonymous"
                and "/login/" in page.url
                and "logout" not in (element_action := href + label).lower()
                and "đăng xuất" not in element_action.lower()
            ):
                problems.append(f"{current['click']}: ended on the sign-in page {page.url}")
        assert problems == [], "\n".join(problems)
    finally:
        save_screenshots_if_failed(request, [(f"-{username}", page)])
        page.context.close()
