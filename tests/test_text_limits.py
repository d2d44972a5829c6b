"""Every user-typed text has a limit in the model and the form, and the shipped data fits."""

import importlib
import unicodedata

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.fields import CleanCharField, CleanTextField
from sampledata.demo import demo_load
from sampledata.synthetic import Plan, generate
from tests import factories as f
from tests.dirty import dirty, read_raw, write_raw

pytestmark = pytest.mark.django_db

OUR_APPS = ("reports", "directives")


def text_fields():
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, (CleanCharField, CleanTextField)):
                    yield model, field


def too_long(model, field) -> list[str]:
    return [
        f"{model._meta.label}.{field.name} #{pk}: {len(value)} > {field.max_length}"
        for pk, value in model._default_manager.values_list("pk", field.attname)
        if value and len(value) > field.max_length
    ]


def test_every_clean_text_field_has_a_limit():
    fields = list(text_fields())
    assert len(fields) > 40  # the history tables' copies included
    assert all(field.max_length for _model, field in fields)


def test_the_demo_and_generated_data_fit_every_text_limit():
    demo_load(password="danvan2024-limits")
    generate(plan=Plan(units=30, quarters=2, indicators=8, directives=10, end=(2024, 2)), log=str)
    problems = [line for model, field in text_fields() for line in too_long(model, field)]
    assert problems == []


def test_a_text_field_refuses_a_text_above_its_limit_in_the_model():
    update = f.ProgressUpdateFactory(description="x" * 5_001)
    with pytest.raises(ValidationError) as error:
        update.full_clean()
    assert "description" in error.value.message_dict


# --- The fields clean on the way in ---------------------------------------------------


def test_a_form_removes_a_nul_instead_of_refusing_the_text():
    from directives.forms import ReviewForm

    form = ReviewForm(data={"decision": "no", "comment": "Thiếu\x00 biên bản\x0bký"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["comment"] == "Thiếu biên bản\nký"


def test_a_form_shown_again_shows_the_text_as_it_would_be_saved():
    from reports.forms import ReturnForm

    form = ReturnForm(data={"comment": "Bổ sung:\x0bđã rà soát" + "a" * 6_000})
    assert not form.is_valid()  # too long: the form is shown again
    assert form["comment"].value().startswith("Bổ sung:\nđã rà soát")


def test_the_form_limit_counts_the_cleaned_text():
    from reports.forms import ReturnForm

    form = ReturnForm(data={"comment": "a" * 5_000 + "\x00" * 10})
    assert form.is_valid(), form.errors


@pytest.mark.usefixtures("factories_keep_history")
def test_a_saved_text_is_clean_in_the_row_the_instance_and_the_history():
    from directives.models import Meeting

    meeting = f.MeetingFactory(
        title="Giao\x0bban\x00 " + unicodedata.normalize("NFD", "Dân vận"),
        basis="Quyết định 461\x0bngày 14/12/2021",
    )
    # A title is one line: Word's Shift+Enter is a space there; the basis keeps its lines.
    assert meeting.title == "Giao ban Dân vận"
    assert Meeting.objects.get(pk=meeting.pk).title == "Giao ban Dân vận"
    assert meeting.history.get().title == "Giao ban Dân vận"
    assert meeting.history.get().basis == "Quyết định 461\nngày 14/12/2021"


def test_an_update_of_the_queryset_stores_clean_text_too():
    from directives.models import Directive

    directive = f.DirectiveFactory()
    Directive.objects.filter(pk=directive.pk).update(text="Triển khai\x0bngay\x1f")
    assert read_raw(Directive, directive.pk, "text") == "Triển khai\nngay"


# --- The data migration cleans what was stored before -----------------------------


def migration(app: str, name: str):
    return importlib.import_module(f"{app}.migrations.{name}")


@pytest.mark.usefixtures("factories_keep_history")
def test_the_data_migrations_clean_stored_rows_and_history_and_keep_overlong_texts_whole():
    from directives.models import Directive, ProgressUpdate
    from reports.models import UnitReport

    report = f.UnitReportFactory(results="Kết quả")
    update = f.ProgressUpdateFactory()
    directive = update.assignment.directive
    report_history = report.history.get()
    user = f.UserFactory()
    write_raw(UnitReport, report.pk, results=dirty(), review_comment="x" * 6_000)
    write_raw(type(report_history), report_history.pk, results=dirty())
    write_raw(Directive, directive.pk, title=unicodedata.normalize("NFD", "Dân vận\x0c"))
    write_raw(ProgressUpdate, update.pk, description="y" * 9_000 + "\x1f")
    write_raw(type(user), user.pk, first_name="An\x0b", last_name="Nguyễn\x1f")

    migration("reports", "0006_clean_stored_texts").clean_stored_texts(apps, None)
    migration("directives", "0003_clean_stored_texts").clean_stored_texts(apps, None)

    assert read_raw(UnitReport, report.pk, "results") == "Dòng một\ndòng hai đúng hạn"
    assert read_raw(UnitReport, report.pk, "review_comment") == "x" * 6_000
    assert read_raw(type(report_history), report_history.pk, "results") == (
        "Dòng một\ndòng hai đúng hạn"
    )
    assert read_raw(Directive, directive.pk, "title") == "Dân vận"  # one line, at its end
    assert read_raw(ProgressUpdate, update.pk, "description") == "y" * 9_000
    assert read_raw(type(user), user.pk, "first_name") == "An\n"
    assert read_raw(type(user), user.pk, "last_name") == "Nguyễn"


@pytest.mark.usefixtures("factories_keep_history")
def test_the_data_migrations_put_stored_one_line_texts_on_one_line():
    """Titles and names stored with a line break or tab pasted from Word, before such
    fields kept one line, are made one line, history included; other texts keep theirs."""
    from directives.models import Meeting
    from reports.models import Unit

    meeting = f.MeetingFactory(title="Giao ban", assessment="Tốt")
    unit = f.UnitFactory(name="Hội Nông dân")
    history = meeting.history.get()
    write_raw(Meeting, meeting.pk, title="Giao ban\nquý I\t2024", assessment="Một\nhai")
    write_raw(type(history), history.pk, venue="Hội trường\tTỉnh ủy")
    write_raw(Unit, unit.pk, name="Hội  Nông\ndân tỉnh ")

    taken = f.TopicFactory(name="Tổ A")
    twin = f.TopicFactory(name="Tổ B")
    write_raw(type(twin), twin.pk, name="Tổ  A")  # one line, it would be the other's name

    def run() -> None:
        migration("directives", "0011_one_line_texts").one_line_texts(apps, None)
        migration("reports", "0029_one_line_texts").one_line_texts(apps, None)

    run()
    with CaptureQueriesContext(connection) as second:
        run()
    updates = [q["sql"] for q in second.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and '"directives_topic"' in updates[0]  # only the twin, again
    assert read_raw(type(twin), twin.pk, "name") == "Tổ  A"  # left for its next edit
    assert read_raw(type(taken), taken.pk, "name") == "Tổ A"

    assert read_raw(Meeting, meeting.pk, "title") == "Giao ban quý I 2024"
    assert read_raw(Meeting, meeting.pk, "assessment") == "Một\nhai"
    assert read_raw(type(history), history.pk, "venue") == "Hội trường Tỉnh ủy"
    assert read_raw(Unit, unit.pk, "name") == "Hội Nông dân tỉnh"
