"""Dates people type stay within 2000-2100, and dates stored anyway never break a page.

Every date and date-time field users can fill is a ``BoundedDateField`` or
``BoundedDateTimeField``: forms and the admin refuse a date outside
``DATE_MIN``..``DATE_MAX`` with a Vietnamese message (``date_in_range``).

A date stored by other means (an old row, a raw update, a restore) may still
be anything Python can hold. Converting 9999-12-31 23:00 UTC to Hanoi time, or
adding a day to 9999-12-31, overflows; so these fields hand back such a
value moved just inside ``SAFE_MIN``..``SAFE_MAX`` (a few years from either
end of what Python can hold): every page, export and admin form shows it, and
the admin can correct it; a date-time given to a query (a filter in a URL) is
moved likewise. Nothing real is ever that far out.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

DATE_MIN = datetime.date(2000, 1, 1)
DATE_MAX = datetime.date(2100, 12, 31)

# Far enough from datetime.MINYEAR/MAXYEAR that a time-zone change or a few
# years of date arithmetic cannot overflow.
SAFE_MIN = datetime.date(datetime.MINYEAR + 10, 1, 1)
SAFE_MAX = datetime.date(datetime.MAXYEAR - 10, 12, 31)


def date_in_range(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date (or the day of a date-time) outside DATE_MIN..DATE_MAX."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_range",
            params={
                "first": formats.date_format(DATE_MIN, "d/m/Y"),
                "last": formats.date_format(DATE_MAX, "d/m/Y"),
            },
        )


def day_after(day: datetime.date) -> datetime.datetime:
    """The first moment after ``day`` (midnight that ends it) in the site's time zone:
    what happened before it happened by the end of that day."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()),
        timezone.get_default_timezone(),
    )


def safe_date(value: datetime.date | None) -> datetime.date | None:
    """The date, moved inside SAFE_MIN..SAFE_MAX if it lies beyond."""
    if value is None:
        return None
    return min(max(value, SAFE_MIN), SAFE_MAX)


def safe_datetime(value: datetime.datetime | None) -> datetime.datetime | None:
    """The date-time, moved inside SAFE_MIN..SAFE_MAX (whole days) if it lies beyond."""
    if value is None:
        return None
    tz = value.tzinfo
    if value.date() < SAFE_MIN:
        return datetime.datetime.combine(SAFE_MIN, datetime.time(), tzinfo=tz)
    if value.date() > SAFE_MAX:
        return datetime.datetime.combine(SAFE_MAX, datetime.time(23, 59, 59), tzinfo=tz)
    return value


def safe_localtime(value: datetime.datetime) -> datetime.datetime:
    """``timezone.localtime`` that cannot overflow on a date near year 1 or 9999."""
    return timezone.localtime(safe_datetime(value))


class BoundedDateField(models.DateField):
    """A date people type: 2000-2100 in forms and the admin; never an overflow when read."""

    default_validators = [date_in_range]

    def deconstruct(self):
        # The column is a plain DateField's: migrations need not know the difference.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateField", args, kwargs

    def from_db_value(self, value, expression, connection):
        return safe_date(value)


class BoundedDateTimeField(models.DateTimeField):
    """A date-time people type: 2000-2100 in forms and the admin; never an overflow when read."""

    default_validators = [date_in_range]

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs

    def from_db_value(self, value, expression, connection):
        return safe_datetime(value)

    def get_prep_value(self, value):
        # A query or save with 0001-01-01 00:00 local time would overflow on its way to UTC.
        return safe_datetime(super().get_prep_value(value))


def query_date(raw: str | None, *, default: datetime.date) -> datetime.date | None:
    """A date typed in a query (a date input sends 2024-03-14; 14/03/2024 is read too):
    ``default`` when none was given, None when what was given is not a date within
    DATE_MIN..DATE_MAX."""
    raw = (raw or "").strip()
    if not raw:
        return default
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        return day if DATE_MIN <= day <= DATE_MAX else None
    return None
