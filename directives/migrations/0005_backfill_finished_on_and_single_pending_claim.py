"""Data only: give every stored "done" claim the day it was finished, and leave
at most one claim awaiting confirmation per assignment, so that the partial
unique constraint of the next migration can be created.

Before this change a claim carried no finished date and the assignment counted
as done on the day the claim was reported, so that day is the finished date of
the claims already stored (the assignment's status does not change). Of two or
more claims awaiting confirmation on one assignment, the newest stays; the older
ones are marked rejected with a comment that says why.
"""

from django.db import migrations
from django.db.models import Count
from django.utils import timezone

SUPERSEDED = "Đã được thay bằng báo cáo hoàn thành gửi sau của cùng nhiệm vụ."


def forwards(apps, schema_editor):
    ProgressUpdate = apps.get_model("directives", "ProgressUpdate")
    done = ProgressUpdate.objects.filter(claimed_status="done", finished_on__isnull=True)
    for update in done.only("pk", "reported_at").iterator():
        ProgressUpdate.objects.filter(pk=update.pk).update(
            finished_on=timezone.localdate(update.reported_at)
        )
    crowded = (
        ProgressUpdate.objects.filter(review_status="pending")
        .values("assignment")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("assignment", flat=True)
    )
    for assignment_id in list(crowded):
        pending = ProgressUpdate.objects.filter(
            assignment_id=assignment_id, review_status="pending"
        ).order_by("-reported_at", "-pk")
        older = list(pending.values_list("pk", flat=True)[1:])
        ProgressUpdate.objects.filter(pk__in=older).update(
            review_status="rejected", review_comment=SUPERSEDED, reviewed_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("directives", "0004_progress_update_finished_on"),
    ]

    operations = [
        # Backwards there is nothing to undo: the finished dates go with the
        # column, and a superseded claim stays decided.
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
