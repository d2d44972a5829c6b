"""The admin's reorganisation wizard, as the administrator uses it: the kind, the form,
the preview (what will happen, counted), the confirmation; refusals in place with
everything typed kept; no one else may open it, and a confirmation cannot be forged."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directives.models import Assignment
from reports.models import Membership, Reorganisation, ReorganisationKind, Unit, UnitLink
from structure import services
from structure.forms import FORMS
from structure.models import Handover, HandoverItem
from tests import factories as f
from tests.walk.crawler import HOSTILE_TEXT, LONG_TEXT

pytestmark = pytest.mark.django_db

WIZARD = reverse("admin:reports_reorganisation_add")
DECISION = {
    "effective_on": "01/07/2025",
    "decision_number": "Quyết định số 123-QĐ/TU",
    "decision_date": "20/06/2025",
}
NEW_SUCCESSOR = {
    "successor": "new",
    "new_code": "dd-hdnd-ubnd",
    "new_name": "Đảng ủy HĐND và UBND tỉnh",
    "new_short_name": "Đảng ủy chính quyền",
    "new_kind": "government",
    "new_level": "province",
}


def post(client, kind: str, data: dict, button: str = "_preview"):
    return client.post(f"{WIZARD}?kind={kind}", {**data, button: "1"})


def confirm(client, preview, button: str = "_confirm"):
    assert preview.status_code == 200
    assert "state" in preview.context, "not a preview page"
    return client.post(
        f"{WIZARD}?kind={preview.context['kind'].value}",
        {"state": preview.context["state"], button: "1"},
    )


def counts(preview) -> dict[str, int]:
    """The preview's count per kind of handover, as its summary table shows them."""
    return {str(label): count for label, _rows, count, _more in preview.context["groups"]}


def shown_handovers(preview) -> list[tuple[str, str, str, str]]:
    return sorted(
        (h.item, h.description, h.from_unit.code, h.to_unit.code)
        for _label, rows, _count, _more in preview.context["groups"]
        for h in rows
    )


def recorded_handovers(record: Reorganisation) -> list[tuple[str, str, str, str]]:
    return sorted(
        (h.item, h.description, h.from_unit.code, h.to_unit.code)
        for h in Handover.objects.filter(reorganisation=record).select_related(
            "from_unit", "to_unit"
        )
    )


def page_errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def refusals_of(operation, **kwargs) -> list[str]:
    """The reasons the service gives for refusing (called directly, as a dry run)."""
    with pytest.raises(ValidationError) as refused:
        operation(**kwargs, user=None, dry_run=True)
    return refused.value.messages


def merge_data(government, **more) -> dict:
    return {
        "units": [government["ubnd"].pk, government["hdnd"].pk],
        **NEW_SUCCESSOR,
        "move_memberships": "on",
        **DECISION,
        **more,
    }


# --------------------------------------------------------------- the steps


def test_the_first_step_offers_every_kind(admin_client):
    response = admin_client.get(WIZARD)
    assert response.status_code == 200
    html = response.content.decode()
    for kind in ReorganisationKind:
        assert f'href="?kind={kind.value}"' in html


def test_the_changelist_and_a_unit_lead_to_the_wizard(admin_client):
    unit = f.UnitFactory()
    changelist = admin_client.get(reverse("admin:reports_reorganisation_changelist"))
    assert WIZARD in changelist.content.decode()
    unit_page = admin_client.get(reverse("admin:reports_unit_change", args=[unit.pk]))
    assert f'<a href="{WIZARD}">' in unit_page.content.decode()


def test_a_merger_is_previewed_with_its_counts_and_nothing_changes(admin_client, government):
    preview = post(admin_client, "merge", merge_data(government))

    assert counts(preview) == {
        HandoverItem.ASSIGNMENT.label: 2,
        HandoverItem.ASSIGNMENT_COMBINED.label: 1,
        HandoverItem.PROGRESS_UPDATE.label: 1,
        HandoverItem.DEADLINE_CHANGE.label: 1,
        HandoverItem.MEMBERSHIP.label: 2,
    }
    html = preview.content.decode()
    assert "Đảng ủy HĐND và UBND tỉnh" in html
    assert "30/06/2025" in html  # the old units' last day
    assert not Reorganisation.objects.exists()
    assert not Unit.objects.filter(code="dd-hdnd-ubnd").exists()
    assert Unit.objects.get(code="bcsd-ubnd").valid_to is None


def test_confirming_a_merger_carries_it_out_and_shows_the_record(admin_client, government):
    preview = post(admin_client, "merge", merge_data(government))

    response = confirm(admin_client, preview)

    record = Reorganisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reports_reorganisation_change", args=[record.pk])
    successor = Unit.objects.get(code="dd-hdnd-ubnd")
    assert Unit.objects.get(code="bcsd-ubnd").successor == successor
    assert Membership.objects.get(user=government["head"]).unit == successor
    assert record.recorded_by.username == "quantri"
    assert record.decision_number == "Quyết định số 123-QĐ/TU"
    page = admin_client.get(response["Location"])
    html = page.content.decode()
    assert record.summary in html  # the success message and the record
    assert "Đảng ủy HĐND và UBND tỉnh" in html


def test_the_preview_shows_exactly_what_the_confirmation_does(admin_client, government):
    hdnd = government["hdnd"]
    support = Assignment.objects.get(directive=government["both"], unit=hdnd)
    only = government["only_hdnd"]
    data = {
        "unit": hdnd.pk,
        "part1_code": "a",
        "part1_name": "Đơn vị A",
        "part1_kind": "government",
        "part1_share": "60",
        "part2_unit": government["ubnd"].pk,
        "part2_share": "40",
        f"a{support.pk}_to": "2",
        f"a{only.pk}_to": "1",
        f"a{only.pk}_also": ["2"],
        "memberships_to": "1",
        **DECISION,
    }
    preview = post(admin_client, "split", data)
    shown = shown_handovers(preview)

    confirm(admin_client, preview)

    record = Reorganisation.objects.get()
    assert shown == recorded_handovers(record)
    assert {item for item, *_rest in shown} >= {
        HandoverItem.ASSIGNMENT,
        HandoverItem.ASSIGNMENT_COMBINED,
        HandoverItem.ASSIGNMENT_COPIED,
        HandoverItem.MEMBERSHIP,
    }
    assert dict(UnitLink.objects.values_list("successor__code", "share")) == {
        "a": Decimal("0.6"),
        "bcsd-ubnd": Decimal("0.4"),
    }


def test_a_split_lists_the_units_open_assignments_to_place(admin_client, government):
    hdnd = government["hdnd"]
    response = post(admin_client, "split", {"unit": hdnd.pk}, button="_refresh")

    assert response.status_code == 200
    assert response.context["form"].errors  # checked, but not shown while refreshing
    html = response.content.decode()
    assert 'class="errorlist' not in html
    for assignment in Assignment.objects.filter(unit=hdnd, completed_on__isnull=True):
        assert f'name="a{assignment.pk}_to"' in html
        assert str(assignment.directive.title) in html
    finished = government["finished"]
    assert f'name="a{finished.pk}_to"' not in html


def split_data(government, **more) -> dict:
    return {
        "unit": government["hdnd"].pk,
        "part1_code": "a",
        "part1_name": "Đơn vị A",
        "part1_kind": "government",
        "part1_share": "50",
        "part2_code": "b",
        "part2_name": "Đơn vị B",
        "part2_kind": "government",
        "part2_share": "50",
        "assign_all_to": "1",
        **DECISION,
        **more,
    }


def test_a_split_with_every_assignment_to_one_successor(admin_client, government):
    data = split_data(government, assign_all_to="2")
    preview = post(admin_client, "split", data)
    assert counts(preview)[HandoverItem.ASSIGNMENT.label] == 2

    confirm(admin_client, preview)

    assert set(
        Assignment.objects.filter(completed_on__isnull=True, unit__code="b").values_list(
            "directive__number", flat=True
        )
    ) == {1, 2}


def test_a_renaming_is_previewed_then_recorded(admin_client, government):
    ubnd = government["ubnd"]
    data = {"unit": ubnd.pk, "name": "Đảng ủy UBND tỉnh", "short_name": "Đảng ủy UBND"}
    preview = post(admin_client, "rename", {**data, **DECISION})
    assert counts(preview) == {}
    assert "Ban Cán sự Đảng UBND tỉnh" in preview.content.decode()

    confirm(admin_client, preview)

    ubnd.refresh_from_db()
    assert ubnd.name == "Đảng ủy UBND tỉnh"
    assert ubnd.name_on(datetime.date(2025, 6, 30)) == "Ban Cán sự Đảng UBND tỉnh"


def test_a_move_is_previewed_then_recorded(admin_client, government):
    parent = f.UnitFactory(code="tu-halong", name="Thành ủy Hạ Long")
    preview = post(
        admin_client, "move", {"unit": government["ubnd"].pk, "parent": parent.pk, **DECISION}
    )
    assert "Thành ủy Hạ Long" in preview.content.decode()
    assert Unit.objects.get(code="bcsd-ubnd").parent == government["ubnd"].parent

    confirm(admin_client, preview)

    assert Unit.objects.get(code="bcsd-ubnd").parent == parent
    assert Reorganisation.objects.get().kind == ReorganisationKind.MOVE


def test_a_dissolution_is_previewed_then_recorded(admin_client):
    idle = f.UnitFactory(code="idle", name="Đơn vị không còn việc")
    preview = post(admin_client, "dissolve", {"unit": idle.pk, **DECISION})
    assert "Đơn vị không còn việc" in preview.content.decode()

    confirm(admin_client, preview)

    idle.refresh_from_db()
    assert idle.valid_to == datetime.date(2025, 6, 30)
    assert idle.successor is None


def test_an_english_page_reads_the_day_first_too(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    preview = post(admin_client, "dissolve", {"unit": f.UnitFactory().pk, **DECISION})
    assert preview.context["outcome"].reorganisation.effective_on == datetime.date(2025, 7, 1)


def test_back_from_the_preview_shows_the_form_as_it_was_typed(admin_client, government):
    preview = post(admin_client, "merge", merge_data(government))

    response = confirm(admin_client, preview, button="_back")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Quyết định số 123-QĐ/TU"' in html
    assert 'value="01/07/2025"' in html
    assert 'value="Đảng ủy HĐND và UBND tỉnh"' in html
    assert not Reorganisation.objects.exists()


def test_the_unit_pickers_find_only_units_not_yet_ended(admin_client):
    f.UnitFactory(name="Hội Nông dân tỉnh")
    f.UnitFactory(name="Hội Nông dân huyện cũ", valid_to=datetime.date(2020, 12, 31))
    search = reverse("admin:reports_reorganisation_units")
    params = {"term": "hoi nong dan", "app_label": "reports", "model_name": "unit"}

    found = admin_client.get(search, {**params, "field_name": "parent"}).json()["results"]
    form = post(admin_client, "merge", {}).content.decode()
    admin_client.force_login(f.UserFactory(is_staff=True, is_superuser=False))
    refused = admin_client.get(search, {**params, "field_name": "parent"})

    assert [unit["text"] for unit in found] == ["Hội Nông dân tỉnh"]
    assert f'data-ajax--url="{search}"' in form
    assert refused.status_code == 403


# ---------------------------------------------------------------- refusals


def test_a_refusal_shows_the_services_reasons_and_keeps_what_was_typed(admin_client, government):
    hdnd = government["hdnd"]
    expected = refusals_of(
        services.dissolve_unit,
        unit=hdnd,
        decision=services.Decision(
            number="QĐ 9", date=datetime.date(2025, 6, 20), effective_on=datetime.date(2025, 7, 1)
        ),
    )

    response = post(
        admin_client, "dissolve", {"unit": hdnd.pk, **DECISION, "decision_number": "QĐ 9"}
    )

    assert response.status_code == 200
    assert page_errors(response) == expected
    html = response.content.decode()
    assert 'value="QĐ 9"' in html
    assert f'<option value="{hdnd.pk}" selected>' in html
    assert Unit.objects.get(pk=hdnd.pk).valid_to is None


def test_a_merger_refused_for_several_reasons_lists_them_all(admin_client, government):
    f.UnitReportFactory(
        unit=government["ubnd"], quarter=f.QuarterFactory(year=2025, number=3), status="submitted"
    )
    data = merge_data(government, new_code="mttq")

    response = post(admin_client, "merge", data)

    errors = " ".join(page_errors(response))
    assert "mttq" in errors
    assert "III/2025" in errors
    assert 'value="Đảng ủy HĐND và UBND tỉnh"' in response.content.decode()
    assert not Reorganisation.objects.exists()


def test_a_form_missing_values_says_which(admin_client, government):
    response = post(admin_client, "merge", {"units": [government["ubnd"].pk], "successor": "new"})

    form = response.context["form"]
    assert set(form.errors) >= {
        "new_code",
        "new_name",
        "new_kind",
        "effective_on",
        "decision_number",
    }


def test_a_split_placing_an_assignment_on_an_empty_row_is_refused(admin_client, government):
    only = government["only_hdnd"]
    data = {
        "unit": government["hdnd"].pk,
        "part1_unit": government["ubnd"].pk,
        "part1_share": "100",
        f"a{only.pk}_to": "2",
        **DECISION,
    }
    response = post(admin_client, "split", data)
    assert f"a{only.pk}_to" in response.context["form"].errors
    assert not Reorganisation.objects.exists()


# ------------------------------------------------------------------ access


def test_staff_who_are_not_the_administrator_are_refused(client):
    client.force_login(f.UserFactory(is_staff=True))
    assert client.get(WIZARD).status_code == 403
    assert client.post(f"{WIZARD}?kind=dissolve", {"_preview": "1"}).status_code == 403


@pytest.mark.parametrize("make_user", [f.reviewer, f.leader, lambda: None])
def test_reviewers_leadership_and_visitors_are_sent_to_the_admin_sign_in(client, make_user):
    user = make_user()
    if user is not None:
        client.force_login(user)
    response = client.get(f"{WIZARD}?kind=merge")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# ---------------------------------------------------------------- tampering


def test_a_changed_confirmation_is_refused_and_changes_nothing(admin_client, government):
    preview = post(admin_client, "merge", merge_data(government))
    state = preview.context["state"]
    forged = state[:10] + ("A" if state[10] != "A" else "B") + state[11:]

    response = admin_client.post(f"{WIZARD}?kind=merge", {"state": forged, "_confirm": "1"})

    assert response.status_code == 400
    assert not Reorganisation.objects.exists()
    assert Unit.objects.get(code="bcsd-ubnd").valid_to is None


def test_a_confirmation_made_for_another_kind_or_user_is_refused(admin_client, government):
    preview = post(admin_client, "dissolve", {"unit": f.UnitFactory().pk, **DECISION})
    state = preview.context["state"]

    as_merge = admin_client.post(f"{WIZARD}?kind=merge", {"state": state, "_confirm": "1"})
    admin_client.force_login(f.admin(username="khac"))
    as_other = admin_client.post(f"{WIZARD}?kind=dissolve", {"state": state, "_confirm": "1"})

    assert as_merge.status_code == 400
    assert as_other.status_code == 400
    assert not Reorganisation.objects.exists()


def test_ids_added_beside_the_signed_state_are_ignored(admin_client, government):
    idle = f.UnitFactory(code="idle")
    preview = post(admin_client, "dissolve", {"unit": idle.pk, **DECISION})

    admin_client.post(
        f"{WIZARD}?kind=dissolve",
        {"state": preview.context["state"], "_confirm": "1", "unit": government["hdnd"].pk},
    )

    assert Unit.objects.get(code="idle").valid_to == datetime.date(2025, 6, 30)
    assert Unit.objects.get(code="dd-hdnd").valid_to is None


def test_work_added_after_the_preview_is_shown_before_it_is_carried_out(admin_client, government):
    preview = post(admin_client, "merge", merge_data(government))
    f.AssignmentFactory(directive=f.DirectiveFactory(number=9), unit=government["hdnd"])

    response = confirm(admin_client, preview)

    assert response.status_code == 200
    assert counts(response)[HandoverItem.ASSIGNMENT.label] == 3
    assert not Reorganisation.objects.exists()
    confirm(admin_client, response)
    assert Reorganisation.objects.count() == 1


def test_a_second_confirmation_of_the_same_preview_is_refused(admin_client):
    idle = f.UnitFactory(code="idle")
    preview = post(admin_client, "dissolve", {"unit": idle.pk, **DECISION})
    confirm(admin_client, preview)

    again = confirm(admin_client, preview)

    assert again.status_code == 200
    assert page_errors(again)
    assert Reorganisation.objects.count() == 1


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1", "1 OR 1=1"])
def test_odd_unit_ids_are_refused_as_choices(admin_client, value):
    response = post(admin_client, "merge", {"units": [value], "into": value, **DECISION})
    assert response.status_code == 200
    assert "units" in response.context["form"].errors


@pytest.mark.parametrize("kind", list(ReorganisationKind))
def test_odd_values_in_every_field_are_refused_in_place(admin_client, government, kind):
    unit = {"unit": str(government["hdnd"].pk)}  # a split's assignments get odd values too
    fields = FORMS[kind](unit).fields
    for odd in (HOSTILE_TEXT, LONG_TEXT, "²", "0001-01-01", "-1"):
        response = post(admin_client, kind, {**dict.fromkeys(fields, odd), **unit})

        assert response.status_code == 200
        assert response.context["form"].errors
    assert not Reorganisation.objects.exists()


# ----------------------------------------------------------- hostile text


def test_hostile_text_is_shown_as_text_and_stored_clean(admin_client, government):
    hostile = "QĐ\x0b<script>alert(1)</script>\x00 & số 5"
    data = merge_data(government, decision_number=hostile, new_name="<b>Mới</b>\x0btên")

    preview = post(admin_client, "merge", data)
    html = preview.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html
    assert "<b>Mới</b>" not in html
    confirm(admin_client, preview)

    record = Reorganisation.objects.get()
    assert "\x00" not in record.decision_number and "\x0b" not in record.decision_number
    assert record.decision_number.startswith("QĐ <script>")  # one line
    assert Unit.objects.get(code="dd-hdnd-ubnd").name == "<b>Mới</b> tên"
    page = admin_client.get(reverse("admin:reports_reorganisation_change", args=[record.pk]))
    assert "<script>alert(1)" not in page.content.decode()


@pytest.mark.parametrize("kind", sorted(FORMS))
def test_enter_in_a_field_previews_rather_than_refreshing_the_split(admin_client, kind):
    """A browser's Enter presses the form's first submit button: in the split it was
    "Show its assignments", so a clerk finishing the decision number never reached the
    preview. The first button of every wizard form is the preview."""
    import re

    html = admin_client.get(f"{WIZARD}?kind={kind}").content.decode()
    form = html[html.index('id="reorganisation_form"') :]
    first_submit = re.search(r'<input type="submit"\s+name="(\w+)"', form)
    assert first_submit is not None and first_submit.group(1) == "_preview"


# ------------------------------------------- users left on a unit that ends
# (English pages: the Vietnamese text comes with the catalogs.)


def left_behind(preview) -> str:
    """The preview's warnings about users who stay on a unit that ends."""
    assert preview.status_code == 200 and "state" in preview.context, "not a preview page"
    return " ".join(preview.context["outcome"].warnings)


def test_a_split_keeping_the_staff_on_the_old_unit_warns_who_stays(admin_client, government):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    staying = Membership.objects.get(unit=government["hdnd"]).user.get_username()

    preview = post(admin_client, "split", split_data(government))

    warning = left_behind(preview)
    assert "1 user stays on Đảng đoàn HĐND tỉnh" in warning and staying in warning
    html = preview.content.decode()
    assert 'id="preview-warnings"' in html and staying in html
    assert (
        left_behind(post(admin_client, "split", split_data(government, memberships_to="2"))) == ""
    )


def test_a_merger_keeping_the_staff_on_the_old_units_warns_who_stays(admin_client, government):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = merge_data(government)
    del data["move_memberships"]

    warning = left_behind(post(admin_client, "merge", data))

    assert "1 user stays on Ban Cán sự Đảng UBND tỉnh" in warning
    assert "1 user stays on Đảng đoàn HĐND tỉnh" in warning
    for membership in Membership.objects.filter(unit__in=[government["ubnd"], government["hdnd"]]):
        assert membership.user.get_username() in warning
    assert left_behind(post(admin_client, "merge", merge_data(government))) == ""


def test_dissolving_a_unit_with_users_warns_who_stays(admin_client):
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    idle = f.UnitFactory(code="idle", name="Đơn vị không còn việc")
    f.member(idle, user__username="con-lai-1")
    f.member(idle, role="head", user__username="con-lai-2")

    warning = left_behind(post(admin_client, "dissolve", {"unit": idle.pk, **DECISION}))

    assert "2 users stay on Đơn vị không còn việc" in warning
    assert "con-lai-1" in warning and "con-lai-2" in warning
    empty = f.UnitFactory()
    assert left_behind(post(admin_client, "dissolve", {"unit": empty.pk, **DECISION})) == ""


def test_the_reorganise_command_prints_the_same_warning():
    from io import StringIO

    from django.core.management import call_command

    f.member(f.UnitFactory(code="idle", name="Đơn vị không còn việc"), user__username="con-lai")
    out = StringIO()
    call_command(
        "reorganise",
        "dissolve",
        *("--unit", "idle", "--on", "01/07/2025", "--decision", "QĐ 1"),
        *("--decision-date", "20/06/2025", "--dry-run"),
        stdout=out,
    )
    assert "con-lai" in out.getvalue() and "Đơn vị không còn việc" in out.getvalue()
