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


# Empty: every defect the walk found is fixed. A new entry names a defect being fixed
# elsewhere, with the issue item it belongs to.
KNOWN_DEFECTS: list[KnownDefect] = []
