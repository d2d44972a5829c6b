"""Figures typed in the report form, in Chromium: grouped after the save, no false
"unsaved" notice, and "10,000" refused with both readings."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CURRENT, t, t_pattern

pytestmark = pytest.mark.e2e

REPORT = f"/reports/hnd/{CURRENT}/"
PEOPLE = "Lượt người dự tuyên truyền"
MEMBERS = "Hội viên, đoàn viên"


def test_a_saved_figure_shows_grouped_and_no_unsaved_notice_follows(open_as, live_url):
    reporter = open_as("hnd-reporter")
    reporter.goto(live_url + REPORT)
    reporter.get_by_label(PEOPLE, exact=True).fill("12500")
    reporter.get_by_label(MEMBERS, exact=True).fill("1.234")
    reporter.get_by_role("button", name=t("Save draft")).click()
    expect(reporter.get_by_role("alert")).to_contain_text(t_pattern("Draft saved at %(time)s."))
    expect(reporter.get_by_label(PEOPLE, exact=True)).to_have_value("12.500")
    expect(reporter.get_by_label(MEMBERS, exact=True)).to_have_value("1.234")
    # The copy this browser kept on submit ("12500") is the figure the server shows
    # ("12.500"): nothing is offered back, and the copy is forgotten.
    expect(reporter.locator("[data-restore-notice]")).to_be_hidden()
    kept = reporter.evaluate(
        "Object.keys(localStorage).filter((key) => localStorage.getItem(key).includes('12500'))"
    )
    assert kept == []
    reporter.reload()
    expect(reporter.locator("[data-restore-notice]")).to_be_hidden()


def test_ten_thousand_with_a_comma_is_refused_with_both_readings(open_as, live_url):
    reporter = open_as("hnd-reporter")
    reporter.goto(live_url + REPORT)
    reporter.get_by_label(MEMBERS, exact=True).fill("10,000")
    reporter.get_by_role("button", name=t("Save draft")).click()
    field = reporter.get_by_label(MEMBERS, exact=True)
    expect(field).to_have_value("10,000")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(reporter.locator(".invalid-feedback").first).to_contain_text(
        re.compile(r"10 hoặc 10\.000")
    )
