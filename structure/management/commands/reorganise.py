"""Carry out a reorganisation from the command line, as the admin's wizard does.

    manage.py reorganise merge --units bcsd-ubnd,dd-hdnd --new-code dd-cq \\
        --new-name "Đảng ủy HĐND và UBND tỉnh" --new-kind government \\
        --on 01/07/2025 --decision "123-QĐ/TU" --decision-date 20/06/2025 --dry-run
    manage.py reorganise split --unit dd-hdnd --new-part "a=60=Đơn vị A=government" \\
        --part mttq=40 --assign-all-to 1 --assign 17=2 --assign 18=1,2 ...
    manage.py reorganise rename --unit bdv --name "…" --short-name "…" ...
    manage.py reorganise move --unit hnd --parent "" ...      (empty: at the top)
    manage.py reorganise dissolve --unit old ...

Successors of a split are numbered from 1 in the order given. The values go through
the wizard's forms (``structure.forms``) and the operation through
``structure.services``: the same checks, the same refusals (every one listed), the
same handovers, printed in the site's language.
"""

import argparse
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from reports.models import Unit
from structure.forms import EXISTING, FORMS, MAX_PARTS, NEW, ReorganisationForm
from structure.services import Outcome


class _InOrder(argparse.Action):
    """Appends ``(const, value)`` to one list, so --part and --new-part keep their order."""

    def __call__(self, parser, namespace, values, _option_string=None):
        items = list(getattr(namespace, self.dest, None) or [])
        items.append((self.const, values))
        setattr(namespace, self.dest, items)


def _refusal(reasons: list[str]) -> str:
    return "\n".join([_("Refused:"), *(f"  - {reason}" for reason in reasons)])


def _decision_options(parser) -> None:
    parser.add_argument("--on", required=True, help="Effective day: 01/07/2025 or 2025-07-01.")
    parser.add_argument("--decision", required=True, metavar="NUMBER", help="Decision number.")
    parser.add_argument("--decision-date", required=True, help="Date of the decision.")
    parser.add_argument("--by", metavar="USERNAME", help="Whom the history names as the author.")
    parser.add_argument(
        "--dry-run", action="store_true", help="Show what it would do; write nothing."
    )


class Command(BaseCommand):
    help = "Merge, split, rename, move or dissolve units, handing over their open work."

    def add_arguments(self, parser):
        operations = parser.add_subparsers(dest="operation", required=True, metavar="OPERATION")

        merge = operations.add_parser(
            "merge", help="Merge units (N→1) into an existing or new one."
        )
        merge.add_argument("--units", required=True, metavar="CODE,CODE", help="Units that merge.")
        merge.add_argument("--into", metavar="CODE", help="An existing successor.")
        merge.add_argument("--new-code", help="Or a new successor: its code,")
        merge.add_argument("--new-name", help="its name,")
        merge.add_argument("--new-short-name", default="", help="its short name,")
        merge.add_argument("--new-kind", help="its kind (e.g. government),")
        merge.add_argument("--new-level", default="province", help="its level (province),")
        merge.add_argument("--new-parent", default="", metavar="CODE", help="its parent unit.")
        merge.add_argument(
            "--move-memberships", action="store_true", help="Move the staff to the successor."
        )

        split = operations.add_parser("split", help="Split a unit (1→N).")
        split.add_argument("--unit", required=True, metavar="CODE")
        split.add_argument(
            "--part",
            dest="parts",
            action=_InOrder,
            const=EXISTING,
            metavar="CODE=SHARE",
            help="An existing successor and its share of the figures in %%.",
        )
        split.add_argument(
            "--new-part",
            dest="parts",
            action=_InOrder,
            const=NEW,
            metavar="CODE=SHARE=NAME=KIND",
            help="A new successor: its code, share in %%, name and kind.",
        )
        split.add_argument(
            "--assign",
            action="append",
            default=[],
            metavar="ASSIGNMENT_ID=N[,N]",
            help="Successor N takes the assignment over; the others listed get a part.",
        )
        split.add_argument("--assign-all-to", metavar="N", help="Successor taking the rest.")
        split.add_argument("--memberships-to", metavar="N", help="Successor taking the staff.")

        rename = operations.add_parser("rename", help="Give a unit a new name.")
        rename.add_argument("--unit", required=True, metavar="CODE")
        rename.add_argument("--name", required=True)
        rename.add_argument("--short-name", default="")

        move = operations.add_parser("move", help="Place a unit under another parent.")
        move.add_argument("--unit", required=True, metavar="CODE")
        move.add_argument("--parent", required=True, metavar="CODE", help='"" for the top.')

        dissolve = operations.add_parser("dissolve", help="End a unit with no successor.")
        dissolve.add_argument("--unit", required=True, metavar="CODE")

        for operation in (merge, split, rename, move, dissolve):
            _decision_options(operation)

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            self.problems: list[str] = []
            user = self._user(options["by"])
            operation_values = {
                "merge": self._merge_values,
                "split": self._split_values,
                "rename": self._rename_values,
                "move": self._move_values,
                "dissolve": self._dissolve_values,
            }[options["operation"]]
            values = {
                "effective_on": options["on"],
                "decision_number": options["decision"],
                "decision_date": options["decision_date"],
                **operation_values(options),
            }
            self._stop_if_problems()
            form = FORMS[options["operation"]](values)
            self._check_assignments(form, options)
            if not form.is_valid():
                self.problems += self._form_errors(form)
            self._stop_if_problems()
            try:
                outcome = form.carry_out(user=user, dry_run=options["dry_run"])
            except ValidationError as refused:
                raise CommandError(_refusal(refused.messages)) from None
            self._print(outcome)

    # --- From options to the form's values ---------------------------------------------

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            self.problems.append(_("No user is called “%(name)s”.") % {"name": username})
        return user

    def _pk(self, code: str) -> str:
        """The id of the unit with ``code`` ("" for none), noting an unknown code."""
        if not code:
            return ""
        pk = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
        if pk is None:
            self.problems.append(_("No unit has the code “%(code)s”.") % {"code": code})
            return ""
        return str(pk)

    def _merge_values(self, options) -> dict[str, Any]:
        codes = [code.strip() for code in options["units"].split(",") if code.strip()]
        values: dict[str, Any] = {
            "units": [self._pk(code) for code in codes],
            "successor": EXISTING if options["into"] else NEW,
            "into": self._pk(options["into"] or ""),
            "new_code": options["new_code"] or "",
            "new_name": options["new_name"] or "",
            "new_short_name": options["new_short_name"],
            "new_kind": options["new_kind"] or "",
            "new_level": options["new_level"],
            "new_parent": self._pk(options["new_parent"]),
        }
        if options["move_memberships"]:
            values["move_memberships"] = "on"
        return values

    def _split_values(self, options) -> dict[str, Any]:
        values: dict[str, Any] = {
            "unit": self._pk(options["unit"]),
            "assign_all_to": options["assign_all_to"] or "",
            "memberships_to": options["memberships_to"] or "",
        }
        parts = options["parts"] or []
        if len(parts) > MAX_PARTS:
            self.problems.append(_("At most %(count)d successors.") % {"count": MAX_PARTS})
        for number, (kind, text) in enumerate(parts[:MAX_PARTS], start=1):
            values.update(self._part_values(number, kind, text))
        for text in options["assign"]:
            assignment, _sep, numbers = text.partition("=")
            first, *others = numbers.split(",")
            values[f"a{assignment.strip()}_to"] = first.strip()
            values[f"a{assignment.strip()}_also"] = [n.strip() for n in others]
        return values

    def _part_values(self, number: int, kind: str, text: str) -> dict[str, str]:
        prefix = f"part{number}_"
        if kind == EXISTING:
            code, sep, share = text.partition("=")
            if not sep:
                self.problems.append(_("--part takes CODE=SHARE, not “%(text)s”.") % {"text": text})
            return {prefix + "unit": self._pk(code.strip()), prefix + "share": share.strip()}
        code, _sep, rest = text.partition("=")
        share, _sep, rest = rest.partition("=")
        name, sep, unit_kind = rest.rpartition("=")
        if not sep:
            self.problems.append(
                _("--new-part takes CODE=SHARE=NAME=KIND, not “%(text)s”.") % {"text": text}
            )
        return {
            prefix + "code": code.strip(),
            prefix + "share": share.strip(),
            prefix + "name": name.strip(),
            prefix + "kind": unit_kind.strip(),
        }

    def _rename_values(self, options) -> dict[str, Any]:
        return {
            "unit": self._pk(options["unit"]),
            "name": options["name"],
            "short_name": options["short_name"],
        }

    def _move_values(self, options) -> dict[str, Any]:
        return {"unit": self._pk(options["unit"]), "parent": self._pk(options["parent"].strip())}

    def _dissolve_values(self, options) -> dict[str, Any]:
        return {"unit": self._pk(options["unit"])}

    def _check_assignments(self, form: ReorganisationForm, options) -> None:
        """Every --assign names an open assignment of the unit that splits."""
        for text in options.get("assign") or []:
            assignment = text.partition("=")[0].strip()
            if f"a{assignment}_to" not in form.fields:
                self.problems.append(
                    _("Assignment %(id)s is not an open assignment of the unit that splits.")
                    % {"id": assignment}
                )

    @staticmethod
    def _form_errors(form: ReorganisationForm) -> list[str]:
        lines = []
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            lines += [f"{label}: {error}" if label else str(error) for error in errors]
        return lines

    def _stop_if_problems(self) -> None:
        if self.problems:
            raise CommandError(_refusal(self.problems))

    # --- What it did -------------------------------------------------------------------

    def _print(self, outcome: Outcome) -> None:
        record = outcome.reorganisation
        heading = _("Preview, nothing written") if outcome.dry_run else _("Recorded")
        write = self.stdout.write
        write(f"{heading}: {record.summary}")
        write(
            _("Effective from %(day)s; decision %(number)s of %(date)s.")
            % {
                "day": f"{record.effective_on:%d/%m/%Y}",
                "number": record.decision_number,
                "date": f"{record.decision_date:%d/%m/%Y}",
            }
        )
        if outcome.ended_units:
            write(_("Units that end:"))
            for unit in outcome.ended_units:
                successor = unit.successor.name if unit.successor else _("no successor")
                write(f"  - {unit.name} ({unit.code}): {unit.valid_to:%d/%m/%Y} → {successor}")
        if outcome.created_units:
            write(_("New units:"))
            for unit in outcome.created_units:
                write(f"  - {unit.name} ({unit.code}), {unit.get_kind_display()}")
        if outcome.links:
            write(_("Whose work and figures go where:"))
            for link in outcome.links:
                write(f"  - {link.predecessor.name} → {link.successor.name}: {link.share_percent}")
        for warning in outcome.warnings:
            write(self.style.WARNING(f"! {warning}"))
        if not outcome.handovers:
            write(_("Nothing open to hand over."))
        for item, rows in outcome.grouped():
            write(f"{item.label} ({len(rows)}):")
            for handover in rows:
                write(
                    f"  - {handover.description}: "
                    f"{handover.from_unit.name} → {handover.to_unit.name}"
                )
