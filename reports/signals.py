"""Keep cached quarter figures honest: any change that can move a total gives the
quarter a new ``figures_token`` in the same transaction (reports.aggregation keys
its cache by it).

Signals rather than calls in the services, so that admin edits and deletions are
covered too. generate_data, which bulk-inserts without signals, calls
``Quarter.objects.figures_changed()`` itself; a restored backup brings back its
tokens with the very data they were made for.

The token's UPDATE holds the quarter's row lock until the transaction commits, so
saves of one quarter's reports take turns for that moment (milliseconds). The
services lock the report before the quarter. Only an admin deleting a report
while its unit submits it locks them the other way round; PostgreSQL then rolls
one of the two back with an error, and nothing is half written.

A report's history rows also get their typed event here (``report_event``), so that
every writer, the admin included, leaves one.

Every ``migrate`` empties the figures every process shares (``common.caching``): a new
release may sum them otherwise, and data migrations send no signal.
"""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from common import caching
from reports.models import (
    Indicator,
    IndicatorValue,
    Quarter,
    ReportEvent,
    Unit,
    UnitLink,
    UnitName,
    UnitReport,
)


@receiver(post_migrate, dispatch_uid="reports.shared_figures_emptied")
def migrated(sender, app_config, **kwargs) -> None:
    if app_config.name == "reports":  # once per migrate, not once per app
        caching.clear_shared()
        # And what each running process keeps in its memory under the tokens.
        Quarter.objects.figures_changed()


@receiver([post_save, post_delete], sender=UnitReport, dispatch_uid="reports.report_figures")
def report_changed(sender, instance: UnitReport, raw: bool = False, **kwargs) -> None:
    if raw:  # loaddata: a restored backup brings its tokens with its data
        return
    Quarter.objects.filter(pk=instance.quarter_id).figures_changed()


@receiver([post_save, post_delete], sender=IndicatorValue, dispatch_uid="reports.value_figures")
def value_changed(sender, instance: IndicatorValue, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    # Values of drafts count nowhere: skip them when the report is at hand (the
    # services' and admin's case); otherwise let the database decide, in one query.
    if IndicatorValue.report.is_cached(instance):
        if instance.report.is_filed:
            Quarter.objects.filter(pk=instance.report.quarter_id).figures_changed()
    else:
        Quarter.objects.filter(reports__id=instance.report_id).figures_changed()


@receiver([post_save, post_delete], sender=Unit, dispatch_uid="reports.unit_figures")
@receiver([post_save, post_delete], sender=UnitName, dispatch_uid="reports.unit_name_figures")
def unit_changed(sender, instance: Unit | UnitName, raw: bool = False, **kwargs) -> None:
    # Figures are grouped by kind of unit, and a unit's kind can change in admin; which
    # units owe a quarter's report, and the names they are listed by, are kept with the
    # figures too (aggregation.completeness.kept_for_the_quarter): a new unit, one
    # removed and a renaming change them.
    if raw:
        return
    Quarter.objects.figures_changed()


@receiver([post_save, post_delete], sender=Indicator, dispatch_uid="reports.indicator_figures")
def indicator_changed(sender, instance: Indicator, raw: bool = False, **kwargs) -> None:
    # How an indicator is combined (summed, averaged; a flow or a stock), its name and
    # which kinds of unit report it are all in the figures each process keeps
    # (aggregation.figures.quarter_figures).
    if raw:
        return
    Quarter.objects.figures_changed()


@receiver([post_save, post_delete], sender=UnitLink, dispatch_uid="reports.link_figures")
def link_changed(sender, instance: UnitLink, raw: bool = False, **kwargs) -> None:
    # Which units a comparison joins, and the shares a successor's history carries
    # (reports.aggregation.comparisons, .lineage), follow the links.
    if raw:
        return
    Quarter.objects.figures_changed()


@receiver(pre_create_historical_record, dispatch_uid="reports.report_event")
def report_event(sender, instance, history_instance, **kwargs) -> None:
    """Write the event the services named (``report._history_event``) on the report's
    history row, once: the next save of the same object names its own. A report made
    elsewhere (the admin, the demo) was started; any other save just changed it."""
    if not isinstance(instance, UnitReport):
        return
    event = instance.__dict__.pop("_history_event", "")
    if not event and history_instance.history_type == "+":
        event = ReportEvent.CREATED
    history_instance.event = event
