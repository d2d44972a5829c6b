"""Choosing a unit by typing part of its name, accents optional, with mouse or keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, describe, t

pytestmark = pytest.mark.e2e


def test_the_register_is_filtered_by_a_unit_typed_without_accents(open_as, live_url):
    reviewer = open_as("reviewer")
    reviewer.goto(f"{live_url}/directives/")
    filters = reviewer.get_by_role("search")
    unit = filters.get_by_role("combobox", name=t("Unit"))
    unit.click()
    expect(
        reviewer.get_by_text(t("Type part of the unit's name, with or without accents."))
    ).to_be_visible()
    unit.press_sequentially("hoi nong dan")
    choice = reviewer.get_by_role("option", name="Hội Nông dân tỉnh")
    expect(choice).to_be_visible()
    violations = axe_violations(reviewer)
    assert violations == [], describe(violations)
    choice.click()
    filters.get_by_role("button", name=t("Filter")).click()

    expect(reviewer).to_have_url(re.compile(r"[?&]unit=\d+"))
    rows = reviewer.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        expect(row).to_contain_text("Hội Nông dân tỉnh")
    # The chosen unit is shown in the filter, and the page holds no other unit's option.
    expect(filters.locator(".ts-control", has_text="Hội Nông dân tỉnh")).to_be_visible()
    assert reviewer.locator("select[name=unit] option").count() == 2


def test_units_are_chosen_and_removed_from_the_keyboard_alone(open_as, live_url):
    reviewer = open_as("reviewer")
    reviewer.goto(f"{live_url}/meetings/1/directives/new/")
    lead = reviewer.get_by_role("combobox", name=t("Lead units"))
    lead.focus()
    reviewer.keyboard.type("tinh doan")
    expect(reviewer.get_by_role("option", name="Tỉnh đoàn", exact=True)).to_be_visible()
    reviewer.keyboard.press("Enter")
    reviewer.keyboard.type("mttq")
    expect(reviewer.get_by_role("option", name="Ủy ban MTTQ Việt Nam tỉnh")).to_be_visible()
    reviewer.keyboard.press("Enter")
    chosen = reviewer.locator("select[name=lead_units] option:checked")
    expect(chosen).to_have_text(["Tỉnh đoàn", "Ủy ban MTTQ Việt Nam tỉnh"])
    reviewer.keyboard.press("Backspace")
    expect(chosen).to_have_text(["Tỉnh đoàn"])
    reviewer.keyboard.type("zzzz")
    expect(reviewer.get_by_text(t("No unit matches."))).to_be_visible()


def test_the_register_is_filtered_by_a_meeting_chosen_from_the_keyboard(open_as, live_url):
    reviewer = open_as("reviewer")
    reviewer.goto(f"{live_url}/directives/")
    filters = reviewer.get_by_role("search")
    # The page lists no meeting: the picker asks the server as the user types.
    assert reviewer.locator("select[name=meeting] option").count() == 1
    meeting = filters.get_by_role("combobox", name=t("Meeting"))
    meeting.focus()
    expect(
        reviewer.get_by_text(t("Type part of the meeting's title, with or without accents."))
    ).to_be_visible()
    reviewer.keyboard.type("zzzz")
    expect(reviewer.get_by_text(t("No meeting matches."))).to_be_visible()
    for _ in range(4):
        reviewer.keyboard.press("Backspace")
    reviewer.keyboard.type("giao ban quy i/2024")
    label = "Giao ban về tình hình nhân dân và công tác dân vận quý I/2024 (14/03/2024)"
    expect(reviewer.get_by_role("option", name=label)).to_be_visible()
    violations = axe_violations(reviewer)
    assert violations == [], describe(violations)
    reviewer.keyboard.press("Enter")
    expect(reviewer.locator("select[name=meeting] option:checked")).to_have_text(label)
    # The click takes the focus from the picker: the long title keeps the field's
    # size (no typing line comes and goes), so the button does not move under it.
    filters.get_by_role("button", name=t("Filter")).click()

    expect(reviewer).to_have_url(re.compile(r"[?&]meeting=\d+"))
    expect(reviewer.locator("table tbody tr").first).to_be_visible()
    expect(filters.locator(".ts-control", has_text=label)).to_be_visible()
    assert reviewer.locator("select[name=meeting] option").count() == 2


def test_a_refused_unit_filter_takes_the_keyboard_to_the_picker_list_closed(open_as, live_url):
    """After a refused filter the first field to correct has the focus: for a search
    picker that is its typing field (the select is hidden from the accessibility
    tree), with the list closed so that the error under it stays in view."""
    reviewer = open_as("reviewer")
    reviewer.goto(f"{live_url}/directives/?unit=99999999")
    unit = reviewer.get_by_role("search").get_by_role("combobox", name=t("Unit"))
    expect(unit).to_be_focused()
    expect(unit).to_have_attribute("aria-invalid", "true")
    expect(reviewer.locator(".ts-dropdown:visible")).to_have_count(0)
