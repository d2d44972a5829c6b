"""The reporting cycle's data: units, who works in them, quarters, indicators,
the units' quarterly reports and the indicator values they carry."""

import datetime
import re
import uuid
from collections.abc import Iterable
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connections, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.dates import BoundedDateField, BoundedDateTimeField
from common.fields import CleanCharField, CleanTextField, actor_field
from common.history import HistoricalRecords
from common.numbers import VALUE_DECIMAL_PLACES, VALUE_MAX, VALUE_MAX_DIGITS, format_figure
from common.text import clean_text, fold, search_text
from common.types import StrOrPromise
from reports import rules

# The largest figure any indicator may carry: 12 digits before the point is
# already a thousand billion, far beyond any unit's quarter.

# Far longer than any real section (a long one runs to 5,000 characters), short
# enough that a pasted book is refused with a message instead of stored.
SECTION_MAX_LENGTH = 20_000
# A reviewer's reason for returning or reopening a report.
COMMENT_MAX_LENGTH = 5_000
NOTE_MAX_LENGTH = 500


class UnitKind(models.TextChoices):
    MASS_MOBILIZATION = "mass_mobilization", _("Mass mobilization commission")
    FRONT = "front", _("Fatherland Front")
    MASS_ORG = "mass_org", _("Mass organisation")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    GOVERNMENT = "government", _("Government")
    PARTY_COMMITTEE = "party_committee", _("Local Party committee")


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class UnitQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date) -> "UnitQuerySet":
        """Units that exist on ``day``: the SQL twin of ``Unit.is_active_on``."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def owing_report_for(self, quarter: "Quarter") -> "UnitQuerySet":
        """Units that owe (and may start) a report for ``quarter``: the SQL twin of
        ``Unit.owes_report_for``, read through ``reports.aggregation.expected_units``."""
        return self.filter(submits_reports=True).active_on(quarter.end_date)

    def root_ids(self) -> frozenset[int]:
        """The units without a parent: the tops of the trees (one query)."""
        return frozenset(self.filter(parent__isnull=True).values_list("id", flat=True))

    def subtree_ids(self, unit_ids: Iterable[int]) -> frozenset[int]:
        """``unit_ids`` and every unit under them through ``parent``, however deep.

        One query, a recursive CTE read by the database's own index on ``parent``:
        it visits only the subtrees asked for, so it costs a province's few hundred
        rows at national scale, not the 20,000 of the whole tree. ``UNION`` (not
        ``UNION ALL``) drops a row already found, so a loop in ``parent`` (which a
        reorganisation could make by mistake) ends instead of running forever.
        """
        return self._walk(unit_ids, down=True)

    def ancestor_ids(self, unit_ids: Iterable[int]) -> frozenset[int]:
        """``unit_ids`` and every unit above them up to their roots (one query)."""
        return self._walk(unit_ids, down=False)

    def _walk(self, unit_ids: Iterable[int], *, down: bool) -> frozenset[int]:
        ids = sorted({int(unit_id) for unit_id in unit_ids})
        if not ids:
            return frozenset()
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        # Down: a unit whose parent is in the walk; up: the parent of a unit in it.
        join = "u.parent_id = walk.id" if down else "u.id = walk.parent_id"
        sql = (
            f"WITH RECURSIVE walk(id, parent_id) AS ("  # noqa: S608  # nosec B608 - names quoted, ids bound
            f" SELECT id, parent_id FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))})"
            f" UNION SELECT u.id, u.parent_id FROM {table} u JOIN walk ON {join}"
            f") SELECT id FROM walk"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, ids)
            return frozenset(row[0] for row in cursor.fetchall())

    def in_existence(self) -> "UnitQuerySet":
        """Units that exist today, the only ones offered for new work (a directive's
        units, a meeting's attendance, a recommendation's author): ``Unit.is_active_on``
        today. A stored choice outside them is kept, never dropped."""
        return self.active_on(timezone.localdate())


class Unit(models.Model):
    """A body that files quarterly reports and receives directives.

    Units are reorganised (districts abolished, commissions merged), so a unit
    has validity dates and points to the unit that took over its work.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = CleanCharField(_("name"), max_length=200)
    short_name = CleanCharField(_("short name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(
        _("level"), max_length=10, choices=UnitLevel.choices, default=UnitLevel.PROVINCE
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    submits_reports = models.BooleanField(
        _("files quarterly reports"),
        default=True,
        help_text=_("Untick for units that only group others and report nothing themselves."),
    )
    valid_from = BoundedDateField(_("valid from"), null=True, blank=True)
    valid_to = BoundedDateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("The unit that took over this unit's work after a merger or reorganisation."),
    )
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["display_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="unit_valid_to_after_valid_from",
                violation_error_message=_("A unit cannot end before it begins."),
            ),
            models.CheckConstraint(
                condition=~Q(successor=F("id")),
                name="unit_not_its_own_successor",
                violation_error_message=_("A unit cannot be its own successor."),
            ),
        ]
        indexes = [models.Index(fields=["kind", "display_order"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = search_text(self.code, self.name, self.short_name)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def is_active_on(self, day: datetime.date) -> bool:
        """Whether the unit existed on ``day`` (open-ended validity counts)."""
        starts_ok = self.valid_from is None or self.valid_from <= day
        ends_ok = self.valid_to is None or day <= self.valid_to
        return starts_ok and ends_ok

    def _former_name_on(self, day: datetime.date) -> "UnitName | None":
        """The first former name still in use on ``day`` (none: today's name was).
        Reads ``former_names``: prefetch them where many units are named."""
        for former in sorted(self.former_names.all(), key=lambda f: f.used_until):
            if day <= former.used_until:
                return former
        return None

    def name_on(self, day: datetime.date) -> str:
        """The name the unit's documents carry on ``day``: the first former name still
        in use then, else today's (renamings are recorded as ``UnitName``). The SQL
        twin is ``name_on_expression``."""
        former = self._former_name_on(day)
        return self.name if former is None else former.name

    def label_on(self, day: datetime.date) -> str:
        """``label`` (the short name, else the name) as the unit carried it on ``day``."""
        former = self._former_name_on(day)
        if former is None:
            return self.label
        return former.short_name or former.name

    def owes_report_for(self, quarter: "Quarter") -> bool:
        """Whether the unit owes (and may start) a report for ``quarter``.

        It does when it files reports and exists on the quarter's *last* day: the
        unit that carries the work at the end of the quarter reports the whole
        quarter. A unit that ended during the quarter handed its work to its
        successor and owes nothing; a unit that ends on the last day still reports;
        a unit that began during the quarter reports it. The SQL twin is
        ``Unit.objects.owing_report_for``.
        """
        return self.submits_reports and self.is_active_on(quarter.end_date)


class ReorganisationKind(models.TextChoices):
    MERGE = "merge", _("Merger")
    SPLIT = "split", _("Split")
    RENAME = "rename", _("Renaming")
    MOVE = "move", _("Move to another parent")
    DISSOLVE = "dissolve", _("Dissolution")


class Reorganisation(models.Model):
    """A change of the structure, as decided: what, from when, and by which document.

    Carried out only by ``structure.services`` (the admin's wizard and the
    ``reorganise`` command), which sets the units' validity, successors, names and
    parents, records the ``UnitLink``s and ``UnitName``s, and hands over what was
    open (``structure.models.Handover``) in the same transaction.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReorganisationKind.choices)
    effective_on = BoundedDateField(_("effective from"))
    decision_number = CleanCharField(_("decision number"), max_length=100)
    decision_date = BoundedDateField(_("decision date"))
    summary = CleanTextField(_("summary"), max_length=NOTE_MAX_LENGTH * 4, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("reorganisation")
        verbose_name_plural = _("reorganisations")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.effective_on:%d/%m/%Y} · {self.decision_number}"


class UnitLink(models.Model):
    """A predecessor's work (and its figures, by ``share``) carried on by a successor.

    A merger links each old unit to the new one with share 1; a split links the old
    unit to each new one with the share of its figures the decision gave it.
    Comparisons across quarters read these links (``reports.aggregation.lineage``).
    """

    reorganisation = models.ForeignKey(
        Reorganisation,
        verbose_name=_("reorganisation"),
        on_delete=models.PROTECT,
        related_name="links",
    )
    predecessor = models.ForeignKey(
        Unit,
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Unit,
        verbose_name=_("successor"),
        on_delete=models.PROTECT,
        related_name="predecessor_links",
    )
    share = models.DecimalField(
        _("share of figures"),
        max_digits=5,
        decimal_places=4,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )

    class Meta:
        verbose_name = _("unit link")
        verbose_name_plural = _("unit links")
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_link_once_per_pair"
            ),
            models.CheckConstraint(
                condition=Q(share__gt=0) & Q(share__lte=1), name="unit_link_share_0_to_1"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="unit_link_not_to_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.share:%})"

    @property
    def share_percent(self) -> str:
        """The share as the pages, the wizard and the command show it: "40 %"."""
        return f"{format_figure(self.share * 100)} %"


class UnitName(models.Model):
    """A name a unit carried until a renaming: documents dated before ``used_until``
    (inclusive) carry it (``Unit.name_on``)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="former_names"
    )
    name = CleanCharField(_("name"), max_length=200)
    short_name = CleanCharField(_("short name"), max_length=80, blank=True)
    used_until = BoundedDateField(_("used until"))
    reorganisation = models.ForeignKey(
        Reorganisation,
        verbose_name=_("reorganisation"),
        on_delete=models.PROTECT,
        related_name="former_names",
    )

    class Meta:
        verbose_name = _("former name")
        verbose_name_plural = _("former names")
        ordering = ["unit", "used_until"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "used_until"], name="unit_name_once_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.name} (→ {self.used_until:%d/%m/%Y})"


class SignerCapacity(models.TextChoices):
    """How the signer signs (Hướng dẫn 36-HD/VPTW): for a collective body (T/M), in
    the head's place (K/T), by order (T/L), or as the head, directly."""

    DIRECT = "", _("directly, as the head")
    ON_BEHALF = "T/M", _("T/M: on behalf of a collective body")
    DEPUTY = "K/T", _("K/T: a deputy, for the head")
    BY_ORDER = "T/L", _("T/L: by order")


class DocumentStyle(models.TextChoices):
    """Which rules a unit's documents follow: the Party's (Hướng dẫn 36-HD/VPTW) for
    the Party's own bodies, the state's (Nghị định 30/2020) as the Front, the mass
    organisations and the armed forces apply it (``reports.issuers.style_of``)."""

    BY_KIND = "", _("by the kind of unit")
    PARTY = "party", _("Party style (Hướng dẫn 36-HD/VPTW)")
    STATE = "state", _("State style (Nghị định 30/2020)")


class DocumentIssuer(models.Model):
    """What a unit's documents carry from a date on: the number's symbol, the place,
    the signature and "Nơi nhận" (docs/DOCUMENTS.md). The header names the unit and
    its direct superior as they were on the document's date (``reports.issuers``);
    ``superior`` and ``header_name`` replace them where the tree cannot say it (the
    Tỉnh ủy's own superior is the Đảng bộ tỉnh, which is not a unit)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="issuer_details"
    )
    valid_from = BoundedDateField(
        _("for documents dated from"),
        help_text=_("A new signer or symbol: add a row from the day it applies."),
    )
    style = models.CharField(
        _("document style"),
        max_length=5,
        choices=DocumentStyle.choices,
        blank=True,
        default=DocumentStyle.BY_KIND,
        help_text=_(
            "Party bodies (commissions, Party committees, Party delegations) follow the "
            "Party's rules; the Front, the mass organisations and the armed forces the "
            "state's, unless set here."
        ),
    )
    motto = CleanCharField(
        _("right-hand heading"),
        max_length=200,
        blank=True,
        help_text=_(
            "Empty: ĐẢNG CỘNG SẢN VIỆT NAM in the Party style, the country's name and motto "
            "in the state style. The Youth Union writes ĐOÀN TNCS HỒ CHÍ MINH."
        ),
    )
    superior = CleanCharField(
        _("superior, as the header writes it"),
        max_length=200,
        blank=True,
        help_text=_(
            "The upper line of the header, such as TỈNH ỦY QUẢNG NINH. "
            "Empty: the parent unit's name on the document's date."
        ),
    )
    header_name = CleanCharField(
        _("name, as the header writes it"),
        max_length=200,
        blank=True,
        help_text=_(
            "The lower line, such as BAN TUYÊN GIÁO VÀ DÂN VẬN or TỈNH ỦY. "
            "Empty: the unit's name on the document's date, without its committee's."
        ),
    )
    symbol = models.CharField(
        _("symbol in document numbers"),
        max_length=20,
        validators=[
            RegexValidator(r"^[A-ZĐ]+$", _("Capital letters only, such as BTGDVTU or TU."))
        ],
        help_text=_('"BTGDVTU" makes "Số 12-BC/BTGDVTU".'),
    )
    place = CleanCharField(_("place in the date line"), max_length=60)
    signer_capacity = models.CharField(
        _("signs"), max_length=3, choices=SignerCapacity.choices, blank=True, default=""
    )
    signer_for = CleanCharField(
        _("on behalf of"),
        max_length=100,
        blank=True,
        help_text=_("After T/M, K/T or T/L: BAN THƯỜNG VỤ, TRƯỞNG BAN…"),
    )
    signer_title = CleanCharField(
        _("signer's title"), max_length=100, help_text=_("CHÁNH VĂN PHÒNG, TRƯỞNG BAN…")
    )
    signer_name = CleanCharField(_("signer's name"), max_length=100)
    recipients = CleanTextField(
        pgettext_lazy("document", "recipients"),
        max_length=2000,
        blank=True,
        help_text=_(
            'One a line, such as "Thường trực Tỉnh ủy (để b/c)"; the dash and the comma are added.'
        ),
    )
    kept_by = CleanCharField(
        _("kept by"),
        max_length=100,
        help_text=_(
            'The last line of "Nơi nhận": "Văn phòng Tỉnh ủy" makes "- Lưu Văn phòng Tỉnh ủy."'
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document issuer details")
        verbose_name_plural = _("document issuer details")
        ordering = ["unit", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "valid_from"], name="document_issuer_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.symbol}, {self.valid_from:%d/%m/%Y})"

    def clean(self) -> None:
        super().clean()
        if self.signer_capacity and not self.signer_for:
            raise ValidationError(
                {
                    "signer_for": _("Say on whose behalf: %(capacity)s needs it.")
                    % {"capacity": self.signer_capacity}
                }
            )
        if self.signer_for and not self.signer_capacity:
            raise ValidationError(
                {"signer_capacity": _("Choose T/M, K/T or T/L, or leave on whose behalf empty.")}
            )


def name_on_expression(day: datetime.date, prefix: str = "") -> Coalesce:
    """The SQL twin of ``Unit.name_on``: the first former name still in use on ``day``,
    else today's; ``prefix`` is the path to the unit ("report__unit__") when the query
    starts elsewhere (NULL where that path leads to no unit)."""
    former = (
        UnitName.objects.filter(unit_id=OuterRef(f"{prefix}id"), used_until__gte=day)
        .order_by("used_until")
        .values("name")[:1]
    )
    return Coalesce(Subquery(former), F(f"{prefix}name"), output_field=models.CharField())


class MembershipRole(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    HEAD = "head", _("Head of unit")
    REVIEWER = "reviewer", _("Reviewer (of the unit and the units under it)")
    LEADERSHIP = "leadership", _("Leadership (of the unit and the units under it)")


# The Django groups the roles were read from before they were held on units (migration
# reports 0014). Their rows stay, for older backups; no code reads them. People see
# that they are no longer used (Group.__str__, set in ReportsConfig.ready).
RETIRED_ROLE_GROUPS = {
    "reviewers": _("Reviewers (group no longer used: the role is held on a unit)"),
    "leadership": _("Leadership (group no longer used: the role is held on a unit)"),
}

# The roles that act for the unit itself, and those that act on its whole subtree.
STAFF_ROLES = (MembershipRole.REPORTER, MembershipRole.HEAD)
OVERSIGHT_ROLES = (MembershipRole.REVIEWER, MembershipRole.LEADERSHIP)


class Membership(models.Model):
    """A user's role on a unit: reporter (drafts) or head (also submits) act for the
    unit; reviewer or leadership act on the unit and every unit under it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["unit__display_order", "unit__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="membership_one_role_per_unit",
                violation_error_message=_("This user already belongs to this unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} ({self.get_role_display()})"


# Only the canonical form: ASCII digits, a four-digit year, quarters 1-4.
SLUG_PATTERN = re.compile(r"(?P<year>\d{4})-q(?P<number>[1-4])", re.ASCII)


class QuarterQuerySet(models.QuerySet["Quarter"]):
    def get_by_slug(self, slug: str) -> "Quarter":
        """The quarter of a slug like ``2024-q1``; raises DoesNotExist for anything else."""
        match = SLUG_PATTERN.fullmatch(slug)
        if match is None:
            raise self.model.DoesNotExist(slug)
        return self.get(year=int(match["year"]), number=int(match["number"]))

    def current(self) -> "Quarter | None":
        """The quarter units are working on: the latest one not yet closed."""
        return self.filter(closed=False).order_by("-year", "-number").first()

    def ending_after(self, day: datetime.date) -> "QuarterQuerySet":
        """Quarters whose last day is after ``day``: the one holding ``day`` (unless
        ``day`` is its last) and every later one."""
        number = (day.month - 1) // 3 + 1
        if day == rules.quarter_bounds(day.year, number)[1]:
            return self.filter(Q(year__gt=day.year) | Q(year=day.year, number__gt=number))
        return self.filter(Q(year__gt=day.year) | Q(year=day.year, number__gte=number))

    def figures_changed(self) -> int:
        """Mark these quarters' indicator figures as changed (see ``Quarter.figures_token``)."""
        return self.update(figures_token=uuid.uuid4())


class Quarter(models.Model):
    """A reporting quarter, "Quý I/2024", with the date its reports are due."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    number = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    due_date = BoundedDateField(_("report due date"))
    closed = models.BooleanField(
        _("closed"),
        default=False,
        help_text=_("A closed quarter's reports can no longer be changed."),
    )
    # Changes whenever a report or value of the quarter changes, and for every quarter
    # when a unit, a unit's name, a link or an indicator does (reports.signals), in the
    # same transaction: cached figures and completeness are keyed by it, so they are
    # never stale.
    figures_token = models.UUIDField(default=uuid.uuid4, editable=False)

    history = HistoricalRecords()
    objects = QuarterQuerySet.as_manager()

    class Meta:
        verbose_name = _("quarter")
        verbose_name_plural = _("quarters")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "number"],
                name="quarter_unique_year_number",
                violation_error_message=_("This quarter already exists."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=4),
                name="quarter_number_1_to_4",
                violation_error_message=_("A quarter is numbered 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("quarters:detail", kwargs={"quarter": self})

    @property
    def label(self) -> str:
        return _("Q%(roman)s/%(year)s") % {"roman": rules.ROMAN[self.number], "year": self.year}

    @property
    def slug(self) -> str:
        return f"{self.year}-q{self.number}"

    @property
    def start_date(self) -> datetime.date:
        return rules.quarter_bounds(self.year, self.number)[0]

    @property
    def end_date(self) -> datetime.date:
        return rules.quarter_bounds(self.year, self.number)[1]

    def previous_key(self) -> tuple[int, int]:
        """(year, number) of the quarter before this one."""
        if self.number == 1:
            return self.year - 1, 4
        return self.year, self.number - 1

    def document_day(self) -> datetime.date:
        """The default date of a document of the quarter (a report, the consolidated
        report, the register): its last day, or today while it runs."""
        return min(self.end_date, timezone.localdate())

    def days_left(self, today: datetime.date | None = None) -> int:
        return rules.days_left(due_date=self.due_date, today=today or timezone.localdate())

    def is_past_due(self, today: datetime.date | None = None) -> bool:
        """Whether the reports' due date has passed (``rules.is_past_due``)."""
        return rules.is_past_due(due_date=self.due_date, today=today or timezone.localdate())


class Accumulation(models.TextChoices):
    FLOW = "flow", _("Flow (added up over the quarters)")
    STOCK = "stock", _("Stock (level at quarter end)")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum over units")
    MEAN = "mean", _("Mean over units (rates, percentages)")


class Indicator(models.Model):
    """A measured figure units report each quarter (chỉ tiêu)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = CleanCharField(_("name"), max_length=255)
    group = CleanCharField(
        _("group"), max_length=100, blank=True, help_text=_("Heading it is shown under.")
    )
    measure = CleanCharField(_("measure"), max_length=50)
    unit_kinds = models.JSONField(
        _("reported by"),
        default=list,
        blank=True,
        help_text=_("Kinds of unit that report it; none ticked means every kind."),
    )
    accumulation = models.CharField(
        _("accumulation through the year"),
        max_length=10,
        choices=Accumulation.choices,
        default=Accumulation.FLOW,
    )
    aggregation = models.CharField(
        _("combined across units by"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    max_value = models.DecimalField(
        _("largest allowed value"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text=_("For example 100 for a percentage."),
    )
    whole_numbers = models.BooleanField(
        _("counted in whole units"),
        default=True,
        help_text=_(
            "Ticked for things counted one by one (people, sessions, models): a value with "
            "decimals is refused. Untick for percentages, money and rates."
        ),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    search_text = models.TextField(editable=False, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["display_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_value__isnull=True) | Q(max_value__gt=0),
                name="indicator_max_value_positive",
                violation_error_message=_("The largest allowed value must be above zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.measure})"

    def save(self, *args, **kwargs):
        self.search_text = search_text(self.code, self.name, self.group)
        super().save(*args, **kwargs)

    def applies_to(self, kind: str) -> bool:
        return not self.unit_kinds or kind in self.unit_kinds

    def get_unit_kinds_display(self) -> str:
        if not self.unit_kinds:
            return str(_("All kinds"))
        labels = dict(UnitKind.choices)
        return ", ".join(str(labels.get(kind, kind)) for kind in self.unit_kinds)


class RuleOperator(models.TextChoices):
    AT_MOST = "<=", "≤"
    BELOW = "<", "<"
    EQUAL = "=", "="
    AT_LEAST = ">=", "≥"
    ABOVE = ">", ">"


class ValidationRule(models.Model):
    """A rule between indicators of one report that administrators keep: ``left``
    ``operator`` ``right``, each side an expression over indicator codes
    (``reports.expressions``), checked by ``reports.quality``."""

    name = CleanCharField(_("name"), max_length=200)
    left = CleanCharField(
        _("left side"),
        max_length=300,
        help_text=_(
            "Indicator codes, numbers, + - * / and brackets, for example DT_DONE or MEM_NEW + 10."
        ),
    )
    operator = models.CharField(
        _("must be"), max_length=2, choices=RuleOperator.choices, default=RuleOperator.AT_MOST
    )
    right = CleanCharField(_("right side"), max_length=300)
    message = CleanCharField(
        _("message to the unit"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the value when the rule fails; a sentence is made when empty."),
    )
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quality rule")
        verbose_name_plural = _("quality rules")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(operator__in=RuleOperator.values),
                name="validation_rule_operator_known",
                violation_error_message=_("Unknown comparison."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.left} {self.get_operator_display()} {self.right}"

    def clean(self):
        from reports.expressions import ExpressionError, parse

        errors: dict[str, str] = {}
        codes: list[str] = []
        for side in ("left", "right"):
            try:
                codes += parse(getattr(self, side) or "").codes()
            except ExpressionError as error:
                errors[side] = str(error)
        unknown = sorted(
            set(codes)
            - set(Indicator.objects.filter(code__in=codes).values_list("code", flat=True))
        )
        if unknown and not errors:
            errors["left"] = str(_("No indicator has the code %(codes)s.")) % {
                "codes": ", ".join(unknown)
            }
        if not codes and not errors:
            errors["left"] = str(_("Name at least one indicator by its code."))
        if errors:
            raise ValidationError(errors)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


# A report counts as filed while it is submitted or accepted: its texts and values
# count in every figure, and its unit is not reminded. A returned report is back
# with the unit, which must file it again. ``UnitReport.is_filed`` and ``filed_q``.
FILED_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def filed_q(prefix: str = "") -> Q:
    """The SQL twin of ``UnitReport.is_filed``; ``prefix`` is the path to the report
    ("report__", "reports__") when the query starts elsewhere."""
    return Q(**{f"{prefix}status__in": FILED_STATUSES})


def filed_at_expression(prefix: str = "") -> Case:
    """The SQL twin of ``UnitReport.filed_at``: the first submission of a filed report."""
    return Case(
        When(
            filed_q(prefix),
            then=Coalesce(f"{prefix}first_submitted_at", f"{prefix}submitted_at"),
        ),
        default=Value(None),
        output_field=models.DateTimeField(),
    )


class UnitReportQuerySet(models.QuerySet):
    def filed(self) -> "UnitReportQuerySet":
        """Reports that count as filed (``UnitReport.is_filed``)."""
        return self.filter(filed_q())


class ReportEvent(models.TextChoices):
    """What happened to a report, as its history records it (with the comment, for a
    return or a reopening, in the historical row's ``review_comment``)."""

    CREATED = "created", _("Started the report")
    SAVED = "saved", _("Saved the draft")
    SUBMITTED = "submitted", _("Submitted to the commission")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    REOPENED = "reopened", _("Reopened")

    @property
    def has_comment(self) -> bool:
        """A return and a reopening carry the reviewer's reason."""
        return self in (ReportEvent.RETURNED, ReportEvent.REOPENED)


class ReportHistory(models.Model):
    """What a report's history rows carry beside the snapshot: the event, typed.

    Set from ``report._history_event`` when the row is written (reports.signals),
    never parsed back from a sentence.
    """

    event = models.CharField(
        _("event"), max_length=10, choices=ReportEvent.choices, blank=True, default=""
    )

    class Meta:
        abstract = True


def sections_search_text(report: "ReportSections") -> str:
    """The five sections of a report, folded for search, a line each."""
    folded = (fold(clean_text(getattr(report, name))) for name in ReportSections.SECTIONS)
    return clean_text("\n".join(folded)).strip()  # stored as every text is: clean_text


class ReportSections(models.Model):
    """The five narrative sections of a report: the unit's working text
    (``UnitReport``) and each submission frozen as it was (``ReportVersion``)."""

    SECTIONS = (
        "people_situation",
        "results",
        "shortcomings",
        "next_plan",
        "recommendations",
    )

    people_situation = CleanTextField(
        _("people's situation"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    results = CleanTextField(_("results of the tasks"), max_length=SECTION_MAX_LENGTH, blank=True)
    shortcomings = CleanTextField(
        _("shortcomings and causes"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    next_plan = CleanTextField(
        _("tasks for the next quarter"), max_length=SECTION_MAX_LENGTH, blank=True
    )
    recommendations = CleanTextField(
        _("recommendations and proposals"), max_length=SECTION_MAX_LENGTH, blank=True
    )

    class Meta:
        abstract = True

    @classmethod
    def section_title(cls, name: str) -> StrOrPromise:
        """The translated title of one of the ``SECTIONS`` (its field's verbose name)."""
        return cast(models.Field, cls._meta.get_field(name)).verbose_name

    def sections(self) -> list[tuple[str, StrOrPromise, str]]:
        """(field name, translated title, text) of the five sections, in order."""
        return [(name, self.section_title(name), getattr(self, name)) for name in self.SECTIONS]


class UnitReport(ReportSections):
    """A unit's quarterly report: five narrative sections and indicator values.

    ``version`` goes up on every save through the services, so a form posted
    against an older version is refused instead of overwriting newer text.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.PROTECT, related_name="reports"
    )
    unit_name = CleanCharField(
        _("unit name when filed"),
        max_length=200,
        blank=True,
        help_text=_("Kept as it was, so renamed or merged units' reports read as filed."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    review_comment = CleanTextField(
        _("reviewer's comment"), max_length=COMMENT_MAX_LENGTH, blank=True
    )
    first_submitted_at = BoundedDateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = BoundedDateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = actor_field(_("submitted by"))
    reviewed_at = BoundedDateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = actor_field(_("reviewed by"))
    version = models.PositiveIntegerField(_("version"), default=1)
    sample = models.BooleanField(
        _("sample data"),
        default=False,
        editable=False,
        help_text=_(
            "Made by the demo or the data generator, not filed by the unit: its pages, "
            "figures and documents say so."
        ),
    )
    created_at = BoundedDateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = BoundedDateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(bases=[ReportHistory])
    objects = UnitReportQuerySet.as_manager()
    # What happened, for the next history row (set by reports.services, written and
    # cleared by reports.signals.report_event): not a column of the report.
    _history_event: ReportEvent

    class Meta:
        verbose_name = _("unit report")
        verbose_name_plural = _("unit reports")
        ordering = ["-quarter__year", "-quarter__number", "unit__display_order", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "quarter"],
                name="report_one_per_unit_quarter",
                violation_error_message=_("This unit already has a report for this quarter."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="report_version_positive",
                violation_error_message=_("The version starts at 1."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values),
                name="report_status_known",
                violation_error_message=_("Unknown report status."),
            ),
        ]
        indexes = [
            models.Index(fields=["quarter", "status"]),
            # A subtree's reports of some quarters, read from the index alone (PostgreSQL):
            # a province's figures then cost its own reports, not a scan of the country's
            # (tools/bench/findings.md).
            models.Index(
                fields=["unit", "quarter"], include=["status", "id"], name="report_unit_covering"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name or self.unit} · {self.quarter}"

    def save(self, *args, **kwargs):
        if not self.unit_name:
            self.unit_name = self.unit.name
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        """The report's page (reads ``unit`` and ``quarter``: select them with the report)."""
        return reverse(
            "reports:report", kwargs={"unit_code": self.unit.code, "quarter": self.quarter}
        )

    @property
    def is_editable_status(self) -> bool:
        """A draft or a returned report: with its unit, not filed (``is_filed``)."""
        return not self.is_filed

    @property
    def accepts_edits(self) -> bool:
        """A draft or returned report of an open quarter that its unit owes: its text and
        figures may still change (by whom: ``permissions.can_edit_report``). Reads
        ``quarter`` and ``unit``."""
        return self.is_editable_status and not self.quarter.closed and not self.no_longer_owed

    @property
    def no_longer_owed(self) -> bool:
        """A draft or returned report of a quarter its unit does not owe
        (``Unit.owes_report_for``): started before the unit ended, or before it was
        recorded as ended. It stays readable, cannot be changed or submitted, and is
        listed on its successor's report page. Reads ``quarter`` and ``unit``."""
        return self.is_editable_status and not self.unit.owes_report_for(self.quarter)

    @property
    def is_filed(self) -> bool:
        """Whether the report counts as filed: submitted or accepted (``FILED_STATUSES``).

        A returned report does not: the unit must file it again.
        """
        return self.status in FILED_STATUSES

    @property
    def filed_at(self) -> datetime.datetime | None:
        """When a filed report was first submitted, which judges its timeliness (the last
        submission where an old record lacks the first); None while it is not filed.
        The SQL twin is ``filed_at_expression``."""
        if not self.is_filed:
            return None
        return self.first_submitted_at or self.submitted_at

    @cached_property
    def timeliness(self) -> rules.Timeliness:
        """On time / late by the first submission while filed, else missing / not yet due.
        Reads ``quarter``."""
        return rules.report_timeliness(
            due_date=self.quarter.due_date,
            submitted_at=self.filed_at,
            today=timezone.localdate(),
            filed=self.is_filed,
        )

    @property
    def is_late(self) -> bool:
        """Whether it first reached the commission after the quarter's due date."""
        return self.timeliness == rules.Timeliness.LATE


class IndicatorValue(models.Model):
    """One indicator's value in one report."""

    report = models.ForeignKey(
        UnitReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(
        _("value"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        validators=[MinValueValidator(0), MaxValueValidator(VALUE_MAX)],
    )
    note = CleanCharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    # The value the note was written for (``reports.services._save_values``; None: not
    # known, taken as this one): a note kept while the value changed explains the old
    # value, not this one (``reports.quality.unexplained``).
    noted_value = models.DecimalField(
        _("value the note was written for"),
        max_digits=VALUE_MAX_DIGITS,
        decimal_places=VALUE_DECIMAL_PLACES,
        null=True,
        blank=True,
        editable=False,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator__display_order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="value_one_per_report_indicator",
                violation_error_message=_("This report already has a value for this indicator."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="value_not_negative",
                violation_error_message=_("An indicator value cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["indicator", "report"])]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.value}"

    @property
    def note_is_stale(self) -> bool:
        """Whether the note was written for another value (the value changed since).
        Not known (None) for a note written elsewhere than through the services (a
        restored backup, a factory): taken as written for its value."""
        return (
            bool(self.note.strip())
            and self.noted_value is not None
            and self.noted_value != self.value
        )

    def clean(self):
        from common.numbers import whole_units_errors

        indicator = self.indicator if self.indicator_id else None
        errors = whole_units_errors(indicator, value=self.value)
        if errors:
            raise ValidationError(errors)
        limit = self.indicator.max_value if self.indicator_id else None
        if limit is not None and self.value is not None and self.value > limit:
            raise ValidationError(
                {
                    "value": _("%(indicator)s cannot be above %(limit)s.")
                    % {"indicator": self.indicator.name, "limit": limit}
                }
            )


def annex_path(instance: "ReportAnnex", filename: str) -> str:
    return f"annexes/{instance.report_id}/{filename}"


class ReportAnnex(models.Model):
    """A file a unit attaches to its report (the detail the sections leave out): checked
    as directive evidence is (``common.uploads.checked_extension``), stored under a
    generated name, served only through ``reports.views.annex_download``.

    Taken off a draft, it is only marked ``removed_at``: the submitted versions that
    held it (``ReportVersion.annexes``) still do."""

    report = models.ForeignKey(
        UnitReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="annexes"
    )
    file = models.FileField(_("file"), upload_to=annex_path)
    name = CleanCharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    added_by = actor_field(_("added by"))
    added_at = BoundedDateTimeField(_("added at"), default=timezone.now)
    removed_at = BoundedDateTimeField(_("taken off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")
        ordering = ["report", "added_at", "pk"]

    def __str__(self) -> str:
        return self.name


class FollowUp(models.Model):
    """A reviewer's mark on a reported value: the unit is asked to follow it up, and
    its report of the next quarter shows the mark beside the same indicator."""

    report = models.ForeignKey(
        UnitReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    note = CleanCharField(_("what to follow"), max_length=NOTE_MAX_LENGTH, blank=True)
    by = actor_field(_("marked by"))
    at = BoundedDateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("value to follow up")
        verbose_name_plural = _("values to follow up")
        ordering = ["report", "indicator__display_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="follow_up_once_per_value",
                violation_error_message=_("This value is already marked for follow-up."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.indicator.code}"


class ReminderLog(models.Model):
    """A reminder sent to a unit's staff about its report, by the daily job or a
    reviewer: a unit gets one a day at most (``services.report_remind``)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="reminders"
    )
    quarter = models.ForeignKey(
        Quarter, verbose_name=_("quarter"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_on = BoundedDateField(_("sent on"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    # Who pressed "remind" on the review queue; empty for the daily job.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "quarter", "sent_on"],
                name="reminder_once_per_unit_quarter_day",
                violation_error_message=_("A reminder was already sent to this unit today."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.quarter} · {self.sent_on:%d/%m/%Y}"


class ReportVersion(ReportSections):
    """What a unit sent to the commission on one submission, frozen as it was.

    Each submission adds the next number. Reviewers and leadership read these
    (never the unit's working text while it is back with the unit); the review
    of each submission is recorded against it as ``ReviewEvent`` rows.
    """

    report = models.ForeignKey(
        UnitReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("submission number"))
    unit_name = CleanCharField(_("unit name when filed"), max_length=200)
    submitted_at = BoundedDateTimeField(_("submitted at"))
    submitted_by = actor_field(_("submitted by"))
    # Against the submission before (the one a reviewer returned or reopened), counted
    # as it is frozen (``reports.changes``); None for a first submission.
    sections_changed = models.PositiveSmallIntegerField(
        _("sections changed"), null=True, blank=True, editable=False
    )
    values_changed = models.PositiveIntegerField(
        _("indicators changed"), null=True, blank=True, editable=False
    )
    # Values the quality checks flagged when it was submitted (``reports.quality``).
    flagged_values = models.PositiveIntegerField(
        _("values flagged"), null=True, blank=True, editable=False
    )
    # Its five sections folded (``common.text.fold``), for the search of the reports'
    # texts (``reports.search``); a trigram index on PostgreSQL (migration 0025).
    search_text = models.TextField(editable=False, blank=True, default="")
    annexes: "models.ManyToManyField[ReportAnnex, models.Model]" = models.ManyToManyField(
        "ReportAnnex", verbose_name=_("annexes"), related_name="versions", blank=True
    )

    class Meta:
        verbose_name = _("submitted version")
        verbose_name_plural = _("submitted versions")
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"],
                name="report_version_number_unique",
                violation_error_message=_("This report already has a version with this number."),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="report_version_number_positive",
                violation_error_message=_("Versions are numbered from 1."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(report)s · submission %(number)s") % {
            "report": self.report,
            "number": self.number,
        }

    def save(self, *args, **kwargs):
        self.search_text = sections_search_text(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(
            "reports:version",
            kwargs={
                "unit_code": self.report.unit.code,
                "quarter": self.report.quarter,
                "number": self.number,
            },
        )


class ReportVersionValue(models.Model):
    """One indicator value as it was submitted in a version.

    A row (not JSON on the version) so figures as submitted can be summed and
    compared in the database like ``IndicatorValue``; the indicator's code,
    name and measure are copied so the version reads as filed after renames.
    """

    version = models.ForeignKey(
        ReportVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="+"
    )
    indicator_code = CleanCharField(_("indicator code"), max_length=40)
    indicator_name = CleanCharField(_("indicator name"), max_length=255)
    measure = CleanCharField(_("measure"), max_length=50)
    display_order = models.PositiveIntegerField(_("display order"), default=0)
    value = models.DecimalField(
        _("value"), max_digits=VALUE_MAX_DIGITS, decimal_places=VALUE_DECIMAL_PLACES
    )
    note = CleanCharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    flags = CleanTextField(
        _("quality flags"),
        max_length=2000,
        blank=True,
        help_text=_("What the quality checks found when it was submitted, one per line."),
    )

    class Meta:
        verbose_name = _("submitted value")
        verbose_name_plural = _("submitted values")
        ordering = ["version", "display_order", "indicator_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "indicator"],
                name="version_value_one_per_indicator",
                violation_error_message=_("This version already has a value for this indicator."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_code}: {self.value}"


class ReviewOutcome(models.TextChoices):
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    REOPENED = "reopened", _("Reopened")


class ReviewEvent(models.Model):
    """A reviewer's decision on one submitted version, with its comment."""

    version = models.ForeignKey(
        ReportVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="review_events",
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReviewOutcome.choices)
    comment = CleanTextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    by = actor_field(_("decided by"))
    at = BoundedDateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("review decision")
        verbose_name_plural = _("review decisions")
        ordering = ["version", "at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=ReviewOutcome.values),
                name="review_event_outcome_known",
                violation_error_message=_("Unknown review outcome."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} · {self.at:%d/%m/%Y %H:%M}"


class DraftStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    FINAL = "final", _("final")


class ConsolidatedReport(ReportSections):
    """The commission's consolidated report of a quarter, written on the drafting page
    from the units' submitted reports (``quarters.views.consolidated_draft``): its
    .docx is this text (``reports.documents.consolidated_report_docx``), with the
    figures and completeness tables from the aggregation.

    ``unit`` is the issuing commission (``reports.issuers.issuing_commission``).
    ``version`` goes up on every save, as a unit report's does, so that a form posted
    against an older version is refused (``reports.services.consolidated_report_save``).
    """

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("issuing commission"),
        on_delete=models.PROTECT,
        related_name="consolidated_reports",
    )
    quarter = models.ForeignKey(
        Quarter,
        verbose_name=_("quarter"),
        on_delete=models.PROTECT,
        related_name="consolidated_reports",
    )
    status = models.CharField(
        _("status"), max_length=5, choices=DraftStatus.choices, default=DraftStatus.DRAFT
    )
    units_annex = models.BooleanField(
        _("the units' own texts as an annex"),
        default=False,
        help_text=_("The .docx ends with an annex holding each unit's texts as submitted."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = BoundedDateTimeField(_("updated at"), auto_now=True)
    updated_by = actor_field(_("updated by"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consolidated report")
        verbose_name_plural = _("consolidated reports")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "quarter"],
                name="consolidated_report_once_a_quarter",
                violation_error_message=_(
                    "The commission already has a consolidated report of this quarter."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.quarter}"

    @property
    def is_final(self) -> bool:
        return self.status == DraftStatus.FINAL


class ConsolidatedQuote(models.Model):
    """An excerpt of a unit's submitted report quoted into a section of the
    consolidated report: the drafting page lists under each section whose words it
    uses. Kept while the excerpt is still in the section's text."""

    report = models.ForeignKey(
        ConsolidatedReport,
        verbose_name=_("consolidated report"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    section = models.CharField(
        _("section"),
        max_length=20,
        choices=[(name, name) for name in ReportSections.SECTIONS],
    )
    source = models.ForeignKey(
        UnitReport, verbose_name=_("quoted report"), on_delete=models.PROTECT, related_name="+"
    )
    excerpt = CleanTextField(_("excerpt"), max_length=SECTION_MAX_LENGTH)

    class Meta:
        verbose_name = _("quotation")
        verbose_name_plural = _("quotations")
        ordering = ["report", "section", "pk"]

    def __str__(self) -> str:
        return f"{self.source.unit_name}: {self.excerpt[:60]}"
