"""A unit reports a directive done; the commission confirms it.

Directive 5 of the demo briefing (revising the codes of conduct) is led by
Hội Nông dân (hnd) and has no update yet this quarter.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import t

pytestmark = pytest.mark.e2e

DIRECTIVE = "Rà soát, bổ sung bộ quy tắc ứng xử"
DONE_TEXT = "Đã ban hành bộ quy tắc ứng xử sửa đổi tại 100% cơ sở hội."


def test_a_unit_claims_done_and_the_reviewer_confirms_it(open_as, live_url):
    reporter = open_as("hnd-reporter")
    nav = reporter.get_by_role("navigation", name=t("Main navigation"))
    nav.get_by_role("link", name=t("My unit's directives")).click()
    awaiting = reporter.get_by_role("region", name=t("Directives awaiting this quarter's progress"))
    awaiting.get_by_role("listitem").filter(has_text=DIRECTIVE).get_by_role(
        "link", name=t("Post progress")
    ).click()

    # Claiming "done" at less than 100% is refused next to the field, in words.
    reporter.get_by_label(t("status claimed")).select_option(label=t("Done"))
    reporter.get_by_label(t("Percent done")).fill("80")
    reporter.get_by_label(t("what was done")).fill(DONE_TEXT)
    reporter.get_by_role("button", name=t("Post the update")).click()
    expect(reporter.locator("[aria-invalid=true]").first).to_be_visible()

    reporter.get_by_label(t("Percent done")).fill("100")
    # A "done" claim carries the day the work was finished (the meeting was on 14/03/2024).
    reporter.get_by_label(t("finished on")).fill("2024-06-20")
    reporter.get_by_role("button", name=t("Post the update")).click()
    expect(reporter.get_by_role("alert")).to_contain_text(t("Your update has been posted."))
    expect(reporter.get_by_role("heading", level=1)).to_contain_text(DIRECTIVE)
    expect(reporter.get_by_role("main")).to_contain_text(DONE_TEXT)

    reviewer = open_as("reviewer")
    nav = reviewer.get_by_role("navigation", name=t("Main navigation"))
    nav.get_by_role("link", name=t("Progress to confirm")).click()
    claim = reviewer.get_by_role("article").filter(has_text=DONE_TEXT)
    expect(claim).to_contain_text("Hội Nông dân tỉnh")
    claim.get_by_role("button", name=t("Confirm done")).click()
    expect(reviewer.get_by_role("alert")).to_contain_text(
        t("Confirmed: the assignment now counts as done.")
    )
    expect(reviewer.get_by_role("article").filter(has_text=DONE_TEXT)).to_have_count(0)

    reporter.reload()
    row = reporter.get_by_role("row").filter(has_text="Hội Nông dân tỉnh")
    expect(row).not_to_contain_text(t("Post progress"))
    expect(reporter.get_by_role("main")).to_contain_text(t("Confirmed done"))
