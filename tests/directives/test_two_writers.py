"""Writers outside the tests' transaction (``transaction=True``): two at once on
PostgreSQL's row locks, and a save in autocommit. Apart from the modules whose world is
kept for the whole module inside a transaction (tests/directives/world.py), which would
hold these tests' writes uncommitted."""

import contextlib
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils.translation import gettext

from directives import services
from directives.models import ClaimedStatus, Directive, FollowUpToken, ReviewStatus
from tests.directives.test_issue12_directives import claim, confirmed_by
from tests.directives.world import build_world, freeze_today


@pytest.mark.django_db(transaction=True)
def test_a_directive_saved_while_its_unit_posts_progress_neither_waits_on_the_other(
    monkeypatch,
):
    """The directive's save holds the token and then locks its assignments; the post
    locks one of them and then saves an update, which renews the token. Each waits
    here (half a second at most) for the other to be half-way: were the post to lock the
    assignment before the token, each would then wait on the other's lock until
    PostgreSQL broke the deadlock by failing one."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database: no two writers are half-way at once")
    freeze_today(monkeypatch)
    world = build_world()
    half_way = threading.Barrier(2, timeout=0.5)

    def then_wait(function):
        def waiting(*args, **kwargs):
            answer = function(*args, **kwargs)
            with contextlib.suppress(threading.BrokenBarrierError):
                half_way.wait()
            return answer

        return waiting

    monkeypatch.setattr(services, "_save_if_changed", then_wait(services._save_if_changed))
    monkeypatch.setattr(
        services.permissions, "can_post_progress", then_wait(services.permissions.can_post_progress)
    )
    errors = []

    def run(action):
        try:
            action()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    directive = Directive.objects.get(pk=world.normal.pk)
    directive.title = "Nâng cao chất lượng phong trào Dân vận khéo năm 2024"
    actions = [
        lambda: services.directive_save(
            user=world.reviewer,
            directive=directive,
            lead_units=[world.unit_a],
            support_units=[world.unit_b],
        ),
        lambda: services.progress_post(
            user=world.reporter_a,
            assignment=world.a_normal,
            claimed_status=ClaimedStatus.IN_PROGRESS,
            percent=40,
            description="Đã tổ chức hai buổi tuyên truyền.",
        ),
    ]
    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Directive.objects.get(pk=directive.pk).title.endswith("năm 2024")
    assert world.a_normal.updates.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_any_transaction_renews_the_token_after_its_row_too(monkeypatch):
    """In autocommit the token renewed before the row commits first: a page read between
    them keeps the old row under the new token, so it is renewed once more after."""
    freeze_today(monkeypatch)
    world = build_world()
    seen = []
    original = FollowUpToken.objects.changed

    def noting():
        original()
        seen.append(Directive.objects.get(pk=world.normal.pk).title)

    monkeypatch.setattr(FollowUpToken.objects, "changed", noting)
    before = world.normal.title
    world.normal.title = "Tiêu đề đã sửa"
    world.normal.save()
    assert seen == [before, "Tiêu đề đã sửa"]  # renewed before the row, and after it


@pytest.mark.django_db(transaction=True)
def test_confirm_racing_reject_one_wins_and_the_other_is_told(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; the constraint and the checks cover it there")
    freeze_today(monkeypatch)
    world = build_world()
    update = claim(world)
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except ValidationError as error:
            outcomes.append(" ".join(error.messages))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=decide,
            args=(lambda: services.progress_confirm(user=world.reviewer, update=update),),
        ),
        threading.Thread(
            target=decide,
            args=(
                lambda: services.progress_reject(
                    user=world.reviewer, update=update, comment="Thiếu biên bản."
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("done") == 1
    update.refresh_from_db()
    told = next(o for o in outcomes if o != "done")
    if update.review_status == ReviewStatus.CONFIRMED:
        assert told == confirmed_by("reviewer")
    else:
        assert told == gettext("This claim has already been rejected by %(who)s.") % {
            "who": "reviewer"
        }
