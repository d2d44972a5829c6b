"""Changes to unit reports: drafting, submission, review, reminders.

Every function is keyword-only, runs in one transaction, checks who may do
it (reports.permissions) and what state allows it, bumps the report's
version and leaves a history record saying who did what.
"""

import datetime
import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Generic, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.history import note_history, person_name
from common.text import clean_text, fold
from notifications.messages import quarter_params
from notifications.models import Kind
from notifications.services import notify, withdraw
from reports import permissions, quality
from reports.aggregation import units_not_filed
from reports.changes import compare as changes_since
from reports.models import (
    ConsolidatedQuote,
    ConsolidatedReport,
    DraftStatus,
    FollowUp,
    IndicatorValue,
    Quarter,
    ReminderLog,
    ReportAnnex,
    ReportEvent,
    ReportStatus,
    ReportVersion,
    ReportVersionValue,
    ReviewEvent,
    ReviewOutcome,
    Unit,
    UnitReport,
    sections_search_text,
)

# The four sections a report cannot be submitted without; recommendations are optional.
REQUIRED_SECTIONS = ("people_situation", "results", "shortcomings", "next_plan")


class ReportError(Exception):
    """A change the report's state does not allow; the message is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ReportLockedError(ReportError):
    """The quarter is closed or the report is no longer editable."""


class UnexplainedFlagsError(ReportError):
    """Values the quality checks flagged have no note to explain them (``names``)."""

    def __init__(self, names: list[str]):
        super().__init__(
            _(
                "The report cannot be submitted yet: explain in its note each value "
                "marked as unusual: %(names)s."
            )
            % {"names": ", ".join(names)}
        )
        self.names = names


Edited = TypeVar("Edited", UnitReport, ConsolidatedReport)


class ConcurrentEditError(ReportError, Generic[Edited]):
    """Someone saved the report since the form was opened; ``current`` is their version."""

    def __init__(self, current: Edited):
        super().__init__(
            _(
                "Someone else saved this report while you were editing it. Your text was "
                "not saved: it is still in the form below, next to the version now on record. "
                "Combine them and save again."
            )
        )
        self.current: Edited = current


def _lock(report: UnitReport) -> UnitReport:
    """Re-read the report under a row lock (PostgreSQL) with its quarter and unit."""
    return (
        UnitReport.objects.select_for_update().select_related("quarter", "unit").get(pk=report.pk)
    )


def _closed_message() -> str:
    return _("The quarter is closed: its reports can no longer be changed.")


def _check_open(report: UnitReport) -> None:
    if report.quarter.closed:
        raise ReportLockedError(_closed_message())
    if report.no_longer_owed:
        raise ReportLockedError(no_longer_owed_message())


def no_longer_owed_message() -> str:
    """What a save or submission of a report its unit no longer owes is told
    (``UnitReport.no_longer_owed``)."""
    return _(
        "The unit does not report for this quarter: it did not exist on the quarter's last "
        "day. The draft is kept for reference and can no longer be saved or submitted."
    )


def _claim_version(report: UnitReport, expected_version: int) -> None:
    """Move the version on only if nobody else did since ``expected_version`` (atomic)."""
    claimed = UnitReport.objects.filter(pk=report.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ConcurrentEditError(
            UnitReport.objects.select_related("quarter", "unit").get(pk=report.pk)
        )
    report.version = expected_version + 1


def _record(report: UnitReport, *, user, event: ReportEvent) -> None:
    """Save with the history saying who and what happened (a return's or reopening's
    comment is the row's ``review_comment``)."""
    note_history(report, by=user)
    report._history_event = event
    report.save()


@transaction.atomic
def report_get_or_create_draft(*, unit: Unit, quarter: Quarter, user) -> tuple[UnitReport, bool]:
    """The unit's report for the quarter, started as an empty draft if there is none."""
    if not permissions.can_start_report(user, unit, quarter):
        existing = UnitReport.objects.filter(unit=unit, quarter=quarter).first()
        if existing is None or not permissions.can_view_report(user, existing):
            raise PermissionDenied
        return existing, False
    existing = UnitReport.objects.filter(unit=unit, quarter=quarter).first()
    if existing is not None:
        return existing, False
    report = UnitReport(unit=unit, quarter=quarter, unit_name=unit.name)
    note_history(report, by=user)
    report._history_event = ReportEvent.CREATED
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        # Two people started the same report at once: the first one wins.
        return UnitReport.objects.get(unit=unit, quarter=quarter), False
    return report, True


@dataclass(frozen=True)
class ImportedValues:
    """What a workbook's sheet gives one unit's report, as its preview showed it:
    ``version``, the report's version then (0: not started)."""

    unit: Unit
    version: int
    values: dict[int, tuple[Decimal | None, str]]


def report_values_import(*, quarter: Quarter, user, sheets: list[ImportedValues]) -> list[str]:
    """Save the values of each sheet into its unit's report, as the report form saves
    typed ones (``report_get_or_create_draft``, ``report_save_draft``: the same
    permissions, version check and history). Each unit on its own: one refused sheet
    leaves the others saved. Returns what was refused, a sentence a sheet."""
    refused = []
    for sheet in sheets:
        try:
            report, created = report_get_or_create_draft(
                unit=sheet.unit, quarter=quarter, user=user
            )
            expected = report.version if created and sheet.version == 0 else sheet.version
            report_save_draft(
                report=report, user=user, data={}, values=sheet.values, expected_version=expected
            )
        except ConcurrentEditError:
            refused.append(
                _("%(unit)s: someone saved the report since the preview; import it again.")
                % {"unit": sheet.unit.name}
            )
        except (ReportError, PermissionDenied) as error:
            reason = error.message if isinstance(error, ReportError) else _("not allowed")
            refused.append(f"{sheet.unit.name}: {reason}")
    return refused


def _value_changes(
    report: UnitReport,
    values: dict[int, tuple[Decimal | None, str]],
    notes_hold: Collection[int] = (),
) -> list[tuple[int, IndicatorValue | None, Decimal | None, str]]:
    """(indicator id, stored row, new value, new note) of each value that differs, or
    whose kept note the unit says still explains it (``notes_hold``)."""
    existing = {v.indicator_id: v for v in report.values.all()}
    changes: list[tuple[int, IndicatorValue | None, Decimal | None, str]] = []
    for indicator_id, (value, note) in values.items():
        note = (note or "").strip()
        current = existing.get(indicator_id)
        if value is None:
            if current is not None:
                changes.append((indicator_id, current, None, ""))
        else:
            differs = current is None or current.value != value or current.note != note
            confirmed = indicator_id in notes_hold and current is not None and current.note_is_stale
            if differs or confirmed:
                changes.append((indicator_id, current, value, note))
    return changes


def _save_values(report: UnitReport, changes, *, user, notes_hold: Collection[int] = ()) -> None:
    """Create, change or delete (empty value) the report's indicator values. A note
    explains the value it was written with (``IndicatorValue.noted_value``), or the
    one the unit says it still explains (``notes_hold``)."""
    for indicator_id, current, value, note in changes:
        if value is None:
            note_history(current, by=user).delete()
            continue
        if current is None:
            current = IndicatorValue(report=report, indicator_id=indicator_id)
        if current.pk is None or current.note != note or indicator_id in notes_hold:
            current.noted_value = value if note else None  # written (or confirmed) now
        elif current.noted_value is None:  # kept, written for the value it stood beside
            current.noted_value = current.value
        current.value = value
        current.note = note
        note_history(current, by=user).save()


@transaction.atomic
def report_save_draft(
    *,
    report: UnitReport,
    user,
    data: dict[str, str],
    values: dict[int, tuple[Decimal | None, str]],
    expected_version: int,
    notes_hold: Collection[int] = (),
) -> UnitReport:
    """Save the sections and indicator values, refusing a form opened on an older version.
    ``notes_hold``: the indicators whose kept note the unit says still explains the new
    value (the form's box beside a note written for the value before).

    Saving what is already on record changes nothing (no new version, no history).
    """
    locked = _lock(report)
    _check_open(locked)
    if not permissions.can_edit_report(user, locked):
        if locked.is_filed:
            raise ReportLockedError(
                _("The report has been submitted; it can no longer be changed.")
            )
        raise PermissionDenied
    changed_sections = {
        name: text
        for name, text in data.items()
        if name in UnitReport.SECTIONS and getattr(locked, name) != text
    }
    value_changes = _value_changes(locked, values, notes_hold)
    if not changed_sections and not value_changes:
        return locked  # nothing to save, so nothing to overwrite either
    _claim_version(locked, expected_version)
    for name, text in changed_sections.items():
        setattr(locked, name, text)
    _record(locked, user=user, event=ReportEvent.SAVED)
    _save_values(locked, value_changes, user=user, notes_hold=notes_hold)
    return locked


@transaction.atomic
def report_submit(*, report: UnitReport, user, expected_version: int) -> UnitReport:
    """The head sends the report to the commission; a first submission sets its timeliness."""
    locked = _lock(report)
    _check_open(locked)
    if not permissions.can_submit_report(user, locked):
        if not locked.is_editable_status:
            raise ReportLockedError(_("The report has already been submitted."))
        raise PermissionDenied
    if locked.version != expected_version:
        raise ConcurrentEditError(locked)
    missing = {
        name: _("Write this section before submitting the report.")
        for name in REQUIRED_SECTIONS
        if not getattr(locked, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    flags = quality.report_flags(locked)
    unexplained = quality.unexplained(locked, flags)
    if unexplained:
        raise UnexplainedFlagsError(unexplained)
    _claim_version(locked, expected_version)
    now = timezone.now()
    locked.status = ReportStatus.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = user
    if locked.first_submitted_at is None:
        locked.first_submitted_at = now
    _record(locked, user=user, event=ReportEvent.SUBMITTED)
    version = _freeze_version(locked, user=user, at=now, flags=flags)
    notify(
        kind=Kind.REPORT_SUBMITTED,
        users=permissions.reviewers_of(locked.unit_id),
        event=f"report_submitted:{locked.pk}:{version.number}",
        params=_report_params(locked),
        url=locked.get_absolute_url(),
        actor=user,
    )
    return locked


def _report_params(report: UnitReport) -> dict:
    """What a notification about the report names: its unit and quarter."""
    return {"unit": report.unit.name, **quarter_params(report.quarter)}


def _tell_unit(report: UnitReport, *, kind: str, event: str, user, **details) -> None:
    """Tell the unit's staff (``permissions.staff_of``) what ``user`` did to its report."""
    notify(
        kind=kind,
        users=permissions.staff_of(report.unit_id),
        event=event,
        params={**_report_params(report), **details},
        url=report.get_absolute_url(),
        actor=user,
    )


def _version_of(report: UnitReport, *, number: int, user, at) -> ReportVersion:
    """The report's sections as they are now, as its version ``number`` (not saved)."""
    return ReportVersion(
        report=report,
        number=number,
        unit_name=report.unit_name,
        submitted_at=at,
        submitted_by=user,
        search_text=sections_search_text(report),  # bulk_create skips save()
        **{name: getattr(report, name) for name in UnitReport.SECTIONS},
    )


def _version_values(
    version: ReportVersion,
    values: Iterable[IndicatorValue],
    flags: dict[int, list[str]] | None = None,
):
    """The report's values (with their indicators) copied into ``version``, each with
    what the quality checks flagged on it (``flags``, by indicator id)."""
    flags = flags or {}
    return (
        ReportVersionValue(
            version=version,
            indicator=value.indicator,
            indicator_code=value.indicator.code,
            indicator_name=value.indicator.name,
            measure=value.indicator.measure,
            display_order=value.indicator.display_order,
            value=value.value,
            note=value.note,
            flags="\n".join(flags.get(value.indicator_id, [])),
        )
        for value in values
    )


def _freeze_version(
    report: UnitReport, *, user, at, flags: dict[int, list[str]] | None = None
) -> ReportVersion:
    """Copy the report's sections and values as they are now into its next version."""
    last = report.versions.order_by("-number").first()
    version = _version_of(report, number=(last.number if last else 0) + 1, user=user, at=at)
    flags = quality.report_flags(report) if flags is None else flags
    version.flagged_values = len(flags)
    version.save()
    ReportVersionValue.objects.bulk_create(
        _version_values(version, report.values.select_related("indicator"), flags)
    )
    version.annexes.set(report.annexes.filter(removed_at__isnull=True))
    if last is not None:
        changes = changes_since(last, version)
        version.sections_changed = len(changes.sections)
        version.values_changed = len(changes.values)
        version.save(update_fields=["sections_changed", "values_changed"])
    return version


@transaction.atomic
def follow_up_mark(
    *, report: UnitReport, indicator_id: int, user, note: str = "", at=None
) -> FollowUp:
    """A reviewer marks one of the report's values for follow-up next quarter (again:
    the note is replaced)."""
    if not permissions.can_mark_follow_up(user, report):
        raise PermissionDenied
    if not report.values.filter(indicator_id=indicator_id).exists():
        raise ReportError(_("The report has no value for this indicator."))
    mark, _created = FollowUp.objects.update_or_create(
        report=report,
        indicator_id=indicator_id,
        defaults={"note": note, "by": user, "at": at or timezone.now()},
    )
    _tell_unit(
        report,
        kind=Kind.FOLLOW_UP,
        event=f"follow_up:{mark.pk}:{mark.at.isoformat()}",
        user=user,
        indicator=mark.indicator.name,
        comment=note,
    )
    return mark


@transaction.atomic
def follow_up_clear(*, report: UnitReport, indicator_id: int, user) -> None:
    """The reviewer takes the mark back."""
    if not permissions.can_mark_follow_up(user, report):
        raise PermissionDenied
    for mark in FollowUp.objects.filter(report=report, indicator_id=indicator_id):
        withdraw(event_prefix=f"follow_up:{mark.pk}:")
        mark.delete()


ANNEXES_MAX = 20  # on one report at once


@transaction.atomic
def annex_add(*, report: UnitReport, user, upload, extension: str) -> ReportAnnex:
    """Attach a checked file (``common.uploads.checked_extension`` gave its
    ``extension``) to a report its unit may still edit; stored under a generated name."""
    locked = _lock(report)
    if not permissions.can_edit_report(user, locked):
        raise PermissionDenied
    if locked.annexes.filter(removed_at__isnull=True).count() >= ANNEXES_MAX:
        raise ReportError(
            _("A report holds at most %(n)s annexes; take one off first.") % {"n": ANNEXES_MAX}
        )
    annex = ReportAnnex(
        report=locked,
        name=_annex_name(upload.name or "", extension),
        size=upload.size,
        added_by=user,
    )
    annex.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    annex.save()
    return annex


ANNEX_NAME_MAX = 200  # ReportAnnex.name
# Direction overrides make "hoso\u202efdp.exe" read as "hosoexe.pdf": not in a file name.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _annex_name(given: str, extension: str) -> str:
    """The name a file is downloaded under: the one the unit gave it, cleaned, on one
    line, without direction overrides, cut before its extension when too long (the
    extension, checked against the content, is what opens it)."""
    name = " ".join(clean_text(PurePath(given).name).translate(_BIDI_CONTROLS).split())
    stem, dot, suffix = name.rpartition(".")
    if not dot or suffix.lower() != extension:
        stem = name
    stem = stem[: ANNEX_NAME_MAX - len(extension) - 1].strip()
    return f"{stem or 'phu-luc'}.{extension}"


@transaction.atomic
def annex_remove(*, annex: ReportAnnex, user) -> None:
    """Take an annex off a report its unit may still edit; the submitted versions that
    held it keep it."""
    if not permissions.can_edit_report(user, _lock(annex.report)):
        raise PermissionDenied
    ReportAnnex.objects.filter(pk=annex.pk, removed_at__isnull=True).update(
        removed_at=timezone.now()
    )


@transaction.atomic
def report_version_add(*, report: UnitReport, user, at: datetime.datetime) -> ReportVersion:
    """Record a submission made outside the pages (a loader replaying one, as the demo
    does): the report's sections and values as they are now become its next version,
    sent by ``user`` at ``at``, with what it changed since the one before."""
    return _freeze_version(report, user=user, at=at)


@transaction.atomic
def report_versions_fill(*, reports: Iterable[UnitReport]) -> int:
    """Give filed reports made without the services (the demo, bulk imports) the version
    their stored text is, and the review their reviewed_* fields record. Returns how
    many versions were made; reports that have one are left alone.

    In bulk: a handful of queries however many reports (the demo loads hundreds).
    """
    sent = [report for report in reports if permissions.has_been_submitted(report)]
    have = set(ReportVersion.objects.filter(report__in=sent).values_list("report_id", flat=True))
    todo = [report for report in sent if report.pk not in have]
    versions = ReportVersion.objects.bulk_create(
        _version_of(
            report, number=1, user=report.submitted_by, at=report.submitted_at or timezone.now()
        )
        for report in todo
    )
    values: dict[int, list[IndicatorValue]] = {}
    for value in IndicatorValue.objects.filter(report__in=todo).select_related("indicator"):
        values.setdefault(value.report_id, []).append(value)
    ReportVersionValue.objects.bulk_create(
        (
            copied
            for version in versions
            for copied in _version_values(version, values.get(version.report_id, []))
        ),
        batch_size=500,
    )
    ReviewEvent.objects.bulk_create(
        ReviewEvent(
            version=version,
            outcome=report.status,
            comment=report.review_comment if report.status == ReportStatus.RETURNED else "",
            by=report.reviewed_by,
            at=report.reviewed_at,
        )
        for report, version in zip(todo, versions, strict=True)
        if report.status in (ReportStatus.ACCEPTED, ReportStatus.RETURNED) and report.reviewed_at
    )
    return len(versions)


def _current_version(report: UnitReport) -> ReportVersion:
    """The version under review: the latest one.

    A filed report created without the services (the demo, old imports) has
    none yet; its stored text is then what was filed, so it is frozen now.
    """
    version = report.versions.order_by("-number").first()
    if version is None:
        version = _freeze_version(
            report, user=report.submitted_by, at=report.submitted_at or timezone.now()
        )
    return version


def write_refusal_message(*, quarter, report: UnitReport | None) -> str:
    """Why a save or submission from a page its writer opened earlier is refused now:
    the quarter closed, the unit no longer owes the report, or the report was
    submitted meanwhile (by the head, or from another tab)."""
    if quarter.closed:
        return _closed_message()
    if report is None:
        return _("The unit does not report for this quarter: nothing was saved.")
    if report.no_longer_owed:
        return no_longer_owed_message()
    if not report.is_filed:
        return _("This report can no longer be changed here.")
    by = _who_and_when(report.submitted_by, report.submitted_at)
    if report.status == ReportStatus.ACCEPTED:
        return (
            _(
                "This report was submitted by %(who)s at %(when)s and has been accepted: it "
                "can no longer be changed here, and nothing was saved. Your browser keeps what "
                "you typed on this page; ask the commission to reopen the report if it must "
                "change."
            )
            % by
        )
    return (
        _(
            "This report was submitted by %(who)s at %(when)s while this page was open: it can "
            "no longer be changed here, and nothing was saved. Your browser keeps what you "
            "typed on this page; ask the commission to return the report if it must change."
        )
        % by
    )


def _who_and_when(user, at) -> dict[str, str]:
    """{"who": the user's name, "when": "dd/mm/yyyy hh:mm"} for a refusal's message
    ("—" for what is not recorded)."""
    return {
        "who": person_name(user, missing="—"),
        "when": timezone.localtime(at).strftime("%d/%m/%Y %H:%M") if at else "—",
    }


def review_refusal_message(report: UnitReport) -> str:
    """Why a review action met a report in another state (a repeated or racing click)."""
    if report.quarter.closed:
        return _closed_message()
    by = _who_and_when(report.reviewed_by, report.reviewed_at)
    if report.status == ReportStatus.ACCEPTED:
        return (
            _("This report was already accepted (by %(who)s at %(when)s). Nothing was changed.")
            % by
        )
    if report.status == ReportStatus.RETURNED:
        return (
            _(
                "This report was already sent back to the unit (by %(who)s at %(when)s). "
                "Nothing was changed."
            )
            % by
        )
    if report.status == ReportStatus.SUBMITTED:
        return _("This report is waiting for review, not accepted: there is nothing to reopen.")
    return _("This report has not been submitted: there is nothing to review.")


def _review(
    report: UnitReport,
    *,
    user,
    allowed: Callable[[permissions.AnyUser, UnitReport], bool],
    outcome: str,
    status: str,
    comment: str = "",
    event: ReportEvent,
) -> UnitReport:
    """Check the report's state under the row lock, then record the decision: the
    review event, the report's new ``status`` with the ``comment``, and the history row
    of the ``event``.

    A second click, or a reviewer racing another, finds the report already
    decided and gets a ReportLockedError saying so, never a second decision.
    """
    locked = _lock(report)
    _check_open(locked)
    if not allowed(user, locked):
        if permissions.reviews_unit(user, locked.unit_id):
            raise ReportLockedError(review_refusal_message(locked))
        raise PermissionDenied
    _claim_version(locked, locked.version)
    now = timezone.now()
    review = ReviewEvent.objects.create(
        version=_current_version(locked), outcome=outcome, comment=comment, by=user, at=now
    )
    locked.reviewed_at = now
    locked.reviewed_by = user
    locked.status = status
    locked.review_comment = comment
    _record(locked, user=user, event=event)
    _tell_unit(
        locked,
        kind=_TOLD_OF[ReviewOutcome(outcome)],
        event=f"report_{outcome}:{review.pk}",
        user=user,
        comment=comment,
    )
    return locked


_TOLD_OF = {
    ReviewOutcome.RETURNED: Kind.REPORT_RETURNED,
    ReviewOutcome.ACCEPTED: Kind.REPORT_ACCEPTED,
    ReviewOutcome.REOPENED: Kind.REPORT_REOPENED,
}


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"comment": message})
    return text


@transaction.atomic
def report_return(*, report: UnitReport, user, comment: str) -> UnitReport:
    """A reviewer sends a submitted report back to the unit with a comment."""
    return _review(
        report,
        user=user,
        allowed=permissions.can_review_report,
        outcome=ReviewOutcome.RETURNED,
        status=ReportStatus.RETURNED,
        comment=_required(comment, _("Say what the unit should change.")),
        event=ReportEvent.RETURNED,
    )


@transaction.atomic
def report_accept(*, report: UnitReport, user) -> UnitReport:
    """A reviewer accepts a submitted report; it becomes read-only."""
    return _review(
        report,
        user=user,
        allowed=permissions.can_review_report,
        outcome=ReviewOutcome.ACCEPTED,
        status=ReportStatus.ACCEPTED,
        event=ReportEvent.ACCEPTED,
    )


@transaction.atomic
def report_reopen(*, report: UnitReport, user, reason: str) -> UnitReport:
    """A reviewer reopens an accepted report: it goes back to the unit with the reason."""
    return _review(
        report,
        user=user,
        allowed=permissions.can_reopen_report,
        outcome=ReviewOutcome.REOPENED,
        status=ReportStatus.RETURNED,
        comment=_required(reason, _("Say why the report is reopened.")),
        event=ReportEvent.REOPENED,
    )


# --- Reminders ------------------------------------------------------------------


class AlreadyRemindedError(ReportError):
    """The unit was reminded of this report today already."""


@transaction.atomic
def report_remind(*, unit: Unit, quarter: Quarter, day: datetime.date, user=None) -> ReminderLog:
    """Remind the unit's staff that its report of ``quarter`` is due (or late): a
    reviewer's "remind" on the queue (``user``) or the daily job (no user).

    A unit is reminded once a day at most, whoever asks (the reminder's row is
    unique per unit, quarter and day), only while it owes the report unfiled, and
    only if someone is told (else nothing is recorded).
    """
    if user is not None and not permissions.can_remind(user, unit.pk, quarter):
        raise PermissionDenied
    if quarter.closed:
        raise ReportLockedError(_closed_message())
    owed = units_not_filed(quarter=quarter, scope=permissions.Scope(unit_ids=frozenset({unit.pk})))
    if not owed.filter(pk=unit.pk).exists():
        raise ReportError(
            _("%(unit)s has filed this report: there is nothing to remind.") % {"unit": unit.name}
        )
    try:
        with transaction.atomic():
            log = ReminderLog.objects.create(unit=unit, quarter=quarter, sent_on=day, sent_by=user)
    except IntegrityError:
        raise AlreadyRemindedError(
            _("%(unit)s was already reminded today; it can be reminded again tomorrow.")
            % {"unit": unit.name}
        ) from None
    days_left = quarter.days_left(day)
    log.recipients = notify(
        kind=Kind.REPORT_DUE if days_left >= 0 else Kind.REPORT_LATE,
        users=permissions.staff_of(unit.pk),
        event=f"report_reminder:{unit.pk}:{quarter.pk}:{day.isoformat()}",
        params={
            "unit": unit.name,
            **quarter_params(quarter),
            "due": f"{quarter.due_date:%d/%m/%Y}",
        },
        url=reverse("reports:report", kwargs={"unit_code": unit.code, "quarter": quarter}),
        actor=user,
    )
    if not log.recipients:
        # Not on record: a reminder nobody received would hide "remind" for the day.
        raise ReportError(
            _(
                "%(unit)s has nobody to remind: no active reporter or head, or they "
                "turned these reminders off."
            )
            % {"unit": unit.name}
        )
    log.save(update_fields=["recipients"])
    return log


# --- The consolidated report ------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """An excerpt of a unit's submitted report (``source``: its id) put into a section."""

    section: str
    source: int
    excerpt: str


def _quotes_kept(
    written: ConsolidatedReport, quotes: Iterable[Quote], *, user
) -> list[ConsolidatedQuote]:
    """The quotes whose report the user may read, of the same quarter, and whose excerpt
    is still in the section's text (diacritics and spacing aside); each once."""
    quotes = [q for q in quotes if q.section in ConsolidatedReport.SECTIONS and fold(q.excerpt)]
    sources = {
        report.id: report
        for report in UnitReport.objects.filter(
            pk__in={q.source for q in quotes}, quarter=written.quarter_id
        ).select_related("quarter")
        if permissions.can_view_report(user, report) and permissions.has_been_submitted(report)
    }
    kept: dict[tuple[str, int, str], ConsolidatedQuote] = {}
    for quote in quotes:
        key = (quote.section, quote.source, fold(quote.excerpt))
        if quote.source in sources and key[2] in fold(getattr(written, quote.section)):
            kept.setdefault(
                key,
                ConsolidatedQuote(
                    report=written,
                    section=quote.section,
                    source_id=quote.source,
                    excerpt=quote.excerpt,
                ),
            )
    return list(kept.values())


def _quote_keys(quotes: Iterable[ConsolidatedQuote]) -> set[tuple[str, int, str]]:
    return {(q.section, q.source_id, q.excerpt) for q in quotes}


@transaction.atomic
def consolidated_report_save(
    *,
    user,
    commission: Unit,
    quarter: Quarter,
    texts: dict[str, str],
    units_annex: bool,
    quotes: Iterable[Quote] = (),
    expected_version: int,
    final: bool = False,
) -> ConsolidatedReport:
    """Save the commission's consolidated report of the quarter as written (and, with
    ``final``, mark it final: it then no longer changes until taken back to a draft).

    A form opened on an older version is refused (``ConcurrentEditError``); saving what
    is on record writes nothing. The quotes kept are those still in their section.
    """
    written = (
        ConsolidatedReport.objects.select_for_update()
        .filter(unit=commission, quarter=quarter)
        .first()
    )
    if not permissions.can_write_consolidated_report(user, commission.id, written):
        if written is not None and written.is_final:
            raise ReportLockedError(
                _("The consolidated report is final: take it back to a draft to change it.")
            )
        raise PermissionDenied
    if written is None:  # nothing on record to overwrite, whatever version the form had
        written = ConsolidatedReport(unit=commission, quarter=quarter, version=0)
    changed = {
        name: text
        for name, text in texts.items()
        if name in ConsolidatedReport.SECTIONS and getattr(written, name) != text
    }
    for name, text in changed.items():
        setattr(written, name, text)
    status = DraftStatus.FINAL if final else DraftStatus.DRAFT
    # The form posts every quote (those on record included): what it leaves out goes.
    new_quotes = _quotes_kept(written, quotes, user=user)
    stored = list(written.quotes.all()) if written.pk else []
    if (
        written.pk
        and not changed
        and written.units_annex == units_annex
        and written.status == status
        and _quote_keys(new_quotes) == _quote_keys(stored)
    ):
        return written
    written.units_annex, written.status, written.updated_by = units_annex, status, user
    if written.pk:
        _claim_consolidated_version(written, expected_version)
    else:
        written.version = 1
    note_history(written, by=user)
    try:
        with transaction.atomic():
            written.save()
    except IntegrityError:
        # Two first saves at once: the other one is on record.
        raise ConcurrentEditError(_consolidated_on_record(commission, quarter)) from None
    written.quotes.all().delete()
    ConsolidatedQuote.objects.bulk_create(new_quotes)
    return written


def _consolidated_on_record(commission: Unit, quarter: Quarter) -> ConsolidatedReport:
    return ConsolidatedReport.objects.get(unit=commission, quarter=quarter)


def _claim_consolidated_version(written: ConsolidatedReport, expected_version: int) -> None:
    claimed = ConsolidatedReport.objects.filter(pk=written.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ConcurrentEditError(ConsolidatedReport.objects.get(pk=written.pk))
    written.version = expected_version + 1


@transaction.atomic
def consolidated_report_reopen(
    *, user, written: ConsolidatedReport, expected_version: int
) -> ConsolidatedReport:
    """Take a final consolidated report back to a draft, on record."""
    written = ConsolidatedReport.objects.select_for_update().get(pk=written.pk)
    if not permissions.can_reopen_consolidated_report(user, written.unit_id, written):
        raise PermissionDenied
    _claim_consolidated_version(written, expected_version)
    written.status, written.updated_by = DraftStatus.DRAFT, user
    note_history(written, by=user).save()
    return written
