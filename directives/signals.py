"""Keep what the follow-up pages keep honest: any change that can move one of their
counts or lists gives ``FollowUpToken`` a new token in the same transaction
(``selectors.kept`` keys what it keeps by it).

Signals rather than calls in the services, so that admin edits and deletions are
covered too, as ``reports.signals`` does for the figures. The sample data's bulk
loads, which send no signals, call ``FollowUpToken.objects.changed()`` themselves;
every ``migrate`` renews it (data migrations send none); a restored backup brings back
its token with the very data it was made for, and the restoring process empties its
caches (``danvan.backup``).

The token's UPDATE holds its one row's lock until the transaction commits, so the
writes of these rows take turns: for milliseconds, except while a reorganisation
runs (``structure.services``), which holds it to its end. It is taken before the row
is written (``pre_save``), and the services take it before any row they lock
(``services.token_first``): every writer locks the token, then rows, so no two wait
on each other.
"""

import uuid

from django.db import transaction
from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_migrate,
    post_save,
    pre_delete,
    pre_save,
)
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


def follow_up_changed(sender, raw: bool = False, **kwargs) -> None:
    """Before a row is written: the token first, in the write's transaction."""
    if not raw:  # loaddata: a restored backup brings back its tokens with its data
        FollowUpToken.objects.changed()


def follow_up_written(sender, raw: bool = False, **kwargs) -> None:
    """After a row is written outside any transaction (a shell's save): its own
    statement has committed, so the token renewed before it may have been read with
    the old row; renewed again, what was kept then is never read."""
    if not raw and not transaction.get_connection().in_atomic_block:
        FollowUpToken.objects.changed()


def follow_up_listed(sender, action: str, **kwargs) -> None:
    """Before a list of units or directives is changed."""
    if action.startswith("pre_"):
        FollowUpToken.objects.changed()


# Connected to each model apart: a receiver of every model's deletions would stop
# Django's fast deletes (one DELETE without loading the rows) for all of them.
for model in COUNTED:
    label = model._meta.label
    pre_save.connect(follow_up_changed, sender=model, dispatch_uid=f"follow_up_saving.{label}")
    pre_delete.connect(follow_up_changed, sender=model, dispatch_uid=f"follow_up_deleting.{label}")
    post_save.connect(follow_up_written, sender=model, dispatch_uid=f"follow_up_saved.{label}")
    post_delete.connect(follow_up_written, sender=model, dispatch_uid=f"follow_up_deleted.{label}")
for through in LISTED:
    m2m_changed.connect(
        follow_up_listed, sender=through, dispatch_uid=f"follow_up_listed.{through._meta.label}"
    )


@receiver(post_migrate, dispatch_uid="directives.follow_up_migrated")
def migrated(sender, app_config, **kwargs) -> None:
    """A release may count otherwise, and data migrations send no signal: what every
    process kept is read no more (the row, where there is one, gets a new token)."""
    if app_config.name == "directives":
        FollowUpToken.objects.update(token=uuid.uuid4())
