"""Figures printed the way the page writes numbers (1.234.567,5 in Vietnamese)."""

from django import template

from common.numbers import format_figure

register = template.Library()


@register.filter
def figure(value) -> str:
    """An indicator value grouped by thousands, decimals only when there are any."""
    return format_figure(value)
