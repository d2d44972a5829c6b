"""Every URL of the project, for every role, answers as docs/PERMISSIONS.md says.

One table: a case per URL (several for object URLs: own unit, other unit,
confidential), the status code each role gets. A URL added to the project
without a case here fails ``test_every_url_of_the_project_is_in_the_audit``.

Codes: 200 page; 302 redirect (anonymous: to the sign-in page); 403 the role
may not; 404 the object's existence is private to the role; 405 wrong method.
"""

import io
import re
import zipfile

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from reports.models import Membership, MembershipRole
from tests.security.world import (
    FIRST_PROVINCE,
    OTHER_PROVINCE,
    ROLES,
    login,
    project_url_names,
)

# Many requests, none reading response.context: rendered as in production.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("untracked_templates")]

A, RU, HU, RV, REV, LEAD, ADM, REV_X, LEAD_X = ROLES


def codes(default: int, anonymous: int = 302, **by_role: int) -> dict[str, int]:
    """Expected codes: ``default`` for every signed-in role unless named."""
    table = dict.fromkeys(ROLES, default)
    table[A] = anonymous
    table.update(by_role)
    return table


STAFF_ONLY = {"reporter_u": 200, "head_u": 200, "reporter_v": 200}
ALL_SEEING = {"reviewer": 200, "leader": 200, "admin": 200}
# The reviewer and the leader of province X: the first province's objects do not exist
# for them (404), as X's do not for the first province's people.
UNSEEN_BY_X = {"reviewer_x": 404, "leader_x": 404}
REVIEWER_ONLY = codes(403, reviewer=200, reviewer_x=200)
# A reviewer may record meetings, but not those of the other province.
MEETING_REVIEWER_ONLY = codes(403, reviewer=200, reviewer_x=404)
# ... and the reviewer of province X records X's, which the first province's do not see.
X_MEETING_REVIEWER_ONLY = codes(403, reviewer=404, reviewer_x=200)
# Province X's objects: seen by its reviewer and leader and by the administrator only.
PROVINCE_X_ONLY = codes(404, admin=200, reviewer_x=200, leader_x=200)
POST_ONLY = codes(405)
# Those who must give a second factor (reviewers, leadership, the administrator) have
# one and gave it: the setup page sends them on.
SECOND_FACTOR_GIVEN = dict.fromkeys(("reviewer", "leader", "admin", "reviewer_x", "leader_x"), 302)


def pk_of(name: str, key: str = "pk"):
    """The URL kwargs of the world's object ``name``: ``{key: its pk}``."""
    return lambda w: {key: getattr(w, name).pk}


def report_of(unit_code: str, quarter: str, **more):
    """The URL kwargs of a unit's report of a quarter (``number``: one of its versions)."""
    return lambda w: {"unit_code": unit_code, "quarter": quarter, **more}


# (case, url name, kwargs from the world, {role: code}).
# The pages of a form, requested both ways with the same answer: a GET shows the
# form; an empty POST (each rolled back) gets it back with errors or a redirect.
FORM_CASES = [
    ("sign in", "login", None, codes(200, anonymous=200)),
    # the reorganisation wizard: the administrator's; everyone else signs in to the admin
    ("reorganisation wizard", "admin:reports_reorganisation_add", None, codes(302, admin=200)),
    ("record a meeting", "meetings:new", None, REVIEWER_ONLY),
    ("edit a meeting", "meetings:edit", pk_of("meeting"), MEETING_REVIEWER_ONLY),
    ("edit province X's meeting", "meetings:edit", pk_of("meeting_x"), X_MEETING_REVIEWER_ONLY),
    (
        "record a directive",
        "meetings:directive_new",
        pk_of("meeting", "meeting_pk"),
        MEETING_REVIEWER_ONLY,
    ),
    ("edit a directive", "directives:edit", pk_of("directive"), MEETING_REVIEWER_ONLY),
    (
        "record a recommendation",
        "meetings:recommendation_new",
        pk_of("meeting", "meeting_pk"),
        MEETING_REVIEWER_ONLY,
    ),
    (
        "edit a recommendation",
        "meetings:recommendation_edit",
        pk_of("recommendation"),
        MEETING_REVIEWER_ONLY,
    ),
    (
        "progress on U's assignment",
        "directives:progress_new",
        pk_of("assignment_u"),
        codes(403, reporter_u=200, head_u=200, **UNSEEN_BY_X),
    ),
    (
        "progress on V's confidential assignment",
        "directives:progress_new",
        pk_of("assignment_v"),
        codes(403, reporter_u=404, head_u=404, reporter_v=200, **UNSEEN_BY_X),
    ),
    (
        "deadline change on U's assignment",
        "directives:deadline_new",
        pk_of("assignment_u"),
        codes(403, reporter_u=200, head_u=200, **UNSEEN_BY_X),
    ),
]

# GET requests.
GET_CASES = [
    *FORM_CASES,
    ("home", "home", None, codes(200)),
    ("healthz", "healthz", None, codes(200, anonymous=200)),
    ("favicon", "favicon", None, codes(301, anonymous=301)),
    ("logout (POST only)", "logout", None, codes(405, anonymous=405)),
    ("set_language", "set_language", None, codes(302, anonymous=302)),
    ("admin", "admin:index", None, codes(302, admin=200)),
    # the reorganisation wizard's unit search (JSON), refused without the picker's parameters
    ("wizard's unit search", "admin:reports_reorganisation_units", None, codes(302, admin=403)),
    # reports
    ("report list", "reports:list", None, codes(200)),
    (
        "queue (current)",
        "reports:queue",
        None,
        codes(403, reviewer=302, leader=302, admin=302, reviewer_x=302, leader_x=302),
    ),
    (
        "queue Q1",
        "reports:queue_quarter",
        lambda w: {"quarter": "2024-q1"},
        codes(403, **ALL_SEEING, reviewer_x=200, leader_x=200),
    ),
    # accounts: one's own password; the forgotten one, for anyone
    ("change one's password", "password_change", None, codes(200)),
    ("forgotten password", "password_reset", None, codes(200, anonymous=200)),
    ("reset mail sent", "password_reset_done", None, codes(200, anonymous=200)),
    (
        "a made-up reset link",
        "password_reset_confirm",
        lambda w: {"uidb64": "MQ", "token": "made-up"},
        codes(200, anonymous=200),
    ),
    ("password reset done", "password_reset_complete", None, codes(200, anonymous=200)),
    # Two-factor sign-in: each person's own. Signed in (and past the code, for those who
    # must give one), the code page and an empty codes page send on; the setup page is
    # for those who have none yet (unit staff: it is required of the others).
    ("two-factor sign-in", "two_factor", None, codes(200)),
    ("the code page, past it", "two_factor_verify", None, codes(302)),
    ("set up two-factor", "two_factor_setup", None, codes(200, **SECOND_FACTOR_GIVEN)),
    ("recovery codes, none new", "two_factor_codes", None, codes(302)),
    ("new recovery codes (POST only)", "two_factor_new_codes", None, POST_ONLY),
    ("turn off two-factor (POST only)", "two_factor_off", None, POST_ONLY),
    (
        "remind (POST only)",
        "reports:remind",
        lambda w: {"quarter": "2024-q2", "unit_code": "u"},
        POST_ONLY,
    ),
    # notifications: each person's own
    ("inbox", "notifications:inbox", None, codes(200)),
    ("notification settings", "notifications:settings", None, codes(200)),
    (
        "open the reviewer's notification",
        "notifications:open",
        pk_of("notification"),
        codes(404, reviewer=302),
    ),
    ("mark one read (POST only)", "notifications:read", pk_of("notification"), POST_ONLY),
    ("mark all read (POST only)", "notifications:read_all", None, POST_ONLY),
    ("submit", "reports:submit", pk_of("u_draft"), POST_ONLY),
    ("return", "reports:return", pk_of("u_submitted"), POST_ONLY),
    ("accept", "reports:accept", pk_of("u_submitted"), POST_ONLY),
    ("reopen", "reports:reopen", pk_of("v_accepted"), POST_ONLY),
    ("follow up", "reports:follow_up", pk_of("u_submitted"), POST_ONLY),
    ("attach an annex", "reports:annex_add", pk_of("u_draft"), POST_ONLY),
    ("take an annex off", "reports:annex_remove", pk_of("annex_draft"), POST_ONLY),
    (
        "an annex of U's draft",
        "reports:annex",
        pk_of("annex_draft"),
        codes(404, reporter_u=200, head_u=200, admin=200),
    ),
    (
        "an annex U submitted",
        "reports:annex",
        pk_of("annex_sent"),
        codes(200, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "U's draft",
        "reports:report",
        report_of("u", "2024-q2"),
        codes(404, reporter_u=200, head_u=200, admin=200),
    ),
    (
        "U's submitted report",
        "reports:report",
        report_of("u", "2024-q1"),
        codes(200, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "V's accepted report",
        "reports:report",
        report_of("v", "2024-q1"),
        codes(200, reporter_u=404, head_u=404, **UNSEEN_BY_X),
    ),
    (
        "W's submitted report (province X)",
        "reports:report",
        report_of("w", "2024-q1"),
        codes(404, reviewer_x=200, leader_x=200, admin=200),
    ),
    (
        "V's draft",
        "reports:report",
        report_of("v", "2024-q2"),
        codes(404, reporter_v=200, admin=200),
    ),
    # A report as a document: what its page shows, to whom its page shows it.
    (
        "U's draft as a document",
        "reports:document",
        report_of("u", "2024-q2"),
        codes(404, reporter_u=200, head_u=200, admin=200),
    ),
    (
        "U's submitted report as a document",
        "reports:document",
        report_of("u", "2024-q1"),
        codes(200, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "W's submitted report as a document (province X)",
        "reports:document",
        report_of("w", "2024-q1"),
        codes(404, reviewer_x=200, leader_x=200, admin=200),
    ),
    # Figures through Excel: the unit's workbook to whoever works on its reports; the
    # import page and a workbook of one's units to whoever writes any unit's reports.
    (
        "U's workbook",
        "reports:workbook",
        report_of("u", "2024-q2"),
        codes(404, reporter_u=200, head_u=200, admin=200),
    ),
    (
        "import a workbook",
        "reports:import_workbook",
        lambda w: {"quarter": "2024-q2"},
        codes(403, reporter_u=200, head_u=200, reporter_v=200, admin=200),
    ),
    (
        "a workbook of one's units",
        "reports:workbook_template",
        lambda w: {"quarter": "2024-q2"},
        codes(403, reporter_u=200, head_u=200, reporter_v=200, admin=200),
    ),
    # Filling a report from a Word file: whoever may write the report.
    (
        "fill U's draft from a Word file",
        "reports:import_word",
        report_of("u", "2024-q2"),
        codes(404, reporter_u=200, head_u=200, admin=200),
    ),
    (
        "fill U's submitted report from a Word file",
        "reports:import_word",
        report_of("u", "2024-q1"),
        codes(403, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "U's submitted version 1",
        "reports:version",
        report_of("u", "2024-q1", number=1),
        codes(200, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "V's accepted version 1",
        "reports:version",
        report_of("v", "2024-q1", number=1),
        codes(200, reporter_u=404, head_u=404, **UNSEEN_BY_X),
    ),
    (
        "W's submitted version 1 (province X)",
        "reports:version",
        report_of("w", "2024-q1", number=1),
        codes(404, reviewer_x=200, leader_x=200, admin=200),
    ),
    (
        "a version of V's draft (none: never submitted)",
        "reports:version",
        report_of("v", "2024-q2", number=1),
        codes(404),
    ),
    (
        # The address matches no page, so even an anonymous visitor is told so.
        "a report of a quarter that does not exist",
        "reports:report",
        report_of("u", "2031-q1"),
        codes(404, anonymous=404),
    ),
    # the reports' texts: whoever may browse (each finds what they may read)
    ("search the reports", "reports:search", None, codes(200)),
    # the unit pickers' search (JSON): whoever may open the register
    ("unit search", "reports:unit_search", None, codes(200)),
    ("meeting search", "meetings:search", None, codes(200)),
    # directives
    ("register", "directives:register", None, codes(200)),
    ("assignments", "directives:assignments", None, codes(200)),
    ("dashboard", "directives:dashboard", None, codes(200)),
    ("my work", "directives:my_work", None, codes(403, **STAFF_ONLY)),
    ("review queue", "directives:review", None, REVIEWER_ONLY),
    ("directive", "directives:detail", pk_of("directive"), codes(200, **UNSEEN_BY_X)),
    (
        "U's confidential directive",
        "directives:detail",
        pk_of("secret_u"),
        codes(200, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "V's confidential directive",
        "directives:detail",
        pk_of("secret_v"),
        codes(200, reporter_u=404, head_u=404, **UNSEEN_BY_X),
    ),
    (
        # A normal directive of X's meeting: the first province's people do not see it.
        "province X's directive",
        "directives:detail",
        pk_of("directive_x"),
        PROVINCE_X_ONLY,
    ),
    (
        "edit V's confidential directive",
        "directives:edit",
        pk_of("secret_v"),
        MEETING_REVIEWER_ONLY,
    ),
    (
        "edit province X's directive",
        "directives:edit",
        pk_of("directive_x"),
        X_MEETING_REVIEWER_ONLY,
    ),
    (
        "progress on W's assignment (province X)",
        "directives:progress_new",
        pk_of("assignment_w"),
        codes(404, admin=403, reviewer_x=403, leader_x=403),
    ),
    (
        "deadline change on V's confidential assignment",
        "directives:deadline_new",
        pk_of("assignment_v"),
        codes(403, reporter_u=404, head_u=404, reporter_v=200, **UNSEEN_BY_X),
    ),
    ("review an update", "directives:update_review", pk_of("update_u"), POST_ONLY),
    ("decide a deadline", "directives:deadline_decide", pk_of("change_u"), POST_ONLY),
    (
        "U's evidence (V supports)",
        "directives:evidence",
        pk_of("update_u"),
        codes(200, **UNSEEN_BY_X),
    ),
    (
        "V's evidence on a confidential directive",
        "directives:evidence",
        pk_of("update_v"),
        codes(200, reporter_u=404, head_u=404, **UNSEEN_BY_X),
    ),
    (
        "V's evidence on a directive U shares",
        "directives:evidence",
        pk_of("update_v_normal"),
        codes(200, **UNSEEN_BY_X),
    ),
    (
        "V's evidence on a directive U has no part in",
        "directives:evidence",
        pk_of("update_v_only"),
        codes(200, reporter_u=404, head_u=404, **UNSEEN_BY_X),
    ),
    ("W's evidence (province X)", "directives:evidence", pk_of("update_w"), PROVINCE_X_ONLY),
    # meetings
    ("meetings", "meetings:list", None, codes(200)),
    ("meeting", "meetings:detail", pk_of("meeting"), codes(200, **UNSEEN_BY_X)),
    ("province X's meeting", "meetings:detail", pk_of("meeting_x"), PROVINCE_X_ONLY),
    ("briefing pack", "meetings:pack", pk_of("meeting"), codes(403, **ALL_SEEING, **UNSEEN_BY_X)),
    ("province X's briefing pack", "meetings:pack", pk_of("meeting_x"), PROVINCE_X_ONLY),
    (
        "briefing pack .docx",
        "meetings:pack_docx",
        pk_of("meeting"),
        codes(403, **ALL_SEEING, **UNSEEN_BY_X),
    ),
    ("province X's briefing pack .docx", "meetings:pack_docx", pk_of("meeting_x"), PROVINCE_X_ONLY),
    (
        "conclusion notice",
        "meetings:notice",
        pk_of("meeting"),
        codes(403, **ALL_SEEING, **UNSEEN_BY_X),
    ),
    ("province X's conclusion notice", "meetings:notice", pk_of("meeting_x"), PROVINCE_X_ONLY),
    (
        "record a directive in province X's meeting",
        "meetings:directive_new",
        pk_of("meeting_x", "meeting_pk"),
        X_MEETING_REVIEWER_ONLY,
    ),
    (
        "edit province X's recommendation",
        "meetings:recommendation_edit",
        pk_of("recommendation_x"),
        X_MEETING_REVIEWER_ONLY,
    ),
    # quarters (unit staff see their own unit's view)
    ("quarters", "quarters:list", None, codes(200)),
    ("quarter", "quarters:detail", lambda w: {"quarter": "2024-q1"}, codes(200)),
    ("quarter report", "quarters:report_docx", lambda w: {"quarter": "2024-q1"}, codes(200)),
    # The commission's consolidated report is read by those who oversee the commission
    # (the administrator of a site with two provinces has no one commission).
    (
        "consolidated report drafting page",
        "quarters:draft",
        lambda w: {"quarter": "2024-q1"},
        codes(403, reviewer=200, leader=200, reviewer_x=200, leader_x=200),
    ),
    ("indicator table", "quarters:indicators_xlsx", lambda w: {"quarter": "2024-q1"}, codes(200)),
    (
        "directive register",
        "quarters:directives_xlsx",
        lambda w: {"quarter": "2024-q1"},
        codes(200),
    ),
    (
        "conclusion notice",
        "quarters:notice_docx",
        lambda w: {"quarter": "2024-q1", "pk": w.meeting.pk},
        codes(200, **UNSEEN_BY_X),
    ),
    (
        "province X's conclusion notice",
        "quarters:notice_docx",
        lambda w: {"quarter": "2024-q1", "pk": w.meeting_x.pk},
        PROVINCE_X_ONLY,
    ),
]

# State-changing URLs, POSTed with an empty form (each request rolled back).
# Allowed roles get the form back with errors (200/400) or a redirect; the
# others 403/404 and nothing changes.
POST_CASES = [
    *FORM_CASES,
    # The notice is read by those who read the briefing pack, edited by the meeting's
    # reviewers: an empty save gets the form back with its errors.
    (
        "save the conclusion notice",
        "meetings:notice",
        pk_of("meeting"),
        codes(403, reviewer=200, reviewer_x=404, leader_x=404),
    ),
    (
        "save province X's conclusion notice",
        "meetings:notice",
        pk_of("meeting_x"),
        codes(404, admin=403, reviewer_x=200, leader_x=403),
    ),
    (
        "save the consolidated report",
        "quarters:draft",
        lambda w: {"quarter": "2024-q1"},
        codes(403, reviewer=400, reviewer_x=400),
    ),
    ("sign out", "logout", None, codes(302, anonymous=302)),
    ("change one's password (nothing typed)", "password_change", None, codes(200)),
    ("ask for a reset (no address)", "password_reset", None, codes(200, anonymous=200)),
    ("give a code, past it", "two_factor_verify", None, codes(302)),
    ("set up two-factor (no code)", "two_factor_setup", None, codes(200, **SECOND_FACTOR_GIVEN)),
    ("new recovery codes", "two_factor_new_codes", None, codes(302)),
    ("turn off two-factor", "two_factor_off", None, codes(302)),
    (
        "set a password by a made-up link",
        "password_reset_confirm",
        lambda w: {"uidb64": "MQ", "token": "made-up"},
        codes(200, anonymous=200),
    ),
    (
        "remind U of its Q2 report",
        "reports:remind",
        lambda w: {"quarter": "2024-q2", "unit_code": "u"},
        codes(403, reporter_v=404, reviewer=302, **UNSEEN_BY_X),
    ),
    (
        "mark the reviewer's notification read",
        "notifications:read",
        pk_of("notification"),
        codes(404, reviewer=302),
    ),
    ("mark all read", "notifications:read_all", None, codes(302)),
    ("save the notification settings (none chosen)", "notifications:settings", None, codes(200)),
    ("language", "set_language", None, codes(302, anonymous=302)),
    (
        "save U's draft",
        "reports:report",
        report_of("u", "2024-q2"),
        codes(404, reporter_u=400, head_u=400, admin=400),
    ),
    (
        # Its writers are told it was submitted meanwhile (409, nothing saved).
        "save U's submitted report",
        "reports:report",
        report_of("u", "2024-q1"),
        codes(403, reporter_v=404, reporter_u=409, head_u=409, admin=409, **UNSEEN_BY_X),
    ),
    (
        "mark a value of U's submitted report for follow-up (none chosen)",
        "reports:follow_up",
        pk_of("u_submitted"),
        codes(403, reporter_v=404, reviewer=302, **UNSEEN_BY_X),
    ),
    (
        "attach an annex to U's draft (none chosen)",
        "reports:annex_add",
        pk_of("u_draft"),
        codes(404, reporter_u=302, head_u=302, admin=302),
    ),
    (
        "attach an annex to U's submitted report",
        "reports:annex_add",
        pk_of("u_submitted"),
        codes(403, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "take an annex off U's draft",
        "reports:annex_remove",
        pk_of("annex_draft"),
        codes(404, reporter_u=302, head_u=302, admin=302),
    ),
    (
        "import a workbook (none attached)",
        "reports:import_workbook",
        lambda w: {"quarter": "2024-q2"},
        codes(403, reporter_u=400, head_u=400, reporter_v=400, admin=400),
    ),
    (
        "read a Word file into U's draft (none attached)",
        "reports:import_word",
        report_of("u", "2024-q2"),
        codes(404, reporter_u=400, head_u=400, admin=400),
    ),
    (
        "read a Word file into U's submitted report",
        "reports:import_word",
        report_of("u", "2024-q1"),
        codes(403, reporter_v=404, **UNSEEN_BY_X),
    ),
    (
        "submit U's draft",
        "reports:submit",
        pk_of("u_draft"),
        codes(404, reporter_u=403, head_u=302, admin=403),
    ),
    (
        "return U's report",
        "reports:return",
        pk_of("u_submitted"),
        codes(403, reporter_v=404, reviewer=400, **UNSEEN_BY_X),
    ),
    (
        "accept U's report",
        "reports:accept",
        pk_of("u_submitted"),
        codes(403, reporter_v=404, reviewer=302, **UNSEEN_BY_X),
    ),
    (
        "accept W's report (province X)",
        "reports:accept",
        pk_of("w_submitted"),
        codes(404, admin=403, leader_x=403, reviewer_x=302),
    ),
    (
        "reopen V's report",
        "reports:reopen",
        pk_of("v_accepted"),
        codes(403, reporter_u=404, head_u=404, reviewer=400, **UNSEEN_BY_X),
    ),
    (
        "review U's update",
        "directives:update_review",
        pk_of("update_u"),
        codes(403, reviewer=302, reviewer_x=404),
    ),
    (
        "review W's update (province X)",
        "directives:update_review",
        pk_of("update_w"),
        codes(403, reviewer=404, reviewer_x=302),
    ),
    (
        "decide U's deadline change",
        "directives:deadline_decide",
        pk_of("change_u"),
        codes(403, reviewer=302, reviewer_x=404),
    ),
    (
        "decide W's deadline change (province X)",
        "directives:deadline_decide",
        pk_of("change_w"),
        codes(403, reviewer=404, reviewer_x=302),
    ),
]


def url_of(world, name, kwargs) -> str:
    return reverse(name, kwargs=kwargs(world) if kwargs else None)


def test_every_url_of_the_project_is_in_the_audit():
    audited = {name for _, name, _, _ in GET_CASES}
    missing = project_url_names() - audited
    assert not missing, f"URLs without an entry in the audit table: {sorted(missing)}"


def test_every_state_changing_url_is_audited_with_a_post():
    posted = {name for _, name, _, _ in POST_CASES}
    read_only = {
        "home",
        "healthz",
        "favicon",
        "admin:index",
        "admin:reports_reorganisation_units",
        "reports:list",
        "reports:queue",
        "reports:queue_quarter",
        "notifications:inbox",
        "notifications:open",
        "password_reset_done",
        "password_reset_complete",
        "two_factor",
        "two_factor_codes",
        "reports:unit_search",
        "reports:version",
        "reports:document",
        "reports:workbook",
        "reports:workbook_template",
        "reports:annex",
        "reports:search",
        "directives:register",
        "directives:assignments",
        "directives:dashboard",
        "directives:my_work",
        "directives:review",
        "directives:detail",
        "directives:evidence",
        "meetings:list",
        "meetings:search",
        "meetings:detail",
        "meetings:pack",
        "meetings:pack_docx",
        "quarters:list",
        "quarters:detail",
        "quarters:report_docx",
        "quarters:indicators_xlsx",
        "quarters:directives_xlsx",
        "quarters:notice_docx",
    }
    assert project_url_names() - read_only == posted


@pytest.mark.slow
def test_every_role_gets_the_expected_answer_on_every_url(client, world):
    # Signed in once per role: a GET changes nothing (the sign-out answers it 405).
    wrong = []
    for role in ROLES:
        client.logout()
        login(client, world, role)
        for case, name, kwargs, expected in GET_CASES:
            url = url_of(world, name, kwargs)
            got = client.get(url).status_code
            if got != expected[role]:
                wrong.append(f"GET {url} ({case}) as {role}: {got}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


def test_every_role_gets_the_expected_answer_on_every_post(client, world):
    # Signed in once per role: each post is rolled back and the client's cookies put
    # back, so that signing out or choosing a language leaves the next post as it was.
    wrong = []
    for role in ROLES:
        client.logout()
        login(client, world, role)
        cookies = dict(client.cookies.items())
        for case, name, kwargs, expected in POST_CASES:
            url = url_of(world, name, kwargs)
            with transaction.atomic():
                got = client.post(url, {}).status_code
                transaction.set_rollback(True)
            client.cookies.clear()
            client.cookies.update(cookies)
            if got != expected[role]:
                wrong.append(f"POST {url} ({case}) as {role}: {got}, expected {expected[role]}")
    assert not wrong, "\n".join(wrong)


def readable(response) -> str:
    """A page's text, or a document's: the XML inside a .docx or .xlsx."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "".join(
                archive.read(name).decode("utf-8", "replace")
                for name in archive.namelist()
                if name.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


# Whose texts each role must never meet: the other province's.
FOREIGN = {
    "reviewer": OTHER_PROVINCE,
    "leader": OTHER_PROVINCE,
    "reviewer_x": FIRST_PROVINCE,
    "leader_x": FIRST_PROVINCE,
}


@pytest.mark.slow
def test_a_reviewer_or_leader_of_one_province_meets_nothing_of_the_other(client, world):
    """Every page and export each of them may open, and the searches behind the pickers:
    not a name, title or text of the other province (issue 14)."""
    searches = [
        reverse("reports:unit_search") + "?q=don+vi",
        reverse("reports:unit_search") + "?q=tinh+uy",
        reverse("meetings:search") + "?q=giao+ban",
        reverse("directives:register") + f"?unit={world.unit_u.pk}&meeting={world.meeting.pk}",
        reverse("directives:register") + f"?unit={world.unit_w.pk}&meeting={world.meeting_x.pk}",
        reverse("directives:assignments") + f"?unit={world.unit_u.pk}",
        reverse("directives:assignments") + f"?unit={world.unit_w.pk}",
    ]
    leaks = []
    for role, foreign in FOREIGN.items():
        client.logout()
        login(client, world, role)
        urls = [
            url_of(world, name, kwargs)
            for _case, name, kwargs, expected in GET_CASES
            if expected[role] == 200
        ]
        for url in urls + searches:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            text = readable(response)
            leaks += [f"{role} on {url}: {found}" for found in foreign if found in text]
    assert not leaks, "\n".join(leaks)


def test_a_reviewer_finds_the_units_of_their_own_province_in_the_pickers(client, world):
    for role, expected in (("reviewer", {"Đơn vị U", "Đơn vị V"}), ("reviewer_x", {"Đơn vị W"})):
        client.logout()
        login(client, world, role)
        found = client.get(reverse("reports:unit_search"), {"q": "don vi"}).json()["results"]
        assert {unit["text"] for unit in found} == expected


def test_anonymous_users_are_sent_to_the_sign_in_page(client, world):
    response = client.get(reverse("reports:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))


# The administrator records no directive unless also a reviewer (docs/PERMISSIONS.md).
ADMIN_BUTTONS = {
    "admin": {"preview": 200, "confirm": 302, "delete page": 403, "delete": 403},
    "admin holding a reviewer role": {
        "preview": 200,
        "confirm": 302,
        "delete page": 200,
        "delete": 302,  # refused by the service (progress was reported): back to its page
    },
}
STATE = re.compile(r'name="state" value="([^"]+)"')


def _press_admin_buttons(client, world) -> dict[str, int]:
    """Preview then confirm a renaming in the wizard, open a directive's deletion page
    and confirm it; the codes answered. Rolled back."""
    wizard = reverse("admin:reports_reorganisation_add") + "?kind=rename"
    rename = {
        "unit": world.unit_u.pk,
        "name": "Đơn vị U (tên mới)",
        "short_name": "U mới",
        "effective_on": "01/07/2025",
        "decision_number": "Quyết định số 1-QĐ/TU",
        "decision_date": "20/06/2025",
        "_preview": "1",
    }
    delete = reverse("admin:directives_directive_delete", args=[world.directive.pk])
    with transaction.atomic():
        preview = client.post(wizard, rename)
        got = {"preview": preview.status_code}
        if state := STATE.search(preview.content.decode()):
            confirmed = client.post(wizard, {"state": state.group(1), "_confirm": "1"})
            got["confirm"] = confirmed.status_code
        got["delete page"] = client.get(delete).status_code
        got["delete"] = client.post(delete, {"post": "yes"}).status_code
        transaction.set_rollback(True)
    return got


def test_every_role_gets_the_expected_answer_on_the_admins_own_buttons(client, world):
    """The reorganisation wizard's preview and confirmation, and a directive's deletion
    in the admin (the walk's budget ends before it presses them as the administrator):
    the administrator's; every other role is sent to the admin's sign-in."""
    wrong = []
    for role in ROLES:
        client.logout()
        login(client, world, role)
        got = _press_admin_buttons(client, world)
        expected = ADMIN_BUTTONS.get(role, {"preview": 302, "delete page": 302, "delete": 302})
        if got != expected:
            wrong.append(f"{role}: {got}, expected {expected}")
    client.logout()
    login(client, world, "admin")
    Membership.objects.create(
        user=world.users["admin"], unit=world.directive.meeting.unit, role=MembershipRole.REVIEWER
    )
    got = _press_admin_buttons(client, world)
    if got != ADMIN_BUTTONS["admin holding a reviewer role"]:
        wrong.append(f"admin holding a reviewer role: {got}")
    assert not wrong, "\n".join(wrong)
