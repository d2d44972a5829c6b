"""A unit's quarterly report, start to end, through the pages people use.

Hội Nông dân (hnd) has no report for the current quarter in the demo data: its reporter
drafts it, its head submits it, the reviewer returns it with a comment, the
head corrects and resubmits it, and the reviewer accepts it.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CURRENT, CURRENT_DUE, TODAY, t, t_pattern

pytestmark = pytest.mark.e2e

REPORT = f"/reports/hnd/{CURRENT}/"
SECTIONS = {
    "people's situation": "Hội viên nông dân phấn khởi, tin tưởng vào chủ trương của tỉnh.",
    "results of the tasks": "Tổ chức 12 cuộc đối thoại với nông dân tại 6 huyện.",
    "shortcomings and causes": "Một số cơ sở hội chưa chủ động nắm tình hình.",
    "tasks for the next quarter": "Tiếp tục triển khai phong trào nông dân sản xuất giỏi.",
}


def test_the_reporter_drafts_and_the_head_submits(open_as, live_url):
    reporter = open_as("hnd-reporter")
    reporter.get_by_role("link", name=t("Start the report")).click()
    expect(reporter).to_have_url(re.compile(re.escape(REPORT) + "$"))
    for label, text in SECTIONS.items():
        reporter.get_by_label(t(label)).fill(text)
    # A reporter prepares the draft; only the head may submit it.
    expect(
        reporter.get_by_role("button", name=t("Save and submit to the commission"))
    ).to_have_count(0)
    reporter.get_by_role("button", name=t("Save draft")).click()
    expect(reporter.get_by_role("alert")).to_contain_text(t_pattern("Draft saved at %(time)s."))
    expect(reporter.get_by_label(t("people's situation"))).to_have_value(
        SECTIONS["people's situation"]
    )

    head = open_as("hnd-head")
    head.goto(live_url + REPORT)
    expect(head.get_by_label(t("results of the tasks"))).to_have_value(
        SECTIONS["results of the tasks"]
    )
    head.get_by_role("button", name=t("Save and submit to the commission")).click()
    # Due on the 10th of the quarter's last month: after it, the submission is late.
    if TODAY > CURRENT_DUE:
        submitted = t("The report was submitted after the due date; it is recorded as late.")
    else:
        submitted = t("The report was submitted to the commission.")
    expect(head.get_by_role("alert")).to_contain_text(submitted)
    expect(head.locator("header").first).to_contain_text(t("Submitted"))
    # Submitted means read-only for the unit.
    expect(head.get_by_role("button", name=t("Save draft"))).to_have_count(0)


def test_the_reviewer_returns_it_and_then_accepts_the_corrected_report(open_as, live_url):
    reviewer = open_as("reviewer")
    nav = reviewer.get_by_role("navigation", name=t("Main navigation"))
    # The queue's link says how many reports wait for this reviewer.
    queue_link = nav.get_by_role("link", name=re.compile("^" + re.escape(t("Review queue"))))
    expect(queue_link.locator("[data-waiting=reports]")).to_have_text(re.compile(r"[1-9]"))
    queue_link.click()
    reviewer.get_by_role("link", name="Hội Nông dân tỉnh").click()
    expect(reviewer).to_have_url(re.compile(re.escape(REPORT) + "$"))
    # The reviewer reads the report; there is nothing to edit.
    expect(reviewer.get_by_role("main")).to_contain_text(SECTIONS["results of the tasks"])
    comment = "Bổ sung số liệu về mô hình “Dân vận khéo” của các cơ sở hội."
    reviewer.get_by_label(t("What should the unit change?")).fill(comment)
    posts: list[str] = []

    def count_posts(request) -> None:
        if request.method == "POST":
            posts.append(request.url)

    reviewer.on("request", count_posts)
    # An impatient double click is sent once: the second "return" was told the report
    # was already returned and that nothing was changed, which read as a failure.
    reviewer.get_by_role("button", name=t("Return to the unit with this comment")).dblclick()
    expect(reviewer.get_by_role("alert")).to_contain_text("Hội Nông dân tỉnh")
    reviewer.remove_listener("request", count_posts)
    assert len(posts) == 1, posts

    # The head is told: the bell counts it, the inbox says it with the comment and
    # leads to the report.
    head = open_as("hnd-head")
    bell = head.get_by_role("link", name=re.compile("^" + re.escape(t("Notifications"))))
    expect(bell.locator("[data-unread]")).to_be_visible()
    bell.click()
    told = t(
        "The %(quarter)s report of %(unit)s was returned to the unit",
        quarter=t(
            "Q%(roman)s/%(year)s",
            roman=["I", "II", "III", "IV"][(TODAY.month - 1) // 3],
            year=TODAY.year,
        ),
        unit="Hội Nông dân tỉnh",
    )
    expect(head.get_by_role("main")).to_contain_text(comment)
    head.get_by_role("link", name=told).click()
    expect(head).to_have_url(re.compile(re.escape(REPORT) + "$"))
    expect(head.get_by_role("main")).to_contain_text(comment)
    results = head.get_by_label(t("results of the tasks"))
    results.fill(SECTIONS["results of the tasks"] + " Xây dựng 8 mô hình “Dân vận khéo”.")
    head.get_by_role("button", name=t("Save and submit to the commission")).click()
    expect(head.locator("header").first).to_contain_text(t("Submitted"))

    reviewer.goto(live_url + REPORT)
    expect(reviewer.get_by_role("main")).to_contain_text("8 mô hình")
    reviewer.get_by_role("button", name=t("Accept the report")).click()
    expect(reviewer.get_by_role("alert")).to_contain_text(
        t("The report of %(unit)s was accepted.", unit="Hội Nông dân tỉnh")
    )

    head.reload()
    expect(head.locator("header").first).to_contain_text(t("Accepted"))
    expect(head.get_by_role("button", name=t("Save draft"))).to_have_count(0)
