"""The sentence of each kind of notification, in the active language.

A notification's ``params`` hold the names as they were at the event (a unit
renamed later keeps its old name in what it was told then) and the numbers; the
sentence is put together when it is read, so it follows the reader's language.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.documents.docx import ROMAN_NUMERALS
from common.text import one_line
from notifications.models import Kind

CONFIDENTIAL = _("a confidential directive (read it in the app)")
TITLES = {
    Kind.REPORT_SUBMITTED: _("%(unit)s submitted its %(quarter)s report"),
    Kind.REPORT_RETURNED: _("The %(quarter)s report of %(unit)s was returned to the unit"),
    Kind.REPORT_ACCEPTED: _("The %(quarter)s report of %(unit)s was accepted"),
    Kind.REPORT_REOPENED: _("The %(quarter)s report of %(unit)s was reopened"),
    Kind.REPORT_DUE: _("Reminder: the %(quarter)s report of %(unit)s is due on %(due)s"),
    Kind.REPORT_LATE: _("Overdue: the %(quarter)s report of %(unit)s was due on %(due)s"),
    Kind.FOLLOW_UP: _(
        "A value of the %(quarter)s report of %(unit)s is marked for follow-up: %(indicator)s"
    ),
    Kind.DIRECTIVE_ASSIGNED: _("A directive for %(unit)s: %(directive)s"),
    Kind.DIRECTIVE_CHANGED: _("A directive of %(unit)s was changed: %(directive)s"),
    Kind.DIRECTIVE_DUE: _("Due on %(due)s for %(unit)s: %(directive)s"),
    Kind.DIRECTIVE_OVERDUE: _("Overdue since %(due)s for %(unit)s: %(directive)s"),
}
DECIDED = {
    (Kind.DEADLINE_DECIDED, True): _("The deadline of %(unit)s moves to %(due)s: %(directive)s"),
    (Kind.DEADLINE_DECIDED, False): _(
        "The deadline request of %(unit)s was refused: %(directive)s"
    ),
    (Kind.CLAIM_DECIDED, True): _("Done, as %(unit)s reported: %(directive)s"),
    (Kind.CLAIM_DECIDED, False): _("Not confirmed as done for %(unit)s: %(directive)s"),
}
# What changed on a unit's directive, as its notification says it.
CHANGES = {
    "title": _("its title"),
    "text": _("its text"),
    "due_date": _("its deadline (%(due)s)"),
    "confidentiality": _("its confidentiality"),
    "is_priority": _("its priority"),
    "role": _("the unit's part (%(role)s)"),
}


def quarter_params(quarter) -> dict[str, int]:
    """A quarter as a notification keeps it: named in the reader's language."""
    return {"quarter_year": quarter.year, "quarter_number": quarter.number}


def _quarter_label(params: dict) -> str:
    return _("Q%(roman)s/%(year)s") % {
        "roman": ROMAN_NUMERALS[int(params["quarter_number"]) - 1],
        "year": params["quarter_year"],
    }


def title(kind: str, params: dict, *, in_mail: bool = False) -> str:
    """The notification's sentence, on one line (it is a mail's subject too). In a
    mail, a confidential directive is not named: it is read in the app."""
    values = {name: one_line(str(value)) for name, value in params.items()}
    if in_mail and params.get("confidential"):
        values["directive"] = str(CONFIDENTIAL)
    if "quarter_number" in params:
        values["quarter"] = _quarter_label(params)
    if kind == Kind.PROGRESS_MISSING:
        count = int(params.get("count", 0))
        text = ngettext(
            "%(unit)s has not reported progress on %(count)d directive before the "
            "briefing of %(day)s",
            "%(unit)s has not reported progress on %(count)d directives before the "
            "briefing of %(day)s",
            count,
        ) % {**values, "count": count}
    elif (decided := (Kind(kind), bool(params.get("approved")))) in DECIDED:
        text = DECIDED[decided] % values
    elif kind == Kind.DIRECTIVE_CHANGED and params.get("removed"):
        text = _("%(unit)s no longer has this directive: %(directive)s") % values
    elif kind == Kind.DIRECTIVE_CHANGED and params.get("changed"):
        what = ", ".join(
            str(CHANGES[name]) % values for name in params["changed"] if name in CHANGES
        )
        text = _("A directive of %(unit)s was changed (%(what)s): %(directive)s") % {
            **values,
            "what": what,
        }
    else:
        text = TITLES[Kind(kind)] % values
    return one_line(text)
