"""Who issues a document, as things stood on the document's date (docs/DOCUMENTS.md).

One document has one issuer throughout: the header's two lines, the symbol in its
number, the place in its date line, the signature and the "Nơi nhận" all come from
the issuing unit and its ``DocumentIssuer`` details valid on the document's date.
"""

import datetime

from django.db.models import QuerySet, prefetch_related_objects

from common.documents.docx import Issuer
from reports.models import DocumentIssuer, Unit, UnitKind
from reports.permissions import Scope

UNDECLARED = Issuer(
    superior="",
    name="",
    symbol="",
    place="",
    signer_lines=(),
    signer_name="",
    recipients=(),
    author="",
)


def details_on(unit: Unit, day: datetime.date) -> DocumentIssuer | None:
    """The unit's issuer details for documents dated ``day``: the latest from before it."""
    return (
        DocumentIssuer.objects.filter(unit=unit, valid_from__lte=day)
        .order_by("-valid_from")
        .first()
    )


def _line(text: str) -> str:
    """A value printed on one line: a line break pasted into it (Word's Shift+Enter) is
    a space there."""
    return " ".join(text.split())


def _recipient_lines(recipients: str, kept_by: str) -> tuple[str, ...]:
    """ "- X," a line, and "- Lưu Y." last (Party style: a comma after each, a full stop
    after the last; no colon after "Lưu")."""
    lines = [_line(line).lstrip("-–• ").rstrip(",;.").strip() for line in recipients.splitlines()]
    listed = [f"- {line}," for line in lines if line]
    if kept_by.strip():
        listed.append(f"- Lưu {_line(kept_by).rstrip('.')}.")
    return tuple(listed)


def header_name(unit: Unit, day: datetime.date) -> str:
    """The unit's name on ``day`` without its committee's short name ("Ban Dân vận
    Tỉnh ủy" under "Tỉnh ủy Quảng Ninh" is "Ban Dân vận"): the line above says it."""
    name = unit.name_on(day)
    if unit.parent is not None:
        name = name.removesuffix(f" {unit.parent.label_on(day)}")
    return name


def issuer_on(unit: Unit | None, day: datetime.date) -> Issuer:
    """``unit`` as the issuer of a document dated ``day``; ``UNDECLARED`` for no unit.

    Without details kept for the date, the header still names the unit and its parent,
    and the rest is left blank for the clerk."""
    if unit is None:
        return UNDECLARED
    # Both names on the date in one query (none if already read, as issuing_commission does).
    prefetch_related_objects([u for u in (unit, unit.parent) if u is not None], "former_names")
    details = details_on(unit, day)
    parent_name = unit.parent.name_on(day) if unit.parent is not None else ""
    superior = _line(details.superior if details and details.superior else parent_name).upper()
    name = _line(details.header_name if details and details.header_name else header_name(unit, day))
    if details is None:
        return Issuer(
            superior=superior,
            name=name.upper(),
            symbol="",
            place="",
            signer_lines=(),
            signer_name="",
            recipients=(),
            author=unit.name_on(day),
        )
    capacity = (
        (_line(f"{details.signer_capacity} {details.signer_for}").upper(),)
        if details.signer_capacity
        else ()
    )
    return Issuer(
        superior=superior,
        name=name.upper(),
        symbol=details.symbol,
        place=_line(details.place),
        signer_lines=(*capacity, _line(details.signer_title).upper()),
        signer_name=_line(details.signer_name),
        recipients=_recipient_lines(details.recipients, details.kept_by),
        author=unit.name_on(day),
    )


def issuing_commission(scope: Scope) -> Unit | None:
    """The mass mobilization commission that issues the scope's consolidated report: the
    one directly under the top of the scope's tree (for unit staff, of their units'
    tree). None when there is not exactly one (the whole country)."""
    commissions: QuerySet[Unit] = Unit.objects.filter(
        kind=UnitKind.MASS_MOBILIZATION, parent__isnull=False, parent__parent__isnull=True
    )
    if scope.oversees:
        commissions = scope.filter(commissions, "id")
    elif not scope.is_everything:
        roots = Unit.objects.filter(
            id__in=Unit.objects.ancestor_ids(scope.unit_ids or ()), parent__isnull=True
        )
        commissions = commissions.filter(parent__in=roots)
    found = list(
        commissions.select_related("parent").prefetch_related(
            "former_names", "parent__former_names"
        )[:2]
    )
    return found[0] if len(found) == 1 else None
