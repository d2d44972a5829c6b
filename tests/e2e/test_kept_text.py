"""What is typed into a form survives an expired session and a reload
(static/js/site.js): the form offers it back, and forgets it once saved.

Hội Nông dân (hnd) leads directive 5 of the demo briefing and has no update on
it yet this quarter; the reviewer records meetings and directives.
"""

import contextlib
import sqlite3

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CURRENT, PASSWORD, second_factor, t
from tests.samples import PDF

pytestmark = pytest.mark.e2e

DIRECTIVE = "Rà soát, bổ sung bộ quy tắc ứng xử"
MEETING = "Giao ban về tình hình nhân dân"
OFFER = t("You have text typed here at {time} that was not saved.").split("{time}")[0].strip()


def notice(page):
    return page.locator("[data-keep-notice]")


KEPT = "Object.keys(localStorage).filter((key) => key.startsWith('danvan:')).length"


def wait_until_kept(page, text: str) -> None:
    """Until the browser holds a kept copy of ``text`` (written 0,4 s after the last
    key, later on a busy machine): waiting for it, not for a fixed time."""
    page.wait_for_function(
        """(text) => Object.keys(localStorage).some(
            (key) => key.startsWith('danvan:') && localStorage.getItem(key).includes(text))""",
        arg=text,
    )


def sign_in_here(page, username: str) -> None:
    """Sign in on the sign-in page the browser was sent to (keeping its "next")."""
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    second_factor(page, username)


def expire_the_session(page) -> None:
    page.context.clear_cookies(name="sessionid")


def progress_form_url(page, live_url: str) -> str:
    page.goto(f"{live_url}/directives/mine/")
    awaiting = page.get_by_role("region", name=t("Directives awaiting this quarter's progress"))
    link = (
        awaiting.get_by_role("listitem")
        .filter(has_text=DIRECTIVE)
        .get_by_role("link", name=t("Post progress"))
    )
    return live_url + link.get_attribute("href")


def meeting_page(page, live_url: str) -> None:
    page.goto(f"{live_url}/meetings/")
    page.get_by_role("link", name=MEETING).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(MEETING)


def type_a_recommendation(page, live_url: str, text: str) -> None:
    """Type ``text`` into the meeting's new recommendation, until the browser keeps it."""
    meeting_page(page, live_url)
    page.get_by_role("link", name=t("Add a recommendation")).click()
    # Typed after site.js has started: a click only waits for the next page to begin.
    page.wait_for_load_state()
    page.locator("[name=text]").fill(text)
    wait_until_kept(page, text)


def test_progress_typed_before_the_session_expired_is_offered_back_after_signing_in(
    open_as, live_url
):
    reporter = open_as("hnd-reporter")
    form = progress_form_url(reporter, live_url)
    reporter.goto(form)
    text = "Đã tổ chức 14 hội nghị rà soát quy tắc ứng xử tại các cơ sở hội."
    reporter.get_by_label(t("status claimed")).select_option("in_progress")
    reporter.get_by_label(t("Percent done")).fill("60")
    reporter.get_by_label(t("what was done")).fill(text)

    expire_the_session(reporter)
    reporter.get_by_role("button", name=t("Post the update")).click()
    sign_in_here(reporter, "hnd-reporter")

    # Back on the form (not the home page), which offers the text back.
    expect(reporter).to_have_url(form)
    expect(reporter.get_by_label(t("what was done"))).to_have_value("")
    expect(notice(reporter)).to_be_visible()
    expect(notice(reporter)).to_contain_text(OFFER)
    notice(reporter).get_by_role("button", name=t("Restore")).click()
    expect(reporter.get_by_label(t("what was done"))).to_have_value(text)
    expect(reporter.get_by_label(t("Percent done"))).to_have_value("60")
    expect(reporter.get_by_label(t("status claimed"))).to_have_value("in_progress")

    reporter.get_by_role("button", name=t("Post the update")).click()
    expect(reporter.get_by_role("alert")).to_contain_text(t("Your update has been posted."))
    expect(reporter.get_by_role("main")).to_contain_text(text)
    # Saved: the browser's copy is forgotten, nothing is offered any more.
    reporter.goto(form)
    expect(notice(reporter)).to_be_hidden()


def test_a_directive_typed_before_the_session_expired_is_offered_back_after_signing_in(
    open_as, live_url
):
    reviewer = open_as("reviewer")
    meeting_page(reviewer, live_url)
    reviewer.get_by_role("link", name=t("Add a directive")).click()
    reviewer.wait_for_load_state()
    form = reviewer.url
    title = "Tổ chức đối thoại với nông dân về chuyển đổi số"
    text = "Hội Nông dân chủ trì, phối hợp Tỉnh đoàn tổ chức 9 buổi đối thoại."
    reviewer.get_by_label(t("short title")).fill(title)
    reviewer.get_by_label(t("full text")).fill(text)
    reviewer.locator("#id_due_date").fill("2024-12-31")
    lead = reviewer.get_by_role("combobox", name=t("Lead units"))
    lead.focus()
    reviewer.keyboard.type("hoi nong dan")
    expect(reviewer.get_by_role("option", name="Hội Nông dân tỉnh")).to_be_visible()
    reviewer.keyboard.press("Enter")

    expire_the_session(reviewer)
    reviewer.get_by_role("button", name=t("Save"), exact=True).click()
    sign_in_here(reviewer, "reviewer")

    expect(reviewer).to_have_url(form)
    expect(notice(reviewer)).to_contain_text(OFFER)
    notice(reviewer).get_by_role("button", name=t("Restore")).click()
    expect(reviewer.get_by_label(t("full text"))).to_have_value(text)
    expect(reviewer.get_by_label(t("short title"))).to_have_value(title)
    expect(reviewer.locator("#id_due_date")).to_have_value("2024-12-31")
    # The unit chosen in the search picker is back too, though the page lists no other.
    expect(reviewer.locator("select[name=lead_units] option:checked")).to_have_text(
        ["Hội Nông dân tỉnh"]
    )
    expect(reviewer.locator(".ts-control", has_text="Hội Nông dân tỉnh")).to_be_visible()
    reviewer.get_by_role("button", name=t("Save"), exact=True).click()
    expect(reviewer.get_by_role("alert")).to_contain_text(
        t("The directive has been saved with its units.")
    )
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text(title)


def test_a_form_refused_by_the_csrf_check_says_the_text_is_safe_and_gives_it_back(
    open_as, live_url, demo_database, tmp_path
):
    reporter = open_as("hnd-reporter")
    form = live_url + _kept_forms(demo_database, "hnd-reporter")[0][1]
    reporter.goto(form)
    text = "Đã hoàn thiện dự thảo hương ước mẫu cho 12 chi hội."
    reporter.get_by_label(t("what was done")).fill(text)
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)
    reporter.get_by_label(t("Evidence file")).set_input_files(evidence)

    reporter.context.clear_cookies(name="csrftoken")  # as after signing in again elsewhere
    reporter.get_by_role("button", name=t("Post the update")).click()

    expect(reporter.get_by_role("heading", level=1)).to_have_text(t("Your form was not sent"))
    expect(reporter.get_by_role("main")).to_contain_text(
        t("What you typed is safe in this browser.")
    )
    reporter.get_by_role("link", name=t("Back to the form")).click()
    expect(reporter).to_have_url(form)
    expect(notice(reporter)).to_contain_text(OFFER)
    # A chosen file cannot be kept by a browser: the notice says so, naming it.
    expect(notice(reporter)).to_contain_text("bien-ban.pdf")
    notice(reporter).get_by_role("button", name=t("Restore")).click()
    expect(reporter.get_by_label(t("what was done"))).to_have_value(text)


def test_discarding_the_offer_forgets_the_text(open_as, live_url):
    reviewer = open_as("reviewer")
    type_a_recommendation(reviewer, live_url, "Kiến nghị sẽ bỏ đi.")
    reviewer.reload()
    notice(reviewer).get_by_role("button", name=t("Discard")).click()
    reviewer.wait_for_load_state()
    expect(notice(reviewer)).to_be_hidden()
    expect(reviewer.locator("[name=text]")).to_have_value("")
    reviewer.reload()
    expect(notice(reviewer)).to_be_hidden()


def test_signing_out_forgets_every_kept_text(open_as, live_url):
    reviewer = open_as("reviewer")
    type_a_recommendation(reviewer, live_url, "Kiến nghị chưa lưu.")

    reviewer.locator("form[data-sign-out] button").click()
    reviewer.wait_for_load_state()

    assert reviewer.evaluate(KEPT) == 0


def _one(database, sql: str) -> int:
    with contextlib.closing(sqlite3.connect(database)) as connection:
        return connection.execute(sql).fetchone()[0]


def _kept_forms(database, user):
    """(name, path, the name of a text field) of each form this user can fill."""
    if user == "hnd-reporter":
        open_assignment = _one(
            database,
            "SELECT a.id FROM directives_assignment a JOIN reports_unit u ON u.id = a.unit_id"
            " WHERE u.code = 'hnd' AND a.due_date IS NOT NULL AND a.completed_on IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM directives_deadlinechange c"
            " WHERE c.assignment_id = a.id AND c.status = 'pending') ORDER BY a.id",
        )
        return [
            ("progress", f"/directives/assignments/{open_assignment}/progress/", "description"),
            ("deadline", f"/directives/assignments/{open_assignment}/deadline/", "reason"),
            ("report", f"/reports/hnd/{CURRENT}/", "people_situation"),
        ]
    meeting = _one(database, "SELECT id FROM directives_meeting ORDER BY id")
    directive = _one(
        database,
        f"SELECT id FROM directives_directive WHERE meeting_id = {int(meeting)}",  # noqa: S608
    )
    return [
        ("meeting", f"/meetings/{meeting}/edit/", "assessment"),
        ("new meeting", "/meetings/new/", "assessment"),
        ("new directive", f"/meetings/{meeting}/directives/new/", "text"),
        ("directive", f"/directives/{directive}/edit/", "text"),
        ("recommendation", f"/meetings/{meeting}/recommendations/new/", "text"),
    ]


@pytest.mark.parametrize("user", ["hnd-reporter", "reviewer"])
def test_each_kept_form_offers_its_unsaved_text_after_a_reload(
    open_as, live_url, demo_database, user
):
    page = open_as(user)
    page.on("dialog", lambda dialog: dialog.accept())  # the report form warns before leaving
    for name, path, field_name in _kept_forms(demo_database, user):
        page.goto(live_url + path)
        field = page.locator(f"form[data-keep] [name={field_name}]")
        typed = f"Chưa lưu ({name}): nội dung thử."
        saved = field.input_value()
        field.fill(typed)
        wait_until_kept(page, typed)
        page.reload()
        expect(notice(page), name).to_be_visible()
        if name == "report":
            # The report was not saved since: the text is put back at once.
            expect(field, name).to_have_value(typed)
        else:
            expect(field, name).to_have_value(saved)
            expect(notice(page), name).to_contain_text(OFFER)
            notice(page).get_by_role("button", name=t("Restore")).click()
            expect(field, name).to_have_value(typed)
        notice(page).get_by_role("button", name=t("Discard")).click()
        page.wait_for_load_state()
        expect(field, name).to_have_value(saved)
        expect(notice(page), name).to_be_hidden()


def test_a_saved_report_with_a_grouped_number_shows_no_unsaved_notice(open_as, live_url):
    reporter = open_as("hnd-reporter")
    reporter.goto(f"{live_url}/reports/hnd/{CURRENT}/")
    reporter.locator("[name=people_situation]").fill("Nông dân phấn khởi.")
    reporter.locator("form[data-keep] input[data-figure]").first.fill("12345")
    reporter.get_by_role("button", name=t("Save draft")).click()
    expect(reporter.get_by_role("alert")).to_be_visible()
    # The server shows the figure grouped, unlike what was typed; it was saved all the
    # same, so the browser's copy is forgotten and nothing claims to be unsaved.
    expect(notice(reporter)).to_be_hidden()
    reporter.reload()
    expect(notice(reporter)).to_be_hidden()
