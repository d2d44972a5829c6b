"""One invisible character (U+000B, Word's Shift+Enter) in one history row no longer
stops the backup of the whole site: it is written cleaned, with a warning naming it."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from danvan.backup import dump_database
from directives.models import Meeting
from tests import factories as f
from tests.dirty import write_raw

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.usefixtures("factories_keep_history")
def test_a_history_row_with_a_vertical_tab_is_backed_up_cleaned_and_restored(tmp_path):
    meeting = f.MeetingFactory(title="Giao ban quý I")
    f.DirectiveFactory(meeting=meeting, text="Triển khai")
    history = meeting.history.get()
    write_raw(type(history), history.pk, title="Giao ban\x0bquý I", assessment="Tốt\x1f")
    archive = tmp_path / "backup.tar.gz"
    errors = io.StringIO()

    call_command("backup", output=archive, stdout=io.StringIO(), stderr=errors)

    warnings = errors.getvalue()
    assert f"directives.HistoricalMeeting #{history.pk}, title" in warnings
    assert f"directives.HistoricalMeeting #{history.pk}, assessment" in warnings
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), stdout=io.StringIO())
    restored = Meeting.history.get()
    assert restored.title == "Giao ban quý I"  # a title is one line
    assert restored.assessment == "Tốt"
    assert Meeting.objects.get().title == "Giao ban quý I"


def test_a_clean_site_backs_up_without_a_warning(tmp_path):
    f.DirectiveFactory(text="Dân vận khéo 😀\u200b")
    cleaned = []
    dump = dump_database(cleaned=cleaned)
    assert cleaned == []
    assert "Dân vận khéo 😀\u200b".encode() in dump


def test_white_space_around_a_text_is_named_as_cleaned_since_a_restore_strips_it(tmp_path):
    # Found moving a generated site between databases: Django's XML deserializer strips
    # every value, so "[Sinh tự động] " came back without its space, unannounced.
    directive = f.DirectiveFactory(text="Triển khai")
    write_raw(type(directive), directive.pk, text=" Triển khai\n")
    cleaned = []
    dump = dump_database(cleaned=cleaned)
    assert cleaned == [f"directives.Directive #{directive.pk}, text"]
    assert b">Tri\xe1\xbb\x83n khai</field>" in dump
