"""A unit named as it was on a date (``Unit.name_on``), for pages about a past day."""

import datetime

from django import template

from reports.models import Unit

register = template.Library()


@register.filter
def name_on(unit: Unit, day: datetime.date | None) -> str:
    """The unit's name on ``day`` (today's without one). Prefetch ``former_names``
    (``reports.selectors.load_former_names``) when a page names many units."""
    return unit.name_on(day) if day else unit.name


@register.filter
def label_on(unit: Unit, day: datetime.date | None) -> str:
    """The unit's short name (else its name) on ``day`` (today's without one)."""
    return unit.label_on(day) if day else unit.label
