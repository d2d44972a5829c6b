"""Figures as people type them and as pages print them: one parser, one format, one field.

Vietnamese pages write 1.234.567,5 and English pages 1,234,567.5, so "10,000"
on a Vietnamese page is either ten (as written there) or ten thousand (as an
English habit would have it). A figure 1,000× off in a Party report is worse
than a question: a text that the two readings would give different figures for
is refused with both readings shown, never guessed (docs/ARCHITECTURE.md, "Figures"). Parsing is
Babel's strict decimal parsing, which checks the grouping (groups of three).

Also the one reader of whole numbers from a query string (`query_int`): ASCII
digits only, so "²" or "٣" (which Python's int() and str.isdigit() accept) are
treated like any other bad input, never a 500.
"""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import TypeGuard, overload

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

# Every stored figure: up to a trillion, two decimal places (docs/ARCHITECTURE.md, "Figures").
VALUE_MAX_DIGITS = 14
VALUE_DECIMAL_PLACES = 2
VALUE_MAX = Decimal("999999999999.99")

# The languages whose number writing the app knows; any other reads as Vietnamese.
_LOCALES = {"vi": "vi", "en": "en"}
_OTHER = {"vi": "en", "en": "vi"}
# What a typed figure may contain once spaces are dealt with: ASCII digits and the
# two marks. Babel would otherwise take "1e30", "NaN" or Arabic-Indic digits.
_FIGURE_TEXT = re.compile(r"[+-]?[0-9.,]*[0-9][0-9.,]*")
# Spaces people put between groups of digits (plain, no-break, narrow no-break).
_DIGIT_SPACE_DIGIT = re.compile(r"(?<=[0-9])[\s\u00a0\u202f]+(?=[0-9])")
_ASCII_WHOLE = re.compile(r"[0-9]{1,18}")


def page_language(language: str | None = None) -> str:
    """ "vi" or "en": the number writing of the given (or the active) language."""
    code = (language or translation.get_language() or "vi").split("-")[0].lower()
    return code if code in _LOCALES else "vi"


def format_figure(value, *, language: str | None = None, places: int | None = 2) -> str:
    """A figure as pages print it and inputs show it: grouped, decimals only when any.

    1234.5 → "1.234,5" on a Vietnamese page, "1,234.5" on an English one;
    12.00 → "12"; rounded to `places` decimals (None: as many as it has).
    `parse_figure` reads this text back to the same value.
    """
    if value is None or value == "":
        return ""
    value = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return _formatted(value, _LOCALES[page_language(language)], places)


def _formatted(value: Decimal, locale: str, places: int | None) -> str:
    """``format_figure`` of ``value``, remembered by how it is written (1.0 and 1.00
    apart): a quarter page prints some 600 figures, most of them alike (0, 1, 12...),
    and Babel takes 0.1 ms a figure."""
    return _formatted_text(str(value), locale, places)


@functools.lru_cache(maxsize=4096)
def _formatted_text(text: str, locale: str, places: int | None) -> str:
    value = Decimal(text)
    if not value.is_finite():
        return str(value)
    # Enough precision for any figure's digits (the default 28 would fail on a huge one).
    digits = len(value.as_tuple().digits) + abs(value.adjusted()) + (places or 0) + 4
    with localcontext(prec=max(28, digits)):
        if places is not None:
            value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return format_decimal(value, format="#,##0.##", locale=locale, decimal_quantization=False)


def _written_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _reading(text: str, language: str) -> Decimal | None:
    """The figure `text` is under `language`'s strict writing, or None if it is not one."""
    locale = _LOCALES[language]
    # Spaces between digits are a grouping: give them the language's group mark and
    # let the strict reading check the groups ("2 000" yes, "2 5" no).
    group = "." if language == "vi" else ","
    grouped = _DIGIT_SPACE_DIGIT.sub(group, text)
    try:
        value = parse_decimal(grouped, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _loose_reading(text: str, language: str) -> Decimal | None:
    """The figure `text` is with the language's group marks ignored ("2.5" → 25 in vi)."""
    try:
        value = parse_decimal(
            _DIGIT_SPACE_DIGIT.sub("", text), locale=_LOCALES[language], strict=False
        )
    except (NumberFormatError, InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def _not_a_number(language: str) -> ValidationError:
    return ValidationError(
        _("Enter a number, for example %(whole)s or %(fraction)s.")
        % {
            "whole": format_figure(1234, language=language),
            "fraction": format_figure(Decimal("12.5"), language=language),
        },
        code="invalid",
    )


def _possible(value: Decimal | None, places: int) -> TypeGuard[Decimal]:
    """Whether a reading could be a figure: within the column's range and decimals."""
    return value is not None and abs(value) <= VALUE_MAX and _written_places(value) <= places


def parse_figure(
    text: str,
    *,
    language: str | None = None,
    whole: bool = False,
    max_value: Decimal | None = None,
    places: int = VALUE_DECIMAL_PLACES,
) -> Decimal:
    """A figure as typed on a page in `language` (default: the active one).

    Accepted on a Vietnamese page: "1234", "1.234", "1 234", "1.234,5", "12,5", "0".
    Refused, with both readings shown: a text the English writing would read as a
    different, possible figure ("10,000": 10 or 10.000; "1,500": 1,5 or 1.500), and a
    text only the English writing reads ("2.5": 2,5 or 25). Refused with a message:
    anything else that is not a number, a negative, more than `places` decimals, a
    fraction when `whole`, and anything above `max_value` or the column's maximum.
    Raises ValidationError with the message to show next to the field.
    """
    language = page_language(language)
    other = _OTHER[language]
    shown = str(text).strip()
    if not _FIGURE_TEXT.fullmatch(_DIGIT_SPACE_DIGIT.sub("", shown)):
        raise _not_a_number(language)
    mine = _reading(shown, language)
    theirs = _reading(shown, other)
    if mine is None or (theirs is not None and theirs != mine and _possible(theirs, places)):
        candidates = [mine.normalize()] if mine is not None else []
        # The group marks ignored ("2.5" → 25 on a Vietnamese page); spaces are only
        # ever a grouping, so "2 5" has no such reading.
        loose = (
            _loose_reading(shown, language)
            if mine is None and shown == _DIGIT_SPACE_DIGIT.sub("", shown)
            else None
        )
        candidates += [r for r in (loose, theirs) if _possible(r, places)]
        readings = sorted({r.normalize() + 0 for r in candidates})
        if len(readings) == 2:
            first, second = (format_figure(r, language=language, places=None) for r in readings)
            raise ValidationError(
                _(
                    "“%(text)s” could mean %(first)s or %(second)s. Type it again as this "
                    "page writes numbers: %(first)s or %(second)s."
                )
                % {"text": shown, "first": first, "second": second},
                code="ambiguous",
            )
        if len(readings) == 1 and mine is None:
            raise ValidationError(
                _("“%(text)s” is not how this page writes numbers: type %(suggestion)s.")
                % {"text": shown, "suggestion": format_figure(readings[0], language=language)},
                code="foreign",
            )
        if mine is None:
            raise _not_a_number(language)
    value = mine + 0  # "-0" is 0
    if value < 0:
        raise ValidationError(_("A value cannot be negative."), code="negative")
    if _written_places(value.normalize()) > places:
        raise ValidationError(
            _("Use at most %(places)s decimal places.") % {"places": places}, code="places"
        )
    if whole and value != value.to_integral_value():
        raise ValidationError(
            _("This is counted in whole units: enter a whole number, without decimals."),
            code="whole",
        )
    if value > VALUE_MAX:
        raise ValidationError(_("This number is far too large; check it."), code="too_large")
    if max_value is not None and value > max_value:
        raise ValidationError(
            _("This figure cannot be above %(limit)s.")
            % {"limit": format_figure(max_value, language=language)},
            code="max_value",
        )
    return value.quantize(Decimal(1).scaleb(-places))


class FigureInput(forms.TextInput):
    """A text input for a figure: grouped as the page writes it, any keyboard."""

    def __init__(self, attrs=None, *, whole: bool = False):
        defaults = {
            "inputmode": "numeric" if whole else "decimal",
            "autocomplete": "off",
            "class": "text-end",
            "data-figure": "",
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int, float)) and not isinstance(value, bool):
            return format_figure(Decimal(str(value)))
        return super().format_value(value)


class FigureField(forms.Field):
    """Every figure people type: read by `parse_figure` in the page's language.

    `whole` refuses fractions (people, sessions, models); `max_value` is a ceiling
    such as 100 for a percentage. The value is a Decimal, or None when left empty.
    """

    widget = FigureInput

    def __init__(
        self,
        *,
        whole: bool = False,
        max_value: Decimal | int | None = None,
        places: int = VALUE_DECIMAL_PLACES,
        **kwargs,
    ):
        # As the form class of a model DecimalField (the admin's formfield_overrides).
        kwargs.pop("max_digits", None)
        places = kwargs.pop("decimal_places", None) or places
        kwargs.pop("min_value", None)
        kwargs.pop("localize", None)
        self.whole = whole
        self.max_value = None if max_value is None else Decimal(max_value)
        self.places = places
        kwargs.setdefault("widget", FigureInput(whole=whole))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return value
        if len(str(value)) > 40:
            raise ValidationError(_("This number is far too large; check it."), code="too_large")
        return parse_figure(
            str(value),
            whole=self.whole,
            max_value=self.max_value,
            places=self.places,
        )

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_figure(value)
        return value


def whole_units_errors(indicator, **figures) -> dict[str, ValidationError]:
    """The figures (name → value) an indicator counted in whole units refuses: fractions.

    The one rule for every form where the indicator is chosen beside the figure
    (a directive's target, a value in admin).
    """
    if indicator is None or not indicator.whole_numbers:
        return {}
    return {
        name: ValidationError(
            _("This is counted in whole units: enter a whole number, without decimals."),
            code="whole",
        )
        for name, value in figures.items()
        if value is not None and Decimal(str(value)) % 1 != 0
    }


@overload
def query_int(raw, *, default: int, minimum: int = 0, maximum: int | None = None) -> int: ...


@overload
def query_int(
    raw, *, default: None = None, minimum: int = 0, maximum: int | None = None
) -> int | None: ...


def query_int(
    raw, *, default: int | None = None, minimum: int = 0, maximum: int | None = None
) -> int | None:
    """A whole number from a query string or a posted field, or `default`.

    ASCII digits only ("²", "٣", "1e9", "-1", " 3" and "abc" give the default),
    at most 18 of them, and within [minimum, maximum]: a bad or odd value in a URL
    is treated as absent, never a 500.
    """
    if not isinstance(raw, str) or not _ASCII_WHOLE.fullmatch(raw):
        return default
    number = int(raw)
    if number < minimum or (maximum is not None and number > maximum):
        return default
    return number


def page_number(query, name: str = "page") -> int:
    """The page asked for in a query string (?page=3), 1 when absent or odd.

    Past the last page, Paginator.get_page answers with the last page.
    """
    return query_int(query.get(name), default=1, minimum=1)
