"""Another unit's objects, reached by changing an id in the URL: 403/404 and nothing changes.

The URL audit covers every object URL with an empty POST; here each attempt
carries a valid form, so only the permission check stands in the way.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives.models import ClaimedStatus
from tests.security.world import PDF, login, snapshot

pytestmark = pytest.mark.django_db


def report_form(report, **extra):
    return {"version": report.version, "people_situation": "Sửa trộm.", **extra}


def progress_form():
    return {
        "claimed_status": ClaimedStatus.DONE,
        "percent": 100,
        "description": "Báo cáo hộ.",
        "evidence": SimpleUploadedFile("x.pdf", PDF, "application/pdf"),
    }


def meeting_form(world, unit, **extra):
    return {
        "unit": unit.pk,
        "quarter": world.q1.pk,
        "held_at": "2024-03-20T08:00",
        "title": "Giao ban chen ngang",
        "chair_name": "Người lạ",
        **extra,
    }


def directive_form(unit, **extra):
    return {
        "number": 9,
        "title": "Chỉ đạo chen ngang",
        "text": "Nội dung chen ngang.",
        "due_date": "2030-12-31",
        "confidentiality": "normal",
        "lead_units": [unit.pk],
        **extra,
    }


def pks(*names: str):
    """The URL args: the pks of the world's objects ``names``."""
    return lambda w: [getattr(w, name).pk for name in names]


def fixed(data: dict):
    """Form data that owes nothing to the world."""
    return lambda w: data


DECIDE = fixed({"decision": "yes"})
NO_FORM = fixed({})
DEADLINE = fixed({"new_date": "2031-01-01", "reason": "Hộ"})


def progress(w):
    return progress_form()


def edit_of(report: str):
    return lambda w: report_form(getattr(w, report))


def meeting_in(unit: str):
    return lambda w: meeting_form(w, getattr(w, unit))


def directive_for(unit: str):
    return lambda w: directive_form(getattr(w, unit))


# (who, url name, args from the world, form data from the world, expected code)
ATTEMPTS = [
    ("reporter_v", "reports:report", fixed(["u", "2024-q2"]), edit_of("u_draft"), 404),
    ("head_v", "reports:submit", pks("u_draft"), edit_of("u_draft"), 404),
    ("reporter_u", "reports:report", fixed(["v", "2024-q2"]), edit_of("v_draft"), 404),
    ("head_u", "reports:report", fixed(["v", "2024-q1"]), edit_of("v_accepted"), 404),
    ("head_u", "reports:accept", pks("u_submitted"), NO_FORM, 403),
    ("head_u", "reports:return", pks("u_submitted"), fixed({"comment": "Trả lại"}), 403),
    ("reporter_v", "directives:progress_new", pks("assignment_u"), progress, 403),
    ("reporter_u", "directives:progress_new", pks("assignment_v"), progress, 404),
    ("reporter_u", "directives:progress_new", pks("assignment_v_only"), progress, 403),
    ("reporter_u", "directives:deadline_new", pks("assignment_v"), DEADLINE, 404),
    ("reporter_v", "directives:deadline_new", pks("assignment_u"), DEADLINE, 403),
    ("head_u", "directives:update_review", pks("update_u"), DECIDE, 403),
    ("head_u", "directives:deadline_decide", pks("change_u"), DECIDE, 403),
    ("leader", "directives:update_review", pks("update_u"), DECIDE, 403),
    ("admin", "reports:accept", pks("u_submitted"), NO_FORM, 403),
    # The reviewer and the leader of another province (issue 14): the first province's
    # objects do not exist for them, and what they record stays in their province.
    ("reviewer_x", "reports:accept", pks("u_submitted"), NO_FORM, 404),
    ("reviewer_x", "reports:return", pks("u_submitted"), fixed({"comment": "Trả lại"}), 404),
    ("reviewer_x", "reports:reopen", pks("v_accepted"), fixed({"comment": "Mở lại"}), 404),
    ("leader_x", "reports:accept", pks("u_submitted"), NO_FORM, 404),
    ("reviewer_x", "directives:update_review", pks("update_u"), DECIDE, 404),
    ("reviewer_x", "directives:deadline_decide", pks("change_u"), DECIDE, 404),
    ("reviewer_x", "meetings:edit", pks("meeting"), meeting_in("root_x"), 404),
    ("reviewer_x", "directives:edit", pks("directive"), directive_for("unit_w"), 404),
    ("reviewer_x", "meetings:directive_new", pks("meeting"), directive_for("unit_w"), 404),
    ("reviewer", "meetings:directive_new", pks("meeting_x"), directive_for("unit_u"), 404),
    # A meeting for a unit the reviewer does not review: the form refuses the unit.
    ("reviewer_x", "meetings:new", pks(), lambda w: meeting_form(w, w.unit_u.parent), 200),
    # X's own meeting, a directive for a unit of the first province: refused, saying why.
    ("reviewer_x", "meetings:directive_new", pks("meeting_x"), directive_for("unit_u"), 200),
    (
        "reviewer_x",
        "meetings:recommendation_edit",
        pks("recommendation"),
        fixed({"number": 1, "text": "Sửa trộm."}),
        404,
    ),
]


@pytest.mark.parametrize(
    ("who", "name", "args", "data", "expected"),
    ATTEMPTS,
    ids=[f"{who}-{name}-{i}" for i, (who, name, *_) in enumerate(ATTEMPTS)],
)
def test_another_units_object_cannot_be_changed(client, world, who, name, args, data, expected):
    if who == "head_v":
        client.force_login(world.users["head_v"])
    else:
        login(client, world, who)
    before = snapshot()
    response = client.post(reverse(name, args=args(world)), data(world))
    assert response.status_code == expected
    assert snapshot() == before


@pytest.mark.parametrize(
    ("who", "update"),
    [
        ("reporter_u", "update_v"),  # V's confidential directive
        ("head_u", "update_v"),
        ("reporter_u", "update_v_only"),  # a directive U has no part in
        ("head_u", "update_v_only"),
    ],
)
def test_another_units_evidence_cannot_be_downloaded(client, world, who, update):
    login(client, world, who)
    response = client.get(reverse("directives:evidence", args=[getattr(world, update).pk]))
    assert response.status_code == 404


def test_a_directive_of_one_province_cannot_be_given_to_a_unit_of_another(client, world):
    login(client, world, "reviewer_x")
    url = reverse("meetings:directive_new", args=[world.meeting_x.pk])
    response = client.post(url, directive_form(world.unit_u, support_units=[world.unit_w.pk]))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["lead_units"][0].startswith("U: ")  # the unit refused, by its short name
    assert "support_units" not in errors
    assert not world.meeting_x.directives.filter(number=9).exists()


@pytest.mark.parametrize("who", ["reviewer_x", "leader_x"])
def test_another_provinces_evidence_cannot_be_downloaded(client, world, who):
    login(client, world, who)
    for update in (world.update_u, world.update_v, world.update_v_normal):
        response = client.get(reverse("directives:evidence", args=[update.pk]))
        assert response.status_code == 404


def test_a_report_id_of_another_unit_never_reveals_it_in_the_list(client, world):
    login(client, world, "reporter_u")
    html = client.get(reverse("reports:list")).content.decode()
    assert "Đơn vị V" not in html
