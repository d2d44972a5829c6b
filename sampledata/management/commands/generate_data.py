"""``manage.py generate_data``: synthetic national-scale data (sampledata/synthetic.py).

For load tests and benchmarks, never for production: every generated row is
marked ("gen-" codes and user names, "GEN_" indicators, "[Sinh tự động]" in
names and texts). It refuses to run into a database that already holds
generated data unless ``--replace`` is given, which deletes that data first.
"""

import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sampledata.synthetic import GeneratedDataExists, Plan, generate, generated_delete


def _positive(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Generate synthetic national-scale data (the centre, provinces with their units and a "
        "reorganisation, reports, values, meetings, directives), marked “[Sinh tự động]”, "
        "reproducible with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces", type=_positive, default=34, help="Provinces (default 34)."
        )
        parser.add_argument(
            "--communes",
            type=_positive,
            default=100,
            help="Commune-level units per province (default 100).",
        )
        parser.add_argument(
            "--units",
            type=_positive,
            default=None,
            help="Units in all, instead of --communes: the provinces share them.",
        )
        parser.add_argument(
            "--years", type=_positive, default=None, help="Years of quarters (4 quarters each)."
        )
        parser.add_argument(
            "--quarters", type=_positive, default=None, help="Quarters (default 8; see --years)."
        )
        parser.add_argument("--indicators", type=_positive, default=40, help="Indicators.")
        parser.add_argument(
            "--directives",
            type=_positive,
            default=6,
            help="Directives per province and quarter (default 6).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--end",
            default="",
            help="The last (open) quarter, like 2026-q4 (default: today's quarter).",
        )
        parser.add_argument(
            "--password", default="danvan2024", help="Password of the generated accounts."
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete previously generated data first."
        )
        parser.add_argument(
            "--delete", action="store_true", help="Only delete previously generated data."
        )

    def handle(self, *args, **options):
        if options["delete"]:
            counts = generated_delete()
            self.stdout.write(_("Deleted %(n)d generated rows.") % {"n": sum(counts.values())})
            return
        end = None
        if options["end"]:
            match = re.fullmatch(r"(\d{4})-q([1-4])", options["end"])
            if match is None:
                raise CommandError(_("--end must be a quarter like 2026-q4."))
            end = (int(match[1]), int(match[2]))
        quarters = options["quarters"]
        if quarters is None:
            quarters = options["years"] * 4 if options["years"] else 8
        if quarters < 1 or options["provinces"] < 1 or options["units"] == 0:
            raise CommandError(_("Give at least one province, one unit and one quarter."))
        plan = Plan(
            provinces=options["provinces"],
            communes=options["communes"],
            units=options["units"],
            quarters=quarters,
            indicators=options["indicators"],
            directives=options["directives"],
            seed=options["seed"],
            end=end,
            password=options["password"],
        )
        try:
            result = generate(plan=plan, replace=options["replace"], log=self.stdout.write)
        except GeneratedDataExists:
            raise CommandError(
                _(
                    "This database already holds generated data. Run again with --replace to "
                    "delete it and generate anew, or with --delete to remove it."
                )
            ) from None
        for name, count in result.counts.items():
            self.stdout.write(f"{name:>18}: {count:,}")
        self.stdout.write(
            _("Generated in %(seconds).1f s.") % {"seconds": result.seconds}
            + " "
            + _(
                "Accounts: gen-reviewer and gen-leader (the centre), gen-<province>-reviewer "
                "and gen-<province>-leader (gen-001-reviewer…), <unit code>-head; "
                "password: %(password)s"
            )
            % {"password": plan.password}
        )
