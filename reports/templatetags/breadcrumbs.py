"""The trail of links above a page: ``{% breadcrumbs %}``, its ``{% crumb %}`` items and
the page itself, ``{% here %}``."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_block_tag
def breadcrumbs(content: str, classes: str = "") -> SafeString:
    return format_html(
        '<nav aria-label="{}"><ol class="breadcrumb{}">{}</ol></nav>',
        _("Breadcrumb"),
        f" {classes}" if classes else "",
        content,
    )


@register.simple_tag
def crumb(label: str, view_name: str = "", *args: object) -> SafeString:
    """A page on the way: a link to ``view_name`` (with its ``args``), or its label alone."""
    if not view_name:
        return format_html('<li class="breadcrumb-item">{}</li>', label)
    return format_html(
        '<li class="breadcrumb-item"><a href="{}">{}</a></li>', reverse(view_name, args=args), label
    )


@register.simple_block_tag
def here(content: str) -> SafeString:
    """The last crumb: the page itself."""
    return format_html('<li class="breadcrumb-item active" aria-current="page">{}</li>', content)
