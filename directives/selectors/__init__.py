"""Reads of meetings, directives and progress, narrowed to what the user may see, by
topic (see docs/ARCHITECTURE.md). Callers use ``from directives import selectors``."""

from directives.selectors.briefing import (
    briefing_pack,
    carried_over,
    meeting_directives,
)
from directives.selectors.dashboard import (
    OVERDUE_SHOWN,
    dashboard_chart_data,
    dashboard_summary,
    dashboard_summary_context,
    follow_up_dashboard,
)
from directives.selectors.history import (
    TimelineEvent,
    TimelineKind,
    directive_timeline,
    edit_version,
    last_change,
)
from directives.selectors.targets import (
    TargetStanding,
    target_progress,
    target_standing,
)
from directives.selectors.visible import (
    ROWS_SHOWN,
    UNIT_FIELDS,
    UNIT_ORDER,
    S,
    assignments_visible_to,
    assignments_with_status,
    current_quarter,
    directive_assignments,
    directives_in_scope,
    directives_visible_to,
    directives_with_status,
    in_unit_order,
    meeting_recommendations,
    meetings_matching,
    meetings_visible_to,
    recommendations_visible_to,
    visible_meetings,
    with_units,
)
from directives.selectors.work import (
    assignments_awaiting_update,
    my_assignments,
    pending_confirmations,
    pending_deadline_changes,
)

__all__ = [
    "OVERDUE_SHOWN",
    "ROWS_SHOWN",
    "UNIT_FIELDS",
    "UNIT_ORDER",
    "S",
    "TargetStanding",
    "TimelineEvent",
    "TimelineKind",
    "assignments_awaiting_update",
    "assignments_visible_to",
    "assignments_with_status",
    "briefing_pack",
    "carried_over",
    "current_quarter",
    "dashboard_chart_data",
    "dashboard_summary",
    "dashboard_summary_context",
    "directive_assignments",
    "directive_timeline",
    "directives_in_scope",
    "directives_visible_to",
    "directives_with_status",
    "edit_version",
    "follow_up_dashboard",
    "in_unit_order",
    "last_change",
    "meeting_directives",
    "meeting_recommendations",
    "meetings_matching",
    "meetings_visible_to",
    "my_assignments",
    "pending_confirmations",
    "pending_deadline_changes",
    "recommendations_visible_to",
    "target_progress",
    "target_standing",
    "visible_meetings",
    "with_units",
]
