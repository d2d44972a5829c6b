"""Template helpers of the follow-up pages: status badges and links to filtered lists."""

import datetime
from urllib.parse import urlencode

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from common.types import StrOrPromise
from directives import permissions
from directives.query import DONE_VALUES, DUE_AS_OF
from directives.rules import BADGE, DirectiveStatus, days_past_deadline

register = template.Library()


@register.simple_tag
def status_badge(status: str):
    """A coloured badge that always carries its text (colour is never the only cue)."""
    try:
        status = DirectiveStatus(status)
    except ValueError:
        return ""
    colour = BADGE[status]
    text_class = " text-dark" if colour in ("warning", "info") else ""
    return format_html(
        '<span class="badge text-bg-{}{}">{}</span>', colour, text_class, status.label
    )


@register.simple_tag
def lateness(assignment, as_of: datetime.date | None = None):
    """ "12 days overdue" under an open assignment past its deadline, "5 days late"
    under one done after it; nothing otherwise. Reads ``due_date`` and ``completed_on``;
    with ``as_of`` (a briefing pack of an earlier meeting), as on that day: the deadline
    then (``due_as_of``) and finished by then only."""
    due = assignment.due_date
    completed = assignment.completed_on
    if as_of is not None:
        due = getattr(assignment, DUE_AS_OF, due)
        completed = completed if completed is not None and completed <= as_of else None
    days = days_past_deadline(
        due_date=due, completed_on=completed, today=as_of or timezone.localdate()
    )
    if days is None:
        return ""
    if completed is None:
        text = ngettext("%(days)d day overdue", "%(days)d days overdue", days) % {"days": days}
        return format_html('<div class="small text-danger lateness">{}</div>', text)
    text = ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days}
    return format_html('<div class="small text-muted lateness">{}</div>', text)


@register.simple_tag
def assignment_status(assignment, as_of: datetime.date | None = None):
    """An assignment's status badge, with how late it is under it (``lateness``)."""
    return format_html("{} {}", status_badge(assignment.status), lateness(assignment, as_of))


@register.simple_tag
def list_url(view_name: str, base: dict | None = None, **params) -> str:
    """The URL of a filtered list: the page's own scope (``base``) plus ``params``.

    A list, or a string with commas, becomes a repeated parameter
    (status=a&status=b).
    """
    query: list[tuple[str, str]] = []
    merged = {**(base or {}), **params}
    for key, value in merged.items():
        if value is None or value == "":
            continue
        if isinstance(value, str) and "," in value:
            value = value.split(",")
        if isinstance(value, list | tuple):
            query.extend((key, str(v)) for v in value)
        else:
            query.append((key, str(value)))
    url = reverse(view_name)
    return f"{url}?{urlencode(query)}" if query else url


@register.simple_tag
def done_statuses() -> list[str]:
    """The statuses that count as done (``rules.DONE``), for the links to done
    directives: ``{% done_statuses as done %}…{% list_url … status=done %}``."""
    return DONE_VALUES


@register.filter
def percent(value) -> str:
    """A rate as "66,7%" (as on the quarter page), or an em dash when there is
    nothing to divide by."""
    if value is None:
        return "—"
    return f"{value}".replace(".", ",") + "%"


@register.filter
def get(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def progress_refusal(assignment) -> StrOrPromise | None:
    """Why progress cannot be posted on ``assignment`` now (permissions.progress_refusal),
    read from its ``claim_pending`` annotation (selectors.assignments_awaiting_update)."""
    return permissions.progress_refusal(assignment, claim_pending=assignment.claim_pending)


@register.simple_tag
def filter_field(field):
    """One field of a list's filter form, as crispy-forms draws it (label, widget with
    its Bootstrap class, the error and help under it), written out here: a list page
    draws a dozen of them, and crispy's templates took a sixth of its time. A widget
    of several inputs or none shown (boxes, radios, hidden, split) is left to crispy."""
    widget = field.field.widget
    if isinstance(widget, _LEFT_TO_CRISPY):
        return as_crispy_field(field)
    is_checkbox = isinstance(widget, forms.CheckboxInput)
    own = widget.attrs.get("class", "")
    kind = type(widget).__name__.lower()
    if is_checkbox:
        bootstrap = "form-check-input"
    elif isinstance(widget, forms.Select):
        bootstrap = "form-select"
    else:
        bootstrap = "form-control"
    attrs = {"class": " ".join(filter(None, [own, kind.removesuffix("widget"), bootstrap]))}
    described_by = []
    help_html = error_html = ""
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
        help_html = format_html(
            '<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, field.help_text
        )
    if field.errors:
        attrs["class"] += " is-invalid"
        described_by.append(f"{field.auto_id}_error")
        error_html = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join("", "<p><strong>{}</strong></p>", ((e,) for e in field.errors)),
        )
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    control = field.as_widget(attrs=attrs)
    if is_checkbox:
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}'
            '<label for="{}" class="form-check-label">{}</label>{}{}</div></div>',
            field.auto_id,
            control,
            field.id_for_label,
            field.label,
            error_html,
            help_html,
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}{}{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        control,
        error_html,
        help_html,
    )


# Widgets that are not one labelled control: crispy-forms draws them (fieldsets, legends).
_LEFT_TO_CRISPY = (
    forms.CheckboxSelectMultiple,
    forms.RadioSelect,
    forms.HiddenInput,
    forms.MultiWidget,
)
