"""Who may do what with reports (docs/PERMISSIONS.md).

Roles: reviewers and leadership are Django groups; unit staff hold a
Membership (reporter or head). The lookups are cached on the user object, so
a page asks the database once per request however often it checks.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.utils.translation import gettext_lazy as _

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


def sees_all_units(user: AnyUser) -> bool:
    """Reviewers, leadership and administrators see every unit's filed work."""
    return user.is_authenticated and (user.is_superuser or is_reviewer(user) or is_leadership(user))


# --- Unit reports ---------------------------------------------------------
# A report's "existence is private" while it is a draft or returned: only its
# unit (and the administrator) may know of it, so everyone else gets a 404.


def can_search_units(user: AnyUser) -> bool:
    """The unit pickers' search: anyone with a role or a unit (who may open the register)."""
    return sees_all_units(user) or is_unit_staff(user)


def _is_admin(user: AnyUser) -> bool:
    return user.is_authenticated and user.is_superuser


def can_view_report(user: AnyUser, report) -> bool:
    """The report's current text: members of the unit always; reviewers, leadership
    and admin while it is filed (submitted or accepted), when that text is what was
    submitted. See ``can_view_submitted_versions`` for what was submitted before."""
    if not user.is_authenticated:
        return False
    if is_member_of(user, report.unit_id):
        return True
    if report.is_editable_status:
        return _is_admin(user)
    return sees_all_units(user)


def has_been_submitted(report) -> bool:
    """Whether the unit ever sent the report, so submitted versions of it exist."""
    return report.status != ReportStatus.DRAFT or report.first_submitted_at is not None


def can_view_submitted_versions(user: AnyUser, report) -> bool:
    """What the unit submitted, and the review of it, read-only.

    Members of the unit and admin always; reviewers and leadership once the
    report was first submitted, also while it is back with the unit (they read
    what was submitted then, never the unit's unsubmitted edits).
    """
    if not user.is_authenticated:
        return False
    if is_member_of(user, report.unit_id) or _is_admin(user):
        return True
    return has_been_submitted(report) and sees_all_units(user)


def can_start_report(user: AnyUser, unit, quarter) -> bool:
    """Whether the user may create the unit's report for the quarter (on first save)."""
    if quarter.closed or not unit.submits_reports:
        return False
    return is_member_of(user, unit.id) or _is_admin(user)


def can_edit_report(user: AnyUser, report) -> bool:
    """Members of the unit (and admin) while it is a draft or returned, in an open quarter."""
    if report.quarter.closed or not report.is_editable_status:
        return False
    return is_member_of(user, report.unit_id) or _is_admin(user)


def can_submit_report(user: AnyUser, report) -> bool:
    """Only the unit's head submits, and only an editable report of an open quarter."""
    if report.quarter.closed or not report.is_editable_status:
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
