"""Who may do what with reports (docs/PERMISSIONS.md), and whose figures a
user sees (``Scope``), for both apps.

Roles: reviewers and leadership are Django groups; unit staff hold a
Membership (reporter or head); the administrator is ``is_admin``. The lookups
are cached on the user object, so a page asks the database once per request
however often it checks.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from common.types import StrOrPromise
from reports.lineage import predecessor_weights
from reports.models import MembershipRole, ReportStatus

# The groups' names are codes (kept in the database and in every backup);
# people see ROLE_GROUP_LABELS instead (Group.__str__, set in ReportsConfig.ready).
REVIEWERS = "reviewers"
LEADERSHIP = "leadership"
ROLE_GROUP_LABELS = {
    REVIEWERS: _("Reviewers (mass mobilization commission)"),
    LEADERSHIP: _("Leadership"),
}


def group_label(name: str) -> str:
    """What people see for a group: the translated role for the two role groups, else its name."""
    return str(ROLE_GROUP_LABELS.get(name, name))


AnyUser = User | AnonymousUser


def _group_names(user: AnyUser) -> frozenset[str]:
    """The user's group names (one query per request, then cached on the user)."""
    if not user.is_authenticated:
        return frozenset()
    cache = user.__dict__
    if "_danvan_groups" not in cache:
        cache["_danvan_groups"] = frozenset(user.groups.values_list("name", flat=True))
    return cache["_danvan_groups"]


def unit_roles(user: AnyUser) -> dict[int, str]:
    """{unit id: role} of the user's memberships (one query, then cached)."""
    if not user.is_authenticated:
        return {}
    cache = user.__dict__
    if "_danvan_unit_roles" not in cache:
        cache["_danvan_unit_roles"] = dict(user.memberships.values_list("unit_id", "role"))
    return cache["_danvan_unit_roles"]


def inherited_unit_ids(user: AnyUser) -> frozenset[int]:
    """The predecessors of the user's units (through every reorganisation): their filed
    reports are the history of the user's units (one query a generation, then cached)."""
    if not user.is_authenticated:
        return frozenset()
    cache = user.__dict__
    if "_danvan_inherited" not in cache:
        own = unit_roles(user)
        cache["_danvan_inherited"] = frozenset(predecessor_weights(own)) if own else frozenset()
    return cache["_danvan_inherited"]


def inherits_from(user: AnyUser, unit_id: int) -> bool:
    """Whether one of the user's units carries on ``unit_id``'s work after a
    reorganisation (merged into it, split into it, through any chain)."""
    return unit_id in inherited_unit_ids(user)


def is_reviewer(user: AnyUser) -> bool:
    return REVIEWERS in _group_names(user)


def is_leadership(user: AnyUser) -> bool:
    return LEADERSHIP in _group_names(user)


def is_unit_staff(user: AnyUser) -> bool:
    return bool(unit_roles(user))


def is_head_of(user: AnyUser, unit_id: int) -> bool:
    return unit_roles(user).get(unit_id) == MembershipRole.HEAD


def is_member_of(user: AnyUser, unit_id: int) -> bool:
    return unit_id in unit_roles(user)


# The report permission that makes an administrator: who may change units' reports in
# the Django admin may do what the administrator does on the pages too.
ADMIN_PERMISSION = "reports.change_unitreport"


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


def sees_all_units(user: AnyUser) -> bool:
    """Reviewers, leadership and administrators see every unit's filed work."""
    return user.is_authenticated and (is_reviewer(user) or is_leadership(user) or is_admin(user))


def may_browse(user: AnyUser) -> bool:
    """Reports, quarters, meetings, the register and the dashboards: anyone with a role
    or a unit. Those without one see only the home page, which says whom to ask."""
    return sees_all_units(user) or is_unit_staff(user)


# --- Whose figures a user sees -------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """The units a user's aggregates, dashboards and exports are made of: every unit
    (``unit_ids`` None) or their own."""

    unit_ids: frozenset[int] | None

    @property
    def is_province(self) -> bool:
        return self.unit_ids is None

    def filter(self, queryset: QuerySet, unit_field: str = "unit_id") -> QuerySet:
        """``queryset`` narrowed to rows whose ``unit_field`` is a unit of the scope."""
        if self.unit_ids is None:
            return queryset
        return queryset.filter(**{f"{unit_field}__in": self.unit_ids})


PROVINCE_SCOPE = Scope(unit_ids=None)
NO_UNITS = Scope(unit_ids=frozenset())


def scope_for(user: AnyUser) -> Scope | None:
    """Reviewers, leadership and administrators: the province; unit staff: their units.

    None when the user may see no aggregate at all (signed in without a role).
    """
    if sees_all_units(user):
        return PROVINCE_SCOPE
    unit_ids = frozenset(unit_roles(user))
    if unit_ids:
        return Scope(unit_ids=unit_ids)
    return None


def scope_of_reads(user: AnyUser) -> Scope:
    """``scope_for``, or no unit at all for a user without one: for reads a permission
    already guards, which then simply find nothing."""
    return scope_for(user) or NO_UNITS


# --- Unit reports ---------------------------------------------------------
# A report's "existence is private" while it is a draft or returned: only its
# unit (and the administrator) may know of it, so everyone else gets a 404.


def can_search_units(user: AnyUser) -> bool:
    """The unit pickers' search: anyone with a role or a unit (who may open the register)."""
    return may_browse(user)


def can_work_on_unit_reports(user: AnyUser, unit_id: int) -> bool:
    """A unit's unsubmitted work (its drafts, a returned report, the page of a report
    not yet started): its members and the administrator."""
    return is_member_of(user, unit_id) or is_admin(user)


def can_view_report(user: AnyUser, report) -> bool:
    """The report's current text: members of the unit always; reviewers, leadership,
    admin and the members of a successor unit (``inherits_from``) while it is filed
    (submitted or accepted), when that text is what was submitted. See
    ``can_view_submitted_versions`` for what was submitted before."""
    if not user.is_authenticated:
        return False
    if report.is_editable_status:
        return can_work_on_unit_reports(user, report.unit_id)
    return (
        is_member_of(user, report.unit_id)
        or inherits_from(user, report.unit_id)
        or sees_all_units(user)
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

    Members of the unit and admin always; reviewers, leadership and the members
    of a successor unit (``inherits_from``) once the report was first submitted,
    also while it is back with the unit (they read what was submitted then, never
    the unit's unsubmitted edits).
    """
    if not user.is_authenticated:
        return False
    if can_work_on_unit_reports(user, report.unit_id):
        return True
    return has_been_submitted(report) and (
        sees_all_units(user) or inherits_from(user, report.unit_id)
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


def can_submit_report(user: AnyUser, report) -> bool:
    """Only the unit's head submits, and only an editable report of an open quarter."""
    if not report.accepts_edits:
        return False
    return is_head_of(user, report.unit_id)


def can_review(user: AnyUser) -> bool:
    """Return, accept and reopen are the reviewers' (not leadership's, not admin's)."""
    return is_reviewer(user)


def can_review_report(user: AnyUser, report) -> bool:
    """A reviewer may return or accept a submitted report of an open quarter."""
    return (
        can_review(user) and not report.quarter.closed and report.status == ReportStatus.SUBMITTED
    )


def can_reopen_report(user: AnyUser, report) -> bool:
    """A reviewer may reopen an accepted report of an open quarter (with a reason)."""
    return can_review(user) and not report.quarter.closed and report.status == ReportStatus.ACCEPTED


def can_see_queue(user: AnyUser) -> bool:
    """The quarter's queue: reviewers act on it; leadership and admin read it."""
    return sees_all_units(user)
