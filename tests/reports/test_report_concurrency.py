"""Two saves of the same version at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection

from reports import services
from reports.models import ReviewEvent, UnitReport
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


@pytest.mark.django_db(transaction=True)
def test_accept_racing_return_decides_once_and_refuses_the_other_with_a_message():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    unit = f.UnitFactory()
    head = f.member(unit, role="head")
    made = f.UnitReportFactory(unit=unit)
    report = services.report_submit(report=made, user=head, expected_version=made.version)
    reviewers = [f.reviewer(), f.reviewer()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(user, action):
        from django.db import connections

        try:
            barrier.wait()
            if action == "accept":
                services.report_accept(report=report, user=user)
            else:
                services.report_return(report=report, user=user, comment="Sửa lại.")
            outcomes.append(action)
        except services.ReportLockedError as error:
            outcomes.append(f"refused: {error.message}")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(reviewers[0], "accept")),
        threading.Thread(target=decide, args=(reviewers[1], "return")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    decided = [o for o in outcomes if not o.startswith("refused")]
    assert len(decided) == 1 and len(outcomes) == 2, outcomes
    assert UnitReport.objects.get().status == ("accepted" if decided == ["accept"] else "returned")
    assert ReviewEvent.objects.count() == 1
