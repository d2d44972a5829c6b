"""Hostile text in every text field of every form, the admin's included, through to the end.

Control characters, NUL, decomposed (NFD) Vietnamese, zero-width and direction
marks, emoji and far-too-long text are typed into each form as the role that may
use it, through the test client, as a browser would post the page's form. Then:
no 5xx; a too-long text is refused with a message and stays in the re-rendered
form; a stored text is NFC and free of the characters ``clean_text`` removes; the
pages that show it open; and (``test_hostile_text_goes_through_to_the_end``) the
exports open and a backup → restore round trip reproduces it.
"""

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html
import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from common.fields import CleanCharField, CleanTextField
from common.text import clean_text, one_line
from danvan.backup import dump_database
from directives.models import (
    ConclusionNotice,
    DeadlineChange,
    DeadlineChangeStatus,
    ProgressUpdate,
    ReviewStatus,
)
from reports.models import (
    ConsolidatedReport,
    FollowUp,
    Membership,
    MembershipRole,
    Reorganisation,
    ReportStatus,
    Unit,
    UnitName,
    UnitReport,
)
from structure.models import Handover
from tests import factories as f
from tests.downloads import docx_of, xlsx_of
from tests.security import world as audit

pytestmark = pytest.mark.django_db

NFD = unicodedata.normalize("NFD", "Dân vận khéo, Đảng bộ tỉnh Quảng Ninh")
CONTROLS = [chr(c) for c in range(0x20) if chr(c) not in "\t\n"] + ["\x7f", "\x85", "\x9f"]
INVISIBLE = ["\u200b", "\u200d", "\ufeff", "\u200e", "\u200f", "\u202e"]
EMOJI = ["😀", "👍🏽", "🇻🇳", "👨‍👩‍👧"]
REMOVED = set("".join(CONTROLS)) - {"\x0b", "\x0c", "\r", "\x85"} | {"\ud800", "\ufffe"}

# One of each kind, for the end-to-end test.
SAMPLE = "Dân" + NFD + "\x0b\x00\x1f\r\n\u2028" + "".join(INVISIBLE) + "".join(EMOJI) + "vận"

piece = st.one_of(
    st.sampled_from(CONTROLS),
    st.sampled_from(INVISIBLE),
    st.sampled_from(EMOJI),
    st.just(NFD),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=5),
    st.just("\r\n"),
)
# Letters at both ends: a text that cleans to nothing is a "required" error, not a test.
hostile = st.lists(piece, min_size=1, max_size=12).map(
    lambda parts: "Dân " + "".join(parts) + " vận"
)


def far_too_long(limit: int) -> str:
    """A text longer than ``limit`` even after cleaning, hostile characters included."""
    return (SAMPLE * (limit // len(clean_text(SAMPLE)) + 2))[: limit * 2]


# --- Posting a page's form as a browser would ---------------------------------------


def page_form(client, page_url: str, *, action: str, fields, form_id: str | None = None):
    """The values a browser would post from the page's form that posts to ``action``
    and holds one of ``fields`` (its text areas without the newline that follows
    ``<textarea>``), as {name: [values]}; and the names of its one-line text inputs."""
    response = client.get(page_url)
    assert response.status_code == 200, (page_url, response.status_code)
    doc = lxml.html.fromstring(response.content.decode())
    for form in doc.forms:
        target = urlsplit(form.get("action") or page_url).path
        names = {element.name for element in form.inputs}
        if form_id and form.get("id") != form_id:
            continue
        if target == action and (form_id or not fields or names & set(fields)):
            data: dict[str, list[str]] = {}
            for name, value in form.form_values():
                data.setdefault(name, []).append(value)
            for element in form.inputs:
                if element.tag == "textarea" and element.name in data:
                    data[element.name] = [v.removeprefix("\n") for v in data[element.name]]
                # lxml leaves out an input without a value; a browser posts it empty.
                if (
                    element.tag == "input"
                    and element.name
                    and element.type not in ("checkbox", "radio", "file", "submit", "button")
                    and element.value is None
                    and "disabled" not in element.attrib
                ):
                    data.setdefault(element.name, [""])
            one_line_inputs = {
                element.name
                for element in form.inputs
                if element.tag == "input" and element.type in ("text", "search")
            }
            return target, data, one_line_inputs
    raise AssertionError(f"No form {action or form_id} on {page_url}")


@dataclass
class Case:
    """A form of the app: who may post it, where it is shown, which text fields it has."""

    name: str
    role: str
    page: Callable  # world -> URL of the page showing the form
    fields: dict[str, int]  # form field -> limit
    stored: Callable  # (world, form field) -> the stored text
    fixed: dict = field(default_factory=dict)  # values a user would choose
    reset: Callable = lambda world: None  # back to the state where the form is offered
    shows: Callable = lambda world: []  # pages that show the text
    shows_role: str | None = None  # who reads it there, if not the one who typed it
    form_id: str | None = None  # the form's id, where its action is the page itself
    existing: object = True  # the object the form changes (None: an add form)
    action: Callable | None = None  # world -> URL the form posts to, if not its page

    def action_url(self, world) -> str:
        return (self.action or self.page)(world)


def url(name: str, *objects: str) -> Callable:
    """world -> the URL ``name`` of the world's ``objects`` (their pks)."""
    return lambda w: reverse(name, args=[getattr(w, obj).pk for obj in objects])


def report_page(unit_code: str, quarter: str) -> Callable:
    return lambda w: reverse("reports:report", args=[unit_code, quarter])


def _report(world) -> UnitReport:
    return UnitReport.objects.get(pk=world.u_draft.pk)


def _latest(model, **filters):
    return model.objects.filter(**filters).order_by("-pk").first()


SECTIONS = dict.fromkeys(UnitReport.SECTIONS, 20_000)

CASES = [
    Case(
        "report",
        "head_u",
        page=report_page("u", "2024-q2"),
        fields=SECTIONS,
        stored=lambda w, name: getattr(_report(w), name),
        fixed={"action": "save"},
        shows=lambda w: [
            reverse("reports:report", args=["u", "2024-q2"]),
            reverse("quarters:detail", args=["2024-q2"]),
        ],
    ),
    Case(
        "consolidated report",
        "reviewer",
        page=lambda w: reverse("quarters:draft", args=["2024-q1"]),
        fields=SECTIONS,
        stored=lambda w, name: getattr(
            ConsolidatedReport.objects.get(unit__code="bdv", quarter=w.q1), name
        ),
        fixed={"action": "save"},
        shows=lambda w: [reverse("quarters:draft", args=["2024-q1"])],
        shows_role="leader",
    ),
    Case(
        "follow-up",
        "reviewer",
        page=report_page("u", "2024-q1"),
        action=url("reports:follow_up", "u_submitted"),
        fields={"note": 500},
        stored=lambda w, name: getattr(_latest(FollowUp, report=w.u_submitted), name, None),
        reset=lambda w: FollowUp.objects.filter(report=w.u_submitted).delete(),
        shows=lambda w: [reverse("reports:report", args=["u", "2024-q1"])],
        shows_role="head_u",  # the unit reads what to follow
    ),
    Case(
        "return",
        "reviewer",
        page=report_page("u", "2024-q1"),
        action=url("reports:return", "u_submitted"),
        fields={"comment": 5_000},
        stored=lambda w, name: UnitReport.objects.get(pk=w.u_submitted.pk).review_comment,
        reset=lambda w: UnitReport.objects.filter(pk=w.u_submitted.pk).update(
            status=ReportStatus.SUBMITTED
        ),
        shows=lambda w: [reverse("reports:report", args=["u", "2024-q1"])],
        shows_role="head_u",  # the unit reads what to change
    ),
    Case(
        "reopen",
        "reviewer",
        page=report_page("v", "2024-q1"),
        action=url("reports:reopen", "v_accepted"),
        fields={"reason": 5_000},
        stored=lambda w, name: UnitReport.objects.get(pk=w.v_accepted.pk).review_comment,
        reset=lambda w: UnitReport.objects.filter(pk=w.v_accepted.pk).update(
            status=ReportStatus.ACCEPTED
        ),
        shows=lambda w: [reverse("reports:report", args=["v", "2024-q1"])],
        shows_role="head_v",
    ),
    Case(
        "meeting",
        "reviewer",
        page=url("meetings:edit", "meeting"),
        fields={
            "title": 300,
            "chair_name": 120,
            "chair_positions": 300,
            "basis": 5_000,
            "venue": 200,
            "assessment": 20_000,
            "shortcomings": 20_000,
        },
        stored=lambda w, name: getattr(type(w.meeting).objects.get(pk=w.meeting.pk), name),
        shows=lambda w: [
            reverse("meetings:detail", args=[w.meeting.pk]),
            reverse("meetings:list"),
            reverse("quarters:detail", args=["2024-q1"]),
        ],
    ),
    Case(
        "directive",
        "reviewer",
        page=url("directives:edit", "directive"),
        fields={"title": 300, "text": 10_000},
        stored=lambda w, name: getattr(type(w.directive).objects.get(pk=w.directive.pk), name),
        shows=lambda w: [
            reverse("directives:detail", args=[w.directive.pk]),
            reverse("directives:register"),
            reverse("meetings:detail", args=[w.meeting.pk]),
        ],
    ),
    Case(
        "recommendation",
        "reviewer",
        page=url("meetings:recommendation_edit", "recommendation"),
        fields={"text": 5_000, "response": 5_000},
        stored=lambda w, name: getattr(
            type(w.recommendation).objects.get(pk=w.recommendation.pk), name
        ),
        shows=lambda w: [reverse("meetings:detail", args=[w.meeting.pk])],
    ),
    Case(
        "progress",
        "reporter_u",
        page=url("directives:progress_new", "assignment_u_secret"),
        fields={"description": 5_000},
        stored=lambda w, name: (
            _latest(ProgressUpdate, assignment=w.assignment_u_secret).description
        ),
        fixed={"claimed_status": "in_progress", "percent": "40"},
        shows=lambda w: [
            reverse("directives:detail", args=[w.secret_u.pk]),
            reverse("directives:my_work"),
        ],
    ),
    Case(
        "deadline change",
        "reporter_u",
        page=url("directives:deadline_new", "assignment_u_secret"),
        fields={"reason": 2_000},
        stored=lambda w, name: _latest(DeadlineChange, assignment=w.assignment_u_secret).reason,
        fixed={"new_date": "2030-12-31"},
        reset=lambda w: DeadlineChange.objects.filter(assignment=w.assignment_u_secret).delete(),
        shows=lambda w: [reverse("directives:detail", args=[w.secret_u.pk])],
    ),
    Case(
        "progress review",
        "reviewer",
        page=url("directives:detail", "directive"),
        action=url("directives:update_review", "update_u"),
        fields={"comment": 2_000},
        stored=lambda w, name: ProgressUpdate.objects.get(pk=w.update_u.pk).review_comment,
        fixed={"decision": "no"},
        reset=lambda w: ProgressUpdate.objects.filter(pk=w.update_u.pk).update(
            review_status=ReviewStatus.PENDING
        ),
        shows=lambda w: [reverse("directives:detail", args=[w.directive.pk])],
    ),
    Case(
        "deadline decision",
        "reviewer",
        page=url("directives:detail", "directive"),
        action=url("directives:deadline_decide", "change_u"),
        fields={"comment": 2_000},
        stored=lambda w, name: DeadlineChange.objects.get(pk=w.change_u.pk).decision_comment,
        fixed={"decision": "no"},
        reset=lambda w: DeadlineChange.objects.filter(pk=w.change_u.pk).update(
            status=DeadlineChangeStatus.PENDING
        ),
        shows=lambda w: [reverse("directives:detail", args=[w.directive.pk])],
    ),
    Case(
        "conclusion notice",
        "reviewer",
        page=url("meetings:notice", "meeting"),
        fields={
            "opening": 5_000,
            "assessment": 20_000,
            "shortcomings": 20_000,
            "tasks": 40_000,
            "closing": 300,
        },
        stored=lambda w, name: getattr(ConclusionNotice.objects.get(meeting=w.meeting), name),
        fixed={"action": "save"},
        shows=lambda w: [
            reverse("meetings:notice", args=[w.meeting.pk]),
            reverse("quarters:notice_docx", args=[w.meeting.quarter.slug, w.meeting.pk]),
            reverse("meetings:detail", args=[w.meeting.pk]),
        ],
        shows_role="leader",  # who reads it there without editing it
    ),
]

# Models whose admin page is only posted back unchanged: their names are rules
# (a group's name grants its permissions), not free text.
ADMIN_UNTOUCHED = {"auth.Group"}
# Add pages that are not the model's form: a reorganisation is made by the wizard,
# which tests/structure/test_wizard.py feeds hostile text.
ADMIN_WIZARDS = {"reports.Reorganisation"}
# The free text fields of models outside our apps, and of models whose other texts
# are a language (a quality rule's two sides are expressions: reports.expressions).
ADMIN_OTHER_TEXTS = {
    "auth.User": {"first_name": 150, "last_name": 150},
    "reports.ValidationRule": {"name": 200, "message": 300},
}
# The rows whose texts the admin lets one change (a filed report's text is read-only).
ADMIN_EDITABLE_ROWS = {
    "reports.UnitReport": lambda rows: rows.filter(
        status=ReportStatus.DRAFT, quarter__closed=False
    ),
    "reports.IndicatorValue": lambda rows: rows.filter(
        report__status=ReportStatus.DRAFT, report__quarter__closed=False
    ),
}


def _superuser_request():
    request = RequestFactory().get("/")
    request.user = User.objects.get(username="admin")  # the world's administrator
    return request


def admin_edits(model) -> bool:
    """Whether the admin offers any add or change form for ``model`` (some only show rows)."""
    request, model_admin = _superuser_request(), admin.site._registry[model]
    return model_admin.has_add_permission(request) or model_admin.has_change_permission(request)


def admin_texts(model) -> dict[str, int]:
    if model._meta.label in ADMIN_UNTOUCHED or not admin_edits(model):
        return {}
    if model._meta.label in ADMIN_OTHER_TEXTS:
        return ADMIN_OTHER_TEXTS[model._meta.label]
    shown_only = set(admin.site._registry[model].get_readonly_fields(_superuser_request()))
    return {
        f.name: f.max_length
        for f in model._meta.concrete_fields
        if isinstance(f, (CleanCharField, CleanTextField)) and f.name not in shown_only
    }


def admin_case(model) -> Case:
    meta = model._meta
    name = f"admin {meta.label}"
    rows = ADMIN_EDITABLE_ROWS.get(meta.label, lambda rows: rows)(model._default_manager.all())
    existing = rows.order_by("pk").first()

    def url(world):
        if existing is None:
            return reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[existing.pk])

    def stored(world, field_name):
        if existing is None:
            return None
        return getattr(model._default_manager.get(pk=existing.pk), field_name)

    def shows(world):
        urls = [reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")]
        return [*urls, url(world)] if existing is not None else urls

    return Case(
        name,
        "admin",
        page=url,
        action=url,
        fields=admin_texts(model),
        stored=stored,
        shows=shows,
        form_id=f"{meta.model_name}_form",
        existing=existing,
    )


# The audit world (tests/security/world.py): built once for the module, copied for each
# test (``world``), with what this module adds (``built_world``).
audit_world, world = audit.built_world, audit.world


@pytest.fixture(scope="module")
def built_world(audit_world):
    """Meetings, directives and recommendations are recorded by reviewers, in the admin
    too: the world's administrator is one, so that every admin form is typed into."""
    Membership.objects.create(
        user=audit_world.users["admin"], unit=f.root_unit(), role=MembershipRole.REVIEWER
    )
    return audit_world


def login(client, world, role):
    client.force_login(world.users[role])


def post_case(client, world, case: Case, texts: dict[str, str]):
    """Post the case's form with ``texts`` typed into its text fields; return the
    response, each text typed as it is stored (``as_stored``), and the names of those
    longer than allowed."""
    case.reset(world)
    login(client, world, case.role)
    action = case.action_url(world)
    target, data, one_line_inputs = page_form(
        client, case.page(world), action=action, fields=case.fields, form_id=case.form_id
    )
    data.update({name: [value] for name, value in case.fixed.items()})
    typed = {name: text for name, text in texts.items() if name in data}
    data.update({name: [text] for name, text in typed.items()})
    response = client.post(target, data)
    offered = {name: as_stored(text, name in one_line_inputs) for name, text in typed.items()}
    too_long = {n for n, t in offered.items() if len(t) > case.fields[n]}
    return response, offered, too_long


def as_stored(text: str, one_line_input: bool) -> str:
    """A typed text as the app stores it: cleaned, and on one line in a one-line field
    (a line break or tab pasted from Word would break a document's sentence)."""
    return one_line(text) if one_line_input else clean_text(text)


def check_response(client, world, case: Case, response, offered, too_long) -> None:
    assert response.status_code < 500, (case.name, response.status_code)
    if too_long:
        if response.status_code in (200, 400):
            html = response.content.decode()
            for name in too_long:
                assert escape(offered[name]) in html, f"{case.name}: the typed {name} was lost"
        else:  # a small inline form (the reviews) answers with a redirect and a message
            assert response.status_code == 302, (case.name, response.status_code)
        for name in too_long:
            stored = case.stored(world, name)
            assert stored is None or len(stored) <= case.fields[name], (case.name, name)
        return
    assert response.status_code == 302, (
        case.name,
        response.status_code,
        response.context and getattr(response.context.get("form"), "errors", None),
        response.context
        and getattr(response.context.get("adminform"), "form", None)
        and response.context["adminform"].form.errors,
    )
    for name, text in offered.items():
        stored = case.stored(world, name)
        if stored is None:
            continue
        assert stored in (text, text.strip()), (case.name, name)
        assert unicodedata.is_normalized("NFC", stored)
        assert not set(stored) & REMOVED
    if case.shows_role:
        login(client, world, case.shows_role)
    for url in case.shows(world):
        page = client.get(url)
        assert page.status_code == 200, (case.name, url, page.status_code)


def texts_for(case: Case, draw_text, overlong: str | None) -> dict[str, str]:
    texts = dict.fromkeys(case.fields, draw_text)
    if overlong is not None:
        texts[overlong] = far_too_long(case.fields[overlong])
    return texts


# Each example posts a form and opens the pages that show it: 4 (25 with
# HYPOTHESIS_PROFILE=thorough).
HYPOTHESIS = settings(
    max_examples=max(4, settings.default.max_examples // 40),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
@HYPOTHESIS
@given(data=st.data())
def test_every_form_takes_hostile_text(client, world, case, data):
    text = data.draw(hostile, label="text")
    overlong = data.draw(st.one_of(st.none(), st.sampled_from(sorted(case.fields))))
    response, offered, too_long = post_case(client, world, case, texts_for(case, text, overlong))
    assert offered, f"{case.name}: none of {sorted(case.fields)} is on the page"
    check_response(client, world, case, response, offered, too_long)


def admin_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", admin_models(), ids=lambda model: model._meta.label)
@HYPOTHESIS
@given(data=st.data())
def test_every_admin_form_takes_hostile_text(client, world, model, data):
    case = admin_case(model)
    if model._meta.label in ADMIN_WIZARDS:
        pytest.skip(f"{model._meta.label} is added by a wizard, tested on its own")
    if not case.fields and not admin_edits(model):
        pytest.skip(f"{model._meta.label} is shown, never edited, in the admin")
    try:
        case.page(world)
    except NoReverseMatch:
        pytest.skip(f"{model._meta.label} has no add or change page")
    text = data.draw(hostile, label="text")
    overlong = data.draw(st.one_of(st.none(), st.sampled_from(sorted(case.fields) or [None])))
    login(client, world, "admin")
    if client.get(case.page(world)).status_code == 403:
        return  # the admin offers no such page (added only by the app, for example)
    response, offered, too_long = post_case(
        client, world, case, texts_for(case, text, overlong if overlong else None)
    )
    assert offered or not case.fields, f"{case.name}: none of {sorted(case.fields)} is offered"
    if case.existing is None:
        # An add page posted with nothing but text: refused for its other fields, never a 500.
        assert response.status_code < 500, (case.name, response.status_code)
        return
    check_response(client, world, case, response, offered, too_long)


# --- Through to the end: pages, exports, backup and restore -------------------------


@pytest.mark.slow
def test_hostile_text_goes_through_to_the_end(client, world, tmp_path):
    for case in CASES + [admin_case(model) for model in admin_models()]:
        if not case.fields:
            continue
        login(client, world, case.role)
        if client.get(case.page(world)).status_code == 403:
            continue
        response, offered, too_long = post_case(
            client, world, case, dict.fromkeys(case.fields, SAMPLE)
        )
        if case.existing is None:
            # An add page posted with nothing but text: refused for its other fields.
            assert response.status_code < 500, (case.name, response.status_code)
            continue
        check_response(client, world, case, response, offered, too_long)

    login(client, world, "reviewer")
    docx_of(client.get(reverse("quarters:report_docx", args=["2024-q1"])))
    docx_of(client.get(reverse("quarters:notice_docx", args=["2024-q1", world.meeting.pk])))
    xlsx_of(client.get(reverse("quarters:indicators_xlsx", args=["2024-q1"])))
    xlsx_of(client.get(reverse("quarters:directives_xlsx", args=["2024-q1"])))
    docx_of(client.get(reverse("reports:document", args=["u", "2024-q1"])))
    login(client, world, "head_u")
    docx_of(client.get(reverse("quarters:report_docx", args=["2024-q2"])))
    docx_of(client.get(reverse("reports:document", args=["u", "2024-q2"])))

    cleaned: list[str] = []
    before = dump_database(cleaned=cleaned)
    assert cleaned == []  # every stored text was already clean
    assert clean_text(SAMPLE).encode() in before
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO(), stderr=io.StringIO())
    connection.check_constraints()
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(archive), stdout=io.StringIO())
    assert dump_database() == before


# --- The reorganisation wizard (the admin's add page of a reorganisation) -----------
# Its texts are typed into a preview, carried in the preview's signed state and only
# then stored: the decision number, and the names of the units it makes or renames,
# which every page, document and handover then shows.

WIZARD = reverse("admin:reports_reorganisation_add")
DECISION = {"effective_on": "01/07/2025", "decision_date": "20/06/2025"}
WIZARD_TEXTS = {  # kind -> its text fields and their limits
    "merge": {"decision_number": 100, "new_name": 200, "new_short_name": 80},
    "split": {
        "decision_number": 100,
        "part1_name": 200,
        "part1_short_name": 80,
        "part2_name": 200,
        "part2_short_name": 80,
    },
    "rename": {"decision_number": 100, "name": 200, "short_name": 80},
}


@pytest.fixture
def reorganised():
    """Two units, one with an open assignment (a merger or split hands it over, and the
    handover's description carries the new names), and the administrator signed in."""
    first, second = f.UnitFactory(code="cu-1"), f.UnitFactory(code="cu-2")
    f.AssignmentFactory(unit=first)
    return {"first": first, "second": second, "admin": f.admin(username="quantri")}


def wizard_data(kind: str, units: dict, texts: dict[str, str]) -> dict:
    """What the administrator posts for the kind, with ``texts`` in its text fields."""
    first, second = units["first"], units["second"]
    chosen = {
        "merge": {
            "units": [first.pk, second.pk],
            "successor": "new",
            "new_code": "moi",
            "new_kind": "government",
            "new_level": "province",
        },
        "split": {
            "unit": first.pk,
            "part1_code": "moi-1",
            "part1_kind": "government",
            "part1_share": "60",
            "part2_code": "moi-2",
            "part2_kind": "government",
            "part2_share": "40",
            "assign_all_to": "1",
        },
        "rename": {"unit": first.pk},
    }[kind]
    return {**chosen, **DECISION, **texts}


def stored_wizard_texts(kind: str) -> dict[str, str]:
    """The texts the reorganisation stored, by the wizard field they came from."""
    record = Reorganisation.objects.get()
    stored = {"decision_number": record.decision_number}
    units = {
        "merge": {"new_": "moi"},
        "split": {"part1_": "moi-1", "part2_": "moi-2"},
        "rename": {"": "cu-1"},
    }[kind]
    for prefix, code in units.items():
        unit = Unit.objects.get(code=code)
        stored |= {f"{prefix}name": unit.name, f"{prefix}short_name": unit.short_name}
    return stored


def assert_clean(text: str) -> None:
    assert unicodedata.is_normalized("NFC", text)
    assert not set(text) & REMOVED


@pytest.mark.parametrize("kind", sorted(WIZARD_TEXTS))
def test_the_wizard_stores_hostile_text_clean_and_its_pages_open(client, reorganised, kind):
    client.force_login(reorganised["admin"])
    typed = dict.fromkeys(WIZARD_TEXTS[kind], SAMPLE)
    data = wizard_data(kind, reorganised, typed)

    preview = client.post(f"{WIZARD}?kind={kind}", {**data, "_preview": "1"})
    assert preview.status_code == 200
    assert "state" in preview.context, preview.context["form"].errors
    done = client.post(
        f"{WIZARD}?kind={kind}", {"state": preview.context["state"], "_confirm": "1"}
    )

    assert done.status_code == 302
    for name, text in stored_wizard_texts(kind).items():
        assert text == one_line(SAMPLE), name  # each a one-line field
        assert_clean(text)
    record = Reorganisation.objects.get()
    for text in [
        record.summary,
        *UnitName.objects.values_list("name", flat=True),
        *Handover.objects.values_list("description", flat=True),
    ]:
        assert_clean(text)
    if kind != "rename":
        assert Handover.objects.exists()  # the handed-over assignment names the new unit
    for page in (
        reverse("admin:reports_reorganisation_changelist"),
        reverse("admin:reports_reorganisation_change", args=[record.pk]),
        reverse("admin:reports_unit_changelist"),
        reverse("admin:reports_unit_change", args=[reorganised["first"].pk]),
    ):
        assert client.get(page).status_code == 200, page


@pytest.mark.parametrize(
    ("kind", "name"), [(kind, name) for kind, names in WIZARD_TEXTS.items() for name in names]
)
def test_the_wizard_refuses_a_text_too_long_and_keeps_it(client, reorganised, kind, name):
    client.force_login(reorganised["admin"])
    limit = WIZARD_TEXTS[kind][name]
    texts = dict.fromkeys(WIZARD_TEXTS[kind], NFD) | {name: far_too_long(limit)}

    response = client.post(
        f"{WIZARD}?kind={kind}", {**wizard_data(kind, reorganised, texts), "_preview": "1"}
    )

    assert response.status_code == 200
    assert name in response.context["form"].errors
    assert escape(one_line(texts[name])) in response.content.decode()
    assert not Reorganisation.objects.exists()
