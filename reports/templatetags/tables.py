"""Table pieces every list page uses."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def column_heads(*labels: str, numbers_from: int = 0) -> SafeString:
    """A table's column headings, ``<th scope="col">`` each; from the ``numbers_from``-th
    on (counting from 1), aligned right over the figures of their column."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html('<th scope="col" class="text-end">{}</th>', label)
                if numbers_from and position >= numbers_from
                else format_html('<th scope="col">{}</th>', label),
            )
            for position, label in enumerate(labels, 1)
        ),
    )
