"""Which kinds of event can concern a person, as the apps that tell them say: each app
registers, when it starts, a function of the user (``reports.apps``). The settings
page offers only those kinds; notifications itself knows no roles."""

from collections.abc import Callable, Iterable
from typing import Any

from notifications.models import Kind

KindsOf = Callable[[Any], Iterable[str]]  # of a user, signed in or not
_kinds_of: list[KindsOf] = []


def register(kinds_of: KindsOf) -> None:
    if kinds_of not in _kinds_of:
        _kinds_of.append(kinds_of)


def kinds_for(user) -> list[Kind]:
    """The kinds some registered app may tell ``user`` of, in the order of ``Kind``."""
    found: set[str] = set()
    for kinds_of in _kinds_of:
        found.update(kinds_of(user))
    return [kind for kind in Kind if kind.value in found]
