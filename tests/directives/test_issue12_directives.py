"""Issue 12, the follow-up's part: no 500 and no duplicate on "save and add
another", races and repeats answered with a message, completion dated by the
work, the admin through the services, and the smaller holes."""

import datetime

import pytest
from django.urls import reverse

from directives.models import Directive
from tests.directives.world import build_world, freeze_today

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    freeze_today(monkeypatch)
    return build_world()


def directive_data(world, **overrides):
    data = {
        "number": 4,
        "title": "Xây dựng chi hội không ma túy",
        "text": "MTTQ và các tổ chức chính trị - xã hội xây dựng chi hội không ma túy.",
        "due_date": "2024-12-31",
        "confidentiality": "normal",
        "lead_units": [world.unit_a.pk],
        "add_another": "1",
    }
    data.update(overrides)
    return data


# ------------------------------------------------- save and add another


def test_save_and_add_another_twice_in_a_row_opens_a_fresh_form_each_time(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:directive_new", args=[world.meeting.pk])
    first = client.post(url, directive_data(world), follow=True)
    assert first.status_code == 200
    assert first.redirect_chain[-1][0] == url
    assert first.context["form"].initial["number"] == 5
    second = client.post(url, directive_data(world, number=5, title="Thứ hai"), follow=True)
    assert second.status_code == 200
    assert second.redirect_chain[-1][0] == url
    assert list(world.meeting.directives.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_a_retried_save_and_add_another_does_not_record_the_directive_twice(client, world):
    client.force_login(world.reviewer)
    url = reverse("meetings:directive_new", args=[world.meeting.pk])
    client.post(url, directive_data(world))
    retry = client.post(url, directive_data(world))
    assert retry.status_code == 200
    assert Directive.objects.filter(title="Xây dựng chi hội không ma túy").count() == 1
