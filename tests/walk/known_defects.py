"""Defects the walk finds that issue 12 already lists and other branches are fixing.

ONE list. The walk expects exactly these: a failure that matches an entry is
reported as expected (the role's test xfails), and an entry that no longer
occurs makes the test fail, so delete the entry when the fix merges. Fields
left ``None`` match anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownDefect:
    item: str  # the defect, as issue 12 lists it
    url_name: str  # view name of the address that fails
    roles: tuple[str, ...]  # the walk's roles that meet it
    status: int | None = None
    button: str | None = None  # substring of the button, e.g. "_addanother"
    variant: str | None = None  # "" (page's own values), "empty", "hostile", "long", "²"

    def matches(self, finding) -> bool:
        return (
            finding.url_name == self.url_name
            and finding.role in self.roles
            and (self.status is None or finding.status == self.status)
            and (self.button is None or self.button in finding.button)
            and (self.variant is None or finding.variant == self.variant)
        )


SIGNED_IN = (
    "unit-reporter",
    "unit-head",
    "other-unit-reporter",
    "reviewer",
    "leadership",
    "administrator",
)
MEETING_EDITORS = ("reviewer",)  # only reviewers record meetings

KNOWN_DEFECTS: list[KnownDefect] = [
    # Issue 12, "500 on 'Lưu và thêm ý kiến khác'": the directive is saved, then 500.
    KnownDefect(
        "directive 'Lưu và thêm ý kiến khác' 500",
        "meetings:directive_new",
        ("reviewer",),
        500,
        button="add_another",
        variant="",
    ),
    # Issue 12, "A meeting dated 01/01/0001" (item 3, dates with bounds): the
    # meeting form accepts 0001-01-01 and saving it overflows (OverflowError).
    KnownDefect(
        "0001-01-01 dates (item 3)", "meetings:new", MEETING_EDITORS, 500, variant="hostile"
    ),
    KnownDefect(
        "0001-01-01 dates (item 3)", "meetings:edit", MEETING_EDITORS, 500, variant="hostile"
    ),
    # Issue 12, Smaller: '"²" in a numeric query parameter gives a 500'
    # (int("²") in the exports' ?number=).
    KnownDefect('"²" in a numeric query parameter', "quarters:report_docx", SIGNED_IN, 500),
    KnownDefect('"²" in a numeric query parameter', "quarters:notice_docx", SIGNED_IN, 500),
]
