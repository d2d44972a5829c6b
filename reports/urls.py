from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("queue/", views.queue_current, name="queue"),
    path("queue/<quarter:quarter>/", views.queue, name="queue_quarter"),
    path("queue/<quarter:quarter>/remind/<slug:unit_code>/", views.remind, name="remind"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/accept/", views.report_accept, name="accept"),
    path("<int:pk>/reopen/", views.report_reopen, name="reopen"),
    path("<int:pk>/follow-up/", views.report_follow_up, name="follow_up"),
    path("<int:pk>/annexes/", views.annex_add, name="annex_add"),
    path("annexes/<int:pk>/", views.annex_download, name="annex"),
    path("annexes/<int:pk>/remove/", views.annex_remove, name="annex_remove"),
    path("search/", views.report_search, name="search"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("import/<quarter:quarter>/", views.workbook_import, name="import_workbook"),
    path(
        "import/<quarter:quarter>/workbook.xlsx", views.workbook_template, name="workbook_template"
    ),
    path("<slug:unit_code>/<quarter:quarter>/", views.report_page, name="report"),
    path(
        "<slug:unit_code>/<quarter:quarter>/report.docx",
        views.report_document,
        name="document",
    ),
    path(
        "<slug:unit_code>/<quarter:quarter>/workbook.xlsx",
        views.report_workbook,
        name="workbook",
    ),
    path(
        "<slug:unit_code>/<quarter:quarter>/word/",
        views.report_import_word,
        name="import_word",
    ),
    path(
        "<slug:unit_code>/<quarter:quarter>/versions/<int:number>/",
        views.report_version,
        name="version",
    ),
]
