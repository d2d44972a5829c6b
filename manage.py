#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def development_defaults(root: Path = ROOT) -> None:
    """A checkout where nothing is configured (no .env, no SECRET_KEY in the environment)
    runs its commands as a developer's machine: with .env.example's values (DEBUG=1), as
    a copied .env would. A configured site has a SECRET_KEY and is left as it is, and the
    web server (danvan/wsgi.py) never does this: a site without its secrets still
    refuses to start (danvan/settings.py)."""
    if os.getenv("SECRET_KEY") or (root / ".env").exists():
        return
    from dotenv import load_dotenv

    load_dotenv(root / ".env.example", override=False)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "danvan.settings")
    development_defaults()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
