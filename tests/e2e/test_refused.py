"""A refused action shows a friendly page in the site's layout, never a stack trace."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CURRENT, t

pytestmark = pytest.mark.e2e


def _friendly(page, heading: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    # The site's own layout: its navigation and a way back home.
    expect(page.get_by_role("navigation", name=t("Main navigation"))).to_be_visible()
    page.get_by_role("main").get_by_role("link", name=t("Back to the home page")).click()
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))


def test_another_units_draft_is_not_found(open_as, live_url):
    reporter = open_as("hnd-reporter")
    response = reporter.goto(f"{live_url}/reports/mttq/{CURRENT}/")
    assert response.status == 404
    expect(reporter.get_by_role("main")).not_to_contain_text("MTTQ")
    _friendly(reporter, t("Page not found"))


def test_a_reporter_may_not_open_the_review_queue(open_as, live_url):
    reporter = open_as("hnd-reporter")
    response = reporter.goto(f"{live_url}/reports/queue/")
    assert response.status == 403
    _friendly(reporter, t("You are not allowed to do this"))


def test_leadership_may_not_confirm_progress(open_as, live_url):
    leader = open_as("leader")
    response = leader.goto(f"{live_url}/directives/review/")
    assert response.status == 403
    expect(leader.get_by_role("heading", level=1)).to_have_text(t("You are not allowed to do this"))


def test_an_unknown_address_is_not_found(open_as, live_url):
    leader = open_as("leader")
    response = leader.goto(f"{live_url}/khong-co-trang-nay/")
    assert response.status == 404
    _friendly(leader, t("Page not found"))
