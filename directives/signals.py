"""Keep what the follow-up pages keep honest: any change that can move one of their
counts or lists gives ``FollowUpToken`` a new token in the same transaction
(``selectors.kept`` keys what it keeps by it).

Signals rather than calls in the services, so that admin edits and deletions are
covered too, as ``reports.signals`` does for the figures. The sample data's bulk
loads, which send no signals, call ``FollowUpToken.objects.changed()`` themselves; a
restored backup empties every cache (``danvan.backup``).

The token's UPDATE holds its one row's lock until the transaction commits, so every
write of these rows takes turns for that moment (milliseconds). It is taken before
the row is written (``pre_save``), and the services take it before any row they lock
(``services.token_first``): every writer locks the token, then rows, so no two wait
on each other.
"""

from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.dispatch import receiver

from directives.models import (
    Assignment,
    DeadlineChange,
    Directive,
    FollowUpToken,
    Meeting,
    ProgressUpdate,
    Recommendation,
    Topic,
)
from reports.models import Membership, Quarter, Unit, UnitLink, UnitName

# What the kept pages count, list or name (directives.selectors.kept): the directives'
# statuses (their assignments, progress and deadlines), whose they are (units, their
# names over time, tree and links, who holds a role on them), the quarters and topics
# they are grouped by, and the meetings' recommendations.
COUNTED = (
    Meeting,
    Directive,
    Assignment,
    ProgressUpdate,
    DeadlineChange,
    Recommendation,
    Topic,
    Unit,
    UnitName,
    UnitLink,
    Membership,
    Quarter,
)
# And the lists a meeting's page shows of its units and a recommendation's directives.
LISTED = (Meeting.attending_units.through, Recommendation.directives.through)


@receiver([pre_save, pre_delete], dispatch_uid="directives.follow_up_changed")
def follow_up_changed(sender, raw: bool = False, **kwargs) -> None:
    if raw or sender not in COUNTED:  # loaddata: a restore empties every cache
        return
    FollowUpToken.objects.changed()


@receiver(m2m_changed, dispatch_uid="directives.follow_up_listed")
def follow_up_listed(sender, action: str, **kwargs) -> None:
    if sender in LISTED and action.startswith("pre_"):
        FollowUpToken.objects.changed()
