"""Reorganisations in the admin are history: listed, searched and read, never edited
or deleted; a unit's validity and successor change only through the wizard, and its
page shows its former names and the links of its reorganisations."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import Reorganisation, ReorganisationKind, Unit, UnitKind
from structure import services
from tests import factories as f
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

DECISION = services.Decision(
    number="Quyết định số 123-QĐ/TU",
    date=datetime.date(2025, 6, 20),
    effective_on=datetime.date(2025, 7, 1),
)


def change_url(obj) -> str:
    return reverse(f"admin:reports_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def split(government):
    """Đảng đoàn HĐND split 60/40 into a new unit and Ban Cán sự Đảng UBND."""
    hdnd = government["hdnd"]
    open_ids = hdnd.assignments.filter(completed_on__isnull=True).values_list("id", flat=True)
    outcome = services.split_unit(
        unit=hdnd,
        parts=[
            services.SplitPart(
                unit=services.NewUnit(code="a", name="Đơn vị A", kind=UnitKind.GOVERNMENT),
                share=Decimal("0.6"),
            ),
            services.SplitPart(unit=government["ubnd"], share=Decimal("0.4")),
        ],
        assignment_parts={pk: [0] for pk in open_ids},
        decision=DECISION,
        user=None,
    )
    return outcome.reorganisation


def test_the_list_shows_kind_date_and_decision_and_searches_by_unit(admin_client, split):
    renamed = services.rename_unit(
        unit=Unit.objects.get(code="mttq"),
        name="Ủy ban MTTQ Việt Nam tỉnh",
        short_name="",
        decision=DECISION,
        user=None,
    ).reorganisation
    url = reverse("admin:reports_reorganisation_changelist")

    everything = admin_client.get(url)
    by_unit = admin_client.get(url, {"q": "dang doan hdnd"})
    renamings = admin_client.get(url, {"kind__exact": ReorganisationKind.RENAME})

    assert list(everything.context["cl"].result_list) == [renamed, split]
    assert "Quyết định số 123-QĐ/TU" in everything.content.decode()
    assert "01/07/2025" in everything.content.decode()
    assert list(by_unit.context["cl"].result_list) == [split]
    assert list(renamings.context["cl"].result_list) == [renamed]


def test_a_record_is_read_only_with_its_links_and_handovers(admin_client, split):
    response = admin_client.get(change_url(split))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="decision_number"' not in html
    assert "Đơn vị A" in html and "60 %" in html and "40 %" in html
    for handover in split.handovers.all():
        assert handover.description in html
    assert reverse("admin:reports_reorganisation_delete", args=[split.pk]) not in html


def test_a_record_cannot_be_changed_or_deleted(admin_client, split):
    before = Reorganisation.objects.values().get()

    changed = admin_client.post(change_url(split), {"decision_number": "khác"})
    deleted = admin_client.post(
        reverse("admin:reports_reorganisation_delete", args=[split.pk]), {"post": "yes"}
    )

    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert Reorganisation.objects.values().get() == before


@pytest.mark.parametrize("count", [3, 30])
def test_a_records_page_runs_a_bounded_number_of_queries(
    admin_client, django_assert_max_num_queries, count
):
    unit = f.UnitFactory()
    for number in range(count):
        f.AssignmentFactory(unit=unit, directive=f.DirectiveFactory(number=number + 1))
        f.MembershipFactory(unit=unit)
    record = services.merge_units(
        units=[unit], into=f.UnitFactory(), decision=DECISION, user=None, move_memberships=True
    ).reorganisation
    with django_assert_max_num_queries(12):
        response = admin_client.get(change_url(record))
    assert response.status_code == 200


# ------------------------------------------------------------- the unit page


def test_an_existing_units_validity_and_successor_are_read_only_and_lead_to_the_wizard(
    admin_client,
):
    unit = f.UnitFactory(valid_from=datetime.date(2020, 1, 1))
    other = f.UnitFactory()
    url = change_url(unit)

    page = admin_client.get(url)
    data = form_data(
        page,
        name="Tên đã sửa",
        valid_from="01/01/2024",
        valid_to="30/06/2025",
        successor=str(other.pk),
    )
    response = admin_client.post(url, data)

    assert response.status_code == 302  # the rest of the unit is saved
    page = page.content.decode()
    for name in ("valid_from", "valid_to", "successor"):
        assert f'name="{name}"' not in page
    assert f'href="{reverse("admin:reports_reorganisation_add")}"' in page
    unit.refresh_from_db()
    assert unit.name == "Tên đã sửa"
    assert unit.valid_from == datetime.date(2020, 1, 1)
    assert unit.valid_to is None and unit.successor is None


def test_a_new_unit_is_still_created_with_its_first_day(admin_client):
    url = reverse("admin:reports_unit_add")
    page = admin_client.get(url)
    assert 'name="valid_from"' in page.content.decode()

    data = form_data(page, name="Đơn vị mới", code="moi", kind="front", valid_from="01/07/2025")
    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert Unit.objects.get(code="moi").valid_from == datetime.date(2025, 7, 1)


def test_a_units_page_shows_its_former_names_and_links(admin_client, split, government):
    services.rename_unit(
        unit=government["ubnd"],
        name="Đảng ủy UBND tỉnh",
        short_name="",
        decision=services.Decision(
            number="QĐ 2", date=datetime.date(2025, 7, 1), effective_on=datetime.date(2025, 8, 1)
        ),
        user=None,
    )

    ubnd = admin_client.get(change_url(government["ubnd"])).content.decode()
    hdnd = admin_client.get(change_url(government["hdnd"])).content.decode()

    assert "Ban Cán sự Đảng UBND tỉnh" in ubnd  # its former name
    assert "31/07/2025" in ubnd
    assert "Đảng đoàn HĐND tỉnh" in ubnd and "40 %" in ubnd  # a predecessor
    assert "Đơn vị A" in hdnd and "60 %" in hdnd  # a successor


def test_a_renamings_record_shows_the_former_name(admin_client, government):
    record = services.rename_unit(
        unit=government["ubnd"],
        name="Đảng ủy UBND tỉnh",
        short_name="",
        decision=DECISION,
        user=None,
    ).reorganisation

    html = admin_client.get(change_url(record)).content.decode()

    assert "Ban Cán sự Đảng UBND tỉnh" in html
    assert "30/06/2025" in html
