"""Numbers the Vietnamese way (1.234.567,5) whatever the locale's own grouping setting."""

from decimal import Decimal

from django import template
from django.utils import formats, numberformat

register = template.Library()


@register.filter
def figure(value) -> str:
    """An indicator value grouped by thousands, decimals only when there are any."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = numberformat.format(
        value,
        formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )
    if places:
        text = text.rstrip("0")
    return text
