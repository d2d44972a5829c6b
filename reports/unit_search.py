"""The unit pickers' search: units by name or code, ignoring case and diacritics.

Forms never list every unit (there may be 20,000): their unit fields render
only the chosen units (``reports.widgets``) and the browser asks here as the
user types (``static/js/unit_picker.js``).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from reports import permissions
from reports.models import Unit
from reports.text import search_words

RESULT_LIMIT = 20


def units_matching(text: str, *, current_only: bool = False, limit: int = RESULT_LIMIT):
    """Units whose folded code, name or short name holds every word of ``text``.

    One query; at most ``limit`` units, as (id, name) dicts, closest first, then
    in the usual unit order. ``search_text`` is already folded, so a plain LIKE
    is exact on SQLite and PostgreSQL alike. An empty search finds nothing.
    """
    words = search_words(text)
    if not words:
        return []
    units = Unit.objects.all()
    if current_only:
        units = units.filter(valid_to__isnull=True)
    for word in words:
        units = units.filter(search_text__contains=word)
    # The unit whose code was typed, then those holding the words in that order
    # ("tinh doan": Tỉnh đoàn before Đảng đoàn HĐND tỉnh), then the others.
    phrase = " ".join(words)
    closeness = Case(
        When(code=phrase, then=Value(0)),
        When(search_text__contains=phrase, then=Value(1)),
        default=Value(2),
    )
    units = units.annotate(closeness=closeness)
    return list(
        units.order_by("closeness", "display_order", "name", "pk").values("id", "name")[:limit]
    )


def can_search_units(user) -> bool:
    """The people who may open the register: anyone with a role or a unit."""
    return permissions.sees_all_units(user) or permissions.is_unit_staff(user)


@login_required
@require_GET
def unit_search(request: HttpRequest) -> JsonResponse:
    """``{"results": [{"id": …, "text": name}, …]}`` for ``?q=``; ``current=1``: units
    still in existence only (what the directive and meeting forms accept)."""
    if not can_search_units(request.user):
        raise PermissionDenied
    units = units_matching(request.GET.get("q", ""), current_only=request.GET.get("current") == "1")
    return JsonResponse({"results": [{"id": u["id"], "text": u["name"]} for u in units]})
