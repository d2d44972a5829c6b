"""``manage.py load_demo [--password PW]``: the demo data of sampledata/demo.py.

It lives in the project app because the demo builds both apps' data, and
``reports`` must not import ``directives``.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sampledata.demo import DEFAULT_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the Quảng Ninh briefing of 14/03/2024 from the seed article, labelled sample "
        "quarters around it up to today's, through the 2025 reorganisation, and one demo "
        "account per role. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of the demo accounts created now (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password: str, **options):
        if not password:
            raise CommandError(_("The password cannot be empty."))
        accounts = demo_load(password=password)

        created = sum(account.created for account in accounts)
        width = max(len(account.username) for account in accounts)
        self.stdout.write(
            _("Demo data loaded: %(new)d new accounts, %(old)d already there.")
            % {"new": created, "old": len(accounts) - created}
        )
        self.stdout.write("")
        header = f"{_('Username'):<{width}}  {_('Name'):<32}  {_('Role'):<24}  {_('Unit')}"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for account in accounts:
            self.stdout.write(
                f"{account.username:<{width}}  {account.full_name:<32}  "
                f"{account.role:<24}  {account.unit}"
            )
        self.stdout.write("")
        self.stdout.write(_("Password: %(password)s") % {"password": password})
        if created < len(accounts):
            self.stdout.write(
                _("Accounts that already existed keep the password they had; it was not changed.")
            )
