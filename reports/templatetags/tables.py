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


@register.simple_block_tag
def list_table(
    content: str,
    *labels: str,
    classes: str = "table-sm align-middle",
    head_class: str = "",
    caption: str = "",
    numbers_from: int = 0,
) -> SafeString:
    """A list's table, scrolling sideways on a narrow screen: ``labels`` are its column
    headings (as ``column_heads``), the tag's content its rows."""
    return format_html(
        '<div class="table-responsive"><table class="table {}">{}<thead{}><tr>{}</tr></thead>'
        "<tbody>{}</tbody></table></div>",
        classes,
        format_html("<caption>{}</caption>", caption) if caption else "",
        format_html(' class="{}"', head_class) if head_class else "",
        column_heads(*labels, numbers_from=numbers_from),
        content,
    )


@register.simple_block_tag
def empty_row(content: str, columns: int) -> SafeString:
    """The one row of a table with nothing to list, saying so across its ``columns``."""
    return format_html('<tr><td colspan="{}" class="text-muted">{}</td></tr>', columns, content)
