"""Who may do what with reports (docs/PERMISSIONS.md), and whose figures a
user sees (``Scope``), for both apps.

Roles are memberships of a unit: a reporter or head acts for the unit itself; a
reviewer or leadership acts on the unit and every unit under it (its subtree,
through ``Unit.parent``); the administrator is ``is_admin``. The lookups are
cached on the user object, so a page asks the database once per request (the
memberships; for a reviewer or leader also the roots and, unless the roles cover
every root, the subtree) however often it checks.
"""

import hashlib
from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from common.lookups import among
from common.types import StrOrPromise
from notifications.models import Kind
from reports.lineage import predecessor_weights
from reports.models import (
    OVERSIGHT_ROLES,
    STAFF_ROLES,
    MembershipRole,
    ReportStatus,
    Unit,
    UnitReport,
    filed_q,
)

AnyUser = User | AnonymousUser
# A set of units: their ids, or None for every unit (a role held on every root).
UnitIds = frozenset[int] | None


def _cached(user: AnyUser, key: str, compute):
    """``compute()``, once per user object (that is, per request)."""
    cache = user.__dict__
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def _roles(user: AnyUser) -> dict[int, str]:
    """{unit id: role} of all the user's memberships (one query, then cached)."""
    if not user.is_authenticated:
        return {}
    return _cached(
        user, "_danvan_roles", lambda: dict(user.memberships.values_list("unit_id", "role"))
    )


def unit_roles(user: AnyUser) -> dict[int, str]:
    """{unit id: role} of the units the user works in as reporter or head."""
    return {unit_id: role for unit_id, role in _roles(user).items() if role in STAFF_ROLES}


def inherited_unit_ids(user: AnyUser) -> frozenset[int]:
    """The predecessors (through every reorganisation) of the units the user works in
    and of the units their reviewer and leadership roles cover: their filed reports are
    the history of those units, whose figures the user's roll-ups and trends already
    include (``aggregation.lineage_of``). One query a generation, then cached."""
    if not user.is_authenticated:
        return frozenset()

    def compute() -> frozenset[int]:
        # Every unit overseen (None, the administrator): predecessors are overseen too.
        units = set(unit_roles(user)) | (overseen_units(user) or frozenset())
        return frozenset(predecessor_weights(units)) if units else frozenset()

    return _cached(user, "_danvan_inherited", compute)


def inherits_from(user: AnyUser, unit_id: int) -> bool:
    """Whether a unit the user works in, or one their reviewer or leadership roles
    cover, carries on ``unit_id``'s work after a reorganisation (merged into it, split
    into it, through any chain). It lets them read what ``unit_id`` filed, never act on
    it: reviewing asks ``reviews_unit``, editing ``can_work_on_unit_reports``."""
    return unit_id in inherited_unit_ids(user)


def _held(user: AnyUser, *roles: str) -> frozenset[int]:
    """The units on which the user holds one of ``roles``."""
    return frozenset(unit_id for unit_id, role in _roles(user).items() if role in roles)


def _subtrees(user: AnyUser, held: frozenset[int]) -> UnitIds:
    """The units ``held`` and all units under them; None (every unit) when they hold
    every root. Cached per set of units: a reviewer's and their scope's are one."""
    if not held:
        return frozenset()

    def compute() -> UnitIds:
        roots = _cached(user, "_danvan_roots", Unit.objects.root_ids)
        if roots and roots <= held:
            return None
        return Unit.objects.subtree_ids(held)

    return _cached(user, f"_danvan_subtree_{sorted(held)}", compute)


def reviewed_units(user: AnyUser) -> UnitIds:
    """The units the user reviews: the subtrees of the units they hold ``reviewer`` on."""
    return _subtrees(user, _held(user, MembershipRole.REVIEWER))


def overseen_units(user: AnyUser) -> UnitIds:
    """The units whose filed work the user reads as the commission does: the subtrees
    of their reviewer and leadership roles; every unit for the administrator."""
    if is_admin(user):
        return None
    return _subtrees(user, _held(user, *OVERSIGHT_ROLES))


def _includes(units: UnitIds, unit_id: int | None) -> bool:
    return units is None or unit_id in units


def units_above(user: AnyUser) -> frozenset[int]:
    """The units the user works in or holds a role on, and every unit above them: the
    units whose meetings concern the user (one query, then cached)."""
    own = frozenset(_roles(user))
    return _cached(user, "_danvan_units_above", lambda: Unit.objects.ancestor_ids(own))


def is_reviewer(user: AnyUser) -> bool:
    """Holds the reviewer role on some unit (what it covers: ``reviewed_units``)."""
    return bool(_held(user, MembershipRole.REVIEWER))


def only_reviewed_unit(user: AnyUser) -> int | None:
    """The unit the user holds the reviewer role on, when there is exactly one."""
    held = _held(user, MembershipRole.REVIEWER)
    return next(iter(held)) if len(held) == 1 else None


def is_leadership(user: AnyUser) -> bool:
    """Holds the leadership role on some unit."""
    return bool(_held(user, MembershipRole.LEADERSHIP))


def is_unit_staff(user: AnyUser) -> bool:
    return bool(unit_roles(user))


def is_head_of(user: AnyUser, unit_id: int) -> bool:
    return unit_roles(user).get(unit_id) == MembershipRole.HEAD


def is_member_of(user: AnyUser, unit_id: int) -> bool:
    """Works in the unit as reporter or head (a reviewer or leader of it does not)."""
    return unit_id in unit_roles(user)


# The report permission that makes an administrator: who may change units' reports in
# the Django admin may do what the administrator does on the pages too.
ADMIN_PERMISSION = "reports.change_unitreport"
# The sheets a quarter's template holds at most for the administrator (each is read
# unit by unit: papers typed in, not the whole country).
WORKBOOK_UNITS = 50


def is_admin(user: AnyUser) -> bool:
    """The administrator of docs/PERMISSIONS.md: an active user who may open the Django
    admin (``is_staff``) and holds the report permissions there (a superuser holds
    them all). The navigation's "Administration" link asks here too."""
    return (
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(ADMIN_PERMISSION)
    )


def oversees(user: AnyUser) -> bool:
    """Reviewers, leadership (of any unit) and administrators: the commission's view,
    over the units of their scope."""
    return user.is_authenticated and (is_admin(user) or bool(_held(user, *OVERSIGHT_ROLES)))


def oversees_unit(user: AnyUser, unit_id: int | None) -> bool:
    """Whether the unit is in the subtree of the user's reviewer or leadership roles
    (every unit for the administrator)."""
    return oversees(user) and _includes(overseen_units(user), unit_id)


def reviews_unit(user: AnyUser, unit_id: int | None) -> bool:
    """Whether the unit is in the subtree of one of the user's reviewer roles."""
    return is_reviewer(user) and _includes(reviewed_units(user), unit_id)


def needs_second_factor(user: AnyUser) -> bool:
    """Reviewers, leadership and administrators sign in with a code from an
    authenticator app besides their password (``accounts.two_factor`` asks here);
    unit staff may choose to."""
    return oversees(user)


def may_browse(user: AnyUser) -> bool:
    """Reports, quarters, meetings, the register and the dashboards: anyone with a role
    or a unit. Those without one see only the home page, which says whom to ask."""
    return oversees(user) or is_unit_staff(user)


# --- Who is told -------------------------------------------------------------------


def reviewers_of(unit_id: int) -> QuerySet[User]:
    """Who reviews the unit's report (``reviews_unit``): the active holders of the
    reviewer role on the unit or a unit above it. They are told it was submitted."""
    return User.objects.filter(
        is_active=True,
        memberships__role=MembershipRole.REVIEWER,
        memberships__unit_id__in=Unit.objects.ancestor_ids([unit_id]),
    ).distinct()


def staff_of(unit_id: int) -> QuerySet[User]:
    """Who works in the unit (``is_member_of``): its active reporters and heads. They
    are told what happens to its report and its directives."""
    return User.objects.filter(
        is_active=True, memberships__role__in=STAFF_ROLES, memberships__unit_id=unit_id
    ).distinct()


def notification_kinds(user: AnyUser) -> set[str]:
    """The events the user can be told of (their settings page offers these): a
    submission as a reviewer (``reviewers_of``); what happens to a unit's report and
    directives as its staff (``staff_of``)."""
    kinds: set[str] = set()
    if is_reviewer(user):
        kinds.add(Kind.REPORT_SUBMITTED)
    if is_unit_staff(user):
        kinds.update(kind for kind in Kind if kind != Kind.REPORT_SUBMITTED)
    return kinds


# --- Whose figures a user sees -------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The units a user's aggregates, dashboards, lists and exports are made of.

    ``unit_ids``: every unit (None) or these; ``oversees``: the commission's view of
    them (reviewers, leadership, the administrator) rather than a unit's view of its
    own (unit staff).
    """

    unit_ids: frozenset[int] | None
    oversees: bool = False

    @property
    def is_everything(self) -> bool:
        return self.unit_ids is None

    @property
    def is_commissions(self) -> bool:
        """The whole country or subtrees the commission oversees, not a unit's own: what
        every process shares of the quarters' figures is kept for these only
        (reports.aggregation), since a scope per unit would crowd them out."""
        return self.is_everything or self.oversees

    @cached_property
    def key(self) -> str:
        """What the figures kept for it are filed under: "all", or a digest of its units
        (worked out once per scope: a page asks for it several times, and a national
        subtree's digest sorts 20,000 ids)."""
        if self.unit_ids is None:
            return "all"
        units = ",".join(str(unit_id) for unit_id in sorted(self.unit_ids))
        return hashlib.sha256(units.encode()).hexdigest()

    def includes(self, unit_id: int) -> bool:
        return self.unit_ids is None or unit_id in self.unit_ids

    def condition(self, unit_field: str = "unit_id") -> Q:
        """The rows whose ``unit_field`` is a unit of the scope (every row for every
        unit): for a queryset (``filter``) or an aggregate's ``filter``."""
        if self.unit_ids is None:
            return Q()
        return Q(among(unit_field, self.unit_ids))

    def filter(self, queryset: QuerySet, unit_field: str = "unit_id") -> QuerySet:
        """``queryset`` narrowed to rows whose ``unit_field`` is a unit of the scope."""
        if self.unit_ids is None:
            return queryset
        return queryset.filter(self.condition(unit_field))


EVERY_UNIT = Scope(unit_ids=None, oversees=True)
NO_UNITS = Scope(unit_ids=frozenset())


def scope_for(user: AnyUser) -> Scope | None:
    """Reviewers and leadership: the subtrees of the units they hold the role on, with
    the units they work in (every unit when their roles cover every root, and for the
    administrator); unit staff: their units.

    None when the user may see no aggregate at all (signed in without a role).
    """
    own = frozenset(unit_roles(user))
    if oversees(user):
        overseen = overseen_units(user)
        return EVERY_UNIT if overseen is None else Scope(overseen | own, oversees=True)
    if own:
        return Scope(unit_ids=own)
    return None


def scope_of_reads(user: AnyUser) -> Scope:
    """``scope_for``, or no unit at all for a user without one: for reads a permission
    already guards, which then simply find nothing."""
    return scope_for(user) or NO_UNITS


# --- Unit reports ---------------------------------------------------------
# A report's "existence is private" while it is a draft or returned: only its
# unit (and the administrator) may know of it, so everyone else gets a 404.


def can_search_units(user: AnyUser) -> bool:
    """The unit pickers' search: anyone with a role or a unit (who may open the
    register); it finds the units of their scope only (``scope_of_reads``)."""
    return may_browse(user)


def can_work_on_unit_reports(user: AnyUser, unit_id: int) -> bool:
    """A unit's unsubmitted work (its drafts, a returned report, the page of a report
    not yet started): its members and the administrator."""
    return is_member_of(user, unit_id) or is_admin(user)


def can_view_report(user: AnyUser, report) -> bool:
    """The report's current text: members of the unit always; reviewers and leadership
    of a subtree holding the unit, admin, and the members, reviewers and leadership of
    a successor unit (``inherits_from``: read-only) while it is filed (submitted or
    accepted), when that text is what was submitted. See
    ``can_view_submitted_versions`` for what was submitted before."""
    if not user.is_authenticated:
        return False
    if report.is_editable_status:
        return can_work_on_unit_reports(user, report.unit_id)
    return (
        is_member_of(user, report.unit_id)
        or oversees_unit(user, report.unit_id)
        or inherits_from(user, report.unit_id)
    )


# Every status a report the unit has sent can be in: a returned one too.
SENT_STATUSES = tuple(status for status in ReportStatus if status != ReportStatus.DRAFT)


def has_been_submitted(report) -> bool:
    """Whether the unit ever sent the report, so submitted versions of it exist.
    The SQL twin is ``submitted_once_q``."""
    return report.status in SENT_STATUSES or report.first_submitted_at is not None


def submitted_once_q(prefix: str = "") -> Q:
    """The SQL twin of ``has_been_submitted`` (``prefix``: the path to the report)."""
    return Q(**{f"{prefix}status__in": SENT_STATUSES}) | Q(
        **{f"{prefix}first_submitted_at__isnull": False}
    )


def queue_status_choices() -> list[tuple[str, StrOrPromise]]:
    """The statuses the quarter's queue filters by: those of reports once submitted.
    Reviewers and leadership see returned reports too: they read what the unit
    submitted (``can_view_submitted_versions``), never its edits since."""
    return [(status.value, status.label) for status in SENT_STATUSES]


def can_view_submitted_versions(user: AnyUser, report) -> bool:
    """What the unit submitted, and the review of it, read-only.

    Members of the unit and admin always; reviewers and leadership of a subtree
    holding the unit, and the members, reviewers and leadership of a successor unit
    (``inherits_from``), once
    the report was first submitted, also while it is back with the unit (they read
    what was submitted then, never the unit's unsubmitted edits).
    """
    if not user.is_authenticated:
        return False
    if can_work_on_unit_reports(user, report.unit_id):
        return True
    return has_been_submitted(report) and (
        oversees_unit(user, report.unit_id) or inherits_from(user, report.unit_id)
    )


def can_start_report(user: AnyUser, unit, quarter) -> bool:
    """Whether the user may create the unit's report for the quarter (on first save):
    the quarter is open and the unit owes that report (``Unit.owes_report_for``)."""
    if quarter.closed or not unit.owes_report_for(quarter):
        return False
    return can_work_on_unit_reports(user, unit.id)


def can_edit_report(user: AnyUser, report) -> bool:
    """Members of the unit (and admin) while it is a draft or returned, in an open quarter."""
    if not report.accepts_edits:
        return False
    return can_work_on_unit_reports(user, report.unit_id)


def can_write_report(user: AnyUser, *, unit, quarter, report) -> bool:
    """Whether the user may write the unit's report of the quarter now: edit it
    (``can_edit_report``), or start it with the first save (``can_start_report``)
    while there is none (``report`` None). Filling it from a Word file too."""
    if report is None:
        return can_start_report(user, unit, quarter)
    return can_edit_report(user, report)


def can_import_workbooks(user: AnyUser) -> bool:
    """Whether the user writes any unit's reports, so may import a filled workbook (each
    of its sheets then asks ``can_write_report``): unit staff and the administrator."""
    return is_unit_staff(user) or is_admin(user)


def workbook_units(user: AnyUser, quarter) -> list:
    """The units whose sheets the quarter's template holds for the user: the units
    they work for that owe the quarter's report; for the administrator, every unit
    that owes it and has not filed it (at most ``WORKBOOK_UNITS``, in the usual order)."""
    units = Unit.objects.owing_report_for(quarter).order_by("display_order", "name")
    if not is_admin(user):
        return list(units.filter(id__in=list(unit_roles(user))))
    filed = UnitReport.objects.filter(filed_q(), quarter=quarter).values("unit_id")
    return list(units.exclude(pk__in=filed)[:WORKBOOK_UNITS])


def can_read_annex(user: AnyUser, annex, *, submitted: bool) -> bool:
    """A report's annex: to whoever reads the report's current text while it is on the
    report (not taken off), and to whoever reads its submitted versions when one of them
    held it (``submitted``). A file added after a return stays the unit's until sent."""
    report = annex.report
    if annex.removed_at is None and can_view_report(user, report):
        return True
    return submitted and can_view_submitted_versions(user, report)


def can_submit_report(user: AnyUser, report) -> bool:
    """Only the unit's head submits, and only an editable report of an open quarter."""
    if not report.accepts_edits:
        return False
    return is_head_of(user, report.unit_id)


def can_review(user: AnyUser) -> bool:
    """Return, accept and reopen are the reviewers' (not leadership's, not admin's):
    whether the user reviews any unit (which: ``can_review_report``)."""
    return is_reviewer(user)


def can_review_report(user: AnyUser, report) -> bool:
    """A reviewer of a subtree holding the unit may return or accept its submitted
    report of an open quarter."""
    return (
        reviews_unit(user, report.unit_id)
        and not report.quarter.closed
        and report.status == ReportStatus.SUBMITTED
    )


def can_mark_follow_up(user: AnyUser, report) -> bool:
    """A reviewer of a subtree holding the unit may mark a value of its filed report for
    follow-up in the next quarter (and take the mark back)."""
    return reviews_unit(user, report.unit_id) and report.is_filed


def can_reopen_report(user: AnyUser, report) -> bool:
    """A reviewer of a subtree holding the unit may reopen its accepted report of an
    open quarter (with a reason)."""
    return (
        reviews_unit(user, report.unit_id)
        and not report.quarter.closed
        and report.status == ReportStatus.ACCEPTED
    )


def can_remind(user: AnyUser, unit_id: int, quarter) -> bool:
    """A reviewer of a subtree holding the unit may remind it of its report of an
    open quarter (whether it owes one unfiled: ``services.report_remind``)."""
    return reviews_unit(user, unit_id) and not quarter.closed


def can_see_queue(user: AnyUser) -> bool:
    """The quarter's queue, of the units in the user's scope: reviewers act on it;
    leadership and admin read it."""
    return oversees(user)


def can_read_predecessor_drafts(user: AnyUser, unit) -> bool:
    """Whoever works on ``unit``'s reports reads, on its report page, the drafts the units
    it succeeded started for a quarter they no longer owe (``UnitReport.no_longer_owed``):
    the work passed to ``unit``, and so does what was written for it."""
    return can_work_on_unit_reports(user, unit.id)


# --- The consolidated report ----------------------------------------------


def can_read_consolidated_report(user: AnyUser, commission_id: int | None) -> bool:
    """The commission's consolidated report as it is being written, on the drafting
    page: whoever oversees the commission (its reviewers, leadership, the
    administrator)."""
    return commission_id is not None and oversees_unit(user, commission_id)


def can_write_consolidated_report(user: AnyUser, commission_id: int | None, written) -> bool:
    """Write the consolidated report and mark it final: the reviewers of the commission,
    while it is a draft (``written`` is None until it is first saved)."""
    return (
        commission_id is not None
        and reviews_unit(user, commission_id)
        and (written is None or not written.is_final)
    )


def can_reopen_consolidated_report(user: AnyUser, commission_id: int | None, written) -> bool:
    """Take a final consolidated report back to a draft: the reviewers of the commission."""
    return (
        commission_id is not None
        and written is not None
        and written.is_final
        and reviews_unit(user, commission_id)
    )
