"""Who issues a document, as things stood on the document's date (docs/DOCUMENTS.md).

One document has one issuer throughout: the header's two lines, the symbol in its
number, the place in its date line, the signature and the "Nơi nhận" all come from
the issuing unit and its ``DocumentIssuer`` details valid on the document's date.
"""

import datetime

from django.db.models import QuerySet, prefetch_related_objects

from common.documents.docx import Issuer
from common.text import one_line
from reports.models import DocumentIssuer, DocumentStyle, Unit, UnitKind
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


def _recipient_lines(recipients: str, kept_by: str, *, party: bool) -> tuple[str, ...]:
    """ "- X," a line, and "- Lưu Y." last (Party style: a comma after each, a full stop
    after the last; no colon after "Lưu"); in the state style "- X;" and "- Lưu: VT, Y."."""
    lines = [
        one_line(line).lstrip("-–• ").rstrip(",;.").strip() for line in recipients.splitlines()
    ]
    listed = [f"- {line}{',' if party else ';'}" for line in lines if line]
    if kept_by.strip():
        kept = one_line(kept_by).rstrip(".")
        listed.append(f"- Lưu {kept}." if party else f"- Lưu: VT, {kept}.")
    return tuple(listed)


# The kinds of unit that are the Party's own bodies (a commission, a Party committee,
# the Party delegation or committee of a government body): their documents follow the
# Party's rules; the Front, the mass organisations and the armed forces the state's.
PARTY_KINDS = frozenset({UnitKind.MASS_MOBILIZATION, UnitKind.PARTY_COMMITTEE, UnitKind.GOVERNMENT})
# How the state style writes the signer's capacity (NĐ 30/2020: "TM.", "KT.", "TL.").
STATE_CAPACITY = {"T/M": "TM.", "K/T": "KT.", "T/L": "TL."}


def style_of(unit: Unit, details: DocumentIssuer | None) -> bool:
    """Whether the unit's documents follow the Party's rules (else the state's): as kept
    in its details, else by its kind (``PARTY_KINDS``)."""
    if details is not None and details.style:
        return details.style == DocumentStyle.PARTY
    return unit.kind in PARTY_KINDS


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
    # Both names on the date in one query (none if already read).
    prefetch_related_objects([u for u in (unit, unit.parent) if u is not None], "former_names")
    details = details_on(unit, day)
    party = style_of(unit, details)
    parent_name = unit.parent.name_on(day) if unit.parent is not None else ""
    superior = one_line(details.superior if details and details.superior else parent_name).upper()
    name = one_line(
        details.header_name if details and details.header_name else header_name(unit, day)
    )
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
            party=party,
        )
    written = details.signer_capacity if party else STATE_CAPACITY.get(details.signer_capacity)
    capacity = (one_line(f"{written} {details.signer_for}").upper(),) if written else ()
    return Issuer(
        superior=superior,
        name=name.upper(),
        symbol=details.symbol,
        place=one_line(details.place),
        signer_lines=(*capacity, one_line(details.signer_title).upper()),
        signer_name=one_line(details.signer_name),
        recipients=_recipient_lines(details.recipients, details.kept_by, party=party),
        author=unit.name_on(day),
        party=party,
        motto=tuple(line for line in (one_line(details.motto),) if line),
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
    found = list(commissions.select_related("parent")[:2])
    return found[0] if len(found) == 1 else None
