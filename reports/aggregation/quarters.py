"""Quarters as the aggregates read them: the trend window, the year-to-date column."""

from django.utils.translation import gettext_lazy as _

from common.types import StrOrPromise
from reports.models import Quarter


def quarter_keys_back(year: int, number: int, count: int) -> list[tuple[int, int]]:
    """The ``count`` quarters ending at (year, number), oldest first."""
    keys = []
    for _step in range(count):
        keys.append((year, number))
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return keys[::-1]


def ytd_label(number: int) -> StrOrPromise | None:
    """The year-to-date column of a quarter: none for Q1, "6 months" for Q2…"""
    return {2: _("6 months"), 3: _("9 months"), 4: _("Full year")}.get(number)


def quarter_label(year: int, number: int) -> str:
    return Quarter(year=year, number=number).label
