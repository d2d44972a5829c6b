"""``manage.py reorganise``: each kind through the same forms and services as the
wizard, the handovers printed, a dry run writing nothing, every refusal listed."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directives.models import Assignment
from reports.models import Membership, Reorganisation, Unit, UnitLink
from structure.models import Handover, HandoverItem
from tests import factories as f

pytestmark = pytest.mark.django_db

DECISION = ["--on", "01/07/2025", "--decision", "123-QĐ/TU", "--decision-date", "2025-06-20"]


def reorganise(*args: str) -> str:
    out = StringIO()
    call_command("reorganise", *args, stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Unit.objects.order_by("pk").values_list("pk", "valid_to", "successor_id", "name")),
        list(Assignment.objects.order_by("pk").values_list("pk", "unit_id")),
        list(Membership.objects.order_by("pk").values_list("pk", "unit_id")),
        Reorganisation.objects.count(),
    )


def test_a_merger_into_a_new_unit_is_recorded_and_printed(government):
    f.admin(username="quantri")
    out = reorganise(
        "merge",
        "--units",
        "bcsd-ubnd,dd-hdnd",
        "--new-code",
        "dd-cq",
        "--new-name",
        "Đảng ủy HĐND và UBND tỉnh",
        "--new-kind",
        "government",
        "--move-memberships",
        "--by",
        "quantri",
        *DECISION,
    )

    successor = Unit.objects.get(code="dd-cq")
    assert successor.valid_from == datetime.date(2025, 7, 1)
    assert Unit.objects.get(code="dd-hdnd").successor == successor
    record = Reorganisation.objects.get()
    assert record.recorded_by.username == "quantri"
    assert Membership.objects.filter(unit=successor).count() == 2
    for handover in Handover.objects.filter(reorganisation=record):
        assert handover.description in out
    assert f"{HandoverItem.ASSIGNMENT.label} (2)" in out
    assert "30/06/2025" in out


def test_a_dry_run_prints_the_same_and_changes_nothing(government):
    before = snapshot()
    out = reorganise(
        "merge", "--units", "bcsd-ubnd,dd-hdnd", "--into", "mttq", "--dry-run", *DECISION
    )
    assert snapshot() == before
    # Both units and the successor had directive 1: two parts combined into its own.
    assert f"{HandoverItem.ASSIGNMENT_COMBINED.label} (2)" in out

    reorganise("merge", "--units", "bcsd-ubnd,dd-hdnd", "--into", "mttq", *DECISION)
    for handover in Handover.objects.all():
        assert handover.description in out


def test_a_split_places_assignments_as_told(government):
    hdnd = government["hdnd"]
    support = Assignment.objects.get(directive=government["both"], unit=hdnd)
    only = government["only_hdnd"]
    reorganise(
        "split",
        "--unit",
        "dd-hdnd",
        "--new-part",
        "a=60=Đơn vị A=government",
        "--part",
        "bcsd-ubnd=40",
        "--assign",
        f"{only.pk}=1,2",
        "--assign-all-to",
        "2",
        "--memberships-to",
        "1",
        *DECISION,
    )

    a = Unit.objects.get(code="a")
    assert Assignment.objects.get(pk=only.pk).unit == a
    assert Assignment.objects.filter(directive=only.directive, unit__code="bcsd-ubnd").exists()
    assert not Assignment.objects.filter(pk=support.pk).exists()  # combined into ubnd's lead
    assert Membership.objects.filter(unit=a).count() == 1
    assert dict(UnitLink.objects.values_list("successor__code", "share")) == {
        "a": Decimal("0.6"),
        "bcsd-ubnd": Decimal("0.4"),
    }


def test_a_split_with_an_assignment_of_another_unit_is_refused(government):
    finished = government["finished"]
    before = snapshot()
    with pytest.raises(CommandError, match=str(finished.pk)):
        reorganise(
            "split",
            "--unit",
            "dd-hdnd",
            "--new-part",
            "a=50=A=government",
            "--new-part",
            "b=50=B=government",
            "--assign",
            f"{finished.pk}=1",
            "--assign-all-to",
            "1",
            *DECISION,
        )
    assert snapshot() == before


def test_a_renaming_keeps_the_old_name_for_earlier_documents(government):
    reorganise("rename", "--unit", "mttq", "--name", "Ủy ban MTTQ Việt Nam tỉnh", *DECISION)
    mttq = Unit.objects.get(code="mttq")
    assert mttq.name == "Ủy ban MTTQ Việt Nam tỉnh"
    assert mttq.name_on(datetime.date(2025, 6, 30)) == "Ủy ban MTTQ tỉnh"


def test_a_move_to_the_top_and_back_under_a_parent(government):
    parent = f.UnitFactory(code="tinh-uy")
    reorganise("move", "--unit", "mttq", "--parent", "tinh-uy", *DECISION)
    assert Unit.objects.get(code="mttq").parent == parent
    reorganise("move", "--unit", "mttq", "--parent", "", "--on", "02/07/2025", *DECISION[2:])
    assert Unit.objects.get(code="mttq").parent is None


def test_a_dissolution_of_an_idle_unit(government):
    f.UnitFactory(code="idle")
    out = reorganise("dissolve", "--unit", "idle", *DECISION)
    assert Unit.objects.get(code="idle").valid_to == datetime.date(2025, 6, 30)
    assert "idle" in out


def test_every_refusal_is_listed_and_nothing_changes(government):
    f.UnitReportFactory(
        unit=government["ubnd"], quarter=f.QuarterFactory(year=2025, number=3), status="submitted"
    )
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        reorganise(
            "merge",
            "--units",
            "bcsd-ubnd,dd-hdnd",
            "--new-code",
            "mttq",
            "--new-name",
            "X",
            "--new-kind",
            "government",
            *DECISION,
        )
    message = str(refused.value)
    assert "mttq" in message
    assert "III/2025" in message
    assert snapshot() == before


def test_unknown_codes_users_and_odd_values_are_each_named(government):
    with pytest.raises(CommandError) as refused:
        reorganise(
            "merge",
            "--units",
            "bcsd-ubnd,khong-co",
            "--into",
            "cung-khong",
            "--by",
            "ai-do",
            *DECISION,
        )
    message = str(refused.value)
    for name in ("khong-co", "cung-khong", "ai-do"):
        assert name in message
    with pytest.raises(CommandError) as odd:
        reorganise(
            "merge",
            "--units",
            "bcsd-ubnd",
            "--into",
            "mttq",
            "--on",
            "31/02/2025",
            "--decision",
            "",
            "--decision-date",
            "hôm qua",
        )
    assert len(str(odd.value).splitlines()) == 4  # "Refused:" and the three fields
    assert Reorganisation.objects.count() == 0


def test_a_dissolution_of_a_unit_with_open_work_says_why(government):
    with pytest.raises(CommandError, match="2"):
        reorganise("dissolve", "--unit", "dd-hdnd", *DECISION)
    assert Unit.objects.get(code="dd-hdnd").valid_to is None
