"""Reorganisations in the admin: the wizard that carries one out (its add page) and
the record of each, read-only: a reorganisation is history, never edited or deleted.

The wizard: step 1 the kind, step 2 its form (``structure.forms``), step 3 the
preview, the operation run and rolled back. Confirming sends back the form's values
signed at the preview; they are checked again as if typed, and the operation runs
only if it still does what the preview showed (else the new preview is shown).
"""

import hashlib
import json
from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.admin import FoldedSearchMixin
from common.types import StrOrPromise
from reports.admin import FormerNameInline, ReadOnlyInline, UnitLinkInline
from reports.models import Reorganisation, ReorganisationKind
from structure.forms import FORMS, ReorganisationForm
from structure.models import Handover
from structure.permissions import can_reorganise
from structure.services import Outcome

STATE_SALT = "structure.wizard.state"
# Rows of one kind of handover listed on the preview; the count is always complete.
PREVIEW_ROWS = 200
KIND_HELP = {
    ReorganisationKind.MERGE: _(
        "Two or more units become one, an existing unit or a new one, which takes over "
        "their open work."
    ),
    ReorganisationKind.SPLIT: _(
        "One unit becomes several: each gets its share of the figures, and you say which "
        "takes each open assignment."
    ),
    ReorganisationKind.RENAME: _(
        "The unit gets a new name; documents dated before the change keep the old one."
    ),
    ReorganisationKind.MOVE: _("The unit, with the units under it, goes under another parent."),
    ReorganisationKind.DISSOLVE: _(
        "The unit ends with no successor: only when it has no open work left."
    ),
}


@dataclass
class PreviewTable:
    """A table of the preview (``_preview_table.html``): ``more`` rows left out."""

    caption: str
    headers: list[str]
    rows: list[list[str]]
    more: int = 0
    anchor: str = ""


def _day(day) -> str:
    return f"{day:%d/%m/%Y}"


def preview_tables(outcome: Outcome) -> list[PreviewTable]:
    """What the preview lists: the units that end, the new ones, whose work and figures
    go where, then each kind of handover (its first ``PREVIEW_ROWS`` rows)."""
    tables = []
    if ended := outcome.ended_units:
        tables.append(
            PreviewTable(
                ngettext("Unit that ends (%(counter)s)", "Units that end (%(counter)s)", len(ended))
                % {"counter": len(ended)},
                [gettext("Unit"), gettext("Last day"), gettext("Successor")],
                [
                    [
                        f"{unit.name} ({unit.code})",
                        _day(unit.valid_to),
                        unit.successor.name
                        if unit.successor
                        else gettext("none: the unit is dissolved"),
                    ]
                    for unit in ended
                ],
            )
        )
    if created := outcome.created_units:
        tables.append(
            PreviewTable(
                ngettext("New unit (%(counter)s)", "New units (%(counter)s)", len(created))
                % {"counter": len(created)},
                [
                    gettext("Unit"),
                    gettext("Kind"),
                    gettext("Level"),
                    gettext("Parent unit"),
                    gettext("First day"),
                ],
                [
                    [
                        f"{unit.name} ({unit.code})",
                        unit.get_kind_display(),
                        unit.get_level_display(),
                        unit.parent.name if unit.parent else "—",
                        _day(unit.valid_from),
                    ]
                    for unit in created
                ],
            )
        )
    if outcome.links:
        tables.append(
            PreviewTable(
                gettext("Whose work and figures go where"),
                [gettext("From"), gettext("To"), gettext("Share of the figures")],
                [
                    [
                        link.predecessor.name,
                        link.successor.name,
                        link.share_percent,
                    ]
                    for link in outcome.links
                ],
            )
        )
    return tables


def handover_groups(outcome: Outcome) -> list[tuple[StrOrPromise, list[Handover], int, int]]:
    """Each kind of handover: its label, its first ``PREVIEW_ROWS`` rows, its full
    count and how many rows are left out."""
    return [
        (item.label, rows[:PREVIEW_ROWS], len(rows), max(len(rows) - PREVIEW_ROWS, 0))
        for item, rows in outcome.grouped()
    ]


def handover_table(
    number: int, label: StrOrPromise, rows: list[Handover], count: int, more: int
) -> PreviewTable:
    """The preview's table of a kind of handover (``handover-<number>`` in the page)."""
    return PreviewTable(
        f"{label} ({count})",
        [gettext("What"), gettext("From"), gettext("To")],
        [[row.description, row.from_unit.name, row.to_unit.name] for row in rows],
        more=more,
        anchor=f"handover-{number}",
    )


class _Changed(Exception):
    """The operation no longer does what the preview showed (raised to roll it back)."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome


def what_it_does(outcome: Outcome) -> str:
    """A digest of everything the operation does, to compare a run with its preview
    (codes rather than ids: a new unit's id differs from one run to the next)."""
    facts = {
        "summary": outcome.reorganisation.summary,
        "ended": [u.code for u in outcome.ended_units],
        "created": [u.code for u in outcome.created_units],
        "links": sorted(
            (k.predecessor.code, k.successor.code, str(k.share)) for k in outcome.links
        ),
        "handovers": sorted(
            (h.item, h.from_unit.code, h.to_unit.code, h.description) for h in outcome.handovers
        ),
        "memberships_left": sorted(
            (m.unit.code, m.user.get_username(), m.role) for m in outcome.memberships_left
        ),
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


def _posted_values(data) -> dict[str, list[str]]:
    skip = {"csrfmiddlewaretoken", "state", "_preview", "_refresh", "_confirm", "_back"}
    return {key: data.getlist(key) for key in data if key not in skip}


class CurrentUnitsView(AutocompleteJsonView):
    """The wizard's unit pickers: the unit admin's search, among units not yet ended
    (an ended unit takes part in no further reorganisation)."""

    def get_queryset(self):
        return super().get_queryset().filter(valid_to__isnull=True)


class LinkInline(UnitLinkInline):
    fk_name = "reorganisation"
    fields = readonly_fields = ("predecessor", "successor", "share_percent")


class RenamingInline(FormerNameInline):
    fk_name = "reorganisation"
    fields = readonly_fields = ("unit", "name", "short_name", "used_until")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("unit")


class HandoverInline(ReadOnlyInline):
    model = Handover
    fields = readonly_fields = ("item", "description", "from_unit", "to_unit", "object_id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_unit", "to_unit")


@admin.register(Reorganisation)
class ReorganisationAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = [
        "effective_on",
        "kind_label",
        "summary",
        "decision_number",
        "decision_date",
        "recorded_by",
        "recorded_at",
    ]
    list_display_links = ["effective_on", "kind_label"]
    list_filter = ["kind"]
    list_select_related = ["recorded_by"]
    search_fields = [
        "decision_number",
        "summary",
        "links__predecessor__search_text",
        "links__successor__search_text",
        "former_names__unit__search_text",
    ]
    fields = readonly_fields = (
        "kind_label",
        "summary",
        "effective_on",
        "decision_number",
        "decision_date",
        "recorded_by",
        "recorded_at",
    )
    inlines = [LinkInline, RenamingInline, HandoverInline]

    class Media:
        css = {"all": ["css/reorganisation.css"]}

    def get_inlines(self, request, obj):
        """A renaming has former names; a move changes only a parent; the others link
        units and hand work over."""
        if obj is None:
            return []
        if obj.kind == ReorganisationKind.RENAME:
            return [RenamingInline]
        if obj.kind == ReorganisationKind.MOVE:
            return []
        return [LinkInline, HandoverInline]

    @admin.display(description=_("kind of reorganisation"), ordering="kind")
    def kind_label(self, obj: Reorganisation) -> str:
        return obj.get_kind_display()

    def has_add_permission(self, request):
        return can_reorganise(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # --- The wizard -------------------------------------------------------------------

    def get_urls(self):
        units = path(
            "units/",
            self.admin_site.admin_view(self.units_view),
            name="reports_reorganisation_units",
        )
        return [units, *super().get_urls()]

    def units_view(self, request):
        if not can_reorganise(request.user):
            raise PermissionDenied
        return CurrentUnitsView.as_view(admin_site=self.admin_site)(request)

    def add_view(self, request, *args, **kwargs):
        if not can_reorganise(request.user):
            raise PermissionDenied
        form_class = FORMS.get(request.GET.get("kind", ""))
        if form_class is None:
            return self._kinds_page(request)
        if request.method != "POST":
            return self._form_page(request, form_class())
        if "state" in request.POST:
            return self._confirmed(request, form_class)
        form = form_class(request.POST)
        if "_refresh" in request.POST:
            return self._form_page(request, form, show_errors=False)
        if not form.is_valid():
            return self._form_page(request, form)
        try:
            outcome = form.carry_out(user=request.user, dry_run=True)
        except ValidationError as refused:
            form.add_error(None, refused)
            return self._form_page(request, form)
        return self._preview_page(request, form, outcome)

    def _confirmed(self, request, form_class: type[ReorganisationForm]):
        """Step 3's buttons: back to the form, or carry out what the preview showed."""
        signed = self._signed_state(request, form_class.kind)
        if signed is None:
            return self._form_page(
                request,
                form_class(),
                refusal=gettext(
                    "The preview could not be read back: it was changed, or made for "
                    "another user. Fill in the form again."
                ),
                status=400,
            )
        data, previewed = signed
        form = form_class(data)
        if "_back" in request.POST or not form.is_valid():
            return self._form_page(request, form)
        try:
            with transaction.atomic():
                outcome = form.carry_out(user=request.user, dry_run=False)
                if what_it_does(outcome) != previewed:
                    raise _Changed(outcome)
        except ValidationError as refused:
            form.add_error(None, refused)
            return self._form_page(request, form)
        except _Changed as changed:
            messages.warning(
                request,
                gettext(
                    "Something changed since the preview: this is what the reorganisation "
                    "would do now. Check it and confirm again."
                ),
            )
            return self._preview_page(request, form, changed.outcome)
        record = outcome.reorganisation
        messages.success(
            request, gettext("Reorganisation recorded: %(summary)s") % {"summary": record.summary}
        )
        for warning in outcome.warnings:
            messages.warning(request, warning)
        return HttpResponseRedirect(
            reverse("admin:reports_reorganisation_change", args=[record.pk])
        )

    def _signed_state(self, request, kind: str) -> tuple[QueryDict, str] | None:
        """The form's values and the digest of what it did, as signed at the preview for
        this user and kind; None when the signature does not hold."""
        try:
            state = signing.loads(request.POST.get("state", ""), salt=STATE_SALT)
        except signing.BadSignature:
            return None
        if state.get("kind") != kind or state.get("user") != request.user.pk:
            return None
        data = QueryDict(mutable=True)
        for key, values in state["values"].items():
            data.setlist(key, values)
        return data, state["does"]

    # --- Pages ------------------------------------------------------------------------

    def _context(self, request, title, **context):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "media": self.media,
            **context,
        }

    def _kinds_page(self, request):
        kinds = [
            (kind, label, KIND_HELP[ReorganisationKind(kind)])
            for kind, label in ReorganisationKind.choices
        ]
        context = self._context(request, gettext("Reorganise"), kinds=kinds)
        return TemplateResponse(request, "admin/structure/wizard_kind.html", context)

    def _form_page(
        self,
        request,
        form: ReorganisationForm,
        *,
        show_errors: bool = True,
        refusal: str = "",
        status: int = 200,
    ):
        kind = ReorganisationKind(form.kind)
        context = self._context(
            request,
            gettext("Reorganise: %(kind)s") % {"kind": kind.label},
            form=form,
            kind=kind,
            kind_help=KIND_HELP[kind],
            show_errors=show_errors,
            refusal=refusal,
            media=self.media + form.media,
        )
        return TemplateResponse(request, "admin/structure/wizard_form.html", context, status=status)

    def _preview_page(self, request, form: ReorganisationForm, outcome: Outcome):
        state = signing.dumps(
            {
                "kind": form.kind,
                "user": request.user.pk,
                "values": _posted_values(form.data),
                "does": what_it_does(outcome),
            },
            salt=STATE_SALT,
            compress=True,
        )
        kind = ReorganisationKind(form.kind)
        groups = handover_groups(outcome)
        context = self._context(
            request,
            gettext("Reorganise: %(kind)s — preview") % {"kind": kind.label},
            kind=kind,
            outcome=outcome,
            tables=preview_tables(outcome),
            groups=groups,
            handover_tables=[
                handover_table(number, *group) for number, group in enumerate(groups, start=1)
            ],
            state=state,
        )
        return TemplateResponse(request, "admin/structure/wizard_preview.html", context)
