"""Reviewer and leadership become roles held on a unit (covering its subtree).

Members of the groups ``reviewers`` and ``leadership``, which the code read until
now, get a ``reviewer`` / ``leadership`` membership on every unit without a parent
(the roots), so they keep seeing everything they saw. The groups' rows stay (older
backups name them) but no code reads them any more.

A user in both groups becomes a reviewer: a reviewer reads everything leadership
reads. A user who already holds a membership of a root (one role per user and
unit) keeps it, and is printed here so that the administrator decides: that root
is then theirs as reporter or head, not as reviewer or leader.
"""

from django.db import migrations, models
from django.utils import timezone

ROLE_OF_GROUP = {"leadership": "leadership", "reviewers": "reviewer"}  # reviewer last: it wins
REASON = "Vai trò từ nhóm reviewers/leadership (chuyển đổi 0014)"


def roles_from_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Unit = apps.get_model("reports", "Unit")
    Membership = apps.get_model("reports", "Membership")
    HistoricalMembership = apps.get_model("reports", "HistoricalMembership")
    roots = list(Unit.objects.filter(parent__isnull=True).order_by("pk"))
    wanted = {}  # (user id, unit id) -> role
    for name, role in ROLE_OF_GROUP.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        for user_id in group.user_set.values_list("pk", flat=True):
            for root in roots:
                wanted[(user_id, root.pk)] = role
    existing = {
        (m.user_id, m.unit_id): m
        for m in Membership.objects.filter(unit__in=roots).select_related("user", "unit")
    }
    now = timezone.now()
    for (user_id, unit_id), role in sorted(wanted.items()):
        held = existing.get((user_id, unit_id))
        if held is not None:
            if held.role != role:
                print(
                    f"\n  {held.user.username} keeps the role {held.role!r} on {held.unit.code!r}"
                    f" and does not get {role!r} there: one role per user and unit."
                )
            continue
        membership = Membership.objects.create(user_id=user_id, unit_id=unit_id, role=role)
        HistoricalMembership.objects.create(
            id=membership.pk,
            user_id=user_id,
            unit_id=unit_id,
            role=role,
            history_date=now,
            history_type="+",
            history_change_reason=REASON,
        )


def groups_from_roles(apps, schema_editor):
    """Back: the holders of the roles join the groups again, and the roles go (the
    code before this migration would take them for membership of the unit)."""
    Group = apps.get_model("auth", "Group")
    Membership = apps.get_model("reports", "Membership")
    for name, role in ROLE_OF_GROUP.items():
        group, _created = Group.objects.get_or_create(name=name)
        holders = Membership.objects.filter(role=role).values_list("user_id", flat=True)
        group.user_set.add(*set(holders))
    Membership.objects.filter(role__in=ROLE_OF_GROUP.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("reports", "0013_reorganisation_unitlink_unitname"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalmembership",
            name="role",
            field=models.CharField(
                choices=[
                    ("reporter", "Reporter"),
                    ("head", "Head of unit"),
                    ("reviewer", "Reviewer (of the unit and the units under it)"),
                    ("leadership", "Leadership (of the unit and the units under it)"),
                ],
                max_length=10,
                verbose_name="role",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="role",
            field=models.CharField(
                choices=[
                    ("reporter", "Reporter"),
                    ("head", "Head of unit"),
                    ("reviewer", "Reviewer (of the unit and the units under it)"),
                    ("leadership", "Leadership (of the unit and the units under it)"),
                ],
                max_length=10,
                verbose_name="role",
            ),
        ),
        migrations.RunPython(roles_from_groups, groups_from_roles),
    ]
