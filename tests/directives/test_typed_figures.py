"""Figures typed in the follow-up (a directive's target, the percent done) are read
like report figures: "10,000" on a Vietnamese page is a question, not 10."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from directives.forms import DirectiveForm
from directives.models import ProgressUpdate
from tests import factories as f

pytestmark = pytest.mark.django_db


def directive_form(world, indicator, **targets):
    data = {
        "number": 9,
        "title": "Phấn đấu huyện không ma túy",
        "text": "Nội dung",
        "due_date": "2024-12-31",
        "confidentiality": "normal",
        "lead_units": [world.unit_a.pk],
        "target_indicator": indicator.pk,
        "target_date": "2024-12-31",
        **targets,
    }
    with translation.override("vi"):
        form = DirectiveForm(data, meeting=world.meeting)
        form.is_valid()
        return form, {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_a_target_typed_the_vietnamese_way_is_stored_as_typed(world):
    indicator = f.IndicatorFactory(measure="người")
    form, errors = directive_form(
        world, indicator, target_baseline="1.200", target_min="10.000", target_max="12.500"
    )
    assert errors == {}
    assert (form.cleaned_data["target_min"], form.cleaned_data["target_max"]) == (
        Decimal("10000"),
        Decimal("12500"),
    )


def test_a_target_two_readings_could_give_is_refused_with_both(world):
    indicator = f.IndicatorFactory(measure="người", whole_numbers=False)
    _form, errors = directive_form(world, indicator, target_min="10,000")
    assert "10 hoặc 10.000" in errors["target_min"][0]


def test_a_fractional_target_on_a_whole_number_indicator_is_refused(world):
    indicator = f.IndicatorFactory(measure="huyện")
    _form, errors = directive_form(world, indicator, target_min="4,5")
    assert "số nguyên" in errors["target_min"][0]
    rate = f.IndicatorFactory(measure="%", whole_numbers=False)
    _form, errors = directive_form(world, rate, target_min="4,5")
    assert errors == {}


def test_an_existing_target_shows_grouped_in_the_edit_form(world):
    directive = world.normal
    directive.target_indicator = f.IndicatorFactory()
    directive.target_min = Decimal("12000")
    directive.target_date = datetime.date(2024, 12, 31)
    directive.save()
    with translation.override("vi"):
        form = DirectiveForm(instance=directive, meeting=world.meeting)
        assert 'value="12.000"' in str(form["target_min"])


@pytest.mark.parametrize(("typed", "stored"), [("40", 40), (" 100 ", 100), ("0", 0)])
def test_the_percent_done_is_a_whole_number_from_0_to_100(client, world, typed, stored):
    client.force_login(world.reporter_a)
    client.post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        {"claimed_status": "in_progress", "percent": typed, "description": "Đã họp."},
    )
    assert ProgressUpdate.objects.get().percent == stored


@pytest.mark.parametrize("typed", ["12,5", "٣", "²", "1e2", "50%"])
def test_a_percent_done_that_is_not_a_whole_ascii_number_is_refused(client, world, typed):
    client.force_login(world.reporter_a)
    response = client.post(
        reverse("directives:progress_new", args=[world.a_normal.pk]),
        {"claimed_status": "in_progress", "percent": typed, "description": "Giữ nguyên"},
    )
    assert response.status_code == 200
    assert "percent" in response.context["form"].errors
    assert not ProgressUpdate.objects.exists()
