"""Two saves of the same version at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from reports import services
from reports.models import UnitReport
from tests import factories as f


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_of_one_version_never_both_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    unit = f.UnitFactory()
    users = [f.member(unit), f.member(unit, role="head")]
    report = f.UnitReportFactory(unit=unit)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(user, text):
        from django.db import connections

        try:
            barrier.wait()
            services.report_save_draft(
                report=report, user=user, data={"results": text}, values={}, expected_version=1
            )
            outcomes.append("saved")
        except services.ConcurrentEditError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(user, f"Bản {n}")) for n, user in enumerate(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "saved"]
    assert UnitReport.objects.get().version == 2
