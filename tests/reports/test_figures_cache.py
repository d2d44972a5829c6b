"""The province's indicator sums are cached per quarter under the quarter's
``figures_token``, in each process's memory and in the database that every process
shares (common.caching); every change that can move a total gives the quarter a new
token in the same transaction, so the figures shown are never stale."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from common import caching
from reports import services
from reports.aggregation import (
    EVERY_UNIT,
    Scope,
    completeness_by_area,
    quarter_completeness,
    quarter_figures,
)
from reports.aggregation import figures as figures_module
from reports.aggregation.figures import _grouped_values, _sums_apart
from reports.models import IndicatorValue, Quarter, ReportStatus, UnitKind
from reports.permissions import scope_for
from structure.services import Decision, rename_unit
from tests import factories as f
from tests.reports.test_aggregation import filed, hanoi

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    caching.clear()
    yield
    caching.clear()


@pytest.fixture
def quarter():
    return f.QuarterFactory(year=2024, number=1, due_date=datetime.date(2024, 3, 10))


@pytest.fixture
def flow():
    return f.IndicatorFactory(code="TT_SESS", name="Buổi tuyên truyền")


def current(quarter, indicator, scope=EVERY_UNIT, table=0):
    figures = quarter_figures(quarter=Quarter.objects.get(pk=quarter.pk), scope=scope)
    row = next(r for r in figures.tables[table].rows if r.indicator == indicator)
    return row.current


def value_queries(queries) -> int:
    return sum('"reports_indicatorvalue"' in q["sql"] for q in queries)


def test_a_second_reading_takes_the_sums_from_the_cache(quarter, flow):
    filed(f.UnitFactory(), quarter, values={flow: 12})
    with CaptureQueriesContext(connection) as first:
        assert current(quarter, flow) == 12
    with CaptureQueriesContext(connection) as second:
        assert current(quarter, flow) == 12
    assert value_queries(first.captured_queries) == 1
    assert value_queries(second.captured_queries) == 0


def test_a_process_with_an_empty_memory_reads_the_sums_another_one_kept(quarter, flow):
    """A worker that has just started, or another server: the database's copy, not a
    new sum; then its own memory's."""
    filed(f.UnitFactory(), quarter, values={flow: 12})
    assert current(quarter, flow) == 12
    caching.clear_memory()
    with CaptureQueriesContext(connection) as fresh:
        assert current(quarter, flow) == 12
    with CaptureQueriesContext(connection) as again:
        assert current(quarter, flow) == 12
    shared = settings.CACHES[caching.SHARED]["LOCATION"]
    assert value_queries(fresh.captured_queries) == 0
    assert any(shared in query["sql"] for query in fresh.captured_queries)
    assert not any(shared in query["sql"] for query in again.captured_queries)


def test_a_change_is_summed_again_whichever_process_kept_the_old_sums(quarter, flow):
    report = filed(f.UnitFactory(), quarter, values={flow: 12})
    assert current(quarter, flow) == 12
    value = report.values.get()
    value.value = Decimal(20)
    value.save()
    caching.clear_memory()  # this process never saw the first sum; the database still holds it
    with CaptureQueriesContext(connection) as after:
        assert current(quarter, flow) == 20
    assert value_queries(after.captured_queries) == 1


def test_the_shared_copy_holds_a_few_entries_per_quarter(quarter, flow):
    """The sums and the filed units of each quarter of the trend window, and the
    comparisons: bounded by the window, whatever the number of units."""
    later = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2024, 6, 10))
    for unit in f.UnitFactory.create_batch(6):
        filed(unit, quarter, values={flow: 1})
        filed(unit, later, values={flow: 2})
    assert current(later, flow) == 12
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(settings.CACHES[caching.SHARED]["LOCATION"])
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608
        (entries,) = cursor.fetchone()
    assert 0 < entries <= 2 * 2 + 1


def test_unit_staff_sums_are_never_shared(quarter, flow):
    """A scope per unit would crowd the other scopes out of the shared copy: a unit's
    figures are kept only by the process that drew them, and summed again by another."""
    unit = f.UnitFactory()
    filed(unit, quarter, values={flow: 5})
    own = Scope(unit_ids=frozenset({unit.id}))
    current(quarter, flow, scope=own)
    with CaptureQueriesContext(connection) as again:
        assert current(quarter, flow, scope=own) == 5
    assert value_queries(again.captured_queries) == 0
    caching.clear_memory()
    with CaptureQueriesContext(connection) as elsewhere:
        assert current(quarter, flow, scope=own) == 5
    assert value_queries(elsewhere.captured_queries) == 1


def province_of(name: str, *units_values, quarter, flow):
    """A committee with units under it that filed ``units_values`` for ``quarter``."""
    committee = f.UnitFactory(name=name, parent=None)
    for value in units_values:
        filed(f.UnitFactory(parent=committee), quarter, values={flow: value})
    return committee


def test_a_subtrees_sums_are_cached_apart_from_every_other_scope(quarter, flow):
    """A province's reviewer reads its sums from the cache like the centre does, and
    another province, or the whole country, never gets them."""
    north = province_of("Tỉnh ủy A", 3, 4, quarter=quarter, flow=flow)
    south = province_of("Tỉnh ủy B", 10, quarter=quarter, flow=flow)
    north_scope = scope_for(f.reviewer(north))
    with CaptureQueriesContext(connection) as first:
        assert current(quarter, flow, scope=north_scope) == 7
    with CaptureQueriesContext(connection) as second:
        assert current(quarter, flow, scope=north_scope) == 7
    assert value_queries(first.captured_queries) == 1
    assert value_queries(second.captured_queries) == 0
    assert current(quarter, flow, scope=scope_for(f.leader(south))) == 10
    assert current(quarter, flow) == 17


def test_a_submission_in_a_subtree_reaches_its_reviewers_page_at_once(client, quarter, flow):
    province = province_of("Tỉnh ủy A", 3, quarter=quarter, flow=flow)
    unit = f.UnitFactory(parent=province)
    head = f.member(unit, role="head")
    draft = filed(unit, quarter, status=ReportStatus.DRAFT, values={flow: 30})
    client.force_login(f.reviewer(province))

    def shown() -> Decimal | None:
        summary = client.get(f"/quarters/{quarter.slug}/").context["summary"]
        return next(r for r in summary.figures.province.rows if r.indicator == flow).current

    assert shown() == 3
    assert shown() == 3  # from the cache
    services.report_submit(report=draft, user=head, expected_version=draft.version)
    assert shown() == 33


def test_a_submission_through_the_services_shows_at_once(quarter, flow):
    filed(f.UnitFactory(), quarter, values={flow: 12})
    unit = f.UnitFactory()
    head = f.member(unit, role="head")
    draft = filed(unit, quarter, status=ReportStatus.DRAFT, values={flow: 30})
    assert current(quarter, flow) == 12  # cached with the draft left out

    services.report_submit(report=draft, user=head, expected_version=draft.version)
    assert current(quarter, flow) == 42


def test_a_returned_report_leaves_the_totals_at_once(quarter, flow):
    counted = filed(f.UnitFactory(), quarter, status=ReportStatus.SUBMITTED, values={flow: 7})
    filed(f.UnitFactory(), quarter, values={flow: 3})
    assert current(quarter, flow) == 10

    services.report_return(report=counted, user=f.reviewer(), comment="Thiếu số liệu.")
    assert current(quarter, flow) == 3


def test_a_value_changed_or_deleted_on_a_counted_report_shows_at_once(quarter, flow):
    report = filed(f.UnitFactory(), quarter, values={flow: 12})
    assert current(quarter, flow) == 12
    value = report.values.get()
    value.value = Decimal(20)
    value.save()  # as admin's inline does
    assert current(quarter, flow) == 20
    value.delete()
    assert current(quarter, flow) is None


def test_a_change_in_another_quarter_keeps_this_quarters_sums_cached(quarter, flow):
    filed(f.UnitFactory(), quarter, values={flow: 12})
    other = f.QuarterFactory(year=2023, number=1)
    unit = f.UnitFactory()  # a new unit renews every quarter's token (reports.signals)
    token = Quarter.objects.get(pk=quarter.pk).figures_token
    filed(unit, other, values={flow: 1})
    assert Quarter.objects.get(pk=quarter.pk).figures_token == token
    assert Quarter.objects.get(pk=other.pk).figures_token != token


def test_a_draft_value_saved_does_not_touch_the_quarter(quarter, flow):
    draft = filed(f.UnitFactory(), quarter, status=ReportStatus.DRAFT)
    token = Quarter.objects.get(pk=quarter.pk).figures_token
    f.IndicatorValueFactory(report=draft, indicator=flow, value=Decimal(4))
    assert Quarter.objects.get(pk=quarter.pk).figures_token == token


def test_a_unit_moved_to_another_kind_moves_its_figures(quarter, flow):
    unit = f.UnitFactory(kind=UnitKind.FRONT)
    filed(unit, quarter, values={flow: 12})
    figures = quarter_figures(quarter=Quarter.objects.get(pk=quarter.pk), scope=EVERY_UNIT)
    assert [table.key for table in figures.tables[1:]] == [UnitKind.FRONT]

    unit.kind = UnitKind.MASS_ORG
    unit.save()
    figures = quarter_figures(quarter=Quarter.objects.get(pk=quarter.pk), scope=EVERY_UNIT)
    assert [table.key for table in figures.tables[1:]] == [UnitKind.MASS_ORG]


def test_a_long_completeness_list_shows_only_the_units_not_on_time(quarter):
    on_time = [f.UnitFactory(display_order=n) for n in range(1, 4)]
    for unit in on_time:
        filed(unit, quarter, at=hanoi(2024, 3, 5, 9))
    late = f.UnitFactory(display_order=4)
    filed(late, quarter, at=hanoi(2024, 3, 12, 9))
    missing = [f.UnitFactory(display_order=n) for n in (5, 6)]
    after_due = datetime.date(2024, 4, 1)

    everyone = quarter_completeness(quarter=quarter, scope=EVERY_UNIT, today=after_due)
    assert not everyone.exceptions_only
    assert len(everyone.units) == 6

    short = quarter_completeness(quarter=quarter, scope=EVERY_UNIT, today=after_due, limit=5)
    assert short.exceptions_only
    assert [u.unit_id for u in short.units] == [late.id, *(u.id for u in missing)]
    assert not short.units_page.has_other_pages()
    assert (short.total.expected, short.total.on_time) == (6, 3)  # counts stay complete

    first = quarter_completeness(quarter=quarter, scope=EVERY_UNIT, today=after_due, limit=2)
    assert [u.unit_id for u in first.units] == [late.id, missing[0].id]
    with CaptureQueriesContext(connection) as read:
        second = quarter_completeness(
            quarter=quarter, scope=EVERY_UNIT, today=after_due, limit=2, page=2
        )
    assert [u.unit_id for u in second.units] == [missing[1].id]
    # counted from the counts by kind (not filed, and late), not by a query of its own
    assert second.units_page.paginator.count == 3
    assert len(read.captured_queries) == 2


def test_a_shared_copy_that_cannot_be_read_is_worked_out_again(quarter, flow):
    """A value another release pickled (a class since moved) is a miss, not a 500."""
    filed(f.UnitFactory(), quarter, values={flow: 12})
    assert current(quarter, flow) == 12
    caching.clear_memory()
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(settings.CACHES[caching.SHARED]["LOCATION"])
        cursor.execute(f"UPDATE {table} SET value = %s", ["bm90IGEgcGlja2xl"])  # noqa: S608
    with CaptureQueriesContext(connection) as again:
        assert current(quarter, flow) == 12
    assert value_queries(again.captured_queries) == 1


def test_every_migrate_empties_the_shared_copy(quarter, flow):
    """A new release may sum otherwise; its ``migrate`` leaves nothing of the old one."""
    filed(f.UnitFactory(), quarter, values={flow: 12})
    assert current(quarter, flow) == 12
    caching.clear_memory()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    caching.clear_memory()
    with CaptureQueriesContext(connection) as after:
        assert current(quarter, flow) == 12
    assert value_queries(after.captured_queries) == 1


def test_the_shared_copy_is_written_in_one_statement_per_call():
    """Django's database cache writes each entry in several: here one, for any number."""
    with CaptureQueriesContext(connection) as writes:
        caching.set_many({f"test-key-{n}": {"n": n} for n in range(20)})
    inserts = [q for q in writes.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    caching.clear_memory()
    assert caching.get_many([f"test-key-{n}" for n in range(20)]) == {
        f"test-key-{n}": {"n": n} for n in range(20)
    }
    caching.set("test-key-0", "again")  # an existing key is replaced
    caching.clear_memory()
    assert caching.get("test-key-0") == "again"


@pytest.mark.django_db(transaction=True)
def test_the_shared_copy_waits_for_the_disk_only_inside_a_transaction_that_must():
    """On PostgreSQL a write of the cache alone commits without waiting for the disk (a
    cache may lose its last writes), and the connection waits again after it; inside a
    transaction around it, whose other writes must not be lost, it does not ask."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's setting")
    lazy = "SET LOCAL synchronous_commit TO OFF"

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    before = synchronous_commit()
    with CaptureQueriesContext(connection) as alone:
        caching.set_many({"test-key-alone": 1})
    assert [q["sql"] for q in alone.captured_queries].count(lazy) == 1
    assert synchronous_commit() == before != "off"
    with transaction.atomic(), CaptureQueriesContext(connection) as inside:
        caching.set_many({"test-key-inside": 1})
    assert lazy not in [q["sql"] for q in inside.captured_queries]
    caching.clear_memory()
    assert caching.get_many(["test-key-alone", "test-key-inside"]) == {
        "test-key-alone": 1,
        "test-key-inside": 1,
    }


def test_a_reviewers_figures_are_kept_whole_until_something_they_read_changes(quarter, flow):
    """A second reading of the same scope's figures in this process runs one query (for
    the quarters and their tokens); a renamed or re-combined indicator is read at once."""
    filed(f.UnitFactory(), quarter, values={flow: 12})
    quarter_figures(quarter=quarter, scope=EVERY_UNIT)
    read_again = Quarter.objects.get(pk=quarter.pk)
    with CaptureQueriesContext(connection) as again:
        kept = quarter_figures(quarter=read_again, scope=EVERY_UNIT)
    assert len(again.captured_queries) == 1
    assert kept.key and kept.province.rows[0].indicator.name == "Buổi tuyên truyền"
    flow.name = "Buổi tuyên truyền miệng"
    flow.save()
    renamed = quarter_figures(quarter=Quarter.objects.get(pk=quarter.pk), scope=EVERY_UNIT)
    assert renamed.key != kept.key
    assert renamed.province.rows[0].indicator.name == "Buổi tuyên truyền miệng"


def test_the_quarter_page_draws_a_reviewers_figures_once_per_language(client, quarter, flow):
    filed(f.UnitFactory(), quarter, values={flow: 1234})
    client.force_login(f.reviewer())
    url = f"/quarters/{quarter.slug}/"

    def totals() -> str:
        page = client.get(url).content.decode()
        return page[page.index('<section id="indicators"') : page.index('<section id="drilldown"')]

    first = totals()
    assert "1.234" in first and "Buổi tuyên truyền" in first
    assert totals() == first
    client.post("/i18n/setlang/", {"language": "en", "next": url})
    english = totals()
    assert "1,234" in english and "Indicator totals" in english
    IndicatorValue.objects.get(indicator=flow).delete()
    assert "1,234" not in totals()


# --- Completeness and the roll-up by area, kept for the commission ------------------

AFTER_DUE = datetime.date(2024, 4, 1)


def counted(quarter, scope=EVERY_UNIT, today=AFTER_DUE, **kwargs):
    """The quarter's completeness as a request would read it: the quarter read afresh."""
    return quarter_completeness(
        quarter=Quarter.objects.get(pk=quarter.pk), scope=scope, today=today, **kwargs
    )


def areas(quarter, scope=EVERY_UNIT):
    return completeness_by_area(
        quarter=Quarter.objects.get(pk=quarter.pk), scope=scope, today=AFTER_DUE
    )


def standing_queries(queries) -> int:
    return sum('"reports_unitreport"' in q["sql"] for q in queries)


def test_the_commissions_completeness_is_worked_out_once_for_every_process(quarter):
    filed(f.UnitFactory(), quarter)
    f.UnitFactory()
    with CaptureQueriesContext(connection) as first:
        assert (counted(quarter).total.filed, counted(quarter).total.missing) == (1, 1)
        assert len(areas(quarter).areas) == 2
    caching.clear_memory()  # a worker that has just started
    with CaptureQueriesContext(connection) as second:
        assert counted(quarter).total.expected == 2
        assert len(areas(quarter).areas) == 2
    assert standing_queries(first.captured_queries) == 3  # the counts, the list, the areas
    assert standing_queries(second.captured_queries) == 0


def test_a_units_own_completeness_is_kept_by_its_process_only(quarter):
    unit = f.UnitFactory()
    own = Scope(unit_ids=frozenset({unit.id}))
    with CaptureQueriesContext(connection) as first:
        counted(quarter, own)
    with CaptureQueriesContext(connection) as again:
        assert counted(quarter, own).total.expected == 1
    caching.clear_memory()
    with CaptureQueriesContext(connection) as elsewhere:
        assert counted(quarter, own).total.expected == 1
    assert standing_queries(first.captured_queries) == 2  # the counts and the list
    assert standing_queries(again.captured_queries) == 0
    assert standing_queries(elsewhere.captured_queries) == 2  # nothing in the database
    table = settings.CACHES["shared"]["LOCATION"]
    queries = first.captured_queries + again.captured_queries + elsewhere.captured_queries
    assert not any(table in q["sql"] for q in queries)


def test_kept_completeness_follows_every_change_it_counts(quarter):
    bdv = f.UnitFactory(name="Ban Dân vận", display_order=1)
    filed(bdv, quarter, at=hanoi(2024, 3, 5, 9))
    front = f.UnitFactory(name="Mặt trận", display_order=2)
    assert (counted(quarter).total.on_time, counted(quarter).total.missing) == (1, 1)
    assert counted(quarter, today=datetime.date(2024, 3, 1)).total.not_due == 1  # not due yet

    report = filed(front, quarter, status=ReportStatus.DRAFT)
    assert counted(quarter).total.missing == 1  # a draft is not filed
    report.status, report.submitted_at = ReportStatus.SUBMITTED, hanoi(2024, 3, 20, 9)
    report.first_submitted_at = report.submitted_at
    report.save()
    assert (counted(quarter).total.late, counted(quarter).total.missing) == (1, 0)

    newcomer = f.UnitFactory(name="Hội Nông dân", display_order=3)
    assert counted(quarter).total.missing == 1
    assert [u.name for u in counted(quarter).units][-1] == "Hội Nông dân"
    assert len(areas(quarter).areas) == 3
    # Renamed from June: the quarter still lists the name it carried on 31/03.
    rename_unit(
        unit=newcomer,
        name="Hội Nông dân tỉnh",
        short_name="",
        decision=Decision("12-QĐ/TU", datetime.date(2024, 5, 20), datetime.date(2024, 6, 1)),
        user=None,
    )
    assert [u.name for u in counted(quarter).units][-1] == "Hội Nông dân"
    former = newcomer.former_names.get()  # its spelling corrected in the admin
    former.name = "Hội Nông dân (tên cũ)"
    former.save()
    assert [u.name for u in counted(quarter).units][-1] == "Hội Nông dân (tên cũ)"
    youth = f.UnitFactory(display_order=4)  # no report, no former name
    assert counted(quarter).total.expected == 4
    youth.delete()
    assert counted(quarter).total.expected == 3
    newcomer.delete()
    assert counted(quarter).total.expected == 2
    assert len(areas(quarter).areas) == 2

    Quarter.objects.filter(pk=quarter.pk).update(due_date=datetime.date(2024, 3, 25))
    assert counted(quarter).total.on_time == 2  # the due date is in the key


def test_the_count_of_units_not_on_time_is_the_number_listed(quarter):
    """Counted from the counts by kind (not filed, and late), it pages exactly the
    units listed: returned, draft, sample, with no submission time on record."""
    after_due = datetime.date(2024, 4, 1)
    for n in range(2):
        filed(f.UnitFactory(display_order=n), quarter, at=hanoi(2024, 3, 5, 9))
    filed(f.UnitFactory(display_order=2), quarter, at=hanoi(2024, 3, 12, 9))  # late
    filed(f.UnitFactory(display_order=3), quarter, status=ReportStatus.RETURNED)
    filed(f.UnitFactory(display_order=4), quarter, status=ReportStatus.DRAFT)
    sample = filed(f.UnitFactory(display_order=5), quarter, at=hanoi(2024, 3, 20, 9))
    sample.sample = True
    sample.save()
    untimed = filed(f.UnitFactory(display_order=6), quarter)
    untimed.first_submitted_at = untimed.submitted_at = None  # on time: no time on record
    untimed.save()
    f.UnitFactory(display_order=7)  # no report

    for today in (after_due, datetime.date(2024, 3, 1)):  # past the due date, and before
        listed, number = [], 1
        while True:
            page = quarter_completeness(
                quarter=quarter, scope=EVERY_UNIT, today=today, limit=2, page=number
            )
            listed += page.units
            if not page.units_page.has_next():
                break
            number += 1
        assert page.total.not_on_time == page.units_page.paginator.count == len(listed) == 5


def test_a_page_of_units_not_on_time_is_kept_without_its_query(quarter):
    for n in range(3):
        f.UnitFactory(display_order=n)
    first = counted(quarter, limit=2)
    assert first.exceptions_only and first.units_page.paginator.count == 3
    caching.clear_memory()
    kept = counted(quarter, limit=2, page=2)
    assert len(kept.units) == 1 and kept.units_page.number == 2
    caching.clear_memory()
    again = counted(quarter, limit=2, page=2)
    assert [u.unit_id for u in again.units] == [u.unit_id for u in kept.units]
    assert again.units_page.paginator.num_pages == 2


def shared_writes(queries) -> int:
    table = settings.CACHES["shared"]["LOCATION"]
    return sum(q["sql"].startswith("INSERT") and table in q["sql"] for q in queries)


def test_only_what_the_page_opens_on_takes_a_place_in_the_shared_cache(quarter):
    """Any page number and any unit may be asked for: those are read each time, so that
    no one can fill the shared cache (and push the sums out of it) by asking."""
    top = f.UnitFactory()
    for n in range(3):
        f.UnitFactory(parent=top, display_order=n)
    with CaptureQueriesContext(connection) as opened:
        counted(quarter, limit=2)
        areas(quarter)
    assert shared_writes(opened.captured_queries) == 2
    with CaptureQueriesContext(connection) as asked:
        for page in (2, 3, 10**17):
            assert counted(quarter, limit=2, page=page).units_page.number == 2
        subtree = completeness_by_area(
            quarter=Quarter.objects.get(pk=quarter.pk), scope=EVERY_UNIT, under=top
        )
    assert len(subtree.areas) == 4  # the unit itself, then its three
    assert shared_writes(asked.captured_queries) == 0


def test_an_empty_page_of_exceptions_is_kept_without_its_query(quarter):
    for _n in range(3):
        filed(f.UnitFactory(), quarter, at=hanoi(2024, 3, 5, 9))
    every_one_on_time = counted(quarter, limit=1)
    assert every_one_on_time.exceptions_only and not every_one_on_time.units
    # its rows and count, not a paginator over a queryset that pickling would read
    assert type(every_one_on_time.units_page.paginator.object_list) is list


def test_with_nothing_cached_the_sums_apart_come_with_the_sums(quarter, flow, monkeypatch):
    """The values are read once: the sums of the units a comparison leaves out are
    summed in the sums' own statement, and they are the same as when the quarters'
    sums were kept and only the comparisons are worked out again (a statement of
    their own)."""
    q2 = f.QuarterFactory(year=2024, number=2, due_date=datetime.date(2024, 6, 10))
    last_year = f.QuarterFactory(year=2023, number=2, due_date=datetime.date(2023, 6, 10))
    units = [f.UnitFactory(code=f"u{n}", kind=UnitKind.FRONT) for n in range(5)]
    units.append(f.UnitFactory(code="m", kind=UnitKind.MASS_ORG))
    for n, unit in enumerate(units):
        filed(unit, q2, values={flow: 20 + n})
    for n, unit in enumerate(units[:4]):
        filed(unit, quarter, values={flow: 10 + n})
    filed(units[0], last_year, values={flow: 5})
    filed(units[5], last_year, values={flow: 7})

    separate = []
    monkeypatch.setattr(
        figures_module,
        "_sums_apart",
        lambda *args: separate.append(args) or _sums_apart(*args),
    )
    with CaptureQueriesContext(connection) as cold:
        together = quarter_figures(quarter=Quarter.objects.get(pk=q2.pk), scope=EVERY_UNIT)
    caching.clear()
    _grouped_values(list(Quarter.objects.all()), EVERY_UNIT)
    assert not separate
    with CaptureQueriesContext(connection) as sums_kept:
        apart = quarter_figures(quarter=Quarter.objects.get(pk=q2.pk), scope=EVERY_UNIT)
    assert len(separate) == 1  # the sums apart in a statement of their own

    assert value_queries(cold.captured_queries) == 1
    assert value_queries(sums_kept.captured_queries) == 1
    assert together.tables == apart.tables
    row = together.province.rows[0]
    assert row.change_previous == (20 + 21 + 22 + 23) - (10 + 11 + 12 + 13)
    assert row.change_last_year == (20 + 25) - (5 + 7)
