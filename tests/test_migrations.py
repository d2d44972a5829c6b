"""The tests run on a database made from the models (tests/conftest.py), not by the
migrations: these prove it is the same database.

``makemigrations --check`` here says the migrations make exactly the models' tables;
tests/security/test_backup.py::test_the_commands_move_a_site_into_a_fresh_database
runs ``migrate`` on an empty database and compares it with the tests' one, table by
table, column by column and row count by row count.
"""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db  # makemigrations reads which migrations the database has applied
def test_the_models_need_no_new_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, stdout=out)
    except SystemExit:
        pytest.fail(f"The models differ from what the migrations make:\n{out.getvalue()}")
