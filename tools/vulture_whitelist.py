"""Names vulture cannot see used: read by a template, named in a string, or set for a library.

Vulture reads Python only. What Django finds by name in any project (Meta,
ModelAdmin options, clean_<field>, commands) is in ``ignore_names`` in
pyproject.toml; this file lists the names of this project that are used where
vulture does not look, with where. A name not used in one of these ways is dead
code: delete it rather than add it here. Never imported or run.
"""

# ruff: noqa: B018
from vulture.whitelist_utils import Whitelist

_ = Whitelist()

# --- Named by a dotted path in settings.py or urls.py ----------------------------
_.navigation  # TEMPLATES context_processors
_.SignInReturnsToFormMiddleware  # MIDDLEWARE
_.SessionRefreshMiddleware  # MIDDLEWARE
_.PrivateCacheMiddleware  # MIDDLEWARE
_.WidgetsByJinja2  # FORM_RENDERER
_.LockoutBackend  # AUTHENTICATION_BACKENDS
_.client_ip  # AXES_CLIENT_IP_CALLABLE
_.lockout_response  # AXES_LOCKOUT_CALLABLE, called with these two arguments too:
_.original_response
_.credentials
_.csrf_failure  # CSRF_FAILURE_VIEW
_.permission_denied  # handler403
_.DirectivesConfig  # the app's AppConfig, found by Django in apps.py
_.NotificationsConfig
_.AccountsConfig
_.SignInStepsMiddleware  # in settings.MIDDLEWARE
_.TextGZipMiddleware  # in settings.MIDDLEWARE
_.LockoutsConfig  # django-axes' AppConfig, named in INSTALLED_APPS
_.ReportsConfig
_.StructureConfig

# --- Set for Django, a library or the standard library, which reads it -------------
_.axes_locked_out  # django-axes' middleware reads it (danvan.security.LockoutBackend)
_.regex  # a path converter's pattern (reports/converters.py), read by django.urls
_.to_url  # a path converter's reverse, called by django.urls
_.login_form  # admin.site: the admin's sign-in form
_.app_configs  # a system check's argument (accounts.apps), passed by Django by name
_.url_name  # an admin autocomplete's search (structure.forms), read by its get_url
_.__str__  # Group.__str__, set in ReportsConfig.ready
_._history_event  # set on a report by reports.services, read by reports.signals.report_event
_.input_formats  # a form field's accepted date formats
_.help_text  # a form field's help text
# A .docx file's properties and parts, written into the file by python-docx
# (common/documents/docx.py, _set_properties).
_.last_modified_by
_.comments
_.keywords
_.category
_.last_printed
_.revision
_._blob
_.disabled  # a form field that ignores what is posted (directives.forms.VersionedForm.keep_unit)
_.mtime  # tarfile.TarInfo, in the backup archive
_.mode
# python-docx: paragraph and section formatting
_.alignment
_.space_before
_.first_line_indent
_.left_indent
_.line_spacing
_.autofit
_.page_height
_.page_width
_.top_margin
_.bottom_margin
_.left_margin
_.right_margin
_.header_distance
_.footer_distance
_.different_first_page_header_footer
_.page_break_before  # the annex of the consolidated report starts a page
_.tblStyle_val  # a table's style, by id (common/documents/docx.py, grid_table)
# simple-history: a report's history row copies these columns (sampledata.demo._as_then)
_.submitted_by_id
_.reviewed_by_id

# --- django-filter: declared filters, and the methods named by method="..." ---------
_.priority
_.progress
_.completed_in
_.updated_in
_.filter_noop
_.filter_priority
_.filter_q
_.filter_sort
_.filter_deadline
_.filter_progress
_.filter_completed_in
_.filter_updated_in

# --- Model and form fields used by name (ORM lookups, admin, forms, templates) -------
_.issued_by  # ConclusionNotice.issued_by, listed in its admin (directives/admin.py)
# The signer's capacities, chosen in the admin (reports.SignerCapacity).
_.DIRECT
_.ON_BEHALF
_.DEPUTY
_.valid_from  # reports.Unit: valid_from__lte lookups, the admin
_.people_situation  # UnitReport.SECTIONS and ReportVersion: the report's sections
_.next_plan
_.updated_at  # reports/_workspace.html, the admin
_.indicator_name  # reports/version_page.html, the admin
_.target_baseline  # directives/directive_form.html, directive_detail.html
_.reported_by  # directives/directive_detail.html, the admin
_.requested_by  # the admin
_.decided_at  # the admin
_.decision_comment  # directives/directive_detail.html, the admin
_.raised_by  # directives/meeting_detail.html, recommendation_form.html
_.decision  # directives/_review_update.html: the reviewer's buttons
_.recorded_by  # reports.Reorganisation: the admin's list and page
_.recorded_at
_.object_id  # structure.Handover: the admin's inline
# notifications: the columns the services filter and update by name (read_at,
# mail_claim...), a choice offered by the settings form (Delivery.APP) and the
# digest's record (notifications, sent_at: read in the admin)
_.APP
_.read_at
_.mail_claim
_.mail_claimed_at
_.mailed_at
_.notifications
_.sent_at
_.mail_comment  # templates/notifications/email/*
# accounts: Django's password views read these attributes by name; a reset's e-mail
# digest is filtered by name (accounts.services.reset_request_allowed)
_.email_template_name
_.html_email_template_name
_.subject_template_name
_.extra_email_context
_.email_digest
_.mailed
_.send_mail  # accounts.forms.DeferredResetForm: Django's PasswordResetForm.save calls it
# reports.ReminderLog.sent_by: who pressed "remind" (the queue and the admin show it)
_.sent_by
# structure.forms: fields read from cleaned_data by name and shown by the wizard's pages
_.new_code
_.new_name
_.new_short_name
_.new_kind
_.new_level
_.new_parent
_.assign_all_to

# --- Read by templates ---------------------------------------------------------------
_.anchor  # admin/structure/_preview_table.html (a preview table's id)
_.can_post  # directives/directive_detail.html
_.can_move  # directives/directive_detail.html
_.note_field  # reports/_report_form.html
_.note_holds_field  # reports/_indicator_row_input.html
_.section_fields  # reports/_report_form.html
_.awaiting  # quarters/detail.html (completeness counts)
_.not_filed  # reports/queue.html (completeness counts)
_.submits  # reports/_workspace.html: the head's hint to submit
_.may_start  # reports/_workspace.html: "Start the report" only for a unit that owes it
_.filed_rate  # quarters/detail.html
_.on_time_rate  # quarters/detail.html
_.kind_label  # quarters/detail.html
_.submitted_once  # quarters/detail.html (what the unit submitted may be opened)
_.is_sample  # reports.aggregation.completeness.StandingFields, read in SQL by count_columns
_.status_label  # quarters/detail.html
_.previous_label  # quarters/_figure_table.html, quarters/detail.html
_.last_year_label  # quarters/_figure_table.html
_.has_reports  # quarters/detail.html
_.part_rows  # admin/structure/_split_parts.html
_.assignment_rows  # admin/structure/_split_assignments.html
_.is_node  # quarters/_areas.html (the node's own report, beside its sub-units)
_.STATE  # reports.models.DocumentStyle: a choice the admin offers (style_of compares with PARTY)
_.updated_by  # quarters/draft.html, reports.admin.ConsolidatedReportAdmin (who saved last)
_.delta  # reports/_changes.html (a value's change since the returned submission)
_.note_changed  # reports/_changes.html
_.BELOW  # reports.models.RuleOperator: choices the admin offers (reports.expressions.holds)
_.EQUAL  # reports.models.RuleOperator
_.AT_LEAST  # reports.models.RuleOperator
_.ABOVE  # reports.models.RuleOperator
_.flagged_values  # reports/queue.html (a version's flagged values, annotated on the report)
_.flagged  # reports/workbook_import.html (a sheet's unusual values)
_.added_by  # reports.models.ReportAnnex: who attached it (the record, read in backups)
_.added_at  # reports/_annexes.html
_.cut_before  # reports/search.html (an excerpt starts inside its text)
_.cut_after  # reports/search.html

# --- Named only in a string for the type checker (cast("…")) ------------------------
_._AssignmentOnPage  # directives.views.directive_detail
_.DataclassInstance  # reports.aggregation.completeness: TypeVar("R", bound="DataclassInstance")

# --- Called by the tests and the benchmark only (outside vulture's paths) --------------
_.second_factor_given  # tests/conftest.py, tools/bench/run.py

# --- Called by data migrations (outside vulture's paths) ----------------------------
_.store_one_line_texts  # reports 0029, directives 0011
